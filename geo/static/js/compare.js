/* js/compare.js: what a page does for comparison (issue 17).
 *
 * - An opacity slider for each layer group of the tree (one per plan), so that overlapping
 *   fills of several plans (十三五 三大经济区 against the 2021 plan areas) can be told apart.
 *   It writes CSS rules for the group's paths (path[data-id=…]), so elements drawn later, or
 *   drawn again, get it too.
 * - Inside the comparison page (compare.html, two of these pages in frames) it reports its
 *   view to the parent with postMessage and follows the views the parent sends: the two maps
 *   stay in step. postMessage works between file:// pages too, so offline comparisons do.
 *
 * Page API used (window.atlasPage): map, model (tree), leaves(id). present.js calls
 * window.atlasCompare(atlasPage).
 */
(function () {
  "use strict";
  var api = null, rules = null, levels = {}, following = false;

  function cssString(s) { return '"' + String(s).replace(/["\\\n]/g, function (c) { return c === "\n" ? "\\a " : "\\" + c; }) + '"'; }
  function writeRules() {
    var out = [];
    Object.keys(levels).forEach(function (plan) {
      var v = levels[plan];
      if (v.value >= 1) return;
      v.ids.forEach(function (id) { out.push(".leaflet-container path[data-id=" + cssString(id) + "] { opacity: " + v.value + "; }"); });
    });
    rules.textContent = out.join("\n");
  }
  function slider(group) {
    var ids = [];
    group.elements.forEach(function (id) { api.leaves(id).forEach(function (x) { ids.push(x); }); });
    levels[group.plan] = { value: 1, ids: ids };
    var row = document.createElement("label");
    row.className = "atlas-opacity";
    row.appendChild(document.createTextNode("不透明度 opacity"));
    var input = document.createElement("input");
    input.type = "range"; input.min = "0"; input.max = "100"; input.step = "5"; input.value = "100";
    input.setAttribute("data-plan", group.plan);
    input.setAttribute("aria-label", "不透明度 opacity: " + group.title);
    input.addEventListener("input", function () { levels[group.plan].value = Number(input.value) / 100; writeRules(); });
    row.appendChild(input);
    return row;
  }
  function addSliders() {
    rules = document.createElement("style");
    rules.id = "atlas-opacity-rules";
    document.head.appendChild(rules);
    var sets = document.querySelectorAll("#atlas-tree fieldset.atlas-plan");
    api.model.tree.forEach(function (group, i) {
      if (sets[i]) sets[i].insertBefore(slider(group), sets[i].children[1] || null);
    });
  }

  // --- the two frames of compare.html ---------------------------------------------------------------
  function view() {
    var c = api.map.getCenter();
    return { type: "atlas-view", lat: c.lat, lng: c.lng, zoom: api.map.getZoom() };
  }
  function inFrame() { try { return window.parent !== window; } catch (err) { return true; } }
  function syncWithParent() {
    api.map.on("moveend", function () {
      if (following) { following = false; return; }
      window.parent.postMessage(view(), "*");
    });
    window.addEventListener("message", function (ev) {
      var d = ev.data;
      if (ev.source !== window.parent || !d || d.type !== "atlas-follow") return;
      if (![d.lat, d.lng, d.zoom].every(isFinite)) return;
      var c = api.map.getCenter();
      if (Math.abs(c.lat - d.lat) < 1e-9 && Math.abs(c.lng - d.lng) < 1e-9 && api.map.getZoom() === d.zoom) return;
      following = true;
      api.map.setView([d.lat, d.lng], d.zoom, { animate: false });
    });
    window.parent.postMessage(Object.assign(view(), { ready: true, page: api.model.page.id }), "*");
  }

  window.atlasCompare = function (page) {
    api = page;
    addSliders();
    if (inFrame()) syncWithParent();
  };
})();
