"""Plan intake: register a new plan text in a data root.

:func:`inspect_plan` reads a text and says what it is: its title, document number (文号),
date and issuer, the covering notice (关于印发…的通知) before the plan, the lines that are not
provisions (letterhead, document number, signature and date lines, the contents block 目录
with its chapter lines, page numbers and running heads) and how the rest parses (headings,
paragraphs, items, boxes). :func:`add_plan` does the same, then copies the text into
``<root>/plans/`` and appends its ``[[documents]]`` and ``[[plans]]`` entries to
``plans.toml``, only when the whole corpus still reads with them: never a half-written file.

:func:`geo.corpus.unregistered_texts` lists the texts dropped into ``plans/`` without an entry.

Examples
--------
>>> text = "目 录\\n一、总则\\n二、布局\\n一、总则\\n规划期为2026—2030年。\\n- 1 -\\n"
>>> text += "二、布局\\n构建“一心两翼”格局。\\n"
>>> report = inspect_plan(text, id="demo", title="示例规划")
>>> [(s.line, s.reason) for s in report.skips]
[(1, 'contents (目录)'), (2, 'contents (目录)'), (3, 'contents (目录)'), (6, 'page number')]
>>> report.headings
2
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo._corpus_parse import METADATA, _heading, _source_lines
from geo._corpus_records import _squash
from geo._io import replace_bytes
from geo._paths import data_root
from geo.corpus import PLANS_DIR, _decode, _read_bytes, check_metadata, parse_text, read_corpus
from geo.errors import DataError, PlanTextError

__all__ = ["IntakeReport", "SkippedLine", "add_plan", "inspect_plan"]

_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*\d{1,4}\s*号")
_DATE = re.compile(r"^[（(]?(\d{4})年(\d{1,2})月(\d{1,2})日(?:印发)?[）)]?$")
_CN_DATE = re.compile(
    r"^[（(]?([〇○Ｏ零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月"
    r"([一二三四五六七八九十]{1,3})日(?:印发)?[）)]?$"
)
# 甘肃省人民政府办公厅 2026年3月2日印发: the issuer and the date on one line
_ISSUER_DATE = re.compile(
    r"^(\S.{1,40}?(?:人民政府|办公厅|办公室|委员会|政府|局|厅|委))"
    r"\s*[（(]?(\d{4}年\d{1,2}月\d{1,2}日)(?:印发)?[）)]?$"
)
_PAGE = re.compile(
    r"^(?:[-—–－~～·•\s]*\d{1,3}[-—–－~～·•\s]*|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3})$"
)
_CONTENTS = re.compile(r"^目\s*录$")
_LEADER = re.compile(r"(?:[.．·…。\s]{2,}|\s)\d{1,3}$")
_ISSUER = re.compile(r"(?:人民政府|办公厅|办公室|委员会|政府|局|厅|委)$")
_LETTERHEAD = re.compile(r"^\S{2,30}文件$")
_NOTICE = re.compile(r"(?:关于)?印发.*(?:的)?通知$|^关于.*的通知$")
_DISTRIBUTION = re.compile(r"^(?:抄送|抄报|分送)[：:]")
_PUBLICATION = re.compile(r"^[（(]此件.{1,12}[）)]$")
_PLAN_WORDS = re.compile(r"(?:规划|方案|纲要|意见|计划)(?:（[^）]*）)?$")
_SLUG = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass(frozen=True)
class SkippedLine:
    """A line the intake will not make a provision of, and why."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class IntakeReport:
    """What :func:`inspect_plan` found in a text (and :func:`add_plan` wrote).

    ``entry`` holds the ``[[documents]]`` and ``[[plans]]`` tables for plans.toml; ``written``
    says whether :func:`add_plan` wrote them (False for a dry run).
    """

    id: str
    file: str
    title: str
    number: str
    date: str
    issuer: str
    notice: tuple[int, int] | None
    skips: tuple[SkippedLine, ...]
    provisions: int
    headings: int
    kinds: dict[str, int]
    entry: dict[str, Any] = field(default_factory=dict)
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return {
            "id": self.id,
            "file": self.file,
            "title": self.title,
            "number": self.number,
            "date": self.date,
            "issuer": self.issuer,
            "notice": list(self.notice) if self.notice else None,
            "skips": [vars(s) | {} for s in self.skips],
            "provisions": self.provisions,
            "headings": self.headings,
            "kinds": dict(self.kinds),
            "written": self.written,
        }

    def text(self) -> str:
        """The report as readable text (what ``add-plan`` prints)."""
        out = [
            f"plan {self.id}: {self.title or '(no title found)'}",
            f"  file      plans/{self.file}",
            f"  number    {self.number or '—'}",
            f"  date      {self.date or '—'}",
            f"  issuer    {self.issuer or '—'}",
        ]
        if self.notice:
            out.append(f"  notice    lines {self.notice[0]}–{self.notice[1]} (covering notice)")
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.kinds.items()))
        out.append(f"  parsed    {self.provisions} provisions ({kinds}); {self.headings} headings")
        out.append(f"  skipped   {len(self.skips)} lines:")
        for s in self.skips:
            out.append(f"    {s.line:>5}  {s.reason:<28} {s.text[:40]}")
        out.append("  written   plans.toml entry and text" if self.written else "  (dry run)")
        return "\n".join(out) + "\n"


