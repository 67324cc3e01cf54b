"""The plan corpus: the five plan texts as provisions with stable ids, headings and source lines.

The texts in ``layers/plans/*.txt`` are PDF and web extractions; ``layers/plans/plans.toml``
says which plans each document holds and what the texts say about them (title, issuer, date,
period). :func:`read_corpus` parses them into :class:`Provision` records; :func:`parse_text`
does the same for a user's own text with the general rules only.

Structure
---------
Each document is cut into plans at the plans' title lines (``start`` in plans.toml). Lines
before the first plan belong to the document's covering notice plan (003: ``gzb2021``, 004:
``ydyl``), or else to the first plan (000, 002: the 印发 notice is part of the plan, 001 has no
notice). Within a plan every non-blank line becomes part of exactly one provision, or is
reported as a :class:`Skip` with its reason (issuer signatures, dates, letterhead, 抄送).

Headings are recognised by their numbering, whatever the document: ``第一章``, ``第一节``,
``一、``, ``（一）`` / ``(一)``. Their levels come from the order in which the styles first
appear in the plan (a stack): 000 nests 章 > 节; 002 nests 章 > 一、; 001, 003 and 004 nest
一、 > （一）. A new heading of a style already on the stack closes that level and all below it.
The unnumbered headings 前言/序言/引言/结束语 stand at the top level with number 0. A heading
line that goes on with a sentence after its first 。 (001: ``（一）坚决攻克最后的贫困堡垒。把…``)
opens the heading and is itself the section's first paragraph.

Provision ids
-------------
``{plan}-{path}-{kind}{n}``, where ``path`` is the heading numbers joined by ``.`` (``0`` before
the first heading) and ``n`` counts from 1 within the plan, path and kind:

- ``p``: a paragraph (kind ``paragraph``), e.g. ``lz-3.2-p1`` = plan lz, 三 （二）, paragraph 1.
- ``item``: a numbered or bulleted item: ``1.`` ``1．`` ``(1)`` ``（1）`` or ``--`` (kind ``item``).
- ``h``: a heading line on its own (kind ``heading``), e.g. ``lz-3.2-h1``.
- ``title``: the plan's title line (kind ``title``), e.g. ``lz-0-title1``.
- ``box``: a box 专栏N (kind ``box``); path is the top-level heading number only and ``n`` is
  the printed N, e.g. ``lz-3-box1``. The whole box is one provision, its lines joined by
  ``\\n``. A box printed again with the same words (000 prints 专栏1 three times) is folded
  into the first: one provision whose ``lines`` lists every copy.
- ``fig``: a figure caption 图N (kind ``caption``); path is the top-level number, ``n`` the
  printed N, e.g. ``lz-3-fig1``. The figures themselves are lost; :attr:`Corpus.figures`
  lists the captions.
- ``table``: a tab-separated table with its caption and 注 line (kind ``table``); path is the
  top-level number, ``n`` the printed 表N, else the count of tables in the plan. Rows keep
  their tabs and are joined by ``\\n``.

Ids never contain line numbers, so they stay the same when the text is re-parsed.

Cleaning (never loses a word)
-----------------------------
- A line that ends mid-sentence (not on 。！？；：… or a closing bracket or quote) continues on
  the next non-blank line unless that line is a heading, box, figure, table, item or skip: the
  page breaks of the PDF are joined (``join`` repairs). A short line (up to 20 characters)
  without any punctuation is a title or an unfamiliar heading and is never joined.
- A box ends at the next heading, box, figure or table; a box printed line by line ends at
  the first blank line, one printed with blank lines between its lines at two blank lines.
  Where the layout does not show the end (003 puts a blank line after every line),
  ``box_ends`` in plans.toml gives the beginning of the box's last line.
- A table is a caption (表N, or a short line followed by tab-separated rows) with the rows
  that follow up to a blank line, plus a 注/备注 line after it.
- An English `` and `` between Chinese characters is extraction debris for 和: all three cases
  (003, lines 149, 212 and 680: 区位优势 and 物流集散地优势, 民营科研机构 and 科技服务机构,
  重点行业 and 重要产业) join two nouns, so it becomes 和 (``and`` repairs).
- HTML tags such as ``<p>`` ``</p>`` are removed, with the spaces around them (``tag``).
- Runs of spaces (ASCII, ideographic, no-break) inside a line become one space; line ends are
  trimmed; table cells keep their tabs.
- Every change is recorded as a :class:`Repair` (``Corpus.repairs``): applying the repairs to
  the source lines and removing whitespace gives exactly the provision's text without
  whitespace, which the tests check for every provision.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from geo._io import dumps_json, write_text
from geo._paths import data_root
from geo.errors import DataError, PlanTextError, UnknownNameError

__all__ = [
    "Corpus",
    "Document",
    "Figure",
    "Hit",
    "Plan",
    "Provision",
    "Repair",
    "Skip",
    "parse_text",
    "read_corpus",
    "write_corpus",
]

PLANS_DIR = "plans"
METADATA = "plans.toml"

KINDS = {
    "paragraph": "p",
    "item": "item",
    "heading": "h",
    "title": "title",
    "box": "box",
    "caption": "fig",
    "table": "table",
}

# --- records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provision:
    """One provision: a paragraph, item, heading, box, table, caption or title of a plan.

    ``lines`` are 1-based inclusive ranges of source lines in ``document``.
    """

    id: str
    document: str
    plan: str
    heading: tuple[str, ...]
    text: str
    lines: tuple[tuple[int, int], ...]
    kind: str

    def contains(self, quote: str) -> bool:
        """True if ``quote`` occurs in the text, whitespace ignored (a verbatim quotation).

        >>> p = Provision("x-0-p1", "d", "x", (), "规划期为 2021—2025 年", ((1, 1),), "paragraph")
        >>> p.contains("规划期为2021—2025年"), p.contains("2030")
        (True, False)
        """
        needle = _squash(quote)
        return bool(needle) and needle in _squash(self.text)

    def as_dict(self) -> dict[str, object]:
        """Return the record as plain JSON-ready data (the ``provisions --json`` row)."""
        return {
            "id": self.id,
            "document": self.document,
            "plan": self.plan,
            "kind": self.kind,
            "heading": list(self.heading),
            "text": self.text,
            "lines": [list(r) for r in self.lines],
        }


@dataclass(frozen=True)
class Document:
    """A source text file and what it says about itself."""

    id: str
    file: str
    title: str
    issuer: str
    date: str
    number: str
    plans: tuple[str, ...]
    note: str = ""
    printed: str = ""


@dataclass(frozen=True)
class Plan:
    """A plan (or covering notice) inside a document."""

    id: str
    document: str
    title: str
    issuer: str
    date: str
    period: str
    note: str = ""


@dataclass(frozen=True)
class Figure:
    """The caption of a figure the extraction lost (the map the atlas has to draw)."""

    id: str
    plan: str
    number: int
    title: str
    heading: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Skip:
    """A non-blank source line that is in no provision, and why."""

    document: str
    plan: str
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Repair:
    """One change made while cleaning: on source ``line``, ``old`` became ``new``.

    ``kind`` is ``and``, ``tag``, ``join`` (``line`` continues on ``new``, a line number) or
    ``duplicate`` (``old`` is the range of a repeated copy folded into the provision).
    """

    provision: str
    document: str
    line: int
    kind: str
    old: str
    new: str


@dataclass(frozen=True)
class Hit:
    """A search hit: the provision and a snippet with the match marked 【…】."""

    provision: Provision
    snippet: str


@dataclass(frozen=True)
class Corpus:
    """Documents, plans, provisions, figures, skips and repairs of the plan texts."""

    documents: tuple[Document, ...]
    plans: tuple[Plan, ...]
    provisions: tuple[Provision, ...]
    figures: tuple[Figure, ...]
    skips: tuple[Skip, ...]
    repairs: tuple[Repair, ...]
    source: str = ""
    _index: dict[str, Provision] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = self._index
        for prov in self.provisions:
            if prov.id in index:
                raise DataError(
                    f"{self.source or 'plan corpus'}: provision id '{prov.id}' is given twice; "
                    "fix the headings or box numbers of that plan text"
                )
            index[prov.id] = prov

    def get(self, id: str) -> Provision:
        """Return the provision ``id``; raise :class:`UnknownNameError` with the nearest ids."""
        try:
            return self._index[id]
        except KeyError:
            near = difflib.get_close_matches(id, list(self._index), n=3, cutoff=0.5)
            hint = f"; nearest: {', '.join(near)}" if near else ""
            where = self.source or "the plan corpus"
            raise UnknownNameError(
                f"unknown provision id '{id}' in {where}{hint} "
                "(list them with: gansu-atlas provisions)"
            ) from None

    def __contains__(self, id: object) -> bool:
        return id in self._index

    def plan(self, id: str) -> Plan:
        """Return the plan ``id``."""
        for plan in self.plans:
            if plan.id == id:
                return plan
        raise UnknownNameError(
            f"unknown plan id '{id}'; known: {', '.join(p.id for p in self.plans)}"
        )

    def search(self, query: str, *, plan: str | None = None, context: int = 24) -> list[Hit]:
        """Return the provisions whose text contains ``query`` (case and spaces ignored).

        Each hit carries a snippet of ``context`` characters either side of the first match,
        with the match marked 【…】. ``plan`` limits the search to one plan id.

        Examples
        --------
        >>> [h.provision.id for h in read_corpus().search("一核二极四带")]
        ['lz-3-fig1']
        """
        needle = _squash(query).casefold()
        if not needle:
            return []
        if plan is not None:
            self.plan(plan)  # unknown plan ids raise
        hits = []
        for prov in self.provisions:
            if plan is not None and prov.plan != plan:
                continue
            flat = prov.text.replace("\n", " ")
            pos = _find_squashed(flat, needle)
            if pos is None:
                continue
            start, end = pos
            left = flat[max(0, start - context) : start]
            right = flat[end : end + context]
            snippet = (
                ("…" if start > context else "")
                + left
                + "【"
                + flat[start:end]
                + "】"
                + right
                + ("…" if end + context < len(flat) else "")
            )
            hits.append(Hit(prov, snippet))
        return hits


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _find_squashed(text: str, needle: str) -> tuple[int, int] | None:
    """Find ``needle`` (no whitespace, casefolded) in ``text`` ignoring whitespace."""
    keep = [i for i, ch in enumerate(text) if not ch.isspace()]
    flat = "".join(text[i] for i in keep).casefold()
    at = flat.find(needle)
    if at < 0 or len(flat) != len(keep):
        return None
    return keep[at], keep[at + len(needle) - 1] + 1


# --- reading files -----------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    """Decode a plan text or raise :class:`PlanTextError` naming the file and the fix."""
    if not data.strip():
        raise PlanTextError(f"plan text '{name}' is empty; give a UTF-8 text with paragraphs")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanTextError(
            f"plan text '{name}' is UTF-16, not UTF-8; convert it with "
            f"iconv -f UTF-16 -t UTF-8 '{name}' > plan.txt"
        )
    if b"\x00" in data or sum(b < 9 or 13 < b < 32 for b in data[:4096]) > 8:
        raise PlanTextError(
            f"plan text '{name}' looks binary (not a text file); give a UTF-8 .txt of the plan"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            raise PlanTextError(
                f"plan text '{name}' is not UTF-8 (invalid byte at {exc.start}); "
                "save it as UTF-8 and try again"
            ) from None
        raise PlanTextError(
            f"plan text '{name}' is not UTF-8 (looks like GBK); convert it with "
            f"iconv -f GBK -t UTF-8 '{name}' > plan.txt"
        ) from None
    return text.removeprefix("\ufeff")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise PlanTextError(f"plan text '{path}' does not exist; check the path") from None
    except IsADirectoryError:
        raise PlanTextError(f"plan text '{path}' is a folder; give a .txt file") from None
    except OSError as exc:
        raise PlanTextError(f"cannot read plan text '{path}' ({exc.strerror})") from None


def _source_lines(text: str) -> list[str]:
    """Split into lines (``\\n``, ``\\r\\n`` or ``\\r``) without their ends."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# --- line classes ------------------------------------------------------------------------------

