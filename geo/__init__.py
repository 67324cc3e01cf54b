"""Gansu plan atlas: regional plans turned into traceable maps.

The package is a pipeline of plain functions, one module per noun::

    plan texts ─► corpus ───────────────┐
                                        ├─► links ─┐
    boundaries ─► datum ─► coverage ─┐  │          ├─► atlas (HTML) ─► offline / figure
    gazetteer ───────────────────────┴─► catalog ──┤
                                                   └─► export (files)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("gansu-atlas")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__"]
