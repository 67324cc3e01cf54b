"""The notebooks run from top to bottom and show what each user came for."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["planner", "gis", "presenter"]


def _text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.extend(str(v) for v in output.get("data", {}).values())
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed() -> dict[str, str]:
    from nbclient import NotebookClient

    texts = {}
    for name in NAMES:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        NotebookClient(
            nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
        ).execute()
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"{name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
        texts[name] = _text(nb)
    return texts


@pytest.mark.slow
def test_planner_reads_the_layout_and_its_provisions(executed):
    text = executed["planner"]
    assert "兰州经济圈“一核两极四带”" in text
    assert "定西市" in text and "临夏回族自治州" in text  # the stated members of 两极
    assert "向西开放的重要战略平台" in text  # 兰州新区's defining quote
    assert "xbxgj-5.12-p1" in text  # a search hit for 四屏一廊


@pytest.mark.slow
def test_gis_filters_and_exports(executed):
    text = executed["gis"]
    assert "county-level units; EPSG:4326" in text
    assert "EPSG:4490" in text  # the GeoPackage was read back in CGCS2000
    assert "counties" in text


@pytest.mark.slow
def test_presenter_builds_and_embeds(executed):
    text = executed["presenter"]
    assert "lz_yihe_liangji_sidai.html#concept=lz_yihe_xinqu" in text
    assert "<iframe" in text
    assert "lz.png True" in text


@pytest.mark.parametrize("name", NAMES)
def test_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.slow
def test_planner_shows_the_layout_on_a_map(executed):
    """The map cell's output is a folium map (Leaflet) with the panel's information in popups
    and the user's own marker added to it."""
    text = executed["planner"]
    at = text.find("Trust Notebook")  # folium's notebook output: the map in an iframe srcdoc
    assert at >= 0, "no folium map in the planner notebook's outputs"
    shown = text[at:]
    assert "leaflet" in shown.lower() and "L.map" in shown.replace("&quot;", '"')
    assert "向西开放的重要战略平台" in shown  # 兰州新区's defining quote, in its popup
    assert "my note" in shown  # the user's layer
