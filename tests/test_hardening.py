"""Bad inputs, end to end through the command line (docs/bad-inputs.md lists them all).

Each case runs ``geo.cli.main([...])`` in-process and checks what a user sees: exit status 2,
an error on stderr that is one line (a catalog error: a head line and one line per problem)
naming the file, the item and the fix, no traceback, nothing on stdout and no output written.
Broken data roots are cheap copies of ``layers/`` (:func:`tests.hostile.link_root`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hostile import link_root, replace_file

from geo._io import mark_written
from geo.cli import _parser, main

PREFIX = "gansu-atlas: error: "

#: The documented list of bad inputs; the tests check that each message is written there.
DOC = (Path(__file__).resolve().parents[1] / "docs" / "bad-inputs.md").read_text(encoding="utf-8")

#: A one-line error longer than this no longer reads as one clear message.
MAX_LINE = 600

#: A county that no catalog member names by its full name (see tests/hostile.py).
COUNTY = "620822"

#: A valid element (one stated member, one verbatim quote); each case breaks one thing.
GOOD = {
    "id": "lz_zz_test",
    "name": "测试区",
    "member": "兰州市",
    "level": "prefecture",
    "quote": "本规划范围包括兰州市、白银市、定西市和临夏回族自治州4个市州",
    "provision": "lz-0-p1",
}


def _commands() -> set[str]:
    sub = next(a for a in _parser()._actions if a.dest == "command")
    return set(sub.choices)


def needs(command: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(
        command not in _commands(), reason=f"`gansu-atlas {command}` is not there yet"
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str | os.PathLike[str]) -> tuple[int, str, str]:
    """Run the CLI; return (status, stdout, stderr). argparse exits count as a status."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, out: str, err: str, *must: str) -> str:
    """Assert a one-line error mentioning every string of ``must``; return the line."""
    assert code == 2, (code, err)
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith(PREFIX), line
    assert len(line) <= MAX_LINE, f"a {len(line)}-character line buries the cause: {line[:300]}"
    assert ";" in line or "try" in line or "use" in line, f"no fix in: {line}"
    for text in must:
        assert text in line, f"{text!r} not in {line!r}"
    assert out == "", out
    return line


def catalog_error(code: int, out: str, err: str, n: int, *must: str) -> list[str]:
    """Assert a catalog error: a head line and ``n`` lines, one per problem, naming file,
    element and fix; return the problem lines."""
    assert code == 2, (code, err)
    assert "Traceback" not in err
    head, *problems = err.splitlines()
    assert head == f"{PREFIX}{n} problem{'s' if n != 1 else ''} in the concept catalog:", head
    assert len(problems) == n, err
    for line in problems:
        assert line.startswith("  - zz_bad.toml: element "), line
        assert "; " in line, f"no fix in: {line}"
    joined = "\n".join(problems)
    for text in must:
        assert text in joined, f"{text!r} not in {joined!r}"
    assert out == ""
    return problems


def documented(line: str, **placeholders: Path) -> None:
    """Assert that ``line`` (its text after the prefix) is written in docs/bad-inputs.md,
    with the given paths written as ``<name>``."""
    text = line.removeprefix(PREFIX).strip()
    for name, path in placeholders.items():
        text = text.replace(str(path), f"<{name}>")
    assert text in DOC, f"docs/bad-inputs.md does not list: {text}"


