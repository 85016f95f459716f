"""A progress bar on stderr for long runs, only where a person watches it.

Never in CI logs (``CI`` set), never when stderr is a pipe or a file, and only once a run has
taken long enough to be worth watching; it erases itself before the results are printed.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

DELAY = 0.5  # seconds before the bar appears: a quick run stays silent
INTERVAL = 0.1  # seconds between redraws
WIDTH = 30


def wanted(stream: TextIO, environ: dict[str, str] | os._Environ[str] | None = None) -> bool:
    environ = os.environ if environ is None else environ
    if environ.get("CI") or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Bar:
    """Implements ``runner.Progress``."""

    def __init__(self, stream: TextIO, clock=time.monotonic) -> None:
        self.stream, self.clock = stream, clock
        self.total = self.done = 0
        self.started = self.drawn_at = 0.0
        self.visible = False

    def start(self, total: int) -> None:
        self.total, self.done = total, 0
        self.started = self.clock()

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = self.clock()
        if now - self.started >= DELAY and now - self.drawn_at >= INTERVAL:
            self.drawn_at = now
            self._draw()

    def finish(self) -> None:
        if self.visible:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.visible = False

    def _draw(self) -> None:
        share = self.done / self.total if self.total else 1.0
        filled = int(WIDTH * share)
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.stream.write(f"\r\033[Kchecking [{bar}] {self.done}/{self.total} files")
        self.stream.flush()
        self.visible = True


def for_stderr() -> Bar | None:
    return Bar(sys.stderr) if wanted(sys.stderr) else None
