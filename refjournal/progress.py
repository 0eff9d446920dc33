"""A progress bar for builds long enough to wait for: on a terminal, and only once a build
has taken about a second, so that a quick build prints nothing but its result."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

import click

DELAY = 1.0  # seconds before a bar appears


class ProgressBar:
    """Called as `bar(done, total)` by the render; `close()` when the build is over."""

    def __init__(self, stream: TextIO | None = None, delay: float = DELAY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.delay, self.clock = delay, clock
        self.start = clock()
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if done >= total or self.clock() - self.start < self.delay:
                return
            self.bar = click.progressbar(length=total, label=f"Rendering {total:,} pages",
                                         file=self.stream, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def progress_bar() -> ProgressBar | None:
    """A bar when standard error is a terminal; None (silence) otherwise."""
    return ProgressBar() if sys.stderr.isatty() else None
