"""Tests of geo._io: deterministic text and JSON, and folders replaced whole or not at all."""

from __future__ import annotations

import json

import pytest

from geo._io import atomic_dir, dumps_json, write_json, write_text
from geo.errors import OutputError


def test_dumps_json_is_sorted_utf8_with_a_newline():
    text = dumps_json({"b": 1, "a": "兰州"})
    assert text == '{"a":"兰州","b":1}\n'
    assert dumps_json({"b": [1], "a": 2}, indent=1) == '{\n "a": 2,\n "b": [\n  1\n ]\n}\n'
    assert dumps_json({"b": 1, "a": 2}) == dumps_json({"a": 2, "b": 1})


def test_write_text_makes_parents_and_keeps_newlines(tmp_path):
    path = write_text(tmp_path / "a" / "b.txt", "一\n二\n")
    assert path.read_bytes() == "一\n二\n".encode()
    write_json(tmp_path / "c.json", {"x": [1, 2]})
    assert json.loads((tmp_path / "c.json").read_text(encoding="utf-8")) == {"x": [1, 2]}


def test_atomic_dir_replaces_the_folder_when_the_block_succeeds(tmp_path):
    target = tmp_path / "out"
    with atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("1", encoding="utf-8")
    with atomic_dir(target) as tmp:
        (tmp / "b.txt").write_text("2", encoding="utf-8")
    names = {p.name for p in target.iterdir() if not p.name.startswith(".")}
    assert names == {"b.txt"}  # the old output is replaced whole
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary folder left


def test_atomic_dir_leaves_the_target_as_it_was_on_failure(tmp_path):
    target = tmp_path / "out"
    with atomic_dir(target) as tmp:
        (tmp / "a.txt").write_text("1", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "half.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("a step failed")
    assert (target / "a.txt").read_text(encoding="utf-8") == "1"
    assert not (target / "half.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_atomic_dir_never_replaces_a_folder_it_did_not_write(tmp_path):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.docx").write_text("years of work", encoding="utf-8")
    with pytest.raises(OutputError, match="not written by gansu-atlas"), atomic_dir(target):
        pass
    assert (target / "thesis.docx").read_text(encoding="utf-8") == "years of work"


def test_atomic_dir_refuses_a_file_in_the_way(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="not a folder"), atomic_dir(blocker):
        pass
    assert blocker.read_text(encoding="utf-8") == "x"
