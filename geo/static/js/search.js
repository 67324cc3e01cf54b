/* js/search.js: the search box (places, layouts, concepts, provision texts) and its results.
 *
 * Every page searches everything: the page model's directory (geo/_atlas_search.py) lists
 * every element and layout of the catalog and the pinyin of every place; a concept this page
 * does not draw opens on the page that does (or in the combined atlas). Several words are all
 * required; 两 and 二 are the same word (一核两极四带 = 一核二极四带); every list has its "more".
 * Results are named by their titles (plan, heading, layout), never by internal ids.
 *
 * Contract: atlas.search(s) reads s.model (directory, page, layouts), s.units, s.unitAliases,
 * s.elements, s.provisions (directory, unit aliases and provisions read at call time: filled
 * once the texts are parsed), s.headingOf,
 * s.planTitle, s.provisionName, s.linkTo; it wires #atlas-q and #atlas-results and sets
 *   s.search(query)   fills the results
 *   atlas.fold(text)  the form both sides are compared in (lower case, 两 -> 二)
 */
atlas.fold = function (text) {
  return String(text).toLowerCase().replace(/两/g, "二");
};
atlas.search = function (s) {
  var el = atlas.el, fold = atlas.fold;
  var q = document.getElementById("atlas-q");
  var results = document.getElementById("atlas-results");
  // the directory comes with the plan texts (after the first paint): read it when searching
  var none = { elements: {}, layouts: [], pinyin: {} };
  function directory() { return s.model.directory || none; }
  var PAGE = { places: 10, layouts: 10, concepts: 10, provisions: 20 };
  function snippet(text, term) {
    var i = fold(text).indexOf(term), n = term.length;
    if (i < 0) { i = 0; n = 0; }
    var a = Math.max(0, i - 24), b = Math.min(text.length, i + n + 40);
    var span = el("span", { class: "atlas-snippet" });
    span.appendChild(document.createTextNode((a ? "…" : "") + text.slice(a, i)));
    span.appendChild(el("mark", null, text.slice(i, i + n)));
    span.appendChild(document.createTextNode(text.slice(i + n, b) + (b < text.length ? "…" : "")));
    return span;
  }
  function matches(terms, hay) {
    var h = fold(hay.join("\n"));
    return terms.every(function (t) { return h.indexOf(t) >= 0; });
  }
  function pageHref(pageId) {
    return pageId ? pageId + ".html" : s.model.page.atlas;
  }
  function layoutName(id) {
    var hit = directory().layouts.filter(function (l) { return l.id === id; })[0];
    return hit ? hit.name : "总图 combined atlas";
  }
  s.searchGroups = function (query) {
    var terms = fold(query).split(/\s+/).filter(Boolean);
    var groups = { places: [], layouts: [], concepts: [], provisions: [] };
    if (!terms.length) return groups;
    var dir = directory();
    s.units.forEach(function (u) {
      var aka = s.unitAliases.get(u.adcode) || [];
      if (matches(terms, [u.name, u.adcode, dir.pinyin[u.adcode] || ""].concat(aka))) {
        groups.places.push({ href: "#unit=" + encodeURIComponent(u.adcode), label: u.name,
          sub: (atlas.LEVEL_ZH[u.level] || "") + (aka.length ? " · 又称 " + aka.join("、") : "") });
      }
    });
    dir.layouts.forEach(function (lay) {
      if (!matches(terms, [lay.name, lay.caption])) return;
      var here = s.model.page.id === lay.id;
      groups.layouts.push({ href: here ? "#" : pageHref(lay.id), label: lay.name, layout: lay.id,
        sub: (lay.caption !== lay.name ? lay.caption_label + " " + lay.caption + " · " : "") + s.planTitle(lay.plan) + (here ? " · 本页 this page" : "") });
    });
    Object.keys(dir.elements).forEach(function (id) {
      var e = dir.elements[id];
      if (!matches(terms, [e.name].concat(e.aliases))) return;
      var onPage = s.elements.has(id);
      groups.concepts.push({
        href: (onPage ? "" : pageHref(e.page)) + "#concept=" + encodeURIComponent(id), label: e.name,
        sub: e.kind_zh + " · " + s.planTitle(e.plan) + (onPage ? "" : " · 见 on " + layoutName(e.page))
      });
    });
    s.provisions.forEach(function (p, pid) {
      if (!matches(terms, [p.text].concat(s.headingOf(p)))) return;
      groups.provisions.push({ href: "#provision=" + encodeURIComponent(pid), label: s.provisionName(pid),
        text: p.text, term: terms[0] });
    });
    return groups;
  };
  function item(r) {
    var li = el("li");
    li.appendChild(el("a", { href: r.href, class: "atlas-result" }, r.label));
    if (r.sub) li.appendChild(el("small", null, " " + r.sub));
    if (r.text) li.appendChild(snippet(r.text, r.term));
    return li;
  }
  function list(key, rows) {
    var ul = el("ul", { "data-group": key });
    var shown = 0;
    var more = el("button", { type: "button", class: "atlas-more" });
    function next() {
      rows.slice(shown, shown + PAGE[key]).forEach(function (r) { ul.insertBefore(item(r), more.parentNode ? more.parentNode : null); });
      shown = Math.min(rows.length, shown + PAGE[key]);
      more.textContent = "更多 more (" + (rows.length - shown) + ")";
      if (shown >= rows.length && more.parentNode) more.parentNode.remove();
    }
    if (rows.length > PAGE[key]) {
      var li = el("li", { class: "atlas-more-row" });
      li.appendChild(more);
      ul.appendChild(li);
      more.addEventListener("click", function (ev) { ev.stopPropagation(); next(); });
    }
    next();
    return ul;
  }
  var TITLES = { places: "地名 Places", layouts: "布局 Layouts", concepts: "概念 Concepts", provisions: "条文 Provisions" };
  s.search = function (query) {
    results.textContent = "";
    query = query.trim();
    if (!query) { results.hidden = true; return; }
    var groups = s.searchGroups(query), total = 0;
    Object.keys(TITLES).forEach(function (key) {
      var rows = groups[key];
      if (!rows.length) return;
      results.appendChild(el("h4", null, TITLES[key] + " (" + rows.length + ")"));
      results.appendChild(list(key, rows));
      total += rows.length;
    });
    if (!total) results.appendChild(el("p", { class: "atlas-none" }, "无结果 No results: " + query));
    results.hidden = false;
  };
  q.addEventListener("input", function () { s.search(q.value); });
  q.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = results.querySelector("a.atlas-result");
      if (first) first.click();
    } else if (ev.key === "Escape") { q.value = ""; s.search(""); }
  });
  results.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a.atlas-result");
    if (a) results.hidden = true;
  });
};