_CN = "〇零一二三四五六七八九十百"
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}

_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^第([{_CN}]+)章\s*(.*)$")),
    ("section", re.compile(rf"^第([{_CN}]+)节\s*(.*)$")),
    ("cn", re.compile(rf"^([{_CN}]+)\s*、\s*(.*)$")),
    ("pcn", re.compile(rf"^[（(]\s*([{_CN}]+)\s*[）)]\s*(.*)$")),
)
_UNNUMBERED = ("前言", "序言", "引言", "结束语")
_ITEM = re.compile(r"^(?:\d{1,2}\s*[.．](?!\d)|\d{1,2}、|[（(]\d{1,2}[）)]|-{2}|—{1,2}|－{2})")
_BOX = re.compile(r"^专栏\s*(\d+)(.*)$")
_FIGURE = re.compile(r"^图\s*(\d+)\s*(\S.*)$")
_TABLE = re.compile(r"^表\s*(\d+)(.*)$")
_NOTE = re.compile(r"^(?:备注|注)\s*[：:]")
_DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日(印发)?$")
_TERMINAL = set("。！？；：…!?;:")
_CLOSERS = set("”’）)】」』》")
_PUNCT = re.compile(r"[，、。；：,;]")
_AND = re.compile(r"(?<=[\u3400-\u9fff）”])\s+and\s+(?=[\u3400-\u9fff（“])")
_TAG = re.compile(r"[ \u3000]*</?[A-Za-z][A-Za-z0-9]*\s*/?>[ \u3000]*")
_SPACES = re.compile(r"[ \u3000\u00a0\u2002\u2003\u2009]+")


