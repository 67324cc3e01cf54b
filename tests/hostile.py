"""Hostile text for the hardening tests, and data roots that carry it.

Shared by tests/test_hostile.py, tests/test_hardening.py and tests/test_determinism.py (not a
test module itself). :data:`HOSTILE` holds strings that would run script, break out of an
attribute, a template or a script element, or break a layout if any of them reached HTML
unescaped. :func:`copy_root` copies the shipped ``layers/`` into a temporary folder;
:func:`hostile_root` then injects the strings into every field that reaches a page: unit names
(boundary layers and gazetteer), provision text (a plan text), concept names, aliases, notes and
quotes (a catalog file) and a layout (its name and caption).
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from geo._paths import DEFAULT_ROOT

#: Set by any payload that manages to run; the browser tests assert it stays undefined.
PWNED = "__pwned"

#: A long Chinese paragraph (more than 5,000 characters, no sentence of a plan).
LONG_ZH = "".join(
    f"第{i}段：这是一段很长的中文测试文字，用来检验页面在长段落下的排版、换行与转义是否正确。"
    for i in range(1, 141)
)

#: Dollar signs that matplotlib would read as mathtext (one of them malformed).
MATH = "数学$x^2$与$\\frac{1}{$和$$"

#: The hostile strings, each a reason to escape.
HOSTILE: tuple[str, ...] = (
    "<script>alert(1)</script>",
    f"<script>window.{PWNED}=1</script>",
    f"<img src=x onerror=window.{PWNED}=1>",
    f"<svg onload=window.{PWNED}=1>",
    f"\"'><img src=x onerror=window.{PWNED}=1>",
    "引号“双”‘单’「直角」『双直角』\"ascii\" 'apos' `back`",
    f"`${{window.{PWNED}=1}}`",
    "反斜杠\\n\\u003c\\\\x3c\\",
    "{{ 7*7 }}",
    "{% raw %}{{ 7*7 }}{% endraw %}",
    f"</script><script>window.{PWNED}=1</script>",
    f"<!--<script>window.{PWNED}=1//-->",
    "行分隔\u2028段分隔\u2029结束",
    "${x} #{x} %s {0} &amp; &lt;b&gt;",
    f"javascript:window.{PWNED}=1",
    MATH,
    LONG_ZH,
)

#: A short label for each string (pytest ids).
HOSTILE_IDS: tuple[str, ...] = (
    "script-alert",
    "script-pwned",
    "img-onerror",
    "svg-onload",
    "attr-breakout",
    "quotes",
    "template-literal",
    "backslashes",
    "jinja-expr",
    "jinja-raw",
    "close-script",
    "html-comment",
    "line-separators",
    "placeholders",
    "javascript-url",
    "mathtext",
    "long-zh",
)

#: Counties renamed in a temporary root (:func:`rename_units` renames their members in the
#: catalog too, so the catalog stays valid).
SPARE_COUNTIES: tuple[str, ...] = (
    "621024",
    "621025",
    "621027",
    "622921",
    "622922",
    "622924",
    "622925",
)

#: Plan text the hostile paragraphs are appended to, and its plan id.
PLAN_FILE = "000_f2653a2e3b84c563.txt"
PLAN_ID = "xb13"

#: A member every hostile element can use (a prefecture by its official name).
MEMBER = "兰州市"


def toml_str(text: str) -> str:
    """Quote ``text`` as a TOML basic string (control characters escaped).

    Examples
    --------
    >>> tomllib.loads("a = " + toml_str('x"\\\\y\\u2028')) == {"a": 'x"\\\\y\\u2028'}
    True
    """
    out = []
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def copy_root(dest: Path) -> Path:
    """Copy the shipped data root into ``dest/layers`` and return that folder."""
    root = Path(dest) / "layers"
    shutil.copytree(DEFAULT_ROOT, root)
    return root


def link_root(dest: Path) -> Path:
    """Make ``dest/layers`` a cheap copy of the data root: folders made, files symlinked.

    Replace a file with :func:`replace_file` before changing it (never write through a link).
    """
    root = Path(dest) / "layers"
    for src in sorted(DEFAULT_ROOT.rglob("*")):
        target = root / src.relative_to(DEFAULT_ROOT)
        if src.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(src)
    return root


def replace_file(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path``, first removing it if it is a link into the shipped root."""
    path = Path(path)
    if path.is_symlink():
        path.unlink()
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


