"""The journal as data: frozen records built by the validate and model stages.

This module imports nothing else of refjournal, so every stage may import it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

TIER_DAYS: Mapping[str, int] = MappingProxyType(
    {"inner": 14, "close": 30, "casual": 90, "keep-warm": 180, "dormant": 365}
)
EXCHANGE_TYPES = ("referral", "introduction", "info", "business", "testimonial", "visitor",
                  "education")
STATUSES = ("open", "won", "lost")
# How you were at a chapter meeting (`attendance:` of a meeting).
ATTENDANCE = ("present", "absent", "late", "substitute", "medical")
ONE_TO_ONE_KINDS = ("one-to-one", "coffee", "lunch")  # what the one-to-ones goal counts
# How people write a one-to-one (`kind: 1-2-1`): read as `one-to-one`.
ONE_TO_ONE_SPELLINGS = frozenset({"1-2-1", "121", "1:1", "1-1", "1-to-1", "1to1", "one2one",
                                  "one-2-one", "one-on-one", "1-on-1", "one to one"})
EVENT_KINDS = ("event",)  # what the events goal counts


@dataclass(frozen=True)
class Goals:
    """Targets from `goals:` in `refjournal.yaml`; 0 turns a goal off."""

    one_to_ones_per_week: int = 5
    events_per_week: int = 3
    referrals_given_per_month: int = 4
    closed_business_per_month: float = 0  # the value of won referrals received


@dataclass(frozen=True)
class Threshold:
    """A scorecard light: green from `green` up, amber from `amber` up, red below."""

    green: float
    amber: float


@dataclass(frozen=True)
class Scorecard:
    """`scorecard:` in `refjournal.yaml`: the chapter's thresholds over `months` months.
    Rates are per week; counts and values are over the whole period."""

    months: int = 6
    attendance: Threshold = Threshold(0.95, 0.85)  # share of chapter meetings present
    one_to_ones: Threshold = Threshold(1.0, 0.5)  # a week
    referrals: Threshold = Threshold(1.0, 0.5)  # given, a week
    visitors: Threshold = Threshold(2, 1)
    education: Threshold = Threshold(6, 3)
    testimonials: Threshold = Threshold(2, 1)
    closed_business: Threshold = Threshold(10_000, 2_500)  # received and won, in value


@dataclass(frozen=True)
class Config:
    """Options from `refjournal.yaml`; every one has a default."""

    owner: str = ""
    title: str = "refjournal"
    default_cadence: int | None = None  # days
    referral_check_days: int = 30
    soon_days: int = 7
    birthday_days: int = 14
    reciprocity_days: int = 90
    goals: Goals = field(default_factory=Goals)
    allow_html: bool = False
    owner_email: tuple[str, ...] = ()  # the owner's own addresses, never a contact's
    contact_prospect_days: int = 2  # call a prospect you were referred to within this
    thank_days: int = 2  # thank whoever referred you within this
    report_back_days: int = 30  # tell them how an open referral is going this often
    loop_since: dt.date | None = None  # received referrals before this make nothing due
    currency: str = ""  # ISO 4217 code of the values, e.g. GBP
    synonyms: tuple[tuple[str, ...], ...] = ()  # words of one trade, for suggestions
    scorecard: Scorecard = field(default_factory=Scorecard)
    repo_url: str = ""  # the journal's repository on a git host, for edit links
    edit_branch: str = ""  # the branch edit links open; "" for `main` (site/editing.py)
    offline: bool = True  # a service worker keeps visited pages to read offline (site/offline.py)


@dataclass(frozen=True)
class Source:
    """Where something was written: a path relative to the journal and a 1-based line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Ref:
    """A mention of a contact as written (`jane`, `Jane Doe`, `[[Jane Doe]]`).

    `slug` is empty until the model stage resolves it; an unresolved ref gets the slug of
    a placeholder contact so that nothing it carries is dropped.
    """

    text: str
    source: Source
    slug: str = ""
    resolved: bool = False


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int
    year: int | None = None


@dataclass(frozen=True)
class Contact:
    slug: str
    name: str
    source: Source
    aliases: tuple[str, ...] = ()
    company: str = ""
    role: str = ""
    email: str = ""
    emails: tuple[str, ...] = ()  # more addresses, for matching calendar invitations
    phone: str = ""
    location: str = ""
    website: str = ""
    tags: tuple[str, ...] = ()
    met: dt.date | None = None
    birthday: Birthday | None = None
    introduced_by: Ref | None = None
    tier: str = ""
    cadence: int | None = None  # the contact's own cadence in days (overrides tier)
    last_contacted: dt.date | None = None
    follow_up: dt.date | None = None
    snooze_until: dt.date | None = None
    paused: bool = False
    needs: str = ""
    offers: str = ""
    referral_partner: bool = False
    archived: bool = False
    # The profile a one-to-one is prepared from (the worksheet chapters call GAINS).
    goals: tuple[str, ...] = ()
    accomplishments: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    links: tuple[Ref, ...] = ()  # the [[wikilinks]] in the text, each at its line
    # Not compared: two notes that differ only in their text are the same record, so the
    # pages that do not show the text can tell they need no new render.
    body: str = field(default="", compare=False, repr=False)
    body_line: int = 1
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)
    unresolved: bool = False  # a placeholder for refs that match no contact note

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.source.line)


