/* js/units.js: the admin units — shared arcs, coarse levels of detail, borders, the grey mask.
 *
 * Units come as rings of shared arcs (geo/_atlas_topo.py): every border is one line, drawn
 * once in the style of the highest shown level it separates. At small scales the page draws
 * coarser arcs (arc_lods), never coarser than a screen pixel; a unit's polygon is assembled
 * from its arcs only when something needs it (a zone, a highlight, a click).
 *
 * Contract: atlas.units(s) reads s.map, s.model, s.scale, s.units; it sets
 *   s.baseGroups {context, province, prefecture, county, labels}  (L.layerGroup each)
 *   s.adminShown {county, prefecture, province}  (which levels draw their borders)
 *   s.lod        the level of detail drawn (-1 full arcs, else an index into model.arc_lods)
 *   s.geoOf(u, level?)  a unit's polygons {t: "area", ll}; s.unitBounds(u); s.memberUnit(m, a)
 *   s.lodPolygon(u, style)  a polygon redrawn when the level of detail changes
 *   s.drawBorders(), s.drawContext(), s.setLod(level), s.lodFor(zoom), s.unitAt(latlng),
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
  var arcs = (model.arcs || []).map(function (a) { return atlas.decodeLine(a, S); });
  var lods = (model.arc_lods || []).map(function (l) { return { tol: l.tolerance_m, keep: l.keep, arcs: null }; });
  var lodPolygons = [];           // [layer, unit]: polygons redrawn when the level changes
  s.lod = -1;
  function arcsAt(level) {
    if (level < 0) return arcs;
    var l = lods[level];
    if (!l.arcs) {
      l.arcs = arcs.map(function (pts, i) {
        var out = [pts[0]], k = 0;
        l.keep[i].forEach(function (gap) { k += gap; out.push(pts[k]); });
        out.push(pts[pts.length - 1]);
        return out;
      });
    }
    return l.arcs;
  }
  s.lodFor = function (zoom) {
    // metres per screen pixel at the centre; the coarsest level within one pixel
    var px = 40075016.686 * Math.cos(map.getCenter().lat * Math.PI / 180) / Math.pow(2, zoom + 8);
    var best = -1;
    lods.forEach(function (l, i) { if (l.tol <= px && (best < 0 || l.tol > lods[best].tol)) best = i; });
    return best;
  };
  function ringOf(refs, as) {
    var out = [];
    refs.forEach(function (r) {
      var pts = as[r >= 0 ? r : ~r], n = pts.length, k;
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
        var as = arcsAt(key);
        u.geos[key] = { t: "area", ll: u.a.map(function (poly) { return poly.map(function (r) { return ringOf(r, as); }); }) };
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
  var arcBounds = [];
  var unitBounds = s.unitBounds = function (u) {
    if (u.bounds === undefined) {
      var b = null;
      if (u.a) {
        u.a.forEach(function (poly) { poly[0].forEach(function (r) {
          var i = r >= 0 ? r : ~r;
          if (!arcBounds[i]) arcBounds[i] = L.latLngBounds(arcs[i]);
          b = extendBounds(b, arcBounds[i]);
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
  s.lodPolygon = function (u, style) {
    var layer = L.polygon(geoOf(u, s.lod).ll, Object.assign({ smoothFactor: smooth() }, style));
    lodPolygons.push([layer, u]);
    return layer;
  };
  s.adminShown = { county: true, prefecture: true, province: true };
  var lineStyle = {
    county: unitStyle.county, prefecture: unitStyle.prefecture, province: unitStyle.province,
    context: { pane: "atlas-context", color: unitStyle.context.color, weight: unitStyle.context.weight }
  };
  var contextLines = L.layerGroup().addTo(s.baseGroups.context);
  s.drawBorders = function () {
    var lines = { county: [], prefecture: [], province: [], context: [] }, as = arcsAt(s.lod);
    (model.arc_rank || []).forEach(function (rank, i) {
      if (rank === 3) { lines.context.push(as[i]); return; }
      for (var k = rank; k >= 0; k--) {
        if (s.adminShown[RANKS[k]]) { lines[RANKS[k]].push(as[i]); return; }
      }
    });
    RANKS.forEach(function (level) {
      var group = level === "context" ? contextLines : s.baseGroups[level];
      group.clearLayers();
      if (level !== "context" && !s.adminShown[level]) return;
      if (lines[level].length) {
        var layer = L.polyline(lines[level], Object.assign({}, lineStyle[level], { fill: false, interactive: false, noClip: true, smoothFactor: smooth() }));
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
    var rings = [WORLD];
    (model.units.province || []).forEach(function (u) {
      if (geoOf(u, s.lod)) geoOf(u, s.lod).ll.forEach(function (poly) { poly.forEach(function (r) { rings.push(r); }); });
    });
    return rings;
  }
  // A member's unit: at its own level (嘉峪关市 is both a prefecture and a county).
  var counties = new Map((model.units.county || []).map(function (c) { return [c.adcode, c]; }));
  s.memberUnit = function (m, adcode) {
    return (m.level === "county" && counties.get(adcode)) || s.units.get(adcode);
  };
  s.drawContext = function () {
    if (!(model.units.context || []).length) return;
    mask = L.polygon(maskRings(), Object.assign({}, unitStyle.context, { stroke: false, interactive: false, smoothFactor: smooth() }));
    tag(mask, { "data-level": "context", "data-mask": "1" });
    s.baseGroups.context.addLayer(mask);
  };
  s.setLod = function (level) {
    if (level === s.lod) return;
    s.lod = level;
    lodPolygons.forEach(function (p) { p[0].options.smoothFactor = smooth(); p[0].setLatLngs(geoOf(p[1], s.lod).ll); });
    if (mask) { mask.options.smoothFactor = smooth(); mask.setLatLngs(maskRings()); }
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
