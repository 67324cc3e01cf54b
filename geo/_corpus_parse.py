"""The parser behind :mod:`geo.corpus`: line classes, cleaning, plans, boxes and tables.

The rules are documented in the docstring of :mod:`geo.corpus`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from geo._corpus_records import Figure, Provision, Repair, Skip, _squash
from geo.errors import DataError

KINDS = {
    "paragraph": "p",
    "item": "item",
    "heading": "h",
    "title": "title",
    "box": "box",
    "caption": "fig",
    "table": "table",
}

METADATA = "plans.toml"


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
    ("article", re.compile(rf"^第([{_CN}]+)条(?:\s+|[：:]\s*|$)(.*)$")),
)
_UNNUMBERED = ("前言", "序言", "引言", "结束语")
_ITEM = re.compile(
    r"^(?:\d{1,2}\s*[.．](?!\d)|\d{1,2}、|[（(]\d{1,2}[）)]|-{2}|—{1,2}|－{2}|[●◆■•▪►])"
)
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
        if style == "article":  # 第三条 本规划范围包括…: the article's number heads its text
            return style, _cn_number(m.group(1)), head, not rest.strip()
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
    skip_lines: dict[int, str] | None = None,
) -> _Builder:
    """Parse one document's text; ``starts[k]`` is the line where ``plans[k]`` begins.

    ``skip_lines`` maps source line numbers to the reason they are not provisions (contents
    blocks, page numbers, running heads: ``skip_lines`` of plans.toml). They are taken out
    before parsing, so a sentence broken by a page number joins across it.
    """
    raw_lines = _source_lines(text)
    numbered = list(enumerate(raw_lines, start=1))
    blank = {no for no, raw in numbered if not raw.strip()}
    furniture: list[tuple[int, str, str]] = []
    if skip_lines:
        furniture = [(no, raw.strip(), skip_lines[no]) for no, raw in numbered if no in skip_lines]
        numbered = [(no, raw) for no, raw in numbered if no not in skip_lines]
        blank |= set(skip_lines)
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
    owner = notice.id if notice is not None else (plans[0].id if plans else "user")
    combined.skips += [Skip(file, owner, no, text, why) for no, text, why in furniture if text]
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