@dataclass(frozen=True)
class Exchange:
    """One entry of a meeting's `gave` (I gave) or `got` (I received) list."""

    direction: str  # "gave" or "got"
    refs: tuple[Ref, ...]
    source: Source
    meeting: str = ""  # the meeting's id
    date: dt.date | None = None  # the meeting's date
    type: str = "referral"
    prospect: str = ""
    heat: int | str | None = None
    status: str = "open"
    value: int | float | None = None
    currency: str = ""  # as written with the value (`£1,200`: GBP), else ""
    closed_on: dt.date | None = None
    # A referral received: when you called the prospect, thanked the referrer, and last
    # told them how it went.
    contacted: dt.date | None = None
    thanked: dt.date | None = None
    reported: dt.date | None = None

    @cached_property  # read on every page that lists it: computed once
    def contacts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref.slug for ref in self.refs))

    @property
    def warm(self) -> bool:
        """Warm or hot: `warm`, `hot`, or 3 to 5 on the 1-5 scale."""
        return self.heat in ("warm", "hot") or (isinstance(self.heat, int) and self.heat >= 3)


@dataclass(frozen=True)
class FollowUp:
    due: dt.date
    refs: tuple[Ref, ...]
    source: Source
    what: str = ""
    done: bool | dt.date = False

    @cached_property  # read on every page that lists it: computed once
    def contacts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref.slug for ref in self.refs))


@dataclass(frozen=True)
class Meeting:
    id: str  # the page path below meetings/, e.g. `2026/2026-05-01-coffee-with-jane`
    date: dt.date
    source: Source
    with_: tuple[Ref, ...] = ()
    kind: str = ""
    title: str = ""
    location: str = ""
    gave: tuple[Exchange, ...] = ()
    got: tuple[Exchange, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    calendar_id: str = ""  # the calendar event it was imported from: UID, #occurrence
    attendance: str = ""  # at a chapter meeting: present, absent, late, substitute, medical
    needs: tuple[str, ...] = ()  # what the one person met said they need now
    # The start of its text, plain, for briefs on other pages (validate.gist). Like the
    # text, not compared: only the pages that show it hold it in their context.
    gist: str = field(default="", compare=False, repr=False)
    links: tuple[Ref, ...] = ()  # the [[wikilinks]] in the text, each at its line
    # Not compared: two notes that differ only in their text are the same record, so the
    # pages that do not show the text can tell they need no new render.
    body: str = field(default="", compare=False, repr=False)
    body_line: int = 1

    @cached_property  # read on every page that lists it: computed once
    def contacts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ref.slug for ref in self.with_))

    @cached_property
    def exchanges(self) -> tuple[Exchange, ...]:
        return self.gave + self.got

    @property
    def heading(self) -> str:
        """What the meeting is called in links and lists: its title, else its kind."""
        return self.title or self.kind.capitalize() or "Meeting"


@dataclass(frozen=True)
class Journal:
    """Everything the derive and render stages need, with indexes built once."""

    config: Config
    contacts: Mapping[str, Contact]  # by slug, sorted by slug
    meetings: tuple[Meeting, ...]  # sorted by date, then id
    # by slug, each contact's sorted as `meetings` are
    meetings_by_contact: Mapping[str, tuple[Meeting, ...]] = field(default_factory=dict)
    ref_index: Mapping[str, str] = field(default_factory=dict)  # slugs and name keys -> slug

    @cached_property
    def exchanges(self) -> tuple[Exchange, ...]:
        return tuple(ex for meeting in self.meetings for ex in meeting.exchanges)

    def held(self, today: dt.date) -> tuple[Meeting, ...]:
        """The meetings held by `today`, by date (the others are booked)."""
        return self.meetings[:held_by(self.meetings, today)]

    def met(self, slug: str, today: dt.date) -> tuple[Meeting, ...]:
        """The meetings with the contact `slug` held by `today`, by date (the others are
        booked)."""
        meetings = self.meetings_by_contact.get(slug, ())
        return meetings[:held_by(meetings, today)]

    def cadence_of(self, contact: Contact) -> int | None:
        """The contact's own cadence, else its tier's, else the journal's default."""
        if contact.cadence is not None:
            return contact.cadence
        if contact.tier:
            return TIER_DAYS[contact.tier]
        return self.config.default_cadence


def held_by(meetings: Sequence[Meeting], day: dt.date) -> int:
    """How many of `meetings`, sorted by date (as a journal keeps them), are dated on or
    before `day`."""
    return bisect.bisect_right(meetings, day, key=_date)


def _date(meeting: Meeting) -> dt.date:
    return meeting.date


def whole(amount: int | float) -> int | float:
    """An amount as the model holds it: a whole one as an int, however it was written
    (`1200.00` is 1200), so that equal amounts are written the same everywhere (1200 and
    1200.0 are equal, but `json.dumps` and `str` write them otherwise)."""
    return int(amount) if isinstance(amount, float) and amount.is_integer() else amount
