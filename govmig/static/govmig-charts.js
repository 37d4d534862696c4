/* Governing Migration: every chart is already in the page as SVG, drawn at build time.
   An interactive chart (selections, inputs, tooltips) is redrawn by the site's own copy
   of Vega, loaded only when a reader asks for it: by pointing at, touching or focusing
   the chart, or with its "Explore" button. Pages without interactive charts load nothing. */
(function () {
  "use strict";
  var me = document.currentScript;
  var base = me && me.src ? me.src.replace(/govmig-charts\.js(\?.*)?$/, "") : "_static/";
  var FILES = ["vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js"];
  var loading = null;

  function loadScript(src, absolute) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = absolute ? src : base + src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    });
  }

  function loadVega() {
    if (window.vegaEmbed) return Promise.resolve();
    if (!loading) {
      // The UMD builds register with require.js when it is on the page, instead of
      // defining window.vega*: hide its define() while they load.
      var amd = window.define;
      window.define = undefined;
      loading = FILES.reduce(function (p, f) { return p.then(function () { return loadScript(f); }); },
        Promise.resolve()).finally(function () { if (amd) window.define = amd; });
    }
    return loading;
  }

  function draw(el) {
    if (el.getAttribute("data-gm-drawn")) return;
    var specEl = document.getElementById(el.getAttribute("data-gm-chart"));
    if (!specEl) return;
    el.setAttribute("data-gm-drawn", "pending");
    var spec;
    var button = el.parentNode.querySelector('.gm-chart-explore[data-for="' + el.id + '"]');
    // The book moves each spec to a file of its own (govmig.sphinx); Jupyter keeps it inline.
    var key = specEl.getAttribute("data-gm-spec");
    var specReady = key
      ? loadScript(specEl.getAttribute("data-gm-src"), true).then(function () { spec = window.GOVMIG_SPECS[key]; })
      : Promise.resolve().then(function () { spec = JSON.parse(specEl.textContent); });
    specReady.then(loadVega).then(function () {
      var target = document.createElement("div");
      target.className = "gm-chart-live";
      el.appendChild(target);
      return window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function () {
        var svg = target.querySelector("svg");
        var label = el.querySelector(".gm-chart-svg svg[aria-label]");
        if (svg && label) { svg.setAttribute("role", "img"); svg.setAttribute("aria-label", label.getAttribute("aria-label")); }
        el.setAttribute("data-gm-drawn", "true");
        if (button) button.remove();
      });
    }).catch(function (err) {
      // The drawing stays: the reader loses only the interaction.
      el.setAttribute("data-gm-drawn", "error");
      if (button) { button.disabled = true; button.textContent = "The interactive version could not load; the chart above is complete."; }
      console.error("govmig chart", el.id, err);
    });
  }

  function init() {
    document.querySelectorAll(".gm-chart[data-gm-chart]").forEach(function (el) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "gm-chart-explore";
      button.setAttribute("data-for", el.id);
      button.textContent = "Explore this chart (interactive version)";
      button.addEventListener("click", function () { draw(el); });
      el.insertAdjacentElement("afterend", button);
      ["pointerenter", "touchstart", "focusin"].forEach(function (type) {
        el.addEventListener(type, function () { draw(el); }, { once: true, passive: true });
      });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
