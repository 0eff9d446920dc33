"""Derive the health of each relationship: a traffic light with a word, how long I have
known them, and how often we met.

green: within cadence (or a meeting is booked); amber: keep-in-touch due today or soon;
red: overdue; grey: paused, archived, dormant, no cadence, never met, or no contact note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Contact, Journal, held_by
from .due import OVERDUE, SOON, TODAY, has_booked_meeting, keep_in_touch_due, state_of

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
LIGHTS = (GREEN, AMBER, RED, GREY)
RECENT_DAYS = 90


@dataclass(frozen=True)
class Health:
    light: str  # one of LIGHTS
    word: str  # what the light means, so colour is never the only signal
    due: dt.date | None  # the keep-in-touch date the light was read from, if it was
    months_known: int | None
    meetings: int  # meetings held (dated up to today)
    recent: int  # of which in the last RECENT_DAYS days

    def as_json(self) -> dict[str, object]:
        return {"light": self.light, "word": self.word,
                "keep_in_touch": self.due.isoformat() if self.due else None,
                "months_known": self.months_known,
                "meetings": self.meetings, "recent_meetings": self.recent}


def health(journal: Journal, contact: Contact, today: dt.date) -> Health:
    held = journal.met(contact.slug, today)
    since = today - dt.timedelta(days=RECENT_DAYS)
    first = min((d for d in (contact.met, held[0].date if held else None)
                 if d is not None and d <= today), default=None)
    light, word, due = _light(journal, contact, today)
    return Health(light, word, due, months_between(first, today) if first else None,
                  len(held), len(held) - held_by(held, since))


def _light(journal: Journal, contact: Contact, today: dt.date
           ) -> tuple[str, str, dt.date | None]:
    if contact.unresolved:
        return GREY, "no note", None
    if contact.archived:
        return GREY, "archived", None
    if contact.paused:
        return GREY, "paused", None
    if contact.tier == "dormant" and contact.cadence is None:
        return GREY, "dormant", None
    if journal.cadence_of(contact) is None:
        return GREY, "no cadence", None
    if has_booked_meeting(journal, contact, today):
        return GREEN, "meeting booked", None
    due = keep_in_touch_due(journal, contact, today)
    if due is None:
        return GREY, "never met", None
    light, word = light_of(state_of(due, today, journal.config.soon_days))
    return light, word, due


def light_of(state: str) -> tuple[str, str]:
    """The light and word for the state of a keep-in-touch date (site.js does the same)."""
    if state == OVERDUE:
        return RED, "overdue"
    if state in (TODAY, SOON):
        return AMBER, "due today" if state == TODAY else "due soon"
    return GREEN, "on track"


def months_between(first: dt.date, today: dt.date) -> int:
    """Whole months from `first` to `today` (0 when `first` is later)."""
    months = (today.year - first.year) * 12 + today.month - first.month
    if today.day < first.day:
        months -= 1
    return max(months, 0)
