// The command board (应急指挥): draws the JSON of GET /api/v1/appeals/board (embedded for the first
// paint, then polled every data-refresh seconds). Text from the server is put in with textContent
// only; translated labels come from the template's data-t-* attributes. A failed refresh keeps the
// last picture and says so; the next poll tries again.
(function () {
  "use strict";
  var root = document.getElementById("command-board");
  if (!root) return;
  var t = function (key) { return root.getAttribute("data-t-" + key) || ""; };
  var fill = function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (m, k) { return values[k] == null ? "" : String(values[k]); });
  };
  var el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  };
  var replace = function (parent, children) {
    while (parent.firstChild) parent.removeChild(parent.firstChild);
    children.forEach(function (c) { parent.appendChild(c); });
  };
  var appealUrl = function (number) { return root.dataset.appealUrl.replace("NUMBER", encodeURIComponent(number)); };
  var lightName = function (light) { return t(light) || light; };
  var dot = function (light) { return el("span", { className: "sla sla-" + light, "aria-hidden": "true" }); };
  var district = function (name) { return name || t("unplaced"); };
  var category = function (name) { return name || t("uncategorised"); };
  var time = function (iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleString(document.documentElement.lang || undefined,
      { month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  };

  function drawTotals(totals) {
    Object.keys(totals).forEach(function (k) {
      var node = document.getElementById("kpi-" + k);
      if (node) node.textContent = String(totals[k]);
    });
  }

  function countRows(tbody, rows, nameOf) {
    if (!rows.length) { replace(tbody, [el("tr", {}, [el("td", { colspan: "4", text: t("none") })])]); return; }
    replace(tbody, rows.map(function (r) {
      return el("tr", { className: "row-" + r.light }, [
        el("th", { scope: "row" }, [dot(r.light), nameOf(r)]),
        el("td", { className: "num", text: String(r.open) }),
        el("td", { className: "num" + (r.red ? " is-red" : ""), text: String(r.red) }),
        el("td", { className: "num", text: String(r.yellow) })]);
    }));
  }

  function drawHeat(table, heat) {
    var cats = [], towns = [], cells = {};
    heat.forEach(function (c) {
      if (cats.indexOf(c.category) < 0) cats.push(c.category);
      if (towns.indexOf(c.district) < 0) towns.push(c.district);
      cells[c.category + "\u0000" + c.district] = c;
    });
    towns.sort(function (a, b) { return (a === "") - (b === "") || a.localeCompare(b, "zh"); });
    var head = el("tr", {}, [el("th", { scope: "col", text: "" })].concat(towns.map(function (d) {
      return el("th", { scope: "col", text: district(d) });
    })));
    replace(table.tHead, [head]);
    replace(table.tBodies[0], cats.length ? cats.map(function (c) {
      return el("tr", {}, [el("th", { scope: "row", text: category(c) })].concat(towns.map(function (d) {
        var cell = cells[c + "\u0000" + d];
        if (!cell) return el("td", { className: "heat-empty", text: "·" });
        var total = cell.red + cell.yellow + cell.green;
        var label = category(c) + " · " + district(d) + ": " + total + " (" + t("red") + " " + cell.red + ", " +
          t("yellow") + " " + cell.yellow + ", " + t("green") + " " + cell.green + ")";
        return el("td", { className: "heat heat-" + cell.light, title: label },
          [el("span", { text: String(total) }), cell.red ? el("small", { text: " " + t("red") + " " + cell.red }) : null]);
      })));
    }) : [el("tr", {}, [el("td", { text: t("none") })])]);
  }

  function drawOverdue(list, rows) {
    if (!rows.length) { replace(list, [el("li", { text: t("none") })]); return; }
    replace(list, rows.map(function (a) {
      return el("li", {}, [
        el("a", { href: appealUrl(a.number) }, [dot("red"), a.number + " " + a.title]),
        el("span", { className: "muted overdue-meta",
          text: fill(t("hours"), { h: a.overdue_hours }) + " · " + category(a.category) + " · " + district(a.district) +
            (a.department ? " · " + a.department : "") })]);
    }));
  }

  function trendText(topic) {
    var d = topic.count - topic.previous;
    if (!topic.previous) return { text: t("trend-new"), cls: "trend-up" };
    if (d > 0) return { text: "↑ " + fill(t("trend-up"), { n: d }), cls: "trend-up" };
    if (d < 0) return { text: "↓ " + fill(t("trend-down"), { n: -d }), cls: "trend-down" };
    return { text: t("trend-same"), cls: "" };
  }

  function drawTopics(list, meta, hot) {
    if (!hot) { meta.textContent = t("topics-none"); replace(list, []); return; }
    meta.textContent = fill(t("topics-at"), { t: time(hot.computed_at), n: hot.considered });
    if (!hot.topics.length) { replace(list, [el("li", { text: t("no-topics") })]); return; }
    replace(list, hot.topics.map(function (topic) {
      var trend = trendText(topic);
      var links = el("ul", { className: "topic-appeals" }, topic.appeals.slice(0, 5).map(function (a) {
        return el("li", {}, [el("a", { href: appealUrl(a.number), text: a.number + " " + a.title })]);
      }));
      return el("li", { className: "topic" }, [
        el("div", { className: "topic-head" }, [
          el("strong", { className: "topic-label", text: topic.label }),
          el("span", { className: "topic-count", text: topic.count + " " + t("appeals") }),
          el("span", { className: "topic-trend " + trend.cls, text: trend.text })]),
        el("p", { className: "muted topic-example", text: t("example") + ": " + topic.example }),
        links]);
    }));
  }

  var chart = null, mapReady = false, pending = null;
  var colours = { red: "#c5221f", yellow: "#c98a00", green: "#1e8e3e" };
  function drawMap(points) {
    pending = points;
    var count = document.getElementById("map-count");
    if (count) count.textContent = String(points.length);
    if (!mapReady || !chart || chart.isDisposed()) return;
    chart.setOption({
      animation: false,
      // the tooltip is HTML: the appeal's title is citizens' text, so it is escaped
      tooltip: { trigger: "item", formatter: function (p) { return p.data ? window.echarts.format.encodeHTML(p.data.label) : ""; } },
      geo: { map: "county", roam: true, label: { show: true, color: "#1d2433" },
             itemStyle: { areaColor: "#eef3fb", borderColor: "#5b7db8" },
             emphasis: { disabled: true }, select: { disabled: true }, selectedMode: false },
      series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: function (v, p) {
        return p.data.urgency === "emergency" ? 16 : 11; },
        data: points.map(function (p) {
          return { value: [p.longitude, p.latitude], number: p.number, urgency: p.urgency,
                   label: p.number + " " + p.title + " · " + lightName(p.light) +
                          (p.approximate ? " · " + fill(t("approximate"), { m: p.uncertainty_m }) : ""),
                   // a point placed from a typed address is hollow: where it is, is a guess
                   itemStyle: p.approximate
                     ? { color: "#fff", borderColor: colours[p.light] || "#5d6677", borderWidth: 3 }
                     : { color: colours[p.light] || "#5d6677", borderColor: "#fff", borderWidth: 1 } };
        }) }]
    });
  }
  function setUpMap() {
    var node = document.getElementById("board-map");
    if (!node || !window.echarts || !window.fetch) { if (node) node.hidden = true; return; }
    fetch(root.dataset.geojson).then(function (r) { return r.json(); }).then(function (geo) {
      window.echarts.registerMap("county", geo);
      chart = window.echarts.init(node);
      chart.on("click", function (p) { if (p.data && p.data.number) window.location.href = appealUrl(p.data.number); });
      mapReady = true;
      if (pending) drawMap(pending);
      node.dataset.ready = "1";
      window.addEventListener("resize", function () {
        if (chart.isDisposed()) return;
        try { chart.resize(); } catch (err) { /* echarts can throw resizing a geo view mid-layout */ }
      });
      window.addEventListener("pagehide", function () { if (!chart.isDisposed()) chart.dispose(); });
    }).catch(function () { node.hidden = true; });
  }

  function draw(data) {
    drawTotals(data.totals);
    countRows(document.querySelector("#board-by-category tbody"), data.by_category, function (r) { return category(r.category); });
    countRows(document.querySelector("#board-by-district tbody"), data.by_district, function (r) { return district(r.district); });
    countRows(document.querySelector("#board-by-status tbody"), data.by_status.map(function (s) {
      s.light = s.red ? "red" : (s.yellow ? "yellow" : "green"); return s; }), function (r) { return r.label; });
    drawHeat(document.getElementById("board-heat"), data.heat);
    drawOverdue(document.getElementById("board-overdue"), data.overdue);
    drawTopics(document.getElementById("board-topics"), document.getElementById("topics-meta"), data.hot_topics);
    drawMap(data.points);
    document.getElementById("board-refreshed").textContent = t("refreshed") + ": " + time(data.generated_at);
    root.dataset.generatedAt = data.generated_at;
  }

  var errorBox = document.getElementById("board-error");
  function failed(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    root.classList.add("is-stale");
  }
  function refresh() {
    fetch(root.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) throw new Error("forbidden");
        if (!r.ok) throw new Error("http " + r.status);
        return r.json();
      })
      .then(function (data) {
        draw(data);
        errorBox.hidden = true;
        errorBox.textContent = "";
        root.classList.remove("is-stale");
      })
      .catch(function (err) { failed(err && err.message === "forbidden" ? t("forbidden") : t("failed")); });
  }

  var initial = document.getElementById("board-initial");
  setUpMap();
  if (initial) draw(JSON.parse(initial.textContent));
  var seconds = Math.max(5, parseInt(root.dataset.refresh, 10) || 30);
  window.setInterval(refresh, seconds * 1000);
  root.dataset.polling = String(seconds);
})();
