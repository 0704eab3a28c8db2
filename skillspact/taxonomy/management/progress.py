"""A text progress bar for imports on the command line (no dependency)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.management.base import OutputWrapper

from skillspact.taxonomy.importer import Progress


class ProgressBar:
    """Redraws one line on a terminal; elsewhere (logs, CI) prints a line every tenth."""

    def __init__(self, stream: Any, *, width: int = 30) -> None:
        self.stream = stream
        # A command's self.stderr would end every write with a line break.
        self._write: Callable[[str], Any] = (
            partial(stream.write, ending="") if isinstance(stream, OutputWrapper) else stream.write
        )
        self.width = width
        self.is_terminal = bool(getattr(stream, "isatty", lambda: False)())
        self._last_draw = 0.0
        self._last_tenth = -1

    def __call__(self, progress: Progress) -> None:
        fraction = progress.fraction
        rate = progress.rows / progress.elapsed if progress.elapsed > 0 else 0.0
        filled = int(fraction * self.width)
        line = "[{}{}] {:3.0f}%  {:,} rows  {:,.0f} rows/s  {}".format(
            "#" * filled,
            "." * (self.width - filled),
            fraction * 100,
            progress.rows,
            rate,
            progress.file,
        )
        if self.is_terminal:
            now = time.monotonic()
            if now - self._last_draw >= 0.1 or fraction >= 1.0:
                self._write("\r" + line.ljust(100)[:100])
                self.stream.flush()
                self._last_draw = now
        else:
            tenth = int(fraction * 10)
            if tenth > self._last_tenth:
                self._write(line + "\n")
                self.stream.flush()
                self._last_tenth = tenth

    def close(self) -> None:
        if self.is_terminal:
            self._write("\n")
            self.stream.flush()
