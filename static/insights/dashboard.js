// The KPI dashboard's charts (ECharts): the selected KPI over time (line, with its target) and by
// department (bar). Data from the json_script block; labels from the chart elements' data-label-*
// attributes (translated by the template). The table above carries the same figures without JS.
(function () {
  "use strict";
  var data = document.getElementById("kpi-data");
  var line = document.getElementById("kpi-line");
  if (!data || !line) { return; }
  if (!window.echarts) { line.hidden = true; return; }
  var d = JSON.parse(data.textContent);
  var charts = [];
  var lineChart = window.echarts.init(line);
  lineChart.setOption({
    tooltip: { trigger: "axis", renderMode: "richText" }, legend: { top: 0 },
    grid: { left: 40, right: 16, bottom: 8, top: 36, containLabel: true },
    xAxis: { type: "category", data: d.labels },
    yAxis: { type: "value" },
    series: [
      { name: line.dataset.labelValue, type: "line", data: d.values, connectNulls: false, itemStyle: { color: "#1a5fb4" } },
      { name: line.dataset.labelTarget, type: "line", data: d.labels.map(function () { return d.target; }),
        symbol: "none", lineStyle: { type: "dashed" }, itemStyle: { color: "#c5221f" } }
    ]
  });
  charts.push(lineChart);
  var bar = document.getElementById("kpi-bar");
  if (bar && d.bar_labels.length) {
    var barChart = window.echarts.init(bar);
    barChart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 40, right: 16, bottom: 8, top: 16, containLabel: true },
      xAxis: { type: "category", data: d.bar_labels, axisLabel: { interval: 0, rotate: d.bar_labels.length > 4 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: [{ name: bar.dataset.labelValue, type: "bar", data: d.bar_values, itemStyle: { color: "#1a5fb4" } }]
    });
    charts.push(barChart);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
