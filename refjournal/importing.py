"""Notes from data born elsewhere: meetings from a calendar, contacts from LinkedIn and CSV.

An authoring command, like `new`: it reads the journal to know who is in it, reads the
other program's file (`exchange/`), decides what to write, and writes new notes only,
never over a file. A dry run decides the same and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .authoring import (
    AuthoringError,
    NewContact,
    Written,
    contact_names,
    contact_slugs,
    new_contact,
    write_meeting,
)
from .exchange.events import Event, Unread, read_events
from .exchange.vcard import Bad, Card, read_vcards
from .journal.fields import kind as kind_of
from .journal.naming import MAX_SLUG
from .model import Journal
from .slug import fold_name, slugify

# Why an event became no note, in the order the summary says them.
CANCELLED, DECLINED, NOBODY, LOGGED = ("cancelled", "declined by you",
                                       "with no known contact", "already logged")
SKIPS = (CANCELLED, DECLINED, NOBODY, LOGGED)
# A kind, when the summary says it in one of these words.
KIND_WORDS = (
    ("one-to-one", r"one[- ]?(?:to|on)[- ]?one|1[-:]?(?:2|to|on)[-:]?1|1:1|121|one2one"),
    ("coffee", r"coffee|cafe|café|flat white|latte"),
    ("lunch", r"lunch|luncheon"),
    ("call", r"call|phone|zoom|teams|meet|skype|video"),
    ("event", r"event|chapter|meetup|mixer|networking|conference|seminar|workshop|expo|"
              r"summit|trade show|breakfast meeting|gala"),
)


@dataclass
class CalendarImport:
    written: list[Written] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    unread: list[Unread] = field(default_factory=list)
    found: int = 0  # events (occurrences) in the window


def import_calendar(root: Path, journal: Journal, data: bytes, *, since: dt.date | None,
                    until: dt.date, me: Iterable[str] = (), dry_run: bool = False
                    ) -> CalendarImport:
    """A meeting note for each event of the file, from `since` to `until`, that involves a
    known contact and is not logged yet."""
    events = read_events(data, since, until)
    owner = {a.strip().lower() for a in (*journal.config.owner_email, *me, *events.owner)}
    people = _People(journal, owner)
    logged_ids = {m.calendar_id for m in journal.meetings if m.calendar_id}
    by_hand = {(m.date, slug) for m in journal.meetings if not m.calendar_id
               for slug in m.contacts}
    result = CalendarImport(unread=events.unread, found=len(events.events))
    planned: set[Path] = set()
    for event in events.events:
        slugs = people.of(event)
        skip = _skip(event, slugs, owner, logged_ids, by_hand)
        if skip:
            result.skipped[skip] += 1
            continue
        logged_ids.add(event.key)
        title = event.summary or "Meeting"
        meta = {"date": event.day, "with": slugs[0] if len(slugs) == 1 else list(slugs),
                "kind": guess_kind(event.summary), "title": title,
                "location": event.location, "calendar_id": event.key}
        result.written.append(write_meeting(root, event.day, title, meta, dry_run=dry_run,
                                            planned=planned))
    return result


def _skip(event: Event, slugs: tuple[str, ...], owner: set[str], logged_ids: set[str],
          by_hand: set[tuple[dt.date, str]]) -> str:
    if event.cancelled:
        return CANCELLED
    if any(a.address in owner and a.answer == "DECLINED" for a in event.attendees):
        return DECLINED
    if not slugs:
        return NOBODY
    if event.key in logged_ids or any((event.day, slug) in by_hand for slug in slugs):
        return LOGGED
    return ""


def guess_kind(summary: str) -> str:
    """`coffee`, `lunch`, `call`, `one-to-one` or `event` when the summary says so in a
    word of its own; else none."""
    folded = fold_name(summary)
    for kind, words in KIND_WORDS:
        if re.search(rf"(?<![\w-])(?:{words})(?![\w-])", folded):
            return kind_of(kind)
    return ""


class _People:
    """Who an event involves: attendees by a contact's address, and contacts named in its
    summary (a name or alias as whole words, in any case, with or without accents)."""

    def __init__(self, journal: Journal, owner: set[str]) -> None:
        self.by_address: dict[str, str] = {}
        names: dict[str, str] = {}
        for slug, contact in journal.contacts.items():  # sorted by slug: the first wins
            if contact.unresolved:
                continue
            for address in (contact.email, *contact.emails):
                key = address.strip().lower()
                if key and key not in owner:
                    self.by_address.setdefault(key, slug)
            for name in (contact.name, *contact.aliases):
                if fold_name(name).strip():
                    names.setdefault(fold_name(name).strip(), slug)
        self.names = names
        ordered = sorted(names, key=len, reverse=True)  # the longest name first
        self.pattern = (re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) +
                                   r")(?!\w)") if ordered else None)

    def of(self, event: Event) -> tuple[str, ...]:
        found = [self.by_address[a.address] for a in event.attendees
                 if a.address in self.by_address]
        if self.pattern is not None and event.summary:
            found += [self.names[m[0]] for m in self.pattern.finditer(fold_name(event.summary))]
        return tuple(dict.fromkeys(found))


def summary_line(result: CalendarImport, dry_run: bool) -> str:
    """`imported 3 meetings; skipped 2 cancelled, 40 with no known contact; 1 event unread`"""
    count = len(result.written)
    done = (f"would import {count} meeting{'s' * (count != 1)} (a dry run: nothing written)"
            if dry_run else f"imported {count} meeting{'s' * (count != 1)}")
    skipped = ", ".join(f"{result.skipped[why]} {why}" for why in SKIPS if result.skipped[why])
    parts = [done, f"skipped {skipped}" if skipped else "skipped none"]
    if result.unread:
        parts.append(f"{len(result.unread)} event{'s' * (len(result.unread) != 1)} unread")
    return "; ".join(parts) + f" (of {result.found} in the file's dates)"



@dataclass
class ContactsImport:
    written: list[tuple[int, Written]] = field(default_factory=list)  # line, note
    existing: list[tuple[int, str, str]] = field(default_factory=list)  # line, name, note
    bad: list[tuple[int, str]] = field(default_factory=list)  # line, why no note
    found: int = 0


def import_contacts(root: Path, journal: Journal, cards: Iterable[tuple[int, Card]], *,
                    dry_run: bool = False) -> ContactsImport:
    """A contact note for each card whose contact is not in the journal yet: matched by
    slug, by name or alias, or by email address. Nothing is ever overwritten."""
    taken = contact_slugs(root)
    names = contact_names(journal)
    addresses = {address.strip().lower(): contact.source.path
                 for contact in journal.contacts.values() if not contact.unresolved
                 for address in (contact.email, *contact.emails) if address.strip()}
    result = ContactsImport()
    for line, card in cards:
        result.found += 1
        slug = card.slug or slugify(card.name)[:MAX_SLUG].rstrip("-")
        same = taken.get(slug) or names.get(fold_name(card.name))
        if not same and card.email:
            same = addresses.get(card.email.strip().lower())
        if same:
            result.existing.append((line, card.name, same))
            continue
        body = "\n\n".join(part for part in (card.note, "\n".join(card.more)) if part)
        try:
            written = new_contact(root, card.name, NewContact(
                company=card.company, role=card.role, tags=card.tags, extra=card.extra(),
                body=body + "\n" if body else ""), dry_run=dry_run, taken=taken, names=names,
                slug=card.slug)
        except AuthoringError as exc:
            result.bad.append((line, str(exc)))
            continue
        for alias in (card.name, *card.aliases):
            names.setdefault(fold_name(alias), str(written.path.relative_to(root)))
        if card.email:
            addresses.setdefault(card.email.strip().lower(), str(written.path.relative_to(root)))
        result.written.append((line, written))
    return result


@dataclass
class Imported:
    """What `import vcard` did, card by card."""

    written: list[Written]
    skipped: list[tuple[int, str, str]]  # (card number, name, the note it would clash with)
    bad: list[Bad]
    found: int = 0  # cards in the file
    dropped: list[Bad] = field(default_factory=list)  # fields left out of cards imported


def import_vcards(root: Path, journal: Journal, data: bytes, *, dry_run: bool = False
                  ) -> Imported:
    """A contact note per card, as `import_contacts` writes them; a card that cannot be
    read is reported with its number and line."""
    parsed = read_vcards(data)
    numbers = {line: number for number, line, _ in parsed.cards}
    done = import_contacts(root, journal, [(line, card) for _, line, card in parsed.cards],
                           dry_run=dry_run)
    kept = {numbers[line] for line, _ in done.written}
    return Imported(
        written=[written for _, written in done.written],
        skipped=[(numbers[line], name, note) for line, name, note in done.existing],
        bad=sorted([*parsed.bad, *(Bad(numbers[line], line, why) for line, why in done.bad)],
                   key=lambda b: b.number),
        found=parsed.found,
        dropped=[bad for bad in parsed.dropped if bad.number in kept])
