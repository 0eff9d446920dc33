"""Derive progress against the goals of `refjournal.yaml`: one-to-ones and events a week,
referrals given and closed business received a month.

Weeks are ISO weeks (Monday to Sunday). Only what has happened counts: meetings and
referrals dated up to today, not the ones booked later in the week, and business closed up
to today.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..model import EVENT_KINDS, ONE_TO_ONE_KINDS, Journal, held_by
from .balances import Number, closed_business, money

HISTORY = 12  # periods shown in a goal's bar chart: this one and the 11 before it

_Step = Callable[[dt.date], dt.date]  # from the start of a period to the one before
_Label = Callable[[dt.date], str]


@dataclass(frozen=True)
class Period:
    start: dt.date  # a Monday, or the first of a month
    label: str  # `2026-W48`, `2026-11`
    count: Number  # a count, or an amount for the closed business goal


@dataclass(frozen=True)
class GoalProgress:
    key: str  # the key in `goals:`
    title: str  # "One-to-ones"
    unit: str  # "week" or "month"
    goal: Number  # 0: the goal is off
    current: Number  # so far this week or month
    booked: int  # meetings booked later this week (not counted yet)
    streak: int  # periods in a row with the goal met, up to this one
    history: tuple[Period, ...]  # the last HISTORY periods, oldest first, this one last
    amount: bool = False  # an amount of money (closed business), not a count

    @property
    def met(self) -> bool:
        return self.goal > 0 and self.current >= self.goal

    def as_json(self) -> dict[str, object]:
        this = "this_week" if self.unit == "week" else "this_month"
        count = "value" if self.amount else "count"
        return {"goal": self.goal, this: self.current, "streak": self.streak,
                f"{self.unit}s": [{self.unit: p.label, "start": p.start.isoformat(),
                                   count: p.count} for p in self.history]}


@functools.lru_cache(maxsize=1 << 15)  # a lifetime of notes has a few thousand dates
def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@functools.lru_cache(maxsize=1 << 15)
def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def week_label(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def month_label(first: dt.date) -> str:
    return f"{first.year}-{first.month:02d}"


def previous_week(monday: dt.date) -> dt.date:
    return monday - dt.timedelta(days=7)


def previous_month(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


def goal_progress(journal: Journal, today: dt.date) -> tuple[GoalProgress, ...]:
    goals = journal.config.goals
    this_week = week_start(today)
    sunday = this_week + dt.timedelta(days=6)
    held = journal.held(today)
    booked = journal.meetings[len(held):held_by(journal.meetings, sunday)]  # this week's
    referrals = [ex.date for m in held for ex in m.gave
                 if ex.type == "referral" and ex.date is not None]
    return (
        _weekly("one_to_ones_per_week", "One-to-ones", goals.one_to_ones_per_week,
                [m.date for m in held if m.kind in ONE_TO_ONE_KINDS], today,
                sum(m.kind in ONE_TO_ONE_KINDS for m in booked)),
        _weekly("events_per_week", "Events", goals.events_per_week,
                [m.date for m in held if m.kind in EVENT_KINDS], today,
                sum(m.kind in EVENT_KINDS for m in booked)),
        _progress("referrals_given_per_month", "Referrals given", MONTH,
                  goals.referrals_given_per_month, Counter(map(month_start, referrals)), today),
        _progress("closed_business_per_month", "Closed business", MONTH,
                  goals.closed_business_per_month, closed_received(journal, today), today,
                  amount=True),
    )


def closed_received(journal: Journal, today: dt.date) -> dict[dt.date, Number]:
    """The value of won business received, by the month it closed, up to today."""
    by_month: dict[dt.date, Number] = defaultdict(int)
    for day, exchange in closed_business(journal.exchanges, today):
        if exchange.direction == "got":
            by_month[month_start(day)] += exchange.value or 0
    return {month: money(value) for month, value in by_month.items()}


@dataclass(frozen=True)
class _Unit:
    """A kind of period goals are counted by."""

    name: str  # "week" or "month"
    start: _Step  # from a day to the start of its period
    previous: _Step  # from the start of a period to the one before
    label: _Label


WEEK = _Unit("week", week_start, previous_week, week_label)
MONTH = _Unit("month", month_start, previous_month, month_label)


def _weekly(key: str, title: str, goal: int, dates: Iterable[dt.date], today: dt.date,
            booked: int) -> GoalProgress:
    return _progress(key, title, WEEK, goal, Counter(map(week_start, dates)), today, booked)


def _progress(key: str, title: str, unit: _Unit, goal: Number,
              counts: Mapping[dt.date, Number], today: dt.date, booked: int = 0,
              amount: bool = False) -> GoalProgress:
    """Progress against `goal`, from the count (or amount) of each period by its start."""
    current = unit.start(today)
    history = []
    start = current
    for _ in range(HISTORY):
        history.append(Period(start, unit.label(start), counts.get(start, 0)))
        start = unit.previous(start)
    return GoalProgress(key, title, unit.name, goal, counts.get(current, 0), booked,
                        streak(counts, goal, current, unit.previous), tuple(reversed(history)),
                        amount)


def streak(counts: Mapping[dt.date, Number], goal: Number, current: dt.date,
           previous: _Step) -> int:
    """Periods in a row that met the goal, ending with this one when it is met already, or
    else with the one before (this one is not over yet, so it does not break a streak)."""
    if goal <= 0:
        return 0
    start = current if counts.get(current, 0) >= goal else previous(current)
    run = 0
    while counts.get(start, 0) >= goal:
        run += 1
        start = previous(start)
    return run

