"""Work spread over every core: forked workers that find the journal already in memory.

A cold build of a big journal parses its notes and renders its pages in worker processes.
They are forked, so they share what the parent holds (the model, the compiled templates)
without pickling it; only their results travel back, in chunks, in order. Below `MIN_ITEMS`
items, or where fork is missing (Windows, and macOS by choice), one process does it all:
starting the workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

MIN_ITEMS = 2000  # below this, one process is faster
_SHARED: dict[str, Any] = {}  # what forked workers find in memory, set just before the fork


def workers() -> int:
    """How many worker processes to use: one per core, at most 8; 1 without fork."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(os.cpu_count() or 1, 8)


def worth_it(count: int) -> bool:
    return count >= MIN_ITEMS and workers() > 1


@contextmanager
def fork_map(work: Callable[[Any, int, int], list[Any]], shared: Any, total: int
             ) -> Iterator[Iterator[list[Any]]]:
    """Run `work(shared, start, stop)` over chunks of `range(total)` in forked workers, and
    give an iterator over the lists they return, in order. `shared` is not sent: the
    workers find it in their copy of memory. They start at once, so the caller may do
    other work before it reads the results."""
    count = workers()
    step = max(50, total // (count * 8))
    chunks = [(start, min(start + step, total)) for start in range(0, total, step)]
    _SHARED.update(work=work, shared=shared)
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            yield pool.imap(_run, chunks)
    finally:
        _SHARED.clear()


def _run(bounds: tuple[int, int]) -> list[Any]:
    return _SHARED["work"](_SHARED["shared"], *bounds)  # type: ignore[no-any-return]