# --- boundaries and gazetteer --------------------------------------------------------------------


def rename_units(root: Path, names: dict[str, str]) -> None:
    """Give the units ``{adcode: name}`` new official names in the boundaries and gazetteer,
    and in the catalog's members and line paths that name them by their old official name."""
    folder = root / "boundaries"
    old: dict[str, str] = {}
    for path in sorted(folder.glob("*.geojson")):
        data = json.loads(path.read_text(encoding="utf-8"))
        hit = False
        for feat in data["features"]:
            code = feat["properties"].get("adcode")
            if code in names:
                old[code] = feat["properties"]["name"]
                feat["properties"]["name"] = names[code]
                hit = True
        if hit:
            path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    gaz = root / "gazetteer.toml"
    text = gaz.read_text(encoding="utf-8")
    for code, name in names.items():
        pattern = re.compile(rf'(adcode = "{code}"\nname = )"[^"\n]*"')
        text, n = pattern.subn(lambda m, name=name: m.group(1) + toml_str(name), text)
        if n != 1:
            raise ValueError(f"unit {code} not found once in {gaz}")
    gaz.write_text(text, encoding="utf-8")
    for path in sorted((root / "concepts").glob("*.toml")):
        text = original = path.read_text(encoding="utf-8")
        for code, name in names.items():
            member = re.compile(rf"(\{{ *name = ){re.escape(toml_str(old[code]))}([ ,])")
            text = member.sub(lambda m, name=name: m.group(1) + toml_str(name) + m.group(2), text)
            # and the nodes of lines (path = [...], paths = [[...], ...]) that name them
            line = re.compile(r"^paths? = .*$", re.M)
            node, new = toml_str(old[code]), toml_str(name)
            text = line.sub(lambda m, node=node, new=new: m.group(0).replace(node, new), text)
        if text != original:
            replace_file(path, text)


# --- plan text -----------------------------------------------------------------------------------


def append_paragraphs(root: Path, paragraphs: list[str]) -> None:
    """Append ``paragraphs`` (one line each) to the end of :data:`PLAN_FILE`."""
    path = root / "plans" / PLAN_FILE
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text + "\n" + "\n".join(paragraphs) + "\n", encoding="utf-8")


# --- catalog -------------------------------------------------------------------------------------


def element_toml(
    *, eid: str, name: str, quote: str, provision: str, aliases: list[str], notes: list[str]
) -> str:
    """One ``[[element]]`` of kind core with :data:`MEMBER` as its member."""
    return "\n".join(
        [
            "[[element]]",
            f"id = {toml_str(eid)}",
            f"name = {toml_str(name)}",
            f"name_en = {toml_str(name)}",
            f"aliases = [{', '.join(toml_str(a) for a in aliases)}]",
            f"plan = {toml_str(PLAN_ID)}",
            'kind = "core"',
            "members = [",
            f'  {{ name = {toml_str(MEMBER)}, role = "member", basis = "stated",'
            ' level = "prefecture" },',
            "]",
            f"quotes = [{{ text = {toml_str(quote)}, provision = {toml_str(provision)} }}]",
            f"notes = [{', '.join(toml_str(n) for n in notes)}]",
            "",
        ]
    )


def layout_toml(*, lid: str, name: str, caption: str, elements: list[str]) -> str:
    """One ``[[layout]]`` drawing ``elements``."""
    return "\n".join(
        [
            "[[layout]]",
            f"id = {toml_str(lid)}",
            f"name = {toml_str(name)}",
            f"name_en = {toml_str(name)}",
            f"plan = {toml_str(PLAN_ID)}",
            f"elements = [{', '.join(toml_str(e) for e in elements)}]",
            f"caption = {toml_str(caption)}",
            f"notes = [{toml_str(name)}]",
            "",
        ]
    )


