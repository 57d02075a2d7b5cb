// Starts Swagger UI on the API's OpenAPI document (kept out of the page: the CSP allows no inline script).
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({ url: root.getAttribute("data-spec-url"), domNode: root, deepLinking: true });
})();
