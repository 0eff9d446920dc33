"""CSV files that a spreadsheet opens as they are: UTF-8 with a byte-order mark (so Excel
reads the accents), RFC 4180 quoting through the `csv` module, and text that a spreadsheet
would run as a formula (`=`, `+`, `-`, `@` first) kept as text with a leading `'`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from .review import ReviewRow

_FORMULA = ("=", "+", "-", "@", "\t", "\r")

REVIEW_HEADER = ("contact", "last_met", "needs", "last_referral_given",
                 "last_referral_given_status", "last_referral_given_prospect",
                 "last_referral_given_value", "last_warm_referral_received",
                 "last_warm_referral_received_prospect", "slug")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


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
