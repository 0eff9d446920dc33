"""Keys of pages: digests of what a page shows, the same from one build to the next when
what it shows is the same.

A page's key is the SHA-256 of its template, the stamp (what every page shows: the
settings, every contact's slug, name and aliases, the theme's files, refjournal's
version) and the page's own `deps`. The same in every process, so that a key can be kept
in the record of a build and compared by the next.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import pickle
from typing import Any

from .. import __version__
from ..insights.derive import Derived
from ..model import Contact, Exchange, FollowUp, Meeting
from ..site.pages import Page


def stamp(site: Derived, theme_files: tuple[Any, ...]) -> tuple[Any, ...]:
    """What every page shows or depends on: the settings, every contact's slug, name and
    aliases (in links and wikilinks), and the theme's files. When it changes, every page
    is rendered again. (The day is in the deps of the pages that show it.)"""
    names = tuple((c.slug, c.name, c.aliases, c.unresolved)
                  for c in site.journal.contacts.values())
    return (site.journal.config, names, theme_files, __version__)


class Keyer:
    """Keys of pages: digests of what a page shows, the same from one build to the next
    when what it shows is (its template, the stamp, and its deps).

    The deps are pickled without pickle's memo, which would make the bytes depend on which
    objects happen to be shared, and each contact and meeting is digested once per build
    however many pages show it (a serve session hands the digests of one build to the
    next, `known`: the records of unchanged notes are the very same objects). A journal's
    own template may show anything: its pages have no key."""

    def __init__(self, stamp: tuple[Any, ...], own: frozenset[str],
                 known: dict[int, tuple[object, bytes]] | None = None) -> None:
        self.own = own
        self.known = known if known is not None else {}
        self.table = dict(copyreg.dispatch_table)
        self.table[Meeting] = self.table[Contact] = self._reduce
        # Pickled by their fields alone: what a cached_property computed (or not yet) is
        # in an object's __dict__ too, and must not make its key differ.
        self.table[Exchange] = self.table[FollowUp] = _by_fields
        self.digests: dict[int, tuple[object, bytes]] = {}  # id -> (record, digest)
        self.stamp = hashlib.sha256(self._dump(stamp)).digest()

    def keyable(self, page: Page) -> bool:
        return page.deps is not None and page.template not in self.own

    def key(self, page: Page) -> bytes:
        return hashlib.sha256(b"%s%s\0%s" % (self.stamp, page.template.encode(),
                                             self._dump(page.deps))).digest()

    def _dump(self, value: object) -> bytes:
        out = io.BytesIO()
        pickler = pickle.Pickler(out, protocol=5)
        pickler.dispatch_table = self.table
        pickler.fast = True  # no memo: the same values give the same bytes
        pickler.dump(value)
        return out.getvalue()

    def _reduce(self, record: object) -> tuple[Any, ...]:
        known = self.digests.get(id(record)) or self.known.get(id(record))
        if known is None:  # the record is kept alive with its digest: its id stays its own
            digest = hashlib.sha256(self._dump(_by_fields(record))).digest()
            known = (record, digest)
        self.digests[id(record)] = known
        return (_digested, (known[1],))


def _digested(digest: bytes) -> None:
    """Stands for a contact or meeting in a key (see `Keyer`); never called."""


_FIELDS: dict[type, tuple[str, ...]] = {}  # compared fields of each record class


def _by_fields(record: Any) -> tuple[Any, ...]:
    """A dataclass record as pickle is to take it for a key: its class and the fields it
    is compared by. (A note's text is not compared: it
    is in the deps of the two pages that show it, the note's own.)"""
    kind = type(record)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.compare)
    return (kind, tuple(getattr(record, name) for name in names))

