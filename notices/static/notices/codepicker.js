/*
 * CPV / NUTS code picker: turns <input data-codepicker="cpv|nuts"> into an accessible
 * combobox (WAI-ARIA 1.2 combobox pattern, list autocomplete) backed by the type-ahead API
 * GET /api/codes/cpv/?q= and /api/codes/nuts/?q=.
 *
 * Markup: <label for="id_cpv_main">Main CPV code</label>
 *         <input id="id_cpv_main" name="cpv_main" data-codepicker="cpv">
 * Options: data-codepicker-multiple  the input holds several codes separated by spaces or
 *                                    commas (additional CPV codes); the last one is completed.
 *          data-codepicker-url       another lookup endpoint (default /api/codes/<kind>/).
 * Keyboard: Down/Up move through the suggestions (Down opens them), Enter or a click chooses,
 * Escape closes (a second Escape clears the code being typed), Tab leaves, Home/End move the
 * caret as usual. The chosen code is written into the input; its label is announced.
 * Default styles are injected once with low specificity; override .codepicker-list freely.
 * Without JavaScript the input stays a plain text field that accepts codes.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var counter = 0;
  var lang = (document.documentElement.lang || "nb").toLowerCase();
  var texts = lang.indexOf("en") === 0
    ? { none: "No matching codes", one: "1 code found", many: " codes found" }
    : { none: "Ingen treff", one: "1 kode funnet", many: " koder funnet" };

  function labelOf(item) {
    if (item.label !== undefined) return item.label;
    return lang.indexOf("en") === 0 ? item.label_en : (item.label_nb || item.label_en);
  }

  function Picker(input) {
    this.input = input;
    this.kind = input.getAttribute("data-codepicker");
    this.multiple = input.hasAttribute("data-codepicker-multiple");
    this.url = input.getAttribute("data-codepicker-url") || "/api/codes/" + this.kind + "/";
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.request = 0;
    this.build();
  }

  Picker.prototype.build = function () {
    var id = this.input.id || ("codepicker-" + (++counter));
    this.input.id = id;
    var wrapper = document.createElement("div");
    wrapper.className = "codepicker";
    wrapper.style.position = "relative";
    this.input.parentNode.insertBefore(wrapper, this.input);
    wrapper.appendChild(this.input);

    this.list = document.createElement("ul");
    this.list.id = id + "-listbox";
    this.list.className = "codepicker-list";
    this.list.setAttribute("role", "listbox");
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      if (!label.id) label.id = id + "-label";
      this.list.setAttribute("aria-labelledby", label.id);
    }
    this.list.hidden = true;
    wrapper.appendChild(this.list);

    this.status = document.createElement("div");
    this.status.className = "codepicker-status visually-hidden";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    wrapper.appendChild(this.status);

    var input = this.input;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    input.setAttribute("autocomplete", "off");

    var self = this;
    input.addEventListener("input", function () { self.schedule(); });
    input.addEventListener("keydown", function (event) { self.onKey(event); });
    input.addEventListener("blur", function () {
      window.clearTimeout(self.timer);
      // Let a click on an option land before the list disappears.
      window.setTimeout(function () { self.close(); }, 150);
    });
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) self.choose(Number(option.getAttribute("data-index")));
    });
  };

  Picker.prototype.term = function () {
    var value = this.input.value;
    if (!this.multiple) return value.trim();
    var parts = value.split(/[\s,]+/);
    return parts[parts.length - 1];
  };

  Picker.prototype.schedule = function () {
    var self = this;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(function () { self.fetch(); }, DEBOUNCE_MS);
  };

  Picker.prototype.fetch = function () {
    var term = this.term();
    if (!term) { this.close(); return; }
    var self = this;
    var ticket = ++this.request;
    window.fetch(this.url + "?q=" + encodeURIComponent(term), {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.json() : [];
    }).then(function (items) {
      // Ignore answers that came late, or after the person left the field: a list opening
      // then would cover whatever they went on to.
      if (ticket === self.request && document.activeElement === self.input) self.show(items);
    }).catch(function () { self.close(); });
  };

  Picker.prototype.show = function (items) {
    this.items = items;
    this.active = -1;
    this.list.textContent = "";
    var self = this;
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.id = self.list.id + "-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.setAttribute("data-index", String(index));
      var code = document.createElement("span");
      code.className = "codepicker-code";
      code.textContent = item.code;
      li.appendChild(code);
      li.appendChild(document.createTextNode(" " + labelOf(item)));
      self.list.appendChild(li);
    });
    this.status.textContent = items.length === 0 ? texts.none
      : items.length === 1 ? texts.one : items.length + texts.many;
    if (items.length) this.open(); else this.close();
  };

  Picker.prototype.open = function () {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    this.list.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.move = function (step) {
    if (!this.items.length) return;
    if (this.list.hidden) this.open();
    var options = this.list.children;
    if (this.active >= 0) options[this.active].setAttribute("aria-selected", "false");
    this.active = (this.active + step + this.items.length) % this.items.length;
    var option = options[this.active];
    option.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) return;
    if (this.multiple) {
      var parts = this.input.value.split(/[\s,]+/).filter(Boolean);
      parts[Math.max(parts.length - 1, 0)] = item.code;
      this.input.value = parts.join(" ") + " ";
    } else {
      this.input.value = item.code;
    }
    this.status.textContent = item.code + " " + labelOf(item);
    this.close();
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
    this.input.focus();
  };

  Picker.prototype.onKey = function (event) {
    var open = !this.list.hidden;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open && !this.items.length) { this.fetch(); return; }
        this.move(1);
        break;
      case "ArrowUp":
        if (open) { event.preventDefault(); this.move(-1); }
        break;
      case "Enter":
        if (open && this.active >= 0) { event.preventDefault(); this.choose(this.active); }
        break;
      case "Escape":
        if (open) { event.preventDefault(); this.close(); }
        else if (this.input.value) {
          event.preventDefault();
          if (this.multiple) {
            var parts = this.input.value.split(/[\s,]+/).filter(Boolean);
            parts.pop();
            this.input.value = parts.length ? parts.join(" ") + " " : "";
          } else {
            this.input.value = "";
          }
        }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  };

  var stylesInjected = false;

  function injectStyles() {
    if (stylesInjected || document.getElementById("codepicker-styles")) return;
    stylesInjected = true;
    var css =
      ":where(.codepicker-list){position:absolute;z-index:20;left:0;right:0;margin:0;" +
      "padding:0;list-style:none;max-height:18rem;overflow-y:auto;background:#fff;" +
      "border:1px solid #767676;box-shadow:0 2px 6px rgba(0,0,0,.2)}" +
      ":where(.codepicker-list [role=option]){padding:.35rem .5rem;cursor:pointer}" +
      ":where(.codepicker-list [role=option][aria-selected=true])," +
      ":where(.codepicker-list [role=option]:hover){background:#1d4f91;color:#fff}" +
      ":where(.codepicker-code){font-variant-numeric:tabular-nums;font-weight:600}";
    // A constructed stylesheet: the Content-Security-Policy (style-src 'self') refuses an
    // inline <style> element but not the CSSOM.
    if (window.CSSStyleSheet && "adoptedStyleSheets" in document) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
      return;
    }
    var style = document.createElement("style");
    style.id = "codepicker-styles";
    style.textContent = css;
    document.head.appendChild(style);
  }

  function init(root) {
    injectStyles();
    var inputs = (root || document).querySelectorAll("input[data-codepicker]");
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.getAttribute("data-codepicker-ready")) return;
      input.setAttribute("data-codepicker-ready", "1");
      new Picker(input);
    });
  }

  window.AnbudCodePicker = { init: init };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
