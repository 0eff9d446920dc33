"""Files made of one piece per record, kept from one build to the next: the meetings and
exchanges of journal.json, the meetings of the search index, the rows of referrals.csv.
Most records do not change between two builds, and their pieces are most of those files.

A piece is reused only for the very same record object, showing the very same rest (the
names of its people, say): the caller knows what else a piece shows and says it. The rest
is compared with `==`, so it must hold only values that are equal when they are written
the same (strings, flags; not numbers, as 1200 == 1200.0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

# id of a record -> (the record, the rest its piece shows, the piece)
Memo = dict[int, tuple[object, object, str]]
R = TypeVar("R")
H = TypeVar("H")


class Pieces:
    """The pieces of one file, or of one kind of table row: the last build's (`memo`), and
    this build's, which replace them in `memo` when the build is done. Without a memo,
    every piece is made."""

    def __init__(self, memo: Memo | None) -> None:
        self.memo = memo
        self.fresh: Memo = {}

    def piece(self, record: R, rest: H, make: Callable[[R, H], str]) -> str:
        """The piece of `record` showing `rest`, as `make(record, rest)` makes it."""
        memo = self.memo
        if memo is None:
            return make(record, rest)
        known = self.fresh.get(id(record)) or memo.get(id(record))
        if known is None or known[0] is not record or known[1] != rest:
            known = (record, rest, make(record, rest))
        self.fresh[id(record)] = known
        return known[2]

    def done(self) -> None:
        """This build's pieces become the ones to reuse; a build that made none (its table
        was not rendered) leaves the last ones."""
        if self.memo is not None and self.fresh:
            self.memo.clear()
            self.memo.update(self.fresh)
            self.fresh = {}
