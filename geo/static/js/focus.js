/* js/focus.js: black highlights of what the panel shows, and flying the map to them.
 *
 * Contract: atlas.focus(s) reads s.map, s.scale, s.units, s.elements, s.visible, s.geoOf,
 * s.leaves, s.setVisible; it sets s.focusLayer (L.layerGroup, in the pane atlas-focus) and
 *   s.unitGeoLayer(adcode, style) -> L.Polygon | null
 *   s.focusOn(layers, fly, maxZoom)   highlight the layers and fit (or fly) the map to them
 *   s.focusUnit(adcodes, fly)         adcodes: one or several, comma-separated
 *   s.focusElement(id, fly)           shows the element first if it is hidden
 */
atlas.focus = function (s) {
  var map = s.map;
  var focusLayer = s.focusLayer = L.layerGroup();
  s.unitGeoLayer = function (a, style) {
    var u = s.units.get(a);
    if (!u || !s.geoOf(u)) return null;
    return L.polygon(s.geoOf(u).ll, Object.assign({ pane: "atlas-focus", interactive: false, fill: false }, style));
  };
  s.focusOn = function (layers, fly, maxZoom) {
    maxZoom = maxZoom || 10;
    focusLayer.clearLayers();
    var b = null;
    layers.forEach(function (l) {
      if (!l) return;
      focusLayer.addLayer(l);
      var lb = l.getBounds ? l.getBounds() : L.latLngBounds(l.getLatLng(), l.getLatLng());
      b = b ? b.extend(lb) : L.latLngBounds(lb.getSouthWest(), lb.getNorthEast());
    });
    if (b && b.isValid()) {
      if (fly) map.flyToBounds(b, { padding: [40, 40], maxZoom: maxZoom, duration: 0.6 });
      else map.fitBounds(b, { padding: [40, 40], maxZoom: maxZoom });
    }
  };
  s.focusUnit = function (a, fly) {
    s.focusOn(a.split(",").map(function (x) {
      return s.unitGeoLayer(x, { color: "#000", weight: 3.5, dashArray: null });
    }), fly, 9);
  };
  s.focusElement = function (id, fly) {
    var ls = [];
    s.leaves(id).forEach(function (leaf) {
      var e = s.elements.get(leaf);
      if (!s.visible.has(leaf)) s.setVisible(leaf, true);
      if (e.geometry === "area") {
        e.members.forEach(function (m) { m.adcodes.forEach(function (a) {
          ls.push(s.unitGeoLayer(a, { color: "#000", weight: 3, dashArray: m.partial ? "4 4" : null }));
        }); });
      }
      (e.features || []).forEach(function (f) {
        var g = atlas.decode(f.g, s.scale);
        if (!g) return;
        if (g.t === "line") g.ll.forEach(function (l) { ls.push(L.polyline(l, { pane: "atlas-focus", color: "#000", weight: 8, opacity: 0.35, interactive: false })); });
        if (g.t === "point") g.ll.forEach(function (p) { ls.push(L.circleMarker(p, { pane: "atlas-focus", radius: 12, color: "#000", weight: 3, fill: false, interactive: false })); });
      });
    });
    s.focusOn(ls, fly);
  };
};
