/* js/units.js: the admin units — borders, the grey mask, a unit's polygon and hit tests.
 *
 * Units come as rings of shared arcs (js/arcs.js): every border is one line, drawn once in the
 * style of the highest shown level it separates. At small scales the page draws coarser arcs
 * (arc_lods), never coarser than a screen pixel. Borders, the mask and the zones' unit polygons
 * are s.ArcPath layers; a unit's L.LatLng polygon is assembled from its arcs only when
 * something needs it (a highlight, a click, a unit not written in arcs).
 *
 * Contract: atlas.units(s) reads s.map, s.model, s.scale, s.units, s.arcLL, s.arcBounds,
 * s.ArcPath; it sets
 *   s.baseGroups {context, province, prefecture, county, labels}  (L.layerGroup each)
 *   s.adminShown {county, prefecture, province}  (which levels draw their borders)
 *   s.lod        the level of detail drawn (-1 full arcs, else an index into model.arc_lods)
 *   s.geoOf(u, level?)  a unit's polygons {t: "area", ll}; s.unitBounds(u); s.memberUnit(m, a)
 *   s.lodPolygon(u, style)  a polygon redrawn when the level of detail changes (null if none)
 *   s.drawBorders(), s.drawContext(), s.setLod(level), s.unitAt(latlng),
 *   s.unitContains(u, latlng)
 */
