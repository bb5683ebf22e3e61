// A point's hourly series: one ECharts chart per pollutant, the limit as a line, flagged hours marked.
(function () {
  var data = JSON.parse(document.getElementById("mon-series").textContent);
  if (typeof echarts === "undefined") { return; }
  Object.keys(data).forEach(function (code) {
    var el = document.getElementById("chart-" + code);
    if (!el) { return; }
    var s = data[code];
    var flagged = s.points.filter(function (p) { return p[2] !== "N"; }).map(function (p) {
      return { coord: [p[0], p[1]], value: p[2] };
    });
    var series = [{
      name: s.name, type: "line", showSymbol: false,
      data: s.points.map(function (p) { return [p[0], p[1]]; }),
      markPoint: { symbol: "pin", symbolSize: 28, data: flagged },
    }];
    if (s.limit !== null) {
      series[0].markLine = { symbol: "none", lineStyle: { color: "#dc3545", type: "dashed" },
        label: { formatter: "限值 " + s.limit + " " + s.unit + "（" + (s.limit_period || "") + "）" },
        data: [{ yAxis: s.limit }] };
    }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 36, bottom: 48 },
      xAxis: { type: "time" }, yAxis: { type: "value", name: s.unit },
      dataZoom: [{ type: "inside" }, { type: "slider", height: 18, bottom: 8 }],
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
