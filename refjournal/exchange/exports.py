"""The files a build writes for other tools, and `refjournal export` prints: the follow-ups
calendar feed, the referrals and contacts spreadsheets, the whole model as JSON, and (on
request only) the contacts as vCards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..insights.derive import Derived, derive
from ..model import Journal
from .export_json import json_bytes
from .feed import ics_bytes
from .spreadsheet import contacts_csv, referrals_csv
from .vcard import write_vcards

FEED = "follow-ups.ics"
JSON_EXPORT = "journal.json"
REFERRALS_CSV = "referrals.csv"
# Written into every site (see render.py), by file name.
SITE_EXPORTS: dict[str, Callable[[Derived], bytes]] = {
    FEED: ics_bytes,
    REFERRALS_CSV: referrals_csv,
    "contacts.csv": contacts_csv,
    JSON_EXPORT: json_bytes,
}


def export_bytes(name: str, journal: Journal, today: dt.date) -> bytes:
    """`ics`, `referrals.csv`, `contacts.csv`, `json` or `vcard`."""
    if name == "vcard":
        return write_vcards(journal.contacts.values()).encode("utf-8")
    site = derive(journal, today)
    files = {"ics": FEED, "json": JSON_EXPORT}
    return SITE_EXPORTS[files.get(name, name)](site)