def _cn_number(text: str) -> int:
    """Value of a Chinese numeral up to 999 (一 1, 十一 11, 二十三 23, 一百零二 102).

    >>> [_cn_number(s) for s in ("一", "十", "十一", "二十三", "三十", "一百零二")]
    [1, 10, 11, 23, 30, 102]
    """
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS.get(ch, 0)
    return total + current


def _ends_sentence(text: str) -> bool:
    """True unless ``text`` breaks off mid-sentence (so that it continues on the next line).

    A short line without any punctuation is a title or an unfamiliar heading: it ends there.
    """
    text = text.rstrip()
    if not text:
        return True
    if len(text) <= 20 and not _PUNCT.search(text):
        return True
    return text[-1] in _TERMINAL or text[-1] in _CLOSERS


def _heading(text: str) -> tuple[str, int, str, bool] | None:
    """Return (style, number, label, pure) if ``text`` opens a numbered heading."""
    for style, pattern in _HEADINGS:
        m = pattern.match(text)
        if not m:
            continue
        rest = m.group(2)
        head = text[: m.start(2)].rstrip()
        if style == "pcn":  # (一) and （ 一 ） read as （一）
            head = f"（{m.group(1)}）"
        stop = rest.find("。")
        if stop < 0 or stop == len(rest) - 1:
            if len(text) > 60:  # a long numbered sentence without a title: not a heading
                return None
            label = (head + (" " if style in ("chapter", "section") else "") + rest).rstrip("。")
            return style, _cn_number(m.group(1)), _SPACES.sub(" ", label), True
        if stop > 40:
            return None
        label = head + (" " if style in ("chapter", "section") else "") + rest[:stop]
        return style, _cn_number(m.group(1)), _SPACES.sub(" ", label), False
    return None


