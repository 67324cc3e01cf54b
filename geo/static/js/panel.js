/* js/panel.js: the side panel of a concept, a unit and a provision (opened by the router).
 *
 * Contract: atlas.panel(s) reads s.model (page, unit_concepts), s.elements, s.units, s.unitAliases, s.unitRefs,
 * s.provisions, s.mentions, s.docs, the builders of js/text.js, s.kindOf,
 * s.swatch, s.conceptGroups, s.provisionGroups (js/groups.js), s.focusElement, s.focusUnit, s.focusOn, s.unitGeoLayer, s.focusLayer; it sets
 *   s.showConcept(id, fly), s.showUnit(adcode, fly), s.showProvision(pid, fly)
 */
atlas.panel = function (s) {
  var el = atlas.el, LEVEL_ZH = atlas.LEVEL_ZH, elements = s.elements;
  function name(id) { return elements.has(id) ? elements.get(id).name : id; }
  function missing(p, title, id) {
    p.appendChild(el("h2", null, title));
    p.appendChild(el("p", { class: "atlas-missing" }, id));
  }
  function memberRow(m) {
    var tr = el("tr", { class: "atlas-basis-" + m.basis + (m.partial ? " atlas-partial" : "") });
    tr.appendChild(el("td", null, m.name));
    var td = el("td");
    m.adcodes.forEach(function (a, i) {
      if (i) td.appendChild(document.createTextNode("、"));
      td.appendChild(s.linkTo("unit", a, m.units[i] || a));
    });
    tr.appendChild(td);
    tr.appendChild(el("td", null, m.role_zh));
    var bt = el("td", null, m.basis_zh + " " + m.basis + (m.partial ? " · 部分 partial" : ""));
    if (m.source) bt.appendChild(el("div", { class: "atlas-source" }, m.source));
    if (m.site) bt.appendChild(el("div", { class: "atlas-source" }, "位置 site ±" + m.site.precision_deg + "°: " + m.site.source));
    tr.appendChild(bt);
    return tr;
  }
  s.showConcept = function (id, fly, member) {
    var e = elements.get(id);
    var p = s.openPanel("concept");
    if (!e) {
      missing(p, "未找到概念 Concept not found", id);
      var a = el("a", { href: s.model.page.atlas + "#concept=" + encodeURIComponent(id) }, "在总图中查找 Look in the combined atlas");
      if (s.model.page.kind !== "atlas") p.appendChild(a);
      return;
    }
    var k = s.kindOf(e);
    var badge = el("div", { class: "atlas-badge" });
    badge.appendChild(s.swatch(k));
    badge.appendChild(el("span", null, k.zh + " " + k.en + (e.schematic ? " · 示意 schematic" : "")));
    p.appendChild(badge);
    p.appendChild(el("h2", { class: "atlas-name" }, e.name));
    if (e.name_en) p.appendChild(el("p", { class: "atlas-en" }, e.name_en));
    if (e.aliases.length) p.appendChild(el("p", { class: "atlas-aliases" }, "又称 also: " + e.aliases.join("、")));
    p.appendChild(el("p", { class: "atlas-plan-line" }, "规划 Plan: " + s.planTitle(e.plan)));
    if (e.parents.length || e.parts.length) {
      var rel = el("p", { class: "atlas-rel" });
      e.parents.forEach(function (x) { rel.appendChild(document.createTextNode("属于 part of ")); rel.appendChild(s.linkTo("concept", x, name(x))); rel.appendChild(document.createTextNode("  ")); });
      if (e.parts.length) {
        rel.appendChild(document.createTextNode("组成 parts: "));
        e.parts.forEach(function (x, i) { if (i) rel.appendChild(document.createTextNode("、")); rel.appendChild(s.linkTo("concept", x, name(x))); });
      }
      p.appendChild(rel);
    }
    if (e.quotes.length) {
      var qs = s.section("定义 Defining quote");
      e.quotes.forEach(function (q) {
        var bq = el("blockquote", { class: "atlas-quote" }, q.text);
        var cite = el("cite");
        cite.appendChild(s.linkTo("provision", q.provision, s.provisionName(q.provision)));
        bq.appendChild(cite);
        qs.appendChild(bq);
      });
      p.appendChild(qs);
    }
    var ms = s.section("成员 Members (" + e.members.length + ")");
    var table = el("table", { class: "atlas-members" });
    var hr = el("tr");
    ["名称 name", "单元 unit", "角色 role", "依据 basis"].forEach(function (h) { hr.appendChild(el("th", null, h)); });
    table.appendChild(hr);
    var mine = null;
    e.members.forEach(function (m) {
      var tr = memberRow(m);
      if (member && m.adcodes.indexOf(member) >= 0 && !mine) { mine = tr; tr.classList.add("atlas-member-here"); }
      table.appendChild(tr);
    });
    ms.appendChild(table);
    p.appendChild(ms);
    if (e.paths.length) {
      var ps = s.section("走向 Path (示意 schematic)");
      e.paths.forEach(function (path) { ps.appendChild(el("p", null, path.join(" → "))); });
      p.appendChild(ps);
    }
    var rs = s.section("提及条文 Provisions that mention it (" + e.refs.length + ")");
    rs.appendChild(s.refsList(e.refs, 400));
    p.appendChild(rs);
    if (e.notes.length) {
      var ns = s.section("说明 Notes");
      e.notes.forEach(function (n) { ns.appendChild(el("p", { class: "atlas-note" }, n)); });
      p.appendChild(ns);
    }
    p.appendChild(s.deepLink("concept", id + (mine ? "@" + member : "")));
    if (mine) {  // one point of a multi-point element: its member first, then the rest
      p.insertBefore(ms, p.querySelector(".atlas-sec"));
      s.focusUnit(member, fly);
    } else s.focusElement(id, fly);
  };
  // the unit's concepts as geo.catalog.tag_units finds them (model.unit_concepts), grouped by
  // js/groups.js
  s.showUnit = function (a, fly) {
    var u = s.units.get(a);
    var p = s.openPanel("unit");
    if (!u) { missing(p, "未找到行政区 Unit not found", a); return; }
    p.appendChild(el("div", { class: "atlas-badge" }, (LEVEL_ZH[u.level] || u.level) + " " + u.level + " · " + u.adcode));
    p.appendChild(el("h2", { class: "atlas-name" }, u.name));
    if (s.unitAliases.has(a)) p.appendChild(el("p", { class: "atlas-aliases" }, "又称 also: " + s.unitAliases.get(a).join("、")));
    if (u.parent && s.units.has(u.parent)) {
      var par = el("p");
      par.appendChild(document.createTextNode("上级 in "));
      par.appendChild(s.linkTo("unit", u.parent, s.units.get(u.parent).name));
      p.appendChild(par);
    }
    if (u.area_km2) p.appendChild(el("p", null, "面积 area " + u.area_km2.toLocaleString("zh-CN") + " km²"));
    var cs = s.section("所属概念 Concepts");
    cs.appendChild(s.conceptGroups(a));
    p.appendChild(cs);
    var refs = s.unitRefs.get(a) || [];
    var rs = s.section("提及条文 Provisions that mention it (" + refs.length + ")");
    rs.appendChild(s.provisionGroups(refs));
    p.appendChild(rs);
    p.appendChild(s.deepLink("unit", a));
    s.focusUnit(a, fly);
  };
  s.showProvision = function (pid, fly) {
    var pr = s.provisions.get(pid);
    var p = s.openPanel("provision");
    if (!pr) { missing(p, "未找到条文 Provision not found", pid); return; }
    p.appendChild(el("div", { class: "atlas-badge" }, "条文 provision · " + (atlas.KIND_ZH[pr.kind] || pr.kind)));
    p.appendChild(el("h2", { class: "atlas-name" }, s.planTitle(pr.plan)));
    var src = s.docTitle(pr.doc) + (pr.lines && pr.lines.length ? " 第" + s.linesOf(pr) + "行" : "");
    p.appendChild(el("p", { class: "atlas-doc atlas-source-lines" }, "原文 source: " + src));
    var prh = s.headingOf(pr);
    if (prh.length) p.appendChild(el("p", { class: "atlas-heading" }, prh.join(" › ")));
    var body = el("div", { class: "atlas-prov-text" });
    body.appendChild(s.textWithPlaces(pr.text, s.mentions.get(pid), 0));
    p.appendChild(body);
    var defined = [];
    elements.forEach(function (e, id) {
      if (e.quotes.some(function (q) { return q.provision === pid; }) || e.refs.indexOf(pid) >= 0) defined.push(id);
    });
    if (defined.length) {
      var cs = s.section("相关概念 Concepts");
      var ul = el("ul", { class: "atlas-concepts" });
      defined.forEach(function (id) {
        var li = el("li");
        li.appendChild(s.swatch(s.kindOf(elements.get(id))));
        li.appendChild(s.linkTo("concept", id, elements.get(id).name));
        ul.appendChild(li);
      });
      cs.appendChild(ul);
      p.appendChild(cs);
    }
    p.appendChild(s.deepLink("provision", pid));
    var ls = [];
    (s.mentions.get(pid) || []).forEach(function (sp) {
      if (sp[2] === "unit") sp[3].split(",").forEach(function (a) { ls.push(s.unitGeoLayer(a, { color: "#000", weight: 3 })); });
    });
    if (ls.length) s.focusOn(ls, fly); else s.focusLayer.clearLayers();
  };
};