# --- reading a text ------------------------------------------------------------------------------


def _iso(m: re.Match[str], cn: bool) -> str:
    if not cn:
        y, mo, d = (int(g) for g in m.groups())
    else:
        from geo._corpus_parse import _cn_number

        digits = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
        y = int("".join(digits[c] for c in m.group(1)))
        mo, d = _cn_number(m.group(2)), _cn_number(m.group(3))
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _contents(lines: list[str]) -> list[int]:
    """Indexes of a contents block: 目录 and its entry lines, up to the text they announce."""
    out: list[int] = []
    n = len(lines)
    for i, raw in enumerate(lines):
        if not _CONTENTS.match(raw.strip()):
            continue
        entries: list[str] = []
        k = i + 1
        while k < n:
            t = raw_k = lines[k].strip()
            if not t:
                k += 1
                continue
            t = _LEADER.sub("", t).strip()
            key = _squash(t)
            if entries and key == entries[0]:
                break  # the first entry again: the text itself begins
            if "。" in raw_k or len(raw_k) > 60:
                break
            entries.append(key)
            k += 1
        out += [j for j in range(i, k) if lines[j].strip()]
    return out


def _furniture(lines: list[str]) -> dict[int, str]:
    """Page numbers and running heads: index -> reason."""
    out: dict[int, str] = {}
    counts = Counter(_squash(raw) for raw in lines if raw.strip())
    seen: set[str] = set()
    for i, raw in enumerate(lines):
        t = raw.strip()
        if not t:
            continue
        key = _squash(t)
        first = key not in seen  # the first copy is the title or heading the head repeats
        seen.add(key)
        if _PAGE.match(t):
            out[i] = "page number"
        elif (
            not first
            and counts[key] >= 3
            and len(t) <= 40
            and "。" not in t
            and not _heading(t)
            and not t.startswith("专栏")
        ):
            out[i] = "running head"
    return out


def _is_date(line: str) -> bool:
    key = re.sub(r"\s+", "", line)
    return bool(_DATE.match(key) or _CN_DATE.match(key))


def _is_issuer(key: str) -> bool:
    return len(key) <= 24 and bool(_ISSUER.search(key)) and not re.search(r"[，。、；：]", key)


def _signature(key: str, lines: list[str], after: list[int]) -> bool:
    """An issuer line of a signature: an office's name followed by the date, directly or after
    the other issuers of a joint document (甘肃省发展和改革委员会 / 甘肃省自然资源厅 / date)."""
    if not _is_issuer(key):
        return False
    for j in after:
        line = lines[j].strip()
        if _is_date(line):
            return True
        if not _is_issuer(re.sub(r"\s+", "", line)):
            return False
    return False