# --- cleaning ----------------------------------------------------------------------------------


@dataclass
class _Line:
    no: int
    raw: str
    text: str  # cleaned, trimmed
    fixes: list[tuple[str, str, str]]  # (kind, old, new)


def _clean_line(no: int, raw: str, *, table: bool = False) -> _Line:
    fixes: list[tuple[str, str, str]] = []
    text = raw

    def _tag(m: re.Match[str]) -> str:
        fixes.append(("tag", m.group(0), ""))
        return ""

    def _and(m: re.Match[str]) -> str:
        fixes.append(("and", m.group(0), "和"))
        return "和"

    text = _TAG.sub(_tag, text)
    text = _AND.sub(_and, text)
    text = text.strip()
    if table:
        text = "\t".join(_SPACES.sub(" ", cell).strip() for cell in text.split("\t"))
    else:
        text = _SPACES.sub(" ", text.replace("\t", " ")).strip()
    return _Line(no, raw, text, fixes)


# --- parsing one plan --------------------------------------------------------------------------


@dataclass
class _PlanConfig:
    id: str
    title: str = ""
    skip: dict[str, str] = field(default_factory=dict)  # squashed text -> reason
    box_ends: dict[int, str] = field(default_factory=dict)


@dataclass
class _Builder:
    document: str
    plan: _PlanConfig
    provisions: list[Provision] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    boxes: dict[int, int] = field(default_factory=dict)  # box number -> index in provisions
    tables: int = 0
    used: set[str] = field(default_factory=set)

    def next_n(self, path: str, kind: str) -> int:
        key = (path, kind)
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def add(
        self,
        *,
        pid: str,
        heading: tuple[str, ...],
        text: str,
        members: Sequence[_Line],
        ranges: tuple[tuple[int, int], ...],
        kind: str,
    ) -> Provision:
        if pid in self.used:  # e.g. a user's file holding several plans with their own 图1
            k = 2
            while f"{pid}v{k}" in self.used:
                k += 1
            pid = f"{pid}v{k}"
        self.used.add(pid)
        prov = Provision(pid, self.document, self.plan.id, heading, text, ranges, kind)
        self.provisions.append(prov)
        for line in members:
            for fkind, old, new in line.fixes:
                self.repairs.append(Repair(pid, self.document, line.no, fkind, old, new))
        return prov


def _ranges(numbers: Sequence[int], blank: set[int]) -> tuple[tuple[int, int], ...]:
    """Merge line numbers into ranges; a gap of blank lines does not break a range."""
    out: list[list[int]] = []
    for n in sorted(numbers):
        if out and all(k in blank for k in range(out[-1][1] + 1, n)):
            out[-1][1] = n
        else:
            out.append([n, n])
    return tuple((a, b) for a, b in out)


