"""kg's one progress reporter: a count and a rate on stderr, for long runs only.

:class:`Progress` is what ``kg build`` and ``kg extract`` show while papers go
through the pipeline. It stays silent on runs shorter than its interval (the
seeds build in a second and should print nothing but their summary), rewrites
one line in place on a terminal, and writes one plain line per report when
stderr is a file or a pipe, so a log holds readable lines instead of carriage
returns.

>>> import io
>>> out = io.StringIO()
>>> ticks = iter([0.0, 1.0, 2.5, 2.6])
>>> p = Progress(every_s=2.0, stream=out, clock=lambda: next(ticks))
>>> for _ in range(4):
...     p.update()
>>> p.close()
>>> out.getvalue()
'kg: 3 papers (1/s)\\n'
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import IO

__all__ = ["Progress"]


class Progress:
    """Counts items and reports ``<label>: <count> <unit> (<rate>/s)`` at most every ``every_s`` seconds.

    The clock starts at the first :meth:`update`, not at construction, so the
    seconds spent loading the pipeline do not lower the rate. ``enabled=False``
    counts without printing. ``label`` and ``unit`` name the command and what
    it counts; ``clock`` is the time source (seconds, monotonic), for tests.
    """

    def __init__(
        self,
        *,
        enabled: bool = True,
        every_s: float = 2.0,
        stream: IO[str] | None = None,
        label: str = "kg",
        unit: str = "papers",
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.enabled = enabled
        self.every_s = every_s
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.unit = unit
        self.clock = clock
        #: items counted so far
        self.count = 0
        #: whether a line has been written (``close`` then ends it on a terminal)
        self.shown = False
        self._start: float | None = None
        self._last = 0.0
        self._width = 0  # length of the line last drawn in place, to blank what a shorter one leaves

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items; print a report if ``every_s`` seconds passed since the last one."""
        self.count += n
        if not self.enabled:
            return
        now = self.clock()
        if self._start is None:
            self._start = self._last = now
            return
        if now - self._last < self.every_s:
            return
        self._last = now
        rate = self.count / max(now - self._start, 1e-9)
        line = f"{self.label}: {self.count:,} {self.unit} ({rate:,.0f}/s)"
        if self._tty():
            # the rate can shrink by a digit: pad so no stale character stays on screen
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """End the line drawn in place on a terminal, so what follows starts on a fresh line."""
        if self.shown and self._tty():
            self.stream.write("\n")
            self.stream.flush()
        self._width = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tty(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        try:
            return bool(isatty and isatty())
        except (ValueError, OSError):  # a closed stream
            return False
