/* js/labels.js: text labels on the map (unit names by zoom, element names on lines and points).
 *
 * Contract: atlas.labels(s) reads s.map, s.model, s.baseGroups.labels, s.unitBounds; it sets
 *   s.labelMarker(latlng, text, cls) -> L.Marker   a non-interactive label in the labels pane
 *   s.along(line, t) -> [lat, lng]                   the point at fraction t of a line
 *   s.makeLabels(), s.updateLabels()                 unit labels, shown by zoom level
 */
atlas.labels = function (s) {
  var model = s.model;
  var byLevel = { prefecture: [], county: [], context: [] };
  s.labelMarker = function (ll, text, cls) {
    var lab = atlas.el("span", { class: "atlas-label " + cls }, text);
    var marker = L.marker(ll, { pane: "atlas-labels", interactive: false, keyboard: false,
      icon: L.divIcon({ className: "atlas-label-icon", html: lab, iconSize: null }) });
    marker.labelNode = lab;
    return marker;
  };
  s.along = function (line, t) {
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
  };
  s.makeLabels = function () {
    ["context", "prefecture", "county"].forEach(function (level) {
      (model.units[level] || []).forEach(function (u) {
        if (!s.unitBounds(u) || !(u.seatLL || (level === "context" && u.adcode.slice(2) === "0000"))) return;
        byLevel[level].push(s.labelMarker(u.seatLL || s.unitBounds(u).getCenter(), u.name, "atlas-label-" + level));
      });
    });
  };
  s.updateLabels = function () {
    var z = s.map.getZoom(), group = s.baseGroups.labels;
    group.clearLayers();
    byLevel.context.forEach(function (m) { group.addLayer(m); });
    if (z >= 5.5) byLevel.prefecture.forEach(function (m) { group.addLayer(m); });
    if (z >= 7.5) byLevel.county.forEach(function (m) { group.addLayer(m); });
  };
};