def _parse_plan(
    lines: Sequence[tuple[int, str]], builder: _Builder, *, blank_all: set[int]
) -> None:
    """Parse the lines ``(number, raw)`` of one plan into ``builder``."""
    cfg = builder.plan
    plan = cfg.id
    stack: list[tuple[str, int, str]] = []  # (style, number, label)
    title_key = _squash(cfg.title)
    i, n = 0, len(lines)

    def path() -> str:
        return ".".join(str(num) for _, num, _ in stack) or "0"

    def top() -> str:
        return str(stack[0][1]) if stack else "0"

    def labels() -> tuple[str, ...]:
        return tuple(label for _, _, label in stack)

    def is_blank(k: int) -> bool:
        return not lines[k][1].strip()

    def next_nonblank(k: int) -> int:
        while k < n and is_blank(k):
            k += 1
        return k

    def classify(text: str) -> str:
        """Structural class of a cleaned, non-empty line."""
        key = _squash(text)
        if key in cfg.skip or _DATE.match(key):
            return "skip"
        if title_key and key == title_key:
            return "title"
        if _BOX.match(text):
            return "box"
        if _FIGURE.match(text) and len(text) <= 60 and "。" not in text:
            return "figure"
        if _TABLE.match(text) and len(text) <= 60 and "。" not in text:
            return "table"
        if key in _UNNUMBERED:
            return "unnumbered"
        if _heading(text):
            return "heading"
        return "text"

    def starts_table(k: int) -> bool:
        raw = lines[k][1]
        if "\t" in raw.strip():
            return True
        return k + 1 < n and "\t" in lines[k + 1][1].strip() and len(raw.strip()) <= 60

    def gather_sentence(k: int) -> tuple[list[_Line], int]:
        """Lines from ``k`` joined across page breaks; return them and the next index."""
        first = _clean_line(lines[k][0], lines[k][1])
        members = [first]
        k += 1
        while not _ends_sentence(members[-1].text):
            j = next_nonblank(k)
            if j >= n or "\t" in lines[j][1].strip():
                break
            nxt = _clean_line(lines[j][0], lines[j][1])
            if classify(nxt.text) != "text" or _ITEM.match(nxt.text):
                break
            members[-1].fixes.append(("join", "", str(nxt.no)))
            members.append(nxt)
            k = j + 1
        return members, k

    while i < n:
        no, raw = lines[i]
        if not raw.strip():
            i += 1
            continue
        line = _clean_line(no, raw)
        cls = classify(line.text)

        if cls == "skip":
            key = _squash(line.text)
            reason = cfg.skip.get(key) or (
                "print date of the notice (印发)" if key.endswith("印发") else "date line"
            )
            builder.skips.append(Skip(builder.document, plan, no, raw.strip(), reason))
            i += 1
            continue

        if cls == "title":
            pid = f"{plan}-{path()}-title{builder.next_n(path(), 'title')}"
            builder.add(
                pid=pid,
                heading=labels(),
                text=line.text,
                members=[line],
                ranges=((no, no),),
                kind="title",
            )
            i += 1
            continue

        if cls == "unnumbered":
            stack[:] = [("unnumbered", 0, line.text)]
            pid = f"{plan}-{path()}-h{builder.next_n(path(), 'h')}"
            builder.add(
                pid=pid,
                heading=labels(),
                text=line.text,
                members=[line],
                ranges=((no, no),),
                kind="heading",
            )
            i += 1
            continue

        if cls == "heading":
            found = _heading(line.text)
            assert found is not None  # classify() said "heading"
            style, num, label, pure = found
            if stack and stack[0][0] == "unnumbered":
                stack.clear()
            styles = [s for s, _, _ in stack]
            if style in styles:
                del stack[styles.index(style) :]
            stack.append((style, num, label))
            if pure:
                pid = f"{plan}-{path()}-h{builder.next_n(path(), 'h')}"
                builder.add(
                    pid=pid,
                    heading=labels(),
                    text=line.text,
                    members=[line],
                    ranges=((no, no),),
                    kind="heading",
                )
                i += 1
                continue
            members, i = gather_sentence(i)
            _add_text(builder, members, path(), labels(), "paragraph", blank_all)
            continue

        if cls == "figure":
            m = _FIGURE.match(line.text)
            assert m is not None
            number = int(m.group(1))
            pid = f"{plan}-{top()}-fig{number}"
            builder.add(
                pid=pid,
                heading=labels(),
                text=line.text,
                members=[line],
                ranges=((no, no),),
                kind="caption",
            )
            builder.figures.append(Figure(pid, plan, number, m.group(2).strip(), labels(), no))
            i += 1
            continue

        if cls == "box":
            i = _parse_box(lines, i, builder, labels(), top(), classify, blank_all)
            continue

        if cls == "table" or starts_table(i):
            i = _parse_table(lines, i, builder, labels(), top(), classify, blank_all)
            continue

        kind = "item" if _ITEM.match(line.text) else "paragraph"
        members, i = gather_sentence(i)
        _add_text(builder, members, path(), labels(), kind, blank_all)


def _add_text(
    builder: _Builder,
    members: list[_Line],
    path: str,
    heading: tuple[str, ...],
    kind: str,
    blank: set[int],
) -> None:
    pid = f"{builder.plan.id}-{path}-{KINDS[kind]}{builder.next_n(path, KINDS[kind])}"
    text = _join_texts(m.text for m in members)
    builder.add(
        pid=pid,
        heading=heading,
        text=text,
        members=members,
        ranges=_ranges([m.no for m in members], blank),
        kind=kind,
    )