def no_output(out: Path) -> None:
    """Nothing was written: the folder is absent and no temporary folder is left beside it."""
    assert not out.exists()
    if out.parent.is_dir():
        assert [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")] == []


# --- the concept catalog -------------------------------------------------------------------------


def element(**change: object) -> str:
    """TOML of :data:`GOOD` with some fields changed (``quote=None`` drops the quotes)."""
    e = {**GOOD, **change}
    lines = [
        "[[element]]",
        f'id = "{e["id"]}"',
        f'name = "{e["name"]}"',
        'name_en = "test"',
        'plan = "lz"',
        'kind = "core"',
        f'members = [{{ name = "{e["member"]}", role = "member", basis = "stated", '
        f'level = "{e["level"]}" }}]',
    ]
    if e["quote"] is not None:
        lines.append(f'quotes = [{{ text = "{e["quote"]}", provision = "{e["provision"]}" }}]')
    return "\n".join(lines) + "\n"


@pytest.fixture
def catalog_root(tmp_path):
    return link_root(tmp_path)


def bad_catalog(root: Path, *elements: str) -> None:
    replace_file(root / "concepts" / "zz_bad.toml", "\n".join(elements))


def test_good_element_is_accepted(capsys, catalog_root):
    """The base of every catalog case is valid, so each case tests only its own break."""
    bad_catalog(catalog_root, element())
    code, out, err = run(capsys, "concepts", "--root", catalog_root)
    assert code == 0, err
    assert "lz_zz_test" in out


CATALOG_CASES = {
    "unknown-name": (
        {"member": "兰洲市"},
        ["member 兰洲市: unknown place name; did you mean", "兰州市"],
    ),
    "wrong-level": (
        {"level": "county"},
        ["member 兰州市: is at the wrong level: declared county", 'set level = "prefecture"'],
    ),
    "duplicate-id": ({"id": "lz_yihe"}, ["element lz_yihe: duplicate id (also in lz.toml)"]),
    "missing-quote": ({"quote": None}, ["has no quote; quote the words of the plan"]),
    "quote-not-in-provision": (
        {"quote": "兰州市是测试用的句子"},
        ["is not found in provision lz-0-p1", "quote the plan verbatim"],
    ),
    "unknown-provision": ({"provision": "lz-99-p9"}, ["provision 'lz-99-p9' does not exist"]),
}


def test_bad_catalog_lists_every_problem(capsys, catalog_root):
    """One element per case in one file: one line per problem, in file order, each naming
    the file, the element (and member), what is wrong and the fix."""
    cases = list(CATALOG_CASES)
    ids = {c: "lz_yihe" if c == "duplicate-id" else f"lz_zz_{c.replace('-', '_')}" for c in cases}
    bad_catalog(catalog_root, *(element(**{**CATALOG_CASES[c][0], "id": ids[c]}) for c in cases))
    code, out, err = run(capsys, "concepts", "--root", catalog_root)
    problems = catalog_error(code, out, err, len(cases))
    for case, line in zip(cases, problems, strict=True):
        assert line.startswith(f"  - zz_bad.toml: element {ids[case]}"), (case, line)
        for text in CATALOG_CASES[case][1]:
            assert text in line, (case, text, line)
        if case != "duplicate-id":
            documented(line.replace(ids[case], "lz_zz_test"))
        else:
            documented(line)


def test_catalog_not_toml(capsys, catalog_root):
    bad_catalog(catalog_root, 'id = "unterminated\n')
    code, out, err = run(capsys, "concepts", "--root", catalog_root)
    assert code == 2 and "Traceback" not in err and out == ""
    head, line = err.splitlines()
    assert head == f"{PREFIX}1 problem in the concept catalog:"
    assert line.startswith("  - zz_bad.toml: is not valid TOML") and "fix the syntax" in line


@needs("build")
@pytest.mark.parametrize("case", ["unknown-name", "unknown-provision"])
def test_bad_catalog_build_writes_nothing(capsys, catalog_root, tmp_path, case):
    change, must = CATALOG_CASES[case]
    bad_catalog(catalog_root, element(**change))
    out_dir = tmp_path / "atlas"
    code, out, err = run(capsys, "build", "--root", catalog_root, "--out", out_dir)
    catalog_error(code, out, err, 1, *must)
    no_output(out_dir)


@needs("build")
def test_failed_build_keeps_the_previous_output(capsys, catalog_root, tmp_path):
    """A build that fails replaces nothing: the previous output folder stays as it was."""
    bad_catalog(catalog_root, element(member="兰洲市"))
    out_dir = tmp_path / "atlas"
    out_dir.mkdir()
    (out_dir / "index.html").write_text("previous build", encoding="utf-8")
    mark_written(out_dir)
    code, out, err = run(capsys, "build", "--root", catalog_root, "--out", out_dir)
    catalog_error(code, out, err, 1, "unknown place name")
    assert sorted(p.name for p in out_dir.iterdir()) == [".gansu-atlas", "index.html"]
    assert (out_dir / "index.html").read_text(encoding="utf-8") == "previous build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas", "layers"]


# --- the data root's own files -------------------------------------------------------------------

ROOT_FILES = {
    "gazetteer.toml": ("x = \n", ["gazetteer.toml is not valid UTF-8 TOML", "fix the file"]),
    "plans/plans.toml": ("[[documents]\n", ["plans.toml' is not valid TOML", "fix the file"]),
}


@pytest.mark.parametrize("rel", list(ROOT_FILES))
def test_broken_root_file(capsys, tmp_path, rel):
    root = link_root(tmp_path)
    data, must = ROOT_FILES[rel]
    replace_file(root / rel, data)
    out_dir = tmp_path / "atlas"
    code, out, err = run(capsys, "build", "--root", root, "--out", out_dir)
    one_line_error(code, out, err, *must)
    no_output(out_dir)


