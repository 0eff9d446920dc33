"""Contacts from the CSV files other programs export: LinkedIn's connections, Google
Contacts (its current and its older columns) and Outlook, each recognised by its header.

Each row becomes a `Card`, what `import vcard` makes notes from. A value that cannot be
read (a birthday in no known form) costs that value, said with its line; a row with no
name and no address costs that row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .vcard import Card

# Google marks its own labels with a star (`* myContacts`, `* starred`): not tags.
_SYSTEM_LABEL = re.compile(r"^\*\s")
_EMPTY_DATES = {"0/0/00", "0/0/0000", "00/00/0000", "1/1/1601"}


class CsvError(Exception):
    """A file that is not the CSV it was said to be."""


@dataclass(frozen=True)
class Issue:
    line: int
    reason: str


@dataclass
class Rows:
    kind: str  # which program wrote the file
    cards: list[tuple[int, Card]] = field(default_factory=list)  # (line, card)
    bad: list[Issue] = field(default_factory=list)  # rows left out
    dropped: list[Issue] = field(default_factory=list)  # values left out of rows kept


def read_linkedin(data: bytes) -> Rows:
    """LinkedIn's Connections.csv, with the notes LinkedIn writes above the header."""
    text = decode(data)
    header = next((n for n, line in enumerate(text.splitlines())
                   if {"first name", "last name", "connected on"} <= _columns(line)), None)
    if header is None:
        raise CsvError("not LinkedIn's Connections.csv: no line with the columns `First "
                       "Name`, `Last Name` and `Connected On` (export it from LinkedIn: "
                       "Settings > Data privacy > Get a copy of your data > Connections)")
    rows = Rows("LinkedIn")
    for line, row in _records(text, header):
        name = _joined(row.get("first name"), row.get("last name"))
        email = _one(row.get("email address"))
        if not name and not email:
            continue  # LinkedIn's blank lines
        met = _date(row.get("connected on", ""), line, rows.dropped, "`Connected On`")
        rows.cards.append((line, Card(
            name=name or email, company=_one(row.get("company")),
            role=_one(row.get("position")), email=email, website=_one(row.get("url")),
            keys=(("met", met),) if isinstance(met, dt.date) else ())))
    return rows


def read_contacts_csv(data: bytes) -> Rows:
    """Google Contacts' or Outlook's CSV export, recognised by its header."""
    text = decode(data)
    first = text.splitlines()[0].lower() if text.strip() else ""
    for kind, wants, reader in _FORMATS:
        if all(column in _columns(first) for column in wants):
            rows = Rows(kind)
            for line, row in _records(text, 0):
                reader(rows, line, row)
            return rows
    raise CsvError("not a contacts export this command knows: expected Google Contacts' "
                   "CSV (columns `First Name`, `Last Name`, `E-mail 1 - Value`) or "
                   "Outlook's (`First Name`, `Last Name`, `E-mail Address`); for LinkedIn "
                   "use `refjournal import linkedin`")


def decode(data: bytes) -> str:
    """UTF-8 (with or without its mark), UTF-16 with its mark (Outlook's "Unicode" CSV),
    else the Windows code page older Outlooks write."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _columns(header: str) -> set[str]:
    return {cell.strip().lower() for cell in next(csv.reader([header], _dialect(header)), [])}



def _dialect(header: str) -> type[csv.Dialect]:
    """Commas, or the tabs or semicolons some exports and locales use."""
    counts = {sep: header.count(sep) for sep in (",", "\t", ";")}
    sep = max(counts, key=lambda s: counts[s])

    class Dialect(csv.excel):
        delimiter = sep if counts[sep] else ","

    return Dialect


def _records(text: str, header: int) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row after the header at line index `header`, as {column in lower case: value},
    with the line it starts on."""
    lines = text.splitlines(keepends=True)[header:]
    reader = csv.reader(io.StringIO("".join(lines), newline=""), _dialect(lines[0]))
    columns = [cell.strip().lower() for cell in next(reader, [])]
    end = 1
    for cells in reader:
        start, end = end + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield header + start, dict(zip(columns, cells, strict=False))


