// The guide page's process diagram: bpmn-js renders the item's BPMN, fetched from the same URL
// that offers it as a download (Content-Disposition: attachment does not stop fetch()).
(function () {
  "use strict";
  var el = document.getElementById("diagram");
  if (!el || !window.BpmnJS) return;
  var viewer = new window.BpmnJS({ container: el });
  fetch(el.dataset.src, { credentials: "same-origin" })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () { viewer.get("canvas").zoom("fit-viewport"); el.setAttribute("data-rendered", "1"); })
    .catch(function () { el.hidden = true; });
})();
