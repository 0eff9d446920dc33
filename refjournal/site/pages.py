"""The site's pages: which there are, and what each one's template is given.

Each page names its output path, its template and its context. Its `deps` say what the
page shows beyond what every page shows (see `incremental/keys.py`): when they are the
same as the last build's, so are its bytes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..insights.derive import Derived
from ..insights.due import STATES
from ..model import Meeting


@dataclass(frozen=True)
class Page:
    path: str  # output path, e.g. `contacts/ada/index.html`
    template: str
    context: Mapping[str, Any]
    # What the page shows beyond what every page shows (the stamp, incremental/keys.py):
    # when these are equal to the last render's, so are its bytes. None: rendered every time.
    deps: tuple[Any, ...] | None = None


# Keep search engines out, wherever the site is published: every page says `noindex`, and
# crawlers must be allowed to fetch the pages to see that (a robots.txt that disallowed


def page_count(site: Derived) -> int:
    """How many pages `pages` yields: one per contact, meeting and tag, and the index pages."""
    return (len(site.journal.contacts) + len(site.journal.meetings) + len(site.tags)
            + sum(1 for _ in INDEX_PAGES))


INDEX_PAGES = ("index", "follow-ups", "contacts", "meetings", "referrals", "balances",
               "insights", "review", "connections", "tags")


def pages(site: Derived) -> Iterator[Page]:
    """Every page of the site, with the data its template needs and no more."""
    journal = site.journal
    # Index pages show the whole journal but no note's text: a change to the text of a note
    # (the usual edit) leaves them as they were. (Record equality leaves bodies and key
    # lines out; the due items carry the lines they point at.)
    # Every page but a meeting's shows the day (in its footer, at least), so it is in
    # their deps; a meeting's page shows only whether the meeting is still to come.
    today = site.today
    everything = (today, journal.meetings, tuple(journal.contacts.values()), site.items)
    yield Page("index.html", "index.html", {"nav": "dashboard", "week": _this_week(site)},
               deps=everything)
    yield Page("follow-ups/index.html", "follow_ups.html",
               {"nav": "follow-ups", "groups": _by_state(site)}, deps=(today, site.items))
    yield Page("contacts/index.html", "contacts.html", {"nav": "contacts"},
               deps=(today, tuple(journal.contacts.values()), site.last_contact, site.items,
                     site.balances, site.health))
    for contact in journal.contacts.values():
        slug = contact.slug
        meetings = tuple(reversed(journal.meetings_by_contact.get(slug, ())))
        exchanges = site.exchanges_by_contact.get(slug, ())
        yield Page(f"contacts/{slug}/index.html", "contact.html", {
            "nav": "contacts", "contact": contact, "body": contact.body, "meetings": meetings,
        }, deps=(today, contact, contact.body, meetings, exchanges,
                 tuple(site.meetings_by_id[e.meeting] for e in exchanges),
                 site.items_by_contact.get(slug), site.balances.get(slug),
                 site.introduced.get(slug), site.last_contact.get(slug),
                 journal.cadence_of(contact), site.health.get(slug)))
    yield Page("meetings/index.html", "meetings.html",
               {"nav": "meetings", "months": _by_month(journal.meetings)}, deps=everything)
    for meeting in journal.meetings:
        yield Page(f"meetings/{meeting.id}/index.html", "meeting.html",
                   {"nav": "meetings", "meeting": meeting, "body": meeting.body},
                   deps=(meeting.date > today, meeting, meeting.body))
    yield Page("referrals/index.html", "referrals.html", {
        "nav": "referrals",
        "exchanges": sorted(journal.exchanges, key=lambda e: (e.date or site.today, e.meeting),
                            reverse=True),
    }, deps=everything)
    yield Page("balances/index.html", "balances.html", {"nav": "balances"},
               deps=(today, site.balances, site.totals))
    yield Page("insights/index.html", "insights.html", {"nav": "insights"},
               deps=(today, site.reciprocity, site.months, site.weeks, site.partners,
                     site.goals, tuple(journal.contacts[o.contact] for o in site.reciprocity.owed)))
    yield Page("review/index.html", "review.html", {"nav": "review"},
               deps=(today, site.review, tuple((journal.contacts[r.contact],
                                                site.health[r.contact]) for r in site.review)))
    yield Page("connections/index.html", "connections.html", {"nav": "connections"},
               deps=(today, site.introductions, tuple(c for c in journal.contacts.values()
                                                      if c.introduced_by is not None),
                     tuple(site.meetings_by_id[i.meeting] for i in site.introductions)))
    yield Page("tags/index.html", "tags.html", {"nav": "tags"}, deps=(today, site.tags))
    for tag in site.tags:
        people = tuple(journal.contacts[slug] for slug in tag.contacts)
        yield Page(f"tags/{tag.slug}/index.html", "tag.html", {"nav": "tags", "tag": tag},
                   deps=(today, tag, people, tuple(site.health[c.slug] for c in people),
                         tuple(site.balances[c.slug] for c in people),
                         tuple(site.last_contact[c.slug] for c in people),
                         tuple(site.next_due(c.slug) for c in people)))



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