def _join_texts(parts: Iterable[str]) -> str:
    """Join the pieces of a sentence broken across lines (Chinese: no space between)."""
    return "".join(parts)


def _parse_box(
    lines: Sequence[tuple[int, str]],
    i: int,
    builder: _Builder,
    heading: tuple[str, ...],
    top: str,
    classify: Callable[[str], str],
    blank_all: set[int],
) -> int:
    """Collect the box 专栏N starting at ``lines[i]``; return the index after it."""
    n = len(lines)
    title = _clean_line(lines[i][0], lines[i][1])
    m = _BOX.match(title.text)
    assert m is not None
    number = int(m.group(1))
    end_prefix = builder.plan.box_ends.get(number)
    spaced = i + 1 < n and not lines[i + 1][1].strip()
    members: list[_Line] = [title]
    texts: list[str] = [title.text]
    k = i + 1
    blanks = 0
    while k < n:
        raw = lines[k][1]
        if not raw.strip():
            blanks += 1
            if (not spaced and end_prefix is None) or (blanks >= 2 and end_prefix is None):
                break
            k += 1
            continue
        blanks = 0
        cleaned = _clean_line(lines[k][0], raw, table="\t" in raw.strip())
        cls = classify(cleaned.text)
        if cls not in ("text", "heading") or (cls == "heading" and not _ITEM.match(cleaned.text)):
            break
        # join page breaks inside the box (never tab rows, never into a numbered line)
        if (
            len(members) > 1
            and "\t" not in members[-1].raw.strip()
            and "\t" not in raw.strip()
            and not _ends_sentence(members[-1].text)
            and not _ITEM.match(cleaned.text)
        ):
            members[-1].fixes.append(("join", "", str(cleaned.no)))
            texts[-1] = _join_texts([texts[-1], cleaned.text])
        else:
            texts.append(cleaned.text)
        members.append(cleaned)
        k += 1
        if end_prefix is not None and _squash(cleaned.text).startswith(_squash(end_prefix)):
            break
    text = "\n".join(texts)
    ranges = _ranges([mm.no for mm in members], blank_all)
    plan = builder.plan.id
    if number in builder.boxes:
        idx = builder.boxes[number]
        first = builder.provisions[idx]
        if _squash(first.text) == _squash(text):
            builder.provisions[idx] = Provision(
                first.id,
                first.document,
                first.plan,
                first.heading,
                first.text,
                first.lines + ranges,
                first.kind,
            )
            for a, b in ranges:
                builder.repairs.append(
                    Repair(first.id, builder.document, a, "duplicate", f"{a}-{b}", "")
                )
            return k
        pid = f"{plan}-{top}-box{number}"  # same number, other words: add() makes it unique
    else:
        pid = f"{plan}-{top}-box{number}"
        builder.boxes[number] = len(builder.provisions)
    builder.add(pid=pid, heading=heading, text=text, members=members, ranges=ranges, kind="box")
    return k


def _parse_table(
    lines: Sequence[tuple[int, str]],
    i: int,
    builder: _Builder,
    heading: tuple[str, ...],
    top: str,
    classify: Callable[[str], str],
    blank_all: set[int],
) -> int:
    """Collect a table (caption, tab rows, 注 line) starting at ``lines[i]``."""
    n = len(lines)
    members: list[_Line] = []
    k = i
    while k < n and lines[k][1].strip():
        raw = lines[k][1]
        cleaned = _clean_line(lines[k][0], raw, table=True)
        if members and "\t" not in raw.strip():
            cls = classify(cleaned.text)
            if cls != "text":
                break
        members.append(cleaned)
        k += 1
        if _NOTE.match(cleaned.text):
            break
    if not _NOTE.match(members[-1].text):
        j = k
        while j < n and not lines[j][1].strip():
            j += 1
        if j < n and _NOTE.match(lines[j][1].strip()):
            members.append(_clean_line(lines[j][0], lines[j][1], table=True))
            k = j + 1
    m = _TABLE.match(members[0].text)
    builder.tables += 1
    number = int(m.group(1)) if m else builder.tables
    pid = f"{builder.plan.id}-{top}-table{number}"
    text = "\n".join(mm.text for mm in members)
    ranges = _ranges([mm.no for mm in members], blank_all)
    builder.add(pid=pid, heading=heading, text=text, members=members, ranges=ranges, kind="table")
    return k


# --- documents ---------------------------------------------------------------------------------


