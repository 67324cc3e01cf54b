"""Headless Chromium for the browser tests (Debian's /usr/bin/chromium driven by playwright).

Playwright cannot download its own browser here, so it launches the system Chromium. Every
request that is not ``file://``, ``data:``, ``blob:`` or ``about:`` is aborted and recorded,
so a test can assert how many network requests a page attempted.

Usage::

    with open_browser() as browser:
        session = open_page(browser, path)       # Session(page, console, errors, blocked)
        session.page.click(...)
        assert session.problems() == []
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_LOCAL = ("file://", "data:", "blob:", "about:")


def have_chromium() -> bool:
    """True when Chromium and playwright are both installed."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None


#: Mark for tests that need the browser: skipped (with the reason) when it is missing.
needs_chromium = pytest.mark.skipif(not have_chromium(), reason=f"needs playwright and {CHROMIUM}")


@contextlib.contextmanager
def open_browser() -> Iterator[Any]:
    """Launch headless Chromium; close it on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Session:
    """One page with what it logged and what it tried to fetch."""

    page: Any
    console: list[tuple[str, str, str]] = field(default_factory=list)  # (type, text, url)
    errors: list[str] = field(default_factory=list)  # uncaught page errors
    blocked: list[str] = field(default_factory=list)  # non-local requests aborted
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt opened

    def problems(self, *, allow_blocked_hosts: tuple[str, ...] = ()) -> list[str]:
        """Console errors and page errors, except failed loads of ``allow_blocked_hosts``.

        A tile basemap cannot load here: its blocked requests log "Failed to load resource"
        errors whose location is the tile URL. Only those (by host) are filtered, explicitly.
        """
        out = [f"pageerror: {e}" for e in self.errors]
        for kind, text, url in self.console:
            if kind != "error":
                continue
            if url and any(host in url for host in allow_blocked_hosts):
                continue
            out.append(f"console.{kind}: {text} ({url})")
        out += [f"dialog: {d}" for d in self.dialogs]
        return out


def open_page(
    browser: Any,
    path: Path,
    *,
    hash: str = "",
    viewport: tuple[int, int] = (1280, 800),
    wait: str = "body[data-atlas-ready]",
) -> Session:
    """Open ``path`` (a file) in a fresh context with the network blocked; wait until ready."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    session = Session(page)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(_LOCAL):
            r.continue_()
        else:
            session.blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page.on(
        "console", lambda m: session.console.append((m.type, m.text, m.location.get("url", "")))
    )
    page.on("pageerror", lambda e: session.errors.append(str(e)))

    def dialog(d: Any) -> None:
        session.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(path.resolve().as_uri() + hash)
    if wait:
        page.wait_for_selector(wait, state="attached", timeout=20_000)
    return session
