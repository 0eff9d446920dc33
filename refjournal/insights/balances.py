"""Derive the give/get balance of referrals with each contact, and what counts as closed
business."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import Exchange, Journal, whole

Number = int | float


@dataclass(frozen=True)
class Balance:
    """What I gave a contact and got from them: entry counts and the value of won ones."""

    contact: str
    name: str
    gave: int = 0
    got: int = 0
    gave_value: Number = 0
    got_value: Number = 0
    unresolved: bool = False

    @property
    def balance(self) -> int:
        return self.gave - self.got

    def as_json(self) -> dict[str, object]:
        return {"contact": self.contact, "name": self.name, "gave": self.gave, "got": self.got,
                "balance": self.balance, "gave_value": self.gave_value,
                "got_value": self.got_value}


def balances(journal: Journal) -> dict[str, Balance]:
    """One Balance per contact (placeholders for unresolved refs included), by slug.

    An entry naming two people (an introduction) counts once for each of them, and so
    does its value when it was won.
    """
    counts: dict[str, dict[str, Number]] = defaultdict(new_tally)
    for meeting in journal.meetings:
        for exchange in meeting.exchanges:
            for slug in exchange.contacts:
                tally(counts[slug], exchange)
    return {
        slug: Balance(slug, contact.name, int(counts[slug]["gave"]), int(counts[slug]["got"]),
                      money(counts[slug]["gave_value"]), money(counts[slug]["got_value"]),
                      contact.unresolved)
        for slug, contact in journal.contacts.items()
    }


def money(total: Number) -> Number:
    """Round a sum of decimal values to cents: 0.1 + 0.2 is 0.3, not 0.30000000000000004;
    and 0.5 + 0.5 is 1, an int, as a whole amount always is (model.whole)."""
    return whole(round(total, 2)) if isinstance(total, float) else total


def new_tally() -> dict[str, Number]:
    return {"gave": 0, "got": 0, "gave_value": 0, "got_value": 0}


def tally(counts: dict[str, Number], exchange: Exchange) -> None:
    """Count one exchange in `counts` (see new_tally): its direction, and its value if won."""
    counts[exchange.direction] += 1
    counts[f"{exchange.direction}_value"] += won_value(exchange)


def won_value(exchange: Exchange) -> Number:
    return exchange.value if exchange.status == "won" and exchange.value is not None else 0


def closed_day(exchange: Exchange) -> dt.date | None:
    """The day won business counts on: `closed_on`, else the date of the meeting that
    records it (insights/business.py says why)."""
    return exchange.closed_on or exchange.date


def closed_business(exchanges: Iterable[Exchange], today: dt.date
                    ) -> Iterator[tuple[dt.date, Exchange]]:
    """Each won exchange with a value that closed up to today, with the day it closed."""
    for exchange in exchanges:
        if exchange.status != "won" or exchange.value is None:
            continue
        day = closed_day(exchange)
        if day is not None and day <= today:
            yield day, exchange
