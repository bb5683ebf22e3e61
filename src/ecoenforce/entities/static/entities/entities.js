// Entity pages: disable a submit button while its form is being processed (upload/commit can
// take a while) so a double click does not post twice. No inline scripts: the CSP forbids them.
(function () {
  "use strict";
  document.addEventListener("submit", function (evt) {
    var btn = evt.target.querySelector("button[data-busy-text]");
    if (!btn) { return; }
    btn.disabled = true;
    btn.textContent = btn.getAttribute("data-busy-text");
  });
})();
