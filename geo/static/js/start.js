/* js/start.js: atlas.start(mapName), the page's entry point (window.atlasStart).
 *
 * The shared state `s` is one plain object made here and handed to every part in a fixed
 * order; each part (js/*.js, `atlas.NAME = function (s) {...}`) reads what its header names
 * and adds its own functions and state to `s`. A part may call a function of a later part
 * only from inside its own functions (looked up on `s` when called), never while it installs.
 * Data of the page model (#atlas-data) set here:
 *   s.map, s.model, s.scale, s.elements (Map id -> element record), s.units (Map adcode ->
 *   unit; a prefecture wins over a county of the same adcode), s.plans, s.docs, s.visible
 *   (Set of shown element ids);
 * and, once the texts (#atlas-texts, after the map's script) are parsed, s.readTexts() adds the
 *   elements not shown at start (s.addElements, js/elements.js) and fills
 *   s.provisions, s.mentions, s.unitRefs, s.unitAliases (Maps), model.unit_concepts (read by
 *   js/panel.js) and model.directory (read by js/search.js and js/groups.js).
 */
atlas.PARTS = ["arcs", "units", "labels", "looks", "elements", "focus", "text", "groups", "panel", "picker", "router", "search", "tree", "legend"];

atlas.start = function (mapName) {
  var mark = atlas.mark, toMap = atlas.toMap;
  var map = window[mapName];
  mark("start");
  var model = JSON.parse(document.getElementById("atlas-data").textContent);
  mark("parsed");
  var s = {
    map: map, model: model, scale: model.scale, units: new Map(), elements: toMap(model.elements),
    unitAliases: new Map(), plans: toMap(model.plans), docs: toMap(model.docs),
    visible: new Set(model.visible),
    provisions: new Map(), mentions: new Map(), unitRefs: new Map()
  };
  s.readTexts = function () {
    var node = document.getElementById("atlas-texts");
    var t = node ? JSON.parse(node.textContent) : {};
    Object.keys(t).forEach(function (k) { if (k !== "later_elements") model[k] = t[k]; });
    s.addElements(t.later_elements);
    s.provisions = toMap(model.provisions);
    s.mentions = toMap(model.mentions);
    s.unitRefs = toMap(model.unit_refs);
    s.unitAliases = toMap(model.unit_aliases);
  };
  ["context", "province", "prefecture", "county"].forEach(function (level) {
    (model.units[level] || []).forEach(function (u) {
      u.seatLL = u.seat ? [u.seat[1] / s.scale, u.seat[0] / s.scale] : null;
      if (!s.units.has(u.adcode) || level === "prefecture") s.units.set(u.adcode, u);
    });
  });
  // panes (arrow heads and hatches are SVG definitions made by js/looks.js)
  [["atlas-context", 300], ["atlas-units-p", 340], ["atlas-units-c", 350], ["atlas-areas", 410],
   ["atlas-partial", 415], ["atlas-lines", 420], ["atlas-points", 430], ["atlas-labels", 440],
   ["atlas-focus", 450]].forEach(function (p) {
    map.createPane(p[0]).style.zIndex = p[1];
  });
  map.getPane("atlas-labels").style.pointerEvents = "none";
  L.control.scale({ imperial: false, metric: true }).addTo(map);  // metric only
  map.getPane("atlas-focus").style.pointerEvents = "none";
  atlas.PARTS.forEach(function (name) { atlas[name](s); });
  mark("units-built");

  // --- first paint: the start view first (so that every layer is projected once), then the
  // admin units and the visible elements, big areas below small ones, lines, points
  var start = null;
  s.visible.forEach(function (id) { if (s.drawn(id)) start = atlas.extendBounds(start, s.boundsOf(id)); });
  (model.units.province || []).forEach(function (u) { if (!start) start = s.unitBounds(u); });
  if (start) map.fitBounds(start, { padding: [20, 20], animate: false });
  s.lod = s.lodFor(map.getZoom());
  s.drawContext();
  s.drawBorders();
  map.on("zoomend", function () { s.setLod(s.lodFor(map.getZoom())); });
  mark("view");
  ["context", "province", "prefecture", "county", "labels"].forEach(function (k) { s.baseGroups[k].addTo(map); });
  mark("units-added");
  s.drawOrder.forEach(function (id) { if (s.drawn(id) && s.visible.has(id)) s.layerOf(id).addTo(map); });
  s.focusLayer.addTo(map);
  mark("elements-added");

  // --- after the first paint: basemap, labels, layer tree, legend, deep link -----------------
  // The polygons are on screen one frame earlier; data-atlas-ready marks the whole page.
  function whenParsed(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }
  // the page API of js/present.js and js/compare.js (presenter mode, comparison, opacity)
  window.atlasPage = { map: map, model: model, elements: s.elements, layerOf: s.layerOf,
    leaves: s.leaves, boundsOf: s.boundsOf, kindOf: s.kindOf, setVisible: s.setVisible,
    isVisible: function (id) { return s.visible.has(id); }, focusElement: s.focusElement,
    focusLayer: s.focusLayer, showConcept: s.showConcept, extendBounds: atlas.extendBounds };
  requestAnimationFrame(function () {
    setTimeout(function () { whenParsed(function () {
      mark("painted");
      document.body.setAttribute("data-atlas-painted", "1");  // the panel is laid out now
      // the plan texts are inflated (js/texts_gz.js) after the first paint
      (window.atlasTexts ? window.atlasTexts() : Promise.resolve()).then(function () {
        s.readTexts();
        s.setBasemap(model.basemap);
        s.makeLabels();
        s.updateLabels();
        map.on("zoomend", s.updateLabels);
        s.buildTree();
        s.buildLegend();
        s.route(false);
        if (window.atlasPresent) window.atlasPresent(window.atlasPage);
        mark("ready");
        document.body.setAttribute("data-atlas-ready", "1");
      });
    }); }, 0);
  });
};
