/* js/tree.js: the layer tree (basemaps, admin levels, the layout chooser, the elements by
 * plan) and the basemap switch.
 *
 * Contract: atlas.tree(s) reads s.map, s.model (basemaps, basemap, basemap_notes, layouts,
 * tree), s.elements, s.visible, s.baseGroups, s.adminShown, s.drawBorders, s.leaves,
 * s.setVisible, s.boundsOf, s.kindOf, s.swatch; it sets
 *   s.setBasemap(id)   (body[data-basemap] names the basemap shown)
 *   s.buildTree()      fills #atlas-tree
 *   s.syncTree()       ticks each box after a change of visibility (partly: indeterminate)
 */
atlas.tree = function (s) {
  var el = atlas.el, map = s.map, model = s.model, elements = s.elements;
  var tileLayer = null;
  s.setBasemap = function (id) {
    if (tileLayer) { map.removeLayer(tileLayer); tileLayer = null; }
    model.basemaps.forEach(function (b) {
      if (b.id !== id || !b.layers.length) return;
      tileLayer = L.layerGroup(b.layers.map(function (t) {
        return L.tileLayer(t.url, { maxZoom: t.max_zoom, subdomains: t.subdomains, attribution: atlas.escapeHtml(t.attribution) });
      }));
      tileLayer.addTo(map);
    });
    document.body.setAttribute("data-basemap", id);
  };
  var treeBoxes = new Map(), groupBoxes = [];
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
  function elementNode(id, depth) {
    var e = elements.get(id);
    var k = s.kindOf(e);
    var wrap = el("div", { class: "atlas-tree-item" });
    wrap.style.marginLeft = (depth * 14) + "px";
    var c = checkbox("", true, function (on) { s.setVisible(id, on); }, s.swatch(k));
    c.row.appendChild(el("a", { href: "#concept=" + encodeURIComponent(id), class: "atlas-tree-name" }, e.name));
    c.row.appendChild(el("small", null, " " + k.zh));
    // an element with two parents (a 河西 circle) has a box under each: every box is synced
    if (!treeBoxes.has(id)) treeBoxes.set(id, []);
    treeBoxes.get(id).push(c.box);
    wrap.appendChild(c.row);
    e.parts.forEach(function (p) { if (elements.has(p)) wrap.appendChild(elementNode(p, 1)); });
    return wrap;
  }
  function tick(box, ids) {
    var ls = [];
    ids.forEach(function (id) { s.leaves(id).forEach(function (x) { ls.push(x); }); });
    var on = ls.filter(function (x) { return s.visible.has(x); }).length;
    box.checked = on > 0;
    box.indeterminate = on > 0 && on < ls.length;
  }
  s.syncTree = function () {
    groupBoxes.forEach(function (g) { tick(g.box, g.ids); });
    treeBoxes.forEach(function (boxes, id) { boxes.forEach(function (box) { tick(box, [id]); }); });
    var pick = document.getElementById("atlas-layout-select");
    if (pick) pick.value = s.layoutShown();
  };
  function basemapBox() {
    var bm = el("fieldset", { class: "atlas-basemaps" });
    bm.appendChild(el("legend", null, "底图 Basemap"));
    model.basemaps.forEach(function (b) {
      var row = el("label", { class: "atlas-row" });
      var r = el("input", { type: "radio", name: "atlas-basemap", value: b.id });
      r.checked = b.id === model.basemap;
      r.addEventListener("change", function () { if (r.checked) s.setBasemap(b.id); });
      row.appendChild(r);
      row.appendChild(el("span", null, b.name + (b.name_en && b.name_en !== b.name ? " " + b.name_en : "")));
      bm.appendChild(row);
    });
    (model.basemap_notes || []).forEach(function (n) { bm.appendChild(el("p", { class: "atlas-note" }, n)); });
    return bm;
  }
  function adminBox() {
    var admin = el("fieldset", { class: "atlas-admin" });
    admin.appendChild(el("legend", null, "行政区 Admin units"));
    [["province", "省界 Province"], ["prefecture", "市州 Prefectures"], ["county", "县区 Counties"],
     ["labels", "地名 Labels"], ["context", "周边省区 Neighbours"]].forEach(function (p) {
      var c = checkbox(p[1], true, function (on) {
        if (p[0] in s.adminShown) { s.adminShown[p[0]] = on; s.drawBorders(); }
        else if (on) s.baseGroups[p[0]].addTo(map); else map.removeLayer(s.baseGroups[p[0]]);
      });
      c.box.setAttribute("data-layer", p[0]);
      admin.appendChild(c.row);
    });
    return admin;
  }
  // the layout whose elements are exactly the ones shown ("" when none is, "*" when all are)
  s.layoutShown = function () {
    var shown = Array.from(s.visible).filter(s.drawn).sort().join(",");
    var all = [];
    elements.forEach(function (e, id) { if (s.drawn(id)) all.push(id); });
    if (shown === all.sort().join(",")) return "*";
    var hit = "";
    (model.layouts || []).forEach(function (lay, i) {
      var ls = [];
      lay.elements.forEach(function (id) { s.leaves(id).forEach(function (x) { ls.push(x); }); });
      if (!hit && Array.from(new Set(ls)).sort().join(",") === shown) hit = String(i);
    });
    return hit;
  };
  s.showLayout = function (value) {
    var lay = value === "*" ? { elements: s.drawOrder } : model.layouts[Number(value)];
    if (!lay) return;
    Array.from(s.visible).forEach(function (id) { s.setVisible(id, false); });
    lay.elements.forEach(function (id) { if (elements.has(id)) s.setVisible(id, true); });
    return lay;
  };
  function layoutPick() {
    var lf = el("label", { class: "atlas-row atlas-layout-pick" });
    lf.appendChild(el("span", null, "布局 Layout: "));
    var sel = el("select", { id: "atlas-layout-select" });
    sel.appendChild(el("option", { value: "" }, "（自选图层 custom）"));
    sel.appendChild(el("option", { value: "*" }, "全部图层 every layer"));
    model.layouts.forEach(function (lay, i) { sel.appendChild(el("option", { value: String(i) }, lay.name)); });
    sel.addEventListener("change", function () {
      if (sel.value === "") return;
      var lay = s.showLayout(sel.value);
      var b = null;
      lay.elements.forEach(function (id) {
        s.leaves(id).forEach(function (leaf) { b = atlas.extendBounds(b, s.boundsOf(leaf)); });
      });
      if (b) map.flyToBounds(b, { padding: [20, 20], duration: 0.6 });
    });
    lf.appendChild(sel);
    return lf;
  }
  function planBox(g) {
    var fs = el("fieldset", { class: "atlas-plan" });
    var lg = el("legend");
    var all = el("input", { type: "checkbox", "aria-label": "全部 all" });
    all.checked = true;
    all.addEventListener("change", function () {
      var on = all.checked;  // read once: setVisible re-syncs this very box after each element
      g.elements.forEach(function (id) { s.setVisible(id, on); });
    });
    groupBoxes.push({ box: all, ids: g.elements.filter(function (id) { return elements.has(id); }) });
    lg.appendChild(all);
    lg.appendChild(el("span", null, " " + g.title));
    fs.appendChild(lg);
    g.elements.forEach(function (id) { if (elements.has(id)) fs.appendChild(elementNode(id, 0)); });
    return fs;
  }
  s.buildTree = function () {
    var tree = document.getElementById("atlas-tree");
    tree.appendChild(basemapBox());
    tree.appendChild(adminBox());
    if (model.layouts && model.layouts.length) tree.parentNode.parentNode.insertBefore(layoutPick(), tree.parentNode);
    model.tree.forEach(function (g) { tree.appendChild(planBox(g)); });
    s.syncTree();
  };
};
