"""The calendar feed `follow-ups.ics`: one all-day event per open due item, and one per
booked meeting with the brief of each person met in its description, made with the
`icalendar` library (it folds, escapes and formats as RFC 5545 asks).

An event's UID comes from what the item is, not from when it is due or the line it is on,
so a calendar that subscribes to the feed updates the same event when a date moves. The
DTSTAMP is the build's day, so the same journal on the same day gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

from icalendar import Calendar, Event

from ..insights.brief import brief
from ..insights.derive import Derived
from ..insights.due import KIND_NAMES, DueItem
from ..model import Meeting


def item_uid(item: DueItem, seen: Counter[str]) -> str:
    """Stable across builds: the kind, the note, the people and what to do; a second
    identical item of the same note gets a number."""
    key = "\x1f".join((item.kind, item.source.path, ",".join(item.contacts), item.what))
    seen[key] += 1
    if seen[key] > 1:
        key += f"\x1f{seen[key]}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@refjournal"


def summary(item: DueItem, names: list[str]) -> str:
    """What to do, naming everyone it is with (most items name them already)."""
    missing = [name for name in names if name not in item.what]
    return f"{item.what} ({', '.join(missing)})" if missing else item.what


EventMemo = dict[tuple[object, ...], bytes]  # an item's fields -> its VEVENT's lines


def ics_bytes(site: Derived, memo: EventMemo | None = None) -> bytes:
    """The feed; with a `memo` kept between builds (serve), an event is made again only
    when its item changed: the library takes a third of a millisecond for each."""
    config = site.journal.config
    contacts = site.journal.contacts
    stamp = dt.datetime.combine(site.today, dt.time(0, 0), tzinfo=dt.UTC)
    cal = Calendar()
    cal.add("prodid", "-//refjournal//follow-ups//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{config.title}: follow-ups")
    head, end = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    seen: Counter[str] = Counter()
    made: dict[tuple[object, ...], bytes] = {}
    key: tuple[object, ...]
    parts = [head]
    for item in site.items:
        names = tuple(contacts[slug].name for slug in item.contacts)
        key = (item_uid(item, seen), item, names, stamp)
        event = memo.get(key) if memo is not None else None
        if event is None:
            event = _event(key[0], item, names, stamp)
        made[key] = event
        parts.append(event)
    for meeting in site.journal.meetings:
        if meeting.date <= site.today:
            continue
        briefs = tuple(tuple(brief(site, slug).as_lines()) for slug in meeting.contacts
                       if not contacts[slug].unresolved)
        key = (_meeting_uid(meeting), meeting, meeting.heading, briefs, stamp)
        event = memo.get(key) if memo is not None else None
        if event is None:
            event = _booked(key[0], meeting, briefs, stamp)
        made[key] = event
        parts.append(event)
    if memo is not None:
        memo.clear()
        memo.update(made)
    parts.append(b"END:VCALENDAR" + end)
    return b"".join(parts)


def _event(uid: str, item: DueItem, names: tuple[str, ...], stamp: dt.datetime) -> bytes:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", item.due)
    if item.due < dt.date.max:  # an all-day event ends the next day (none after the last)
        event.add("dtend", item.due + dt.timedelta(days=1))
    event.add("summary", summary(item, list(names)))
    event.add("description", f"{KIND_NAMES[item.kind]}"
              + (f" with {', '.join(names)}" if names else "")
              + f".\nFrom your note {item.source}.")
    event.add("categories", [KIND_NAMES[item.kind]])
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot
    data: bytes = event.to_ical()
    return data


def _meeting_uid(meeting: Meeting) -> str:
    """Stable while the note keeps its name: a moved date updates the same event."""
    key = f"meeting\x1f{meeting.source.path}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@refjournal"


def _booked(uid: str, meeting: Meeting, briefs: tuple[tuple[str, ...], ...],
            stamp: dt.datetime) -> bytes:
    """A meeting ahead, with a brief to prepare it from."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.date)
    if meeting.date < dt.date.max:
        event.add("dtend", meeting.date + dt.timedelta(days=1))
    event.add("summary", meeting.heading)
    if meeting.location:
        event.add("location", meeting.location)
    event.add("description", "\n\n".join(["\n".join(lines) for lines in briefs]
                                         + [f"From your note {meeting.source.path}."]))
    event.add("categories", ["Booked meeting"])
    event.add("transp", "TRANSPARENT")  # the calendar that booked it holds the time
    data: bytes = event.to_ical()
    return data
