"""The command line: ``gansu-atlas`` and ``python -m geo``.

A thin shell over the library functions: it parses arguments, calls one function, prints the
result. Errors on bad input (:class:`geo.errors.AtlasError`) are printed as one line, without a
traceback, and the exit status is 2.

Each sub-command has an ``_add_<name>(sub)`` that declares it and a ``_run_<name>(args)`` that
runs it; ``main`` dispatches. Commands that need more than one input read them once with
:func:`geo.inputs.read_inputs`. Defaults live in the library: an option the user did not give
is not passed on (:func:`_given`), and the help texts quote the library's defaults.
"""

from __future__ import annotations

import argparse
import inspect
import json
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from geo import __version__
from geo._io import printable, signals_as_errors
from geo._paths import DEFAULT_OUT
from geo.boundaries import ALL_LEVELS, unit_records, write_layers
from geo.catalog import describe_element, element_records
from geo.corpus import parse_text, read_corpus
from geo.errors import AtlasError, Interrupted, OutputError, UnknownNameError
from geo.export import CRSS, FORMATS, LAYERS, export
from geo.figure import FORMATS as FIGURE_FORMATS
from geo.figure import render_figure
from geo.gazetteer import read_gazetteer
from geo.inputs import read_inputs
from geo.links import links_records, place_provisions


def _default(func: Callable[..., Any], name: str) -> Any:
    """The library's default of the parameter ``name`` of ``func`` (for the help texts)."""
    return inspect.signature(func).parameters[name].default


def _given(**options: Any) -> dict[str, Any]:
    """The options the user gave (not ``None``): the library sets the others' defaults."""
    return {k: v for k, v in options.items() if v is not None}


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--root",
        type=Path,
        default=None,
        help="data root (default: layers/ of the source tree, or $GANSU_ATLAS_LAYERS)",
    )


# --- build -----------------------------------------------------------------------------------


def _add_build(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="build the atlas (the main job) into an output folder")
    _common(p)
    p.add_argument("--out", type=Path, help=f"output folder (default: {DEFAULT_OUT}/)")
    p.add_argument(
        "--offline",
        action="store_true",
        help="make every page one self-contained file that makes no network request",
    )
    p.add_argument(
        "--tianditu",
        action="store_true",
        help="offer the 天地图 basemap with the key in $TIANDITU_KEY (written into the pages)",
    )
    p.set_defaults(run=_run_build)


def _run_build(args: argparse.Namespace) -> int:
    # lazy: the page renderer (folium, jinja2) is needed by `build` only
    from geo.build import build

    written = build(
        **_given(out=args.out, root=args.root), offline=args.offline, tianditu=args.tianditu
    )
    for path in written:
        print(path)
    return 0


# --- sub-commands of the other modules are added below, one section each ---------------------


# --- provisions (geo.corpus) -----------------------------------------------------------------


def _provision_options(p: argparse.ArgumentParser, *, top: bool) -> None:
    # Sub-commands repeat the options with SUPPRESS so that either position works.
    default = None if top else argparse.SUPPRESS
    p.add_argument(
        "--root",
        type=Path,
        default=default,
        help="data root (default: layers/ of the source tree, or $GANSU_ATLAS_LAYERS)",
    )
    p.add_argument(
        "--file",
        type=Path,
        default=default,
        help="parse this plan text (UTF-8) instead of the corpus in layers/plans",
    )
    p.add_argument(
        "--json",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="print JSON",
    )


def _add_provisions(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "provisions",
        help="list, search and show the provisions of the plan texts",
        description="List the provisions of the plan texts (id, kind, text); "
        "`provisions search QUERY` finds text, `provisions show ID` prints one in full.",
    )
    _provision_options(p, top=True)
    p.add_argument("--plan", default=None, help="only this plan id (e.g. lz)")
    p.set_defaults(run=_run_provisions, provisions_action=None)
    actions = p.add_subparsers(dest="provisions_action", metavar="ACTION")
    search = actions.add_parser("search", help="provisions whose text contains QUERY")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--plan", default=argparse.SUPPRESS, help="only this plan id")
    _provision_options(search, top=False)
    show = actions.add_parser("show", help="print one provision in full")
    show.add_argument("id", metavar="ID")
    _provision_options(show, top=False)


