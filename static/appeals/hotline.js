// The hotline form is keyboard first: Alt+S submits from any field (browsers differ on accesskey
// modifiers, and some ignore them headless), Enter in a one-line field submits as usual.
(function () {
  "use strict";
  var form = document.getElementById("hotline-form");
  if (!form) return;
  document.addEventListener("keydown", function (e) {
    if (e.altKey && !e.ctrlKey && !e.metaKey && (e.key === "s" || e.key === "S" || e.code === "KeyS")) {
      e.preventDefault();
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
  });
})();
