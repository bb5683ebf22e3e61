// Catalog pages. No inline scripts: the CSP forbids them.
//  - [data-autosubmit]: submit the enclosing form when the control changes (unit / date pickers).
//  - form[data-reason]: after the shared confirmation (app.js asks data-confirm once, for every page),
//    also ask for a reason and put it in the form's "reason" field (removing an item must say why).
//  - #id_sanction_kind: show only the sanction fields that apply to the chosen kind ([data-kinds]).
(function () {
  "use strict";
  document.addEventListener("change", function (evt) {
    var el = evt.target;
    if (el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) { el.form.requestSubmit(); }
    if (el.id === "id_sanction_kind") { toggleKinds(el.value); }
  });
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (evt.defaultPrevented) { return; }  // the confirmation was declined
    var ask = form.getAttribute("data-reason");
    if (ask) {
      var answer = window.prompt(ask, "");
      if (answer === null) { evt.preventDefault(); return; }
      form.querySelector("input[name=reason]").value = answer;
    }
  });
  function toggleKinds(kind) {
    document.querySelectorAll("[data-kinds]").forEach(function (box) {
      var kinds = box.getAttribute("data-kinds").split(" ");
      box.classList.toggle("d-none", kinds.indexOf(kind) < 0);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var kind = document.getElementById("id_sanction_kind");
    if (kind) { toggleKinds(kind.value); }
  });
})();
