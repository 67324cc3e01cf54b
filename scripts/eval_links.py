"""Print precision and recall of the unit links against the labelled sample.

Usage: ``python scripts/eval_links.py [--compare] [--errors] [SAMPLE.jsonl]``

``--compare`` also measures the alternatives the method was chosen against: the same
dictionary matcher without its rules, and jieba (a user dictionary of every gazetteer name;
with and without the strict-name rule). ``--errors`` lists every missed and extra unit.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from geo.gazetteer import Gazetteer, read_gazetteer
from geo.links import evaluate_links, read_sample, units_of

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "links_sample.jsonl"


def _jieba(gazetteer: Gazetteer, *, strict: bool) -> Callable[[str], set[str]]:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for entry in gazetteer.entries:
        tok.add_word(entry.name, freq=2_000_000)
    for stop in gazetteer.stops:
        tok.add_word(stop, freq=3_000_000)
    rules = gazetteer.rules

    def predict(text: str) -> set[str]:
        found: set[str] = set()
        for word, start, end in tok.tokenize(text):
            if word not in gazetteer:
                continue
            entry = gazetteer.lookup(word)
            if entry.kind == "region":
                continue
            if strict and entry.strict:
                ok_before = start == 0 or text[start - 1] in rules.before
                ok_after = end == len(text) or text[end] in rules.after
                if not (ok_before and ok_after):
                    continue
            found.update(entry.adcodes)
        return found

    return predict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sample", nargs="?", type=Path, default=SAMPLE)
    parser.add_argument("--compare", action="store_true", help="measure the alternatives too")
    parser.add_argument("--errors", action="store_true", help="list missed and extra units")
    args = parser.parse_args(argv)
    gaz = read_gazetteer()
    rows = read_sample(args.sample)
    methods: list[tuple[str, Callable[[str], set[str]]]] = [
        ("dictionary, longest match + rules", lambda t: units_of(t, gaz)),
    ]
    if args.compare:
        methods += [
            ("dictionary, no rules", lambda t: units_of(t, gaz, rules=False)),
            ("jieba + gazetteer user dict", _jieba(gaz, strict=False)),
            ("jieba + user dict + strict rule", _jieba(gaz, strict=True)),
        ]
    sets = sorted({r.get("set", "") for r in rows})
    for label, predict in methods:
        print(f"{label}:")
        for name in [*sets, None] if len(sets) > 1 else [None]:
            part = [r for r in rows if name is None or r.get("set", "") == name]
            scores = evaluate_links(part, predict)
            print(f"  {name or 'all':8} {scores.summary()}")
        if args.errors:
            scores = evaluate_links(rows, predict)
            for prov, adcode in scores.missed:
                print(f"    missed {prov} {adcode} {gaz.units[adcode].name}")
            for prov, adcode in scores.extra:
                print(f"    extra  {prov} {adcode} {gaz.units[adcode].name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
