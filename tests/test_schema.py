"""The one TOML schema (geo/_schema.py), and a fuzz test of it through the command line.

The fuzz test takes copies of the shipped concept file ``lz.toml``, ``kinds.toml``,
``layouts.toml`` and ``gazetteer.toml``, puts one value of the wrong type at a random place
(a number where a string is due, a table where an array is due, ``nan``, …) and runs the
command that reads the file: exit status 2, one problem on one line, no traceback.
"""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hostile import link_root, replace_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo._paths import DEFAULT_ROOT
from geo._schema import (
    CONCEPTS,
    GAZETTEER,
    KINDS,
    LAYOUTS,
    MAX_DEPTH,
    PLANS,
    parts_depth_problems,
    problems,
)
from geo.cli import main

#: file (relative to the data root) → (its spec, the command that reads it)
FILES = {
    "concepts/lz.toml": (CONCEPTS, ["concepts"]),
    "concepts/kinds.toml": (KINDS, ["concepts"]),
    "concepts/layouts.toml": (LAYOUTS, ["concepts"]),
    "gazetteer.toml": (GAZETTEER, ["names", "甘州"]),
}


def _load(rel: str) -> dict[str, Any]:
    return tomllib.loads((DEFAULT_ROOT / rel).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("rel", "spec"),
    [*((rel, spec) for rel, (spec, _) in FILES.items()), ("plans/plans.toml", PLANS)],
)
def test_the_shipped_files_fit_the_schema(rel, spec):
    assert problems(_load(rel), spec, file=rel) == []


# --- a TOML writer for the fuzz test (inline tables and arrays are enough) ----------------------


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))  # pragma: no cover


def toml_doc(data: dict[str, Any]) -> str:
    return "".join(
        f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}\n" for k, v in data.items()
    )


def test_toml_writer_round_trips():
    for rel in FILES:
        data = _load(rel)
        assert tomllib.loads(toml_doc(data)) == data


# --- the fuzz test -------------------------------------------------------------------------------


def _paths(data: Any, spec: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every place in ``data`` the schema declares, with the type class of its value."""
    out: list[tuple[tuple, str]] = []
    if spec.type == "table" and isinstance(data, dict):
        for key, sub in spec.fields.items():
            if key in data:
                out.append(((*path, key), sub.type))
                out += _paths(data[key], sub, (*path, key))
    elif spec.type == "list" and isinstance(data, list):
        for i, item in enumerate(data[:3]):  # a few items of each array are enough
            out.append(((*path, i), spec.item.type))
            out += _paths(item, spec.item, (*path, i))
    elif spec.type == "map" and isinstance(data, dict):
        for key in list(data)[:3]:
            out.append(((*path, key), spec.item.type))
            out += _paths(data[key], spec.item, (*path, key))
    return out


#: Values of the wrong type for each type of the schema.
_SCALARS = {
    "int": st.integers(-3, 3),
    "float": st.sampled_from([0.5, math.nan, math.inf, -math.inf]),
    "bool": st.booleans(),
    "str": st.text("a州#", min_size=1, max_size=4),
    "ints": st.lists(st.integers(0, 9), min_size=1, max_size=2),
    "table": st.fixed_dictionaries({"x": st.integers(0, 9)}),
}
_WRONG = {
    "str": ["int", "float", "bool", "ints", "table"],
    "colour": ["int", "bool", "ints", "table"],
    "strs": ["int", "float", "bool", "ints", "table"],
    "int": ["str", "bool", "ints", "table"],
    "float": ["str", "bool", "ints", "table"],
    "bool": ["int", "str", "ints", "table"],
    "list": ["int", "str", "bool", "table"],
    "table": ["int", "str", "bool", "ints"],
    "map": ["int", "str", "bool", "ints"],
}


def _set(data: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@st.composite
def broken_files(draw: st.DrawFn) -> tuple[str, str, str]:
    rel = draw(st.sampled_from(sorted(FILES)))
    spec = FILES[rel][0]
    data = _load(rel)
    path, kind = draw(st.sampled_from(_paths(data, spec)))
    if kind == "float":  # nan and inf are wrong even though they are floats
        value = draw(st.sampled_from([math.nan, math.inf, -math.inf, "1.5", True]))
    else:
        value = draw(st.one_of(*(_SCALARS[k] for k in _WRONG[kind])))
    _set(data, path, value)
    return rel, toml_doc(data), f"{'.'.join(map(str, path))} = {value!r}"


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory):
    return link_root(tmp_path_factory.mktemp("fuzz"))


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=broken_files())
def test_wrongly_typed_values_are_one_line_errors(fuzz_root, capsys, case):
    rel, text, what = case
    path = fuzz_root / rel
    replace_file(path, text)
    try:
        code = main([*FILES[rel][1], "--root", str(fuzz_root)])
    finally:
        path.unlink()
        path.symlink_to(DEFAULT_ROOT / rel)
    out, err = capsys.readouterr()
    assert code == 2, (what, err)
    assert "Traceback" not in err and out == "", (what, err)
    lines = err.splitlines()
    if rel.startswith("concepts/"):  # the catalog: a head line, then one line per problem
        assert lines[0] == "gansu-atlas: error: 1 problem in the concept catalog:", (what, err)
        lines = lines[1:]
    assert len(lines) == 1 and "; " in lines[0], (what, err)


# --- chains of parts ---------------------------------------------------------------------------


def test_parts_depth_is_counted_without_recursion():
    n = 5000  # far beyond the recursion limit
    chain = [{"id": f"e{i}", "parts": [f"e{i + 1}"] if i + 1 < n else []} for i in range(n)]
    [line] = parts_depth_problems(chain, file_of={})
    assert f"parts nest more than {MAX_DEPTH} deep" in line
    assert parts_depth_problems(chain[-MAX_DEPTH:], file_of={}) == []


def test_a_cycle_of_parts_is_left_to_the_loader():
    cycle = [{"id": "a", "parts": ["b"]}, {"id": "b", "parts": ["a"]}]
    assert parts_depth_problems(cycle, file_of={}) == []


def test_hex_colours_only():
    ok = [{"kind": {"k": {"colour": c}}} for c in ("#abc", "#A1B2C3")]
    bad = ["red", "#abcd", "url(x)", "#fff;background:url(x)", "expression(1)"]
    for data in ok:
        assert problems(data, KINDS, file="kinds.toml") == []
    for colour in bad:
        [line] = problems({"kind": {"k": {"colour": colour}}}, KINDS, file="kinds.toml")
        assert "is not a hex colour" in line


def test_the_fuzz_root_is_a_copy(fuzz_root):
    """The fuzz test writes only into its copy: the shipped files are untouched links."""
    assert (fuzz_root / "gazetteer.toml").resolve() == (DEFAULT_ROOT / "gazetteer.toml").resolve()
    assert Path(DEFAULT_ROOT / "gazetteer.toml").is_file()