def _run_provisions(args: argparse.Namespace) -> int:
    corpus = parse_text(args.file) if args.file is not None else read_corpus(root=args.root)
    if args.provisions_action == "show":
        prov = corpus.get(args.id)
        if args.json:
            _print_json(prov.as_dict())
            return 0
        plan = corpus.plan(prov.plan)
        lines = ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in prov.lines)
        print(f"{prov.id}  ({prov.kind})")
        print(f"plan:     {plan.id}  {plan.title}")
        print(f"document: {prov.document}  lines {lines}")
        print(f"heading:  {' > '.join(prov.heading) or '-'}")
        print()
        print(prov.text)
        return 0
    if args.provisions_action == "search":
        hits = corpus.search(args.query, plan=args.plan)
        if args.json:
            _print_json(
                [
                    {
                        "id": h.provision.id,
                        "plan": h.provision.plan,
                        "heading": list(h.provision.heading),
                        "snippet": h.snippet,
                    }
                    for h in hits
                ]
            )
            return 0
        for h in hits:
            heading = " > ".join(h.provision.heading) or "-"
            print(f"{h.provision.id}\t{h.provision.plan}\t{heading}\t{h.snippet}")
        print(
            f"{len(hits)} provision{'s' if len(hits) != 1 else ''} match '{args.query}'",
            file=sys.stderr,
        )
        return 0
    provisions = [p for p in corpus.provisions if args.plan in (None, p.plan)]
    if args.plan is not None and not provisions:
        corpus.plan(args.plan)  # raises with the known plan ids
    if args.json:
        _print_json([p.as_dict() for p in provisions])
        return 0
    for prov in provisions:
        text = prov.text.replace("\n", " / ")
        short = text if len(text) <= 40 else text[:39] + "…"
        print(f"{prov.id}\t{prov.kind}\t{short}")
    return 0


# --- concepts (geo.catalog) -------------------------------------------------------------------


def _add_concepts(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "concepts",
        help="the concept catalog: list elements, print them as JSON, or show one",
        description="List the catalog's elements (一核, 两极, 四带 …); `show ID` prints one.",
    )
    _common(p)
    p.add_argument("args", nargs="*", metavar="show ID", help="`show ID` prints one element")
    p.add_argument("--json", action="store_true", help="print JSON records with GeoJSON geometry")
    p.add_argument("--plan", default=None, help="only the elements of this plan (e.g. lz)")
    p.add_argument(
        "--full",
        action="store_true",
        help="with --json: dissolve areas from the full-resolution boundary layers "
        "(default: the simplified coverage the maps use)",
    )
    p.set_defaults(run=_run_concepts)


def _run_concepts(args: argparse.Namespace) -> int:
    if args.args and (args.args[0] != "show" or len(args.args) != 2):
        raise UnknownNameError(
            f"unknown concepts arguments {' '.join(args.args)!r}; use `concepts`, "
            "`concepts --json` or `concepts show ID`"
        )
    inputs = read_inputs(args.root)
    catalog = inputs.catalog
    ids = None
    if args.args:
        catalog.get(args.args[1])
        ids = [args.args[1]]
    elif args.plan is not None:
        ids = [e.id for e in catalog.by_plan(args.plan)]
        if not ids:
            plans = sorted({e.plan for e in catalog.elements})
            raise UnknownNameError(f"no concepts in plan {args.plan!r}; plans: {', '.join(plans)}")
    if args.json:
        if args.full:
            units, geometry = inputs.units, inputs.full_geometry
        else:
            units, geometry = inputs.simplified_units, inputs.geometry
        units = units[units["level"] != "province"]
        records = element_records(catalog, geometry=geometry, ids=ids, units=units)
        _print_json(records[0] if args.args else records)
        return 0
    if args.args:
        sys.stdout.write(describe_element(catalog, args.args[1]))
        return 0
    for e in catalog.elements:
        if ids is None or e.id in ids:
            kind = catalog.kinds[e.kind]
            print(f"{e.id}\t{kind.zh}\t{e.name}\t{len(e.members)} members")
    return 0


