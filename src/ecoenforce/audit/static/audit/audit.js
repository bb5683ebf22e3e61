// Audit pages: while "verify the chain" runs (it reads every event), show a spinner and block a
// second submit. Loaded as a file: the CSP forbids inline scripts.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-audit-verify]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (!button) { return; }
        button.disabled = true;
        var spinner = button.querySelector(".spinner-border");
        if (spinner) { spinner.classList.remove("d-none"); }
        var label = button.querySelector("[data-label]");
        if (label) { label.textContent = "正在校验…"; }
      });
    });
  });
})();
