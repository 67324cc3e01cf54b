"""The plan corpus: the five plan texts as provisions with stable ids, headings and source lines.

The texts in ``layers/plans/*.txt`` are PDF and web extractions; ``layers/plans/plans.toml``
says which plans each document holds and what the texts say about them (title, issuer, date,
period). :func:`read_corpus` parses them into :class:`Provision` records; :func:`parse_text`
does the same for a user's own text with the general rules only. The parser is in
:mod:`geo._corpus_parse`, the records in :mod:`geo._corpus_records`.

Structure
---------
Each document is cut into plans at the plans' title lines (``start`` in plans.toml). Lines
before the first plan belong to the document's covering notice plan (003: ``gzb2021``, 004:
``ydyl``), or else to the first plan (000, 002: the 印发 notice is part of the plan, 001 has no
notice). Within a plan every non-blank line becomes part of exactly one provision, or is
reported as a :class:`Skip` with its reason (issuer signatures, dates, letterhead, 抄送);
skips of a document with a covering notice belong to the notice plan.

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
- ``item``: a numbered or bulleted item: ``1.`` ``1．`` ``(1)`` ``（1）``, ``--`` or ``●``
  (kind ``item``).
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

Ids never contain line numbers, so they stay the same when the text is re-parsed. Should a
printed number repeat with other words (a user's file holding several plans), the later id
gets ``v2``, ``v3``… appended, so ids are always unique.

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
import functools
import io
import os
import re
import tomllib
from pathlib import Path

from geo._corpus_parse import METADATA, _parse_document, _PlanConfig
from geo._corpus_records import (
    Corpus,
    Document,
    Figure,
    Hit,
    Plan,
    Provision,
    Repair,
    Skip,
    _squash,
    provision_record,
)
from geo._io import defuse_rows, dumps_json, write_text
from geo._paths import data_root
from geo._schema import BOM, PLANS, bom_problem, require
from geo.errors import DataError, PlanTextError

__all__ = [
    "Corpus",
    "Document",
    "Figure",
    "Hit",
    "Plan",
    "Provision",
    "Repair",
    "Skip",
    "check_metadata",
    "citation",
    "flat_row",
    "flat_rows",
    "parse_text",
    "provision_record",
    "read_corpus",
    "unregistered_texts",
    "write_corpus",
]

PLANS_DIR = "plans"

# --- reading files -----------------------------------------------------------------------------


def _wide_encoding(data: bytes) -> str | None:
    """``UTF-32`` or ``UTF-16`` if ``data`` starts with their byte-order mark (UTF-32 first: its
    little-endian mark begins with UTF-16's), or is UTF-32 without one
    (``UTF-32LE``/``UTF-32BE``); else None."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:4096]
    if len(head) < 8 or len(head) % 4:
        return None
    if not any(head[2::4] + head[3::4]):  # no mark: iconv needs the byte order
        return "UTF-32LE"
    if not any(head[0::4] + head[1::4]):
        return "UTF-32BE"
    return None


def _decode(data: bytes, name: str) -> str:
    """Decode a plan text or raise :class:`PlanTextError` naming the file and the fix."""
    if not data.removeprefix(BOM).strip():
        only = " (it holds only a byte-order mark)" if data.startswith(BOM) else ""
        raise PlanTextError(f"plan text '{name}' is empty{only}; give a UTF-8 text with paragraphs")
    wide = _wide_encoding(data)
    if wide:
        raise PlanTextError(
            f"plan text '{name}' is {wide}, not UTF-8; convert it with "
            f"iconv -f {wide} -t UTF-8 '{name}' > plan.txt"
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


def _metadata(root: Path) -> dict[str, object]:
    path = root / PLANS_DIR / METADATA
    try:
        raw = path.read_bytes()
        bom = bom_problem(raw, file=f"'{path}'")
        if bom:
            raise DataError(bom)
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"'{path}' is missing; the plan corpus needs it (restore layers/plans/{METADATA})"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise DataError(f"'{path}' is not valid TOML ({exc}); fix the file") from None
    require(data, PLANS, file=f"'{path}'", what="corpus metadata")
    return data


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
    check_metadata(docs_meta, plans_meta, where=base / PLANS_DIR / METADATA)
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
        built = _parse_document(
            text,
            file=file,
            plans=cfgs,
            starts=starts,
            notice=notice_cfg,
            skip_lines=_skip_lines(dmeta),
        )
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


_PLAN_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def _fail(where: Path | str, what: str, fix: str) -> DataError:
    return DataError(f"{where}: {what}; {fix}")


def check_metadata(
    documents: list[object], plans: list[object], *, where: Path | str = METADATA
) -> None:
    """Check the ``[[documents]]`` and ``[[plans]]`` tables of plans.toml before parsing.

    Raises
    ------
    DataError
        One line naming the entry and the real fix: a missing ``id``/``file``/``document``
        key, a document or plan id given twice, a plan id that is not an ASCII slug, a plan
        of an unknown document, a ``file`` that is not in the folder's plans.

    Examples
    --------
    >>> check_metadata([{"id": "a", "file": "a.txt"}], [{"id": "x", "document": "a"}])
    >>> try:
    ...     check_metadata([{"id": "a", "file": "a.txt"}], [{"id": "兰州", "document": "a"}])
    ... except DataError as exc:
    ...     print(str(exc)[:42])
    plans.toml: plan id '兰州' is not ASCII; use
    """
    doc_ids: set[str] = set()
    files: dict[str, str] = {}
    for k, d in enumerate(documents, start=1):
        if not isinstance(d, dict):
            raise _fail(
                where, f"[[documents]] entry {k} is not a table", "write it as [[documents]]"
            )
        for key in ("id", "file"):
            if not str(d.get(key, "")).strip():
                name = d.get("file") or d.get("id") or f"number {k}"
                raise _fail(
                    where,
                    f"[[documents]] entry {name} has no `{key}`",
                    f'add {key} = "…" to it'
                    + (" (the .txt file name in this folder)" if key == "file" else ""),
                )
        did, file = str(d["id"]), str(d["file"])
        if did in doc_ids:
            raise _fail(
                where, f"document id '{did}' is given twice", "give each document its own id"
            )
        if file in files:
            raise _fail(
                where,
                f"file '{file}' is listed by documents '{files[file]}' and '{did}'",
                "list each text once",
            )
        doc_ids.add(did)
        files[file] = did
    plan_ids: set[str] = set()
    for k, p in enumerate(plans, start=1):
        if not isinstance(p, dict):
            raise _fail(where, f"[[plans]] entry {k} is not a table", "write it as [[plans]]")
        for key in ("id", "document"):
            if not str(p.get(key, "")).strip():
                name = p.get("id") or p.get("title") or f"number {k}"
                raise _fail(
                    where, f"[[plans]] entry {name} has no `{key}`", f'add {key} = "…" to it'
                )
        pid, did = str(p["id"]), str(p["document"])
        if not _PLAN_ID.fullmatch(pid):
            raise _fail(
                where,
                f"plan id '{pid}' is not ASCII",
                "use letters, digits and _ (e.g. lanzhou), as provision and concept ids "
                "are built from it",
            )
        if pid in plan_ids:
            raise _fail(
                where,
                f"plan id '{pid}' is given twice",
                "give each [[plans]] entry its own id (provision ids start with it)",
            )
        if did not in doc_ids:
            raise _fail(
                where,
                f"plan '{pid}' names document '{did}', which has no [[documents]] entry",
                f"use one of {', '.join(sorted(doc_ids))} or add the document",
            )
        plan_ids.add(pid)


def _skip_lines(dmeta: dict[str, object]) -> dict[int, str]:
    """``skip_lines = [{ from, to, reason }]`` of a document: line number -> reason."""
    out: dict[int, str] = {}
    for block in dmeta.get("skip_lines", []) or []:  # type: ignore[union-attr]
        a, b = int(block["from"]), int(block.get("to", block["from"]))
        for no in range(a, b + 1):
            out[no] = str(block.get("reason", "skipped"))
    return out


def unregistered_texts(*, root: str | os.PathLike[str] | None = None) -> list[Path]:
    """Return the ``.txt`` files in ``root/plans`` that no ``[[documents]]`` entry lists.

    Such a text is not read: register it with :func:`geo.intake.add_plan`
    (``gansu-atlas add-plan FILE``).
    """
    base = data_root(root)
    listed = {str(d.get("file", "")) for d in _metadata(base).get("documents", [])}
    folder = base / PLANS_DIR
    return sorted(p for p in folder.glob("*.txt") if p.name not in listed)


def citation(corpus: Corpus, plan: str) -> str:
    """How a panel cites a plan: its title in 《》 and its document's number.

    Examples
    --------
    >>> citation(read_corpus(), "lz")
    '《“十四五”兰州经济圈发展规划》（甘政办发〔2021〕93号）'
    """
    p = next((x for x in corpus.plans if x.id == plan), None)
    if p is None:
        p = corpus.plan(plan)  # raises the usual error naming the known plans
    doc = next((d for d in corpus.documents if d.id == p.document), None)
    title = p.title or (doc.title if doc else "") or p.id
    number = doc.number if doc else ""
    return f"《{title.strip('《》')}》" + (f"（{number}）" if number else "")


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
    """The provisions as JSON-ready rows (:func:`provision_record`), in text order."""
    return [provision_record(p) for p in corpus.provisions]


def flat_row(record: dict[str, object]) -> tuple[str, ...]:
    """A :func:`provision_record` as a flat text row for tables (CSV, GIS): the columns of
    :data:`COLUMNS` with ``heading`` joined by `` > `` and ``lines`` written ``a-b;c-d``."""
    flat = {
        **record,
        "heading": " > ".join(record["heading"]),  # type: ignore[arg-type]
        "lines": ";".join(f"{a}-{b}" for a, b in record["lines"]),  # type: ignore[attr-defined]
    }
    return tuple(str(flat[c]) for c in COLUMNS)


def flat_rows(corpus: Corpus) -> list[tuple[str, ...]]:
    """The provisions as flat text rows for tables (:func:`flat_row`), in text order."""
    return [flat_row(r) for r in corpus_rows(corpus)]


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
    writer.writerows(defuse_rows(flat_rows(corpus)))
    csv_path = write_text(path.with_suffix(".csv"), buf.getvalue())
    return [json_path, csv_path]
