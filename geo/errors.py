"""One root error and its subclasses.

Every error the tool raises on bad input is an :class:`AtlasError`. Its message is one line
that names the file, the item and the fix; the command line prints it without a traceback and
exits with status 2. Each subclass also inherits the matching built-in, so callers may catch
either (``except KeyError`` catches an :class:`UnknownNameError`).
"""

from __future__ import annotations

import signal
from collections.abc import Iterable


class AtlasError(Exception):
    """Root of every error the atlas raises on bad input or bad data."""


class DataError(AtlasError, ValueError):
    """A data file (boundaries, gazetteer, catalog, plan text) is malformed."""


class PlanTextError(DataError):
    """A plan text cannot be read: empty, binary, or not UTF-8."""


class BoundaryError(DataError):
    """A boundary layer is invalid: bad geometry, wrong CRS, missing adcodes."""


class UnknownNameError(AtlasError, KeyError):
    """A place or concept name that the gazetteer or catalog does not know."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class CatalogError(DataError):
    """The concept catalog has one or more problems; all are listed together."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the concept catalog"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class OutputError(AtlasError, OSError):
    """An output cannot be written (unwritable folder, unknown format or CRS)."""


class Interrupted(AtlasError):
    """The run was stopped by SIGINT (Ctrl-C) or SIGTERM; its exit status is 128 + signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.status = 128 + signum
        name = signal.Signals(signum).name
        super().__init__(
            f"stopped by {name}{' (Ctrl-C)' if name == 'SIGINT' else ''}; "
            "nothing half-written is left, the previous output is as it was"
        )
