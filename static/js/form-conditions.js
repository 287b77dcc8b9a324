/* Conditional form fields and the eligibility pre-check (申请前预检), progressive enhancement.
 *
 * A form with data-form-check="<url>" posts its fields (never its files) to that URL when a field
 * changes; the server evaluates the fields' FEEL conditions (required_when / shown_when) and, with
 * data-eligibility="1", the item's rules, and answers with an HTML fragment: the eligibility panel
 * and a hidden list of field states. Conditions are evaluated only on the server (one evaluator):
 * this file only applies what it is told. Without JavaScript every field is shown, the server
 * enforces the conditions at submission, and the "检查是否符合条件" button posts the whole form.
 * No inline script: the page works under a Content-Security-Policy without 'unsafe-inline'.
 */
(function () {
  "use strict";

  function applyStates(form, states) {
    states.forEach(function (state) {
      var name = state.getAttribute("data-field");
      var box = form.querySelector('.field[data-field="' + CSS.escape(name) + '"]');
      if (!box) { return; }
      var shown = state.getAttribute("data-shown") === "1";
      var required = state.getAttribute("data-required") === "1";
      box.hidden = !shown;
      box.setAttribute("data-shown", shown ? "1" : "0");
      box.setAttribute("data-required", required ? "1" : "0");
      box.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.required = required;
        input.disabled = !shown; /* a hidden field is not sent: the server would drop it anyway */
      });
      var mark = box.querySelector(".req");
      if (mark) { mark.hidden = !required; }
    });
  }

  function fieldsOnly(form) {
    var data = new FormData();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.disabled) { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      data.append(el.name, el.value);
    });
    if (form.getAttribute("data-eligibility") === "1") { data.append("eligibility", "1"); }
    return data;
  }

  function setup(form) {
    var url = form.getAttribute("data-form-check");
    var panel = document.getElementById("eligibility");
    var timer = null;
    var sequence = 0;

    /* the page was rendered with each conditional field's state: hide what is not shown */
    applyStates(form, form.querySelectorAll(".field[data-conditional]"));

    function check() {
      var mine = ++sequence;
      fetch(url, {method: "POST", body: fieldsOnly(form), credentials: "same-origin",
                  headers: {"X-Requested-With": "XMLHttpRequest"}})
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null || mine !== sequence) { return; } /* a later answer is on its way */
          var holder = document.createElement("div");
          holder.innerHTML = html;
          applyStates(form, holder.querySelectorAll(".field-states li"));
          if (panel) {
            var result = holder.querySelector(".eligibility");
            panel.replaceChildren.apply(panel, result ? [result] : []);
          }
        })
        .catch(function () { /* offline or refused: the server still checks at submission */ });
    }

    form.addEventListener("change", function (event) {
      if (event.target && event.target.type === "file") { return; }
      clearTimeout(timer);
      timer = setTimeout(check, 250);
    });
    var button = form.querySelector("#check-btn");
    if (button) {
      button.addEventListener("click", function (event) { event.preventDefault(); check(); });
    }
    if (form.getAttribute("data-eligibility") === "1") { check(); }
  }

  function start() {
    document.querySelectorAll("form[data-form-check]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
