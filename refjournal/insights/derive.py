"""Derive stage: every figure the site shows, computed once from a Journal and a date."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from ..model import Exchange, Journal, Meeting
from .activity import Month, Tag, Week, months, partners, tags, weeks
from .balances import Balance, Number, balances, money, new_tally, tally
from .business import Closed, closed_by_month, closed_by_quarter
from .connections import Graph, Introduction, graph, introductions
from .due import DueItem, due_items, last_contact
from .goals import GoalProgress, goal_progress
from .health import Health, health
from .reciprocity import Reciprocity, reciprocity
from .review import ReviewRow, review
from .scorecard import Card, scorecard
from .suggest import Memo, Suggestions, asked, suggest


@dataclass(frozen=True)
class Derived:
    journal: Journal
    today: dt.date
    items: tuple[DueItem, ...]
    balances: Mapping[str, Balance]
    last_contact: Mapping[str, dt.date | None]
    items_by_contact: Mapping[str, tuple[DueItem, ...]]
    exchanges_by_contact: Mapping[str, tuple[Exchange, ...]]
    introduced: Mapping[str, tuple[str, ...]]  # slug -> contacts it introduced me to
    meetings_by_id: Mapping[str, Meeting]
    totals: Mapping[str, Number]  # entries (not per contact): gave, got, gave_value, got_value
    health: Mapping[str, Health]
    goals: tuple[GoalProgress, ...]
    reciprocity: Reciprocity
    review: tuple[ReviewRow, ...]
    months: tuple[Month, ...]  # exchanges given and received, the last 12 months
    weeks: tuple[Week, ...]  # meetings held, the last 26 weeks
    partners: Mapping[str, tuple[Month, ...]]  # by referral partner, the last 12 months
    introductions: tuple[Introduction, ...]
    tags: tuple[Tag, ...]
    closed_months: tuple[Closed, ...]  # business closed both ways, the last 12 months
    closed_quarters: tuple[Closed, ...]  # the same, this quarter and the three before
    scorecard: Card
    # The last suggestions of a process that builds again and again (see `suggest.Memo`).
    memo: Memo | None = field(default=None, compare=False, repr=False)

    @cached_property
    def graph(self) -> Graph:
        """Laid out only when a page draws it: the layout is the one step here that costs
        more than a pass over the journal."""
        return graph(self.journal, self.introductions)

    @cached_property
    def suggestions(self) -> Suggestions:
        """Whose need another contact could answer (made when a page or command asks)."""
        gave = {slug: b.gave for slug, b in self.balances.items()}
        got = {slug: b.got for slug, b in self.balances.items()}
        return suggest(asked(self.journal, self.today, gave, got, self.last_contact),
                       self.memo)

    def next_due(self, slug: str) -> DueItem | None:
        items = self.items_by_contact.get(slug, ())
        return items[0] if items else None


def derive(journal: Journal, today: dt.date, memo: Memo | None = None) -> Derived:
    """Every figure of `journal` on `today`. A `memo` kept between builds spares the
    suggestions when what they are made from did not change."""
    items = due_items(journal, today)
    by_contact: dict[str, list[DueItem]] = defaultdict(list)
    for item in items:  # already sorted by due date
        for slug in item.contacts:
            by_contact[slug].append(item)
    exchanges: dict[str, list[Exchange]] = defaultdict(list)
    totals = new_tally()  # entries, not per contact: an introduction counts once here
    for meeting in journal.meetings:
        for exchange in meeting.exchanges:
            tally(totals, exchange)
            for slug in exchange.contacts:
                exchanges[slug].append(exchange)
    by_contact_exchanges = {slug: tuple(v) for slug, v in exchanges.items()}
    introduced: dict[str, list[str]] = defaultdict(list)
    for contact in journal.contacts.values():
        if contact.introduced_by is not None:
            introduced[contact.introduced_by.slug].append(contact.slug)
    return Derived(
        journal=journal,
        today=today,
        items=tuple(items),
        balances=balances(journal),
        last_contact={slug: last_contact(journal, c, today)
                      for slug, c in journal.contacts.items()},
        items_by_contact={slug: tuple(v) for slug, v in by_contact.items()},
        exchanges_by_contact=by_contact_exchanges,
        introduced={slug: tuple(v) for slug, v in introduced.items()},
        meetings_by_id={meeting.id: meeting for meeting in journal.meetings},
        totals={key: money(value) for key, value in totals.items()},
        health={slug: health(journal, c, today) for slug, c in journal.contacts.items()},
        goals=goal_progress(journal, today),
        reciprocity=reciprocity(journal, today),
        review=review(journal, today, by_contact_exchanges),
        months=months(journal.exchanges, today),
        weeks=weeks(journal, today),
        partners=partners(journal, today, by_contact_exchanges),
        introductions=introductions(journal, today),
        tags=tags(journal),
        closed_months=closed_by_month(journal, today),
        closed_quarters=closed_by_quarter(journal, today),
        scorecard=scorecard(journal, today),
        memo=memo,
    )
