/* js/groups.js: a unit's panel in groups — its concepts by plan → layout → element (with links
 * to the layout pages) and the provisions that mention it by document, with a filter.
 *
 * Contract: atlas.groups(s) reads s.model (unit_concepts, directory, page), s.elements,
 * s.provisions, s.kindOf, s.swatch, s.linkTo, s.planTitle, s.docTitle, s.provisionItem; it sets
 *   s.conceptGroups(adcode) -> <div>   plan → layout → element
 *   s.provisionGroups(pids) -> <div>   by document, with a filter box
 */
atlas.groups = function (s) {
  var el = atlas.el, LEVEL_ZH = atlas.LEVEL_ZH;
  function layoutsOf(id) {  // the directory comes with the plan texts
    var dir = s.model.directory || { layouts: [] };
    return dir.layouts.filter(function (l) { return l.elements.indexOf(id) >= 0; });
  }
  s.conceptGroups = function (a) {
    var box = el("div", { class: "atlas-groups" });
    var byPlan = new Map();
    (s.model.unit_concepts[a] || []).forEach(function (c) {
      var e = s.elements.get(c.id);
      if (!e) return;
      if (!byPlan.has(e.plan)) byPlan.set(e.plan, new Map());
      var lays = layoutsOf(c.id);
      var key = lays.length ? lays[0].id : "";
      var byLay = byPlan.get(e.plan);
      if (!byLay.has(key)) byLay.set(key, { layout: lays[0] || null, rows: [] });
      byLay.get(key).rows.push([c, e]);
    });
    byPlan.forEach(function (byLay, plan) {
      var sec = el("div", { class: "atlas-group-plan" });
      sec.appendChild(el("h4", null, s.planTitle(plan)));
      byLay.forEach(function (g) {
        var head = el("div", { class: "atlas-group-layout" });
        if (g.layout && g.layout.id === s.model.page.id) head.appendChild(el("span", null, "布局 " + g.layout.name + "（本页 this page）"));
        else if (g.layout) {
          head.appendChild(document.createTextNode("布局 "));
          head.appendChild(el("a", { href: g.layout.id + ".html#unit=" + encodeURIComponent(a), class: "atlas-layout-link" }, g.layout.name));
        } else head.appendChild(el("span", null, "不属于布局图 in no layout"));
        sec.appendChild(head);
        var ul = el("ul", { class: "atlas-concepts" });
        g.rows.forEach(function (r) {
          var c = r[0], e = r[1], li = el("li");
          li.appendChild(s.swatch(s.kindOf(e)));
          li.appendChild(s.linkTo("concept", c.id, e.name));
          var via = c.via ? " · 经由" + (LEVEL_ZH[c.via] || c.via) + " via " + c.via : "";
          li.appendChild(el("small", null, " " + e.kind_zh + " · " + c.role_zh + " · " + c.basis_zh + (c.partial ? " · 部分 partial" : "") + via));
          ul.appendChild(li);
        });
        sec.appendChild(ul);
      });
      box.appendChild(sec);
    });
    if (!box.children.length) box.appendChild(el("p", null, "本图无 none on this map"));
    if (s.model.page.kind !== "atlas") {
      var all = el("p", { class: "atlas-note" });
      all.appendChild(el("a", { href: s.model.page.atlas + "#unit=" + encodeURIComponent(a) }, "总图中此地的全部概念 every concept here, in the combined atlas"));
      box.appendChild(all);
    }
    return box;
  };
  s.provisionGroups = function (pids) {
    var box = el("div", { class: "atlas-prov-groups" });
    var filter = el("input", { type: "search", class: "atlas-prov-filter", placeholder: "筛选条文 filter", "aria-label": "筛选条文 filter the provisions" });
    if (pids.length > 5) box.appendChild(filter);
    var byDoc = new Map();
    pids.forEach(function (pid) {
      var p = s.provisions.get(pid);
      var d = p ? p.doc : "";
      if (!byDoc.has(d)) byDoc.set(d, []);
      byDoc.get(d).push(pid);
    });
    var lists = [];
    byDoc.forEach(function (ids, d) {
      var det = el("details", { class: "atlas-doc-group" });
      det.open = byDoc.size === 1 || ids.length <= 12;
      var sum = el("summary", null, s.docTitle(d) + "（" + ids.length + " 条）");
      det.appendChild(sum);
      det.appendChild(s.refsList(ids, 240));
      box.appendChild(det);
      lists.push([det, sum, ids.length]);
    });
    filter.addEventListener("input", function () {
      var f = atlas.fold(filter.value.trim());
      lists.forEach(function (x) {
        var n = 0;
        x[0].querySelectorAll("li.atlas-prov").forEach(function (li) {
          var hit = !f || atlas.fold(li.textContent).indexOf(f) >= 0;
          li.hidden = !hit;
          if (hit) n += 1;
        });
        x[0].open = f ? n > 0 : x[0].open;
        x[1].firstChild.textContent = x[1].textContent.replace(/（\d+( \/ \d+)? 条）$/, "（" + (f ? n + " / " : "") + x[2] + " 条）");
      });
    });
    return box;
  };
};
