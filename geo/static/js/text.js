/* js/text.js: the building blocks of the side panel — plan titles, links, provisions with
 * their places as buttons, sections, the deep-link box.
 *
 * Contract: atlas.text(s) reads s.model (headings, page), s.plans, s.docs, s.provisions,
 * s.mentions (filled once the texts are read), s.elements, s.focusUnit, s.focusElement,
 * s.focusLayer; it sets
 *   s.planTitle(plan), s.headingOf(provision), s.linkTo(kind, id, label, cls)
 *   s.textWithPlaces(text, spans, limit), s.provisionItem(pid, limit), s.refsList(pids, limit)
 *   s.deepLink(kind, id), s.section(title), s.openPanel(kindClass) -> the emptied panel
 */
atlas.text = function (s) {
  var el = atlas.el, DOC_ZH = atlas.DOC_ZH, panel = document.getElementById("atlas-panel");
  s.headingOf = function (p) {
    return (p.h || []).map(function (i) { return String(s.model.headings[i]); });
  };
  // plans and documents are named by their titles (and the document's number), never by
  // their ids or files: 《title》（甘政办发〔2021〕93号）
  s.docTitle = function (docId) {
    var d = s.docs.get(docId);
    if (!d) return DOC_ZH;
    return "《" + d.title.replace(/^《|》$/g, "") + "》" + (d.number ? "（" + d.number + "）" : "");
  };
  s.planTitle = function (plan) {
    var p = s.plans.get(plan);
    return p ? "《" + p.title.replace(/^《|》$/g, "") + "》" : plan;
  };
  s.linesOf = function (pr) {
    return (pr.lines || []).map(function (r) { return r[0] === r[1] ? String(r[0]) : r[0] + "–" + r[1]; }).join("、");
  };
  s.provisionName = function (pid) {
    var p = s.provisions.get(pid);
    if (!p) return pid;
    var h = s.headingOf(p);
    return s.planTitle(p.plan) + (h.length ? " › " + h[h.length - 1] : "");
  };
  s.linkTo = function (kind, id, label, cls) {
    return el("a", { href: "#" + kind + "=" + encodeURIComponent(id), class: cls || "" }, label);
  };
  s.textWithPlaces = function (text, spans, limit) {
    var frag = el("span", { class: "atlas-text" });
    var pos = 0;
    var end = limit && text.length > limit ? limit : text.length;
    (spans || []).forEach(function (sp) {
      if (sp[0] < pos || sp[1] > end) return;
      frag.appendChild(document.createTextNode(text.slice(pos, sp[0])));
      var b = el("button", { type: "button", class: "atlas-place atlas-place-" + sp[2], "data-target": sp[2] + "=" + sp[3] }, text.slice(sp[0], sp[1]));
      b.addEventListener("click", function () {
        if (sp[2] === "unit") s.focusUnit(sp[3], true);
        else if (s.elements.has(sp[3])) s.focusElement(sp[3], true);
        else location.hash = "concept=" + encodeURIComponent(sp[3]);
      });
      frag.appendChild(b);
      pos = sp[1];
    });
    frag.appendChild(document.createTextNode(text.slice(pos, end)));
    if (end < text.length) frag.appendChild(document.createTextNode("……"));
    return frag;
  };
  s.provisionItem = function (pid, limit) {
    var p = s.provisions.get(pid);
    var li = el("li", { class: "atlas-prov" });
    if (!p) { li.appendChild(el("span", null, pid)); return li; }
    var head = el("div", { class: "atlas-prov-head" });
    var ph = s.headingOf(p);
    head.appendChild(s.linkTo("provision", pid, ph.length ? ph[ph.length - 1] : "条文", "atlas-pid"));
    head.appendChild(el("span", { class: "atlas-doc" }, " " + s.planTitle(p.plan)));
    li.appendChild(head);
    if (ph.length > 1) li.appendChild(el("div", { class: "atlas-heading" }, ph.slice(0, -1).join(" › ")));
    li.appendChild(s.textWithPlaces(p.text, s.mentions.get(pid), limit));
    return li;
  };
  s.refsList = function (pids, limit) {
    var ol = el("ol", { class: "atlas-provs" });
    pids.forEach(function (pid) { ol.appendChild(s.provisionItem(pid, limit)); });
    return ol;
  };
  s.deepLink = function (kind, id) {
    var box = el("div", { class: "atlas-deeplink" });
    var url = location.href.split("#")[0] + "#" + kind + "=" + encodeURIComponent(id);
    var input = el("input", { type: "text", readonly: "readonly", "aria-label": "链接 link" });
    input.value = url;
    var btn = el("button", { type: "button" }, "复制链接 Copy link");
    btn.addEventListener("click", function () {
      input.select();
      var done = function () { btn.textContent = "已复制 Copied"; };
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(url).then(done, function () {});
      else { try { document.execCommand("copy"); done(); } catch (err) { /* selected for manual copy */ } }
    });
    box.appendChild(input);
    box.appendChild(btn);
    return box;
  };
  s.section = function (title) {
    var sec = el("section", { class: "atlas-sec" });
    sec.appendChild(el("h3", null, title));
    return sec;
  };
  s.openPanel = function (kindClass) {
    panel.textContent = "";
    panel.hidden = false;
    panel.className = "atlas-panel-" + kindClass;
    var close = el("button", { type: "button", class: "atlas-close", "aria-label": "关闭 close" }, "×");
    close.addEventListener("click", function () {
      panel.hidden = true; s.focusLayer.clearLayers();
      document.body.classList.remove("atlas-has-panel");
      history.replaceState(null, "", location.pathname + location.search);
    });
    panel.appendChild(close);
    document.body.classList.add("atlas-has-panel");
    // phone: the sheet grows and scrolls to the panel, so that a tap shows what it opened
    if (window.innerWidth <= 720) setTimeout(function () { panel.scrollIntoView({ block: "start" }); }, 0);
    return panel;
  };
};
