"""CSV files that a spreadsheet opens as they are: UTF-8 with a byte-order mark (so Excel
reads the accents), RFC 4180 quoting through the `csv` module, and text that a spreadsheet
would run as a formula (`=`, `+`, `-`, `@` first) kept as text with a leading `'`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from ..insights.derive import Derived
from ..insights.review import ReviewRow
from ..model import Exchange
from .pieces import Memo, Pieces

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_BOM = b"\xef\xbb\xbf"  # UTF-8's byte-order mark: Excel reads the accents

REVIEW_HEADER = ("contact", "last_met", "needs", "last_referral_given",
                 "last_referral_given_status", "last_referral_given_prospect",
                 "last_referral_given_value", "last_warm_referral_received",
                 "last_warm_referral_received_prospect", "slug")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    return _csv_file(header, (_line(row) for row in rows))


def _csv_file(header: Sequence[str], lines: Iterable[str]) -> bytes:
    """The file: the byte-order mark, the header, and the rows as `_line` wrote them."""
    return _BOM + (_line(header) + "".join(lines)).encode("utf-8")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def review_csv(rows: Sequence[ReviewRow], names: dict[str, str]) -> bytes:
    return csv_bytes(REVIEW_HEADER, (
        (names[r.contact], r.last_met.isoformat(), r.needs,
         r.gave.date.isoformat() if r.gave and r.gave.date else None,
         r.gave.status if r.gave else None, r.gave.prospect if r.gave else None,
         r.gave.value if r.gave and r.gave.status == "won" else None,
         r.got.date.isoformat() if r.got and r.got.date else None,
         r.got.prospect if r.got else None, r.contact)
        for r in rows))


REFERRALS_HEADER = ("date", "direction", "contact", "type", "prospect", "heat", "status",
                    "value", "source", "closed_on", "contact_slugs", "meeting")
CONTACTS_HEADER = ("contact", "company", "role", "email", "phone", "tags", "last_contact",
                   "next_due", "next_due_what", "gave", "got", "balance", "gave_value",
                   "got_value", "health", "referral_partner", "needs", "slug")


def referrals_csv(site: Derived, memo: Memo | None = None) -> bytes:
    """One row per exchange, both ways, in date order: the ledger a spreadsheet keeps. With
    a `memo` kept between builds (pieces.py), the row of an exchange whose record, people's
    names and meeting's heading are the same is reused."""
    contacts = site.journal.contacts
    meetings = site.meetings_by_id
    pieces = Pieces(memo)
    rows = []
    for ex in site.journal.exchanges:
        rest = (tuple(contacts[slug].name for slug in ex.contacts), meetings[ex.meeting].heading)
        rows.append(pieces.piece(ex, rest, _referral_piece))
    pieces.done()
    return _csv_file(REFERRALS_HEADER, rows)


def _referral_piece(ex: Exchange, rest: tuple[tuple[str, ...], str]) -> str:
    return _line(_referral(ex, *rest))


def _referral(ex: Exchange, names: tuple[str, ...], heading: str) -> tuple[object, ...]:
    return (ex.date.isoformat() if ex.date else None, ex.direction, "; ".join(names), ex.type,
            ex.prospect, ex.heat, ex.status, ex.value, str(ex.source),
            ex.closed_on.isoformat() if ex.closed_on else None, " ".join(ex.contacts),
            heading)


def _line(row: Sequence[object]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow([_cell(value) for value in row])
    return out.getvalue()


def contacts_csv(site: Derived) -> bytes:
    """One row per contact (with a note) with its last contact, next due item and balance."""
    rows = []
    for slug, c in site.journal.contacts.items():
        if c.unresolved:
            continue
        b = site.balances[slug]
        due = site.next_due(slug)
        last = site.last_contact[slug]
        rows.append((c.name, c.company, c.role, c.email, c.phone, "; ".join(c.tags),
                     last.isoformat() if last else None,
                     due.due.isoformat() if due else None, due.what if due else None,
                     b.gave, b.got, b.balance, b.gave_value, b.got_value,
                     site.health[slug].word, "yes" if c.referral_partner else "", c.needs,
                     slug))
    return csv_bytes(CONTACTS_HEADER, rows)

