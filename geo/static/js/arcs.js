/* js/arcs.js: the shared arcs of the admin units, their coarse levels of detail, and the SVG
 * path layer that draws rings of arcs without a Leaflet object per vertex.
 *
 * The arcs (geo/_atlas_topo.py) are decoded once into flat arrays: degrees (lng, lat, ...) and
 * Web Mercator on the unit square (x, y, ...). Leaflet's own polylines make two objects per
 * vertex each time they are projected, which was most of a page's first-paint time (issue 17);
 * an ArcPath projects the flat arrays straight into its SVG path string, rounding to whole
 * pixels as Leaflet does, so its lines meet the ones Leaflet draws exactly.
 *
 * Contract: atlas.arcs(s) reads s.map, s.model, s.scale; it sets
 *   s.arcLL(i, level)    arc i as [L.LatLng] at a level (made on first use)
 *   s.arcBounds(i)       its L.LatLngBounds
 *   s.lodFor(zoom)       the coarsest level within a screen pixel (-1: the full arcs)
 *   s.ArcPath            an L.Polyline class: new s.ArcPath(rings, level, options), rings a
 *                        list of sub-paths, each a list of signed arc refs (~i: arc i
 *                        backwards); options.closed closes each sub-path (an area);
 *                        options.world puts the world's rectangle first (a mask with holes);
 *                        options.bounds its getBounds(); layer.setLevel(level) redraws it
 */