def _pick_title(lines: list[str], skip: dict[int, str], notice_end: int) -> tuple[str, int]:
    """The plan's title line: the first short line after the notice that names a plan."""
    for i in range(notice_end, len(lines)):
        t = lines[i].strip()
        if not t or i in skip:
            continue
        if len(t) <= 60 and "。" not in t and not _heading(t) and _PLAN_WORDS.search(t):
            return t, i
        if i - notice_end > 8:
            break
    return "", -1


def _scan(text: str, title: str | None) -> dict[str, Any]:
    """Find notice, number, date, issuer, skips and the title in ``text``."""
    lines = _source_lines(text)
    skip: dict[int, str] = {}
    for i in _contents(lines):
        skip[i] = "contents (目录)"
    for i, why in _furniture(lines).items():
        skip.setdefault(i, why)
    number = date = issuer = ""
    nonblank = [i for i, raw in enumerate(lines) if raw.strip()]
    for pos, i in enumerate(nonblank):
        t = lines[i].strip()
        if i in skip:
            continue
        key = re.sub(r"\s+", "", t)  # 甘 肃 省 人 民 政 府, 2026 年 3 月 2 日
        if _NUMBER.fullmatch(t):
            number = number or key
            skip[i] = "document number"
        elif m := _DATE.match(key):
            date = date or _iso(m, False)
            skip[i] = "date line"
        elif m := _CN_DATE.match(key):
            date = date or _iso(m, True)
            skip[i] = "date line"
        elif (m := _ISSUER_DATE.match(t)) and not re.search(r"[，。、；：]", t):
            issuer = issuer or re.sub(r"\s+", "", m.group(1))
            date = date or _iso(_DATE.match(m.group(2)), False)  # type: ignore[arg-type]
            skip[i] = "issuer and date"
        elif _LETTERHEAD.match(t) and pos < 5:
            skip[i] = "letterhead"
        elif _DISTRIBUTION.match(t):
            skip[i] = "distribution list (抄送)"
        elif _PUBLICATION.match(t):
            skip[i] = "publication note"
        elif _signature(key, lines, nonblank[pos + 1 : pos + 5]):
            issuer = issuer or key
            skip[i] = "signature"
    # the covering notice: a 通知 line near the top, up to the plan's title
    notice: tuple[int, int] | None = None
    start = 0
    head = [i for i in nonblank[:6] if i not in skip]
    notice_line = next((i for i in head if _NOTICE.search(lines[i].strip())), None)
    if notice_line is not None:
        named = re.search(r"《([^》]+)》", lines[notice_line])
        want = _squash(title or (named.group(1) if named else ""))
        found = -1
        if want:
            found = next(
                (j for j in range(notice_line + 1, len(lines)) if _squash(lines[j]) == want), -1
            )
        if found < 0:  # the plan title after the signature and date of the notice
            dates = [j for j in range(notice_line + 1, len(lines)) if _is_date(lines[j])]
            if dates:
                t, found = _pick_title(lines, skip, dates[0] + 1)
        if found > notice_line:
            notice = (notice_line + 1, found)  # 1-based, the notice ends before the title
            start = found
    if not title:
        t, _ = _pick_title(lines, skip, start)
        title = t or ""
    doc_title = lines[notice_line].strip() if notice_line is not None else title
    return {
        "lines": lines,
        "skip": skip,
        "number": number,
        "date": date,
        "issuer": issuer,
        "notice": notice,
        "title": title,
        "doc_title": doc_title,
        "start": lines[start].strip() if notice else "",
    }


def _blocks(skip: dict[int, str]) -> list[dict[str, Any]]:
    """Runs of skipped line indexes with one reason, as ``skip_lines`` entries (1-based)."""
    out: list[dict[str, Any]] = []
    for i in sorted(skip):
        why = skip[i]
        if out and out[-1]["reason"] == why and out[-1]["to"] >= i - 2:
            out[-1]["to"] = i + 1
        else:
            out.append({"from": i + 1, "to": i + 1, "reason": why})
    return out


