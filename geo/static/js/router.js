/* js/router.js: deep links (#concept=ID, #unit=ADCODE, #provision=ID) and clicks on the map.
 *
 * Contract: atlas.router(s) reads s.map, s.pick, s.afterRoute (js/picker.js), s.showConcept,
 * s.showUnit, s.showProvision; #concept=ID@ADCODE opens one member of ID; it sets
 *   s.go(kind, id)   open a panel through the URL hash (so Back works)
 *   s.route(fly)     open the panel the hash names; false when it names none
 * and sets body[data-route] to the kind shown.
 */
atlas.router = function (s) {
  s.go = function (kind, id) {
    var h = "#" + kind + "=" + encodeURIComponent(id);
    if (location.hash === h) s.route(true); else location.hash = h;
  };
  s.route = function (fly) {
    var m = /^#(concept|unit|provision)=(.*)$/.exec(location.hash);
    if (!m) return false;
    // ids are short: a hash of any length is cut before it is decoded or shown in the panel
    var raw = m[2].slice(0, 512), id = raw;
    for (var cut = 0; cut < 12; cut++) {  // a cut may split a %-escaped character: drop its rest
      try { id = decodeURIComponent(raw.slice(0, raw.length - cut)); break; } catch (err) { id = raw; }
    }
    if (m[1] === "concept") s.showConcept(id.split("@")[0], fly, id.split("@")[1]);
    else if (m[1] === "unit") s.showUnit(id, fly);
    else s.showProvision(id, fly);
    document.body.setAttribute("data-route", m[1]);
    if (s.afterRoute) s.afterRoute();
    return true;
  };
  window.addEventListener("hashchange", function () { s.route(true); });
  // a click on the map that no element took opens the unit under it (and lists what else is there)
  s.map.on("click", function (ev) { s.pick(ev.latlng); });
};
