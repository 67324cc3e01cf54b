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
    p.add_argument("--out", type=Path, default=Path("atlas"), help="output folder (default: atlas/)")
    p.set_defaults(run=_run_build)


def _run_build(args: argparse.Namespace) -> int:
    from geo.build import build

    written = build(out=args.out, root=args.root)
    for path in written:
        print(path)
    return 0


# --- sub-commands of the other modules are added below, one section each ---------------------


_ADDERS = [_add_build]


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