atlas.units = function (s) {
  var map = s.map, model = s.model, S = s.scale, extendBounds = atlas.extendBounds, tag = atlas.tag;
  s.baseGroups = {
    context: L.layerGroup(), province: L.layerGroup(), prefecture: L.layerGroup(),
    county: L.layerGroup(), labels: L.layerGroup()
  };
  var unitStyle = {
    context: { pane: "atlas-context", color: "#b8b8b8", weight: 0.8, fillColor: "#ececec", fillOpacity: 0.7 },
    province: { pane: "atlas-units-p", color: "#222", weight: 2.6, fill: false, interactive: false },
    prefecture: { pane: "atlas-units-p", color: "#555", weight: 1.4, fill: false, interactive: false },
    county: { pane: "atlas-units-c", color: "#9a9a9a", weight: 0.6, fill: false, interactive: false }
  };
  var RANKS = ["county", "prefecture", "province", "context"];
  var lodPolygons = [];           // [layer, unit]: polygons redrawn when the level changes
  s.lod = -1;
  function ringOf(refs, level) {
    var out = [];
    refs.forEach(function (r) {
      var pts = s.arcLL(r >= 0 ? r : ~r, level), n = pts.length, k;
      if (r >= 0) { for (k = out.length ? 1 : 0; k < n; k++) out.push(pts[k]); }
      else { for (k = out.length ? n - 2 : n - 1; k >= 0; k--) out.push(pts[k]); }
    });
    if (out.length > 1 && out[0].equals(out[out.length - 1], 0)) out.pop();
    return out;
  }
  var geoOf = s.geoOf = function (u, level) {
    // areas as a list of polygons, each a list of rings; full detail unless a level is given
    var key = level === undefined ? -1 : level;
    u.geos = u.geos || {};
    if (!(key in u.geos)) {
      if (u.a) {
        u.geos[key] = { t: "area", ll: u.a.map(function (poly) { return poly.map(function (r) { return ringOf(r, key); }); }) };
      } else if (key >= 0) {
        u.geos[key] = geoOf(u);
      } else {
        var g = atlas.decode(u.g, S);
        if (g && u.g.t === "Polygon") g.ll = [g.ll];
        u.geos[key] = g;
      }
    }
    return u.geos[key];
  };
  var unitBounds = s.unitBounds = function (u) {
    if (u.bounds === undefined) {
      var b = null;
      if (u.a) {
        u.a.forEach(function (poly) { poly[0].forEach(function (r) {
          var i = r >= 0 ? r : ~r;
          b = extendBounds(b, s.arcBounds(i));
        }); });
      } else if (geoOf(u) && geoOf(u).t === "area") {
        geoOf(u).ll.forEach(function (poly) { b = extendBounds(b, L.latLngBounds(poly[0])); });
      }
      u.bounds = b;
    }
    return u.bounds;
  };
  // A coarse level is already within a pixel: Leaflet need not simplify it again.
  function smooth() { return s.lod >= 0 ? 0 : 1; }
  function rings(u) { return [].concat.apply([], u.a); }  // a unit's rings, all its polygons
  s.lodPolygon = function (u, style) {  // null for a unit without an area
    if (!u.a && !(geoOf(u) && geoOf(u).t === "area")) return null;
    var layer = u.a
      ? new s.ArcPath(rings(u), s.lod, Object.assign({ fill: true, closed: true, bounds: unitBounds(u) }, style))
      : L.polygon(geoOf(u, s.lod).ll, Object.assign({ smoothFactor: smooth() }, style));
    lodPolygons.push([layer, u]);
    return layer;
  };
  function relevel(layer, u, ll) {
    if (layer.setLevel) { layer.setLevel(s.lod); return; }
    layer.options.smoothFactor = smooth();
    layer.setLatLngs(ll ? ll() : geoOf(u, s.lod).ll);
  }
  s.adminShown = { county: true, prefecture: true, province: true };
  var lineStyle = {
    county: unitStyle.county, prefecture: unitStyle.prefecture, province: unitStyle.province,
    context: { pane: "atlas-context", color: unitStyle.context.color, weight: unitStyle.context.weight }
  };
  var contextLines = L.layerGroup().addTo(s.baseGroups.context);
  s.drawBorders = function () {
    var lines = { county: [], prefecture: [], province: [], context: [] };
    (model.arc_rank || []).forEach(function (rank, i) {
      if (rank === 3) { lines.context.push(i); return; }
      for (var k = rank; k >= 0; k--) {
        if (s.adminShown[RANKS[k]]) { lines[RANKS[k]].push(i); return; }
      }
    });
    RANKS.forEach(function (level) {
      var group = level === "context" ? contextLines : s.baseGroups[level];
      group.clearLayers();
      if (level !== "context" && !s.adminShown[level]) return;
      if (lines[level].length) {
        var layer = new s.ArcPath(lines[level].map(function (i) { return [i]; }), s.lod, Object.assign({}, lineStyle[level], { fill: false, interactive: false }));
        tag(layer, { "data-borders": level });
        group.addLayer(layer);
      }
      (model.units[level] || []).forEach(function (u) {  // units not written in arcs
        if (u.a || !geoOf(u) || level === "context") return;
        var own = L.polygon(geoOf(u).ll, Object.assign({}, lineStyle[level], { fill: false, interactive: false }));
        tag(own, { "data-adcode": u.adcode, "data-level": level });
        group.addLayer(own);
      });
    });
  };
  // Outside Gansu, one grey mask: the world with Gansu's rings cut out (even-odd, so its
  // enclaves are grey again). The neighbours' borders are arcs (drawBorders), and a click
  // on a neighbour is hit-tested like a county's.
  var WORLD = [[-85, -180], [-85, 180], [85, 180], [85, -180]].map(function (p) { return L.latLng(p[0], p[1]); });
  var mask = null;
  function maskRings() {
    var out = [WORLD];
    (model.units.province || []).forEach(function (u) {
      if (geoOf(u, s.lod)) geoOf(u, s.lod).ll.forEach(function (poly) { poly.forEach(function (r) { out.push(r); }); });
    });
    return out;
  }
  // A member's unit: at its own level (嘉峪关市 is both a prefecture and a county).
  var counties = new Map((model.units.county || []).map(function (c) { return [c.adcode, c]; }));
  s.memberUnit = function (m, adcode) {
    return (m.level === "county" && counties.get(adcode)) || s.units.get(adcode);
  };
  s.drawContext = function () {
    if (!(model.units.context || []).length) return;
    var provinces = model.units.province || [];
    var style = Object.assign({}, unitStyle.context, { stroke: false, interactive: false });
    mask = provinces.every(function (u) { return u.a; })
      ? new s.ArcPath(provinces.reduce(function (all, u) { return all.concat(rings(u)); }, []), s.lod, Object.assign({ fill: true, closed: true, world: true }, style))
      : L.polygon(maskRings(), Object.assign({ smoothFactor: smooth() }, style));
    tag(mask, { "data-level": "context", "data-mask": "1" });
    s.baseGroups.context.addLayer(mask);
  };
  s.setLod = function (level) {
    if (level === s.lod) return;
    s.lod = level;
    lodPolygons.forEach(function (p) { relevel(p[0], p[1]); });
    if (mask) relevel(mask, null, maskRings);
    s.drawBorders();
  };
  // A click on the map that no zone took opens the county (or the neighbour) under it.
  function inRing(ring, ll) {
    var x = ll.lng, y = ll.lat, inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a.lat > y) !== (b.lat > y) && x < (b.lng - a.lng) * (y - a.lat) / (b.lat - a.lat) + a.lng) inside = !inside;
    }
    return inside;
  }
  function extent(u) {
    var b = unitBounds(u);
    return b ? (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest()) : Infinity;
  }
  s.unitContains = function (u, ll) {
    if (!unitBounds(u) || !unitBounds(u).contains(ll) || !geoOf(u) || geoOf(u).t !== "area") return false;
    return geoOf(u).ll.some(function (poly) { return poly.filter(function (r) { return inRing(r, ll); }).length % 2 === 1; });
  };
  s.unitAt = function (ll) {
    var hit = null;
    // the neighbours' cities before their provinces: smallest extent first
    var around = (model.units.context || []).slice().sort(function (a, b) { return extent(a) - extent(b); });
    [model.units.county, model.units.prefecture, around].forEach(function (list) {
      (list || []).forEach(function (u) {
        if (hit || !unitBounds(u) || !unitBounds(u).contains(ll) || !geoOf(u) || geoOf(u).t !== "area") return;
        if (geoOf(u).ll.some(function (poly) { return poly.filter(function (r) { return inRing(r, ll); }).length % 2 === 1; })) hit = u;
      });
    });
    return hit;
  };
};
