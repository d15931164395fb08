"""Progress of a long run on one updating line of stderr, shown on a terminal only."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TextIO

# Seconds between two redraws; the first comes after as long, so a short run prints nothing.
INTERVAL = 0.5


def wanted(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Progress only for a person watching: a terminal, and not a CI job (which logs every
    carriage return as a line)."""
    if (environ if environ is not None else os.environ).get("CI"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


class Progress:
    """``label: done/total noun``, redrawn at most every ``INTERVAL`` seconds.

    ``advance`` is a counter and, on a terminal only, one clock read: cheap enough for a
    scan's per-file loop. ``close`` (or leaving the ``with`` block) erases the line, so the
    report that follows starts on a clean line.
    """

    def __init__(
        self,
        label: str,
        total: int,
        noun: str,
        stream: TextIO | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.noun = noun
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = wanted(self.stream, environ)
        self._interval = INTERVAL
        self._next = time.monotonic() + self._interval
        self._width = 0

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self.enabled and time.monotonic() >= self._next:
            self._draw()

    def _draw(self) -> None:
        self._next = time.monotonic() + self._interval
        line = f"{self.label}: {self.done}/{self.total} {self.noun}"
        # Pad over a longer previous line instead of relying on terminal escape codes.
        self._write("\r" + line.ljust(self._width))
        self._width = len(line)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: progress is not worth failing
            self.enabled = False

    def close(self) -> None:
        if self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
