/* js/legend.js: the legend (#atlas-legend) of the kinds on the page and of the keys.
 *
 * Contract: atlas.legend(s) reads s.model.legend and s.swatch; it sets s.buildLegend().
 */
atlas.legend = function (s) {
  var el = atlas.el;
  s.buildLegend = function () {
    var box = document.getElementById("atlas-legend");
    var list = el("ul", { class: "atlas-legend-kinds" });
    s.model.legend.forEach(function (k) {
      var li = el("li");
      li.appendChild(s.swatch(k));
      li.appendChild(el("span", null, k.zh + " " + k.en));
      list.appendChild(li);
    });
    box.appendChild(list);
    var keys = el("ul", { class: "atlas-legend-keys" });
    [["stated", "明确 stated: 规划点名的成员 (solid, full fill)"],
     ["inferred", "隐含/推断 implied/inferred (dashed, light fill)"],
     ["partial", "部分 partial: 仅部分位于该县区, 不填充 (hatched outline, never filled)"],
     ["schematic", "示意 schematic line, arrow = direction; dashed when a node is implied/inferred"]].forEach(function (p) {
      var li = el("li");
      li.appendChild(el("span", { class: "atlas-key atlas-key-" + p[0] }));
      li.appendChild(el("span", null, p[1]));
      keys.appendChild(li);
    });
    box.appendChild(keys);
  };
};
