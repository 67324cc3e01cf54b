"""The command line: ``gansu-atlas`` and ``python -m geo``.

A thin shell over the library functions: it parses arguments, calls one function, prints the
result. Errors on bad input (:class:`geo.errors.AtlasError`) are printed as one line, without a
traceback, and the exit status is 2.

Each sub-command has an ``_add_<name>(sub)`` that declares it and a ``_run_<name>(args)`` that
runs it; ``main`` dispatches.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from geo import __version__
from geo.errors import AtlasError


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


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
    p.add_argument(
        "--out", type=Path, default=Path("atlas"), help="output folder (default: atlas/)"
    )
    p.set_defaults(run=_run_build)


def _run_build(args: argparse.Namespace) -> int:
    from geo.build import build

    written = build(out=args.out, root=args.root)
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
    from geo.corpus import parse_text, read_corpus

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


_ADDERS = [_add_build, _add_provisions]


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
        return int(args.run(args))
    except AtlasError as exc:
        print(f"gansu-atlas: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `gansu-atlas provisions --json | head`
        return 0
