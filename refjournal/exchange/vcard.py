"""vCard in and out, with the `vobject` library (it unfolds, unescapes and reads the
parameters of vCard 2.1, 3.0 and 4.0 as phones, Google, Outlook and Apple write them).

A file is split into its cards here first, so that one malformed card is reported with its
position and skipped while the others are read; within a card, a property that cannot be
read (a photo with broken base64) is left out and reported, and the card is kept.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import vobject

from ..model import Birthday, Contact
from ..slug import slugify

logging.getLogger("vobject").setLevel(logging.CRITICAL)  # bad cards are reported as data

_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
NEEDS, OFFERS = "X-REFJOURNAL-NEEDS", "X-REFJOURNAL-OFFERS"
SLUG = "X-REFJOURNAL-SLUG"
# Journal keys that have no vCard property, carried as X-REFJOURNAL-<KEY>: (key, kind).
KEYS = (("met", "date"), ("tier", "text"), ("cadence", "days"), ("introduced_by", "text"),
        ("last_contacted", "date"), ("follow_up", "date"), ("snooze_until", "date"),
        ("paused", "bool"), ("referral_partner", "bool"), ("archived", "bool"))
# Properties holding one text, where a comma is part of the text even when a phone
# forgot to escape it (vobject would cut the text there).
_ONE_TEXT = {"FN", "TITLE", "NOTE", "URL", "ROLE", "X-ABLABEL", NEEDS, OFFERS, SLUG}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Card:
    """What a contact note is made from."""

    name: str
    company: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    location: str = ""
    birthday: str = ""  # `YYYY-MM-DD` or `MM-DD`, as the journal writes it
    tags: tuple[str, ...] = ()
    needs: str = ""
    offers: str = ""
    # For the note's body: emails, phones and web addresses beyond the first, and any with
    # a label (`Email (Work assistant): bob@x.example`), which the front matter has no room for
    more: tuple[str, ...] = ()
    note: str = ""
    slug: str = ""  # X-REFJOURNAL-SLUG: the file name it had, so refs to it still resolve
    aliases: tuple[str, ...] = ()  # NICKNAME
    keys: tuple[tuple[str, Any], ...] = ()  # other journal keys from X-REFJOURNAL-*

    def extra(self) -> dict[str, Any]:
        """Front matter beyond name, company, role and tags, in the journal's order."""
        birthday: Any = self.birthday
        if len(self.birthday) == 10:
            birthday = dt.date.fromisoformat(self.birthday)
        meta: dict[str, Any] = {"aliases": list(self.aliases), "email": self.email,
                                "phone": self.phone, "website": self.website,
                                "location": self.location, "birthday": birthday,
                                "needs": self.needs, "offers": self.offers}
        meta.update(self.keys)
        return meta


@dataclass(frozen=True)
class Bad:
    number: int  # 1-based, in the file
    line: int
    reason: str


@dataclass
class Parsed:
    cards: list[tuple[int, int, Card]] = field(default_factory=list)  # (number, line, card)
    bad: list[Bad] = field(default_factory=list)
    dropped: list[Bad] = field(default_factory=list)  # properties left out of a card kept
    found: int = 0  # BEGIN:VCARD blocks in the file


