// ecoenforce shared behaviour. Charts: any element with data-chart="<json_script id>" gets an ECharts
// instance whose option is read from that JSON script (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  function initCharts(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src || el.dataset.chartReady) { return; }
      var chart = echarts.init(el);
      chart.setOption(JSON.parse(src.textContent));
      el.dataset.chartReady = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    initCharts(document);
    document.querySelectorAll("[data-print]").forEach(function (btn) {
      btn.addEventListener("click", function () { window.print(); });
    });
  });
  document.addEventListener("htmx:afterSwap", function (evt) { initCharts(evt.target); });
})();
