/* js/util.js: pure helpers shared by every part (no page state).
 *
 * Contract: adds to the namespace `atlas` (the assembled script's one shared object)
 *   atlas.LEVEL_ZH, atlas.DOC_ZH       words for levels and documents
 *   atlas.el(tag, attrs, text)          an element whose text is set with textContent
 *   atlas.svgEl(tag, attrs)             an SVG element
 *   atlas.escapeHtml(s)                 for Leaflet's attribution strings only
 *   atlas.toMap(obj)                    a Map of an object's own keys
 *   atlas.mark(name)                    performance mark "atlas:NAME"
 *   atlas.decodeLine(arr, scale)        delta-encoded integers -> [L.LatLng]
 *   atlas.decode(g, scale)              encoded geometry -> {t: point|line|area, ll}
 *   atlas.extendBounds(b, other)        b extended by other (either may be null)
 *   atlas.tag(layer, attrs), atlas.onAdd(layer, fn)   attributes on a layer's SVG path
 * Data reaches the DOM only through textContent, setAttribute or Leaflet options.
 */
atlas.LEVEL_ZH = { province: "省", prefecture: "市州", county: "县区", context: "周边" };
atlas.DOC_ZH = "文件";
atlas.KIND_ZH = { paragraph: "段落", item: "条目", box: "专栏", caption: "图题", table: "表格", heading: "标题" };

atlas.el = function (tag, attrs, text) {
  var node = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (k) {
      if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
  }
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
};

atlas.svgEl = function (tag, attrs) {
  var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  return node;
};

atlas.escapeHtml = function (s) {
  return String(s).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
};

atlas.toMap = function (obj) {
  var m = new Map();
  Object.keys(obj || {}).forEach(function (k) { m.set(k, obj[k]); });
  return m;
};

// performance marks (atlas:start … atlas:ready) let the benchmark and a profiler see the phases
atlas.mark = function (name) {
  if (window.performance && performance.mark) performance.mark("atlas:" + name);
};

// --- geometry decoding (see geo/_atlas_model.py: encode_geometry) ----------------------------
atlas.decodeLine = function (arr, s) {
  var out = [], x = 0, y = 0;
  for (var i = 0; i + 1 < arr.length; i += 2) {
    x += arr[i]; y += arr[i + 1];
    out.push(new L.LatLng(y / s, x / s));
  }
  return out;
};

atlas.decode = function (g, s) {
  if (!g) return null;
  var c = g.c, line = function (l) { return atlas.decodeLine(l, s); };
  switch (g.t) {
    case "Point": return { t: "point", ll: [[c[1] / s, c[0] / s]] };
    case "MultiPoint": return { t: "point", ll: c.map(function (p) { return [p[1] / s, p[0] / s]; }) };
    case "LineString": return { t: "line", ll: [line(c)] };
    case "MultiLineString": return { t: "line", ll: c.map(line) };
    case "Polygon": return { t: "area", ll: c.map(line) };
    case "MultiPolygon": return { t: "area", ll: c.map(function (p) { return p.map(line); }) };
  }
  return null;
};

atlas.extendBounds = function (b, other) {
  if (!other || !other.isValid()) return b;
  return b ? b.extend(other) : L.latLngBounds(other.getSouthWest(), other.getNorthEast());
};

atlas.onAdd = function (layer, fn) {
  layer.on("add", function () { if (layer._path) fn(layer._path); });
};

atlas.tag = function (layer, attrs) {
  atlas.onAdd(layer, function (p) { Object.keys(attrs).forEach(function (k) { p.setAttribute(k, attrs[k]); }); });
};
