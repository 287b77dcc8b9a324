/* Draw every process diagram on the page: an element with class "diagram" and data-src (the URL
   of a BPMN file) becomes a bpmn-js navigated viewer. Shared by the item guide and the admin's
   process versions; a static file, so that the pages need no inline script (CSP). Without
   JavaScript, or if the file cannot be drawn, the element is hidden and the step table remains. */
(function () {
  function draw(el) {
    if (!window.BpmnJS) { el.style.display = "none"; return; }
    var viewer = new window.BpmnJS({ container: el });
    fetch(el.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () { viewer.get("canvas").zoom("fit-viewport"); el.setAttribute("data-drawn", "true"); el.setAttribute("data-rendered", "1"); })
      .catch(function () { el.style.display = "none"; });
  }
  function start() {
    var els = document.querySelectorAll(".diagram[data-src]");
    for (var i = 0; i < els.length; i++) draw(els[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
