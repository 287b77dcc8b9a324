// The programme's Gantt chart (ECharts custom series): one bar per task from its planned start to
// the end of its planned last day, coloured by its warning light, the progress drawn darker inside,
// the critical path outlined in black; under it a thin bar for the forecast (dashed outline, red
// where it runs past the planned end); vertical lines for today and the milestones. Data from the
// page's json_script block (selectors.gantt_data); labels from the chart element's data-* (translated).
(function () {
  "use strict";
  var el = document.getElementById("gantt");
  if (!window.echarts || !el) { if (el) el.parentNode.hidden = true; return; }
  var d = JSON.parse(document.getElementById("gantt-data").textContent);
  var DAY = 86400000;
  var colours = { red: "#c5221f", yellow: "#e0a100", green: "#1e8e3e", done: "#8a93a3" };
  var shades = { red: "#7d1512", yellow: "#8a6200", green: "#0d652d", done: "#5f6368" };
  var time = function (iso) { var p = iso.split("-"); return Date.UTC(+p[0], +p[1] - 1, +p[2]); };
  var labels = d.tasks.map(function (t) { return t.code + " " + t.name; });
  var rows = d.tasks.map(function (t, i) {
    return { value: [i, Math.min(time(t.start), time(t.forecast_start)), Math.max(time(t.end), time(t.forecast_end)) + DAY,
                     t.progress, time(t.start), time(t.end) + DAY, time(t.forecast_start), time(t.forecast_end) + DAY], task: t };
  });
  el.style.height = Math.max(240, 48 + d.tasks.length * 30) + "px";  // CSSOM, not an inline style attribute: allowed by the CSP
  var chart = window.echarts.init(el);
  var marks = [{ name: el.dataset.labelToday, xAxis: time(d.today), lineStyle: { color: "#1f5fbf", type: "solid", width: 2 } }]
    .concat(d.milestones.map(function (m) {
      return { name: m.name, xAxis: time(m.date), lineStyle: { color: m.status === "reached" ? "#1e8e3e" : "#5d6677", type: "dashed" } };
    }));
  chart.setOption({
    animation: false,
    tooltip: {
      renderMode: "richText",
      formatter: function (p) {
        var t = p.data.task;
        return t.code + " " + t.name + "\n" + t.owner + "\n" + el.dataset.labelPlanned + " " + t.start + " – " + t.end + "\n" +
          el.dataset.labelForecast + " " + t.forecast_start + " – " + t.forecast_end +
          (t.slip > 0 ? " (+" + t.slip + " " + el.dataset.labelDays + ")" : "") + "\n" +
          el.dataset.labelProgress + " " + t.progress + "%" + (t.critical ? "\n" + el.dataset.labelCritical : "");
      }
    },
    grid: { left: 8, right: 24, top: 28, bottom: 24, containLabel: true },
    xAxis: { type: "time", position: "top", splitLine: { show: true, lineStyle: { color: "#eef1f6" } } },
    yAxis: { type: "category", data: labels, inverse: true, axisTick: { show: false },
             axisLabel: { width: 190, overflow: "truncate" } },
    series: [{
      type: "custom",
      encode: { x: [1, 2], y: 0 },
      data: rows,
      renderItem: function (params, api) {
        var i = api.value(0), start = api.coord([api.value(4), i]), end = api.coord([api.value(5), i]);
        var band = api.size([0, 1])[1], h = band * 0.44, y = start[1] - band * 0.36, w = Math.max(end[0] - start[0], 2);
        var t = rows[params.dataIndex].task;
        var clip = { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height };
        var shape = function (width) {
          return window.echarts.graphic.clipRectByRect({ x: start[0], y: y, width: width, height: h }, clip);
        };
        var bar = shape(w), done = shape(w * api.value(3) / 100);
        var children = [];
        var fs = api.coord([api.value(6), i]), fe = api.coord([api.value(7), i]);
        var fy = y + h + band * 0.08, fh = band * 0.2;
        var forecast = window.echarts.graphic.clipRectByRect({ x: fs[0], y: fy, width: Math.max(fe[0] - fs[0], 2), height: fh }, clip);
        if (forecast) children.push({ type: "rect", shape: forecast, style: { fill: "rgba(29,36,51,0.08)", stroke: "#1d2433",
          lineWidth: 1, lineDash: [3, 2] } });
        if (t.slip > 0) {  // the part of the forecast past the planned end
          var late = window.echarts.graphic.clipRectByRect({ x: end[0], y: fy, width: Math.max(fe[0] - end[0], 1), height: fh }, clip);
          if (late) children.push({ type: "rect", shape: late, style: { fill: colours.red, opacity: 0.85 } });
        }
        if (bar) children.push({ type: "rect", shape: bar, style: { fill: colours[t.light], opacity: 0.45,
          stroke: t.critical ? "#1d2433" : null, lineWidth: t.critical ? 2.5 : 0 } });
        if (done && done.width > 0) children.push({ type: "rect", shape: done, style: { fill: shades[t.light] } });
        return { type: "group", children: children };
      },
      markLine: { symbol: "none", silent: true, label: { formatter: "{b}", fontSize: 10, color: "#1d2433" }, data: marks }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
