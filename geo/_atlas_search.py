"""What every atlas page can search beyond its own layers (private helper of :mod:`geo.atlas`).

A layout page draws a few elements, but its search box finds every element and every layout of
the catalog, and places by their pinyin; results that the page does not draw open on the page
that does (the layout that first lists the element, else the combined atlas).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pypinyin import lazy_pinyin

__all__ = ["directory", "pinyin_key"]


def pinyin_key(text: str) -> str:
    """Toneless pinyin of ``text``, lower case, without spaces (what a reader may type).

    Examples
    --------
    >>> pinyin_key("天水市")
    'tianshuishi'
    """
    return "".join(lazy_pinyin(text)).lower().replace(" ", "")


def directory(catalog: Any, *, places: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The search directory of every page.

    Returns ``{elements: {id: {name, aliases, kind_zh, plan, page}}, layouts: [{id, name,
    caption, plan, elements}], pinyin: {adcode: key}}``; ``page`` is the id of the first layout
    that lists the element, or None (only the combined atlas draws it). ``places`` are the
    units' ``(adcode, name)`` pairs.
    """
    home: dict[str, str] = {}
    for lay in catalog.layouts:
        for i in lay.elements:
            home.setdefault(i, lay.id)
    elements = {
        e.id: {
            "name": e.name,
            "aliases": list(e.aliases),
            "kind_zh": catalog.kinds[e.kind].zh,
            "plan": e.plan,
            "page": home.get(e.id),
        }
        for e in catalog.elements
    }
    layouts = [
        {
            "id": lay.id,
            "name": lay.name,
            "caption": lay.caption,
            "plan": lay.plan,
            "elements": list(dict.fromkeys(lay.elements)),
        }
        for lay in catalog.layouts
    ]
    pinyin: dict[str, str] = {}
    for adcode, name in places:
        pinyin.setdefault(str(adcode), pinyin_key(str(name)))
    return {"elements": elements, "layouts": layouts, "pinyin": dict(sorted(pinyin.items()))}
