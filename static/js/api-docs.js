// Starts Swagger UI on /api/v1/docs from the site's own copy (static/vendor/swagger-ui): no
// inline script (the CSP forbids it), settings come from the page's data attributes.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") { return; }
  var config = JSON.parse(root.dataset.settings);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis];
  var csrfToken = root.dataset.csrfToken;
  if (csrfToken) {
    // The browser session is one of the API's authentications; its writes need the CSRF token.
    config.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = csrfToken;
      return req;
    };
  }
  SwaggerUIBundle(config);
})();
