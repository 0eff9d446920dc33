"""The record of a build: what it wrote into its output folder and from what, kept in the
parse cache for the next build (rebuild.py reads it). Only plain shapes live here, so that
reading a record imports nothing heavy: a build the record shows to be up to date never
loads Jinja or the exports.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..problems import Problem
from ..site.write import StatKey

if TYPE_CHECKING:
    from ..exchange.feed import EventMemo
    from ..site.render import Frame


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


class FileState(NamedTuple):
    """A file of the site as a build wrote it. (The record holds one for every file, and
    one `PageState` for every page: as named tuples, they load three times faster than
    dataclasses would, which a build that only splices a text would wait for.)"""

    digest: bytes  # of its bytes
    stat: StatKey  # its state just after


class PageState(NamedTuple):
    """A page as a build made it: the key of what it showed, the warnings its render gave,
    and where its note's text sits in it."""

    key: object  # a digest (incremental/keys.py); in a serve session, the context itself
    problems: tuple[Problem, ...]
    frame: Frame | None


@dataclass
class Memory:
    """What a build remembers of its pages for the next: each page's state, by path, with
    the stamp they share, the calendar's events, the digests of the records each note
    became, under the note's fingerprint (incremental/keys.py: `Keyer.prime`), and each
    record's piece of the files made piece by piece (exchange/pieces.py, reuse.py)."""

    pages: dict[str, PageState] = field(default_factory=dict)
    stamp: object = b""
    events: EventMemo = field(default_factory=dict)
    records: dict[str, bytes] = field(default_factory=dict)  # note -> fingerprint, digests
    # File name -> record digest -> (the rest its piece shows, the piece).
    pieces: dict[str, dict[bytes, tuple[object, str]]] = field(default_factory=dict)
    pieces_code: bytes = b""  # the digest of the code that made `pieces`


class NoteState(NamedTuple):
    """A note as the build read it (a named tuple, as FileState: the record holds one for
    every note)."""

    stat: StatKey
    digest: bytes  # of the note's bytes
    head: bytes  # of its front matter's lines and its gist (rebuild.head_digest)
    clean: bool  # no problem names it


@dataclass(frozen=True)
class Record:
    """What a plain build wrote into its output folder, and from what."""

    settings: bytes  # version, refjournal.yaml, day, --strict, theme files, repo folder
    listing: bytes  # the notes and other files found in contacts/ and meetings/
    marker: tuple[int, int]  # the site's marker file (inode, mtime) as the build left it
    notes: Mapping[str, NoteState]
    frames: Mapping[str, tuple[str, Frame]]  # note -> (page, bytes around its text)
    files: Mapping[str, FileState]  # output path -> digest, state as written
    problems: tuple[Problem, ...]  # all the build reported
    ref_index: Mapping[str, str]  # for wikilinks in a text
    allow_html: bool
    pages: int
    # For the next full build: the memory itself in a serve session; on disk, the token of
    # the file that holds it (cache.py), read only by a build that renders.
    memory: Memory | Kept
    spliced: frozenset[str] = frozenset()  # pages the quick way wrote since `memory`


class Kept(NamedTuple):
    """Where a record's `Memory` is when it is not in the record: in the cache's file for
    its site, which holds the same token (another token: the memory is of another build)."""

    token: bytes