@dataclass
class HostileRoot:
    """A data root with hostile text, and where each string went."""

    root: Path
    strings: tuple[str, ...]
    #: adcode -> hostile unit name
    units: dict[str, str] = field(default_factory=dict)
    #: element id -> hostile string in its name, quote and notes
    elements: dict[str, str] = field(default_factory=dict)
    #: provision id -> the hostile string as the corpus keeps it (it drops bare tags such as
    #: ``<script>``, a documented repair; tags with attributes stay)
    provisions: dict[str, str] = field(default_factory=dict)
    #: the provision that names every hostile unit (for place highlighting), and its text
    places: str = ""
    places_text: str = ""
    #: the hostile layout's id and name
    layout: str = "xb13_hostile"
    layout_name: str = ""


def _marker(i: int) -> str:
    return f"测试{i:02d}号"


def hostile_root(dest: Path, strings: tuple[str, ...] = HOSTILE) -> HostileRoot:
    """Copy the data root into ``dest`` and inject ``strings`` into every field of a page.

    - unit names: the first ``len(SPARE_COUNTIES)`` strings rename spare counties (in the
      boundary layers and the gazetteer);
    - provision text: one paragraph per string is appended to :data:`PLAN_FILE`, so each string
      lands in one provision of plan :data:`PLAN_ID`;
    - catalog: one element per string (name, aliases, notes and a quote of that paragraph);
    - layouts: one layout, named after the first string, drawing every hostile element.
    """
    from geo.corpus import read_corpus

    root = copy_root(dest)
    out = HostileRoot(root=root, strings=tuple(strings))
    out.layout_name = strings[0] + (MATH if MATH in strings else "")
    out.units = {
        code: f"{s}{i:02d}县"
        for i, (code, s) in enumerate(zip(SPARE_COUNTIES, strings, strict=False))
    }
    rename_units(root, out.units)
    places = _marker(99)
    append_paragraphs(
        root,
        [f"{_marker(i)}：{s}。" for i, s in enumerate(strings)]
        + [f"{places}：{'、'.join(out.units.values())}。"],
    )
    corpus = read_corpus(root=root)
    (hit,) = [p for p in corpus.provisions if p.plan == PLAN_ID and places in p.text]
    out.places, out.places_text = hit.id, hit.text
    for i in range(len(strings)):
        hits = [p for p in corpus.provisions if p.plan == PLAN_ID and _marker(i) in p.text]
        if len(hits) != 1:
            raise ValueError(f"hostile paragraph {i} landed in {len(hits)} provisions")
        kept = hits[0].text.removeprefix(_marker(i) + "：").removesuffix("。")
        out.provisions[hits[0].id] = kept
    blocks = []
    for i, (pid, kept) in enumerate(out.provisions.items()):
        s = strings[i]
        eid = f"{PLAN_ID}_hostile_{i:02d}"
        out.elements[eid] = s
        blocks.append(
            element_toml(
                eid=eid,
                name=s,
                quote=kept or _marker(i),
                provision=pid,
                aliases=[f"{s}别名"],
                notes=[s],
            )
        )
    (root / "concepts" / "zz_hostile.toml").write_text("\n".join(blocks), encoding="utf-8")
    layouts = root / "concepts" / "layouts.toml"
    layouts.write_text(
        layouts.read_text(encoding="utf-8").rstrip("\n")
        + "\n\n"
        + layout_toml(
            lid=out.layout,
            name=out.layout_name,
            caption=strings[-1][:200],
            elements=list(out.elements),
        ),
        encoding="utf-8",
    )
    for path in (root / "concepts").glob("*.toml"):
        with path.open("rb") as fh:
            tomllib.load(fh)  # the injected TOML must stay valid
    return out
