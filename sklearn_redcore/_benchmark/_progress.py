"""The progress line of a study: runs done out of all, time elapsed and an estimate of the time left.

It is shown from the start (``0/N``). On a terminal it is one line redrawn
every second, so the elapsed time moves while a run is under way; written
to a file or a pipe, it is a line per finished run.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

__all__ = ["Progress", "format_duration"]


def format_duration(seconds: float) -> str:
    """``"42 s"``, ``"3 min 05 s"``, ``"1 h 02 min"``: a duration for people.

    >>> format_duration(42.4), format_duration(185), format_duration(3720)
    ('42 s', '3 min 05 s', '1 h 02 min')
    """
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


class Progress:
    """A progress line on ``stream`` (standard error by default) for ``total`` steps.

    Use it as a context manager and call :meth:`advance` after each step.

    Parameters
    ----------
    total : int
        The number of steps.
    unit : str, default="runs"
        What a step is, as printed.
    stream : file-like, optional
        Where to write; standard error by default.
    interval : float, default=1.0
        Seconds between redraws of the line on a terminal.

    Examples
    --------
    >>> import io
    >>> stream = io.StringIO()
    >>> with Progress(2, stream=stream) as progress:
    ...     progress.advance()
    ...     progress.advance()
    >>> print(stream.getvalue().splitlines()[0])
    [..............................] 0/2 runs, 0 s elapsed
    """

    width = 30

    def __init__(self, total: int, *, unit: str = "runs", stream: TextIO | None = None, interval: float = 1.0):
        self.total = total
        self.unit = unit
        self.stream = sys.stderr if stream is None else stream
        self.interval = interval
        self.done = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._ticker: threading.Thread | None = None

    def line(self) -> str:
        """The progress line as it stands (without line ending)."""
        elapsed = time.perf_counter() - self._start
        filled = self.width * self.done // max(self.total, 1)
        text = f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} {self.unit}, "
        text += f"{format_duration(elapsed)} elapsed"
        if 0 < self.done < self.total:
            # the pace so far, counted down since the last step ended (at least a second)
            left = self._last / self.done * (self.total - self.done) - (elapsed - self._last)
            text += f", about {format_duration(max(left, 1.0))} left"
        return text

    def _draw(self, final: bool = False) -> None:
        with self._lock:
            if self._live:  # redrawn in place; padded so that a shorter line leaves nothing behind
                print(f"\r{self.line():<100}", end="\n" if final else "", file=self.stream, flush=True)
            else:
                print(self.line(), file=self.stream, flush=True)

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._draw()

    def __enter__(self) -> Progress:
        self._start = time.perf_counter()
        self._last = 0.0
        self._draw(final=self.total == 0)
        if self._live and self.total:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
        return self

    def advance(self) -> None:
        """Count one more finished step and redraw the line."""
        self.done += 1
        self._last = time.perf_counter() - self._start
        self._draw(final=self.done >= self.total)

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self._live and self.done < self.total:  # interrupted: end the line
            print(file=self.stream, flush=True)
