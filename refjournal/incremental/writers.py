"""Where a build's files go, chosen once per build: a whole new site, or an update in place
of the site the record knows (serve's folder too, from its second build on). Each gives
the render stage a `Sink`, then commits, then says what it wrote.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..site.render import Sink
from ..site.write import MARKER, Stage, StatKey, Step, Update, new_site, stat_key, updating
from .record import FileState, digest


@dataclass(frozen=True)
class Written:
    """What a writer did."""

    files: dict[str, FileState]  # every file of the site (but the marker), as it is now
    pages: int  # HTML files in the site
    changed: tuple[str, ...] = ()  # written or removed, in place
    kept: int = 0  # pages the render kept: their files are as the last build left them
    fresh: bool = False  # a whole new site


class FreshSite:
    """A new site, written beside the output and swapped in whole (write.new_site)."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.digests: dict[str, bytes] = {}
        self.sink = Sink(self._put, self._took)

    def _put(self, path: str, data: bytes) -> tuple[bytes, StatKey]:
        return digest(data), self.stage.put(path, data)

    def _took(self, path: str, receipt: tuple[bytes, StatKey]) -> None:
        self.digests[path], self.stage.stats[path] = receipt

    def commit(self) -> None:
        self.stage.commit()

    def written(self) -> Written:
        return Written({path: FileState(known, self.stage.stats[path])
                        for path, known in self.digests.items()}, _pages(self.digests),
                       fresh=True)


@contextmanager
def fresh_site(out: Path, parents: bool = True) -> Iterator[FreshSite]:
    with new_site(out, parents) as stage:
        yield FreshSite(stage)


class InPlace:
    """Only the changed files of the site the record knows, moved in when all are staged
    (write.updating); a file whose bytes and state are the recorded ones is left alone."""

    def __init__(self, out: Path, update: Update, known: Mapping[str, FileState],
                 owned: bool = False) -> None:
        self.out, self.update, self.known, self.owned = out, update, known, owned
        self.digests: dict[str, bytes] = {}
        self.kept = 0
        self.sink = Sink(self._compare, self._took, self._kept)

    def _compare(self, path: str, data: bytes) -> tuple[bytes, Step | None]:
        """In the process that made the file: stage it if it changed."""
        new = digest(data)
        known = self.known.get(path)
        if known is None or known.digest != new or (
                not self.owned and stat_key(self.out / path) != known.stat):
            return new, self.update.staged(path, data)
        return new, None

    def _took(self, path: str, receipt: tuple[bytes, Step | None]) -> None:
        self.digests[path], step = receipt
        if step is not None:
            self.update.plan.append(step)

    def _kept(self, path: str) -> None:
        self.digests[path] = self.known[path].digest
        self.kept += 1

    def commit(self) -> None:
        """Remove the files this build did not make (gone from the journal, or put there by
        hand: in a folder this process owns, there are none of those)."""
        there = set(self.known) if self.owned else site_files(self.out)
        for path in sorted(there - self.digests.keys()):
            self.update.remove(path)
        self.update.commit()

    def written(self) -> Written:
        """After the update is applied: each file's state."""
        now = {path: (self.digests[path], stat_key(self.out / path))
               for path in self.update.paths if path in self.digests}
        files = {path: known for path, known in self.known.items()
                 if path in self.digests and path not in now}
        for path, (new, state) in now.items():
            if state is not None:  # one that vanished at once is written again next time
                files[path] = FileState(new, state)
        changed = tuple(path for path in self.update.paths if path != MARKER)
        return Written(files, _pages(self.digests), changed, self.kept)


@contextmanager
def in_place(out: Path, known: Mapping[str, FileState], owned: bool = False
             ) -> Iterator[InPlace]:
    with updating(out) as update:
        yield InPlace(out, update, known, owned)


def site_files(out: Path) -> set[str]:
    """Every file in the site folder but its marker, by relative path (a symlink to a
    folder counts as a file: it is not followed)."""
    found: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    found.add(prefix + entry.name)

    walk(os.fspath(out), "")
    found.discard(MARKER)
    return found


def _pages(paths: Iterable[str]) -> int:
    return sum(1 for path in paths if path.endswith(".html"))
