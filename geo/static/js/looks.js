/* js/looks.js: how each element is drawn — its colour, SVG arrow heads and hatches, area styles.
 *
 * Contract: atlas.looks(s) reads s.model (legend, order), s.elements; it sets
 *   s.kindOf(e) -> {kind, zh, en, geometry, style, colour, index}   the element's own look
 *   s.areaStyle(k, member) -> Leaflet path options for one member unit of an area element
 *   s.lineStyle(k, e), s.pointStyle(k, e, part)  Leaflet options of lines and points
 *   s.swatch(k) -> <span>        a legend/tree swatch in the colour k.colour
 * SVG definitions: #atlas-arrow-INDEX (line ends) and #atlas-hatch-INDEX (partial units).
 */
atlas.looks = function (s) {
  var svgEl = atlas.svgEl, elements = s.elements;
  var kinds = new Map();
  s.model.legend.forEach(function (k, i) { k.index = i; kinds.set(k.kind, k); });
  var defsSvg = svgEl("svg", { width: "0", height: "0", "aria-hidden": "true", class: "atlas-defs" });
  var defs = svgEl("defs", {});
  defsSvg.appendChild(defs);
  document.body.appendChild(defsSvg);
  // Elements of one kind share the kind's hue (the legend); siblings get lighter and darker
  // shades of it so that, e.g., three zones of one layout can be told apart.
  var SHADES = [0, 0.45, -0.35, 0.65, -0.55, 0.25, -0.2, 0.8, -0.7, 0.1];
  function shade(hex, t) {
    var m = /^#([0-9a-f]{6})$/i.exec(hex || "");
    if (!m || !t) return hex;
    var n = parseInt(m[1], 16), rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    var out = rgb.map(function (v) { return Math.round(t > 0 ? v + (255 - v) * t : v * (1 + t)); });
    return "#" + out.map(function (v) { return ("0" + v.toString(16)).slice(-2); }).join("");
  }
  var styleOf = new Map();
  var perKind = new Map();
  s.model.order.forEach(function (id) {
    var e = elements.get(id);
    if (!e) return;
    var hasParts = e.parts.some(function (p) { return elements.has(p); });
    var k = kinds.get(e.kind) || { colour: "#555555" };
    var n = hasParts ? 0 : (perKind.get(e.kind) || 0);
    if (!hasParts) perKind.set(e.kind, n + 1);
    styleOf.set(id, { colour: shade(k.colour, SHADES[n % SHADES.length]), ix: styleOf.size });
  });
  styleOf.forEach(function (st) {
    var marker = svgEl("marker", { id: "atlas-arrow-" + st.ix, viewBox: "0 0 10 10", refX: "7", refY: "5",
      markerWidth: "3", markerHeight: "3", orient: "auto-start-reverse" });
    marker.appendChild(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: st.colour }));
    defs.appendChild(marker);
    var pattern = svgEl("pattern", { id: "atlas-hatch-" + st.ix, patternUnits: "userSpaceOnUse",
      width: "8", height: "8", patternTransform: "rotate(45)" });
    pattern.appendChild(svgEl("line", { x1: "0", y1: "0", x2: "0", y2: "8", stroke: st.colour, "stroke-width": "1.6", "stroke-opacity": "0.8" }));
    defs.appendChild(pattern);
  });
  s.kindOf = function (e) {
    var k = kinds.get(e.kind) || { zh: e.kind, en: e.kind, geometry: e.geometry, style: "fill" };
    var st = styleOf.get(e.id) || { colour: k.colour || "#555555", ix: 0 };
    return Object.assign({}, k, { colour: st.colour, index: st.ix });
  };
  s.areaStyle = function (k, m) {
    var st = { pane: "atlas-areas", color: k.colour, fillColor: k.colour, weight: 1.2, opacity: 0.9 };
    if (k.style === "outline") {
      // a plan's area: a dashed outline above the filled areas, clickable on its line only
      st.pane = "atlas-partial"; st.fill = false; st.weight = 2.5; st.dashArray = "8 5"; st.interactive = true;
      return st;
    }
    else if (m.basis === "stated") { st.fillOpacity = 0.42; }
    else if (m.basis === "implied") { st.fillOpacity = 0.28; st.dashArray = "3 3"; }
    else { st.fillOpacity = 0.16; st.dashArray = "7 4"; }
    if (m.partial) {
      st.pane = "atlas-partial"; st.fill = true; st.fillOpacity = 1; st.weight = 2; st.dashArray = "4 3";
    }
    return st;
  };
  function allStated(e) { return e.members.every(function (m) { return m.basis === "stated"; }); }
  s.lineStyle = function (k, e) {
    return { pane: "atlas-lines", color: k.colour, weight: 3.5, opacity: 0.9,
      lineCap: "round", className: "atlas-directed", dashArray: allStated(e) ? null : "9 6" };
  };
  s.pointStyle = function (k, e, part) {
    var stated = allStated(e);
    return { pane: "atlas-points", radius: part === "site" ? 5 : 7,
      color: part === "site" ? k.colour : "#fff", weight: 2, fillColor: k.colour,
      fillOpacity: stated ? 1 : 0.55, dashArray: stated ? null : "2 2" };
  };
  s.swatch = function (k) {
    var sw = atlas.el("span", { class: "atlas-swatch atlas-swatch-" + (k.geometry || "area") });
    sw.style.setProperty("--c", k.colour);
    return sw;
  };
};
