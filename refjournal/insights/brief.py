"""A brief to prepare a one-to-one from: who they are, what they want and offer, how giving
has gone both ways, what is open with them, and what was said last.

A pure function of the derived figures and a contact; `refjournal brief`, the contact's
page and the calendar feed's booked meetings all show the same brief.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Exchange
from .balances import Balance
from .derive import Derived
from .due import KEEP_IN_TOUCH, KIND_NAMES, DueItem

# The profile of the worksheet chapters call GAINS, in its order, as the page titles it.
PROFILE = (("goals", "Goals"), ("accomplishments", "Accomplishments"),
           ("interests", "Interests"), ("networks", "Networks"), ("skills", "Skills"))
MEETINGS = 3  # the last meetings a brief recalls


@dataclass(frozen=True)
class Recalled:
    """A past meeting, in short."""

    date: dt.date
    heading: str
    meeting: str  # its id: meetings/<id>/index.html
    gist: str


@dataclass(frozen=True)
class Brief:
    contact: str
    name: str
    role: str
    company: str
    profile: tuple[tuple[str, tuple[str, ...]], ...]  # (title, entries) of those written
    needs: str
    offers: str
    balance: Balance
    last_gave: Exchange | None  # the last referral you gave them
    last_got: Exchange | None  # the last referral they gave you
    open: tuple[DueItem, ...]  # what is due with them (but keeping in touch: the meeting)
    recalled: tuple[Recalled, ...]  # the last meetings held, latest first

    def as_json(self) -> dict[str, object]:
        def referral(ex: Exchange | None) -> dict[str, object] | None:
            if ex is None:
                return None
            return {"date": ex.date.isoformat() if ex.date else None, "prospect": ex.prospect,
                    "status": ex.status, "value": ex.value, "meeting": ex.meeting}

        return {
            "contact": self.contact, "name": self.name, "role": self.role,
            "company": self.company,
            "profile": {title.lower(): list(entries) for title, entries in self.profile},
            "needs": self.needs, "offers": self.offers, "balance": self.balance.as_json(),
            "last_gave": referral(self.last_gave), "last_got": referral(self.last_got),
            "open": [item.as_json() for item in self.open],
            "meetings": [{"date": r.date.isoformat(), "title": r.heading, "meeting": r.meeting,
                          "gist": r.gist} for r in self.recalled],
        }

    def as_lines(self) -> list[str]:
        """The brief as text: for the terminal and for a calendar event's description."""
        who = ", ".join(part for part in (self.role, self.company) if part)
        out = [self.name + (f" ({who})" if who else "")]
        out += [f"{title}: {'; '.join(entries)}" for title, entries in self.profile]
        out += [f"{label}: {text}" for label, text in (("Needs", self.needs),
                                                       ("Offers", self.offers)) if text]
        b = self.balance
        out.append(f"Referrals: you gave {b.gave}, they gave {b.got} ({b.balance:+d})")
        for label, ex in (("Last you gave", self.last_gave), ("Last they gave", self.last_got)):
            if ex is not None:
                out.append(f"{label}: {_said(ex)}")
        out += [f"Open: {item.due.isoformat()} {KIND_NAMES[item.kind].lower()}: {item.what}"
                for item in self.open]
        out += [f"Met {r.date.isoformat()}, {r.heading}" + (f": {r.gist}" if r.gist else "")
                for r in self.recalled]
        return out


def brief(site: Derived, slug: str) -> Brief:
    """The brief for the contact `slug`, as of the site's day."""
    journal, contact = site.journal, site.journal.contacts[slug]
    referrals = [ex for ex in site.exchanges_by_contact.get(slug, ()) if ex.type == "referral"]
    held = journal.met(slug, site.today)
    return Brief(
        contact=slug, name=contact.name, role=contact.role, company=contact.company,
        profile=tuple((title, getattr(contact, key)) for key, title in PROFILE
                      if getattr(contact, key)),
        needs=contact.needs, offers=contact.offers,
        balance=site.balances.get(slug) or Balance(slug, contact.name),
        last_gave=_last(referrals, "gave"), last_got=_last(referrals, "got"),
        open=tuple(item for item in site.items_by_contact.get(slug, ())
                   if item.kind != KEEP_IN_TOUCH),
        recalled=tuple(Recalled(m.date, m.heading, m.id, m.gist)
                       for m in reversed(held[-MEETINGS:])))


def _last(exchanges: list[Exchange], direction: str) -> Exchange | None:
    dated = [ex for ex in exchanges if ex.direction == direction and ex.date is not None]
    return max(dated, key=lambda ex: ex.date or dt.date.min, default=None)


def _said(ex: Exchange) -> str:
    when = ex.date.isoformat() if ex.date else "undated"
    what = f"{ex.prospect}, " if ex.prospect else ""
    return f"{when}, {what}{ex.status}"