def split_cards(text: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of each BEGIN:VCARD ... END:VCARD block; a block left open at
    the end of the file is yielded too (and fails to parse)."""
    start, block = 0, list[str]()
    lines = re.sub(r"\r+\n|\r", "\n", text).split("\n")
    for number, line in enumerate(lines, 1):
        if _BEGIN.match(line):
            if block:
                yield start, "\n".join(block)
            start, block = number, [line]
        elif block:
            block.append(line)
            if _END.match(line):
                yield start, "\n".join(block) + "\n"
                block = []
    if block:
        yield start, "\n".join(block)


def decode(data: bytes) -> str:
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252 (Outlook)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _prepare(block: str) -> list[tuple[int, str]]:
    """Unfold the card's lines (and quoted-printable soft breaks), escape commas in
    properties of one text, and drop control characters a note cannot hold; each line
    with its offset in the block, for a report."""
    lines: list[tuple[int, str]] = []
    for offset, line in enumerate(block.split("\n")):
        if line[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + line[1:])
        elif (lines and lines[-1][1].endswith("=")
              and "QUOTED-PRINTABLE" in lines[-1][1].upper()):
            lines[-1] = (lines[-1][0], lines[-1][1][:-1] + line)
        else:
            lines.append((offset, line))
    out = []
    for offset, line in lines:
        head, colon, value = line.partition(":")
        name = head.split(";")[0].split(".")[-1].upper()
        if colon and name in _ONE_TEXT:
            value = re.sub(r"(?<!\\),", r"\\,", value)
        out.append((offset, _CONTROL.sub("", head + colon + value)))
    return out


def _joined(lines: list[tuple[int, str]]) -> str:
    return "\n".join(text for _, text in lines) + "\n"


def _reason(exc: Exception) -> str:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^At line \d+: ", "", reason)[:200]  # a line of vobject's count


def _parse(lines: list[tuple[int, str]]) -> tuple[Any, list[tuple[int, str]]]:
    """The card, and the properties left out of it as (offset, reason): when the card
    does not parse, each property that does not parse alone either (a photo with broken
    base64) is left out, and the rest tried again. A line that is no property at all
    still fails the card."""
    try:
        return vobject.readOne(_joined(lines)), []
    except Exception as exc:  # noqa: BLE001 - vobject raises many kinds on bad input
        first = exc
    version = next((text for _, text in lines if text.upper().startswith("VERSION:")),
                   "VERSION:3.0")
    kept, dropped = [], []
    for offset, text in lines:
        reason = _alone(text, version)
        if reason:
            dropped.append((offset, reason))
        else:
            kept.append((offset, text))
    if not dropped:
        raise first
    return vobject.readOne(_joined(kept)), dropped


def _alone(text: str, version: str) -> str:
    """Why this property cannot be read in a card of its own, or "" if it can (or if it
    is no property, or one that holds the card together)."""
    try:
        name = vobject.base.parseLine(text)[0]
    except Exception:  # noqa: BLE001 - not a property: the card is malformed
        return ""
    if name.upper() in ("BEGIN", "END", "VERSION"):
        return ""
    try:
        vobject.readOne(f"BEGIN:VCARD\n{version}\n{text}\nEND:VCARD\n")
    except Exception as exc:  # noqa: BLE001
        return f"{name.upper()} left out: {_reason(exc)}"
    return ""


def read_vcards(data: bytes) -> Parsed:
    text = decode(data)
    parsed = Parsed()
    for number, (line, block) in enumerate(split_cards(text), 1):
        parsed.found += 1
        try:
            component, dropped = _parse(_prepare(block))
            card = _card(component)
        except Exception as exc:  # noqa: BLE001 - vobject raises many kinds on bad input
            parsed.bad.append(Bad(number, line, _reason(exc)))
            continue
        if isinstance(card, str):
            parsed.bad.append(Bad(number, line, card))
        else:
            parsed.cards.append((number, line, card))
            parsed.dropped += [Bad(number, line + offset, why) for offset, why in dropped]
    return parsed


def _values(component: Any, name: str) -> list[Any]:
    return [item for item in component.contents.get(name, []) if item.value not in ("", None)]


def _text(value: Any) -> str:
    if isinstance(value, bytes):  # a text property with ENCODING=b
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, list):
        value = " ".join(str(v) for v in value if v)
    return " ".join(_CONTROL.sub("", str(value)).split())


def _preferred(items: list[Any]) -> list[Any]:
    """`TYPE=PREF` (3.0) or `PREF=1` (4.0) first, then in the file's order."""
    def rank(item: Any) -> int:
        types = [t.lower() for t in item.params.get("TYPE", [])]
        return 0 if "pref" in types or item.params.get("PREF") else 1
    return sorted(items, key=rank)


def _card(component: Any) -> Card | str:
    if component.name.upper() != "VCARD":
        return f"not a vCard but {component.name}"
    name = _text(component.fn.value) if "fn" in component.contents else ""
    if not name and "n" in component.contents:
        n = component.n.value
        name = _text([n.prefix, n.given, n.additional, n.family, n.suffix])
    orgs = _values(component, "org")
    company = ", ".join(v for v in (orgs[0].value if isinstance(orgs[0].value, list)
                                    else [orgs[0].value]) if v) if orgs else ""
    company = _text(company)
    if not name:
        name = company
    if not name:
        return "the card has no name (FN, N or ORG)"
    emails = _labelled(component, "email")
    phones = [(p.removeprefix("tel:"), label) for p, label in _labelled(component, "tel")]
    urls = [(u.replace("\\:", ":"), label)  # Apple's `http\://`
            for u, label in _labelled(component, "url")]
    tags: list[str] = []
    for item in _values(component, "categories"):
        values = item.value if isinstance(item.value, list) else str(item.value).split(",")
        tags += [_text(v) for v in values if _text(v) and _text(v) not in tags]
    addresses = _values(component, "adr")
    location = _address(addresses[0].value) if addresses else ""
    notes = [_CONTROL.sub("", str(n.value)).strip() for n in _values(component, "note")]
    return Card(
        name=name, company=company,
        role=_text(_values(component, "title")[0].value) if _values(component, "title") else "",
        email=emails[0][0] if emails else "", phone=phones[0][0] if phones else "",
        website=urls[0][0] if urls else "",
        location=location, birthday=_birthday(component), tags=tuple(tags),
        needs=_extension(component, NEEDS), offers=_extension(component, OFFERS),
        more=(*_listed("Email", emails), *_listed("Phone", phones), *_listed("Website", urls)),
        note="\n\n".join(n for n in notes if n),
        slug=slugify(_extension(component, SLUG)), aliases=tuple(_nicknames(component)),
        keys=tuple(_keys(component)))


def _labelled(component: Any, name: str) -> list[tuple[str, str]]:
    """(value, label) of each property of this name, the preferred first; the label is
    the X-ABLabel of the property's group, as Apple, iCloud and Google write a label:
    `item1.EMAIL;type=INTERNET:bob@x.example` and `item1.X-ABLabel:Work assistant`."""
    labels: dict[str, str] = {}
    for item in component.contents.get("x-ablabel", []):
        label = _label(item.value)
        if item.group and label:
            labels.setdefault(item.group.lower(), label)
    found = []
    for item in _preferred(_values(component, name)):
        value = _text(item.value)
        if value:
            found.append((value, labels.get((item.group or "").lower(), "")))
    return found


_BUILT_IN = re.compile(r"^_\$!<(.*)>!\$_$")  # Apple's own labels: `_$!<HomePage>!$_`
_WORD = re.compile(r"(?<=[a-z]{2})(?=[A-Z])")  # HomePage, HomeFAX; not iPhone


def _label(value: Any) -> str:
    """A label as the address book shows it: `_$!<HomePage>!$_` is "Home page"."""
    text = _text(value)
    built_in = _BUILT_IN.match(text)
    if built_in:
        words = _WORD.sub(" ", built_in.group(1)).split()
        text = " ".join(words[:1] + [word.lower() for word in words[1:]])
    return text


def _listed(kind: str, found: list[tuple[str, str]]) -> list[str]:
    """The note's lines for values of a kind: all but the first (which the front matter
    holds), and the first too when it has a label."""
    return [f"{kind} ({label}): {value}" if label else f"{kind}: {value}"
            for index, (value, label) in enumerate(found) if index or label]


def _nicknames(component: Any) -> list[str]:
    found: list[str] = []
    for item in _values(component, "nickname"):
        values = item.value if isinstance(item.value, list) else str(item.value).split(",")
        found += [_text(v) for v in values if _text(v) and _text(v) not in found]
    return found


def _keys(component: Any) -> Iterator[tuple[str, Any]]:
    for key, kind in KEYS:
        value = _extension(component, f"X-REFJOURNAL-{key.upper().replace('_', '-')}")
        if not value:
            continue
        if kind == "date":
            try:
                yield key, dt.date.fromisoformat(value)
            except ValueError:
                continue
        elif kind == "days":
            if value.isdigit():
                yield key, int(value)
        elif kind == "bool":
            if value.lower() == "true":
                yield key, True
        else:
            yield key, value


def _extension(component: Any, name: str) -> str:
    items = _values(component, name.lower())
    return _text(items[0].value) if items else ""


def _address(value: Any) -> str:
    parts = [getattr(value, key, "") for key in ("box", "extended", "street", "city", "region",
                                                  "code", "country")]
    flat = [_text(p) for p in parts if p and _text(p)]
    return ", ".join(flat)


_BDAY = re.compile(r"^(?:(\d{4})-?|--)(\d{2})-?(\d{2})")
_NO_YEAR = "1604"  # a leap year, so 02-29 fits; Apple's choice, read by most address books


def _birthday(component: Any) -> str:
    """`1981-06-14`, `19810614`, `--0614`, `--06-14`, `1981-06-14T00:00:00Z`; the year
    of `X-APPLE-OMIT-YEAR` means no year, and so does Apple's 1604 without it (as some
    iOS versions write it)."""
    items = _values(component, "bday")
    if not items:
        return ""
    item = items[0]
    value = item.value
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    match = _BDAY.match(str(value).strip())
    if not match:
        return ""
    year, month, day = match.groups()
    omit = item.params.get("X-APPLE-OMIT-YEAR")
    if year and (year == _NO_YEAR or (omit and omit[0] == year)):
        year = None
    try:
        dt.date(int(year) if year else 2000, int(month), int(day))
    except ValueError:
        return ""
    return f"{year}-{month}-{day}" if year else f"{month}-{day}"


def write_vcards(contacts: Iterable[Contact]) -> str:
    """vCard 3.0, the version every phone and address book imports."""
    out = []
    for contact in contacts:
        if contact.unresolved:
            continue
        card = vobject.vCard()
        card.add("version").value = "3.0"
        card.add("fn").value = contact.name
        given, _, family = contact.name.rpartition(" ")
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        if contact.company:
            card.add("org").value = [contact.company]
        if contact.role:
            card.add("title").value = contact.role
        if contact.email:
            email = card.add("email")
            email.value = contact.email
            email.type_param = "INTERNET"
        if contact.phone:
            card.add("tel").value = contact.phone
        if contact.website:
            card.add("url").value = contact.website
        if contact.location:
            card.add("adr").value = vobject.vcard.Address(street=contact.location)
        if contact.birthday is not None:
            bday = card.add("bday")
            bday.value, bday.params = _bday(contact.birthday, card.version.value)
        if contact.tags:
            card.add("categories").value = list(contact.tags)
        if contact.needs:
            card.add(NEEDS.lower()).value = contact.needs
        if contact.offers:
            card.add(OFFERS.lower()).value = contact.offers
        for alias in contact.aliases:  # one each: a comma would split an alias in two
            card.add("nickname").value = alias
        if contact.body.strip():
            card.add("note").value = contact.body.strip()
        card.add(SLUG.lower()).value = contact.slug
        for key, kind in KEYS:
            value = getattr(contact, key)
            if key == "introduced_by":
                value = value.slug if value is not None else None
            if value in (None, "", False):
                continue
            text = ("true" if kind == "bool" else value.isoformat() if kind == "date"
                    else str(value))
            card.add(f"x-refjournal-{key.replace('_', '-')}").value = text
        out.append(card.serialize())
    return "".join(out)


def _bday(birthday: Birthday, version: str) -> tuple[str, dict[str, list[str]]]:
    """BDAY's value and parameters in the card's version. A birthday without a year is
    `--MMDD` in 4.0 (RFC 6350); 3.0 has no such form, so Apple's convention:
    `BDAY;X-APPLE-OMIT-YEAR=1604:1604-MM-DD`."""
    month, day = f"{birthday.month:02d}", f"{birthday.day:02d}"
    if version.startswith("4"):
        year = f"{birthday.year:04d}" if birthday.year is not None else "--"
        return f"{year}{month}{day}", {}
    if birthday.year is None:
        return f"{_NO_YEAR}-{month}-{day}", {"X-APPLE-OMIT-YEAR": [_NO_YEAR]}
    return f"{birthday.year:04d}-{month}-{day}", {}
