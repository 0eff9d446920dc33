"""Keys of pages: digests of what a page shows, the same from one build to the next when
what it shows is the same.

A page's key is the SHA-256 of the stamp (the theme's files and refjournal's version),
its template's name and its context: everything its template may read (site/pages.py).
Records are digested by their fields, once per build however many pages show them; but
for a note's text and the lines of its keys: the text shows on the note's own page, whose
context holds it as `body` (tests/test_architecture.py checks that no other template reads
it), and the lines only in problems.
The same in every process, so that a key can be kept in the record of a build and
compared by the next.
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import hashlib
import io
import pickle
from collections.abc import Iterator, Mapping
from typing import Any

from .. import __version__, parallel
from ..model import Contact, Exchange, FollowUp, Journal, Meeting
from ..site.pages import Lazy, Lookup, Page, View

# Values of a context digested as they are; any other is digested once per build, by
# identity, however many pages show it (the settings, the list of every meeting).
PLAIN = (str, bytes, int, float, bool, type(None), dt.date)
RECORDS = (Contact, Meeting, Exchange, FollowUp)  # the model's records


def stamp(theme_files: tuple[Any, ...]) -> tuple[Any, ...]:
    """What every page depends on besides its context: when it changes, every page is
    rendered again."""
    return (theme_files, __version__)


class _Keys:
    """What both kinds of keys share: a journal's own template may show anything, so its
    pages have no key."""

    own: frozenset[str]

    def keyable(self, page: Page) -> bool:
        return page.template not in self.own


class Keyer(_Keys):
    """Keys of pages (see the module's docstring).

    Values are pickled without pickle's memo, which would make the bytes depend on which
    objects happen to be shared. A record (contact, meeting, exchange, follow-up) is
    digested once per build, and so is every value of a context that is not PLAIN: each
    stands in a key for its digest. A
    serve session hands the records' digests of one build to the next (`known`): the
    records of unchanged notes are the very same objects. A journal's own template may
    show anything: its pages have no key."""

    def __init__(self, stamp: tuple[Any, ...], own: frozenset[str],
                 known: dict[int, tuple[object, bytes]] | None = None) -> None:
        self.own = own
        self.known = known if known is not None else {}
        self.table = dict(copyreg.dispatch_table)
        for record in RECORDS:  # each one pickled once, and then stands for its digest
            self.table[record] = self._reduce
        self.table[View] = _view
        self.table[Lookup] = _lookup
        self.table[Lazy] = _lazy
        self.digests: dict[int, tuple[object, bytes]] = {}  # records: id -> (record, digest)
        self.values: dict[int, tuple[object, bytes]] = {}  # other values, this build only
        self.stamp = hashlib.sha256(self._dump(stamp)).digest()

    def key(self, page: Page) -> bytes:
        # In the context's own order: pages.py makes each kind of page's context in one
        # order. A value that is not PLAIN stands as its digest, in a tuple of one.
        parts: list[Any] = [page.template]
        for name, value in page.context.items():
            if isinstance(value, PLAIN):
                parts += (name, value)
            elif type(value) in RECORDS:
                parts += (name, (self._record(value),))
            else:
                parts += (name, (self._value(value),))
        return hashlib.sha256(self.stamp + self._dump(tuple(parts))).digest()

    def _value(self, value: object) -> bytes:
        """The digest of a value that is not PLAIN, made once per build."""
        known = self.values.get(id(value))
        if known is None:  # the value is kept alive with its digest: its id stays its own
            known = self.values[id(value)] = (value, hashlib.sha256(self._dump(value)).digest())
        return known[1]

    def _dump(self, value: object) -> bytes:
        out = io.BytesIO()
        pickler = pickle.Pickler(out, protocol=5)
        pickler.dispatch_table = self.table
        pickler.fast = True  # no memo: the same values give the same bytes
        pickler.dump(value)
        return out.getvalue()

    def _record(self, record: object) -> bytes:
        """The digest of a record, made once per build (or kept from the last build of a
        serve session, for the very same object). Records are pickled by their fields
        alone: what a cached_property computed (or not yet) is in an object's __dict__
        too, and must not make its key differ."""
        known = self.digests.get(id(record)) or self.known.get(id(record))
        if known is None or known[0] is not record:
            known = (record, hashlib.sha256(self._dump(_by_fields(record))).digest())
        self.digests[id(record)] = known
        return known[1]

    def _reduce(self, record: object) -> tuple[Any, ...]:
        return (_digested, (self._record(record),))

    def prime(self, journal: Journal, link: bytes, files: Mapping[str, bytes],
              before: Mapping[str, bytes], workers: bool = False) -> dict[str, bytes]:
        """Digest the records of every note now (before workers fork: each finds them
        digested), taking from `before` the digests of a note whose fingerprint is the
        same: its records are then the same (see `fingerprint`). `link` is the digest of
        what linking read (`link_digest`), `files` the digests of the notes' bytes. Gives
        what the next build may take: by note, its fingerprint and its records' digests,
        in one string of bytes (32 each: one object to read back, not one for each).
        With `workers`, many notes to digest (a cold build) are digested in forked
        workers: a digest is the same in every process."""
        now: dict[str, bytes] = {}
        todo: list[tuple[str, bytes, tuple[Any, ...]]] = []
        for path, records in note_records(journal):
            data = files.get(path)
            if data is None:  # not read through the cache: digested when a page shows it
                continue
            mark = fingerprint(link, data, records[0])
            known = before.get(path)
            if known is not None and known.startswith(mark) and len(known) == DIGEST * (
                    1 + len(records)):
                now[path] = self._take(known, records)
            else:
                todo.append((path, mark, records))
        if workers and parallel.worth_it(len(todo)):
            with parallel.fork_map(_digest_notes, (self, todo), len(todo)) as chunks:
                done = (entry for chunk in chunks for entry in chunk)
                for (path, _, records), (_, entry) in zip(todo, done, strict=True):
                    now[path] = self._take(entry, records)
        else:
            now.update(_digest_notes((self, todo), 0, len(todo)))
        return now

    def _take(self, entry: bytes, records: tuple[Any, ...]) -> bytes:
        """Know `records` by the digests in `entry` (a note's fingerprint, then theirs)."""
        for n, record in enumerate(records, 1):
            self.digests[id(record)] = (record, entry[DIGEST * n:DIGEST * (n + 1)])
        return entry


def _digest_notes(shared: tuple[Keyer, list[tuple[str, bytes, tuple[Any, ...]]]],
                  start: int, stop: int) -> list[tuple[str, bytes]]:
    """The entries of notes `start` to `stop` of a `Keyer.prime`: by path, the note's
    fingerprint and its records' digests (in a worker, or in the keyer's own process)."""
    keyer, todo = shared
    return [(path, b"".join((mark, *(keyer._record(record) for record in records))))
            for path, mark, records in todo[start:stop]]


class SameContext(_Keys):
    """Keys for a process that keeps the last build in memory (serve): a page's context
    itself, compared value by value with `==` (records by the fields that are not UNSHOWN,
    as digests take them). Cheaper than a digest when most objects are the very ones of
    the last build; a value that many pages share (the contacts' names) is compared once
    per build. Which pages it keeps is checked against a fresh build by the same tests, and
    by the verify mode, as `Keyer`'s."""

    def __init__(self, stamp: tuple[Any, ...], own: frozenset[str]) -> None:
        self.own, self.stamp = own, stamp
        self.verdicts: dict[tuple[int, int], bool] = {}  # (id now, id before) -> equal

    def key(self, page: Page) -> Context:
        return Context(page.context, self)

    def same(self, now: Mapping[str, Any], before: Mapping[str, Any]) -> bool:
        if now.keys() != before.keys():
            return False
        for name, value in now.items():
            old = before[name]
            if value is old:
                continue
            if isinstance(value, PLAIN):
                if value != old:
                    return False
                continue
            pair = (id(value), id(old))  # both alive in their contexts: ids stay theirs
            verdict = self.verdicts.get(pair)
            if verdict is None:
                verdict = self.verdicts[pair] = bool(value == old)
            if not verdict:
                return False
        return True


class Context:
    """A page's context as its key in a serve session (see `SameContext`)."""

    __slots__ = ("context", "judge")

    def __init__(self, context: Mapping[str, Any], judge: SameContext) -> None:
        self.context, self.judge = context, judge

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Context) and self.judge.same(self.context, other.context)

    __hash__ = None  # type: ignore[assignment]


DIGEST = 32  # bytes of a SHA-256


def note_records(journal: Journal) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """The records each note became, by its path: a contact, or a meeting with its
    exchanges and follow-ups (placeholder contacts come from no note of their own)."""
    for contact in journal.contacts.values():
        if not contact.unresolved:
            yield contact.source.path, (contact,)
    for meeting in journal.meetings:
        yield meeting.source.path, (meeting, *meeting.gave, *meeting.got, *meeting.follow_ups)


def link_digest(signature: tuple[Any, ...]) -> bytes:
    """The digest of what linking a note reads (resolve.py's signature: every contact's
    slug, name, aliases and path, the other files under contacts/, the unread notes), and
    of which fields a record's digest takes."""
    return hashlib.sha256(repr((signature, sorted(UNSHOWN))).encode("utf-8",
                                                                    "surrogatepass")).digest()


def fingerprint(link: bytes, data: bytes, first: object) -> bytes:
    """What a note's records are made from: its bytes (parsed by the cache's code, under
    the cache's stamp), what linking read, and for a meeting its id (the model numbers a
    meeting whose id another has). The same fingerprint, the same records, field for
    field."""
    meeting_id = first.id if isinstance(first, Meeting) else ""
    return hashlib.sha256(link + data + meeting_id.encode("utf-8", "surrogatepass")).digest()


def _digested(digest: bytes) -> None:
    """Stands for a record in a key (see `Keyer`); never called."""


# Fields of records that no page shows as such: the same the model's records leave out of
# their equality (`field(compare=False)`), which a serve session compares contexts by
# (tests/test_architecture.py checks that the two agree).
UNSHOWN = frozenset({"body", "lines", "gist"})
_FIELDS: dict[type, tuple[str, ...]] = {}  # the fields of each record class in keys


def _by_fields(record: Any) -> tuple[Any, ...]:
    """A dataclass record as pickle is to take it for a key: its class and its fields,
    but those in UNSHOWN."""
    kind = type(record)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind)
                                      if f.name not in UNSHOWN)
    return (kind, tuple(getattr(record, name) for name in names))


def _view(view: View) -> tuple[Any, ...]:
    return (View, (), None, None, iter(sorted(view.values.items())))


def _lookup(lookup: Lookup) -> tuple[Any, ...]:
    return (Lookup, (lookup.table,))


def _lazy(lazy: Lazy) -> tuple[Any, ...]:
    return (Lazy, (None, lazy.inputs))  # made from its inputs alone
