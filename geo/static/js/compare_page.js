/* js/compare_page.js: the comparison page, compare.html (issue 17).
 *
 * Two layout pages side by side in frames (?panel=0: the map only), their maps kept in step:
 * each page reports its view with postMessage ({type: "atlas-view"}, js/compare.js) and this
 * page sends it to the other frame ({type: "atlas-follow"}). postMessage works between
 * file:// pages, so the offline atlas compares too. The deep link is compare.html#LEFT,RIGHT.
 * Data (layouts, comparisons) comes from #atlas-compare-data; the DOM is built with textContent.
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("atlas-compare-data").textContent);
  var known = new Set(data.layouts.map(function (l) { return l.id; }));
  var left = document.getElementById("atlas-left"), right = document.getElementById("atlas-right");
  var frames = document.getElementById("atlas-frames"), link = document.getElementById("atlas-compare-link");
  var views = [null, null], ready = [false, false];

  function option(select, lay) {
    var o = document.createElement("option");
    o.value = lay.id; o.textContent = lay.name;
    select.appendChild(o);
  }
  data.layouts.forEach(function (lay) { option(left, lay); option(right, lay); });
  var presets = document.getElementById("atlas-presets");
  data.comparisons.forEach(function (c) {
    var a = document.createElement("a");
    a.href = "#" + c.left + "," + c.right;
    a.textContent = c.title;
    a.className = "atlas-preset";
    presets.appendChild(a);
    presets.appendChild(document.createTextNode(" "));
  });

  function pair() {
    var m = /^#([^,]+),([^,]+)$/.exec(location.hash);
    var ids = m ? [decodeURIComponent(m[1]), decodeURIComponent(m[2])] : null;
    if (ids && known.has(ids[0]) && known.has(ids[1])) return ids;
    var c = data.comparisons[0];
    return c ? [c.left, c.right] : [data.layouts[0].id, data.layouts[Math.min(1, data.layouts.length - 1)].id];
  }
  function frameOf(source) {
    var fs = frames.querySelectorAll("iframe");
    for (var i = 0; i < fs.length; i++) if (fs[i].contentWindow === source) return i;
    return -1;
  }
  function send(i, v) {
    var f = frames.querySelectorAll("iframe")[i];
    if (f && v) f.contentWindow.postMessage({ type: "atlas-follow", lat: v.lat, lng: v.lng, zoom: v.zoom }, "*");
  }
  function load() {
    var ids = pair();
    left.value = ids[0]; right.value = ids[1];
    link.href = "#" + ids[0] + "," + ids[1];
    document.body.setAttribute("data-compare", ids.join(","));
    document.body.removeAttribute("data-compare-ready");
    frames.textContent = "";
    views = [null, null]; ready = [false, false];
    ids.forEach(function (id, i) {
      var f = document.createElement("iframe");
      f.src = id + ".html?panel=0";
      f.title = (i ? "右 right: " : "左 left: ") + id;
      f.setAttribute("data-side", i ? "right" : "left");
      frames.appendChild(f);
    });
  }
  window.addEventListener("message", function (ev) {
    var i = frameOf(ev.source), d = ev.data;
    if (i < 0 || !d || d.type !== "atlas-view" || ![d.lat, d.lng, d.zoom].every(isFinite)) return;
    views[i] = d;
    if (d.ready) {
      ready[i] = true;
      // both loaded: the right map takes the left one's view (the left one fits its layout)
      if (ready[0] && ready[1]) { send(1, views[0]); document.body.setAttribute("data-compare-ready", "1"); }
      return;
    }
    if (ready[0] && ready[1]) send(1 - i, d);
  });
  function choose() { location.hash = "#" + left.value + "," + right.value; }
  left.addEventListener("change", choose);
  right.addEventListener("change", choose);
  document.getElementById("atlas-swap").addEventListener("click", function () {
    location.hash = "#" + right.value + "," + left.value;
  });
  window.addEventListener("hashchange", load);
  load();
})();
