/* js/present.js: presenter mode (issue 17).
 *
 * A toolbar on the map: hide/show the side panel, fullscreen, step through the layout's
 * elements (also ← and →) with each element's defining quote as a caption, print (one A4
 * landscape page: map, legend, caption; see present.css), download a PNG of the view, iframe
 * code for the current deep link, and the layout's static figure. The link option ?panel=0
 * opens the page without the panel (an embed, a slide).
 *
 * Page API used (window.atlasPage, set by atlas.js; HOOK(issue17) lines there):
 *   map            the L.Map              model        the page model (page, order, elements)
 *   elements       Map id -> element      leaves(id)   drawn element ids under id
 *   isVisible(id)  shown now?             focusElement(id, fly)  outline it and zoom to it
 *   kindOf(e)      kind with colour       focusLayer   L.LayerGroup of the highlight
 * atlas.js calls window.atlasPresent(atlasPage) once the page is built, before data-atlas-ready.
 * Everything reaches the DOM through textContent/setAttribute. The PNG is vector only: tiles
 * are not drawn (another server's images would taint the canvas, and offline pages have none).
 */
(function () {
  "use strict";
  var api = null, steps = [], at = -1, caption = null;

  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { if (k === "class") n.className = attrs[k]; else n.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  }
  function button(label, title, fn, cls) {
    var b = el("button", { type: "button", title: title, "aria-label": title, class: "atlas-tool " + (cls || "") }, label);
    b.addEventListener("click", function (ev) { ev.preventDefault(); ev.stopPropagation(); fn(b); });
    return b;
  }
  function pageUrl(extra) {
    // the current deep link (query kept, hash kept) with the link options in `extra`
    var u = new URL(location.href);
    Object.keys(extra || {}).forEach(function (k) { u.searchParams.set(k, extra[k]); });
    return u.href;
  }

  // --- panel -------------------------------------------------------------------------------------
  function setPanel(on) {
    document.body.classList.toggle("atlas-nopanel", !on);
    var b = document.querySelector(".atlas-tool-panel");
    if (b) b.setAttribute("aria-pressed", on ? "true" : "false");
    api.map.invalidateSize({ animate: false });
  }

  // --- stepping -----------------------------------------------------------------------------------
  function stepList() {
    var m = api.model, ids = m.order.filter(function (id) { return api.elements.has(id); });
    if (m.page.kind === "atlas") ids = ids.filter(function (id) { return api.leaves(id).some(api.isVisible); });
    return ids;
  }
  function showCaption(id) {
    var e = api.elements.get(id), k = api.kindOf(e);
    caption.textContent = "";
    caption.hidden = false;
    var head = el("div", { class: "atlas-cap-head" });
    var sw = el("span", { class: "atlas-swatch atlas-swatch-" + (k.geometry || "area") });
    sw.style.setProperty("--c", k.colour);
    head.appendChild(sw);
    head.appendChild(el("strong", { class: "atlas-cap-name" }, e.name));
    head.appendChild(el("span", { class: "atlas-cap-kind" }, " " + k.zh + " " + (k.en || "") + (e.schematic ? " · 示意 schematic" : "")));
    head.appendChild(el("span", { class: "atlas-cap-count" }, " " + (at + 1) + " / " + steps.length));
    caption.appendChild(head);
    if (e.quotes.length) {
      var q = el("blockquote", { class: "atlas-cap-quote" }, e.quotes[0].text);
      q.appendChild(el("cite", null, " — " + e.quotes[0].provision));
      caption.appendChild(q);
    } else {
      caption.appendChild(el("p", { class: "atlas-cap-quote atlas-note" }, "无定义引文 no defining quote" + (e.notes.length ? ": " + e.notes[0] : "")));
    }
    document.body.setAttribute("data-step", id);
  }
  function step(d) {
    steps = stepList();
    if (!steps.length) return;
    at = at < 0 ? (d > 0 ? 0 : steps.length - 1) : (at + d + steps.length) % steps.length;
    api.focusElement(steps[at], true);
    showCaption(steps[at]);
  }
  function endSteps() {
    at = -1; caption.hidden = true; api.focusLayer.clearLayers();
    document.body.removeAttribute("data-step");
  }

  // --- PNG of the view (vector only) ---------------------------------------------------------------
  function svgImage(svg, defs) {
    var copy = svg.cloneNode(true), r = svg.getBoundingClientRect();
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    copy.setAttribute("width", r.width); copy.setAttribute("height", r.height);
    if (defs) copy.insertBefore(defs.cloneNode(true), copy.firstChild);
    // computed opacity (opacity controls are CSS rules) becomes an attribute of the copy
    var live = svg.querySelectorAll("path"), dead = copy.querySelectorAll("path");
    for (var i = 0; i < live.length; i++) {
      var o = getComputedStyle(live[i]).opacity;
      if (o !== "1") dead[i].setAttribute("opacity", o);
    }
    var src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(new XMLSerializer().serializeToString(copy));
    return new Promise(function (ok, fail) {
      var img = new Image();
      img.onload = function () { ok({ img: img, r: r }); };
      img.onerror = function () { fail(new Error("atlas: cannot draw the map's SVG")); };
      img.src = src;
    });
  }
  function drawView() {
    var box = api.map.getContainer(), R = box.getBoundingClientRect(), k = window.devicePixelRatio || 1;
    var canvas = el("canvas"), ctx = canvas.getContext("2d");
    canvas.width = Math.round(R.width * k); canvas.height = Math.round(R.height * k);
    ctx.scale(k, k);
    ctx.fillStyle = getComputedStyle(box).backgroundColor || "#f4f6f7";
    ctx.fillRect(0, 0, R.width, R.height);
    var defs = document.querySelector("svg.atlas-defs defs");
    var panes = Array.prototype.slice.call(box.querySelectorAll(".leaflet-pane"))
      .filter(function (p) { return p.querySelector(":scope > svg"); })
      .sort(function (a, b) { return (+getComputedStyle(a).zIndex || 0) - (+getComputedStyle(b).zIndex || 0); });
    return Promise.all(panes.map(function (p) { return svgImage(p.querySelector(":scope > svg"), defs); })).then(function (imgs) {
      imgs.forEach(function (x) { ctx.drawImage(x.img, x.r.left - R.left, x.r.top - R.top, x.r.width, x.r.height); });
      box.querySelectorAll(".atlas-label").forEach(function (lab) {
        var r = lab.getBoundingClientRect(), cs = getComputedStyle(lab);
        if (r.right < R.left || r.left > R.right || r.bottom < R.top || r.top > R.bottom) return;
        ctx.font = cs.fontWeight + " " + cs.fontSize + " " + cs.fontFamily;
        ctx.textBaseline = "middle";
        ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,.9)";
        var x = r.left - R.left + 1, y = r.top - R.top + r.height / 2;
        ctx.strokeText(lab.textContent, x, y);
        ctx.fillStyle = cs.color; ctx.fillText(lab.textContent, x, y);
      });
      ctx.font = "600 15px sans-serif"; ctx.fillStyle = "#1d2329"; ctx.textBaseline = "top";
      ctx.fillText(api.model.page.title, 10, 8);
      return canvas;
    });
  }
  function downloadPng(b) {
    b.disabled = true;
    return drawView().then(function (canvas) {
      return new Promise(function (ok) { canvas.toBlob(ok, "image/png"); });
    }).then(function (blob) {
      var a = el("a", { href: URL.createObjectURL(blob), download: api.model.page.id + ".png" });
      document.body.appendChild(a); a.click(); a.remove();
      document.body.setAttribute("data-png", String(blob.size));
    }).finally(function () { b.disabled = false; });
  }

  // --- embed ----------------------------------------------------------------------------------------
  function attr(s) { return String(s).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); }
  function embedCode() {
    // "<" + "iframe": the page's own text never holds a tag a scanner would take for a fetch
    return "<" + 'iframe src="' + attr(pageUrl({ panel: "0" })) + '" width="960" height="540" style="border:0" loading="lazy" allowfullscreen title="' +
      attr(api.model.page.title) + '"></iframe>';
  }
  function popbox(id, label, build) {
    // one small box on the map (embed code, figure); a second click closes it
    var box = document.getElementById(id);
    if (box) { box.remove(); return null; }
    box = el("div", { id: id, class: "atlas-popbox", role: "dialog", "aria-label": label });
    build(box);
    box.appendChild(button("关闭 Close", "关闭 close", function () { box.remove(); }));
    api.map.getContainer().appendChild(box);
    L.DomEvent.disableClickPropagation(box);
    return box;
  }
  function toggleEmbed() {
    popbox("atlas-embed", "嵌入代码 embed code", function (box) {
      box.appendChild(el("p", null, "嵌入代码 Embed code (当前视图链接 current deep link, 无面板 no panel):"));
      var ta = el("textarea", { rows: "4", readonly: "readonly", "aria-label": "iframe" });
      ta.value = embedCode();
      box.appendChild(ta);
      setTimeout(function () { ta.select(); }, 0);
    });
  }
  function toggleFigure() {
    // the figures the build found in the atlas folder's figures/ are linked; else the command
    var page = api.model.page, files = page.figures || [];
    popbox("atlas-figure", "静态图 static figure", function (box) {
      var p = el("p", null, "静态图 Static figure (PNG/PDF, for reports and slides)" + (files.length ? ": " : ""));
      files.forEach(function (f, i) {
        if (i) p.appendChild(document.createTextNode(" · "));
        p.appendChild(el("a", { href: f, target: "_blank", rel: "noopener" }, f.split("/").pop()));
      });
      box.appendChild(p);
      if (!files.length) {
        box.appendChild(el("p", null, "尚未生成 Not made yet. 在图集文件夹中运行 Run in the atlas folder:"));
        box.appendChild(el("code", null, page.figure_command));
        box.appendChild(el("p", { class: "atlas-note" }, "再次 build 后此处链接该图 the next `gansu-atlas build` links it here."));
      }
    });
  }

  // --- toolbar --------------------------------------------------------------------------------------
  function toolbar() {
    var bar = el("div", { class: "atlas-toolbar leaflet-bar", role: "toolbar", "aria-label": "演示 presenter" });
    bar.appendChild(button("☰", "面板 show/hide the panel", function () { setPanel(document.body.classList.contains("atlas-nopanel")); }, "atlas-tool-panel"));
    if (document.fullscreenEnabled) {
      bar.appendChild(button("全", "全屏 fullscreen", function () {
        if (document.fullscreenElement) document.exitFullscreen(); else document.documentElement.requestFullscreen();
      }, "atlas-tool-full"));
    }
    bar.appendChild(button("◀", "上一个要素 previous element (←)", function () { step(-1); }, "atlas-tool-prev"));
    bar.appendChild(button("▶", "下一个要素 next element (→)", function () { step(1); }, "atlas-tool-next"));
    bar.appendChild(button("印", "打印 print (A4 landscape)", function () { window.print(); }, "atlas-tool-print"));
    bar.appendChild(button("PNG", "下载图片 download PNG of the view (vector only, no tiles)", downloadPng, "atlas-tool-png"));
    bar.appendChild(button("</>", "嵌入 embed code", toggleEmbed, "atlas-tool-embed"));
    if (api.model.page.kind === "layout") bar.appendChild(button("图", "静态图 static figure", toggleFigure, "atlas-tool-figure"));
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () { L.DomEvent.disableClickPropagation(bar); return bar; };
    ctl.addTo(api.map);
  }

  window.atlasPresent = function (page) {
    api = page;
    caption = el("div", { id: "atlas-caption", class: "atlas-caption-box", hidden: "hidden", "aria-live": "polite" });
    api.map.getContainer().appendChild(caption);
    L.DomEvent.disableClickPropagation(caption);
    toolbar();
    if (new URLSearchParams(location.search).get("panel") === "0") setPanel(false);
    // capture phase: ← and → step even when the map has the focus (Leaflet's keyboard handler
    // would pan); ↑ and ↓ still pan
    document.addEventListener("keydown", function (ev) {
      var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
      if (typing || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      var d = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
      if (d) { ev.preventDefault(); ev.stopPropagation(); step(d); }
      else if (ev.key === "Escape" && at >= 0) endSteps();
    }, true);
    var mq = window.matchMedia && window.matchMedia("print");
    var fit = function () {
      var legend = document.getElementById("atlas-legend-box");
      if (legend) legend.open = true;  // the printed page always shows the legend
      api.map.invalidateSize({ animate: false });
    };
    if (mq && mq.addEventListener) mq.addEventListener("change", fit);
    window.addEventListener("beforeprint", fit);
    window.addEventListener("afterprint", fit);
    if (window.atlasCompare) window.atlasCompare(page);
  };
  window.atlasPresentApi = { step: step, setPanel: setPanel, drawView: drawView, embedCode: embedCode };
})();
