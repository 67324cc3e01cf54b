"""Tests of geo.cli, in-process (``main([...])``): a thin shell over the library.

The commands' own outputs are tested with their modules (test_corpus, test_catalog,
test_links, test_export, test_figure, test_build); here: dispatch, defaults, the inputs every
command shares, and errors.
"""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest

from geo import __version__
from geo.catalog import element_records
from geo.cli import _given, _parser, main
from geo.export import export
from geo.figure import render_figure

GEO = Path(__file__).resolve().parents[1] / "geo"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own exits (--help, --version, usage errors)
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def test_version_and_help(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and __version__ in out
    code, out, _ = run(capsys)
    assert code == 0 and "build" in out and "export" in out  # no command: the help


def test_every_command_is_declared_once():
    sub = next(a for a in _parser()._actions if a.dest == "command")
    assert set(sub.choices) == {
        "build", "provisions", "concepts", "names", "units", "layers", "links", "place",
        "export", "figure",
    }  # fmt: skip


def test_options_not_given_are_left_to_the_library():
    assert _given(a=None, b=0, c="x") == {"b": 0, "c": "x"}
    args = _parser().parse_args(["export", "--out", "x"])
    assert args.crs is None and args.format is None and args.csv_geometry is None
    args = _parser().parse_args(["figure", "lz_yihe_liangji_sidai"])
    assert args.format is None and args.dpi is None
    assert _parser().parse_args(["build"]).out is None


def test_help_quotes_the_library_defaults(capsys):
    _, out, _ = run(capsys, "export", "--help")
    crs = inspect.signature(export).parameters["crs"].default
    assert f"(default: {crs})" in out
    _, out, _ = run(capsys, "figure", "--help")
    dpi = inspect.signature(render_figure).parameters["dpi"].default
    assert f"(default: {dpi})" in " ".join(out.split())


def test_concepts_json_is_the_library_records(capsys, inputs):
    code, out, _ = run(capsys, "concepts", "--json", "--plan", "ldn")
    assert code == 0
    simplified = inputs.simplified_units
    units = simplified[simplified["level"] != "province"]
    ids = [e.id for e in inputs.catalog.by_plan("ldn")]
    want = element_records(inputs.catalog, geometry=inputs.geometry, ids=ids, units=units)
    assert json.loads(out) == json.loads(json.dumps(want))


def test_place_counts_what_the_links_count(capsys, inputs):
    code, out, _ = run(capsys, "place", "甘州", "--json")
    assert code == 0
    data = json.loads(out)
    found = [r["provision"] for d in data["documents"] for r in d["provisions"]]
    assert sorted(found) == sorted(inputs.links.by_unit["620702"])


def test_links_json_carries_the_concepts(capsys, inputs):
    code, out, _ = run(capsys, "links", "--json")
    assert code == 0
    records = json.loads(out)
    with_concepts = {r["provision"] for r in records if r["concepts"]}
    assert with_concepts == {p for ids in inputs.links.by_concept.values() for p in ids}


def test_export_writes_what_it_is_asked_for(capsys, tmp_path):
    code, out, _ = run(
        capsys, "export", "--out", str(tmp_path), "--format", "csv", "--layer", "provisions"
    )
    assert code == 0
    assert [Path(p).name for p in out.split()] == ["provisions.csv"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["figure"], "figure needs a layout id"),
        (["export", "--format", "csv"], "export needs an output folder"),
        (["concepts", "list"], "unknown concepts arguments"),
        (["names", "甘州x"], "甘州"),
        (["concepts", "--root", "/nonexistent/layers"], "does not exist"),
    ],
)
def test_errors_are_one_line_with_status_2(capsys, argv, words):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("gansu-atlas: error: ") and len(err.splitlines()) == 1
    assert words in err and "Traceback" not in err


def test_nothing_imports_the_cli():
    for path in sorted(GEO.glob("*.py")):
        if path.name in ("cli.py", "__main__.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "geo.cli", path.name
                assert not (node.module == "geo" and any(a.name == "cli" for a in node.names))