def _google(rows: Rows, line: int, row: Mapping[str, str]) -> None:
    """A row of Google Contacts' CSV, current (`Organization Name`, `Labels`) or older
    (`Organization 1 - Name`, `Group Membership`)."""
    emails = _numbered(row, "e-mail", "value")
    phones = _numbered(row, "phone", "value")
    labels = row.get("labels") or row.get("group membership") or ""
    tags = tuple(t for t in (_one(t) for t in labels.split(":::"))
                 if t and not _SYSTEM_LABEL.match(t))
    _add(rows, line, Card(
        name=_joined(row.get("first name") or row.get("given name"),
                     row.get("middle name") or row.get("additional name"),
                     row.get("last name") or row.get("family name")) or _one(row.get("name")),
        company=_one(row.get("organization name") or row.get("organization 1 - name")),
        role=_one(row.get("organization title") or row.get("organization 1 - title")),
        email=emails[0] if emails else "", phone=phones[0] if phones else "",
        website=_one(row.get("website 1 - value")), tags=tags,
        note=(row.get("notes") or "").strip(),
        aliases=tuple(filter(None, [_one(row.get("nickname"))])),
        more=tuple(f"Phone: {p}" for p in phones[1:]), keys=_more_emails(emails)),
        row.get("birthday", ""), emails)


def _outlook(rows: Rows, line: int, row: Mapping[str, str]) -> None:
    """A row of Outlook's CSV (`Job Title` is the role; its `Title` is Mr or Dr)."""
    emails = [e for e in (_one(row.get(k)) for k in ("e-mail address", "e-mail 2 address",
                                                     "e-mail 3 address")) if e]
    phones = [p for p in (_one(row.get(k)) for k in ("mobile phone", "business phone",
                                                     "primary phone", "home phone")) if p]
    categories = row.get("categories") or ""
    _add(rows, line, Card(
        name=_joined(row.get("first name"), row.get("middle name"), row.get("last name")),
        company=_one(row.get("company")), role=_one(row.get("job title")),
        email=emails[0] if emails else "", phone=phones[0] if phones else "",
        website=_one(row.get("web page")),
        tags=tuple(t for t in (_one(t) for t in re.split(r"[;,]", categories)) if t),
        note=(row.get("notes") or "").strip(),
        more=tuple(f"Phone: {p}" for p in phones[1:]), keys=_more_emails(emails)),
        row.get("birthday", ""), emails)


def _add(rows: Rows, line: int, card: Card, birthday: str, emails: list[str]) -> None:
    """Keep a row with a name, a company or an address (named after the company or the
    address when it has no name), with its birthday where it can be read."""
    if not card.name:
        if not card.company and not emails:
            rows.bad.append(Issue(line, "the row has no name, company or email address; "
                                        "left out"))
            return
        card = replace(card, name=card.company or emails[0])
    born = _date(birthday, line, rows.dropped, "the birthday", year_optional=True)
    if born:
        card = replace(card, birthday=born if isinstance(born, str) else born.isoformat())
    rows.cards.append((line, card))


def _more_emails(emails: list[str]) -> tuple[tuple[str, Any], ...]:
    """Addresses beyond the first, as `emails:`, where `import calendar` finds them."""
    return (("emails", emails[1:]),) if len(emails) > 1 else ()


def _numbered(row: Mapping[str, str], what: str, part: str) -> list[str]:
    """`E-mail 1 - Value`, `E-mail 2 - Value`...; a cell may hold several, split by :::."""
    found: list[str] = []
    for n in range(1, 10):
        for value in (row.get(f"{what} {n} - {part}") or "").split(":::"):
            if _one(value) and _one(value) not in found:
                found.append(_one(value))
    return found


def _date(text: str, line: int, dropped: list[Issue], what: str,
          year_optional: bool = False) -> dt.date | str | None:
    """A date as exports write it: `2024-11-12`, `12 Nov 2024`, `11/12/2024` (month first,
    as LinkedIn and Outlook write it in English), and `--11-12` or `11-12` without a year;
    None when empty, and said when unreadable."""
    text = text.strip()
    if not text or text in _EMPTY_DATES:
        return None
    if year_optional and (match := re.fullmatch(r"-{0,2}(\d{2})-(\d{2})", text)):
        return f"{match[1]}-{match[2]}"
    for form in ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%m/%d/%Y", "%m/%d/%y", "%b %d, %Y"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    dropped.append(Issue(line, f"{what} `{text}` is no date this command reads; left out"))
    return None


def _one(value: str | None) -> str:
    return " ".join((value or "").split())


def _joined(*parts: str | None) -> str:
    return " ".join(_one(part) for part in parts if _one(part))


_FORMATS: tuple[tuple[str, tuple[str, ...], Callable[[Rows, int, Mapping[str, str]], None]],
                ...] = (
    ("Google Contacts", ("e-mail 1 - value",), _google),
    ("Outlook", ("first name", "last name", "e-mail address"), _outlook),
)
