"""The site's pages: which there are, and what each one's template is given.

A page's context is all its template may read: the records and figures it shows, the
settings (`config`), the names of every contact (for links) and, on every page but a
meeting's, the day; a note's page and the dashboard get the journal's repository too
(`repo`, for links to its host's editor: editing.py), None without `repo_url`. The
default theme's templates see nothing else, so a page's key (in incremental/keys.py) is
made of its context alone: a template that starts reading one more figure fails at once,
instead of showing it stale. Where a template shows part of the derived site, its `site`
is a `View` of just those figures; the suggestions a page shows (whom to introduce to whom)
are given as such, a contact's page only what it shows of them (`Helper`, `Helped`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..insights.brief import brief
from ..insights.derive import Derived
from ..insights.due import STATES
from ..insights.suggest import Suggestion, Suggestions
from ..model import Contact, Meeting
from .editing import repository


@dataclass(frozen=True)
class Page:
    path: str  # output path, e.g. `contacts/ada/index.html`
    template: str
    context: Mapping[str, Any]  # all the template may read (besides pure helpers)

    @property
    def note(self) -> Contact | Meeting | None:
        """The note whose text the page shows, if any."""
        found: Contact | Meeting | None = self.context.get("contact") or self.context.get(
            "meeting")
        return found if "body" in self.context else None


@dataclass(frozen=True)
class Helper:
    """Someone who could answer a contact's need, as the contact's page shows them."""

    contact: str
    matched: tuple[str, ...]  # the need's words that their offer shares


@dataclass(frozen=True)
class Helped:
    """Someone whose need a contact could answer, as the contact's page shows them."""

    contact: str
    need: str


@dataclass(frozen=True)
class Name:
    """What a link to a contact shows."""

    name: str
    unresolved: bool  # named in notes, without a note of its own


class View:
    """Some figures of the derived site, by name: a page's `site`. Reading one it was not
    given fails, as any undefined name does in a template."""

    __slots__ = ("values",)

    def __init__(self, **values: Any) -> None:
        self.values = values

    def __getattr__(self, name: str) -> Any:
        try:
            value = self.values[name]
        except KeyError:
            raise AttributeError(name) from None
        return value.value if isinstance(value, Lazy) else value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, View) and self.values == other.values

    __hash__ = None  # type: ignore[assignment]


class Lookup:
    """A figure read by calling it with a contact's slug (`site.next_due(slug)`), for the
    slugs a page shows."""

    __slots__ = ("table",)

    def __init__(self, table: Mapping[str, Any]) -> None:
        self.table = table

    def __call__(self, slug: str) -> Any:
        return self.table[slug]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lookup) and self.table == other.table

    __hash__ = None  # type: ignore[assignment]


class Lazy:
    """A figure made only when a template reads it (the connector graph's layout); its
    key is made of its inputs."""

    __slots__ = ("inputs", "make", "_value")

    def __init__(self, make: Callable[[], Any], inputs: tuple[Any, ...]) -> None:
        self.make, self.inputs = make, inputs
        self._value: Any = _UNSET

    @property
    def value(self) -> Any:
        if self._value is _UNSET:
            self._value = self.make()
        return self._value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Lazy) and self.inputs == other.inputs

    __hash__ = None  # type: ignore[assignment]


_UNSET = object()
GIVE_THIS_WEEK = 5  # suggestions on the dashboard


def whole_model(site: Derived) -> dict[str, Any]:
    """What a journal's own template may read besides its page's context: the whole model
    (its pages have no key, and are rendered every time)."""
    return {"site": site, "journal": site.journal, "contacts": site.journal.contacts,
            "today": site.today}


