"""How long each stage of a build took: `refjournal build --timings`, and what the
benchmark's linearity check compares stage by stage.

Off unless `record()` was called: then `stage(name)` adds the seconds its block took.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

_took: dict[str, float] | None = None


def record() -> None:
    """Start recording (again, from nothing)."""
    global _took
    _took = {}


@contextmanager
def stage(name: str) -> Iterator[None]:
    if _took is None:
        yield
        return
    began = time.perf_counter()
    try:
        yield
    finally:
        _took[name] = _took.get(name, 0.0) + time.perf_counter() - began


def recorded() -> dict[str, float]:
    """The seconds of each stage, in the order they first ran."""
    return dict(_took or {})


def line(took: dict[str, float]) -> str:
    """`timings: read 1.92 s, derive 0.34 s, ...`"""
    return "timings: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in took.items())