# --- names (geo.gazetteer) --------------------------------------------------------------------


def _add_names(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "names",
        help="look up place names in the gazetteer (甘州 → 甘州区 620702)",
        description="Print what NAME resolves to (kind, adcodes, units, partial, note); "
        "without NAME, list every name. An unknown name gets suggestions.",
    )
    _common(p)
    p.add_argument("name", nargs="*", metavar="NAME", help="names to look up")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_run_names)


def _run_names(args: argparse.Namespace) -> int:
    gaz = read_gazetteer(root=args.root)
    entries = [gaz.lookup(n) for n in args.name] if args.name else list(gaz.entries)
    if args.json:
        _print_json(
            [
                {
                    "name": e.name,
                    "kind": e.kind,
                    "adcodes": list(e.adcodes),
                    "units": [gaz.units[a].name for a in e.adcodes],
                    "partial": e.partial,
                    "strict": e.strict,
                    "note": e.note,
                }
                for e in entries
            ]
        )
        return 0
    for e in entries:
        units = "+".join(f"{gaz.units[a].name} {a}" for a in e.adcodes)
        flags = "".join((" (partial)" if e.partial else "", " (strict)" if e.strict else ""))
        note = f"\t{e.note}" if e.note and args.name else ""
        print(f"{e.name}\t{e.kind}\t{units}{flags}{note}")
    return 0


# --- units, layers (geo.boundaries) -----------------------------------------------------------


def _add_units(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "units",
        help="list the administrative units of a level as a table",
        description="Print adcode, name, level, parent, area (km²) and seat (WGS84 lon,lat) of "
        "the units of one level (default: all Gansu levels).",
    )
    _common(p)
    p.add_argument(
        "--level",
        choices=ALL_LEVELS,
        default=None,
        help="which layer (default: province, prefectures and counties)",
    )
    p.add_argument("--json", action="store_true", help="print JSON records")
    p.set_defaults(run=_run_units)


def _run_units(args: argparse.Namespace) -> int:
    records = unit_records(root=args.root, level=args.level)
    if args.json:
        _print_json(records)
        return 0
    print("adcode\tname\tlevel\tparent\tarea_km2\tseat")
    for r in records:
        seat = f"{r['seat_lon']:.6f},{r['seat_lat']:.6f}"
        print(
            f"{r['adcode']}\t{r['name']}\t{r['level']}\t{r['parent']}\t{r['area_km2']:.2f}\t{seat}"
        )
    return 0


def _add_layers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "layers",
        help="write the base boundary layers (GeoJSON, WGS84) into a folder",
        description="Validate and write province, prefectures, counties and context GeoJSON "
        "files, with PROVENANCE.md, into --out.",
    )
    _common(p)
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.set_defaults(run=_run_layers)


def _run_layers(args: argparse.Namespace) -> int:
    for path in write_layers(args.out, root=args.root):
        print(path)
    return 0


# --- links and place (geo.links) -------------------------------------------------------------


def _add_links(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "links",
        help="the units and concepts every provision mentions",
        description="For every provision: the units (adcodes) and catalog concepts it "
        "mentions. --json prints [{provision, units, concepts}].",
    )
    _common(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--mentions", action="store_true", help="with --json: add mention spans (offsets)"
    )
    p.set_defaults(run=_run_links)


def _run_links(args: argparse.Namespace) -> int:
    records = links_records(read_inputs(args.root).links, mentions=args.mentions)
    if args.json:
        _print_json(records)
        return 0
    for r in records:
        print(f"{r['provision']}\t{' '.join(r['units']) or '-'}\t{' '.join(r['concepts']) or '-'}")
    return 0


def _add_place(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "place",
        help="every provision that mentions a place, grouped by document",
        description="List the provisions that mention NAME (any gazetteer name: 甘州区, 甘州, "
        "酒嘉 …), most mentions first within each document.",
    )
    _common(p)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=_run_place)


