// Tender document upload with a progress bar. Without JavaScript the form posts normally.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var box = document.getElementById("upload-progress");
  if (!form || !box || !window.XMLHttpRequest || !window.FormData) return;
  var bar = document.getElementById("upload-bar");
  var status = document.getElementById("upload-status");
  var errors = document.getElementById("upload-errors");
  var button = document.getElementById("upload-button");

  function setProgress(percent) {
    bar.value = percent;
    bar.textContent = percent + " %";
  }

  function showErrors(list) {
    errors.textContent = "";
    list.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      errors.appendChild(item);
    });
  }

  form.addEventListener("submit", function (event) {
    var file = form.querySelector("input[type=file]");
    if (!file || !file.files || !file.files.length) return; // let the server explain
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.responseType = "json";
    box.hidden = false;
    setProgress(0);
    status.textContent = box.dataset.uploading;
    showErrors([]);
    button.disabled = true;
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) setProgress(Math.round((e.loaded / e.total) * 100));
    });
    xhr.addEventListener("load", function () {
      var body = xhr.response || {};
      if (xhr.status >= 200 && xhr.status < 300 && body.ok) {
        setProgress(100);
        box.classList.add("upload-progress--done");
        status.textContent = box.dataset.done;
        window.setTimeout(function () { window.location.assign(body.redirect); }, 1200);
      } else {
        button.disabled = false;
        status.textContent = "";
        showErrors(body.errors || [box.dataset.failed]);
      }
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      status.textContent = "";
      showErrors([box.dataset.failed]);
    });
    xhr.send(new FormData(form));
  });
})();
