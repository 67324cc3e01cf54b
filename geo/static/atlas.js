/* Gansu plan atlas: the page script.
 *
 * Reads the page model from the JSON script element #atlas-data with JSON.parse,
 * draws the layers with Leaflet, and builds the side panel, search, layer tree, legend and
 * deep links (#concept=ID, #unit=ADCODE, #provision=ID). Every piece of data reaches the DOM
 * through textContent, setAttribute or Leaflet options: never through innerHTML.
 */
(function () {
  "use strict";

  var LEVEL_ZH = { province: "省", prefecture: "市州", county: "县区", context: "周边" };
  var DOC_ZH = "文件";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === "class") node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svgEl(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function toMap(obj) {
    var m = new Map();
    Object.keys(obj || {}).forEach(function (k) { m.set(k, obj[k]); });
    return m;
  }

  // --- geometry decoding (see geo/_atlas_model.py: encode_geometry) ------------------------
  function decodeLine(arr, s) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i + 1 < arr.length; i += 2) {
      x += arr[i]; y += arr[i + 1];
      out.push(new L.LatLng(y / s, x / s));
    }
    return out;
  }

  function decode(g, s) {
    if (!g) return null;
    var c = g.c;
    switch (g.t) {
      case "Point": return { t: "point", ll: [[c[1] / s, c[0] / s]] };
      case "MultiPoint": return { t: "point", ll: c.map(function (p) { return [p[1] / s, p[0] / s]; }) };
      case "LineString": return { t: "line", ll: [decodeLine(c, s)] };
      case "MultiLineString": return { t: "line", ll: c.map(function (l) { return decodeLine(l, s); }) };
      case "Polygon": return { t: "area", ll: c.map(function (r) { return decodeLine(r, s); }) };
      case "MultiPolygon": return { t: "area", ll: c.map(function (p) { return p.map(function (r) { return decodeLine(r, s); }); }) };
    }
    return null;
  }

  // performance marks (atlas:start … atlas:ready) let the benchmark and a profiler see the phases
  function mark(name) {
    if (window.performance && performance.mark) performance.mark("atlas:" + name);
  }

  function atlasStart(mapName) {
    var map = window[mapName];
    mark("start");
    var model = JSON.parse(document.getElementById("atlas-data").textContent);
    mark("parsed");
    var S = model.scale;
    var units = new Map();          // adcode -> unit record (first level wins: prefecture before county)
    var elements = toMap(model.elements);
    // the plan texts (#atlas-texts) follow this script in the page: read once it is parsed
    var provisions = new Map(), mentions = new Map(), unitRefs = new Map();
    function readTexts() {
      var node = document.getElementById("atlas-texts");
      var t = node ? JSON.parse(node.textContent) : {};
      Object.keys(t).forEach(function (k) { model[k] = t[k]; });
      provisions = toMap(model.provisions);
      mentions = toMap(model.mentions);
      unitRefs = toMap(model.unit_refs);
    }
    var unitAliases = toMap(model.unit_aliases);
    var plans = toMap(model.plans);
    var docs = toMap(model.docs);
    var kinds = new Map();
    model.legend.forEach(function (k, i) { k.index = i; kinds.set(k.kind, k); });
    var elementLayers = new Map();  // id -> L.LayerGroup
    var elementBounds = new Map();
    var visible = new Set(model.visible);
    var unitConcepts = new Map();   // adcode -> [{id, role, basis, partial, via}]
    var focusLayer = L.layerGroup();
    var panel = document.getElementById("atlas-panel");

    function tag(layer, attrs) {
      onAdd(layer, function (p) { Object.keys(attrs).forEach(function (k) { p.setAttribute(k, attrs[k]); }); });
    }

    function onAdd(layer, fn) {
      layer.on("add", function () { if (layer._path) fn(layer._path); });
    }

    // --- panes and SVG definitions (arrow heads, hatches) --------------------------------
    [["atlas-context", 300], ["atlas-units-p", 340], ["atlas-units-c", 350], ["atlas-areas", 410],
     ["atlas-partial", 415], ["atlas-lines", 420], ["atlas-points", 430], ["atlas-labels", 440],
     ["atlas-focus", 450]].forEach(function (p) {
      map.createPane(p[0]).style.zIndex = p[1];
    });
    map.getPane("atlas-labels").style.pointerEvents = "none";
    map.getPane("atlas-focus").style.pointerEvents = "none";
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
    model.order.forEach(function (id) {
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

    // --- admin units ----------------------------------------------------------------------
    var baseGroups = {
      context: L.layerGroup(), province: L.layerGroup(), prefecture: L.layerGroup(),
      county: L.layerGroup(), labels: L.layerGroup()
    };
    var labelsByLevel = { prefecture: [], county: [], context: [] };
    var unitStyle = {
      context: { pane: "atlas-context", color: "#b8b8b8", weight: 0.8, fillColor: "#ececec", fillOpacity: 0.7 },
      province: { pane: "atlas-units-p", color: "#222", weight: 2.6, fill: false, interactive: false },
      prefecture: { pane: "atlas-units-p", color: "#555", weight: 1.4, fill: false, interactive: false },
      county: { pane: "atlas-units-c", color: "#9a9a9a", weight: 0.6, fill: false, interactive: false }
    };
    // Units come as rings of shared arcs (geo/_atlas_topo.py): every border is one line, drawn
    // once in the style of the highest shown level it separates. At small scales the page
    // draws coarser arcs (arc_lods), never coarser than a screen pixel; a unit's polygon is
    // assembled from its arcs only when something needs it (a zone, a highlight, a click).
    var RANKS = ["county", "prefecture", "province", "context"];
    var arcs = (model.arcs || []).map(function (a) { return decodeLine(a, S); });
    var lods = (model.arc_lods || []).map(function (l) { return { tol: l.tolerance_m, keep: l.keep, arcs: null }; });
    var lod = -1;                   // the level drawn: -1 full arcs, else an index into lods
    var lodPolygons = [];           // [layer, unit]: polygons redrawn when the level changes
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
    function lodFor(zoom) {
      // metres per screen pixel at the centre; the coarsest level within one pixel
      var px = 40075016.686 * Math.cos(map.getCenter().lat * Math.PI / 180) / Math.pow(2, zoom + 8);
      var best = -1;
      lods.forEach(function (l, i) { if (l.tol <= px && (best < 0 || l.tol > lods[best].tol)) best = i; });
      return best;
    }
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
    function geoOf(u, level) {
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
          var g = decode(u.g, S);
          if (g && u.g.t === "Polygon") g.ll = [g.ll];
          u.geos[key] = g;
        }
      }
      return u.geos[key];
    }
    var arcBounds = [];
    function unitBounds(u) {
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
    }
    function extendBounds(b, other) {
      if (!other || !other.isValid()) return b;
      return b ? b.extend(other) : L.latLngBounds(other.getSouthWest(), other.getNorthEast());
    }
    // A coarse level is already within a pixel: Leaflet need not simplify it again.
    function smooth() { return lod >= 0 ? 0 : 1; }
    function lodPolygon(u, style) {
      var layer = L.polygon(geoOf(u, lod).ll, Object.assign({ smoothFactor: smooth() }, style));
      lodPolygons.push([layer, u]);
      return layer;
    }
    var adminShown = { county: true, prefecture: true, province: true };
    var lineStyle = {
      county: unitStyle.county, prefecture: unitStyle.prefecture, province: unitStyle.province,
      context: { pane: "atlas-context", color: unitStyle.context.color, weight: unitStyle.context.weight }
    };
    function drawBorders() {
      var lines = { county: [], prefecture: [], province: [], context: [] }, as = arcsAt(lod);
      (model.arc_rank || []).forEach(function (rank, i) {
        if (rank === 3) { lines.context.push(as[i]); return; }
        for (var k = rank; k >= 0; k--) {
          if (adminShown[RANKS[k]]) { lines[RANKS[k]].push(as[i]); return; }
        }
      });
      RANKS.forEach(function (level) {
        var group = level === "context" ? contextLines : baseGroups[level];
        group.clearLayers();
        if (level !== "context" && !adminShown[level]) return;
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
    }
    var contextLines = L.layerGroup().addTo(baseGroups.context);
    ["context", "province", "prefecture", "county"].forEach(function (level) {
      (model.units[level] || []).forEach(function (u) {
        u.seatLL = u.seat ? [u.seat[1] / S, u.seat[0] / S] : null;
        if (!units.has(u.adcode) || level === "prefecture") units.set(u.adcode, u);
      });
    });
    // Outside Gansu, one grey mask: the world with Gansu's rings cut out (even-odd, so its
    // enclaves are grey again). The neighbours' borders are arcs (drawBorders), and a click
    // on a neighbour is hit-tested like a county's.
    var WORLD = [[-85, -180], [-85, 180], [85, 180], [85, -180]].map(function (p) { return L.latLng(p[0], p[1]); });
    var mask = null;
    function maskRings() {
      var rings = [WORLD];
      (model.units.province || []).forEach(function (u) {
        if (geoOf(u, lod)) geoOf(u, lod).ll.forEach(function (poly) { poly.forEach(function (r) { rings.push(r); }); });
      });
      return rings;
    }
    // A member's unit: at its own level (嘉峪关市 is both a prefecture and a county).
    var counties = new Map((model.units.county || []).map(function (c) { return [c.adcode, c]; }));
    function memberUnit(m, adcode) {
      return (m.level === "county" && counties.get(adcode)) || units.get(adcode);
    }
    function drawContext() {
      if (!(model.units.context || []).length) return;
      mask = L.polygon(maskRings(), Object.assign({}, unitStyle.context, { stroke: false, interactive: false, smoothFactor: smooth() }));
      tag(mask, { "data-level": "context", "data-mask": "1" });
      baseGroups.context.addLayer(mask);
    }
    function setLod(level) {
      if (level === lod) return;
      lod = level;
      lodPolygons.forEach(function (p) { p[0].options.smoothFactor = smooth(); p[0].setLatLngs(geoOf(p[1], lod).ll); });
      if (mask) { mask.options.smoothFactor = smooth(); mask.setLatLngs(maskRings()); }
      drawBorders();
    }
    // A click on the map that no zone took opens the county (or the neighbour) under it.
    function inRing(ring, ll) {
      var x = ll.lng, y = ll.lat, inside = false;
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var a = ring[i], b = ring[j];
        if ((a.lat > y) !== (b.lat > y) && x < (b.lng - a.lng) * (y - a.lat) / (b.lat - a.lat) + a.lng) inside = !inside;
      }
      return inside;
    }
    function unitAt(ll) {
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
    }
    function extent(u) {
      var b = unitBounds(u);
      return b ? (b.getNorth() - b.getSouth()) * (b.getEast() - b.getWest()) : Infinity;
    }
    map.on("click", function (ev) {
      var u = unitAt(ev.latlng);
      if (u && (u.level !== "context" || map.hasLayer(baseGroups.context))) go("unit", u.adcode);
    });
    function makeLabels() {
      ["context", "prefecture", "county"].forEach(function (level) {
        (model.units[level] || []).forEach(function (u) {
          if (!unitBounds(u) || !(u.seatLL || (level === "context" && u.adcode.slice(2) === "0000"))) return;
          var lab = el("span", { class: "atlas-label atlas-label-" + level }, u.name);
          labelsByLevel[level].push(L.marker(u.seatLL || unitBounds(u).getCenter(), {
            pane: "atlas-labels", interactive: false, keyboard: false,
            icon: L.divIcon({ className: "atlas-label-icon", html: lab, iconSize: null }) }));
        });
      });
    }
    function updateLabels() {
      var z = map.getZoom();
      baseGroups.labels.clearLayers();
      labelsByLevel.context.forEach(function (m) { baseGroups.labels.addLayer(m); });
      if (z >= 5.5) labelsByLevel.prefecture.forEach(function (m) { baseGroups.labels.addLayer(m); });
      if (z >= 7.5) labelsByLevel.county.forEach(function (m) { baseGroups.labels.addLayer(m); });
    }
    mark("units-built");

    // --- elements ---------------------------------------------------------------------------
    function kindOf(e) {
      // the element's kind, with the element's own shade and SVG definitions
      var k = kinds.get(e.kind) || { zh: e.kind, en: e.kind, geometry: e.geometry, style: "fill" };
      var st = styleOf.get(e.id) || { colour: k.colour || "#555555", ix: 0 };
      return Object.assign({}, k, { colour: st.colour, index: st.ix });
    }

    elements.forEach(function (e, id) {
      e.members.forEach(function (m) {
        m.adcodes.forEach(function (a) {
          if (!unitConcepts.has(a)) unitConcepts.set(a, []);
          unitConcepts.get(a).push({ id: id, role: m.role_zh, basis: m.basis_zh, partial: m.partial });
        });
      });
    });

    function areaStyle(k, m) {
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
    }

    function along(line, t) {
      // the point at fraction t of the line's length (in degrees: labels only)
      var lens = [], total = 0;
      for (var i = 1; i < line.length; i++) {
        var d = Math.hypot(line[i][0] - line[i - 1][0], line[i][1] - line[i - 1][1]);
        lens.push(d); total += d;
      }
      var goal = total * t;
      for (var j = 0; j < lens.length; j++) {
        if (goal <= lens[j] && lens[j] > 0) {
          var f = goal / lens[j];
          return [line[j][0] + f * (line[j + 1][0] - line[j][0]), line[j][1] + f * (line[j + 1][1] - line[j][1])];
        }
        goal -= lens[j];
      }
      return line[line.length - 1];
    }

    function drawElement(e) {
      var k = kindOf(e);
      var group = L.featureGroup();
      var open = function (ev) { L.DomEvent.stop(ev); go("concept", e.id); };
      if (e.geometry === "area") {
        e.members.forEach(function (m) {
          m.adcodes.forEach(function (a) {
            var u = memberUnit(m, a);
            if (!u || !geoOf(u)) return;
            var layer = lodPolygon(u, areaStyle(k, m));
            tag(layer, { "data-id": e.id, "data-part": m.partial ? "partial" : "whole", "data-adcode": a });
            if (m.partial) onAdd(layer, function (p) { p.setAttribute("fill", "url(#atlas-hatch-" + k.index + ")"); });
            layer.on("click", open);
            group.addLayer(layer);
          });
        });
      }
      (e.features || []).forEach(function (f) {
        var geo = decode(f.g, S);
        if (!geo) return;
        if (geo.t === "line") {
          geo.ll.forEach(function (line) {
            var halo = L.polyline(line, { pane: "atlas-lines", color: "#fff", weight: 12, opacity: 0.01 });
            var allStated = e.members.every(function (m) { return m.basis === "stated"; });
            var path = L.polyline(line, { pane: "atlas-lines", color: k.colour, weight: 3.5, opacity: 0.9,
              lineCap: "round", className: "atlas-directed", dashArray: allStated ? null : "9 6" });
            onAdd(path, function (p) { p.setAttribute("marker-end", "url(#atlas-arrow-" + k.index + ")"); });
            tag(path, { "data-id": e.id, "data-part": f.part });
            halo.on("click", open); path.on("click", open);
            group.addLayer(halo); group.addLayer(path);
            var mid = along(line, 0.62);
            var lab = el("span", { class: "atlas-label atlas-line-label" }, e.name + " 示意");
            lab.style.borderColor = k.colour;
            group.addLayer(L.marker(mid, { pane: "atlas-labels", interactive: false, keyboard: false,
              icon: L.divIcon({ className: "atlas-label-icon", html: lab, iconSize: null }) }));
          });
        } else if (geo.t === "point") {
          var stated = e.members.every(function (m) { return m.basis === "stated"; });
          geo.ll.forEach(function (ll) {
            var mk = L.circleMarker(ll, { pane: "atlas-points", radius: f.part === "site" ? 5 : 7,
              color: f.part === "site" ? k.colour : "#fff", weight: 2, fillColor: k.colour,
              fillOpacity: stated ? 1 : 0.55, dashArray: stated ? null : "2 2" });
            tag(mk, { "data-id": e.id, "data-part": f.part });
            mk.on("click", open);
            group.addLayer(mk);
            if (f.part !== "site") {
              var plab = el("span", { class: "atlas-label atlas-point-label" }, e.name);
              group.addLayer(L.marker(ll, { pane: "atlas-labels", interactive: false, keyboard: false,
                icon: L.divIcon({ className: "atlas-label-icon", html: plab, iconSize: null }) }));
            }
          });
        }
      });
      return group;
    }

    // features by element
    (model.features || []).forEach(function (f) {
      var e = elements.get(f.id);
      if (!e) return;
      (e.features = e.features || []).push(f);
    });
    // big areas first (below), then small ones, lines, points
    var drawOrder = model.order.filter(function (id) { return elements.has(id); });
    function size(e) {
      var s = 0;
      e.members.forEach(function (m) { m.adcodes.forEach(function (a) { var u = units.get(a); if (u) s += u.area_km2 || 0; }); });
      return s;
    }
    drawOrder.sort(function (a, b) { return size(elements.get(b)) - size(elements.get(a)); });
    // An element's layers are made the first time it is shown: a page holds ~100 elements and
    // shows a dozen at start, so most are never drawn at all.
    function layerOf(id) {
      if (!elementLayers.has(id)) elementLayers.set(id, drawElement(elements.get(id)));
      return elementLayers.get(id);
    }
    // The extent of a drawn element from its data (member units, features), without drawing it.
    function boundsOf(id) {
      if (elementBounds.has(id)) return elementBounds.get(id);
      var e = elements.get(id), b = null;
      if (e.geometry === "area") {
        e.members.forEach(function (m) { m.adcodes.forEach(function (a) {
          var u = memberUnit(m, a);
          if (u) b = extendBounds(b, unitBounds(u));
        }); });
      }
      (e.features || []).forEach(function (f) {
        var g = decode(f.g, S);
        if (!g) return;
        (g.t === "point" ? [g.ll] : g.ll).forEach(function (ll) { b = extendBounds(b, L.latLngBounds(ll)); });
      });
      elementBounds.set(id, b);
      return b;
    }

    function drawn(id) {
      var e = elements.get(id);
      return e && e.parts.filter(function (p) { return elements.has(p); }).length === 0;
    }
    function leaves(id) {
      var e = elements.get(id);
      if (!e) return [];
      var parts = e.parts.filter(function (p) { return elements.has(p); });
      if (!parts.length) return [id];
      var out = [];
      parts.forEach(function (p) { leaves(p).forEach(function (x) { out.push(x); }); });
      return out;
    }
    function setVisible(id, on) {
      leaves(id).forEach(function (leaf) {
        if (!elements.has(leaf)) return;
        var layer = layerOf(leaf);
        if (on) { visible.add(leaf); layer.addTo(map); } else { visible.delete(leaf); map.removeLayer(layer); }
      });
      syncTree();
    }
    // --- first paint: the start view first (so that every layer is projected once), then the
    // admin units and the visible elements, big areas below small ones, lines, points
    var start = null;
    visible.forEach(function (id) { if (drawn(id)) start = extendBounds(start, boundsOf(id)); });
    (model.units.province || []).forEach(function (u) { if (!start) start = unitBounds(u); });
    if (start) map.fitBounds(start, { padding: [20, 20], animate: false });
    lod = lodFor(map.getZoom());
    drawContext();
    drawBorders();
    map.on("zoomend", function () { setLod(lodFor(map.getZoom())); });
    mark("view");
    ["context", "province", "prefecture", "county", "labels"].forEach(function (k) { baseGroups[k].addTo(map); });
    mark("units-added");
    drawOrder.forEach(function (id) { if (drawn(id) && visible.has(id)) layerOf(id).addTo(map); });
    focusLayer.addTo(map);
    mark("elements-added");

    // --- basemaps -----------------------------------------------------------------------------
    var tileLayer = null;
    function setBasemap(id) {
      if (tileLayer) { map.removeLayer(tileLayer); tileLayer = null; }
      model.basemaps.forEach(function (b) {
        if (b.id !== id || !b.layers.length) return;
        tileLayer = L.layerGroup(b.layers.map(function (t) {
          return L.tileLayer(t.url, { maxZoom: t.max_zoom, subdomains: t.subdomains, attribution: escapeHtml(t.attribution) });
        }));
        tileLayer.addTo(map);
      });
      document.body.setAttribute("data-basemap", id);
    }

    // --- layer tree and legend ------------------------------------------------------------------
    var treeBoxes = new Map();
    function checkbox(label, checked, onchange, extra) {
      var row = el("label", { class: "atlas-row" });
      var box = el("input", { type: "checkbox" });
      box.checked = checked;
      box.addEventListener("change", function () { onchange(box.checked); });
      row.appendChild(box);
      if (extra) row.appendChild(extra);
      row.appendChild(el("span", null, label));
      return { row: row, box: box };
    }
    function swatch(k) {
      var s = el("span", { class: "atlas-swatch atlas-swatch-" + (k.geometry || "area") });
      s.style.setProperty("--c", k.colour);
      return s;
    }
    function elementNode(id, depth) {
      var e = elements.get(id);
      var k = kindOf(e);
      var wrap = el("div", { class: "atlas-tree-item" });
      wrap.style.marginLeft = (depth * 14) + "px";
      var c = checkbox("", true, function (on) { setVisible(id, on); }, swatch(k));
      var name = el("a", { href: "#concept=" + encodeURIComponent(id), class: "atlas-tree-name" }, e.name);
      c.row.appendChild(name);
      c.row.appendChild(el("small", null, " " + k.zh));
      treeBoxes.set(id, c.box);
      wrap.appendChild(c.row);
      e.parts.forEach(function (p) { if (elements.has(p)) wrap.appendChild(elementNode(p, 1)); });
      return wrap;
    }
    var groupBoxes = [];
    function syncTree() {
      groupBoxes.forEach(function (g) {
        var ls = [];
        g.ids.forEach(function (id) { leaves(id).forEach(function (x) { ls.push(x); }); });
        var on = ls.filter(function (x) { return visible.has(x); }).length;
        g.box.checked = on > 0;
        g.box.indeterminate = on > 0 && on < ls.length;
      });
      treeBoxes.forEach(function (box, id) {
        var ls = leaves(id);
        var on = ls.filter(function (x) { return visible.has(x); }).length;
        box.checked = on > 0;
        box.indeterminate = on > 0 && on < ls.length;
      });
    }
    function buildTree() {
      var tree = document.getElementById("atlas-tree");
      var bm = el("fieldset", { class: "atlas-basemaps" });
      bm.appendChild(el("legend", null, "底图 Basemap"));
      model.basemaps.forEach(function (b) {
        var row = el("label", { class: "atlas-row" });
        var r = el("input", { type: "radio", name: "atlas-basemap", value: b.id });
        r.checked = b.id === model.basemap;
        r.addEventListener("change", function () { if (r.checked) setBasemap(b.id); });
        row.appendChild(r);
        row.appendChild(el("span", null, b.name + (b.name_en && b.name_en !== b.name ? " " + b.name_en : "")));
        bm.appendChild(row);
      });
      (model.basemap_notes || []).forEach(function (n) { bm.appendChild(el("p", { class: "atlas-note" }, n)); });
      tree.appendChild(bm);
      var admin = el("fieldset", { class: "atlas-admin" });
      admin.appendChild(el("legend", null, "行政区 Admin units"));
      [["province", "省界 Province"], ["prefecture", "市州 Prefectures"], ["county", "县区 Counties"],
       ["labels", "地名 Labels"], ["context", "周边省区 Neighbours"]].forEach(function (p) {
        var c = checkbox(p[1], true, function (on) {
          if (p[0] in adminShown) { adminShown[p[0]] = on; drawBorders(); }
          else if (on) baseGroups[p[0]].addTo(map); else map.removeLayer(baseGroups[p[0]]);
        });
        c.box.setAttribute("data-layer", p[0]);
        admin.appendChild(c.row);
      });
      tree.appendChild(admin);
      if (model.layouts && model.layouts.length) {
        var lf = el("label", { class: "atlas-row atlas-layout-pick" });
        lf.appendChild(el("span", null, "按布局 Show a layout: "));
        var sel = el("select", { id: "atlas-layout-select" });
        sel.appendChild(el("option", { value: "" }, "—"));
        model.layouts.forEach(function (lay, i) { sel.appendChild(el("option", { value: String(i) }, lay.name)); });
        sel.addEventListener("change", function () {
          if (sel.value === "") return;
          var lay = model.layouts[Number(sel.value)];
          Array.from(visible).forEach(function (id) { setVisible(id, false); });
          lay.elements.forEach(function (id) { if (elements.has(id)) setVisible(id, true); });
          var b = null;
          lay.elements.forEach(function (id) {
            leaves(id).forEach(function (leaf) {
              b = extendBounds(b, boundsOf(leaf));
            });
          });
          if (b) map.flyToBounds(b, { padding: [20, 20], duration: 0.6 });
        });
        lf.appendChild(sel);
        tree.appendChild(lf);
      }
      model.tree.forEach(function (g) {
        var fs = el("fieldset", { class: "atlas-plan" });
        var lg = el("legend");
        var all = el("input", { type: "checkbox", "aria-label": "全部 all" });
        all.checked = true;
        all.addEventListener("change", function () {
          var on = all.checked;  // read once: setVisible re-syncs this very box after each element
          g.elements.forEach(function (id) { setVisible(id, on); });
        });
        groupBoxes.push({ box: all, ids: g.elements.filter(function (id) { return elements.has(id); }) });
        lg.appendChild(all);
        lg.appendChild(el("span", null, " " + g.title));
        fs.appendChild(lg);
        g.elements.forEach(function (id) { if (elements.has(id)) fs.appendChild(elementNode(id, 0)); });
        tree.appendChild(fs);
      });
      syncTree();
    }
    function buildLegend() {
      var box = document.getElementById("atlas-legend");
      var list = el("ul", { class: "atlas-legend-kinds" });
      model.legend.forEach(function (k) {
        var li = el("li");
        li.appendChild(swatch(k));
        li.appendChild(el("span", null, k.zh + " " + k.en));
        list.appendChild(li);
      });
      box.appendChild(list);
      var keys = el("ul", { class: "atlas-legend-keys" });
      [["stated", "明确 stated: 规划点名的成员 (solid, full fill)"],
       ["inferred", "隐含/推断 implied/inferred (dashed, light fill)"],
       ["partial", "部分 partial: 仅部分位于该县区, 不填充 (hatched outline, never filled)"],
       ["schematic", "示意 schematic line, arrow = direction; dashed when a node is implied/inferred"]].forEach(function (p) {
        var li = el("li");
        li.appendChild(el("span", { class: "atlas-key atlas-key-" + p[0] }));
        li.appendChild(el("span", null, p[1]));
        keys.appendChild(li);
      });
      box.appendChild(keys);
    }

    // --- focus and panel ------------------------------------------------------------------------
    function unitGeoLayer(a, style) {
      var u = units.get(a);
      if (!u || !geoOf(u)) return null;
      return L.polygon(geoOf(u).ll, Object.assign({ pane: "atlas-focus", interactive: false, fill: false }, style));
    }
    function focusOn(layers, fly, maxZoom) {
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
    }
    function focusUnit(a, fly) {
      focusOn(a.split(",").map(function (x) {
        return unitGeoLayer(x, { color: "#000", weight: 3.5, dashArray: null });
      }), fly, 9);
    }
    function focusElement(id, fly) {
      var ls = [];
      leaves(id).forEach(function (leaf) {
        var e = elements.get(leaf);
        if (!visible.has(leaf)) setVisible(leaf, true);
        if (e.geometry === "area") {
          e.members.forEach(function (m) { m.adcodes.forEach(function (a) {
            ls.push(unitGeoLayer(a, { color: "#000", weight: 3, dashArray: m.partial ? "4 4" : null }));
          }); });
        }
        (e.features || []).forEach(function (f) {
          var g = decode(f.g, S);
          if (!g) return;
          if (g.t === "line") g.ll.forEach(function (l) { ls.push(L.polyline(l, { pane: "atlas-focus", color: "#000", weight: 8, opacity: 0.35, interactive: false })); });
          if (g.t === "point") g.ll.forEach(function (p) { ls.push(L.circleMarker(p, { pane: "atlas-focus", radius: 12, color: "#000", weight: 3, fill: false, interactive: false })); });
        });
      });
      focusOn(ls, fly);
    }

    function headingOf(p) {
      return (p.h || []).map(function (i) { return String(model.headings[i]); });
    }
    function planTitle(plan) {
      var p = plans.get(plan);
      return p ? p.title + " (" + DOC_ZH + " " + p.doc + ")" : plan;
    }
    function linkTo(kind, id, label, cls) {
      var a = el("a", { href: "#" + kind + "=" + encodeURIComponent(id), class: cls || "" }, label);
      return a;
    }
    function textWithPlaces(text, spans, limit) {
      var frag = el("span", { class: "atlas-text" });
      var pos = 0;
      var end = limit && text.length > limit ? limit : text.length;
      (spans || []).forEach(function (s) {
        if (s[0] < pos || s[1] > end) return;
        frag.appendChild(document.createTextNode(text.slice(pos, s[0])));
        var b = el("button", { type: "button", class: "atlas-place atlas-place-" + s[2], "data-target": s[2] + "=" + s[3] }, text.slice(s[0], s[1]));
        b.addEventListener("click", function () {
          if (s[2] === "unit") focusUnit(s[3], true);
          else if (elements.has(s[3])) focusElement(s[3], true);
          else location.hash = "concept=" + encodeURIComponent(s[3]);
        });
        frag.appendChild(b);
        pos = s[1];
      });
      frag.appendChild(document.createTextNode(text.slice(pos, end)));
      if (end < text.length) frag.appendChild(document.createTextNode("……"));
      return frag;
    }
    function provisionItem(pid, limit) {
      var p = provisions.get(pid);
      var li = el("li", { class: "atlas-prov" });
      if (!p) { li.appendChild(el("span", null, pid)); return li; }
      var head = el("div", { class: "atlas-prov-head" });
      head.appendChild(linkTo("provision", pid, pid, "atlas-pid"));
      head.appendChild(el("span", { class: "atlas-doc" }, " " + DOC_ZH + " " + p.doc + " · " + planTitle(p.plan).replace(/ \(.*$/, "")));
      li.appendChild(head);
      var ph = headingOf(p);
      if (ph.length) li.appendChild(el("div", { class: "atlas-heading" }, ph.join(" › ")));
      li.appendChild(textWithPlaces(p.text, mentions.get(pid), limit));
      return li;
    }
    function deepLink(kind, id) {
      var box = el("div", { class: "atlas-deeplink" });
      var url = location.href.split("#")[0] + "#" + kind + "=" + encodeURIComponent(id);
      var input = el("input", { type: "text", readonly: "readonly", "aria-label": "链接 link" });
      input.value = url;
      var btn = el("button", { type: "button" }, "复制链接 Copy link");
      btn.addEventListener("click", function () {
        input.select();
        var done = function () { btn.textContent = "已复制 Copied"; };
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, function () {});
        else { try { document.execCommand("copy"); done(); } catch (err) { /* selected for manual copy */ } }
      });
      box.appendChild(input);
      box.appendChild(btn);
      return box;
    }
    function section(title) {
      var s = el("section", { class: "atlas-sec" });
      s.appendChild(el("h3", null, title));
      return s;
    }
    function openPanel(kindClass) {
      panel.textContent = "";
      panel.hidden = false;
      panel.className = "atlas-panel-" + kindClass;
      var close = el("button", { type: "button", class: "atlas-close", "aria-label": "关闭 close" }, "×");
      close.addEventListener("click", function () {
        panel.hidden = true; focusLayer.clearLayers();
        history.replaceState(null, "", location.pathname + location.search);
      });
      panel.appendChild(close);
      return panel;
    }
    function refsList(pids, limit) {
      var ol = el("ol", { class: "atlas-provs" });
      pids.forEach(function (pid) { ol.appendChild(provisionItem(pid, limit)); });
      return ol;
    }

    function showConcept(id, fly) {
      var e = elements.get(id);
      var p = openPanel("concept");
      if (!e) {
        p.appendChild(el("h2", null, "未找到概念 Concept not found"));
        p.appendChild(el("p", { class: "atlas-missing" }, id));
        var a = el("a", { href: model.page.atlas + "#concept=" + encodeURIComponent(id) }, "在总图中查找 Look in the combined atlas");
        if (model.page.kind !== "atlas") p.appendChild(a);
        return;
      }
      var k = kindOf(e);
      var badge = el("div", { class: "atlas-badge" });
      badge.appendChild(swatch(k));
      badge.appendChild(el("span", null, k.zh + " " + k.en + (e.schematic ? " · 示意 schematic" : "")));
      p.appendChild(badge);
      p.appendChild(el("h2", { class: "atlas-name" }, e.name));
      if (e.name_en) p.appendChild(el("p", { class: "atlas-en" }, e.name_en));
      if (e.aliases.length) p.appendChild(el("p", { class: "atlas-aliases" }, "又称 also: " + e.aliases.join("、")));
      p.appendChild(el("p", { class: "atlas-plan-line" }, "规划 Plan: " + planTitle(e.plan)));
      if (e.parents.length || e.parts.length) {
        var rel = el("p", { class: "atlas-rel" });
        e.parents.forEach(function (x) { rel.appendChild(document.createTextNode("属于 part of ")); rel.appendChild(linkTo("concept", x, elements.has(x) ? elements.get(x).name : x)); rel.appendChild(document.createTextNode("  ")); });
        if (e.parts.length) {
          rel.appendChild(document.createTextNode("组成 parts: "));
          e.parts.forEach(function (x, i) { if (i) rel.appendChild(document.createTextNode("、")); rel.appendChild(linkTo("concept", x, elements.has(x) ? elements.get(x).name : x)); });
        }
        p.appendChild(rel);
      }
      if (e.quotes.length) {
        var qs = section("定义 Defining quote");
        e.quotes.forEach(function (q) {
          var bq = el("blockquote", { class: "atlas-quote" }, q.text);
          var cite = el("cite");
          cite.appendChild(linkTo("provision", q.provision, q.provision));
          bq.appendChild(cite);
          qs.appendChild(bq);
        });
        p.appendChild(qs);
      }
      var ms = section("成员 Members (" + e.members.length + ")");
      var table = el("table", { class: "atlas-members" });
      var hr = el("tr");
      ["名称 name", "单元 unit", "角色 role", "依据 basis"].forEach(function (h) { hr.appendChild(el("th", null, h)); });
      table.appendChild(hr);
      e.members.forEach(function (m) {
        var tr = el("tr", { class: "atlas-basis-" + m.basis + (m.partial ? " atlas-partial" : "") });
        tr.appendChild(el("td", null, m.name));
        var td = el("td");
        m.adcodes.forEach(function (a, i) {
          if (i) td.appendChild(document.createTextNode("、"));
          td.appendChild(linkTo("unit", a, m.units[i] || a));
        });
        tr.appendChild(td);
        tr.appendChild(el("td", null, m.role_zh));
        var basis = m.basis_zh + " " + m.basis + (m.partial ? " · 部分 partial" : "");
        var bt = el("td", null, basis);
        if (m.source) bt.appendChild(el("div", { class: "atlas-source" }, m.source));
        if (m.site) bt.appendChild(el("div", { class: "atlas-source" }, "位置 site ±" + m.site.precision_deg + "°: " + m.site.source));
        tr.appendChild(bt);
        table.appendChild(tr);
      });
      ms.appendChild(table);
      p.appendChild(ms);
      if (e.paths.length) {
        var ps = section("走向 Path (示意 schematic)");
        e.paths.forEach(function (path) { ps.appendChild(el("p", null, path.join(" → "))); });
        p.appendChild(ps);
      }
      var rs = section("提及条文 Provisions that mention it (" + e.refs.length + ")");
      rs.appendChild(refsList(e.refs, 400));
      p.appendChild(rs);
      if (e.notes.length) {
        var ns = section("说明 Notes");
        e.notes.forEach(function (n) { ns.appendChild(el("p", { class: "atlas-note" }, n)); });
        p.appendChild(ns);
      }
      p.appendChild(deepLink("concept", id));
      focusElement(id, fly);
    }

    function showUnit(a, fly) {
      var u = units.get(a);
      var p = openPanel("unit");
      if (!u) {
        p.appendChild(el("h2", null, "未找到行政区 Unit not found"));
        p.appendChild(el("p", { class: "atlas-missing" }, a));
        return;
      }
      p.appendChild(el("div", { class: "atlas-badge" }, (LEVEL_ZH[u.level] || u.level) + " " + u.level + " · " + u.adcode));
      p.appendChild(el("h2", { class: "atlas-name" }, u.name));
      if (unitAliases.has(a)) p.appendChild(el("p", { class: "atlas-aliases" }, "又称 also: " + unitAliases.get(a).join("、")));
      if (u.parent && units.has(u.parent)) {
        var par = el("p");
        par.appendChild(document.createTextNode("上级 in "));
        par.appendChild(linkTo("unit", u.parent, units.get(u.parent).name));
        p.appendChild(par);
      }
      if (u.area_km2) p.appendChild(el("p", null, "面积 area " + u.area_km2.toLocaleString("zh-CN") + " km²"));
      var cs = section("所属概念 Concepts");
      var ul = el("ul", { class: "atlas-concepts" });
      var seen = new Set();
      function add(list, via) {
        (list || []).forEach(function (c) {
          if (seen.has(c.id)) return;
          seen.add(c.id);
          var e = elements.get(c.id);
          var li = el("li");
          li.appendChild(swatch(kindOf(e)));
          li.appendChild(linkTo("concept", c.id, e.name));
          li.appendChild(el("small", null, " " + c.role + " · " + c.basis + (c.partial ? " · 部分 partial" : "") + (via ? " · " + via : "")));
          ul.appendChild(li);
        });
      }
      add(unitConcepts.get(a), "");
      if (u.parent) add(unitConcepts.get(u.parent), "经由市州 via prefecture");
      if (!seen.size) ul.appendChild(el("li", null, "本图无 none on this map"));
      cs.appendChild(ul);
      p.appendChild(cs);
      var refs = unitRefs.get(a) || [];
      var rs = section("提及条文 Provisions that mention it (" + refs.length + ")");
      rs.appendChild(refsList(refs, 240));
      p.appendChild(rs);
      p.appendChild(deepLink("unit", a));
      focusUnit(a, fly);
    }

    function showProvision(pid, fly) {
      var pr = provisions.get(pid);
      var p = openPanel("provision");
      if (!pr) {
        p.appendChild(el("h2", null, "未找到条文 Provision not found"));
        p.appendChild(el("p", { class: "atlas-missing" }, pid));
        return;
      }
      p.appendChild(el("div", { class: "atlas-badge" }, "条文 provision · " + pid + " · " + pr.kind));
      p.appendChild(el("h2", { class: "atlas-name" }, planTitle(pr.plan)));
      var d = docs.get(pr.doc);
      if (d) p.appendChild(el("p", { class: "atlas-doc" }, DOC_ZH + " " + pr.doc + ": " + d.title));
      if (d && pr.lines && pr.lines.length) {
        var where = pr.lines.map(function (r) { return r[0] === r[1] ? String(r[0]) : r[0] + "–" + r[1]; }).join(", ");
        p.appendChild(el("p", { class: "atlas-doc atlas-source-lines" }, "原文 source: layers/plans/" + d.file + " 第 " + where + " 行 line " + where));
      }
      var prh = headingOf(pr);
      if (prh.length) p.appendChild(el("p", { class: "atlas-heading" }, prh.join(" › ")));
      var body = el("div", { class: "atlas-prov-text" });
      body.appendChild(textWithPlaces(pr.text, mentions.get(pid), 0));
      p.appendChild(body);
      var defined = [];
      elements.forEach(function (e, id) {
        if (e.quotes.some(function (q) { return q.provision === pid; }) || e.refs.indexOf(pid) >= 0) defined.push(id);
      });
      if (defined.length) {
        var cs = section("相关概念 Concepts");
        var ul = el("ul", { class: "atlas-concepts" });
        defined.forEach(function (id) {
          var li = el("li");
          li.appendChild(swatch(kindOf(elements.get(id))));
          li.appendChild(linkTo("concept", id, elements.get(id).name));
          ul.appendChild(li);
        });
        cs.appendChild(ul);
        p.appendChild(cs);
      }
      p.appendChild(deepLink("provision", pid));
      var ls = [];
      (mentions.get(pid) || []).forEach(function (s) {
        if (s[2] === "unit") s[3].split(",").forEach(function (a) { ls.push(unitGeoLayer(a, { color: "#000", weight: 3 })); });
      });
      if (ls.length) focusOn(ls, fly); else focusLayer.clearLayers();
    }

    // --- routing --------------------------------------------------------------------------------
    function go(kind, id) {
      var h = "#" + kind + "=" + encodeURIComponent(id);
      if (location.hash === h) route(true); else location.hash = h;
    }
    function route(fly) {
      var m = /^#(concept|unit|provision)=(.*)$/.exec(location.hash);
      if (!m) return false;
      var id;
      try { id = decodeURIComponent(m[2]); } catch (err) { id = m[2]; }
      if (m[1] === "concept") showConcept(id, fly);
      else if (m[1] === "unit") showUnit(id, fly);
      else showProvision(id, fly);
      document.body.setAttribute("data-route", m[1]);
      return true;
    }
    window.addEventListener("hashchange", function () { route(true); });

    // --- search ---------------------------------------------------------------------------------
    var q = document.getElementById("atlas-q");
    var results = document.getElementById("atlas-results");
    function snippet(text, i, n) {
      var a = Math.max(0, i - 24), b = Math.min(text.length, i + n + 40);
      var span = el("span", { class: "atlas-snippet" });
      span.appendChild(document.createTextNode((a ? "…" : "") + text.slice(a, i)));
      span.appendChild(el("mark", null, text.slice(i, i + n)));
      span.appendChild(document.createTextNode(text.slice(i + n, b) + (b < text.length ? "…" : "")));
      return span;
    }
    function search(query) {
      results.textContent = "";
      query = query.trim();
      if (!query) { results.hidden = true; return; }
      var lower = query.toLowerCase();
      var groups = [["地名 Places", []], ["概念 Concepts", []], ["条文 Provisions", []]];
      units.forEach(function (u) {
        var aka = unitAliases.get(u.adcode) || [];
        var hit = aka.filter(function (n) { return n.indexOf(query) >= 0; });
        if (u.name.indexOf(query) >= 0 || u.adcode.indexOf(query) === 0 || hit.length) {
          groups[0][1].push({ kind: "unit", id: u.adcode, label: u.name,
            sub: (LEVEL_ZH[u.level] || "") + " " + u.adcode + (aka.length ? " · 又称 " + aka.join("、") : "") });
        }
      });
      elements.forEach(function (e, id) {
        var hay = [e.name, e.name_en.toLowerCase(), id].concat(e.aliases);
        if (hay.some(function (h) { return h.indexOf(lower) >= 0 || h.indexOf(query) >= 0; })) {
          groups[1][1].push({ kind: "concept", id: id, label: e.name, sub: kindOf(e).zh + " · " + e.plan });
        }
      });
      provisions.forEach(function (p, pid) {
        var i = p.text.indexOf(query);
        if (i >= 0) groups[2][1].push({ kind: "provision", id: pid, label: pid, text: p.text, at: i });
      });
      var total = 0;
      groups.forEach(function (g) {
        if (!g[1].length) return;
        results.appendChild(el("h4", null, g[0] + " (" + g[1].length + ")"));
        var ul = el("ul");
        g[1].slice(0, g[0].indexOf("条文") === 0 ? 40 : 15).forEach(function (r) {
          var li = el("li");
          var a = linkTo(r.kind, r.id, r.label, "atlas-result");
          li.appendChild(a);
          if (r.sub) li.appendChild(el("small", null, " " + r.sub));
          if (r.text) li.appendChild(snippet(r.text, r.at, query.length));
          ul.appendChild(li);
          total += 1;
        });
        results.appendChild(ul);
      });
      if (!total) results.appendChild(el("p", { class: "atlas-none" }, "无结果 No results: " + query));
      results.hidden = false;
    }
    q.addEventListener("input", function () { search(q.value); });
    q.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        var first = results.querySelector("a.atlas-result");
        if (first) first.click();
      } else if (ev.key === "Escape") { q.value = ""; search(""); }
    });
    results.addEventListener("click", function (ev) {
      if (ev.target.closest && ev.target.closest("a.atlas-result")) results.hidden = true;
    });

    // --- after the first paint: basemap, labels, layer tree, legend, deep link -----------------
    // The polygons are on screen one frame earlier; data-atlas-ready marks the whole page.
    function whenParsed(fn) {
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
      else fn();
    }
    window.atlasPage = { map: map, model: model, elements: elements, layerOf: layerOf, leaves: leaves, boundsOf: boundsOf, kindOf: kindOf, setVisible: setVisible, isVisible: function (id) { return visible.has(id); }, focusElement: focusElement, focusLayer: focusLayer, showConcept: showConcept, extendBounds: extendBounds };  // HOOK(issue17): page API for js/present.js
    requestAnimationFrame(function () {
      setTimeout(function () { whenParsed(function () {
        mark("painted");
        (window.atlasTexts ? window.atlasTexts() : Promise.resolve()).then(function () {  // HOOK(issue17): texts inflated after paint
        readTexts();
        setBasemap(model.basemap);
        makeLabels();
        updateLabels();
        map.on("zoomend", updateLabels);
        buildTree();
        buildLegend();
        route(false);
        if (window.atlasPresent) window.atlasPresent(window.atlasPage);  // HOOK(issue17): presenter, compare, opacity
        mark("ready");
        document.body.setAttribute("data-atlas-ready", "1");
        });  // HOOK(issue17): end of the texts promise
      }); }, 0);
    });
  }

  window.atlasStart = atlasStart;
})();