def _run_place(args: argparse.Namespace) -> int:
    inputs = read_inputs(args.root)
    gaz = inputs.gazetteer
    entry = gaz.lookup(args.name)
    groups = place_provisions(inputs.links, inputs.corpus, entry.adcodes)
    units = "+".join(f"{gaz.units[a].name} {a}" for a in entry.adcodes)
    if args.json:
        _print_json({"name": entry.name, "adcodes": list(entry.adcodes), "documents": groups})
        return 0
    total = sum(len(g["provisions"]) for g in groups)
    print(f"{entry.name} ({units}): {total} provision{'s' if total != 1 else ''}")
    for group in groups:
        print(f"\n{group['document']}  {group['title']}")
        for row in group["provisions"]:
            print(f"  {row['provision']}\t{row['mentions']}×\t{row['snippet']}")
    return 0


# --- export (geo.export) ---------------------------------------------------------------------


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]


def _add_export(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", help="write every layer for GIS, in the format and CRS you need")
    _common(p)
    p.add_argument(
        "--format",
        action="append",
        metavar="FORMAT",
        help=f"{'|'.join(FORMATS)}; repeat or comma-separate "
        f"(default: {','.join(_default(export, 'formats'))})",
    )
    p.add_argument("--crs", help=f"{'|'.join(CRSS)}|EPSG:NNNN (default: {_default(export, 'crs')})")
    p.add_argument("--out", type=Path, help="output folder (created if missing)")
    p.add_argument(
        "--layer",
        action="append",
        metavar="NAME",
        help=f"only these layers; repeat or comma-separate ({', '.join(LAYERS)})",
    )
    p.add_argument(
        "--csv-geometry",
        choices=["wkt", "centroid"],
        help=f"CSV geometry column (default: {_default(export, 'csv_geometry')})",
    )
    p.add_argument("--list-layers", action="store_true", help="list the layers and stop")
    p.set_defaults(run=_run_export)


def _run_export(args: argparse.Namespace) -> int:
    if args.list_layers:
        print("\n".join(LAYERS))
        return 0
    if args.out is None:
        raise OutputError("export needs an output folder; add --out DIR")
    files = export(
        out=args.out,
        **_given(
            formats=_split(args.format) or None,
            crs=args.crs,
            layers=_split(args.layer) or None,
            csv_geometry=args.csv_geometry,
        ),
        root=args.root,
    )
    for path in files:
        print(path)
    return 0


# --- figure (geo.figure) ---------------------------------------------------------------------


def _add_figure(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("figure", help="render a static figure (PNG or PDF) of one layout")
    _common(p)
    p.add_argument("layout", nargs="?", help="layout id (see --list)")
    p.add_argument(
        "--format",
        choices=FIGURE_FORMATS,
        help=f"default: {_default(render_figure, 'fmt')}",
    )
    p.add_argument("--out", type=Path, help="output file (default: LAYOUT.FORMAT)")
    p.add_argument(
        "--dpi", type=int, help=f"PNG resolution (default: {_default(render_figure, 'dpi')})"
    )
    p.add_argument("--list", action="store_true", help="list the layouts and stop")
    p.set_defaults(run=_run_figure)


def _run_figure(args: argparse.Namespace) -> int:
    if not args.list and not args.layout:
        raise OutputError("figure needs a layout id; run `gansu-atlas figure --list`")
    inputs = read_inputs(args.root)
    if args.list:
        for layout in inputs.catalog.layouts:
            print(f"{layout.id}\t{layout.name}")
        return 0
    path = render_figure(
        args.layout, **_given(fmt=args.format, out=args.out, dpi=args.dpi), inputs=inputs
    )
    print(path)
    return 0


_ADDERS = [
    _add_build,
    _add_provisions,
    _add_concepts,
    _add_names,
    _add_units,
    _add_layers,
    _add_links,
    _add_place,
    _add_export,
    _add_figure,
]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gansu-atlas",
        description="甘肃规划图集 Gansu plan atlas: plans' spatial layouts as traceable maps.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _ADDERS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    try:
        with signals_as_errors():
            return int(args.run(args))
    except AtlasError as exc:
        print(f"gansu-atlas: error: {printable(str(exc))}", file=sys.stderr)
        return int(getattr(exc, "status", 2))
    except KeyboardInterrupt:  # before the handlers were in place
        print(f"gansu-atlas: error: {Interrupted(signal.SIGINT)}", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:  # e.g. `gansu-atlas provisions --json | head`
        return 0
