"""The records of the concept catalog (private; public through :mod:`geo.catalog`).

Plain frozen dataclasses with no I/O: the loader (:mod:`geo._catalog_load`), the geometry and
tags (:mod:`geo._catalog_geom`) and the records (:mod:`geo._catalog_records`) import them from
here, and :mod:`geo.catalog` re-exports them, so no module imports back into ``geo.catalog``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from geo.boundaries import ALL_LEVELS
from geo.errors import UnknownNameError

#: Geometry families of the kinds, and the shapely geometry types each one allows.
GEOMETRY_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "area": ("Polygon", "MultiPolygon"),
        "line": ("LineString", "MultiLineString"),
        "point": ("Point", "MultiPoint"),
    }
)


#: The folder of ``concepts/`` that holds the machine drafts (:mod:`geo.draft`).
DRAFTS = "drafts"


# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of the ontology (``kinds.toml``): 核 core, 极 pole, 带 belt, 轴 axis …"""

    id: str
    zh: str
    en: str
    geometry: str
    colour: str
    style: str
    order: int
    description: str
    #: the look (geo/styles.py): line width in px, dash pattern in px, marker radius in px
    weight: float = 1.2
    dash: tuple[float, ...] = ()
    radius: float = 0.0


@dataclass(frozen=True)
class Role:
    """A role a member may play (``kinds.toml`` ``[role.*]``)."""

    id: str
    zh: str
    description: str


@dataclass(frozen=True)
class Basis:
    """A basis of membership (``kinds.toml`` ``[basis.*]``); ``style`` hints the outline."""

    id: str
    zh: str
    description: str
    style: str = ""
    #: the look (geo/styles.py): fill opacity of whole areas, dash pattern in px
    fill_opacity: float = 0.42
    dash: tuple[float, ...] = ()


@dataclass(frozen=True)
class Part:
    """A part of an element's features (``kinds.toml`` ``[part.*]``): whole, partial, site."""

    id: str
    zh: str
    style: str
    description: str
    #: the look (geo/styles.py): marker radius in px (0: the kind's)
    radius: float = 0.0


@dataclass(frozen=True)
class Site:
    """A named place drawn as a point: WGS84 lon/lat, how we know it, and how precisely."""

    lon: float
    lat: float
    basis: str
    source: str
    precision_deg: float


@dataclass(frozen=True)
class Quote:
    """A verbatim quote and the provision it occurs in (checked on load)."""

    text: str
    provision: str


@dataclass(frozen=True)
class Member:
    """One member of an element, resolved to adcodes.

    ``level`` is the level of the units the adcodes are read at (``prefecture``, ``county`` or
    ``context``). ``via`` is the id of the part an inherited member came from (composites).
    """

    name: str
    adcodes: tuple[str, ...]
    level: str
    role: str
    basis: str
    partial: bool = False
    source: str | None = None
    site: Site | None = None
    via: str | None = None
    #: the words of the plan that make it a member (drafted members carry their own quote)
    quote: Quote | None = None


@dataclass(frozen=True)
class Element:
    """One element of a layout: a core, pole, belt, axis, circle, barrier, corridor, zone, node
    or scope. ``paths`` are the ordered member names a line is drawn through."""

    id: str
    name: str
    name_en: str
    aliases: tuple[str, ...]
    plan: str
    kind: str
    members: tuple[Member, ...]
    provisions: tuple[str, ...]
    quotes: tuple[Quote, ...]
    notes: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    paths: tuple[tuple[str, ...], ...] = ()
    file: str = ""

    @property
    def drafted(self) -> bool:
        """Whether the element is a machine draft (``concepts/drafts/``) awaiting review."""
        return self.file.startswith(DRAFTS + "/")


@dataclass(frozen=True)
class Layout:
    """A layout (a lost figure or a described arrangement): its elements, parts expanded."""

    id: str
    name: str
    name_en: str
    plan: str
    elements: tuple[str, ...]
    listed: tuple[str, ...]
    caption: str
    figure: str | None = None
    notes: tuple[str, ...] = ()
    #: a layout made of a plan's drafted elements (``{plan}_draft``), not of ``layouts.toml``
    draft: bool = False


@dataclass(frozen=True)
class Catalog:
    """The loaded, validated catalog."""

    elements: tuple[Element, ...]
    layouts: tuple[Layout, ...]
    kinds: Mapping[str, Kind]
    roles: Mapping[str, Role]
    bases: Mapping[str, Basis]
    parts: Mapping[str, Part] = field(default_factory=dict)
    _index: Mapping[str, Element] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", MappingProxyType({e.id: e for e in self.elements}))

    def __contains__(self, id: object) -> bool:
        return id in self._index

    def __len__(self) -> int:
        return len(self.elements)

    def get(self, id: str) -> Element:
        """Return the element ``id``; raise :class:`UnknownNameError` with suggestions."""
        try:
            return self._index[id]
        except KeyError:
            hint = self.suggest(id)
            more = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise UnknownNameError(
                f"unknown concept {id!r}{more} (`gansu-atlas concepts` lists all ids)"
            ) from None

    def suggest(self, text: str, *, n: int = 5) -> list[str]:
        """Ids of the elements nearest to ``text`` (by id, name or alias)."""
        keys: dict[str, str] = {}
        for e in self.elements:
            for k in (e.id, e.name, *e.aliases):
                keys.setdefault(k, e.id)
        out: list[str] = []
        for k in nearest(text, list(keys), n=n * 2):
            if keys[k] not in out:
                out.append(keys[k])
        return out[:n]

    def layout(self, id: str) -> Layout:
        """Return the layout ``id``; raise :class:`UnknownNameError` naming the nearest ids."""
        for lay in self.layouts:
            if lay.id == id:
                return lay
        hint = nearest(id, [lay.id for lay in self.layouts], n=3)
        fix = f"did you mean {', '.join(hint)}?" if hint else "see: gansu-atlas figure --list"
        raise UnknownNameError(f"unknown layout {id!r}; {fix}")

    def by_plan(self, plan: str) -> tuple[Element, ...]:
        """The elements of one plan, in catalog order."""
        return tuple(e for e in self.elements if e.plan == plan)


#: The levels a member's units may be read at (the province is never a member).
MEMBER_LEVELS: tuple[str, ...] = ALL_LEVELS[1:]


def nearest(text: str, candidates: Sequence[str], *, n: int = 5) -> list[str]:
    """The candidates nearest to ``text``: close matches, then those sharing a character run.

    >>> nearest("兰州新", ["兰州新区", "白银市", "兰州市"], n=2)
    ['兰州新区', '兰州市']
    """
    out = difflib.get_close_matches(text, candidates, n=n, cutoff=0.4)
    if len(out) < n:
        for c in candidates:
            if c not in out and len(text) >= 2 and (text[:2] in c or c in text):
                out.append(c)
            if len(out) >= n:
                break
    return out[:n]
