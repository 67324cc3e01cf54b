"""Tests of geo.figure and `gansu-atlas figure`."""

from __future__ import annotations

import shutil

import matplotlib.image as mpimg
import numpy as np
import pytest

from geo._paths import data_root
from geo.catalog import read_catalog
from geo.cli import main
from geo.errors import OutputError, UnknownNameError
from geo.figure import cjk_font, render_figure

LAYOUTS = [layout.id for layout in read_catalog().layouts]
DPI = 30
# the figure is 11 x 8.5 inches
SIZE = (round(8.5 * DPI), round(11 * DPI))


def test_there_are_layouts():
    assert len(LAYOUTS) >= 10


@pytest.mark.parametrize("layout_id", LAYOUTS)
def test_each_layout_renders_png(layout_id, tmp_path):
    out = render_figure(layout_id, fmt="png", out=tmp_path / "f.png", dpi=DPI)
    assert out == tmp_path / "f.png"
    img = mpimg.imread(out)
    assert img.shape[:2] == SIZE
    flat = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    assert len(np.unique(flat, axis=0)) > 50  # a map, not a blank page
    assert list(tmp_path.iterdir()) == [out]  # no temp file left behind


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_byte_identical_twice(fmt, tmp_path):
    a = render_figure(LAYOUTS[0], fmt=fmt, out=tmp_path / f"a.{fmt}", dpi=DPI)
    b = render_figure(LAYOUTS[0], fmt=fmt, out=tmp_path / f"b.{fmt}", dpi=DPI)
    assert a.read_bytes() == b.read_bytes()


def test_layouts_differ(tmp_path):
    a = render_figure(LAYOUTS[0], out=tmp_path / "a.png", dpi=DPI).read_bytes()
    b = render_figure(LAYOUTS[2], out=tmp_path / "b.png", dpi=DPI).read_bytes()
    assert a != b


def test_pdf_is_pdf_without_dates(tmp_path):
    out = render_figure(LAYOUTS[0], fmt="pdf", out=tmp_path / "f.pdf", dpi=DPI)
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"CreationDate" not in data and b"matplotlib" not in data.lower()
    assert b"CJK" in data  # the Chinese font is embedded


def test_dpi_changes_size(tmp_path):
    out = render_figure(LAYOUTS[0], fmt="png", out=tmp_path / "f.png", dpi=20)
    assert mpimg.imread(out).shape[:2] == (170, 220)


def test_png_has_no_software_tag(tmp_path):
    out = render_figure(LAYOUTS[0], fmt="png", out=tmp_path / "f.png", dpi=DPI)
    assert b"matplotlib" not in out.read_bytes().lower()


def test_cjk_font_found():
    from matplotlib import font_manager

    path = font_manager.findfont(
        font_manager.FontProperties(family=cjk_font()), fallback_to_default=False
    )
    assert "CJK" in path or "wqy" in path.lower()


def test_no_cjk_font_is_a_clear_error(monkeypatch, tmp_path):
    import geo.figure

    monkeypatch.setattr(geo.figure, "CJK_FONTS", ("No Such Font Family",))
    with pytest.raises(OutputError, match="apt-get install fonts-noto-cjk"):
        render_figure(LAYOUTS[0], out=tmp_path / "f.png")
    assert not (tmp_path / "f.png").exists()


def test_unknown_layout_raises(tmp_path):
    """A misspelt layout id is answered with the id meant (the nearest ids, not all of them)."""
    typo = LAYOUTS[0][:-1] + "x"
    with pytest.raises(UnknownNameError, match=f"did you mean {LAYOUTS[0]}"):
        render_figure(typo, out=tmp_path / "f.png")
    with pytest.raises(UnknownNameError) as info:
        render_figure("no_such_layout", out=tmp_path / "f.png")
    assert sum(lay in str(info.value) for lay in LAYOUTS) <= 3


