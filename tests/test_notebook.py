"""geo.notebook: a layout as a folium map for Jupyter (issue 17)."""

from __future__ import annotations

import dataclasses

import folium
import pytest
from hostile import HOSTILE

from geo import atlas
from geo.inputs import read_inputs
from geo.notebook import layout_map, popup_html


@pytest.fixture(scope="module")
def inputs():
    """What the pages are drawn from (the inputs are read once per data root)."""
    return atlas.page_inputs(read_inputs())


def test_layout_map_draws_each_element_with_its_panel_information(inputs):
    m = layout_map("lz_yihe_liangji_sidai", inputs=inputs, tiles=None)
    assert isinstance(m, folium.Map)
    catalog = inputs["catalog"]
    ids = list(dict.fromkeys(catalog.layout("lz_yihe_liangji_sidai").elements))
    leaves = [i for i in ids if not any(p in ids for p in catalog.get(i).parts)]
    groups = [c for c in m._children.values() if isinstance(c, folium.FeatureGroup)]
    assert [g.layer_name for g in groups] == [catalog.get(i).name for i in leaves]
    html = m.get_root().render()
    xinqu = catalog.get("lz_yihe_xinqu")
    assert xinqu.quotes[0].text in html and xinqu.quotes[0].provision in html
    assert "部分 partial" in html  # 兰州新区 is a partial member: a dashed outline, not a fill
    # a user's own layer goes on like on any folium map
    folium.Marker([36.5, 103.6], tooltip="mine").add_to(m)
    assert "mine" in m.get_root().render()


def test_unknown_layout_is_one_clear_error(inputs):
    from geo.errors import AtlasError

    with pytest.raises(AtlasError, match="no_such_layout"):
        layout_map("no_such_layout", inputs=inputs)


@pytest.mark.parametrize("text", HOSTILE)
def test_popup_escapes_plan_text(inputs, text):
    catalog = inputs["catalog"]
    e = catalog.get("lz_yihe_xinqu")
    bad = dataclasses.replace(
        e,
        name=text,
        quotes=tuple(dataclasses.replace(q, text=text) for q in e.quotes),
        notes=(text,),
    )
    out = popup_html(bad, catalog, names={})
    tags = out.replace("<br>", "").replace("<b>", "").replace("</b>", "")
    for raw in ("<script", "<img", "<svg", "`", "${", "\\", "{{", "{%"):
        if raw in text:
            assert raw not in tags, raw
    # in a map, the popup's text stays data: no template evaluates it
    m = folium.Map(tiles=None)
    folium.Marker([36, 103], popup=folium.Popup(folium.Html(out, script=True))).add_to(m)
    html = m.get_root().render()
    assert out in html  # verbatim: folium's template left it alone
    if "{{ 7*7 }}" in text:
        assert "&#123;&#123; 7*7 &#125;&#125;" in html and "<b>49</b>" not in html
