/* js/legend.js: the legend (#atlas-legend), read from the page model.
 *
 * model.legend (geo.styles.legend) lists the kinds drawn on this page in the ontology's order,
 * each with the looks actually drawn (kind × basis/part) and their words from kinds.toml
 * (明确 stated, 部分 · 明确 …); model.styles gives each look's style. Each look's key is a small
 * SVG drawn with that style in the kind's colour.
 *
 * Contract: atlas.legend(s) reads s.model (legend, styles), s.swatch, s.map, s.addObstacle,
 * s.placeLabels (the legend and the map's controls keep labels off); it sets
 * s.buildLegend() and s.keySvg(style, colour) -> <svg>.
 */
atlas.legend = function (s) {
  var el = atlas.el, svgEl = atlas.svgEl;
  s.keySvg = function (st, colour) {
    var svg = svgEl("svg", { width: "22", height: "14", viewBox: "0 0 22 14", class: "atlas-key", "aria-hidden": "true" });
    var stroke = { stroke: st.rim || colour, "stroke-width": String(Math.min(st.weight, 3)),
      "stroke-dasharray": st.dash.length ? st.dash.join(" ") : "none", "stroke-opacity": String(st.opacity) };
    if (st.geometry === "line") {
      svg.appendChild(svgEl("line", Object.assign({ x1: "1", y1: "7", x2: st.arrow ? "15" : "21", y2: "7" }, stroke)));
      if (st.arrow) svg.appendChild(svgEl("path", { d: "M14,3 L21,7 L14,11 z", fill: colour }));
    } else if (st.geometry === "point") {
      svg.appendChild(svgEl("circle", Object.assign({ cx: "11", cy: "7", r: String(Math.min(st.radius, 6)),
        fill: colour, "fill-opacity": String(st.fill_opacity) }, stroke, { stroke: st.rim === "#ffffff" ? colour : stroke.stroke })));
    } else {
      svg.appendChild(svgEl("rect", Object.assign({ x: "1.5", y: "1.5", width: "19", height: "11",
        fill: st.fill ? colour : "none", "fill-opacity": String(st.fill_opacity) }, stroke)));
      if (st.hatch) {
        [4, 10, 16].forEach(function (x) {
          svg.appendChild(svgEl("line", { x1: String(x - 3), y1: "12", x2: String(x + 3), y2: "2", stroke: colour, "stroke-width": "1.2" }));
        });
      }
    }
    return svg;
  };
  s.buildLegend = function () {
    var box = document.getElementById("atlas-legend");
    var list = el("ul", { class: "atlas-legend-kinds" });
    s.model.legend.forEach(function (k) {
      var li = el("li", { "data-kind": k.kind });
      var head = el("div", { class: "atlas-legend-kind" });
      head.appendChild(s.swatch(k));
      head.appendChild(el("span", null, k.zh + " " + k.en + (k.geometry === "line" ? " · 示意 schematic" : "")));
      li.appendChild(head);
      var looks = el("ul", { class: "atlas-legend-keys" });
      k.looks.forEach(function (look) {
        var row = el("li", { "data-style": look.style });
        row.appendChild(s.keySvg(s.model.styles[look.style], k.colour));
        row.appendChild(el("span", null, look.zh + " " + look.en));
        looks.appendChild(row);
      });
      li.appendChild(looks);
      list.appendChild(li);
    });
    box.appendChild(list);
    // beside the map, always in sight (open; folded at first on a phone)
    var wrap = document.getElementById("atlas-legend-box");
    if (wrap && (window.innerWidth <= 720 || window.innerHeight <= 600)) wrap.open = false;
    // no map label hides under the legend or the map's controls
    s.addObstacle(function () {
      var m = s.map.getContainer().getBoundingClientRect();
      var nodes = [wrap].concat(Array.from(s.map.getContainer().querySelectorAll(".leaflet-control")));
      return nodes.filter(Boolean).map(function (n) {
        var r = n.getBoundingClientRect();
        return L.bounds([r.left - m.left, r.top - m.top], [r.right - m.left, r.bottom - m.top]);
      });
    });
    if (wrap) wrap.addEventListener("toggle", s.placeLabels);
    var toggle = document.getElementById("atlas-sheet-toggle");
    if (toggle) toggle.addEventListener("click", function () { document.body.classList.toggle("atlas-sheet-full"); });
  };
};
