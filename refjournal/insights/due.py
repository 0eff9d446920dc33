"""Derive what is due: follow-ups, keep-in-touch reminders, referral checks, the loop on
referrals received (contact the prospect, thank the referrer, report back) and birthdays.

Pure functions of a Journal and a date, so they are tested with journals written inline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Config, Contact, Exchange, Journal, Source

FOLLOW_UP = "follow-up"
KEEP_IN_TOUCH = "keep-in-touch"
REFERRAL_CHECK = "referral-check"
CONTACT_PROSPECT = "contact-prospect"
THANK = "thank"
REPORT_BACK = "report-back"
BIRTHDAY = "birthday"
KINDS = (FOLLOW_UP, KEEP_IN_TOUCH, REFERRAL_CHECK, CONTACT_PROSPECT, THANK, REPORT_BACK,
         BIRTHDAY)
KIND_NAMES = {FOLLOW_UP: "Follow-up", KEEP_IN_TOUCH: "Keep in touch",
              REFERRAL_CHECK: "Referral check", CONTACT_PROSPECT: "Contact the prospect",
              THANK: "Thank the referrer", REPORT_BACK: "Report back",
              BIRTHDAY: "Birthday"}  # for people to read
# Without `loop_since:`, a journal gets the loop's items for referrals of this many days.
LOOP_WINDOW = 30

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
    # The last day the item is open, when the passing days close it: a birthday on its day,
    # the loop's items of a referral received without `loop_since` 30 days after it (the
    # site's script drops it on a later day); None while it is not done.
    until: dt.date | None = None

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
    met = journal.met(contact.slug, today)
    dates = [d for d in (met[-1].date if met else None, contact.last_contacted) if d is not None]
    return max(dates, default=None)


def has_booked_meeting(journal: Journal, contact: Contact, today: dt.date) -> bool:
    meetings = journal.meetings_by_contact.get(contact.slug, ())
    return bool(meetings) and meetings[-1].date > today  # by date: the last is the latest


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
    items: list[tuple[dt.date, str, tuple[str, ...], str, Source, dt.date | None]] = []
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
                          Source(contact.source.path, _cadence_line(journal, contact)), None))
        if contact.follow_up is not None:
            items.append((contact.follow_up, FOLLOW_UP, (contact.slug,),
                          f"Follow up with {contact.name}",
                          Source(contact.source.path, contact.line_of("follow_up")), None))
        if contact.birthday is not None:
            when = next_birthday(contact.birthday.month, contact.birthday.day, today)
            if (when - today).days <= config.birthday_days:
                items.append((when, BIRTHDAY, (contact.slug,), f"{contact.name}'s birthday",
                              Source(contact.source.path, contact.line_of("birthday")), when))

    for meeting in journal.meetings:
        for follow_up in meeting.follow_ups:
            if not follow_up.done:
                items.append((follow_up.due, FOLLOW_UP, follow_up.contacts,
                              follow_up.what or f"Follow up with {who(follow_up.contacts)}",
                              follow_up.source, None))
        for exchange in meeting.gave:
            if exchange.type == "referral" and exchange.status == "open":
                what = f"Ask {who(exchange.contacts)} how the referral went"
                if exchange.prospect:
                    what += f" ({exchange.prospect})"
                items.append((add_days(meeting.date, config.referral_check_days),
                              REFERRAL_CHECK, exchange.contacts, what, exchange.source, None))

        for exchange in meeting.got:
            until = loop_until(exchange, config)
            items += [(*item, until) for item in loop_items(exchange, config, today, who)]

    items.sort(key=lambda item: (item[0], KINDS.index(item[1]), item[2], item[4].path,
                                 item[4].line))
    return [DueItem(due, kind, contacts, what, state_of(due, today, config.soon_days), source,
                    until)
            for due, kind, contacts, what, source, until in items]


def in_the_loop(exchange: Exchange, config: Config, today: dt.date) -> bool:
    """Whether a referral received makes the loop's items: received on or after
    `loop_since`, or in the last 30 days when it is not set (so that a journal kept before
    the loop does not wake up to every old referral overdue)."""
    if exchange.direction != "got" or exchange.type != "referral" or exchange.date is None:
        return False
    since = config.loop_since or add_days(today, -LOOP_WINDOW)
    return exchange.date >= since


def loop_until(exchange: Exchange, config: Config) -> dt.date | None:
    """The last day a referral received is in the loop (`in_the_loop`), when days end it:
    without `loop_since`, 30 days after it."""
    if config.loop_since is not None or exchange.date is None:
        return None
    return add_days(exchange.date, LOOP_WINDOW)


def loop_items(exchange: Exchange, config: Config, today: dt.date,
               who: Callable[[tuple[str, ...]], str]
               ) -> list[tuple[dt.date, str, tuple[str, ...], str, Source]]:
    """A referral received: call the prospect and thank the referrer within days of it,
    and tell the referrer how it went (when it closes; while it is open, every so often)."""
    if not in_the_loop(exchange, config, today):
        return []
    assert exchange.date is not None
    date, by, source = exchange.date, exchange.contacts, exchange.source
    about = f" ({exchange.prospect})" if exchange.prospect else ""
    items = []
    if exchange.contacted is None and exchange.status == "open":
        prospect = exchange.prospect or "the prospect"
        items.append((add_days(date, config.contact_prospect_days), CONTACT_PROSPECT, by,
                      f"Contact {prospect}, referred by {who(by)}", source))
    if exchange.thanked is None:
        items.append((add_days(date, config.thank_days), THANK, by,
                      f"Thank {who(by)} for the referral{about}", source))
    if exchange.status == "open":
        since = max(date, exchange.reported or date)
        items.append((add_days(since, config.report_back_days), REPORT_BACK, by,
                      f"Tell {who(by)} how the referral is going{about}", source))
    else:
        closed = exchange.closed_on or date
        if exchange.reported is None or exchange.reported < closed:
            items.append((closed, REPORT_BACK, by,
                          f"Tell {who(by)} the referral was {exchange.status}{about}", source))
    return items


def loop_state(exchange: Exchange) -> str:
    """Where a referral received stands, in words: "called, thanked, won, not yet told"."""
    words = ["called" if exchange.contacted else "not called yet",
             "thanked" if exchange.thanked else "not thanked yet", exchange.status]
    closed = exchange.closed_on or exchange.date
    if exchange.reported is None:
        words.append("not yet told")
    elif exchange.status != "open" and closed is not None and exchange.reported < closed:
        words.append("not yet told how it ended")
    else:
        words.append(f"told on {exchange.reported.isoformat()}")
    return ", ".join(words)


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