def pages(site: Derived, repo_folder: str = "") -> Iterator[Page]:
    """Every page of the site, each with its context; `repo_folder` is the journal's folder
    in its git repository (journal/repository.py)."""
    journal = site.journal
    repo = repository(journal.config, repo_folder)
    shared = {"config": journal.config, "names": names(journal.contacts)}
    dated = {**shared, "today": site.today}

    def page(path: str, template: str, nav: str, context: dict[str, Any],
             day: bool = True) -> Page:
        return Page(path, template, {**(dated if day else shared), "nav": nav, **context})

    suggested = site.suggestions
    yield page("index.html", "index.html", "dashboard", {
        "week": _this_week(site), "repo": repo,
        "suggestions": give_this_week(suggested.suggestions),
        "suggested": len(suggested.suggestions),
        "site": View(items=site.items, balances=site.balances, totals=site.totals,
                     goals=site.goals, reciprocity=site.reciprocity, months=site.months)})
    yield page("follow-ups/index.html", "follow_ups.html", "follow-ups",
               {"groups": _by_state(site)})
    yield page("contacts/index.html", "contacts.html", "contacts", {
        "contacts": journal.contacts, "site": _people(site, journal.contacts)})
    given = _given(suggested)
    for contact in journal.contacts.values():
        yield page(f"contacts/{contact.slug}/index.html", "contact.html", "contacts",
                   {**_contact(site, contact), **given(contact.slug), "repo": repo})
    yield page("meetings/index.html", "meetings.html", "meetings", {
        "months": _by_month(journal.meetings), "count": len(journal.meetings)})
    for meeting in journal.meetings:
        yield page(f"meetings/{meeting.id}/index.html", "meeting.html", "meetings", {
            "meeting": meeting, "body": meeting.body, "links": journal.ref_index,
            "booked": meeting.date > site.today, "repo": repo}, day=False)
    exchanges = sorted(journal.exchanges, key=lambda e: (e.date or site.today, e.meeting),
                       reverse=True)
    yield page("referrals/index.html", "referrals.html", "referrals", {
        "exchanges": exchanges,  # with the meetings they were made in, and no other
        "site": View(meetings_by_id={e.meeting: site.meetings_by_id[e.meeting]
                                     for e in exchanges})})
    yield page("balances/index.html", "balances.html", "balances", {
        "site": View(balances=site.balances, totals=site.totals)})
    owed = {o.contact: journal.contacts[o.contact] for o in site.reciprocity.owed}
    yield page("insights/index.html", "insights.html", "insights", {
        "contacts": owed,
        "site": View(reciprocity=site.reciprocity, months=site.months, weeks=site.weeks,
                     partners=site.partners, closed_months=site.closed_months,
                     closed_quarters=site.closed_quarters, scorecard=site.scorecard)})
    yield page("review/index.html", "review.html", "review", {
        "contacts": {r.contact: journal.contacts[r.contact] for r in site.review},
        "site": View(review=site.review,
                     health={r.contact: site.health[r.contact] for r in site.review})})
    yield page("connections/index.html", "connections.html", "connections", _connections(site))
    yield page("suggestions/index.html", "suggestions.html", "suggestions", {
        "suggestions": suggested.suggestions, "unanswered": suggested.unanswered})
    yield page("tags/index.html", "tags.html", "tags", {"site": View(tags=site.tags)})
    for tag in site.tags:
        people = {slug: journal.contacts[slug] for slug in tag.contacts}
        yield page(f"tags/{tag.slug}/index.html", "tag.html", "tags", {
            "tag": tag, "contacts": people, "site": _people(site, people)})


def names(contacts: Mapping[str, Contact]) -> dict[str, Name]:
    return {slug: Name(c.name, c.unresolved) for slug, c in contacts.items()}


def _contact(site: Derived, contact: Contact) -> dict[str, Any]:
    slug, journal = contact.slug, site.journal
    exchanges = site.exchanges_by_contact.get(slug, ())
    return {
        "contact": contact, "body": contact.body, "links": journal.ref_index,
        "meetings": tuple(reversed(journal.meetings_by_contact.get(slug, ()))),
        "cadence": journal.cadence_of(contact),
        "brief": brief(site, slug),  # holds the gists of the last meetings: keyed with them
        "site": View(
            balances={slug: site.balances[slug]}, last_contact={slug: site.last_contact[slug]},
            health={slug: site.health[slug]},
            introduced={slug: site.introduced[slug]} if slug in site.introduced else {},
            items_by_contact={slug: site.items_by_contact[slug]}
            if slug in site.items_by_contact else {},
            exchanges_by_contact={slug: exchanges} if exchanges else {},
            meetings_by_id={e.meeting: site.meetings_by_id[e.meeting] for e in exchanges})}


