"""Basemaps of the atlas: tile providers from xyzservices, with the datum each one is drawn in.

======== ========================== ======= ==========================================
id       provider                   datum   note
======== ========================== ======= ==========================================
none     (no tiles)                 any     pure vector; works offline; the default
osm      OpenStreetMap.Mapnik       wgs84
esri     Esri.WorldImagery          wgs84
tianditu 天地图 vec_w + cva_w       wgs84   CGCS2000, within a metre of WGS84; needs a
                                            key in ``$TIANDITU_KEY``: offered only when set
amap     高德 Gaode.Normal          gcj02   the overlays must be shifted to GCJ-02: the
                                            atlas writes a separate page variant for it
======== ========================== ======= ==========================================

The 天地图 key is read from the environment only, never stored in code or data. When it is
absent, 天地图 is simply not offered. When it is set, it is written into the tile URL of the
pages (a browser key is visible to every reader of a page that uses it).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping
from typing import Any

import xyzservices.providers as xyz

from geo.errors import OutputError

__all__ = ["BASEMAPS", "DATUMS", "TIANDITU_ENV", "basemap_notes", "basemap_records", "datum_of"]

#: The environment variable holding the 天地图 browser key.
TIANDITU_ENV = "TIANDITU_KEY"

#: Every basemap id, in the order offered.
BASEMAPS: tuple[str, ...] = ("none", "osm", "esri", "tianditu", "amap")

#: The datum each basemap needs the overlays in (``none`` goes with either).
DATUMS: Mapping[str, str] = {
    "none": "any",
    "osm": "wgs84",
    "esri": "wgs84",
    "tianditu": "wgs84",
    "amap": "gcj02",
}

_TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk="
)


def _plain(text: str) -> str:
    """Attribution as plain text (some providers ship HTML; the page escapes what it shows)."""
    return html.unescape(re.sub(r"<[^>]*>", "", text)).strip()


def _layer(provider: Any, **kw: Any) -> dict[str, Any]:
    return {
        "url": provider.build_url(fill_subdomain=False, **kw),
        "attribution": _plain(str(provider.get("attribution", ""))),
        "max_zoom": int(provider.get("max_zoom", 18)),
        "subdomains": str(provider.get("subdomains", "abc")),
    }


def datum_of(basemap: str) -> str:
    """The datum a basemap needs (``wgs84``, ``gcj02`` or ``any``).

    Raises
    ------
    OutputError
        Unknown basemap id.
    """
    if basemap not in DATUMS:
        raise OutputError(f"unknown basemap {basemap!r}; use one of {', '.join(BASEMAPS)}")
    return DATUMS[basemap]


def basemap_records(
    *, datum: str = "wgs84", env: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The basemaps a page in ``datum`` offers, as plain records for the page.

    Each record: ``id, name, name_en, datum, layers`` (``url, attribution, max_zoom,
    subdomains`` per tile layer; none for ``none``).

    Parameters
    ----------
    datum
        ``"wgs84"`` (none, OSM, Esri, 天地图 when its key is set) or ``"gcj02"`` (none, 高德).
    env
        Environment to read ``TIANDITU_KEY`` from (default: ``os.environ``).

    Examples
    --------
    >>> [b["id"] for b in basemap_records(env={})]
    ['none', 'osm', 'esri']
    >>> [b["id"] for b in basemap_records(datum="gcj02", env={})]
    ['none', 'amap']
    """
    env = os.environ if env is None else env
    out: list[dict[str, Any]] = [
        {"id": "none", "name": "无底图", "name_en": "none (vector only)", "layers": []}
    ]
    if datum == "wgs84":
        out.append(
            {
                "id": "osm",
                "name": "OpenStreetMap",
                "name_en": "OpenStreetMap",
                "layers": [_layer(xyz.OpenStreetMap.Mapnik)],
            }
        )
        out.append(
            {
                "id": "esri",
                "name": "Esri 影像",
                "name_en": "Esri World Imagery",
                "layers": [_layer(xyz.Esri.WorldImagery)],
            }
        )
        key = env.get(TIANDITU_ENV, "").strip()
        if key:
            layers = [
                {
                    "url": _TIANDITU_URL.replace("{layer}", layer) + key,
                    "attribution": "天地图 (C) 国家地理信息公共服务平台",
                    "max_zoom": 18,
                    "subdomains": "01234567",
                }
                for layer in ("vec", "cva")
            ]
            out.append(
                {"id": "tianditu", "name": "天地图", "name_en": "Tianditu", "layers": layers}
            )
    elif datum == "gcj02":
        out.append(
            {
                "id": "amap",
                "name": "高德地图",
                "name_en": "Amap (GCJ-02)",
                "layers": [_layer(xyz.Gaode.Normal)],
            }
        )
    else:
        raise OutputError(f"unknown datum {datum!r}; use 'wgs84' or 'gcj02'")
    for rec in out:
        rec["datum"] = datum if rec["id"] != "none" else "any"
    return out


def basemap_notes(*, datum: str = "wgs84", env: Mapping[str, str] | None = None) -> list[str]:
    """What a page in ``datum`` offers beside its basemaps (shown under the basemap choice).

    Reader-facing: Chinese first, no environment variables or flags (how to offer 天地图 is
    the README's business, not the page's). ``env`` is kept for callers; it changes nothing.

    Examples
    --------
    >>> basemap_notes(env={})[0][:4]
    '高德地图'
    """
    notes = []
    if datum == "wgs84":
        notes.append("高德地图底图见本页的 GCJ-02 版 (Amap: see the GCJ-02 version of this page)")
    else:
        notes.append("本页坐标已转换为 GCJ-02 以配合高德底图 (overlays shifted to GCJ-02 for Amap)")
    return notes
