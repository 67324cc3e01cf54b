/* js/search.js: the search box (places, concepts, provision texts) and its result list.
 *
 * Contract: atlas.search(s) reads s.units, s.unitAliases, s.elements, s.provisions (read
 * at call time: filled once the texts are parsed), s.kindOf, s.linkTo; it wires #atlas-q and
 * #atlas-results and sets s.search(query).
 */
atlas.search = function (s) {
  var el = atlas.el;
  var q = document.getElementById("atlas-q");
  var results = document.getElementById("atlas-results");
  function snippet(text, i, n) {
    var a = Math.max(0, i - 24), b = Math.min(text.length, i + n + 40);
    var span = el("span", { class: "atlas-snippet" });
    span.appendChild(document.createTextNode((a ? "…" : "") + text.slice(a, i)));
    span.appendChild(el("mark", null, text.slice(i, i + n)));
    span.appendChild(document.createTextNode(text.slice(i + n, b) + (b < text.length ? "…" : "")));
    return span;
  }
  s.search = function (query) {
    results.textContent = "";
    query = query.trim();
    if (!query) { results.hidden = true; return; }
    var lower = query.toLowerCase();
    var groups = [["地名 Places", []], ["概念 Concepts", []], ["条文 Provisions", []]];
    s.units.forEach(function (u) {
      var aka = s.unitAliases.get(u.adcode) || [];
      var hit = aka.filter(function (n) { return n.indexOf(query) >= 0; });
      if (u.name.indexOf(query) >= 0 || u.adcode.indexOf(query) === 0 || hit.length) {
        groups[0][1].push({ kind: "unit", id: u.adcode, label: u.name,
          sub: (atlas.LEVEL_ZH[u.level] || "") + " " + u.adcode + (aka.length ? " · 又称 " + aka.join("、") : "") });
      }
    });
    s.elements.forEach(function (e, id) {
      var hay = [e.name, e.name_en.toLowerCase(), id].concat(e.aliases);
      if (hay.some(function (h) { return h.indexOf(lower) >= 0 || h.indexOf(query) >= 0; })) {
        groups[1][1].push({ kind: "concept", id: id, label: e.name, sub: s.kindOf(e).zh + " · " + e.plan });
      }
    });
    s.provisions.forEach(function (p, pid) {
      var i = p.text.indexOf(query);
      if (i >= 0) groups[2][1].push({ kind: "provision", id: pid, label: pid, text: p.text, at: i });
    });
    var total = 0;
    groups.forEach(function (g) {
      if (!g[1].length) return;
      results.appendChild(el("h4", null, g[0] + " (" + g[1].length + ")"));
      var ul = el("ul");
      g[1].slice(0, g[0].indexOf("条文") === 0 ? 40 : 15).forEach(function (r) {
        var li = el("li");
        li.appendChild(s.linkTo(r.kind, r.id, r.label, "atlas-result"));
        if (r.sub) li.appendChild(el("small", null, " " + r.sub));
        if (r.text) li.appendChild(snippet(r.text, r.at, query.length));
        ul.appendChild(li);
        total += 1;
      });
      results.appendChild(ul);
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
    if (ev.target.closest && ev.target.closest("a.atlas-result")) results.hidden = true;
  });
};
