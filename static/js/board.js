// The supervision board's chart (ECharts): data from the json_script block, series names from the
// chart element's data-label-* attributes (translated by the template).
(function () {
  "use strict";
  var el = document.getElementById("board-chart");
  if (!window.echarts || !el) { if (el) el.hidden = true; return; }
  var d = JSON.parse(document.getElementById("board-data").textContent);
  var chart = window.echarts.init(el);
  var s = function (name, data, color) { return { name: name, type: "bar", stack: "all", data: data, itemStyle: { color: color } }; };
  chart.setOption({
    // richText: the tooltip is drawn, not built from HTML with style attributes (the CSP forbids those)
    tooltip: { trigger: "axis", renderMode: "richText" }, legend: { top: 0 },
    grid: { left: 48, right: 16, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 6 ? 30 : 0 } },
    yAxis: { type: "value" },
    series: [s(el.dataset.labelGreen, d.green, "#1e8e3e"), s(el.dataset.labelYellow, d.yellow, "#c98a00"),
             s(el.dataset.labelRed, d.red, "#c5221f"), s(el.dataset.labelPaused, d.paused, "#80868b")]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
