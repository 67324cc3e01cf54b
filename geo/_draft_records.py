"""Records of a drafted layout: members, elements, slogans, drafts (public: :mod:`geo.draft`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftMember:
    """A drafted member: the unit (or outside place), why and where the text says so."""

    name: str
    adcodes: tuple[str, ...]
    level: str
    role: str
    partial: bool
    quote: str
    provision: str
    via: str = ""
    outside: bool = False


@dataclass(frozen=True)
class DraftElement:
    """A drafted element in the catalog's terms (kind, members, quotes, parts, path)."""

    id: str
    name: str
    plan: str
    kind: str
    label: str
    members: tuple[DraftMember, ...]
    quotes: tuple[tuple[str, str], ...]
    parent: str = ""
    parts: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    link: str = ""


@dataclass(frozen=True)
class Slogan:
    """A slogan found in the plan: its parts and whether the text defines them."""

    id: str
    text: str
    plan: str
    units: tuple[tuple[str, str], ...]
    provision: str
    defined: bool


@dataclass(frozen=True)
class Draft:
    """The drafted layout of one plan."""

    plan: str
    slogans: tuple[Slogan, ...]
    elements: tuple[DraftElement, ...]
    links: Mapping[str, str] = field(default_factory=dict)

    def element(self, id: str) -> DraftElement:
        """Return the element ``id``."""
        for e in self.elements:
            if e.id == id:
                return e
        raise KeyError(id)
