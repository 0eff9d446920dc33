"""Derive what is due: follow-ups, keep-in-touch reminders, referral checks and birthdays.

Pure functions of a Journal and a date, so they are tested with journals written inline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Contact, Journal, Source

FOLLOW_UP = "follow-up"
KEEP_IN_TOUCH = "keep-in-touch"
REFERRAL_CHECK = "referral-check"
BIRTHDAY = "birthday"
KINDS = (FOLLOW_UP, KEEP_IN_TOUCH, REFERRAL_CHECK, BIRTHDAY)
KIND_NAMES = {FOLLOW_UP: "Follow-up", KEEP_IN_TOUCH: "Keep in touch",
              REFERRAL_CHECK: "Referral check", BIRTHDAY: "Birthday"}  # for people to read

OVERDUE, TODAY, SOON, LATER = "overdue", "today", "soon", "later"
STATES = (OVERDUE, TODAY, SOON, LATER)


@dataclass(frozen=True)
class DueItem:
    due: dt.date
    kind: str
    contacts: tuple[str, ...]
    what: str
    state: str
    source: Source

    def as_json(self) -> dict[str, object]:
        return {"due": self.due.isoformat(), "kind": self.kind, "contacts": list(self.contacts),
                "what": self.what, "state": self.state, "source": str(self.source)}


def state_of(due: dt.date, today: dt.date, soon_days: int) -> str:
    if due < today:
        return OVERDUE
    if due == today:
        return TODAY
    if (due - today).days <= soon_days:
        return SOON
    return LATER


def last_contact(journal: Journal, contact: Contact, today: dt.date) -> dt.date | None:
    """The latest of the contact's meetings dated on or before today and `last_contacted`."""
    met = [m.date for m in journal.meetings_by_contact.get(contact.slug, ()) if m.date <= today]
    dates = [d for d in (max(met, default=None), contact.last_contacted) if d is not None]
    return max(dates, default=None)


def has_booked_meeting(journal: Journal, contact: Contact, today: dt.date) -> bool:
    return any(m.date > today for m in journal.meetings_by_contact.get(contact.slug, ()))


def next_birthday(month: int, day: int, today: dt.date) -> dt.date:
    """The next 'month-day' on or after today; 29 February is 28 February in common years."""
    for year in (today.year, today.year + 1):
        when = _month_day(year, month, day)
        if when >= today:
            return when
    raise AssertionError("unreachable: a birthday recurs within a year")  # pragma: no cover


def _month_day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 29 February in a common year
        return dt.date(year, month, day - 1)


def due_items(journal: Journal, today: dt.date) -> list[DueItem]:
    """Every open item, sorted by due date (then kind, contacts and source)."""
    config = journal.config
    items: list[tuple[dt.date, str, tuple[str, ...], str, Source]] = []
    names = journal.contacts

    def who(slugs: tuple[str, ...]) -> str:
        return _join([names[slug].name for slug in slugs]) if slugs else "nobody named"

    for contact in journal.contacts.values():
        if contact.unresolved:
            continue
        reminder = keep_in_touch_due(journal, contact, today)
        if reminder is not None:
            items.append((reminder, KEEP_IN_TOUCH, (contact.slug,),
                          f"Keep in touch with {contact.name}",
                          Source(contact.source.path, _cadence_line(journal, contact))))
        if contact.follow_up is not None:
            items.append((contact.follow_up, FOLLOW_UP, (contact.slug,),
                          f"Follow up with {contact.name}",
                          Source(contact.source.path, contact.line_of("follow_up"))))
        if contact.birthday is not None:
            when = next_birthday(contact.birthday.month, contact.birthday.day, today)
            if (when - today).days <= config.birthday_days:
                items.append((when, BIRTHDAY, (contact.slug,), f"{contact.name}'s birthday",
                              Source(contact.source.path, contact.line_of("birthday"))))

    for meeting in journal.meetings:
        for follow_up in meeting.follow_ups:
            if not follow_up.done:
                items.append((follow_up.due, FOLLOW_UP, follow_up.contacts,
                              follow_up.what or f"Follow up with {who(follow_up.contacts)}",
                              follow_up.source))
        for exchange in meeting.gave:
            if exchange.type == "referral" and exchange.status == "open":
                what = f"Ask {who(exchange.contacts)} how the referral went"
                if exchange.prospect:
                    what += f" ({exchange.prospect})"
                items.append((add_days(meeting.date, config.referral_check_days),
                              REFERRAL_CHECK, exchange.contacts, what, exchange.source))

    items.sort(key=lambda item: (item[0], KINDS.index(item[1]), item[2], item[4].path,
                                 item[4].line))
    return [DueItem(due, kind, contacts, what, state_of(due, today, config.soon_days), source)
            for due, kind, contacts, what, source in items]


def keep_in_touch_due(journal: Journal, contact: Contact, today: dt.date) -> dt.date | None:
    cadence = journal.cadence_of(contact)
    if cadence is None or contact.paused or contact.archived:
        return None
    base = last_contact(journal, contact, today) or contact.met
    if base is None or has_booked_meeting(journal, contact, today):
        return None
    due = add_days(base, cadence)
    if contact.snooze_until is not None and contact.snooze_until > due:
        due = contact.snooze_until
    return due


def _cadence_line(journal: Journal, contact: Contact) -> int:
    for key in ("cadence", "tier"):
        if key in contact.lines:
            return contact.lines[key]
    return contact.source.line


def add_days(when: dt.date, days: int) -> dt.date:
    """`when + days`, held at the last representable day rather than overflowing."""
    try:
        return when + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
