/* Governing Migration: draw the book's charts with the site's own copy of Vega. */
(function () {
  "use strict";
  function draw(el) {
    var specEl = document.getElementById(el.getAttribute("data-gm-chart"));
    if (!specEl || el.getAttribute("data-gm-drawn")) return;
    el.setAttribute("data-gm-drawn", "pending");
    var spec = JSON.parse(specEl.textContent);
    window.vegaEmbed(el, spec, { actions: false, renderer: "svg" }).then(function (result) {
      var svg = el.querySelector("svg");
      if (svg && spec.description) svg.setAttribute("aria-label", spec.description);
      el.setAttribute("data-gm-drawn", "true");
      return result;
    }).catch(function (err) {
      el.setAttribute("data-gm-drawn", "error");
      el.textContent = "This chart could not be drawn (" + err.message + "). Its description is below.";
      console.error("govmig chart", el.id, err);
    });
  }
  function init() { document.querySelectorAll("[data-gm-chart]").forEach(draw); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
