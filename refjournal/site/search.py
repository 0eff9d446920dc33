"""The search index the site's search box reads: contacts (name, company, role, tags,
needs, offers: a trade finds both who needs it and who offers it) and meetings (title,
date, people, the prospects of their referrals and the texts of their follow-ups), with
the page of each, relative to the site, last in every entry."""

from __future__ import annotations

import json
from collections.abc import Mapping

from ..exchange.pieces import Memo, Pieces
from ..insights.derive import Derived
from ..model import Contact, Meeting

INDEX = "search.json"  # fetched by the site's script over http(s), decrypted when encrypted
INDEX_SCRIPT = "search.js"  # the same, as a script, for a site opened from disk (file://)


def _contact(c: Contact) -> list[str]:
    return [c.name, c.company, c.role, " ".join(c.tags), c.needs, c.offers,
            f"contacts/{c.slug}/index.html"]


def _names(contacts: Mapping[str, Contact], meeting: Meeting) -> tuple[str, ...]:
    return tuple(contacts[slug].name for slug in meeting.contacts)


def _meeting(m: Meeting, names: tuple[str, ...]) -> list[str]:
    return [m.heading, m.date.isoformat(), ", ".join(names), *_held(m),
            f"meetings/{m.id}/index.html"]


def _held(meeting: Meeting) -> tuple[str, str]:
    """The prospects of the meeting's exchanges and the texts of its follow-ups, one a line:
    found by the search, and shown under a result that matched only them."""
    prospects = dict.fromkeys(" ".join(ex.prospect.split()) for ex in meeting.exchanges)
    follow_ups = dict.fromkeys(" ".join(fu.what.split()) for fu in meeting.follow_ups)
    return "\n".join(p for p in prospects if p), "\n".join(f for f in follow_ups if f)


def search_files(site: Derived, memo: Memo | None = None) -> dict[str, bytes]:
    """The index, as JSON and as a script. With a `memo` kept between builds (pieces.py),
    the entry of a meeting whose record and people's names are the same is reused."""
    contacts = site.journal.contacts
    pieces = Pieces(memo)
    meetings = ",".join(pieces.piece(m, _names(contacts, m), _meeting_piece)
                        for m in reversed(site.journal.meetings))
    pieces.done()
    people = _dump([_contact(c) for c in contacts.values()])
    data = f'{{"contacts":{people},"meetings":[{meetings}]}}'
    # `</` cannot end the script early; U+2028/9 are line ends to old JavaScript.
    script = (data.replace("</", "<\\/").replace("\u2028", "\\u2028")
              .replace("\u2029", "\\u2029"))
    return {INDEX: data.encode("utf-8"),
            INDEX_SCRIPT: f"window.refjournalSearchIndex = {script};\n".encode()}


def _meeting_piece(m: Meeting, names: tuple[str, ...]) -> str:
    return _dump(_meeting(m, names))


def _dump(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
