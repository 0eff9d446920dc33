"""Reuse across builds: pages kept when their key is the one remembered, and data files
made only from what changed. The render stage calls this through its `Reuse` port; the
same `Reuser` serves `build` (its memory kept in the record, on disk) and `serve` (kept
in the session, in memory).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exchange.feed import EventMemo
from ..exchange.pieces import Memo as PieceMemo
from ..insights.derive import Derived
from ..site.pages import Page
from ..site.render import PIECED, SHARED_TEMPLATES, Outcome, PageMaker, Rendered, data_files
from .cache import code_digest
from .keys import Keyer, SameContext, link_digest, stamp
from .notes import CachedNotes
from .record import Memory, PageState

# The pieces of a file are kept while the code that makes them is the same.
PIECES_CODE = code_digest(("exchange/pieces.py", "exchange/export_json.py",
                           "exchange/spreadsheet.py", "site/search.py"))


@dataclass
class DataMemo:
    """What a resident process (serve) keeps of the data files between builds: they are
    made again only when a record or the day changed, and then only the pieces of changed
    records."""

    inputs: tuple[Any, ...] = ()  # what they were made from (see `Reuser.data`)
    files: dict[str, bytes] = field(default_factory=dict)
    pieces: dict[str, PieceMemo] = field(default_factory=lambda: {name: {} for name in PIECED})


class Reuser:
    """The render stage's `Reuse`: a page whose key is the one in `before` is kept, and
    the data files are made from the memos. After the render, `remember` gives the memory
    the next build starts from.

    `before` must hold only pages whose files are still as that build made them (the
    caller knows: the record's file states, or a folder it owns)."""

    def __init__(self, before: Memory, theme_files: tuple[Any, ...], *,
                 data: DataMemo | None = None,
                 digests: dict[int, tuple[object, bytes]] | None = None,
                 verify: Path | None = None, notes: CachedNotes | None = None) -> None:
        self.before, self.theme_files, self.data_memo = before, theme_files, data
        self.verify = verify
        self.keyer: Keyer | SameContext | None = None
        self.events: EventMemo = dict(before.events)
        self.known_digests = digests
        self.notes = notes  # where the notes came from: what their records' keys are
        self.records: dict[str, bytes] = {}  # see `Keyer.prime`
        self.pieces: dict[str, dict[bytes, tuple[Any, str]]] = {}  # see `Memory.pieces`

    def pages(self, make: PageMaker, site: Derived, own: frozenset[str],
              plain: PageMaker) -> PageMaker:
        if own & SHARED_TEMPLATES:
            return make
        # In memory (serve), the data files are kept too, and pages compared as they are.
        self.keyer = (SameContext(stamp(self.theme_files), own) if self.data_memo is not None
                      else Keyer(stamp(self.theme_files), own, self.known_digests))
        same_stamp = self.before.stamp == self.keyer.stamp
        notes = self.notes
        if isinstance(self.keyer, Keyer) and notes is not None and notes.signature is not None:
            self.records = self.keyer.prime(site.journal, link_digest(notes.signature),
                                            notes.files(),
                                            self.before.records if same_stamp else {},
                                            workers=notes.workers)
        check = _Check(plain, self.verify) if self.verify is not None else None
        return _Keyed(make, self.keyer, self.before.pages if same_stamp else {}, check)

    def data(self, site: Derived) -> dict[str, bytes]:
        memo = self.data_memo
        if memo is None and isinstance(self.keyer, Keyer):
            return self._data_by_digest(site, self.keyer.digests)
        if memo is None:
            return data_files(site, self.events)
        journal = site.journal
        inputs = (site.today, journal.config, tuple(journal.contacts.values()),
                  journal.meetings, site.items,  # the items carry the lines they point at
                  tuple(m.gist for m in journal.meetings))  # in the feed's briefs
        if self.keyer is None or memo.inputs != inputs:
            memo.files = data_files(site, self.events, memo.pieces)
            memo.inputs = inputs
        return memo.files

    def _data_by_digest(self, site: Derived, digests: Mapping[int, tuple[object, bytes]]
                        ) -> dict[str, bytes]:
        """The data files, with the piece of a record (its JSON, its search entry, its row)
        taken from the last build when its record's digest is the same (and so is the code
        that makes them): a fresh process has no other way to know that a record did not
        change."""
        before = self.before.pieces if self.before.pieces_code == PIECES_CODE else {}
        memos: dict[str, PieceMemo] = {name: {} for name in PIECED}
        known_before = [(name, memos[name], kept) for name, kept in before.items()
                        if name in memos]
        if known_before:
            for known, (record, digest) in digests.items():
                for _, memo, kept in known_before:
                    piece = kept.get(digest)
                    if piece is not None:
                        memo[known] = (record, *piece)
        files = data_files(site, self.events, memos)
        self.pieces = {}
        for name, memo in memos.items():  # now this build's, each record's piece
            now = self.pieces[name] = {}
            for known, (record, rest, text) in memo.items():
                entry = digests.get(known)
                if entry is not None and entry[0] is record:
                    now[entry[1]] = (rest, text)
        return files

    def remember(self, rendered: Rendered) -> Memory:
        """The memory of this render: the pages it keyed, as they are now."""
        pages = {path: PageState(outcome.key, outcome.problems, outcome.frame)
                 for path, outcome in rendered.outcomes.items()
                 if outcome.key is not None and not outcome.failed}
        return Memory(pages, self.keyer.stamp if self.keyer is not None else b"",
                      self.events, self.records, self.pieces,
                      PIECES_CODE if self.pieces else b"")

    @property
    def digests(self) -> dict[int, tuple[object, bytes]]:
        """The records this render digested, for the next one in the same process."""
        return self.keyer.digests if isinstance(self.keyer, Keyer) else {}


class _Keyed:
    """A `PageMaker` that keys a page and, unless the last build made it the same,
    has it made (in forked workers too: it holds no lock and no file)."""

    def __init__(self, make: PageMaker, keyer: Keyer | SameContext,
                 before: Mapping[str, PageState], check: _Check | None) -> None:
        self.make, self.keyer, self.before, self.check = make, keyer, before, check

    def __call__(self, page: Page) -> Outcome:
        if not self.keyer.keyable(page):
            return self.make(page)
        key = self.keyer.key(page)
        known = self.before.get(page.path)
        if known is not None and key == known.key:  # this build's key judges
            if self.check is not None:
                self.check(page)
            return Outcome(None, known.problems, known.frame, key=key, kept=True)
        made = self.make(page)  # not dataclasses.replace: it would cost 15 µs a page
        return Outcome(made.receipt, made.problems, made.frame, key, False, made.failed)


class Stale(AssertionError):
    """A page kept or spliced in is not what a full render makes (the verify mode)."""


class _Check:
    """The verify mode's look at a kept page: rendered again, it must be the bytes the site
    holds."""

    def __init__(self, plain: PageMaker, out: Path) -> None:
        self.plain, self.out = plain, out

    def __call__(self, page: Page) -> None:
        made = self.plain(page).receipt
        try:
            held = (self.out / page.path).read_bytes()
        except OSError:
            held = None
        if made is not None and made != held:
            raise Stale(f"{page.path} was kept from the last build, but a render makes other "
                        "bytes: its key leaves out something the page shows")
