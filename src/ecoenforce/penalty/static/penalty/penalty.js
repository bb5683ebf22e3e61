// Penalty calculator pages. No inline scripts: the CSP forbids them.
//  - [data-show-when="<checkbox id>"]: shown only while that checkbox is checked (apology, mitigation).
//  - select[data-autosubmit] / input[data-autosubmit]: submit the enclosing form on change.
// Printing ([data-print]) and charts ([data-chart]) are handled by the shared app.js.
(function () {
  "use strict";

  function syncToggles(root) {
    root.querySelectorAll("[data-show-when]").forEach(function (box) {
      var control = document.getElementById(box.getAttribute("data-show-when"));
      if (!control) { return; }
      var hasErrors = box.querySelector(".invalid-feedback") !== null;
      box.classList.toggle("d-none", !control.checked && !hasErrors);
    });
  }

  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (!el || !el.matches) { return; }
    if (el.matches("input[type=checkbox]")) { syncToggles(document); }
    if (el.hasAttribute("data-autosubmit") && el.form) { el.form.requestSubmit(); }
  });

  document.addEventListener("DOMContentLoaded", function () { syncToggles(document); });
  document.addEventListener("htmx:afterSwap", function (evt) {
    syncToggles(evt.target);
    // print buttons inside swapped content (app.js binds them only on page load)
    evt.target.querySelectorAll("[data-print]").forEach(function (btn) {
      if (btn.dataset.printReady) { return; }
      btn.dataset.printReady = "1";
      btn.addEventListener("click", function () { window.print(); });
    });
  });
})();
