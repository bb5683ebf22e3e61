// ecoenforce shared behaviour. No inline scripts anywhere: the CSP forbids them.
// Charts: any element with data-chart="<json_script id>" gets an ECharts instance whose option is
// read from that JSON script. Forms with data-confirm="…" ask before they submit.
(function () {
  "use strict";
  var charts = [];

  function initCharts(root) {
    if (typeof echarts === "undefined") { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src || el.dataset.chartReady) { return; }
      var chart = echarts.init(el);
      chart.setOption(JSON.parse(src.textContent));
      el.dataset.chartReady = "1";
      charts.push(chart);
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (chart) { if (!chart.isDisposed()) { chart.resize(); } });
    }, 100);
  });

  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { evt.preventDefault(); }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    initCharts(document);
    document.querySelectorAll("[data-print]").forEach(function (btn) {
      btn.addEventListener("click", function () { window.print(); });
    });
  });
  document.addEventListener("htmx:afterSwap", function (evt) { initCharts(evt.target); });
})();
