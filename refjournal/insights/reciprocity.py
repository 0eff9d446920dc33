"""Derive reciprocity: do the people I give referrals to give referrals back, and how soon?

For every contact I gave a referral to (a `gave` entry of type `referral`), t0 is the date
of my first referral to them. They reciprocated if they gave me a referral dated within
[t0, t0 + reciprocity_days]; the days to reciprocation are counted to the first such one.
Only what has happened counts: entries dated up to today.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from ..model import Journal
from .due import add_days


@dataclass(frozen=True)
class Waiting:
    """I gave them a referral and nothing came back within the window (or it is still open)."""

    contact: str
    first_given: dt.date
    given: int  # referrals I gave them in all
    open_until: dt.date  # the last day a referral from them would count

    def as_json(self, today: dt.date) -> dict[str, object]:
        return {"contact": self.contact, "first_given": self.first_given.isoformat(),
                "given": self.given, "days_since": (today - self.first_given).days,
                "window_open": self.open_until >= today}


@dataclass(frozen=True)
class Owed:
    """They gave me referrals and I have never given them one."""

    contact: str
    first_received: dt.date
    last_received: dt.date
    received: int

    def as_json(self) -> dict[str, object]:
        return {"contact": self.contact, "first_received": self.first_received.isoformat(),
                "last_received": self.last_received.isoformat(), "received": self.received}


@dataclass(frozen=True)
class Reciprocity:
    days: int  # the window, `reciprocity_days`
    given_to: int  # contacts I gave at least one referral to
    reciprocated: int
    delays: tuple[int, ...]  # days to reciprocation, one per reciprocated contact
    waiting: tuple[Waiting, ...]  # gave, nothing back yet: latest first referral first
    owed: tuple[Owed, ...]  # they gave, I have not given back: longest waiting first

    @property
    def rate(self) -> float | None:
        return self.reciprocated / self.given_to if self.given_to else None

    @property
    def median_days(self) -> float | int | None:
        """The median, a whole number unless it falls between two (then it ends in .5)."""
        if not self.delays:
            return None
        middle = statistics.median(self.delays)
        return int(middle) if float(middle).is_integer() else middle

    def as_json(self, today: dt.date) -> dict[str, object]:
        return {"days": self.days, "given_to": self.given_to,
                "reciprocated": self.reciprocated, "rate": self.rate,
                "median_days": self.median_days,
                "waiting": [w.as_json(today) for w in self.waiting],
                "owed": [o.as_json() for o in self.owed]}


def reciprocity(journal: Journal, today: dt.date) -> Reciprocity:
    window = journal.config.reciprocity_days
    given: dict[str, list[dt.date]] = defaultdict(list)
    received: dict[str, list[dt.date]] = defaultdict(list)
    for meeting in journal.meetings:  # sorted by date, so every list below is too
        if meeting.date > today:
            break
        for exchange in meeting.exchanges:
            if exchange.type != "referral":
                continue
            into = given if exchange.direction == "gave" else received
            for slug in exchange.contacts:
                into[slug].append(meeting.date)
    delays: list[int] = []
    waiting: list[Waiting] = []
    for slug, dates in given.items():
        t0 = dates[0]
        until = add_days(t0, window)
        back = next((d for d in received.get(slug, ()) if t0 <= d <= until), None)
        if back is not None:
            delays.append((back - t0).days)
        else:
            waiting.append(Waiting(slug, t0, len(dates), until))
    owed = [Owed(slug, dates[0], dates[-1], len(dates))
            for slug, dates in received.items() if slug not in given]
    waiting.sort(key=lambda w: (-w.first_given.toordinal(), w.contact))
    owed.sort(key=lambda o: (o.first_received, o.contact))
    return Reciprocity(window, len(given), len(delays), tuple(delays), tuple(waiting),
                       tuple(owed))