def _entry(scan: dict[str, Any], *, id: str, file: str, title: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": id,
        "file": file,
        "title": scan["doc_title"] or title,
        "issuer": scan["issuer"],
        "date": scan["date"],
        "number": scan["number"],
    }
    plans: list[dict[str, Any]] = []
    if scan["notice"]:
        doc["notice"] = f"{id}_notice"
        plans.append(
            {
                "id": f"{id}_notice",
                "document": id,
                "title": scan["doc_title"],
                "issuer": scan["issuer"],
                "date": scan["date"],
            }
        )
    plan = {
        "id": id,
        "document": id,
        "title": title,
        "issuer": scan["issuer"],
        "date": scan["date"],
    }
    if scan["notice"] and _squash(scan["start"]) != _squash(title):
        plan["start"] = scan["start"]
    plans.append(plan)
    blocks = _blocks(scan["skip"])
    if blocks:
        doc["skip_lines"] = blocks
    return {"documents": [doc], "plans": plans}


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        out = v.replace("\\", "\\\\").replace('"', '\\"')
        out = "".join(c if ord(c) >= 32 and c != "\x7f" else f"\\u{ord(c):04x}" for c in out)
        return f'"{out}"'
    if isinstance(v, list):
        if v and isinstance(v[0], dict):
            return "[\n" + "".join(f"  {_toml_value(x)},\n" for x in v) + "]"
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def entry_toml(entry: dict[str, Any]) -> str:
    """The plans.toml text of an intake entry (appended to the file as it is)."""
    out = []
    for table in ("documents", "plans"):
        for item in entry[table]:
            out.append(f"\n[[{table}]]\n")
            out += [f"{k} = {_toml_value(v)}\n" for k, v in item.items()]
    return "".join(out)


def _default_id(path: Path | None) -> str:
    stem = path.stem if path is not None else ""
    slug = re.sub(r"[^A-Za-z0-9_]", "_", stem).strip("_").lower()
    if not slug or not slug[0].isalpha():
        raise PlanTextError(
            f"cannot make a plan id from the file name '{path.name if path else 'text'}'; "
            "give one with --id (ASCII letters, digits and _, e.g. tianshui15)"
        )
    return slug


def _read(path_or_text: str | os.PathLike[str]) -> tuple[str, Path | None]:
    if isinstance(path_or_text, str) and ("\n" in path_or_text or "\r" in path_or_text):
        return path_or_text, None
    path = Path(path_or_text)
    return _decode(_read_bytes(path), str(path)), path


def inspect_plan(
    path_or_text: str | os.PathLike[str],
    *,
    id: str | None = None,
    title: str | None = None,
) -> IntakeReport:
    """Say what a plan text holds and what the intake would skip, without writing anything.

    Parameters
    ----------
    path_or_text
        A UTF-8 text file, or the text itself (a ``str`` with a line break).
    id
        The plan id (ASCII slug; default: from the file name).
    title
        The plan's title line (default: found in the text).

    Raises
    ------
    PlanTextError
        Unreadable text, a bad id, or a text that does not parse into provisions.
    """
    text, path = _read(path_or_text)
    pid = id or _default_id(path)
    if not _SLUG.fullmatch(pid):
        raise PlanTextError(
            f"plan id '{pid}' is not ASCII; use letters, digits and _ (e.g. tianshui15)"
        )
    scan = _scan(text, title)
    plan_title = title or scan["title"]
    file = f"{pid}.txt"
    entry = _entry(scan, id=pid, file=file, title=plan_title)
    # parse the body as the corpus will (skips removed), to count what it holds
    kept = "\n".join(
        "" if i in scan["skip"] or (scan["notice"] and i < scan["notice"][1]) else raw
        for i, raw in enumerate(scan["lines"])
    )
    if not kept.strip():
        raise PlanTextError(f"plan text '{path or 'text'}' holds no provisions after the skips")
    corpus = parse_text(kept + "\n", plan=pid, title=plan_title, document=file)
    kinds = Counter(p.kind for p in corpus.provisions)
    if not corpus.provisions or kinds.get("heading", 0) + kinds.get("paragraph", 0) == 0:
        raise PlanTextError(
            f"plan text '{path or 'text'}' parses into no headings or paragraphs; "
            "check that it is the plan's text"
        )
    skips = tuple(
        SkippedLine(i + 1, scan["lines"][i].strip(), why) for i, why in sorted(scan["skip"].items())
    )
    return IntakeReport(
        id=pid,
        file=file,
        title=plan_title,
        number=scan["number"],
        date=scan["date"],
        issuer=scan["issuer"],
        notice=scan["notice"],
        skips=skips,
        provisions=len(corpus.provisions),
        headings=kinds.get("heading", 0),
        kinds=dict(sorted(kinds.items())),
        entry=entry,
    )


