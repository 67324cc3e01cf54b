"""What every atlas page can search beyond its own layers (private helper of :mod:`geo.atlas`).

A layout page draws a few elements, but its search box finds every element and every layout of
the catalog, and places by their pinyin; results that the page does not draw open on the page
that does (the layout that first lists the element, else the combined atlas).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pypinyin import lazy_pinyin

__all__ = ["directory", "layout_caption", "pinyin_key"]


def pinyin_key(text: str) -> str:
    """Toneless pinyin of ``text``, lower case, without spaces (what a reader may type).

    Examples
    --------
    >>> pinyin_key("天水市")
    'tianshuishi'
    """
    return "".join(lazy_pinyin(text)).lower().replace(" ", "")


#: How a page labels its layout's caption: a curated layout's is the title of the plan's figure;
#: a machine draft (``concepts/drafts/``) has no figure, its caption names the text's slogans.
CAPTION_LABEL = "图题 Caption"
SLOGAN_LABEL = "提法 slogan (草案 draft)"


def layout_caption(layout: Any, catalog: Any) -> dict[str, Any]:
    """A layout's caption as the pages and the index show it: ``{label, text, notes}``.

    A curated layout keeps its caption (the plan figure's title, :data:`CAPTION_LABEL`). A
    machine draft's caption is the slogans the drafter found (its listed elements that have
    parts, e.g. 一核牵引、两极并进、四带联动), labelled :data:`SLOGAN_LABEL`; the draft's own
    caption (what a draft is and how to review it) becomes its first note.
    """
    if not getattr(layout, "draft", False):
        return {"label": CAPTION_LABEL, "text": layout.caption, "notes": list(layout.notes)}
    slogans = [catalog.get(i).name for i in layout.listed if catalog.get(i).parts]
    notes = [layout.caption, *layout.notes] if slogans else list(layout.notes)
    text = "；".join(dict.fromkeys(slogans)) if slogans else layout.caption
    return {"label": SLOGAN_LABEL, "text": text, "notes": notes}


def directory(catalog: Any, *, places: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The search directory of every page.

    Returns ``{elements: {id: {name, aliases, kind_zh, plan, page}}, layouts: [{id, name,
    caption, caption_label, plan, elements}], pinyin: {adcode: key}}`` (``caption`` and its
    label: :func:`layout_caption`); ``page`` is the id of the first layout that lists the
    element, or None (only the combined atlas draws it). ``places`` are the units' ``(adcode,
    name)`` pairs.
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
    layouts = []
    for lay in catalog.layouts:
        caption = layout_caption(lay, catalog)
        layouts.append(
            {
                "id": lay.id,
                "name": lay.name,
                "caption": caption["text"],
                "caption_label": caption["label"],
                "plan": lay.plan,
                "elements": list(dict.fromkeys(lay.elements)),
            }
        )
    pinyin: dict[str, str] = {}
    for adcode, name in places:
        pinyin.setdefault(str(adcode), pinyin_key(str(name)))
    return {"elements": elements, "layouts": layouts, "pinyin": dict(sorted(pinyin.items()))}
