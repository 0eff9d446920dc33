"""Derive activity over time: referrals given and received per month, meetings per week,
exchanges with each referral partner per month, and who carries each tag.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ..model import Exchange, Journal
from ..slug import slugify
from .goals import month_label, month_start, previous_month, previous_week, week_label, week_start

MONTHS = 12
WEEKS = 26


@dataclass(frozen=True)
class Month:
    start: dt.date
    label: str  # `2026-11`
    gave: int
    got: int

    def as_json(self) -> dict[str, object]:
        return {"month": self.label, "gave": self.gave, "got": self.got}


@dataclass(frozen=True)
class Week:
    start: dt.date
    label: str  # `2026-W48`
    meetings: int

    def as_json(self) -> dict[str, object]:
        return {"week": self.label, "start": self.start.isoformat(), "meetings": self.meetings}


@dataclass(frozen=True)
class Tag:
    slug: str  # its page: `tags/<slug>/`
    name: str  # as first written (by contact slug)
    contacts: tuple[str, ...]


def months(exchanges: tuple[Exchange, ...], today: dt.date, count: int = MONTHS
           ) -> tuple[Month, ...]:
    """Exchanges given and received in each of the last `count` months, oldest first
    (entries, not people: an introduction of two counts once)."""
    tally: Counter[tuple[dt.date, str]] = Counter(
        (month_start(ex.date), ex.direction) for ex in exchanges
        if ex.date is not None and ex.date <= today)
    starts = [month_start(today)]
    while len(starts) < count:
        starts.append(previous_month(starts[-1]))
    return tuple(Month(s, month_label(s), tally[(s, "gave")], tally[(s, "got")])
                 for s in reversed(starts))


def weeks(journal: Journal, today: dt.date, count: int = WEEKS) -> tuple[Week, ...]:
    """Meetings held in each of the last `count` ISO weeks, oldest first."""
    tally = Counter(week_start(m.date) for m in journal.held(today))
    starts = [week_start(today)]
    while len(starts) < count:
        starts.append(previous_week(starts[-1]))
    return tuple(Week(s, week_label(s), tally[s]) for s in reversed(starts))


def partners(journal: Journal, today: dt.date,
             exchanges_by_contact: Mapping[str, tuple[Exchange, ...]]
             ) -> dict[str, tuple[Month, ...]]:
    """For each referral partner, exchanges both ways in each of the last 12 months."""
    return {slug: months(exchanges_by_contact.get(slug, ()), today)
            for slug, contact in journal.contacts.items() if contact.referral_partner}


def tags(journal: Journal) -> tuple[Tag, ...]:
    """Every tag, by slug (`Coffee` and `coffee` are one tag), with its contacts."""
    found: dict[str, dict[str, None]] = defaultdict(dict)  # an ordered set of contacts
    names: dict[str, str] = {}
    for contact in journal.contacts.values():
        for name in contact.tags:
            slug = slugify(name)
            if not slug:
                continue
            names.setdefault(slug, name)
            found[slug][contact.slug] = None
    return tuple(Tag(slug, names[slug], tuple(found[slug])) for slug in sorted(found))
