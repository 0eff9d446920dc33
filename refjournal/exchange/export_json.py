"""`export json` and `journal.json`: the whole derived model as one JSON document, for the
user's own scripts. The notes' Markdown text is left out (the notes are at hand, and it
would make the file change with every edit of a text). The shape is documented in
docs/export.md; `format_version` changes when a field is removed or changes meaning
(adding a field does not change it)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..insights.derive import Derived
from ..insights.stats import stats_json
from ..model import Contact, Exchange, Meeting
from .pieces import Memo, Pieces

FORMAT_VERSION = 1


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def contact_json(site: Derived, c: Contact) -> dict[str, Any]:
    return {
        "slug": c.slug, "name": c.name, "aliases": list(c.aliases), "company": c.company,
        "role": c.role, "email": c.email, "phone": c.phone, "location": c.location,
        "website": c.website, "tags": list(c.tags), "met": _date(c.met),
        "birthday": None if c.birthday is None else {
            "month": c.birthday.month, "day": c.birthday.day, "year": c.birthday.year},
        "introduced_by": c.introduced_by.slug if c.introduced_by else None,
        "tier": c.tier or None, "cadence_days": site.journal.cadence_of(c),
        "last_contacted": _date(c.last_contacted), "follow_up": _date(c.follow_up),
        "snooze_until": _date(c.snooze_until), "paused": c.paused, "needs": c.needs,
        "offers": c.offers, "referral_partner": c.referral_partner, "archived": c.archived,
        "has_note": not c.unresolved, "source": str(c.source),
        "last_contact": _date(site.last_contact.get(c.slug)),
        "health": site.health[c.slug].as_json(),
    }


def exchange_json(ex: Exchange) -> dict[str, Any]:
    return {"date": _date(ex.date), "direction": ex.direction, "contacts": list(ex.contacts),
            "type": ex.type, "prospect": ex.prospect, "heat": ex.heat, "status": ex.status,
            "value": ex.value, "closed_on": _date(ex.closed_on), "meeting": ex.meeting,
            "source": str(ex.source)}


def meeting_json(m: Meeting) -> dict[str, Any]:
    return {"id": m.id, "date": m.date.isoformat(), "with": list(m.contacts), "kind": m.kind,
            "title": m.title, "location": m.location,
            "follow_ups": [{"due": f.due.isoformat(), "what": f.what,
                            "with": list(f.contacts),
                            "done": f.done if isinstance(f.done, bool) else f.done.isoformat(),
                            "source": str(f.source)} for f in m.follow_ups],
            "source": str(m.source)}


def model_json(site: Derived, parts: bool = True) -> dict[str, Any]:
    """The whole document; with `parts` False, without meetings and exchanges (which
    json_bytes then adds at the end)."""
    journal = site.journal
    data: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "today": site.today.isoformat(),
        "owner": journal.config.owner,
        "title": journal.config.title,
        "contacts": [contact_json(site, c) for c in journal.contacts.values()],
        "due": [item.as_json() for item in site.items],
        "balances": [b.as_json() for b in site.balances.values()],
        "insights": stats_json(site),
    }
    if parts:
        data["meetings"] = [meeting_json(m) for m in journal.meetings]
        data["exchanges"] = [exchange_json(ex) for ex in journal.exchanges]
    return data


def json_bytes(site: Derived, memo: Memo | None = None) -> bytes:
    """The document, compact, as `json.dumps` writes `model_json`: its meetings and
    exchanges made a piece each. With a `memo` kept between builds (pieces.py), the piece of
    a meeting or an exchange whose record is the very same object as last time is reused:
    they are most of the document, and most of them do not change between two builds. (The
    other fields are dumped every time: a value equal to the last one may still be written
    otherwise, as 1200 and 1200.0 are.)"""
    journal = site.journal
    pieces = Pieces(memo)
    meetings = ",".join(pieces.piece(m, None, _meeting_piece) for m in journal.meetings)
    exchanges = ",".join(pieces.piece(ex, None, _exchange_piece) for ex in journal.exchanges)
    pieces.done()
    head = _dump(model_json(site, parts=False))[:-1]  # without its closing brace
    return f'{head},"meetings":[{meetings}],"exchanges":[{exchanges}]}}\n'.encode()


def _meeting_piece(m: Meeting, _: None) -> str:
    return _dump(meeting_json(m))


def _exchange_piece(ex: Exchange, _: None) -> str:
    return _dump(exchange_json(ex))


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
