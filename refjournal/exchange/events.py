"""Events from an iCalendar file (Google Calendar, Outlook, Apple Calendar, Fastmail), each
occurrence of a recurring event on its own day.

icalendar reads the file and keeps a bad property as broken instead of failing (one bad
field costs that field); recurring-ical-events expands each series, with its moved
occurrences (RECURRENCE-ID) and exceptions (EXDATE), and reads Google's X-WR-TIMEZONE. An
event that cannot be placed in time (no start, or a broken one) is reported at its line
and left out; so is a series that cannot be expanded.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import icalendar
import recurring_ical_events

_BEGIN = re.compile(r"^BEGIN:VEVENT\s*$", re.IGNORECASE | re.MULTILINE)
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CalendarError(Exception):
    """A file that is no iCalendar at all."""


@dataclass(frozen=True)
class Attendee:
    address: str  # lower case, without `mailto:`
    name: str
    answer: str  # PARTSTAT in upper case: ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION...


@dataclass(frozen=True)
class Event:
    uid: str
    occurrence: str  # "" for a single event; an occurrence's original start, in UTC
    day: dt.date  # in the event's own time zone; an all-day event's own date
    summary: str
    location: str
    cancelled: bool
    attendees: tuple[Attendee, ...]
    line: int  # where its VEVENT begins in the file

    @property
    def key(self) -> str:
        """What a meeting note keeps to know the event again: the UID, and the occurrence
        of a recurring one (its original start, which moving it does not change)."""
        return f"{self.uid}#{self.occurrence}" if self.occurrence else self.uid


@dataclass(frozen=True)
class Unread:
    line: int
    reason: str


@dataclass
class Events:
    events: list[Event] = field(default_factory=list)  # by day, then line
    unread: list[Unread] = field(default_factory=list)
    owner: tuple[str, ...] = ()  # the calendar's own address, where it says (Google does)


def read_events(data: bytes, since: dt.date | None, until: dt.date) -> Events:
    """The events of the file that fall from `since` (or the first) to `until`, both
    included."""
    text = data.decode("utf-8-sig", errors="replace")
    if not re.search(r"^BEGIN:VCALENDAR", text, re.IGNORECASE | re.MULTILINE):
        raise CalendarError("not an iCalendar file (no BEGIN:VCALENDAR line)")
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except ValueError as exc:
        raise CalendarError(f"not a readable iCalendar file: {exc}") from None
    lines = iter(text.count("\n", 0, m.start()) + 1 for m in _BEGIN.finditer(text))
    found = Events()
    start = since or dt.date(1900, 1, 1)
    for calendar in calendars:
        name = str(calendar.get("X-WR-CALNAME", "")).strip().lower()
        if _ADDRESS.match(name):
            found.owner += (name,)
        cancelled_all = str(calendar.get("METHOD", "")).upper() == "CANCEL"
        series: dict[str, list[tuple[int, Any]]] = {}
        for component in calendar.subcomponents:
            if component.name != "VEVENT":
                continue
            line = next(lines, 0)
            why = _unplaceable(component)
            if why:
                found.unread.append(Unread(line, why))
                continue
            series.setdefault(str(component.get("UID", f"line-{line}")), []).append(
                (line, component))
        zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
        for uid, parts in series.items():
            found.events += _expand(calendar, zones, uid, parts, (start, until),
                                    cancelled_all, found.unread)
    found.events.sort(key=lambda e: (e.day, e.line))
    return found


def _unplaceable(component: Any) -> str:
    """Why an event cannot be placed in time, or ""."""
    start = component.get("DTSTART")
    if start is None:
        return "the event has no start (DTSTART); left out"
    try:
        value = start.dt
    except Exception as exc:  # noqa: BLE001 - icalendar keeps a bad value as broken
        return f"the event's start cannot be read ({_first_line(exc)}); left out"
    if not isinstance(value, dt.date):
        return "the event's start is not a date or a time; left out"
    return ""


def _expand(calendar: Any, zones: list[Any], uid: str, parts: list[tuple[int, Any]],
            window: tuple[dt.date, dt.date], cancelled_all: bool, unread: list[Unread]
            ) -> list[Event]:
    """The occurrences of one series (or one event) within the window."""
    one = icalendar.Calendar()
    for key, value in calendar.items():  # X-WR-TIMEZONE and the like
        one.add(key, value)
    for zone in zones:
        one.add_component(zone)
    for _, component in parts:
        one.add_component(component)
    recurring = any("RRULE" in c or "RDATE" in c or "RECURRENCE-ID" in c for _, c in parts)
    first = parts[0][0]
    try:
        occurrences = recurring_ical_events.of(one).between(
            window[0], window[1] + dt.timedelta(days=1))
    except Exception as exc:  # noqa: BLE001 - a series the library cannot expand
        unread.append(Unread(first, f"the event cannot be expanded ({_first_line(exc)}); "
                                    "left out"))
        return []
    events = []
    for occurrence in occurrences:
        day = _day(occurrence.get("DTSTART").dt)
        if not window[0] <= day <= window[1]:
            continue
        events.append(Event(
            uid=uid, occurrence=_occurrence(occurrence) if recurring else "", day=day,
            summary=_text(occurrence, "SUMMARY"), location=_text(occurrence, "LOCATION"),
            cancelled=cancelled_all or _text(occurrence, "STATUS").upper() == "CANCELLED",
            attendees=_attendees(occurrence), line=_line_of(parts, occurrence, first)))
    return events


def _day(value: dt.date) -> dt.date:
    """The date of a start in its own time zone (a datetime's own), or an all-day date."""
    return value.date() if isinstance(value, dt.datetime) else value


def _occurrence(component: Any) -> str:
    recurrence = component.get("RECURRENCE-ID")
    value: dt.date = recurrence.dt if recurrence is not None else component.get("DTSTART").dt
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            return value.strftime("%Y%m%dT%H%M%SZ")
        return value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def _line_of(parts: list[tuple[int, Any]], occurrence: Any, first: int) -> int:
    """The line of the VEVENT an occurrence comes from: a moved one's own, else the
    series'."""
    moved = occurrence.get("RECURRENCE-ID")
    for line, component in parts:
        if moved is not None and component.get("RECURRENCE-ID") is not None:
            try:
                if component.get("RECURRENCE-ID").dt == moved.dt:
                    return line
            except Exception:  # noqa: BLE001, S112 - a broken one is not this occurrence
                continue
    return first


def _text(component: Any, name: str) -> str:
    value = component.get(name)
    if value is None:
        return ""
    try:
        return " ".join(str(value).split())
    except Exception:  # noqa: BLE001 - a broken property costs only itself
        return ""


def _attendees(component: Any) -> tuple[Attendee, ...]:
    found = component.get("ATTENDEE", [])
    found = found if isinstance(found, list) else [found]
    attendees = []
    for item in found:
        try:
            address = str(item).strip()
            params = getattr(item, "params", {})
            name, answer = str(params.get("CN", "")), str(params.get("PARTSTAT", ""))
        except Exception:  # noqa: BLE001, S112 - a broken attendee costs only itself
            continue
        address = re.sub(r"^mailto:", "", address, flags=re.IGNORECASE).strip().lower()
        if address:
            attendees.append(Attendee(address, name.strip(), answer.upper()))
    return tuple(attendees)


def _first_line(exc: Exception) -> str:
    said = str(exc).strip().splitlines()
    if not said:
        return type(exc).__name__
    # icalendar says which property broke before why: the why is what helps
    return re.sub(r"^Cannot access .*?\): ", "", said[0])[:160]