def give_this_week(suggestions: tuple[Suggestion, ...], most: int = GIVE_THIS_WEEK
                   ) -> tuple[Suggestion, ...]:
    """The dashboard's suggestions, best first: the best that each bring in two people
    not yet on the list (the five best alone are often one generous contact's five), and
    if that makes fewer than `most`, the best of the rest. The same suggestions give the
    same five: the same journal and day do."""
    picked: list[int] = []
    seen: set[str] = set()
    for n, suggestion in enumerate(suggestions):
        if len(picked) == most:
            break
        if suggestion.for_ not in seen and suggestion.candidate not in seen:
            picked.append(n)
            seen.update((suggestion.for_, suggestion.candidate))
    if len(picked) < most:
        taken = set(picked)
        picked += [n for n in range(len(suggestions)) if n not in taken][:most - len(picked)]
    return tuple(suggestions[n] for n in sorted(picked))


def _given(suggested: Suggestions) -> Callable[[str], dict[str, tuple[Any, ...]]]:
    """What a contact's page shows of the suggestions, best first: who could answer their
    need (`suggestions`) and whose need they could answer (`answers`). Only what the page
    shows, so that a score moved by someone else's edit does not render it again; grouped
    once for every page (`Suggestions.for_contact` goes over all of them each time)."""
    helpers: dict[str, list[Helper]] = defaultdict(list)
    helped: dict[str, list[Helped]] = defaultdict(list)
    for s in suggested.suggestions:
        helpers[s.for_].append(Helper(s.candidate, s.matched))
        helped[s.candidate].append(Helped(s.for_, s.need))

    def given(slug: str) -> dict[str, tuple[Any, ...]]:
        return {"suggestions": tuple(helpers.get(slug, ())),
                "answers": tuple(helped.get(slug, ()))}

    return given


def _people(site: Derived, people: Iterable[str]) -> View:
    """What the table of contacts shows of each of `people`."""
    slugs = tuple(people)
    return View(balances={s: site.balances[s] for s in slugs},
                health={s: site.health[s] for s in slugs},
                last_contact={s: site.last_contact[s] for s in slugs},
                next_due=Lookup({s: site.next_due(s) for s in slugs}))


def _connections(site: Derived) -> dict[str, Any]:
    journal = site.journal
    introduced_by = {c.slug: c for c in journal.contacts.values() if c.introduced_by is not None}
    return {
        "contacts": introduced_by,
        "site": View(introductions=site.introductions,
                     meetings_by_id={i.meeting: site.meetings_by_id[i.meeting]
                                     for i in site.introductions},
                     graph=Lazy(lambda: site.graph, (tuple(journal.contacts.values()),
                                                     site.introductions)))}


def _this_week(site: Derived) -> tuple[Meeting, ...]:
    """Meetings in today's ISO week (Monday to Sunday)."""
    monday = site.today - dt.timedelta(days=site.today.weekday())
    sunday = monday + dt.timedelta(days=6)
    return tuple(m for m in site.journal.meetings if monday <= m.date <= sunday)


def _by_state(site: Derived) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for item in site.items:
        groups[item.state].append(item)
    return [(state, groups[state]) for state in STATES]


def _by_month(meetings: tuple[Meeting, ...]) -> list[tuple[dt.date, list[Meeting]]]:
    months: dict[dt.date, list[Meeting]] = defaultdict(list)
    for meeting in reversed(meetings):
        months[meeting.date.replace(day=1)].append(meeting)
    return list(months.items())

