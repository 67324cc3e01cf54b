/* js/picker.js: what lies under the pointer — the hover tooltip and the "此处 here:" list.
 *
 * A click opens the topmost thing under it (the element clicked, else the county) and the
 * panel lists everything else there — points, lines, zones, the county, the prefecture — so
 * that a county under a filled zone is one click away. One point of a multi-point element
 * opens that point's member (#concept=ID@ADCODE). Hovering shows the same stack's names.
 *
 * Contract: atlas.picker(s) reads s.map, s.elements, s.visible, s.drawOrder, s.drawn, s.units,
 * s.unitAt, s.unitContains, s.memberUnit, s.go; it sets
 *   s.stackAt(latlng) -> [{kind, id, label}]  topmost first
 *   s.pick(latlng, elementId?, marker?)       open the topmost thing, remember the stack
 *   s.afterRoute()                            (router) adds the here-list to the panel
 */
atlas.picker = function (s) {
  var map = s.map, el = atlas.el, elements = s.elements;
  var here = null;  // {stack, hashes}
  function nearLine(pts, p, tol) {
    for (var i = 1; i < pts.length; i++) {
      var a = map.latLngToContainerPoint(pts[i - 1]), b = map.latLngToContainerPoint(pts[i]);
      if (L.LineUtil.pointToSegmentDistance(p, a, b) <= tol) return true;
    }
    return false;
  }
  s.stackAt = function (ll) {
    var p = map.latLngToContainerPoint(ll), pts = [], lines = [], areas = [];
    var county = s.unitAt(ll);
    s.drawOrder.slice().reverse().forEach(function (id) {
      if (!s.visible.has(id) || !s.drawn(id)) return;  // drawn and shown: not a parent
      var e = elements.get(id);
      (e.features || []).forEach(function (f) {
        var g = f.decoded = f.decoded || atlas.decode(f.g, s.scale);
        if (!g) return;
        if (g.t === "point") {
          g.ll.forEach(function (q) {
            if (map.latLngToContainerPoint(q).distanceTo(p) > 9) return;
            var u = g.ll.length > 1 ? s.unitAt(L.latLng(q)) : null;
            pts.push({ kind: "concept", id: id + (u ? "@" + u.adcode : ""), label: e.name + (u ? " · " + u.name : "") });
          });
        } else if (g.t === "line" && g.ll.some(function (l) { return nearLine(l, p, 7); })) {
          lines.push({ kind: "concept", id: id, label: e.name });
        }
      });
      if (e.geometry === "area" && e.members.some(function (m) {
        return m.adcodes.some(function (a) { var u = s.memberUnit(m, a); return u && s.unitContains(u, ll); });
      })) areas.push({ kind: "concept", id: id, label: e.name });
    });
    var out = pts.concat(lines, areas);
    if (county) {
      var lv = atlas.LEVEL_ZH[county.level] || "";
      out.push({ kind: "unit", id: county.adcode, label: county.name + " " + lv });
      var pre = county.parent && s.units.get(county.parent);
      if (pre && pre.adcode !== county.adcode && county.level !== "context") out.push({ kind: "unit", id: pre.adcode, label: pre.name + " " + (atlas.LEVEL_ZH[pre.level] || "") });
    }
    return out;
  };
  function hashOf(x) { return "#" + x.kind + "=" + encodeURIComponent(x.id); }
  s.pick = function (ll, elementId, marker) {
    var stack = s.stackAt(ll);
    var first = stack[0];
    if (elementId) {
      // the thing clicked is the topmost: the element (or the point's member) itself
      var mine = stack.filter(function (x) { return x.kind === "concept" && x.id.split("@")[0] === elementId; })[0];
      first = mine || { kind: "concept", id: elementId, label: elementId };
      stack = [first].concat(stack.filter(function (x) { return x !== mine; }));
    }
    if (!first) return;
    if (first.kind === "unit" && s.units.get(first.id).level === "context" && !map.hasLayer(s.baseGroups.context)) return;
    here = { stack: stack, hashes: stack.map(hashOf) };
    s.go(first.kind, first.id);
  };
  s.afterRoute = function () {
    if (!here || here.hashes.indexOf(location.hash) < 0 || here.stack.length < 2) return;
    var panel = document.getElementById("atlas-panel");
    var nav = el("nav", { class: "atlas-here", "aria-label": "此处 here" });
    nav.appendChild(el("span", null, "此处 here: "));
    here.stack.forEach(function (x, i) {
      if (i) nav.appendChild(document.createTextNode(" · "));
      var a = el("a", { href: hashOf(x), class: "atlas-here-item" }, x.label);
      if (hashOf(x) === location.hash) a.setAttribute("aria-current", "true");
      nav.appendChild(a);
    });
    panel.insertBefore(nav, panel.children[1] || null);
  };
  // hover: the names of what lies under the pointer
  var tip = L.tooltip({ direction: "top", offset: [0, -10], className: "atlas-tip", opacity: 0.95 });
  var frame = 0, last = null;
  map.on("mousemove", function (ev) {
    last = ev.latlng;
    if (frame) return;
    frame = requestAnimationFrame(function () {
      frame = 0;
      var stack = s.stackAt(last);
      if (!stack.length) { map.closeTooltip(tip); return; }
      var body = el("div", { class: "atlas-tip-body" });
      var things = stack.filter(function (x) { return x.kind !== "unit"; }).slice(0, 3);
      things.concat(stack.filter(function (x) { return x.kind === "unit"; })).forEach(function (x, i) {
        body.appendChild(el(i ? "div" : "strong", null, x.label));
      });
      tip.setLatLng(last).setContent(body);
      if (!map.hasLayer(tip)) tip.addTo(map);
    });
  });
  map.on("mouseout", function () { map.closeTooltip(tip); });
};
