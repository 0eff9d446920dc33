"""The figures of `refjournal stats`: the insights pages' numbers, as JSON or as text."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .derive import Derived
from .health import LIGHTS


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
    }


def stats_lines(site: Derived) -> list[str]:
    """A short report for a terminal."""
    names = site.journal.contacts
    lines = [f"As of {site.today.isoformat()}", "", "Goals"]
    for goal in site.goals:
        if goal.goal == 0:
            lines.append(f"  {goal.title}: no goal set ({goal.current} this {goal.unit})")
            continue
        booked = f", {goal.booked} more booked" if goal.booked else ""
        lines.append(f"  {goal.title}: {goal.current} of {goal.goal} this {goal.unit}{booked}; "
                     f"streak {goal.streak} {goal.unit}{'' if goal.streak == 1 else 's'}")
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
    return lines
