"""Notes that earlier runs parsed: the `NoteSource` the incremental layer gives `load`.

A note is taken from the parse cache when its bytes are the ones parsed before (by their
SHA-256, so a fresh checkout with new file times still hits), and not even read when its
file state is the one recorded after the last build. A big journal's other notes are read,
hashed and parsed on every core.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import parallel
from ..journal.load import Note, Todo, Unlinked, link, read_file
from ..journal.read import Discovered, discover
from ..journal.resolve import Link, Linked
from ..model import Journal, Meeting
from ..problems import Problem
from .cache import ParseCache


class CachedNotes:
    """Notes from `cache`. `unchanged` are the digests of the notes whose file state is the
    recorded one (path -> digest); `found` is what a scan found already; `links` are the
    meetings a resident process linked before; `workers=False` keeps the work in this
    process."""

    def __init__(self, cache: ParseCache, *, found: Discovered | None = None,
                 unchanged: Mapping[str, bytes] | None = None,
                 links: LinkedBefore | None = None, workers: bool = True) -> None:
        self.cache, self.found, self.links, self.workers = cache, found, links, workers
        self.unchanged = unchanged or {}
        self.signature: tuple[Any, ...] | None = None  # what linking read (resolve.py)

    def discover(self, root: Path) -> Discovered:
        return self.found if self.found is not None else discover(root)

    def link(self, notes: Unlinked) -> tuple[Journal, list[Problem]]:
        return link(notes, self._memo)

    def _memo(self, signature: tuple[Any, ...], linker: Link) -> Link:
        """Take note of what linking reads (for the keys of the records: keys.py), and let
        a resident process's memo stand in for linking."""
        self.signature = signature
        return self.links(signature, linker) if self.links is not None else linker

    def files(self) -> dict[str, bytes]:
        """The digests of the bytes of the notes read, by path."""
        return {rel: entry.digest for rel, entry in self.cache.used.items()}

    def read(self, root: Path, todo: Todo) -> Mapping[str, Note]:
        notes: dict[str, Note] = {}
        rest: Todo = []
        for rel, kind in todo:
            digest = self.unchanged.get(rel)
            note = self.cache.get(rel, digest) if digest is not None else None
            if isinstance(note, Note):
                notes[rel] = note
            else:
                rest.append((rel, kind))
        if self.workers and parallel.worth_it(len(rest)):
            notes.update(self._parse_in_parallel(root, rest))
        for rel, kind in rest:
            if rel not in notes:
                notes[rel] = self._one(root, rel, kind)
        return notes

    def _one(self, root: Path, rel: str, kind: str) -> Note:
        """The note at `rel`, from the cache when its bytes are the ones parsed before."""
        try:
            data = (root / rel).read_bytes()
        except OSError:
            return read_file(root, rel, kind)  # and the read says why
        digest = self.cache.digest(data)
        known = self.cache.get(rel, digest)
        if isinstance(known, Note):
            return known
        note = read_file(root, rel, kind, data)
        self.cache.put(rel, digest, note)
        return note

    def _parse_in_parallel(self, root: Path, todo: Todo) -> dict[str, Note]:
        """The notes of `todo` read, hashed and (where the cache does not know them)
        parsed by forked workers; one that cannot be read is left to `_one`."""
        cache = self.cache
        cache.entries  # noqa: B018 - read before the fork: the workers look into it
        notes: dict[str, Note] = {}
        with parallel.fork_map(_parse_chunk, (root, todo, cache), len(todo)) as chunks:
            for chunk in chunks:
                for rel, digest, parsed in chunk:
                    note = parsed if parsed is not None else cache.get(rel, digest)
                    if not isinstance(note, Note):
                        continue
                    notes[rel] = note
                    if parsed is not None:
                        cache.put(rel, digest, note)
        return notes


class LinkedBefore:
    """Meetings linked by the last build of a resident process (serve): a meeting note that
    did not change (the very same record) is not linked again while the signature of what
    linking reads is the same. Reusing the very same objects also lets the next build find
    most of a page's context to be the very objects of the last."""

    def __init__(self) -> None:
        self.signature: tuple[Any, ...] = ()
        self.meetings: dict[int, tuple[Meeting, Linked]] = {}

    def __call__(self, signature: tuple[Any, ...], link: Link) -> Link:
        known = self.meetings if self.signature == signature else {}
        self.signature, self.meetings = signature, {}

        def linked(meeting: Meeting) -> Linked:
            entry = known.get(id(meeting))  # the record is kept alive: its id stays its own
            result = entry[1] if entry is not None and entry[0] is meeting else link(meeting)
            self.meetings[id(meeting)] = (meeting, result)
            return result

        return linked


def _parse_chunk(shared: tuple[Path, Todo, ParseCache], start: int, stop: int
                 ) -> list[tuple[str, bytes, Note | None]]:
    """Notes `start` to `stop`, in a worker: each one's digest and what it parses to, or
    None where the cache knows it by that digest."""
    root, todo, cache = shared
    done: list[tuple[str, bytes, Note | None]] = []
    for rel, kind in todo[start:stop]:
        try:
            data = (root / rel).read_bytes()
        except OSError:
            continue
        digest = cache.digest(data)
        stored = cache.entries.get(rel)
        known = stored is not None and stored.digest == digest and isinstance(stored.note, Note)
        done.append((rel, digest, None if known else read_file(root, rel, kind, data)))
    return done
