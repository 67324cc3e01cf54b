/* js/elements.js: drawing the elements (areas from their member units, lines, points) and
 * showing or hiding them.
 *
 * An element's layers are made the first time it is shown: a page holds ~100 elements and
 * shows a dozen at start, so most are never drawn at all.
 *
 * Contract: atlas.elements(s) reads s.map, s.model, s.scale, s.elements, s.units, s.visible,
 * s.memberUnit, s.unitBounds, s.lodPolygon, s.kindOf, s.memberLook, s.partLook,
 * s.labelMarker, s.along, s.go (router) and s.syncTree (tree, called if set);
 * it gives each element record its `features` and sets
 *   s.drawOrder    page elements, big areas first (below), then small ones (s.sortDrawOrder())
 *   s.addElements(records)  adds the elements that come with the plan texts
 *   s.layerOf(id)  the element's L.FeatureGroup (made on first use)
 *   s.boundsOf(id) its extent from the data, without drawing it
 *   s.drawn(id)    true for elements drawn themselves: no parts on this page, or members of
 *                  their own besides those of their parts (河西走廊经济区 lists its 市州)
 *   s.leaves(id)   the drawn elements an element stands for (its parts, and itself if drawn)
 *   s.setVisible(id, on)
 */
atlas.elements = function (s) {
  var elements = s.elements, S = s.scale, tag = atlas.tag, extendBounds = atlas.extendBounds;
  var layers = new Map(), bounds = new Map();
  function drawElement(e) {
    var k = s.kindOf(e);
    var group = L.featureGroup();
    // a click opens the topmost thing and lists what lies under it (js/picker.js)
    var open = function (ev) { L.DomEvent.stop(ev); s.pick(ev.latlng, e.id); };
    var longest = null;
    if (e.geometry === "area") {
      var partsHere = pagedParts(e).length > 0;
      e.members.forEach(function (m, i) {
        if (partsHere && m.via) return;  // drawn by the part it comes from
        var look = s.memberLook(e, i);
        m.adcodes.forEach(function (a) {
          var u = s.memberUnit(m, a);
          var layer = u && s.lodPolygon(u, look.options);
          if (!layer) return;
          tag(layer, { "data-id": e.id, "data-part": m.partial ? "partial" : "whole", "data-adcode": a });
          if (look.hatch) atlas.onAdd(layer, function (p) { p.setAttribute("fill", "url(#atlas-hatch-" + k.index + ")"); });
          layer.on("click", open);
          group.addLayer(layer);
        });
      });
    }
    (e.features || []).forEach(function (f) {
      var geo = atlas.decode(f.g, S);
      if (!geo) return;
      var look = s.partLook(e, f.part);
      if (geo.t === "line") {
        geo.ll.forEach(function (line) {
          var halo = L.polyline(line, { pane: "atlas-lines", color: "#fff", weight: 12, opacity: 0.01 });
          var path = L.polyline(line, look.options);
          if (look.arrow) atlas.onAdd(path, function (p) { p.setAttribute("marker-end", "url(#atlas-arrow-" + k.index + ")"); });
          tag(path, { "data-id": e.id, "data-part": f.part });
          halo.on("click", open); path.on("click", open);
          group.addLayer(halo); group.addLayer(path);
          if (!longest || line.length > longest.length) longest = line;
        });
      } else if (geo.t === "point") {
        geo.ll.forEach(function (ll) {
          var mk = L.circleMarker(ll, look.options);
          tag(mk, { "data-id": e.id, "data-part": f.part });
          mk.on("click", function (ev) { L.DomEvent.stop(ev); s.pick(L.latLng(ll), e.id, mk); });
          group.addLayer(mk);
          if (f.part === "site") return;
          // a label names its place: 多点 · 玉门市
          var u = geo.ll.length > 1 ? s.unitAt(L.latLng(ll)) : null;
          var lab = s.labelMarker(ll, e.name + (u ? " · " + u.name : ""), "atlas-point-label");
          var r = look.options.radius || 5;
          s.addLabel(lab, s.PRIO.point, function (w, h) {
            var p = s.map.latLngToContainerPoint(ll), dx = r + 3 + w / 2, dy = r + 2 + h / 2;
            return [p.add([dx, 0]), p.subtract([dx, 0]), p.subtract([0, dy]), p.add([0, dy]),
              p.add([dx - 4, -dy + 4]), p.add([dx - 4, dy - 4]), p.add([-dx + 4, -dy + 4]), p.add([-dx + 4, dy - 4])];
          });
          group.addLayer(lab);
        });
      }
    });
    if (longest) {  // one label per line element, clear of its ends
      var line = longest;
      var lab = s.labelMarker(s.along(line, 0.5), e.name + " 示意", "atlas-line-label");
      lab.labelNode.style.borderColor = k.colour;
      s.addLabel(lab, s.PRIO.line, function (w, h) {  // on the line, else just beside it
        var on = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85].map(function (t) { return s.map.latLngToContainerPoint(s.along(line, t)); });
        return on.concat(on.map(function (p) { return p.subtract([0, h]); }), on.map(function (p) { return p.add([0, h]); }));
      });
      group.addLayer(lab);
    }
    return group;
  }
  // features by element
  function attachFeatures(ids) {
    (s.model.features || []).forEach(function (f) {
      var e = ids.has(f.id) ? elements.get(f.id) : null;
      if (e) (e.features = e.features || []).push(f);
    });
  }
  attachFeatures(new Set(elements.keys()));
  function size(e) {
    var n = 0;
    e.members.forEach(function (m) { m.adcodes.forEach(function (a) { var u = s.units.get(a); if (u) n += u.area_km2 || 0; }); });
    return n;
  }
  s.sortDrawOrder = function () {  // each size once, not once per comparison
    var sizes = new Map();
    s.drawOrder = s.model.order.filter(function (id) { return elements.has(id); });
    s.drawOrder.forEach(function (id) { sizes.set(id, size(elements.get(id))); });
    s.drawOrder.sort(function (a, b) { return sizes.get(b) - sizes.get(a); });
  };
  s.sortDrawOrder();
  // the elements not shown at start come with the plan texts (geo/_atlas_html.py split_model):
  // s.elements keeps its identity and its order (by id, as the page model writes it)
  s.addElements = function (later) {
    var ids = Object.keys(later || {});
    if (!ids.length) return;
    var all = Array.from(elements.keys()).concat(ids).sort();
    var had = new Map(elements);
    elements.clear();
    all.forEach(function (id) {
      var e = had.get(id) || later[id];
      elements.set(id, e);
      s.model.elements[id] = e;
    });
    attachFeatures(new Set(ids));
    s.sortDrawOrder();
  };
  s.layerOf = function (id) {
    if (!layers.has(id)) layers.set(id, drawElement(elements.get(id)));
    return layers.get(id);
  };
  s.boundsOf = function (id) {
    if (bounds.has(id)) return bounds.get(id);
    var e = elements.get(id), b = null;
    if (e.geometry === "area") {
      e.members.forEach(function (m) { m.adcodes.forEach(function (a) {
        var u = s.memberUnit(m, a);
        if (u) b = extendBounds(b, s.unitBounds(u));
      }); });
    }
    (e.features || []).forEach(function (f) {
      var g = atlas.decode(f.g, S);
      if (!g) return;
      (g.t === "point" ? [g.ll] : g.ll).forEach(function (ll) { b = extendBounds(b, L.latLngBounds(ll)); });
    });
    bounds.set(id, b);
    return b;
  };
  function pagedParts(e) { return e.parts.filter(function (p) { return elements.has(p); }); }
  function ownMembers(e) { return e.members.some(function (m) { return !m.via; }); }
  s.drawn = function (id) {
    var e = elements.get(id);
    return !!e && (pagedParts(e).length === 0 || (e.geometry === "area" && ownMembers(e)));
  };
  s.leaves = function (id) {
    var e = elements.get(id);
    if (!e) return [];
    var parts = pagedParts(e);
    if (!parts.length) return [id];
    var out = s.drawn(id) ? [id] : [];
    parts.forEach(function (p) { s.leaves(p).forEach(function (x) { out.push(x); }); });
    return out;
  };
  // no label covers a point marker or a line's ends (its arrowhead)
  s.addObstacle(function () {
    var out = [], map = s.map;
    s.visible.forEach(function (id) {
      var e = elements.get(id);
      (e && e.features || []).forEach(function (f) {
        var g = f.decoded = f.decoded || atlas.decode(f.g, S);
        if (!g) return;
        var pts = g.t === "point" ? g.ll.map(function (ll) { return [ll, 6]; }) :
          g.t === "line" ? g.ll.map(function (l) { return [l[l.length - 1], 10]; }).concat(g.ll.map(function (l) { return [l[0], 5]; })) : [];
        pts.forEach(function (p) {
          var c = map.latLngToContainerPoint(p[0]);
          out.push(L.bounds([c.x - p[1], c.y - p[1]], [c.x + p[1], c.y + p[1]]));
        });
      });
    });
    return out;
  });
  s.setVisible = function (id, on) {
    s.leaves(id).forEach(function (leaf) {
      if (!elements.has(leaf)) return;
      var layer = s.layerOf(leaf);
      if (on) { s.visible.add(leaf); layer.addTo(s.map); } else { s.visible.delete(leaf); s.map.removeLayer(layer); }
    });
    if (s.syncTree) s.syncTree();
    if (s.placeLabels) s.placeLabels();
  };
};
