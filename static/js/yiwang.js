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
})();
