"""Page-ready time in headless Chromium: navigation start to every polygon drawn.

Both pages are served by one local HTTP server and loaded alike: Leaflet's ``leaflet.js`` and
``leaflet.css`` (whatever URL a page asks for them at, CDN or local) are answered from the
installed package ``django-js-lib-leaflet``; every other request that leaves the local server
(map tiles, CDN scripts and styles) is aborted, so the network cannot skew the timing.

An init script polls every animation frame and records ``performance.now()`` (milliseconds
since navigation start) when the number of drawn vector features first reaches the target.
Drawn features are counted as SVG ``path`` elements inside the map plus, for Leaflet's canvas
renderer, path layers that have been projected onto a canvas.

The atlas page draws its polygons first and builds the rest (labels, layer tree, legend, the
plan texts for the panel and search) right after; it marks the end with
``<body data-atlas-ready>``. The time of that mark is recorded too (``done_ms``), so the
report shows both: when the map is drawn, and when the whole page is ready to use.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import statistics
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]

_POLLER = """
(() => {
  const count = () => {
    let n = document.querySelectorAll('.leaflet-container path').length;
    // the canvas layers are looked for only where a map has a canvas: walking every global
    // and every layer each frame would tax the pages it measures (most on the busiest page)
    if (window.L && L.Canvas && document.querySelector('.leaflet-container canvas')) {
      for (const key of Object.keys(window)) {
        let v; try { v = window[key]; } catch (e) { continue; }
        if (v instanceof L.Map) {
          v.eachLayer(l => { if (l._renderer instanceof L.Canvas && l._parts) n += 1; });
        }
      }
    }
    return n;
  };
  window.__benchCount = count;
  const tick = () => {
    const target = window.__benchTarget;
    // an empty map (target 0) is ready once Leaflet has made its panes
    if (target !== undefined && window.__benchReady === undefined
        && document.querySelector('.leaflet-map-pane') && count() >= target) {
      window.__benchReady = performance.now();
    }
    if (window.__benchDone === undefined && document.body
        && document.body.hasAttribute('data-atlas-ready')) {
      window.__benchDone = performance.now();
    }
    if (window.__benchReady === undefined || window.__benchDone === undefined) {
      requestAnimationFrame(tick);
    }
  };
  requestAnimationFrame(tick);
})();
"""


def _leaflet_file(name: str) -> Path:
    spec = importlib.util.find_spec("js_lib_leaflet")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("bench: install django-js-lib-leaflet (it ships leaflet.js)")
    return Path(next(iter(spec.submodule_search_locations))) / "static" / "js_lib_leaflet" / name


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a page closed while a request was in flight: nothing to report


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (a free port); yield the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _route(base: str, blocked: list[str]):
    js, css = _leaflet_file("leaflet.js").read_bytes(), _leaflet_file("leaflet.css").read_bytes()

    def handle(route) -> None:
        url = route.request.url
        if url.split("?")[0].endswith("/leaflet.js"):
            route.fulfill(status=200, body=js, content_type="application/javascript")
        elif url.split("?")[0].endswith("/leaflet.css"):
            route.fulfill(status=200, body=css, content_type="text/css")
        elif url.startswith(base) or url.startswith("data:"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    return handle


def _calibrate(browser, base: str, url: str, timeout_ms: float) -> tuple[int, list, list]:
    """Load ``url`` once, untimed; return the features it draws when idle, blocked requests
    and page errors."""
    blocked: list[str] = []
    errors: list[str] = []
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.route("**/*", _route(base, blocked))
    ctx.add_init_script(_POLLER)
    page = ctx.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="load", timeout=timeout_ms)
    page.wait_for_timeout(1500)
    features = int(page.evaluate("window.__benchCount()"))
    ctx.close()
    return features, sorted(set(blocked)), errors


def _timed(
    browser, base: str, url: str, features: int, timeout_ms: float
) -> tuple[float, float, float | None]:
    """One timed load: (ready ms since navigation start, main-thread busy ms by then, ms until
    ``body[data-atlas-ready]`` or None for a page without it).

    The busy time (Chromium's ``TaskDuration`` metric) counts only the work the page's main
    thread did, so it varies less than the wall-clock time on a busy machine. It is read in
    the animation frame after the page became ready (polling every 50 ms, it took in up to
    50 ms of the atlas's work after its first paint: the sooner a page was ready, the more),
    so it may include that one frame's work.
    """
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.route("**/*", _route(base, []))
    ctx.add_init_script(f"window.__benchTarget = {features};\n" + _POLLER)
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_function("window.__benchReady !== undefined", timeout=timeout_ms, polling="raf")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    ready = float(page.evaluate("window.__benchReady"))
    done = None
    if page.evaluate("document.body.hasAttribute('data-atlas-ready') || !!window.atlasStart"):
        page.wait_for_function("window.__benchDone !== undefined", timeout=timeout_ms, polling=50)
        done = float(page.evaluate("window.__benchDone"))
    ctx.close()
    return ready, 1000.0 * float(metrics.get("TaskDuration", float("nan"))), done


def page_ready_ms(
    folder: Path, pages: list[str], *, runs: int = 5, timeout_ms: float = 60_000
) -> dict[str, dict[str, object]]:
    """Median page-ready time of each page in ``folder`` (a fresh browser context per load).

    A first, untimed load of each page settles how many features it draws (the count once the
    page is idle); the timed loads then wait for that count. The pages are loaded in turn
    (naive, ours, naive, ours, ...) so that a busy machine slows both alike.

    Returns
    -------
    dict
        Per page: ``ready_ms`` (median), ``min_ms``, ``runs`` (all timings), ``busy_ms``
        (median main-thread busy time until ready) and ``busy_runs``, ``done_ms`` (median
        time until ``body[data-atlas-ready]``, None for other pages) and ``done_runs``,
        ``features`` (drawn),
        ``blocked`` (requests aborted in the first load), ``errors`` (page errors).
    """
    from playwright.sync_api import sync_playwright

    out: dict[str, dict[str, object]] = {}
    with serve(folder) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for name in pages:
                features, blocked, errors = _calibrate(browser, base, base + name, timeout_ms)
                if features == 0 and not name.startswith("empty"):
                    raise SystemExit(f"bench: {name} drew no vector feature; see {folder / name}")
                out[name] = {"features": features, "blocked": blocked, "errors": errors}
            timings: dict[str, list[float]] = {name: [] for name in pages}
            busy: dict[str, list[float]] = {name: [] for name in pages}
            done: dict[str, list[float]] = {name: [] for name in pages}
            for _ in range(runs):
                for name in pages:
                    feats = int(out[name]["features"])  # type: ignore[call-overload]
                    ready, task, end = _timed(browser, base, base + name, feats, timeout_ms)
                    timings[name].append(ready)
                    busy[name].append(task)
                    if end is not None:
                        done[name].append(end)
            for name in pages:
                out[name].update(
                    ready_ms=statistics.median(timings[name]),
                    min_ms=min(timings[name]),
                    runs=timings[name],
                    busy_ms=statistics.median(busy[name]),
                    busy_runs=busy[name],
                    done_ms=statistics.median(done[name]) if done[name] else None,
                    done_runs=done[name],
                )
        finally:
            browser.close()
    return out
