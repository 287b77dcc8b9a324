// The location picker: the county's outline (static GeoJSON, no tile server) drawn by ECharts; a
// click puts the point into the form's hidden latitude/longitude fields. Without JavaScript the
// address field alone is enough.
(function () {
  "use strict";
  var el = document.getElementById("pick-map");
  if (!el) return;
  if (!window.echarts || !window.fetch) { el.hidden = true; return; }
  var lat = document.getElementById("f_lat"), lng = document.getElementById("f_lng");
  var picked = document.getElementById("map-picked");
  fetch(el.dataset.geojson).then(function (r) { return r.json(); }).then(function (geo) {
    window.echarts.registerMap("county", geo);
    var chart = window.echarts.init(el);
    var point = function () {
      var y = lat && lat.value, x = lng && lng.value;
      if (el.dataset.readonly) { y = el.dataset.lat; x = el.dataset.lng; }
      return y && x ? [[parseFloat(x), parseFloat(y)]] : [];
    };
    var draw = function () {
      chart.setOption({
        animation: false,  // nothing to animate; no frame may run after the page has moved on
        // no hover states: a point is picked by a click, and echarts' hover on a region threw on some pages
        geo: { map: "county", roam: true, label: { show: true }, itemStyle: { areaColor: "#eef3fb", borderColor: "#5b7db8" },
               emphasis: { disabled: true }, select: { disabled: true }, selectedMode: false },
        series: [{ type: "scatter", coordinateSystem: "geo", data: point(), symbolSize: 14, silent: true,
                   itemStyle: { color: "#c5221f" } }]
      });
    };
    draw();
    el.dataset.ready = "1";
    if (!el.dataset.readonly) {
      chart.getZr().on("click", function (e) {
        var c = null;
        try { c = chart.convertFromPixel("geo", [e.offsetX, e.offsetY]); } catch (err) { c = null; }
        if (!c || c[0] == null || c[1] == null) return;  // outside the map, or the chart not laid out yet
        lng.value = c[0].toFixed(6); lat.value = c[1].toFixed(6);
        if (picked) picked.textContent = el.dataset.pickedLabel + ": " + lat.value + ", " + lng.value;
        draw();
      });
    }
    window.addEventListener("resize", function () {
      if (chart.isDisposed()) return;
      try { chart.resize(); } catch (err) { /* echarts 6 can throw resizing a geo view mid-layout; the next resize redraws */ }
    });
    window.addEventListener("pagehide", function () { if (!chart.isDisposed()) chart.dispose(); });
  }).catch(function () { el.hidden = true; });
})();
