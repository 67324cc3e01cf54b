/* js/labels.js: text labels on the map, placed without overlaps.
 *
 * Every label is registered with a priority (lower first: Gansu's prefectures, then the
 * elements' points and lines, then counties, then the neighbours) and its candidate centres
 * in screen pixels. After every move, zoom or change of what is shown, labels are placed in
 * priority order at the first candidate whose box overlaps no placed label, no point marker
 * and no line end (arrowheads); a label with no free candidate is hidden (data-hidden="1").
 *
 * Contract: atlas.labels(s) reads s.map, s.model, s.baseGroups.labels, s.unitBounds; it sets
 *   s.labelMarker(latlng, text, cls) -> L.Marker   a non-interactive label in the labels pane
 *   s.addLabel(marker, prio, cands)   register a label; cands() -> [L.Point] candidate centres
 *   s.addObstacle(fn)                 fn() -> [L.Bounds] boxes no label may cover (on screen)
 *   s.along(line, t) -> [lat, lng]    the point at fraction t of a line
 *   s.makeLabels(), s.updateLabels()  unit labels by zoom level, then s.placeLabels()
 *   s.placeLabels()                   place every shown label (next frame); body[data-labels-placed]
 *                                     counts the passes
 */
atlas.labels = function (s) {
  var model = s.model, map = s.map;
  var byLevel = { prefecture: [], county: [], context: [] };
  var registry = [], obstacles = [];
  var PRIO = { prefecture: 1, point: 2, line: 3, county: 4, province: 5, context: 6 };
  s.PRIO = PRIO;
  s.labelMarker = function (ll, text, cls) {
    // hidden until the placement has found it a spot
    var lab = atlas.el("span", { class: "atlas-label " + cls, "data-hidden": "1" }, text);
    var marker = L.marker(ll, { pane: "atlas-labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "atlas-label-icon", html: lab, iconSize: null }) });
    marker.labelNode = lab;
    marker.on("add", s.placeLabels);
    return marker;
  };
  s.addLabel = function (marker, prio, cands) {
    registry.push({ marker: marker, prio: prio, cands: cands, order: registry.length });
  };
  s.addObstacle = function (fn) { obstacles.push(fn); };
  s.along = function (line, t) {
    // the point at fraction t of the line's length (in degrees: labels only)
    line = line.map(function (p) { return p.lat !== undefined ? [p.lat, p.lng] : p; });
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
  };
  function overlaps(a, b) {
    return a.min.x < b.max.x && b.min.x < a.max.x && a.min.y < b.max.y && b.min.y < a.max.y;
  }
  var passes = 0;
  function place() {
    pending = false;
    document.body.setAttribute("data-labels-placed", String(++passes));  // for tests
    var size = map.getSize(), placed = [];
    obstacles.forEach(function (fn) { fn().forEach(function (b) { placed.push(b); }); });
    var shown = registry.filter(function (r) { return map.hasLayer(r.marker) && r.marker.labelNode.isConnected; });
    shown.sort(function (a, b) { return a.prio - b.prio || a.order - b.order; });
    shown.forEach(function (r) {
      var node = r.marker.labelNode;
      if (!r.w) { r.w = node.offsetWidth; r.h = node.offsetHeight; }
      var hx = r.w / 2 + 1.5, hy = r.h / 2 + 1.5;  // offsetWidth/Height are rounded
      var spot = null;
      r.cands(r.w, r.h).some(function (c) {
        var box = L.bounds([c.x - hx, c.y - hy], [c.x + hx, c.y + hy]);
        if (box.max.x < 0 || box.max.y < 0 || box.min.x > size.x || box.min.y > size.y) return false;
        if (placed.some(function (p) { return overlaps(p, box); })) return false;
        spot = c; placed.push(box);
        return true;
      });
      if (spot) {
        r.marker.setLatLng(map.containerPointToLatLng(spot));
        node.removeAttribute("data-hidden");
      } else {
        node.setAttribute("data-hidden", "1");
      }
    });
  }
  var pending = false;
  s.placeLabels = function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(place);
  };
  s.placeLabelsNow = place;
  map.on("moveend", s.placeLabels);
  function at(ll) { return function () { return [map.latLngToContainerPoint(ll)]; }; }
  s.makeLabels = function () {
    ["context", "prefecture", "county"].forEach(function (level) {
      (model.units[level] || []).forEach(function (u) {
        if (!s.unitBounds(u) || !(u.seatLL || (level === "context" && u.adcode.slice(2) === "0000"))) return;
        var ll = u.seatLL || s.unitBounds(u).getCenter();
        var m = s.labelMarker(ll, u.name, "atlas-label-" + level);
        var prio = level === "context" ? (u.adcode.slice(2) === "0000" ? PRIO.province : PRIO.context) : PRIO[level];
        s.addLabel(m, prio, function (w, h) {
          var p = map.latLngToContainerPoint(ll);
          var dy = h / 2 + 3, dx = w / 2 + 6;
          var near = [p.add([0, dy]), p.subtract([0, dy]), p.add([dx, 0]), p.subtract([dx, 0]),
            p.add([dx, dy]), p.subtract([dx, dy]), p.add([-dx, dy]), p.add([dx, -dy])];
          // a prefecture's name may stand a little further off rather than vanish
          return prio > PRIO.prefecture ? near : near.concat(near.map(function (q) { return p.add(q.subtract(p).multiplyBy(1.8)); }));
        });
        byLevel[level].push(m);
      });
    });
  };
  s.labelAt = at;
  s.updateLabels = function () {
    var z = map.getZoom(), group = s.baseGroups.labels;
    group.clearLayers();
    byLevel.context.forEach(function (m) { group.addLayer(m); });
    if (z >= 5) byLevel.prefecture.forEach(function (m) { group.addLayer(m); });
    if (z >= 7.25) byLevel.county.forEach(function (m) { group.addLayer(m); });
    s.placeLabels();
  };
};
