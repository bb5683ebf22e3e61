// High-contrast toggle for the public portal; the choice is kept in this browser only.
(function () {
  "use strict";
  var KEY = "ecoenforce.highContrast";
  var root = document.documentElement;
  var button = document.getElementById("contrast-toggle");
  function apply(on) {
    root.classList.toggle("high-contrast", on);
    if (button) { button.setAttribute("aria-pressed", on ? "true" : "false"); }
  }
  var stored = false;
  try { stored = window.localStorage.getItem(KEY) === "1"; } catch (e) { stored = false; }
  apply(stored);
  if (button) {
    button.addEventListener("click", function () {
      var on = !root.classList.contains("high-contrast");
      apply(on);
      try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
    });
  }
})();
