"""Tests of geo.figure: static layout maps, deterministic, Chinese font, clear errors."""

from __future__ import annotations

import pytest

from geo import figure
from geo.errors import OutputError, UnknownNameError

LAYOUT = "lz_yihe_liangji_sidai"


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_two_renders_are_byte_identical(tmp_path, fmt):
    a = figure.render_figure(LAYOUT, fmt=fmt, out=tmp_path / f"a.{fmt}", dpi=60)
    b = figure.render_figure(LAYOUT, fmt=fmt, out=tmp_path / f"b.{fmt}", dpi=60)
    data = a.read_bytes()
    assert data == b.read_bytes()
    assert data.startswith(b"\x89PNG" if fmt == "png" else b"%PDF")
    assert b"CreationDate" not in data and b"matplotlib" not in data.lower()


def test_pdf_embeds_a_cjk_font(tmp_path):
    out = figure.render_figure(LAYOUT, fmt="pdf", out=tmp_path / "f.pdf")
    assert b"CJK" in out.read_bytes()


def test_layouts_differ(tmp_path):
    ids = [i for i, _ in figure.list_layouts()]
    assert LAYOUT in ids and len(ids) >= 6
    a = figure.render_figure(ids[0], out=tmp_path / "a.png", dpi=60).read_bytes()
    b = figure.render_figure(ids[2], out=tmp_path / "b.png", dpi=60).read_bytes()
    assert a != b


def test_unknown_layout_lists_known(tmp_path):
    with pytest.raises(UnknownNameError, match=LAYOUT):
        figure.render_figure("nope", out=tmp_path / "x.png")


def test_bad_format_and_missing_folder(tmp_path):
    with pytest.raises(OutputError, match="png, pdf"):
        figure.render_figure(LAYOUT, fmt="svg", out=tmp_path / "x.svg")
    with pytest.raises(OutputError, match="does not exist"):
        figure.render_figure(LAYOUT, out=tmp_path / "no" / "x.png")
    assert not (tmp_path / "x.svg").exists()


def test_no_cjk_font_is_a_clear_error(monkeypatch):
    from matplotlib import font_manager

    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    with pytest.raises(OutputError, match="fonts-noto-cjk"):
        figure.cjk_font()


def test_nice_scale_lengths():
    assert figure._nice(173) == 100
    assert figure._nice(260) == 200
    assert figure._nice(7.3) == 5