def _parse_document(
    text: str,
    *,
    file: str,
    plans: Sequence[_PlanConfig],
    starts: Sequence[str | None],
    notice: _PlanConfig | None,
) -> _Builder:
    """Parse one document's text; ``starts[k]`` is the line where ``plans[k]`` begins."""
    raw_lines = _source_lines(text)
    numbered = list(enumerate(raw_lines, start=1))
    blank = {no for no, raw in numbered if not raw.strip()}
    # where each plan begins
    cuts: list[int] = []
    pos = 0
    for cfg, start in zip(plans, starts, strict=True):
        if start is None:
            cuts.append(0 if not cuts else pos)
            continue
        key = _squash(start)
        for k in range(pos, len(numbered)):
            if _squash(numbered[k][1]) == key:
                cuts.append(k)
                pos = k + 1
                break
        else:
            raise DataError(
                f"layers/plans/{METADATA}: the start line of plan '{cfg.id}' "
                f"('{start}') is not in {file}; fix `start` or `title` there"
            )
    segments: list[tuple[_PlanConfig, int, int]] = []
    if notice is not None:
        segments.append((notice, 0, cuts[0] if cuts else len(numbered)))
    elif cuts:
        cuts[0] = 0
    for k, cfg in enumerate(plans):
        end = cuts[k + 1] if k + 1 < len(cuts) else len(numbered)
        segments.append((cfg, cuts[k], end))
    combined = _Builder(file, plans[0] if plans else _PlanConfig("user"))
    for cfg, a, b in segments:
        builder = _Builder(file, cfg)
        _parse_plan(numbered[a:b], builder, blank_all=blank)
        combined.provisions += builder.provisions
        combined.figures += builder.figures
        combined.repairs += builder.repairs
        # signatures, dates and 抄送 at the end of the last plan belong to the covering notice
        combined.skips += [
            Skip(s.document, notice.id, s.line, s.text, s.reason) if notice is not None else s
            for s in builder.skips
        ]
    return combined


def _metadata(root: Path) -> dict[str, object]:
    path = root / PLANS_DIR / METADATA
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise DataError(
            f"'{path}' is missing; the plan corpus needs it (restore layers/plans/{METADATA})"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"'{path}' is not valid TOML ({exc}); fix the file") from None


def _stamp(root: Path) -> tuple[tuple[str, int, int], ...]:
    folder = root / PLANS_DIR
    try:
        entries = sorted(folder.iterdir())
    except FileNotFoundError:
        raise DataError(
            f"plan folder '{folder}' does not exist; pass root= the layers/ folder"
        ) from None
    return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in entries if p.is_file())


def read_corpus(*, root: str | os.PathLike[str] | None = None) -> Corpus:
    """Read and parse every plan text under ``root/plans`` (cached per folder and file times).

    Parameters
    ----------
    root
        The data root (default: :func:`geo._paths.data_root`).

    Returns
    -------
    Corpus
        Documents, plans, provisions (in text order), figures, skips and repairs.

    Examples
    --------
    >>> corpus = read_corpus()
    >>> corpus.get("lz-3-fig1").text
    '图1 兰州经济圈“一核二极四带”的基本格局'
    """
    base = data_root(root).resolve()
    return _read_corpus_cached(base, _stamp(base))


@functools.lru_cache(maxsize=8)
def _read_corpus_cached(base: Path, stamp: tuple[tuple[str, int, int], ...]) -> Corpus:
    meta = _metadata(base)
    docs_meta = meta.get("documents", [])
    plans_meta = meta.get("plans", [])
    if not isinstance(docs_meta, list) or not isinstance(plans_meta, list):
        raise DataError(f"{base / PLANS_DIR / METADATA}: needs [[documents]] and [[plans]] tables")
    documents: list[Document] = []
    plans: list[Plan] = []
    provisions: list[Provision] = []
    figures: list[Figure] = []
    skips: list[Skip] = []
    repairs: list[Repair] = []
    for dmeta in docs_meta:
        doc_id = str(dmeta["id"])
        file = str(dmeta["file"])
        skip = {_squash(str(s["text"])): str(s["reason"]) for s in dmeta.get("skip", [])}
        pmetas = [p for p in plans_meta if str(p["document"]) == doc_id]
        notice_id = dmeta.get("notice")
        cfgs: list[_PlanConfig] = []
        starts: list[str | None] = []
        notice_cfg = None
        for pm in pmetas:
            cfg = _PlanConfig(
                id=str(pm["id"]),
                title=str(pm.get("title", "")),
                skip=skip,
                box_ends={int(k): str(v) for k, v in pm.get("box_ends", {}).items()},
            )
            plans.append(
                Plan(
                    id=cfg.id,
                    document=doc_id,
                    title=cfg.title,
                    issuer=str(pm.get("issuer", "")),
                    date=str(pm.get("date", "")),
                    period=str(pm.get("period", "")),
                    note=str(pm.get("note", "")),
                )
            )
            if cfg.id == notice_id:
                notice_cfg = cfg
                continue
            cfgs.append(cfg)
            starts.append(str(pm.get("start", cfg.title)) if len(cfgs) > 1 or notice_id else None)
        if not cfgs:
            raise DataError(f"{base / PLANS_DIR / METADATA}: document '{doc_id}' has no plans")
        path = base / PLANS_DIR / file
        text = _decode(_read_bytes(path), str(path))
        built = _parse_document(text, file=file, plans=cfgs, starts=starts, notice=notice_cfg)
        documents.append(
            Document(
                id=doc_id,
                file=file,
                title=str(dmeta.get("title", "")),
                issuer=str(dmeta.get("issuer", "")),
                date=str(dmeta.get("date", "")),
                number=str(dmeta.get("number", "")),
                plans=tuple(str(p["id"]) for p in pmetas),
                note=str(dmeta.get("note", "")),
                printed=str(dmeta.get("printed", "")),
            )
        )
        provisions += built.provisions
        figures += built.figures
        skips += built.skips
        repairs += built.repairs
    return Corpus(
        tuple(documents),
        tuple(plans),
        tuple(provisions),
        tuple(figures),
        tuple(skips),
        tuple(repairs),
        source=str(base / PLANS_DIR),
    )


