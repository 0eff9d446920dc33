"""Derive business over time: the value of won exchanges, given and received, per month and
per quarter, and the figures of a period (`refjournal stats --period 2026-Q4`).

Closed business is the `value` of every exchange with status `won`, whatever its type. It
counts on the day it closed: the exchange's `closed_on`, else the date of the meeting that
records it (when the business closed is what a month's figure is about; the meeting may be
months earlier). Only what has closed up to today counts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Journal
from .balances import Number, closed_business, money
from .goals import month_label, month_start, previous_month

MONTHS = 12  # months in the chart and the table
QUARTERS = 4  # quarters in the table: this one and the three before


def amount_text(value: Number | None, currency: str = "", space: str = " ") -> str:
    """An amount as every page and command writes it: `1,200`, `1,200.50`, and with the
    journal's currency code first when it has one: `GBP 1,200` (the site joins the two with
    a no-break space)."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        number = f"{value:,.2f}"
    else:
        number = f"{int(value):,}"
    return f"{currency}{space}{number}" if currency else number


@dataclass(frozen=True)
class Closed:
    """Business closed in one month or quarter: the value given and received."""

    unit: str  # "month" or "quarter"
    start: dt.date
    label: str  # `2026-11`, `2026-Q4`
    gave: Number
    got: Number

    def as_json(self) -> dict[str, object]:
        return {self.unit: self.label, "gave": self.gave, "got": self.got}


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def quarter_label(first: dt.date) -> str:
    return f"{first.year}-Q{(first.month - 1) // 3 + 1}"


def previous_quarter(first: dt.date) -> dt.date:
    return quarter_start(first - dt.timedelta(days=1))


def closed_by_month(journal: Journal, today: dt.date, count: int = MONTHS
                    ) -> tuple[Closed, ...]:
    """Business closed in each of the last `count` months, oldest first."""
    return _closed_by(journal, today, count, "month",
                      (month_start, previous_month, month_label))


def closed_by_quarter(journal: Journal, today: dt.date, count: int = QUARTERS
                      ) -> tuple[Closed, ...]:
    """Business closed in each of the last `count` quarters, oldest first."""
    return _closed_by(journal, today, count, "quarter",
                      (quarter_start, previous_quarter, quarter_label))


_Step = Callable[[dt.date], dt.date]


def _closed_by(journal: Journal, today: dt.date, count: int, unit: str,
               steps: tuple[_Step, _Step, Callable[[dt.date], str]]) -> tuple[Closed, ...]:
    start_of, previous, label = steps
    tally: dict[tuple[dt.date, str], Number] = defaultdict(int)
    for day, exchange in closed_business(journal.exchanges, today):
        tally[(start_of(day), exchange.direction)] += exchange.value or 0
    starts = [start_of(today)]
    while len(starts) < count:
        starts.append(previous(starts[-1]))
    return tuple(Closed(unit, s, label(s), money(tally[(s, "gave")]), money(tally[(s, "got")]))
                 for s in reversed(starts))


# --- a period: `2026`, `2026-Q4`, `2026-11` -------------------------------------------

_PERIOD = re.compile(r"^(\d{4})(?:-(?:[Qq]([1-4])|(\d{2})))?$")


@dataclass(frozen=True)
class Span:
    """A calendar period: a year, a quarter or a month."""

    label: str  # `2026`, `2026-Q4`, `2026-11`
    start: dt.date
    end: dt.date  # its last day, included


def parse_span(text: str) -> Span:
    """`2026` (a year), `2026-Q4` (a quarter), `2026-11` (a month); ValueError otherwise."""
    match = _PERIOD.match(text.strip())
    month = int(match[3]) if match and match[3] else 0
    if match is None or int(match[1]) < 1 or (match[3] and not 1 <= month <= 12):
        raise ValueError(f"{text!r} is not a period: write a year (2026), a quarter (2026-Q4) "
                         "or a month (2026-11)")
    year = int(match[1])
    if match[2]:
        first = dt.date(year, (int(match[2]) - 1) * 3 + 1, 1)
        return Span(quarter_label(first), first, _last_day(first, 3))
    if month:
        first = dt.date(year, month, 1)
        return Span(month_label(first), first, _last_day(first, 1))
    return Span(f"{year:04d}", dt.date(year, 1, 1), dt.date(year, 12, 31))


def _last_day(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    if index // 12 > dt.MAXYEAR:
        return dt.date.max
    return dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Referrals:
    """Referral entries (type `referral`) one way in a period, by their status now."""

    count: int = 0
    won: int = 0
    open: int = 0
    lost: int = 0

    def as_json(self) -> dict[str, object]:
        return {"count": self.count, "won": self.won, "open": self.open, "lost": self.lost}


@dataclass(frozen=True)
class NewSource:
    """A contact who referred you for the first time in the period."""

    contact: str
    first: dt.date  # the day of their first referral to you

    def as_json(self) -> dict[str, object]:
        return {"contact": self.contact, "first_referral": self.first.isoformat()}


@dataclass(frozen=True)
class PeriodFigures:
    span: Span
    through: dt.date | None  # the last day counted (today, if sooner); None: not begun
    given: Referrals
    received: Referrals
    gave_value: Number  # business closed in the period
    got_value: Number
    new_sources: tuple[NewSource, ...]  # first referral to you first

    def as_json(self) -> dict[str, object]:
        return {"period": self.span.label, "start": self.span.start.isoformat(),
                "end": self.span.end.isoformat(),
                "through": self.through.isoformat() if self.through else None,
                "referrals_given": self.given.as_json(),
                "referrals_received": self.received.as_json(),
                "closed_value": {"gave": self.gave_value, "got": self.got_value},
                "new_sources": [source.as_json() for source in self.new_sources]}


def period_figures(journal: Journal, span: Span, today: dt.date) -> PeriodFigures:
    """Referrals given and received in `span` (entries dated in it, by their status now),
    the business closed in it both ways, and the contacts whose first referral to you is in
    it. A period not over yet counts up to today."""
    through = min(span.end, today)
    counts: dict[str, dict[str, int]] = {"gave": defaultdict(int), "got": defaultdict(int)}
    first_from: dict[str, dt.date] = {}
    for exchange in journal.exchanges:  # in meeting order: by date
        day = exchange.date
        if exchange.type != "referral" or day is None or day > through:
            continue
        if exchange.direction == "got":
            for slug in exchange.contacts:
                first_from.setdefault(slug, day)
        if day >= span.start:
            counts[exchange.direction][exchange.status] += 1
    value: dict[str, Number] = defaultdict(int)
    for day, exchange in closed_business(journal.exchanges, through):
        if day >= span.start:
            value[exchange.direction] += exchange.value or 0
    new = sorted((NewSource(slug, day) for slug, day in first_from.items()
                  if day >= span.start), key=lambda s: (s.first, s.contact))
    return PeriodFigures(span, through if through >= span.start else None,
                         _referrals(counts["gave"]), _referrals(counts["got"]),
                         money(value["gave"]), money(value["got"]), tuple(new))


def _referrals(by_status: dict[str, int]) -> Referrals:
    return Referrals(sum(by_status.values()), by_status["won"], by_status["open"],
                     by_status["lost"])