def test_missing_root(capsys, tmp_path):
    out_dir = tmp_path / "atlas"
    code, out, err = run(capsys, "build", "--root", tmp_path / "nope", "--out", out_dir)
    one_line_error(code, out, err, str(tmp_path / "nope"), "does not exist")
    no_output(out_dir)


def test_broken_layouts_file(capsys, catalog_root):
    replace_file(catalog_root / "concepts" / "layouts.toml", "[[layout]]\nid = 'bad id'\n")
    code, out, err = run(capsys, "concepts", "--root", catalog_root)
    assert code == 2 and "Traceback" not in err and out == ""
    head, *problems = err.splitlines()
    assert head.endswith("problems in the concept catalog:")
    assert problems and all(p.startswith("  - layouts.toml: layout bad id: ") for p in problems)


def test_broken_ontology_is_one_problem(capsys, catalog_root):
    replace_file(catalog_root / "concepts" / "kinds.toml", "[kind.core\n")
    code, out, err = run(capsys, "concepts", "--root", catalog_root)
    assert code == 2 and "Traceback" not in err and out == ""
    head, *problems = err.splitlines()
    assert problems[0].startswith("  - kinds.toml: is not valid TOML")
    assert len(problems) <= 5, head


# --- plan texts ----------------------------------------------------------------------------------

GBK = "一、总则\n甘肃省测试规划文本。\n".encode("gbk")
PLAN_CASES = {
    "empty": (b"", ["is empty"]),
    "blank": (b" \n\n\t\n", ["is empty"]),
    "binary": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, ["looks binary"]),
    "gbk": (GBK, ["is not UTF-8 (looks like GBK)", "iconv -f GBK -t UTF-8"]),
    "utf16": ("一、总则\n文本。\n".encode("utf-16"), ["is UTF-16", "iconv -f UTF-16"]),
    "latin1": ("Caf\xe9 \xe0 la cr\xe8me\n".encode("latin-1"), ["is not UTF-8"]),
}


