"""Single-file pages for presenters: every asset inlined, no network request at all.

:func:`geo.atlas.write_atlas` writes pages that load Leaflet from ``static/leaflet/`` (copied
at build time from the installed PyPI package ``django-js-lib-leaflet``). With ``offline=True``
it calls :func:`make_offline`, which rewrites each page in place so that it carries Leaflet's
script and stylesheet itself (the stylesheet's images as ``data:`` URIs) and then removes the
``static/`` folder. The offline pages use no tile basemap (pure vector), so they work opened
from disk, inside an ``<iframe>``, or on a machine with no network.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import shutil
from collections.abc import Iterable
from pathlib import Path

from geo.errors import OutputError

__all__ = ["inline_page", "make_offline"]

_SCRIPT = re.compile(r'<script src="(?P<src>[^"<>]+)"></script>')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<href>[^"<>]+)"\s*/?>')
_CSS_URL = re.compile(r"url\((?P<q>['\"]?)(?P<url>(?!data:|#)[^'\")]+)(?P=q)\)")
#: Anything left that a browser would fetch by itself.
_FETCHING = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=\"(?!data:|#)")
_FIX = "reinstall the assets with `pip install django-js-lib-leaflet` and build again"


def _read(path: Path, page: Path | None) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        where = f" (referenced by {page.name})" if page else ""
        raise OutputError(f"asset {path} is missing{where}; {_FIX}") from None


def _data_uri(path: Path, page: Path | None) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64," + base64.b64encode(_read(path, page)).decode("ascii")


def _inline_css(css: str, *, folder: Path, page: Path | None) -> str:
    return _CSS_URL.sub(lambda m: f'url("{_data_uri(folder / m["url"], page)}")', css)


def inline_page(html: str, *, assets_dir: Path, page: Path | None = None) -> str:
    """Return ``html`` with its local scripts and stylesheets inlined.

    Parameters
    ----------
    html
        A page written by :mod:`geo.atlas`.
    assets_dir
        The folder the page's relative ``src``/``href`` are resolved from (the page's folder).
    page
        The page's path, named in error messages.

    Raises
    ------
    OutputError
        An asset is missing, or the page would still fetch something after inlining.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.js").write_text("var s = '</script>';")
    >>> inline_page('<script src="a.js"></script>', assets_dir=d)
    "<script>var s = '<\\\\/script>';</script>"
    """

    def script(m: re.Match[str]) -> str:
        js = _read(assets_dir / m["src"], page).decode("utf-8")
        return "<script>" + js.replace("</script", "<\\/script") + "</script>"

    def stylesheet(m: re.Match[str]) -> str:
        path = assets_dir / m["href"]
        css = _inline_css(_read(path, page).decode("utf-8"), folder=path.parent, page=page)
        return "<style>" + css.replace("</style", "<\\/style") + "</style>"

    out = _STYLESHEET.sub(stylesheet, _SCRIPT.sub(script, html))
    left = _FETCHING.search(out)
    if left:
        name = page.name if page else "the page"
        raise OutputError(
            f"{name} still fetches {left.group(0)[:60]!r} after inlining; "
            "the atlas page template references an asset the offline step does not know"
        )
    return out


def make_offline(out: Path, written: Iterable[Path]) -> list[Path]:
    """Rewrite the HTML pages among ``written`` (inside ``out``) as single files.

    The shared assets they referenced (``out/static``) are removed afterwards.
    Returns the files that remain, sorted.
    """
    out = Path(out)
    written = [Path(p) for p in written]
    # Inline every page first, write afterwards: a missing asset leaves no half-rewritten output.
    texts = {
        page: inline_page(page.read_text(encoding="utf-8"), assets_dir=page.parent, page=page)
        for page in written
        if page.suffix == ".html"
    }
    for page, text in texts.items():
        with open(page, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    shutil.rmtree(out / "static", ignore_errors=True)
    return sorted(p for p in written if p.exists())
