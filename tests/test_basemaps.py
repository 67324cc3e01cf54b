"""Tests of geo.basemaps: which basemaps a page offers, in which datum, and why not the others."""

from __future__ import annotations

import pytest

from geo.basemaps import (
    BASEMAPS,
    DATUMS,
    TIANDITU_ENV,
    basemap_notes,
    basemap_records,
    datum_of,
)
from geo.errors import OutputError


def test_every_basemap_has_a_datum():
    assert set(BASEMAPS) == set(DATUMS)
    assert datum_of("amap") == "gcj02" and datum_of("osm") == "wgs84" and datum_of("none") == "any"
    with pytest.raises(OutputError, match="unknown basemap 'google'; use one of none"):
        datum_of("google")


@pytest.mark.parametrize("datum", ["wgs84", "gcj02"])
def test_records_are_plain_and_in_their_datum(datum):
    records = basemap_records(datum=datum, env={})
    assert records[0]["id"] == "none" and records[0]["layers"] == []
    for rec in records:
        assert set(rec) == {"id", "name", "name_en", "datum", "layers"}
        assert rec["datum"] == ("any" if rec["id"] == "none" else datum)
        assert rec["datum"] in ("any", DATUMS[rec["id"]])
        for layer in rec["layers"]:
            assert layer["url"].startswith(("https://", "http://"))
            assert "<" not in layer["attribution"]
            assert layer["max_zoom"] >= 10


def test_tianditu_is_offered_only_with_a_key():
    assert "tianditu" not in [b["id"] for b in basemap_records(env={TIANDITU_ENV: "  "})]
    keyed = basemap_records(env={TIANDITU_ENV: "abc"})
    tdt = next(b for b in keyed if b["id"] == "tianditu")
    assert [layer["url"].endswith("tk=abc") for layer in tdt["layers"]] == [True, True]
    assert "tianditu" not in [
        b["id"] for b in basemap_records(datum="gcj02", env={TIANDITU_ENV: "abc"})
    ]


def test_notes_say_what_is_not_offered():
    plain = basemap_notes(env={})
    assert any("GCJ-02" in n for n in plain)
    # reader-facing: no environment variable or flag on a page (they belong in the README)
    for notes in (plain, basemap_notes(env={TIANDITU_ENV: "k"})):
        assert not any(TIANDITU_ENV in n or "$" in n or "--" in n for n in notes)
    assert "GCJ-02" in basemap_notes(datum="gcj02", env={})[0]


def test_unknown_datum_is_refused():
    with pytest.raises(OutputError, match="unknown datum 'bd09'"):
        basemap_records(datum="bd09", env={})