atlas.arcs = function (s) {
  var map = s.map, S = s.scale, PI = Math.PI, MAX_SIN = 1 - 1e-15;
  // All arcs in two flat arrays, arc i's vertices from first[i] to first[i + 1]: degrees
  // (lng, lat, ...), decoded at once, and Web Mercator on the unit square (x, y, ...), filled
  // per vertex when first projected (a coarse level uses half the vertices or fewer).
  var arcs = s.model.arcs || [], first = new Int32Array(arcs.length + 1);
  arcs.forEach(function (a, i) { first[i + 1] = first[i] + (a.length >> 1); });
  var deg = new Float64Array(2 * first[arcs.length]), merc = new Float64Array(deg.length).fill(NaN);
  var box = new Float64Array(4 * arcs.length);  // per arc, in the page's integers: w, s, e, n
  arcs.forEach(function (a, i) {
    var x = 0, y = 0, w = Infinity, so = Infinity, e = -Infinity, no = -Infinity;
    for (var k = 0, v = 2 * first[i]; k < a.length; k += 2, v += 2) {
      x += a[k]; y += a[k + 1];
      deg[v] = x / S; deg[v + 1] = y / S;
      if (x < w) w = x;
      if (x > e) e = x;
      if (y < so) so = y;
      if (y > no) no = y;
    }
    box[4 * i] = w; box[4 * i + 1] = so; box[4 * i + 2] = e; box[4 * i + 3] = no;
  });
  function fillMerc(v) {  // v: 2 × the vertex's index
    var sin = Math.max(Math.min(Math.sin(deg[v + 1] * PI / 180), MAX_SIN), -MAX_SIN);
    merc[v] = 0.5 + deg[v] / 360;
    merc[v + 1] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * PI);
  }
  // a level: -1 the full arcs, else an index into model.arc_lods; idx[i] the kept vertices
  var lods = (s.model.arc_lods || []).map(function (l) { return { tol: l.tolerance_m, keep: l.keep, idx: null, ll: [] }; });
  var full = { idx: null, ll: [] };
  function levelOf(level) {
    if (level < 0) return full;
    var l = lods[level];
    if (!l.idx) {
      l.idx = arcs.map(function (a, i) {
        var out = [0], k = 0;
        l.keep[i].forEach(function (gap) { k += gap; out.push(k); });
        out.push((a.length >> 1) - 1);
        return out;
      });
    }
    return l;
  }
  s.lodFor = function (zoom) {
    // metres per screen pixel at the centre; the coarsest level within one pixel
    var px = 40075016.686 * Math.cos(map.getCenter().lat * PI / 180) / Math.pow(2, zoom + 8);
    var best = -1;
    lods.forEach(function (l, i) { if (l.tol <= px && (best < 0 || l.tol > lods[best].tol)) best = i; });
    return best;
  };
  s.arcLL = function (i, level) {
    var l = levelOf(level);
    if (!l.ll[i]) {
      var f = first[i], idx = l.idx ? l.idx[i] : null, n = idx ? idx.length : first[i + 1] - f, out = new Array(n);
      for (var k = 0; k < n; k++) { var v = 2 * (f + (idx ? idx[k] : k)); out[k] = new L.LatLng(deg[v + 1], deg[v]); }
      l.ll[i] = out;
    }
    return l.ll[i];
  };
  var bounds = [];
  s.arcBounds = function (i) {
    return bounds[i] || (bounds[i] = L.latLngBounds([box[4 * i + 1] / S, box[4 * i] / S], [box[4 * i + 3] / S, box[4 * i + 2] / S]));
  };
  var crs = map.options.crs, mercator = crs === L.CRS.EPSG3857, round = Math.round;
  // Each arc's projection is made once per view and level and shared (the borders, the mask
  // and the zones draw the same arcs): its first and last vertex in layer pixels, and the
  // steps between as relative moves ("l dx dy", a step within the same pixel left out), which
  // keeps the path strings short.
  var cacheKey = null, cache = [];
  function viewAt(level) {  // what a projection needs, once per path; a new view empties the cache
    var o = map.getPixelOrigin(), zoom = map.getZoom(), key = zoom + " " + o.x + " " + o.y + " " + level;
    if (key !== cacheKey) { cacheKey = key; cache = []; }
    return { o: o, scale: crs.scale(zoom), l: levelOf(level) };
  }
  function projected(i, forward, view) {
    var c = cache[i] || (cache[i] = {}), side = forward ? "f" : "b";
    if (c[side] === undefined) {
      var o = view.o, scale = view.scale, f = first[i], idx = view.l.idx ? view.l.idx[i] : null;
      var n = idx ? idx.length : first[i + 1] - f, rel = "", x0 = 0, y0 = 0, px = 0, py = 0;
      for (var t = 0; t < n; t++) {
        var k = forward ? t : n - 1 - t, v = 2 * (f + (idx ? idx[k] : k)), x, y;
        if (mercator) {
          if (merc[v] !== merc[v]) fillMerc(v);
          x = round(scale * merc[v]) - o.x; y = round(scale * merc[v + 1]) - o.y;
        } else {
          var p = map.latLngToLayerPoint([deg[v + 1], deg[v]]); x = p.x; y = p.y;
        }
        if (t === 0) { x0 = x; y0 = y; } else if (x !== px || y !== py) rel += "l" + (x - px) + " " + (y - py);
        px = x; py = y;
      }
      c[side] = { x0: x0, y0: y0, x1: px, y1: py, rel: rel };
    }
    return c[side];
  }
  function subPath(ring, view) {  // a list of signed arc refs as one SVG sub-path
    var out = "", x = NaN, y = NaN;
    ring.forEach(function (r) {
      var a = projected(r >= 0 ? r : ~r, r >= 0, view);
      // a ring's arcs meet end to start; should one not, it starts where it is
      if (a.x0 !== x || a.y0 !== y) out += (out ? "L" : "M") + a.x0 + " " + a.y0;
      out += a.rel;
      x = a.x1; y = a.y1;
    });
    return out;
  }
  s.ArcPath = L.Polyline.extend({
    initialize: function (rings, level, options) {
      L.setOptions(this, options);
      this._arcRings = rings; this._level = level; this._latlngs = [];
      this._bounds = options.bounds || L.latLngBounds([]);
      this._d = ""; this._shown = null;
    },
    setLevel: function (level) {
      if (level === this._level) return this;
      this._level = level;
      if (this._map) this._reset();
      return this;
    },
    _project: function () {
      var m = this._map, view = viewAt(this._level), z = this.options.closed ? "z" : "";
      this._d = this._arcRings.map(function (ring) { var p = subPath(ring, view); return p && p + z; }).join("");
      if (this.options.world) {  // the world, in the pixels of this zoom
        var p0 = m.project([85, -180]).subtract(view.o), p1 = m.project([-85, 180]).subtract(view.o);
        this._world = L.bounds(p0, p1);
      }
    },
    _reset: function () { this._shown = null; L.Polyline.prototype._reset.call(this); },
    _update: function () {
      if (!this._map || !this._path) return;
      var d = this._d;
      if (this._world) {
        // the world's rectangle, cut a million pixels around the renderer's area: at high zoom
        // the whole world would be tens of millions of pixels wide; the holes are not cut, so
        // the pad keeps their parts outside the rectangle far out of sight
        var w = this._world, b = this._renderer._bounds, pad = 1 << 20;
        var x0 = Math.max(w.min.x, b.min.x - pad), y0 = Math.max(w.min.y, b.min.y - pad);
        var x1 = Math.min(w.max.x, b.max.x + pad), y1 = Math.min(w.max.y, b.max.y + pad);
        if (x0 < x1 && y0 < y1) d = "M" + x0 + " " + y0 + "L" + x1 + " " + y0 + "L" + x1 + " " + y1 + "L" + x0 + " " + y1 + "z" + d;
      }
      // on every moveend: the path changes only when projected anew (or the world's cut moved)
      if (d !== this._shown) { this._renderer._setPath(this, d || "M0 0"); this._shown = d; }
    }
  });
};
