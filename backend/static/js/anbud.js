// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Move focus to the error summary so screen readers and keyboard users start there.
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
  // A link in the summary focuses its field, not just scrolls to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var field = target.matches("input, select, textarea, fieldset") ? target
      : target.querySelector("input, select, textarea");
    (field || target).focus();
    target.scrollIntoView({ block: "center" });
  });
  // "Go back" links: the previous page when there is one (the CSP allows no javascript: URLs).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (!link || window.history.length < 2) return;
    event.preventDefault();
    window.history.back();
  });
})();
