"""The figures of `refjournal stats`: the insights pages' numbers, as JSON or as text."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from ..model import Journal
from .business import PeriodFigures, Referrals, Span, amount_text, parse_span, period_figures
from .derive import Derived, derive
from .goals import GoalProgress
from .health import LIGHTS
from .scorecard import Card

__all__ = ["parse_span", "report"]  # what `refjournal stats` calls


def report(journal: Journal, today: dt.date, span: Span | None = None
           ) -> tuple[dict[str, Any], list[str]]:
    """What `refjournal stats` prints, as JSON and as text: every figure, or with a `span`
    (`--period`) that period's."""
    if span is not None:
        figures = period_figures(journal, span, today)
        return period_json(figures, journal), period_lines(figures, journal)
    site = derive(journal, today)
    return stats_json(site), stats_lines(site)


def light_counts(site: Derived) -> Counter[str]:
    """Contacts by health light; placeholders for unknown refs (no note) left out."""
    names = site.journal.contacts
    return Counter(h.light for slug, h in site.health.items() if not names[slug].unresolved)


def stats_json(site: Derived) -> dict[str, Any]:
    """Everything `stats --json` prints; documented in docs/insights.md."""
    today = site.today
    lights = light_counts(site)
    return {
        "today": today.isoformat(),
        "goals": {goal.key: goal.as_json() for goal in site.goals},
        "reciprocity": site.reciprocity.as_json(today),
        "review": [row.as_json() for row in site.review],
        "gave_got_by_month": [month.as_json() for month in site.months],
        "meetings_by_week": [week.as_json() for week in site.weeks],
        "referral_partners": {slug: [m.as_json() for m in months]
                              for slug, months in site.partners.items()},
        "introductions": [intro.as_json() for intro in site.introductions],
        "health": {light: lights[light] for light in LIGHTS},
        "tags": {tag.name: len(tag.contacts) for tag in site.tags},
        "currency": site.journal.config.currency or None,
        "closed_value_by_month": [month.as_json() for month in site.closed_months],
        "closed_value_by_quarter": [quarter.as_json() for quarter in site.closed_quarters],
        "scorecard": site.scorecard.as_json(),
        "suggestions": site.suggestions.as_json(),
    }


def stats_lines(site: Derived) -> list[str]:
    """A short report for a terminal."""
    names = site.journal.contacts
    currency = site.journal.config.currency
    lines = [f"As of {site.today.isoformat()}", "", "Goals"]
    lines += [f"  {goal_line(goal, currency)}" for goal in site.goals]
    r = site.reciprocity
    lines += ["", f"Reciprocity (within {r.days} days of your first referral)"]
    if r.given_to:
        median = "" if r.median_days is None else f"; median {r.median_days:g} days"
        lines.append(f"  {r.reciprocated} of {r.given_to} referred back "
                     f"({r.rate:.0%}){median}")
    else:
        lines.append("  no referrals given yet")
    if r.waiting:
        lines.append("  Gave, nothing back yet: " + ", ".join(names[w.contact].name
                                                           for w in r.waiting))
    if r.owed:
        lines.append("  They gave, you have not given back: " + ", ".join(
            names[o.contact].name for o in r.owed))
    lights = light_counts(site)
    lines += ["", "Relationships: " + ", ".join(f"{lights[light]} {light}" for light in LIGHTS)]
    this = site.months[-1]
    lines.append(f"This month: gave {this.gave}, got {this.got}; "
                 f"introductions made in all: {len(site.introductions)}")
    closed = site.closed_months[-1]
    lines.append(f"Business closed this month: you passed "
                 f"{amount_text(closed.gave, currency)}, received "
                 f"{amount_text(closed.got, currency)}")
    lines += ["", *scorecard_lines(site.scorecard, currency)]
    return lines


def goal_line(goal: GoalProgress, currency: str) -> str:
    def shown(value: float) -> str:
        return amount_text(value, currency) if goal.amount else _number(value)

    if goal.goal == 0:
        return f"{goal.title}: no goal set ({shown(goal.current)} this {goal.unit})"
    booked = f", {goal.booked} more booked" if goal.booked else ""
    return (f"{goal.title}: {shown(goal.current)} of {shown(goal.goal)} this {goal.unit}"
            f"{booked}; streak {goal.streak} {goal.unit}{'' if goal.streak == 1 else 's'}")


def scorecard_lines(card: Card, currency: str) -> list[str]:
    """The scorecard: each input's light in words, its figure, and the thresholds."""
    lines = [f"Scorecard, the last {card.months} months ({card.start.isoformat()} to "
             f"{card.end.isoformat()})"]
    width = max(len(score.word) for score in card.scores)
    for score in card.scores:
        per = " a week" if score.per == "week" else ""
        lines.append(f"  {score.word:<{width}}  {score.title}: {score.shown(currency)}"
                     f"{f' ({score.detail})' if score.detail else ''}; green from "
                     f"{score.bound(score.threshold.green, currency)}{per}, amber from "
                     f"{score.bound(score.threshold.amber, currency)}")
    return lines


def period_json(figures: PeriodFigures, journal: Journal) -> dict[str, Any]:
    """What `stats --period --json` prints; documented in docs/insights.md."""
    return {**figures.as_json(), "currency": journal.config.currency or None}


def period_lines(figures: PeriodFigures, journal: Journal) -> list[str]:
    """`stats --period` for a terminal."""
    span, currency = figures.span, journal.config.currency
    if figures.through is None:
        return [f"{span.label} ({span.start.isoformat()} to {span.end.isoformat()}) "
                "has not begun: nothing to count yet"]
    through = ("" if figures.through == span.end
               else f", counted up to {figures.through.isoformat()}")
    sources = ", ".join(f"{journal.contacts[s.contact].name} ({s.first.isoformat()})"
                        for s in figures.new_sources) or "none"
    return [f"{span.label} ({span.start.isoformat()} to {span.end.isoformat()}{through})",
            f"  Referrals given: {_referrals(figures.given)}",
            f"  Referrals received: {_referrals(figures.received)}",
            f"  Business closed: you passed {amount_text(figures.gave_value, currency)}, "
            f"received {amount_text(figures.got_value, currency)}",
            f"  New sources of referrals: {sources}"]


def _referrals(counts: Referrals) -> str:
    return (f"{counts.count} ({counts.won} won, {counts.open} open, {counts.lost} lost)"
            if counts.count else "0")


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