def add_plan(
    path_or_text: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    id: str | None = None,
    title: str | None = None,
    dry_run: bool = False,
) -> IntakeReport:
    """Register a plan text in a data root: copy it into ``plans/`` and add its entry.

    The entry is written only when the whole corpus reads with it (the new text parses, its
    ids are new): otherwise nothing is written and the error names the fix.

    Parameters
    ----------
    path_or_text
        A UTF-8 text file, or the text itself.
    root
        The data root (default: :func:`geo._paths.data_root`).
    id, title
        As for :func:`inspect_plan`.
    dry_run
        Only report (the same as :func:`inspect_plan`).

    Raises
    ------
    PlanTextError, DataError
        One line: unreadable text, an id already used, a file name taken by another text.
    """
    report = inspect_plan(path_or_text, id=id, title=title)
    base = data_root(root)
    folder = base / PLANS_DIR
    meta_path = folder / METADATA
    try:
        old = meta_path.read_bytes()
    except FileNotFoundError:
        raise DataError(f"'{meta_path}' is missing; pass root= a data root with plans/") from None
    import tomllib

    try:
        meta = tomllib.loads(old.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"'{meta_path}' is not valid TOML ({exc}); fix it first") from None
    plan_ids = {str(p.get("id")) for p in meta.get("plans", [])}
    for p in report.entry["plans"]:
        if p["id"] in plan_ids:
            raise DataError(
                f"{meta_path}: plan id '{p['id']}' is already used; choose another with --id"
            )
    text, src = _read(path_or_text)
    data = src.read_bytes() if src is not None else text.encode("utf-8")
    target = folder / report.file
    if target.exists() and target.read_bytes() != data:
        raise DataError(
            f"'{target}' exists with other text; choose another id with --id "
            "(nothing in plans/ is ever overwritten)"
        )
    new_meta = old.decode("utf-8").rstrip("\n") + "\n" + entry_toml(report.entry)
    parsed = tomllib.loads(new_meta)
    check_metadata(parsed.get("documents", []), parsed.get("plans", []), where=meta_path)
    if dry_run:
        return report
    # the whole corpus must read with the entry before anything is written
    with tempfile.TemporaryDirectory(prefix="gansu-intake-") as tmp:
        trial = Path(tmp) / PLANS_DIR
        trial.mkdir()
        for p in folder.glob("*.txt"):
            os.symlink(p.resolve(), trial / p.name)
        (trial / report.file).write_bytes(data)
        (trial / METADATA).write_text(new_meta, encoding="utf-8")
        read_corpus(root=tmp)
    if not target.exists():
        replace_bytes(target, data)  # a byte-for-byte copy of the source
    try:
        replace_bytes(meta_path, new_meta.encode("utf-8"))
    except OSError as exc:
        raise DataError(f"cannot write '{meta_path}' ({exc.strerror}); nothing changed") from None
    return IntakeReport(**{**report.__dict__, "written": True})
