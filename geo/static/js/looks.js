/* js/looks.js: how each element is drawn, read from the page model — no style rule here.
 *
 * geo/styles.py decides the look from layers/concepts/kinds.toml: model.styles maps a style
 * key ("KIND|BASIS|PART") to a style {geometry, weight, dash, fill, fill_opacity, opacity,
 * hatch, arrow, radius, rim}; model.looks gives each element its colour (the same on every
 * page) and the style key of each member (areas) and of each feature part (lines, points,
 * sites). This part only turns them into Leaflet options and SVG definitions.
 *
 * Contract: atlas.looks(s) reads s.model (styles, looks); it sets
 *   s.kindOf(e) -> {kind, zh, en, geometry, colour, index}   the element's kind in its colour
 *   s.memberLook(e, i) -> {options, hatch}   Leaflet options of member i's units (areas)
 *   s.partLook(e, part) -> {options, arrow}  Leaflet options of a feature part ("whole", "site")
 *   s.swatch(k) -> <span>                    a tree/panel swatch in the colour k.colour
 * SVG definitions: #atlas-arrow-INDEX (line ends) and #atlas-hatch-INDEX (partial units).
 */
atlas.looks = function (s) {
  var svgEl = atlas.svgEl, model = s.model, looks = model.looks || {};
  var defsSvg = svgEl("svg", { width: "0", height: "0", "aria-hidden": "true", class: "atlas-defs" });
  var defs = svgEl("defs", {});
  defsSvg.appendChild(defs);
  document.body.appendChild(defsSvg);
  // each element's arrow head and hatch are made the first time it is drawn (most elements of
  // a page are never drawn); their number is the element's place among the page's looks
  var index = new Map(), made = new Set();
  Object.keys(looks).sort().forEach(function (id, i) { index.set(id, i); });
  function makeDefs(id, i) {
    made.add(id);
    var colour = looks[id].colour;
    var marker = svgEl("marker", { id: "atlas-arrow-" + i, viewBox: "0 0 10 10", refX: "7", refY: "5",
      markerWidth: "3", markerHeight: "3", orient: "auto-start-reverse" });
    marker.appendChild(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: colour }));
    defs.appendChild(marker);
    var pattern = svgEl("pattern", { id: "atlas-hatch-" + i, patternUnits: "userSpaceOnUse",
      width: "8", height: "8", patternTransform: "rotate(45)" });
    pattern.appendChild(svgEl("line", { x1: "0", y1: "0", x2: "0", y2: "8", stroke: colour, "stroke-width": "1.6", "stroke-opacity": "0.8" }));
    defs.appendChild(pattern);
  }
  s.kindOf = function (e) {
    var look = looks[e.id] || { colour: "#555555" };
    var i = index.get(e.id);
    if (i !== undefined && !made.has(e.id)) makeDefs(e.id, i);
    return { kind: e.kind, zh: e.kind_zh, en: e.kind_en, geometry: e.geometry,
      colour: look.colour, index: i === undefined ? 0 : i };
  };
  var PANES = { area: "atlas-areas", line: "atlas-lines", point: "atlas-points" };
  function options(key, colour) {
    var st = model.styles[key];
    var o = { pane: PANES[st.geometry], color: st.rim || colour, weight: st.weight, opacity: st.opacity,
      dashArray: st.dash.length ? st.dash.join(" ") : null,
      fill: st.fill || st.hatch, fillColor: colour, fillOpacity: st.hatch ? 1 : st.fill_opacity };
    // outlines and hatched (partial) units lie above the filled areas
    if (st.geometry === "area" && !st.fill) o.pane = "atlas-partial";
    if (st.geometry === "line") { o.lineCap = "round"; o.fill = false; o.className = "atlas-directed"; }
    if (st.geometry === "point") o.radius = st.radius;
    return { options: o, hatch: st.hatch, arrow: st.arrow };
  }
  s.memberLook = function (e, i) {
    var look = looks[e.id];
    return options(look.members[i], look.colour);
  };
  s.partLook = function (e, part) {
    var look = looks[e.id];
    return options(look.parts[part] || look.parts.whole, look.colour);
  };
  s.swatch = function (k) {
    var sw = atlas.el("span", { class: "atlas-swatch atlas-swatch-" + (k.geometry || "area") });
    sw.style.setProperty("--c", k.colour);
    return sw;
  };
};