@pytest.mark.parametrize("case", list(PLAN_CASES))
def test_bad_plan_file(capsys, tmp_path, case):
    data, must = PLAN_CASES[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    code, out, err = run(capsys, "provisions", "--file", path)
    line = one_line_error(code, out, err, str(path), *must)
    if case != "blank":
        documented(line, tmp=tmp_path)


def test_plan_file_missing_or_folder(capsys, tmp_path):
    missing = tmp_path / "nope.txt"
    one_line_error(*run(capsys, "provisions", "--file", missing), str(missing), "does not exist")
    one_line_error(*run(capsys, "provisions", "--file", tmp_path), str(tmp_path), "is a folder")


@pytest.mark.parametrize("case", ["empty", "binary", "gbk"])
def test_bad_plan_in_data_root(capsys, tmp_path, case):
    """A broken plan text in the data root stops every command that reads the corpus."""
    root = link_root(tmp_path)
    target = sorted((root / "plans").glob("*.txt"))[0]
    replace_file(target, PLAN_CASES[case][0])
    code, out, err = run(capsys, "provisions", "--root", root)
    one_line_error(code, out, err, target.name, *PLAN_CASES[case][1])
    code, out, err = run(capsys, "concepts", "--root", root)
    one_line_error(code, out, err, target.name)


# --- boundary layers -----------------------------------------------------------------------------


def _break_counties(root: Path, how: str) -> Path:
    path = root / "boundaries" / "counties.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    feat = next(f for f in data["features"] if f["properties"]["adcode"] == COUNTY)
    x, y = feat["properties"]["seat_lon"], feat["properties"]["seat_lat"]
    if how == "invalid":  # a bow tie: self-intersecting ring
        ring = [[x, y], [x + 0.1, y + 0.1], [x + 0.1, y], [x, y + 0.1], [x, y]]
        feat["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    elif how == "empty":
        feat["geometry"] = {"type": "Polygon", "coordinates": []}
    elif how == "null":
        feat["geometry"] = None
    elif how == "point":
        feat["geometry"] = {"type": "Point", "coordinates": [x, y]}
    elif how == "crs":
        data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    elif how == "adcode-missing":
        del feat["properties"]["adcode"]
    elif how == "adcode-malformed":
        feat["properties"]["adcode"] = "62082"
    elif how == "unit-missing":
        data["features"].remove(feat)
    elif how == "not-json":
        return replace_file(path, "this is not GeoJSON {")
    else:  # pragma: no cover
        raise ValueError(how)
    return replace_file(path, json.dumps(data, ensure_ascii=False))


BOUNDARY_CASES = {
    "invalid": ["invalid geometry for adcode 620822", "make_valid"],
    "empty": ["620822"],
    "null": ["missing or empty geometry for adcode 620822"],
    "point": ["non-polygonal geometry for adcode 620822"],
    "crs": ["EPSG:3857", "expected EPSG:4326"],
    "adcode-missing": ["adcode"],
    "adcode-malformed": ["adcode"],
    "unit-missing": ["620822"],
    "not-json": ["cannot be read"],
}


LAYER_CASES = [c for c in BOUNDARY_CASES if c != "unit-missing"]


@pytest.mark.parametrize("case", LAYER_CASES)
def test_bad_boundaries_units(capsys, tmp_path, case):
    """`units` reads one layer and names the file, the adcode or row, and the fix."""
    root = link_root(tmp_path)
    _break_counties(root, case)
    code, out, err = run(capsys, "units", "--root", root, "--level", "county")
    line = one_line_error(code, out, err, "counties.geojson", *BOUNDARY_CASES[case])
    if case != "not-json":  # abridged in the docs
        documented(line, root=root)


@pytest.mark.parametrize("case", ["invalid", "null", "crs", "adcode-malformed"])
def test_bad_boundaries_concepts_and_layers(capsys, tmp_path, case):
    """The catalog reads the counties too and stops on them; `layers` writes nothing."""
    root = link_root(tmp_path)
    _break_counties(root, case)
    code, out, err = run(capsys, "concepts", "--root", root)
    one_line_error(code, out, err, "counties.geojson")
    out_dir = tmp_path / "layers_out"
    code, out, err = run(capsys, "layers", "--root", root, "--out", out_dir)
    one_line_error(code, out, err, "counties.geojson")
    no_output(out_dir)


@pytest.mark.parametrize("case", ["adcode-missing", "not-json"])
def test_unreadable_boundary_concepts(capsys, tmp_path, case):
    root = link_root(tmp_path)
    _break_counties(root, case)
    code, out, err = run(capsys, "concepts", "--root", root)
    one_line_error(code, out, err, "counties.geojson", *BOUNDARY_CASES[case])


def test_boundary_unit_missing(capsys, tmp_path):
    """A county dropped from the layer: the gazetteer names it, its adcode and the folder."""
    root = link_root(tmp_path)
    _break_counties(root, "unit-missing")
    for argv in (["concepts"], ["names", "甘州"]):
        code, out, err = run(capsys, *argv, "--root", root)
        one_line_error(code, out, err, "620822", str(root / "boundaries"))


@needs("build")
@pytest.mark.parametrize(
    "case",
    [
        "invalid",
        "crs",
        "adcode-missing",
        "adcode-malformed",
        "not-json",
        "unit-missing",
    ],
)
def test_bad_boundaries_build_writes_nothing(capsys, tmp_path, case):
    root = link_root(tmp_path)
    _break_counties(root, case)
    out_dir = tmp_path / "atlas"
    code, out, err = run(capsys, "build", "--root", root, "--out", out_dir)
    one_line_error(code, out, err, "620822" if case == "unit-missing" else "counties.geojson")
    no_output(out_dir)


# --- output paths --------------------------------------------------------------------------------


def _unwritable(tmp_path: Path) -> dict[str, tuple[Path, list[str]]]:
    """Output paths that cannot be written even by root (tests run as root: chmod is no help)."""
    a_file = tmp_path / "file.txt"
    a_file.write_text("a file, not a folder", encoding="utf-8")
    return {
        "under-a-file": (a_file / "out", [str(a_file)]),
        "is-a-file": (a_file, [str(a_file)]),
        "in-proc": (Path("/proc/gansu_atlas_test_out"), ["/proc"]),
        "under-proc-file": (Path("/proc/version/out"), ["/proc/version"]),
    }


OUTPUT_CASES = ["under-a-file", "is-a-file", "in-proc", "under-proc-file"]


def _check_unwritable(capsys, tmp_path, case, *argv):
    out_dir, must = _unwritable(tmp_path)[case]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run(capsys, *argv, "--out", out_dir)
    line = one_line_error(code, out, err, *must, "--out")
    documented(line, tmp=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "a file, not a folder"


_CLOBBER = (
    "geo.build/geo._io.atomic_dir: `build --out DIR` replaces an existing folder as a whole, "
    "deleting files it did not write (e.g. --out ~ or --out layers); expected a one-line "
    "OutputError for a non-empty folder that is not a previous atlas output, files intact"
)


@needs("build")
def test_build_refuses_a_folder_of_other_files(capsys, tmp_path):
    out_dir = tmp_path / "documents"
    out_dir.mkdir()
    (out_dir / "precious.txt").write_text("not ours", encoding="utf-8")
    code, out, err = run(capsys, "build", "--out", out_dir)
    assert (out_dir / "precious.txt").read_text(encoding="utf-8") == "not ours"
    one_line_error(code, out, err, str(out_dir), "--out")


@needs("build")
def test_build_refuses_the_data_root_as_output(capsys, tmp_path):
    root = link_root(tmp_path)
    code, out, err = run(capsys, "build", "--root", root, "--out", root)
    assert (root / "gazetteer.toml").exists()
    one_line_error(code, out, err, str(root), "--out")


@needs("build")
@pytest.mark.parametrize(
    "case",
    [c for c in OUTPUT_CASES],
)
def test_build_unwritable_output(capsys, tmp_path, case):
    _check_unwritable(capsys, tmp_path, case, "build")


@pytest.mark.parametrize("case", ["under-a-file", "in-proc"])
def test_layers_unwritable_output(capsys, tmp_path, case):
    _check_unwritable(capsys, tmp_path, case, "layers")


# --- secrets -----------------------------------------------------------------------------------


def test_tianditu_key_not_in_output_by_default(capsys, tmp_path, monkeypatch):
    secret = "tk0123456789abcdefSECRET"
    monkeypatch.setenv("TIANDITU_KEY", secret)
    out_dir = tmp_path / "atlas"
    code, _, err = run(capsys, "build", "--out", out_dir)
    assert code == 0, err
    leaked = [
        p.name
        for p in sorted(out_dir.rglob("*"))
        if p.is_file() and secret.encode() in p.read_bytes()
    ]
    assert leaked == []


# --- unknown names on the command line -----------------------------------------------------------


def test_unknown_names_get_suggestions(capsys):
    one_line_error(*run(capsys, "names", "甘洲区"), "甘洲区", "甘州区")
    one_line_error(*run(capsys, "concepts", "show", "lz_yihee"), "lz_yihee", "lz_yihe")
    one_line_error(*run(capsys, "provisions", "--plan", "nope"), "nope", "lz")
    one_line_error(*run(capsys, "provisions", "show", "lz-3-box"), "lz-3-box")


def test_usage_errors_name_the_option(capsys):
    """argparse usage errors: exit 2, the usage, then one error line; no traceback."""
    code, out, err = run(capsys, "units", "--level", "village")
    assert code == 2 and "Traceback" not in err and out == ""
    assert err.splitlines()[-1].startswith("gansu-atlas units: error: argument --level")
    assert "village" in err.splitlines()[-1]


# --- exports and figures -------------------------------------------------------------------------


@needs("export")
@pytest.mark.parametrize(
    ("option", "value"), [("--format", "shapefile2000"), ("--crs", "EPSG:999999")]
)
def test_export_unknown_format_or_crs(capsys, tmp_path, option, value):
    out_dir = tmp_path / "export"
    code, out, err = run(capsys, "export", option, value, "--out", out_dir)
    assert code == 2 and "Traceback" not in err and out == ""
    last = err.splitlines()[-1]
    assert "error:" in last and value in last, err
    no_output(out_dir)


@needs("figure")
def test_figure_unknown_layout(capsys, tmp_path):
    out_file = tmp_path / "fig.png"
    code, out, err = run(capsys, "figure", "lz_yihe_liangji_sidaii", "--out", out_file)
    one_line_error(code, out, err, "lz_yihe_liangji_sidaii", "lz_yihe_liangji_sidai")
    assert not out_file.exists()


# --- issue 20: values of the wrong type, caught by the one schema (geo/_schema.py) ---------------

#: A valid element with a site (a point member), to break one value at a time.
SITE_ELEMENT = """[[element]]
id = "lz_zz_test"
name = "测试点"
name_en = "test"
plan = "lz"
kind = "node"
parent = PARENT
members = [{ name = "兰州市", role = "node", basis = "stated", level = "prefecture", \
site = { lon = 103.8, lat = 36.06, basis = "inferred", source = "test", precision_deg = PREC } }]
quotes = QUOTES
"""
_QUOTES = f'[{{ text = "{GOOD["quote"]}", provision = "lz-0-p1" }}]'


def site_element(parent: str | None = None, prec: str = "0.05", quotes: str = _QUOTES) -> str:
    """TOML of a valid point element with a site; ``parent`` adds a parent line."""
    text = SITE_ELEMENT.replace("PREC", prec).replace("QUOTES", quotes)
    return text.replace("parent = PARENT\n", f"parent = {parent}\n" if parent else "")


SCHEMA_CASES = {
    "members-int": (re.sub(r"(?m)^members = .*$", "members = 5", element()), "members = 5"),
    "quotes-int": (site_element(quotes="5"), "quotes = 5 is an integer, expected an array"),
    "parent-list": (site_element(parent='["lz_yihe"]'), "parent is an array, expected a string"),
    "basis-table": (
        element().replace('basis = "stated"', "basis = {}"),
        "members[1].basis is a table, expected a string",
    ),
    "precision-nan": (site_element(prec="nan"), "precision_deg = nan is not a finite number"),
    "precision-inf": (site_element(prec="inf"), "precision_deg = inf is not a finite number"),
}


def schema_error(code: int, out: str, err: str, *must: str) -> str:
    """A catalog error with exactly one problem line; return it."""
    assert code == 2, (code, err)
    assert "Traceback" not in err and out == ""
    head, *problems = err.splitlines()
    assert head == f"{PREFIX}1 problem in the concept catalog:", err
    assert len(problems) == 1 and "; " in problems[0], err
    for text in must:
        assert text in problems[0], (text, problems[0])
    return problems[0]


@pytest.mark.parametrize("case", list(SCHEMA_CASES))
def test_wrong_types_in_a_concept_file(capsys, catalog_root, case):
    text, must = SCHEMA_CASES[case]
    bad_catalog(catalog_root, text)
    line = schema_error(*run(capsys, "concepts", "--root", catalog_root), must)
    assert line.startswith("  - zz_bad.toml: element lz_zz_test: ")
    documented(line.strip().removeprefix("- "))


def test_the_site_element_is_valid(capsys, catalog_root):
    bad_catalog(catalog_root, site_element())
    code, _, err = run(capsys, "concepts", "--root", catalog_root)
    assert code == 0, err


ONTOLOGY_CASES = {
    "colour-url": (
        '"#c0392b"',
        '"url(https://evil.example/beacon.png)"',
        "colour = 'url(https://evil.example/beacon.png)' is not a hex colour",
    ),
    "order-string": ("order = 1\n", 'order = "x"\n', "order = 'x' is a string"),
}


@pytest.mark.parametrize("case", list(ONTOLOGY_CASES))
def test_wrong_values_in_the_ontology(capsys, catalog_root, case):
    old, new, must = ONTOLOGY_CASES[case]
    path = catalog_root / "concepts" / "kinds.toml"
    replace_file(path, path.read_text(encoding="utf-8").replace(old, new, 1))
    line = schema_error(*run(capsys, "concepts", "--root", catalog_root), "kinds.toml: kind core")
    assert must in line
    documented(line.strip().removeprefix("- "))


def test_kinds_of_the_wrong_type(capsys, catalog_root):
    replace_file(catalog_root / "concepts" / "kinds.toml", "kind = 5\n")
    schema_error(*run(capsys, "concepts", "--root", catalog_root), "kind = 5 is an integer")


LAYOUT_CASES = {
    "layout-int": ("layout = 5\n", "layouts.toml: layout = 5 is an integer"),
    "elements-int": (
        '[[layout]]\nid = "lz_x"\nname = "x"\nname_en = "x"\nplan = "lz"\nelements = 5\n'
        'caption = "x"\n',
        "layout lz_x: elements = 5 is an integer",
    ),
    "id-index": (
        '[[layout]]\nid = "index"\nname = "x"\nname_en = "x"\nplan = "lz"\n'
        'elements = ["lz_yihe"]\ncaption = "x"\n',
        "layout index: id = 'index' is the name of a page the build writes itself",
    ),
    "id-atlas": (
        '[[layout]]\nid = "atlas"\nname = "x"\nname_en = "x"\nplan = "lz"\n'
        'elements = ["lz_yihe"]\ncaption = "x"\n',
        "(atlas.html); choose another id",
    ),
}


@pytest.mark.parametrize("case", list(LAYOUT_CASES))
def test_wrong_values_in_the_layouts(capsys, catalog_root, case):
    text, must = LAYOUT_CASES[case]
    replace_file(catalog_root / "concepts" / "layouts.toml", text)
    line = schema_error(*run(capsys, "concepts", "--root", catalog_root), must)
    if case.startswith("id-"):
        documented(line.strip().removeprefix("- "))


def test_a_chain_of_1500_parts(capsys, catalog_root):
    n = 1500
    parts = [
        site_element(parent="PARTS")
        .replace("lz_zz_test", f"lz_zz_{i}")
        .replace("parent = PARTS\n", f'parts = ["lz_zz_{i + 1}"]\n' if i + 1 < n else "")
        for i in range(n)
    ]
    bad_catalog(catalog_root, *parts)
    line = schema_error(*run(capsys, "concepts", "--root", catalog_root), "parts nest more than")
    documented(line.strip().removeprefix("- "))


# --- issue 20: the gazetteer and the corpus metadata ---------------------------------------------


def _gazetteer(root: Path, old: str, new: str) -> Path:
    path = root / "gazetteer.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    return replace_file(path, text.replace(old, new, 1))


GAZETTEER_CASES = {
    "self-parent": (
        'name = "七里河区"\nlevel = "county"\nparent = "620100"',
        'name = "七里河区"\nlevel = "county"\nparent = "620103"',
        "[[unit]] 七里河区: parent 620103 is the unit itself; fix parent",
    ),
    "wrong-level": (
        'name = "七里河区"\nlevel = "county"\nparent = "620100"',
        'name = "七里河区"\nlevel = "county"\nparent = "620000"',
        "[[unit]] 七里河区: a county whose parent is the province 甘肃省; give a prefecture",
    ),
    "cycle": (
        'name = "兰州市"\nlevel = "prefecture"\nparent = "620000"',
        'name = "兰州市"\nlevel = "prefecture"\nparent = "620102"',
        "parents form a cycle (兰州市 → 城关区 → 兰州市); fix parent",
    ),
    "one-character": (
        'short = ["七里河"]',
        'short = ["州"]',
        "[[unit]] 七里河区: short[1] = '州' has fewer than 2 characters",
    ),
}


@pytest.mark.parametrize("case", list(GAZETTEER_CASES))
def test_bad_gazetteer_values(capsys, tmp_path, case):
    root = link_root(tmp_path)
    old, new, must = GAZETTEER_CASES[case]
    _gazetteer(root, old, new)
    line = one_line_error(*run(capsys, "names", "甘州", "--root", root), "gazetteer", must)
    if case in ("self-parent", "one-character"):
        documented(line, root=root)


def test_gazetteer_with_a_bom(capsys, tmp_path):
    root = link_root(tmp_path)
    path = root / "gazetteer.toml"
    replace_file(path, b"\xef\xbb\xbf" + path.read_bytes())
    line = one_line_error(*run(capsys, "names", "甘州", "--root", root), "byte-order mark (BOM")
    documented(line, root=root)


def test_plans_toml_of_the_wrong_type(capsys, tmp_path):
    root = link_root(tmp_path)
    replace_file(root / "plans" / "plans.toml", "documents = 5\n")
    line = one_line_error(*run(capsys, "provisions", "--root", root), "documents = 5")
    documented(line, root=root)


# --- issue 20: plan texts and terminal text ------------------------------------------------------

MORE_PLAN_CASES = {
    "bom-only": (b"\xef\xbb\xbf", ["is empty (it holds only a byte-order mark)"]),
    "utf32": ("一、总则\n文本。\n".encode("utf-32"), ["is UTF-32", "iconv -f UTF-32 -t UTF-8"]),
    "utf32le": ("一、总则\n文本。\n".encode("utf-32-le"), ["iconv -f UTF-32LE -t UTF-8"]),
}


@pytest.mark.parametrize("case", list(MORE_PLAN_CASES))
def test_more_bad_plan_files(capsys, tmp_path, case):
    data, must = MORE_PLAN_CASES[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    line = one_line_error(*run(capsys, "provisions", "--file", path), str(path), *must)
    if case != "utf32le":
        documented(line, tmp=tmp_path)


def test_control_characters_are_never_printed_raw(capsys):
    code, out, err = run(capsys, "names", "甘\x1b[2J\x07\u202e州")
    assert code == 2 and out == ""
    assert not any(c in err for c in "\x1b\x07\u202e"), repr(err)
    assert "\\x1b[2J\\x07\\u202e" in err


def test_concepts_json_is_strict_json(capsys):
    code, out, err = run(capsys, "concepts", "--json")
    assert code == 0, err

    def no_constant(name: str) -> None:
        raise AssertionError(f"{name} is not JSON")

    json.loads(out, parse_constant=no_constant)


# --- issue 20: boundary layers -------------------------------------------------------------------


def _break_more(root: Path, how: str) -> Path:
    path = root / "boundaries" / "counties.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    feat = next(f for f in data["features"] if f["properties"]["adcode"] == COUNTY)

    def deep(coords: list, fn):  # apply fn to every position
        return fn(coords) if isinstance(coords[0], int | float) else [deep(c, fn) for c in coords]

    if how == "swapped":
        for f in data["features"]:
            f["geometry"]["coordinates"] = deep(f["geometry"]["coordinates"], lambda c: c[::-1])
    elif how == "features-null":
        data["features"] = None
    elif how == "area-string":
        feat["properties"]["area_km2"] = "1966.54 km2"
    elif how == "3d":
        feat["geometry"]["coordinates"] = deep(
            feat["geometry"]["coordinates"], lambda c: [*c, 1500]
        )
    elif how == "crs-garbage":
        data["crs"] = {"type": "name", "properties": {"name": "garbage"}}
    else:  # pragma: no cover
        raise ValueError(how)
    return replace_file(path, json.dumps(data, ensure_ascii=False))


MORE_BOUNDARY_CASES = {
    "swapped": ["coordinates outside lon 70.0..140.0", "are lon and lat swapped?"],
    "features-null": ["is not a FeatureCollection (features = null)"],
    "area-string": ["area_km2 = '1966.54 km2' for adcode 620822, not a finite number"],
    "3d": ["has 3D coordinates (x, y, z) for adcode 620822"],
    "crs-garbage": ["declares an unknown CRS 'garbage'"],
}


@pytest.mark.parametrize("case", list(MORE_BOUNDARY_CASES))
def test_more_bad_boundaries(capsys, tmp_path, case):
    """`units` and `concepts` both stop on the layer with one line."""
    root = link_root(tmp_path)
    _break_more(root, case)
    must = MORE_BOUNDARY_CASES[case]
    line = one_line_error(
        *run(capsys, "units", "--root", root, "--level", "county"), "counties.geojson", *must
    )
    if case != "swapped":
        documented(line, root=root)
    one_line_error(*run(capsys, "concepts", "--root", root), "counties.geojson", *must)


# --- issue 20: output folders and options --------------------------------------------------------


@needs("build")
@pytest.mark.parametrize(
    ("out", "must"),
    [
        ("", "--out '.' is the current folder or holds it"),  # argparse makes '' a '.'
        (".", "--out '.' is the current folder or holds it"),
        ("/proc", "--out '/proc' is a mount point"),
        ("x" * 300, "is 300 bytes long, more than the 255"),
    ],
)
def test_build_output_names(capsys, tmp_path, monkeypatch, out, must):
    """Refused at once, before the build runs; nothing is written."""
    monkeypatch.chdir(tmp_path)
    line = one_line_error(*run(capsys, "build", "--out", out), must)
    assert list(tmp_path.iterdir()) == []
    if out in (".", "/proc"):
        documented(line)


@needs("build")
def test_build_refuses_to_delete_files_added_to_its_output(capsys, tmp_path):
    out_dir = tmp_path / "atlas"
    (out_dir / "data").mkdir(parents=True)
    (out_dir / "index.html").write_text("previous build", encoding="utf-8")
    (out_dir / "data" / "links.json").write_text("{}", encoding="utf-8")
    mark_written(out_dir)
    (out_dir / "MY_NOTES.txt").write_text("mine", encoding="utf-8")
    (out_dir / "data" / "mine").mkdir()
    (out_dir / "data" / "mine" / "a.txt").write_text("mine", encoding="utf-8")
    line = one_line_error(
        *run(capsys, "build", "--out", out_dir), "(MY_NOTES.txt, data/mine/)", "--out"
    )
    documented(line, tmp=tmp_path)
    assert (out_dir / "MY_NOTES.txt").read_text(encoding="utf-8") == "mine"
    assert (out_dir / "data" / "mine" / "a.txt").read_text(encoding="utf-8") == "mine"


@needs("export")
def test_export_folder_blocking_a_file_name(capsys, tmp_path):
    out_dir = tmp_path / "export"
    (out_dir / "province.csv").mkdir(parents=True)
    line = one_line_error(
        *run(capsys, "export", "--format", "csv", "--layer", "province", "--out", out_dir),
        "province.csv/",
    )
    documented(line, tmp=tmp_path)
    assert [p.name for p in out_dir.iterdir()] == ["province.csv"]


@needs("figure")
@pytest.mark.parametrize("dpi", ["20000", "0", "-5"])
def test_figure_dpi_out_of_range(capsys, tmp_path, dpi):
    out_file = tmp_path / "fig.png"
    line = one_line_error(
        *run(capsys, "figure", "lz_yihe_liangji_sidai", "--dpi", dpi, "--out", out_file),
        f"figure dpi {dpi} is out of range",
    )
    if dpi == "20000":
        documented(line)
    assert not out_file.exists()