def parse_text(
    path_or_text: str | os.PathLike[str],
    *,
    document: str | None = None,
    plan: str = "user",
    title: str = "",
) -> Corpus:
    """Parse a user's own plan text (a path, or the text itself) with the general rules.

    Parameters
    ----------
    path_or_text
        A path to a UTF-8 text file, or the text (a ``str`` with a line break).
    document
        Document name recorded in each provision (default: the file name, or ``"text"``).
    plan
        Plan id used as the prefix of the provision ids.
    title
        The plan's title line, if the text has one (it becomes the ``title`` provision).

    Raises
    ------
    PlanTextError
        The file is missing, empty, binary or not UTF-8 (the message says how to convert it).

    Examples
    --------
    >>> c = parse_text("一、总则\\n这是第一段。\\n（一）目标。到2025年建成。\\n")
    >>> [p.id for p in c.provisions]
    ['user-1-h1', 'user-1-p1', 'user-1.1-p1']
    """
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text):
        text = path_or_text
        name = document or "text"
        if not text.strip():
            raise PlanTextError(f"plan text '{name}' is empty; give a text with paragraphs")
    else:
        path = Path(path_or_text)
        name = document or path.name
        text = _decode(_read_bytes(path), str(path))
    if not re.fullmatch(r"[A-Za-z0-9_]+", plan):
        raise PlanTextError(
            f"plan id '{plan}' for '{name}' must be ASCII letters, digits or _; choose another"
        )
    cfg = _PlanConfig(plan, title=title)
    built = _parse_document(text, file=name, plans=[cfg], starts=[None], notice=None)
    doc = Document(name, name, title, "", "", "", (plan,))
    return Corpus(
        (doc,),
        (Plan(plan, name, title, "", "", ""),),
        tuple(built.provisions),
        tuple(built.figures),
        tuple(built.skips),
        tuple(built.repairs),
        source=name,
    )


# --- writing -----------------------------------------------------------------------------------

COLUMNS = ("id", "document", "plan", "kind", "heading", "text", "lines")


def corpus_rows(corpus: Corpus) -> list[dict[str, object]]:
    """The provisions as JSON-ready rows (the columns of :data:`COLUMNS`), in text order."""
    return [p.as_dict() for p in corpus.provisions]


def write_corpus(corpus: Corpus, path: str | os.PathLike[str]) -> list[Path]:
    """Write the provisions as JSON at ``path`` and as CSV beside it (same stem, ``.csv``).

    If ``path`` is a folder (or has no suffix), the files are ``provisions.json`` and
    ``provisions.csv`` inside it; any other suffix is replaced by ``.json``.
    The JSON is an array of rows ``{id, document, plan, kind, heading, text, lines}``; the CSV
    has the same columns with ``heading`` joined by `` > `` and ``lines`` as ``a-b;c-d``.
    Both are deterministic (same corpus, same bytes). Returns the two paths.
    """
    path = Path(path)
    if path.is_dir() or not path.suffix:
        path = path / "provisions.json"
    elif path.suffix.lower() != ".json":
        path = path.with_suffix(".json")
    rows = corpus_rows(corpus)
    json_path = write_text(path, dumps_json(rows, indent=1))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for prov in corpus.provisions:
        writer.writerow(
            [
                prov.id,
                prov.document,
                prov.plan,
                prov.kind,
                " > ".join(prov.heading),
                prov.text,
                ";".join(f"{a}-{b}" for a, b in prov.lines),
            ]
        )
    csv_path = write_text(path.with_suffix(".csv"), buf.getvalue())
    return [json_path, csv_path]
