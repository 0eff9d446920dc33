"""Derive the chapter's scorecard: over the last `scorecard.months` months, one light per
input (attendance, one-to-ones, referrals given, visitors, education, testimonials, closed
business) against the chapter's thresholds in `refjournal.yaml`.

A light is green from the `green` threshold up, amber from `amber` up, red below; grey when
there is nothing to measure (attendance with no chapter meeting recorded). The period ends
today and starts the day after the same date `months` months before: 25 May to 24 November
for six months. Rates a week are the count over the period's days, times 7.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass

from ..model import EVENT_KINDS, ONE_TO_ONE_KINDS, Journal, Threshold
from .balances import Number, closed_business, money
from .business import amount_text

PRESENT = ("present", "late", "substitute")  # you (or your substitute) were there
EXCUSED = ("medical",)  # not counted either way
INPUTS = ("attendance", "one_to_ones", "referrals", "visitors", "education", "testimonials",
          "closed_business")
TITLES = {"attendance": "Attendance", "one_to_ones": "One-to-ones",
          "referrals": "Referrals given", "visitors": "Visitors", "education": "Education",
          "testimonials": "Testimonials", "closed_business": "Closed business"}
# What each input's figure is: a share of meetings, a rate a week, or a total.
MEASURES = {"attendance": "share", "one_to_ones": "week", "referrals": "week",
            "visitors": "period", "education": "period", "testimonials": "period",
            "closed_business": "period"}
LIGHTS = ("green", "amber", "red", "grey")


@dataclass(frozen=True)
class Score:
    """One input of the scorecard: what was counted and its light."""

    key: str  # the key under `scorecard:`
    title: str
    total: Number  # what was counted over the period (for attendance: meetings present)
    measure: float | Number | None  # what the light compares: share, rate or total
    per: str  # "share" (of chapter meetings), "week" (a rate) or "period" (the total)
    threshold: Threshold
    light: str  # green, amber, red; grey when there is nothing to measure
    attendance: tuple[tuple[str, int], ...] = ()  # attendance only: meetings by how you were

    @property
    def word(self) -> str:
        return "no record" if self.light == "grey" else self.light

    @property
    def counted(self) -> int:
        """Attendance: the chapter meetings that count (all but the excused)."""
        return sum(n for how, n in self.attendance if how not in EXCUSED)

    @property
    def detail(self) -> str:
        """What the figure was counted from, when it is not the figure itself: `11 of 12
        chapter meetings; 1 late; 1 medical, not counted`, `26 in all`."""
        if self.per == "week":
            return f"{self.total} in all"
        if self.key != "attendance" or not self.attendance:
            return ""
        how = dict(self.attendance)
        parts = [f"{self.total} of {self.counted} chapter meetings"]
        also = [f"{how[k]} {k}" for k in ("late", "substitute") if how.get(k)]
        if also:
            parts.append(", ".join(also))
        if how.get("medical"):
            parts.append(f"{how['medical']} medical, not counted")
        return "; ".join(parts)

    def shown(self, currency: str = "", space: str = " ") -> str:
        """The figure the light is read from, as people read it: `92%`, `1.1 a week`, `3`,
        `GBP 12,500`. Shares and rates are rounded down, so a figure shown at a threshold
        has met it."""
        if self.measure is None:
            return "no chapter meeting recorded"
        if self.per == "share":
            return f"{math.floor(self.measure * 100 + 1e-9):d}%"
        if self.per == "week":
            return f"{math.floor(self.measure * 10 + 1e-9) / 10:.1f} a week"
        return self.bound(self.measure, currency, space)

    def bound(self, value: Number, currency: str = "", space: str = " ") -> str:
        """A threshold (or a total) in the input's own terms: `95%`, `1`, `GBP 10,000`."""
        if self.per == "share":
            return f"{round(value * 100, 4):g}%"
        if self.key == "closed_business":
            return amount_text(value, currency, space)
        return f"{value:g}" if isinstance(value, float) else str(value)

    def as_json(self) -> dict[str, object]:
        found: dict[str, object] = {
            "total": self.total, "value": self.measure, "per": self.per,
            "green": self.threshold.green, "amber": self.threshold.amber, "light": self.light}
        if self.key == "attendance":
            found.update(counted=self.counted, meetings=dict(self.attendance))
        return found


@dataclass(frozen=True)
class Card:
    months: int
    start: dt.date  # the first day counted
    end: dt.date  # today, the last day counted
    scores: tuple[Score, ...]  # in the order of INPUTS

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_json(self) -> dict[str, object]:
        return {"months": self.months, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "days": self.days,
                "inputs": {score.key: score.as_json() for score in self.scores}}


def months_before(day: dt.date, months: int) -> dt.date:
    """The same date `months` months earlier, held at the month's last day (31 August less
    six months is 28 or 29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def light_of(measure: float | Number | None, threshold: Threshold) -> str:
    if measure is None:
        return "grey"
    if measure >= threshold.green:
        return "green"
    if measure >= threshold.amber:
        return "amber"
    return "red"


def scorecard(journal: Journal, today: dt.date) -> Card:
    card = journal.config.scorecard
    start = months_before(today, card.months) + dt.timedelta(days=1)
    days = (today - start).days + 1
    totals = _totals(journal, start, today)
    attendance = _attendance(journal, start, today)
    present = sum(attendance[how] for how in PRESENT)
    counted = sum(n for how, n in attendance.items() if how not in EXCUSED)
    measures: dict[str, float | Number | None] = {
        "attendance": present / counted if counted else None,
        "one_to_ones": totals["one_to_ones"] * 7 / days,
        "referrals": totals["referrals"] * 7 / days}
    totals["attendance"] = present
    scores = []
    for key in INPUTS:
        threshold: Threshold = getattr(card, key)
        measure = measures.get(key, totals[key])
        scores.append(Score(
            key, TITLES[key], totals[key], measure, MEASURES[key], threshold,
            light_of(measure, threshold),
            tuple((how, attendance[how]) for how in sorted(attendance)) if key == "attendance"
            else ()))
    return Card(card.months, start, today, tuple(scores))


def _attendance(journal: Journal, start: dt.date, today: dt.date) -> Counter[str]:
    """Chapter meetings (of an event kind, with an `attendance:`) by how you were."""
    return Counter(m.attendance for m in journal.held(today)
                   if start <= m.date and m.kind in EVENT_KINDS and m.attendance)


def _totals(journal: Journal, start: dt.date, today: dt.date) -> dict[str, Number]:
    """The counts and the value of the period, by input."""
    totals: dict[str, Number] = dict.fromkeys(INPUTS, 0)
    for meeting in journal.held(today):
        if meeting.date < start:
            continue
        if meeting.kind in ONE_TO_ONE_KINDS:
            totals["one_to_ones"] += 1
        for exchange in meeting.exchanges:
            given = exchange.direction == "gave"
            if exchange.type == "referral" and given:
                totals["referrals"] += 1
            elif exchange.type == "visitor" and given:
                totals["visitors"] += len(exchange.contacts)  # each person brought
            elif exchange.type == "testimonial" and given:
                totals["testimonials"] += 1
            elif exchange.type == "education":  # taught or learnt
                totals["education"] += 1
    closed = sum(exchange.value or 0 for day, exchange in closed_business(journal.exchanges,
                                                                          today)
                 if day >= start and exchange.direction == "got")
    totals["closed_business"] = money(closed)
    return totals
