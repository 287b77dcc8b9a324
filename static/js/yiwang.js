// Behaviour the pages used to carry inline (onchange=, onsubmit=): kept here so that the
// Content-Security-Policy can forbid inline script (docs/deployment.md, "Browser security").
(function () {
  "use strict";
  // <select class="autosubmit">: submit its form on change (the language switch)
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select.autosubmit") && el.form) el.form.submit();
  });
  // <form data-confirm="…">: ask before submitting (e.g. withdrawing an application)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // maxlength on text people type (names, addresses, titles, reasons): the browser counts UTF-16
  // code units, so a character outside the BMP (生僻字 such as 𬌗 in a name, CJK Extension B–E)
  // counts 2 and a person is stopped before the limit the server holds, which counts characters
  // (code points, Python's len). Here the attribute becomes data-maxchars and the limit is held in
  // characters as the server counts them: a line break as one character (the browser sends it as
  // CR LF, which the server stores as LF before counting: yiwang.core.text). Over the limit, the field says so and the form is not sent (a form marked novalidate is
  // sent, and the server answers with its own message); nothing typed is cut. Without this script
  // the attribute stays and the browser counts as before.
  var TEXT = { text: 1, search: 1, "": 1 };
  var template = document.querySelector('meta[name="yiwang-too-long"]');
  function characters(value) {
    return Array.from(value.replace(/\r\n/g, "\n")).length;
  }
  function check(el) {
    var max = parseInt(el.getAttribute("data-maxchars"), 10), n = characters(el.value);
    el.setCustomValidity(n > max && template ? template.content.replace("{max}", max).replace("{n}", n) : "");
  }
  var HELD = "input[maxlength], textarea[maxlength]";
  function hold(root) {
    // the root itself too: an htmx outerHTML swap may put a field in as the swapped element
    var fields = Array.from(root.querySelectorAll(HELD));
    if (root.matches && root.matches(HELD)) fields.push(root);
    fields.forEach(function (el) {
      if (el.tagName === "INPUT" && !TEXT[(el.getAttribute("type") || "").toLowerCase()]) return;
      el.setAttribute("data-maxchars", el.getAttribute("maxlength"));
      el.removeAttribute("maxlength");
      check(el);
    });
  }
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.hasAttribute && el.hasAttribute("data-maxchars")) check(el);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { hold(document); });
  else hold(document);
  // fields that htmx swaps in later
  document.addEventListener("htmx:afterSettle", function (event) { hold(event.target); });
})();
