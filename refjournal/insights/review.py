"""Derive the reality check: for the people I met most recently, what they need from me,
when I last gave them a referral and what became of it, and when they last gave me a warm
or hot one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ..model import Exchange, Journal

REVIEW_SIZE = 25  # "your last 25 conversations"


@dataclass(frozen=True)
class ReviewRow:
    contact: str
    last_met: dt.date
    needs: str
    gave: Exchange | None  # my last referral to them
    got: Exchange | None  # their last warm or hot referral to me

    def as_json(self) -> dict[str, object]:
        return {"contact": self.contact, "last_met": self.last_met.isoformat(),
                "needs": self.needs,
                "last_referral_given": _when(self.gave),
                "last_referral_given_status": self.gave.status if self.gave else None,
                "last_warm_referral_received": _when(self.got)}


def review(journal: Journal, today: dt.date,
           exchanges_by_contact: Mapping[str, tuple[Exchange, ...]],
           size: int = REVIEW_SIZE) -> tuple[ReviewRow, ...]:
    """One row per contact among the `size` most recently met (meetings dated up to today),
    latest meeting first; on the same day, the later meeting (by its id) first, and in a
    meeting, in the order of its `with`. Exchanges come from every meeting that names
    the contact, in date order."""
    last_met: dict[str, dt.date] = {}
    for meeting in reversed(journal.meetings):
        if meeting.date > today:
            continue
        for slug in meeting.contacts:
            last_met.setdefault(slug, meeting.date)
        if len(last_met) >= size:
            break
    rows = []
    for slug, met in list(last_met.items())[:size]:
        past = [ex for ex in exchanges_by_contact.get(slug, ())
                if ex.type == "referral" and ex.date is not None and ex.date <= today]
        gave = next((ex for ex in reversed(past) if ex.direction == "gave"), None)
        got = next((ex for ex in reversed(past) if ex.direction == "got" and ex.warm), None)
        rows.append(ReviewRow(slug, met, journal.contacts[slug].needs, gave, got))
    return tuple(rows)


def _when(exchange: Exchange | None) -> str | None:
    return exchange.date.isoformat() if exchange and exchange.date else None
