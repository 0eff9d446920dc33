"""The calendar feed `follow-ups.ics`: one all-day event per open due item, and one per
booked meeting with the brief of each person met in its description.

The calendar's head comes from the `icalendar` library; the events, thousands of them in a
big journal, are written here (`vevent`), as RFC 5545 asks and as the library writes them:
the same properties in its order, its TEXT escaping and its folding, byte for byte (the
tests compare the two, and read the feed back with the library). The library took a third
of a millisecond an event, most of a big build's serial work beside the page workers; its
own helpers for this (`escape_char`, `foldline`) are deprecated for outside use.

An event's UID comes from what the item is, not from when it is due or the line it is on,
so a calendar that subscribes to the feed updates the same event when a date moves. The
DTSTAMP is the build's day, so the same journal on the same day gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter

from icalendar import Calendar

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
    return vevent(
        uid, stamp, item.due, summary(item, list(names)),
        description=f"{KIND_NAMES[item.kind]}" + (f" with {', '.join(names)}" if names else "")
        + f".\nFrom your note {item.source}.",
        category=KIND_NAMES[item.kind])


def _meeting_uid(meeting: Meeting) -> str:
    """Stable while the note keeps its name: a moved date updates the same event."""
    key = f"meeting\x1f{meeting.source.path}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@refjournal"


def _booked(uid: str, meeting: Meeting, briefs: tuple[tuple[str, ...], ...],
            stamp: dt.datetime) -> bytes:
    """A meeting ahead, with a brief to prepare it from (the calendar that booked it holds
    the time: the event, like every one here, is transparent)."""
    return vevent(uid, stamp, meeting.date, meeting.heading,
                  description="\n\n".join(["\n".join(lines) for lines in briefs]
                                           + [f"From your note {meeting.source.path}."]),
                  category="Booked meeting", location=meeting.location or "")


def vevent(uid: str, stamp: dt.datetime, day: dt.date, title: str, *, description: str,
           category: str, location: str = "") -> bytes:
    """An all-day, transparent event (a reminder, not a busy slot) on `day`, ending the
    next day (none after the last day there is), with its properties in the order the
    library writes them: its canonical ones, then the others by name."""
    lines = [f"SUMMARY:{_text(title)}", f"DTSTART;VALUE=DATE:{_date(day)}"]
    if day < dt.date.max:
        lines.append(f"DTEND;VALUE=DATE:{_date(day + dt.timedelta(days=1))}")
    utc = stamp.astimezone(dt.UTC)
    lines += [f"DTSTAMP:{_date(utc)}T{utc:%H%M%S}Z", f"UID:{_text(uid)}",
              f"CATEGORIES:{_text(category)}", f"DESCRIPTION:{_text(description)}"]
    if location:
        lines.append(f"LOCATION:{_text(location)}")
    lines.append("TRANSP:TRANSPARENT")
    body = "\r\n".join(_fold(line) for line in lines)
    return f"BEGIN:VEVENT\r\n{body}\r\nEND:VEVENT\r\n".encode()


def _date(day: dt.date) -> str:
    """`YYYYMMDD`, the year in four digits (strftime writes the year 999 as `999`)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _text(value: str) -> str:
    """A TEXT value escaped (RFC 5545 3.3.11), newlines of every kind as `\\n`, as the
    library does (it reads a written `\\N` as a newline too)."""
    return (value.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
            .replace("\r", "\\n"))


def _fold(line: str, limit: int = 75) -> str:
    """A content line folded into parts of fewer than `limit` octets, never inside a
    character's UTF-8 bytes, and never just after a backslash or caret that escapes what
    follows (RFC 5545 3.1, and the library's way)."""
    if line.isascii():  # a character an octet: parts of limit - 1 characters
        if len(line) < limit:
            return line
        parts, start = [], 0
        while len(line) - start >= limit:
            end = start + limit - 1
            end -= line[end - 1] in "\\^"  # the escape goes on with what it escapes
            parts.append(line[start:end])
            start = end
        parts.append(line[start:])
        return "\r\n ".join(parts)
    parts = []
    part: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if part and size + width >= limit:
            carried = part.pop() if len(part) > 1 and part[-1] in "\\^" else ""
            parts.append("".join(part))
            part = [carried] if carried else []
            size = len(carried)
        part.append(char)
        size += width
    parts.append("".join(part))
    return "\r\n ".join(parts)
