"""Writing a draft: the catalog-schema TOML file and the readable Markdown report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from geo._draft_records import Draft, DraftElement
from geo._draft_vocab import BASIS
from geo._io import replace_bytes
from geo._paths import data_root
from geo.corpus import Corpus

# --- writing ---------------------------------------------------------------------------------


def _t(v: Any) -> str:
    from geo.intake import _toml_value

    return _toml_value(v)


def draft_toml(draft: Draft, *, corpus: Corpus | None = None) -> str:
    """The draft in the catalog's schema (``[[element]]`` tables, basis ``drafted``)."""
    title = ""
    if corpus is not None:
        from geo.corpus import citation

        title = citation(corpus, draft.plan)
    out = [
        f"# Machine draft of the spatial layout of plan {draft.plan} {title}".rstrip() + "\n",
        '# Written by geo.draft (gansu-atlas draft). Every member has basis "drafted" and\n',
        "# its quote; review each element, then accept it into the curated catalog.\n",
    ]
    byid = {e.id: e for e in draft.elements}
    memo: dict[str, bool] = {}

    def drawable(eid: str) -> bool:
        """An element the catalog can hold: members in Gansu, or drawable parts."""
        if eid not in byid:
            return eid in draft.links.values()  # a curated element of another plan
        if eid not in memo:
            memo[eid] = False  # cycles never count
            e = byid[eid]
            memo[eid] = any(m.adcodes for m in e.members) or any(drawable(x) for x in e.parts)
        return memo[eid]

    skipped = [e for e in draft.elements if not drawable(e.id)]
    for e in draft.elements:
        if not drawable(e.id):
            continue
        e = DraftElement(**{**e.__dict__, "parts": tuple(x for x in e.parts if drawable(x))})
        if e.parent and e.parent in byid and not drawable(e.parent):
            e = DraftElement(**{**e.__dict__, "parent": ""})
        out.append("\n[[element]]\n")
        out.append(f"id = {_t(e.id)}\n")
        out.append(f"name = {_t(e.name)}\n")
        out.append(f"name_en = {_t('Draft: ' + (e.label or e.name))}\n")
        out.append(f"plan = {_t(e.plan)}\n")
        out.append(f"kind = {_t(e.kind)}\n")
        if e.parent:
            out.append(f"parent = {_t(e.parent)}\n")
        if e.parts:
            out.append(f"parts = {_t(list(e.parts))}\n")
        if e.path:
            out.append(f"path = {_t(list(e.path))}\n")
        inside = [m for m in e.members if m.adcodes]
        if inside:
            out.append("members = [\n")
            for m in inside:
                row: dict[str, Any] = {"name": m.name, "role": m.role, "basis": BASIS}
                if m.level and m.level != "outside":
                    row["level"] = m.level
                if m.partial:
                    row["partial"] = True
                row["quote"] = {"text": m.quote, "provision": m.provision}
                out.append(f"  {_t(row)},\n")
            out.append("]\n")
        out.append("quotes = [\n")
        for text, prov in e.quotes:
            out.append(f"  {_t({'text': text, 'provision': prov})},\n")
        out.append("]\n")
        notes = list(e.notes)
        notes += [
            f"outside Gansu, not drawn: {m.name} (“{m.quote}”, {m.provision})"
            for m in e.members
            if not m.adcodes
        ]
        notes += [f"{m.name}: read from {m.via}" for m in e.members if "(city)" in m.via]
        if notes:
            out.append(f"notes = {_t(list(dict.fromkeys(notes)))}\n")
    if skipped:
        out.append(
            "\n# Named by the text without places (undefined slogans and parts, places the\n"
            "# gazetteer does not know): listed here, never given members.\n"
        )
        for e in skipped:
            outside = "、".join(m.name for m in e.members if not m.adcodes)
            where = ", ".join(p for _, p in e.quotes[:1])
            out.append(
                f"#   {e.id} {e.name} [{e.kind}] ({where})"
                + (f" outside Gansu: {outside}" if outside else "")
                + "\n"
            )
    if draft.links:
        out.append("\n# Linked to curated elements of other plans (not drafted again):\n")
        for did, cid in sorted(draft.links.items()):
            out.append(f"#   {did} -> {cid}\n")
    return "".join(out)


def draft_report(draft: Draft) -> str:
    """The draft as readable Markdown: slogans, elements with members and quotes."""
    out = [f"# Draft layout of plan {draft.plan}\n\n"]
    out.append(
        f"{len(draft.slogans)} slogans, {len(draft.elements)} elements, "
        f"{len(draft.links)} linked to the catalog.\n\n"
    )
    byid = {e.id: e for e in draft.elements}

    def show(eid: str, depth: int) -> None:
        e = byid.get(eid)
        pad = "  " * depth
        if e is None:
            out.append(f"{pad}- `{eid}`: the curated catalog's element (linked)\n")
            return
        members = "、".join(
            m.name + ("（部分）" if m.partial else "") + ("（省外）" if m.outside else "")
            for m in e.members
        )
        out.append(f"{pad}- `{e.id}` {e.name} [{e.kind}]: {members or '—'}\n")
        for text, prov in e.quotes[:2]:
            out.append(f"{pad}  - “{text}” ({prov})\n")
        for n in e.notes:
            out.append(f"{pad}  - note: {n}\n")
        for part in e.parts:
            show(part, depth + 1)

    for s in draft.slogans:
        state = "defined" if s.defined else "UNDEFINED (parts named, no members)"
        parts = "、".join(lbl for lbl, _ in s.units)
        out.append(f"## {s.text} — {state}\n\nparts: {parts}; first in {s.provision}\n\n")
        show(s.id, 0)
        out.append("\n")
    for did, cid in sorted(draft.links.items()):
        out.append(f"- linked: {did} is the catalog's {cid}\n")
    scope = byid.get(f"{draft.plan}_draft_scope")
    if scope:
        out.append(f"\n## 规划范围\n\n{'、'.join(m.name for m in scope.members)}\n")
    return "".join(out)


def write_draft(
    draft: Draft, *, root: str | os.PathLike[str] | None = None, corpus: Corpus | None = None
) -> list[Path]:
    """Write ``concepts/drafts/<PLAN>.toml`` and ``<PLAN>.md`` under the data root (atomic)."""
    folder = data_root(root) / "concepts" / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in (
        (f"{draft.plan}.toml", draft_toml(draft, corpus=corpus)),
        (f"{draft.plan}.md", draft_report(draft)),
    ):
        path = folder / name
        replace_bytes(path, text.encode("utf-8"))
        paths.append(path)
    return paths