def test_unknown_format_raises(tmp_path):
    with pytest.raises(OutputError, match="png, pdf"):
        render_figure(LAYOUTS[0], fmt="gif", out=tmp_path / "f.gif")
    assert not (tmp_path / "f.gif").exists()


def test_unwritable_out(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="--out"):
        render_figure(LAYOUTS[0], out=blocker / "sub" / "f.png", dpi=DPI)


def test_existing_target_replaced(tmp_path):
    target = tmp_path / "f.png"
    target.write_bytes(b"old")
    render_figure(LAYOUTS[0], out=target, dpi=DPI)
    assert target.read_bytes().startswith(b"\x89PNG")
    assert list(tmp_path.iterdir()) == [target]


def test_cli_unknown_layout(capsys, tmp_path):
    assert main(["figure", "no_such_layout", "--out", str(tmp_path / "f.png")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "no_such_layout" in err and "did you mean" in err
    assert not (tmp_path / "f.png").exists()


def test_cli_list(capsys):
    assert main(["figure", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == LAYOUTS


def test_cli_renders_pdf(capsys, tmp_path):
    out = tmp_path / "x.pdf"
    code = main(["figure", LAYOUTS[1], "--format", "pdf", "--out", str(out), "--dpi", str(DPI)])
    assert code == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.read_bytes().startswith(b"%PDF")


def test_cli_needs_layout(capsys):
    assert main(["figure"]) == 2
    assert "--list" in capsys.readouterr().err


@pytest.fixture
def dollar_root(tmp_path):
    root = tmp_path / "layers"
    shutil.copytree(data_root(None), root)
    layouts = root / "concepts" / "layouts.toml"
    text = layouts.read_text(encoding="utf-8")
    name = read_catalog().layout(LAYOUTS[0]).name
    assert f'name = "{name}"' in text
    # an even number of $ with invalid mathtext inside: mathtext would raise on it
    layouts.write_text(
        text.replace(f'name = "{name}"', 'name = "价格$x^2$ 与 $_{bad$"', 1), encoding="utf-8"
    )
    return root


def test_dollar_in_name_is_plain_text(dollar_root, tmp_path):
    assert "$_{bad$" in read_catalog(root=dollar_root).layout(LAYOUTS[0]).name
    for fmt in ("png", "pdf"):
        out = render_figure(
            LAYOUTS[0], fmt=fmt, out=tmp_path / f"d.{fmt}", root=dollar_root, dpi=DPI
        )
        assert out.stat().st_size > 0


def test_figure_draws_in_the_look_of_the_atlas_pages(monkeypatch, tmp_path):
    """Colours per element and legend words come from geo.styles (kinds.toml), as on the pages."""
    import matplotlib.colors as mcolors
    from matplotlib.figure import Figure

    from geo.styles import element_colours

    seen: dict = {}
    original = Figure.legend

    def spy(self, *args, **kwargs):
        seen["labels"] = [h.get_label() for h in kwargs["handles"]]
        ax = self.axes[0]
        colours = set()
        for c in ax.collections:
            for rgba in [*c.get_facecolors(), *c.get_edgecolors()]:
                colours.add(mcolors.to_hex(rgba[:3]))
        colours |= {mcolors.to_hex(line.get_color()) for line in ax.lines}
        seen["colours"] = colours
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "legend", spy)
    catalog = read_catalog()
    layout = catalog.layout("lz_yihe_liangji_sidai")
    render_figure(layout.id, fmt="png", out=tmp_path / "f.png", dpi=DPI)
    labels = seen["labels"]
    assert "原文明示 stated" not in labels and not any("原文明示" in x for x in labels)
    assert f"   {catalog.bases['stated'].zh} stated" in labels  # 明确, from kinds.toml
    assert any(x.strip().startswith(catalog.parts["partial"].zh) for x in labels)
    colours = element_colours(catalog)
    drawn = [i for i in layout.elements if not catalog.get(i).parts]
    missing = [i for i in drawn if colours[i] not in seen["colours"]]
    assert not missing, missing
