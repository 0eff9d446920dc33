"""vCard in and out, with the `vobject` library (it unfolds, unescapes and reads the
parameters of vCard 2.1, 3.0 and 4.0 as phones, Google, Outlook and Apple write them).

A file is split into its cards here first, so that one malformed card is reported with its
position and skipped while the others are read. Within a card, each line is made readable
for vobject before it gets there (`_prepare`: what real exports write that vobject refuses,
docs/export.md lists it), and a property that still cannot be read (a photo with broken
base64) is left out and reported: one bad property never costs the card.
"""

from __future__ import annotations

import datetime as dt
import logging
import quopri
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
# ...and where vobject would cut at a comma all the same: ORG splits at `;` only (Outlook
# 2003: `ORG:Company, The;Sales`), vobject keeps the first of `NICKNAME:Kaja,KL`.
_UNSPLIT = _ONE_TEXT | {"ORG", "NICKNAME"}
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
    """UTF-8 (with or without a BOM), UTF-16 with a BOM, else line by line (Outlook writes
    Windows-1252, and UTF-8 on a line that says `CHARSET=utf-8`); byte-order marks inside
    the text, of files joined one after the other, are dropped."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        data = _FOLD_IN_CHARACTER.sub(rb"\1\3\2", data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = "".join(_decode_line(raw) for raw in data.splitlines(keepends=True))
    return text.replace("\ufeff", "")


# A fold inside a UTF-8 character, by a writer that counts 75 bytes and not characters:
# moved after the character (the unfolded text is the same, and so is each line's number).
_FOLD_IN_CHARACTER = re.compile(rb"([\xc0-\xf7][\x80-\xbf]{0,2})(\r?\n[ \t])([\x80-\xbf]{1,3})")
_RAW_CHARSET = re.compile(rb"^[^:]*;CHARSET=([\w-]+)[;:]", re.IGNORECASE)


def _decode_line(raw: bytes) -> str:
    """A line in UTF-8, else in the CHARSET it names (`FN;CHARSET=ISO-8859-2:`), else
    in Windows-1252."""
    charset = _RAW_CHARSET.match(raw)
    for encoding in ("utf-8", charset.group(1).decode() if charset else "cp1252"):
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("cp1252", errors="replace")


# Property names of vCard 2.1 and 3.0: a line of one of them alone (`FN`, no colon) is a
# property with no value; any other line with no colon is the rest of the value above it.
_PROPERTIES = frozenset((
    "ADR", "AGENT", "BDAY", "CATEGORIES", "CLASS", "EMAIL", "FN", "GEO", "KEY", "LABEL", "LOGO",
    "MAILER", "N", "NAME", "NICKNAME", "NOTE", "ORG", "PHOTO", "PRODID", "PROFILE", "REV",
    "ROLE", "SORT-STRING", "SOUND", "SOURCE", "TEL", "TITLE", "TZ", "UID", "URL", "VERSION"))
_BASE64 = re.compile(r";(?:ENCODING=)?(?:B|BASE64)(?=;|$)", re.IGNORECASE)
_QP = re.compile(r";(?:ENCODING=)?QUOTED-PRINTABLE(?=;|$)", re.IGNORECASE)
_CHARSET = re.compile(r";CHARSET=([^;]*)", re.IGNORECASE)
# A name (with its group) and a parameter as vobject reads them; `_` as Lotus Notes writes.
_NAME = re.compile(r"(?:[\w-]+\.)?[\w-]+", re.ASCII)
_PARAM = re.compile(r'[\w-]+(?:=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)?', re.ASCII)


def _prepare(block: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The card's logical lines as vobject can read them, each with its offset in the
    block; and the lines left out, with why (a line that says nothing is left out
    silently)."""
    kept, left_out = [], []
    for offset, line in _unfold(block):
        text, why = _tolerate(line)
        if text:
            kept.append((offset, text))
        elif why:
            left_out.append((offset, why))
    return kept, left_out


def _unfold(block: str) -> list[tuple[int, str]]:
    """Join folded lines, quoted-printable soft breaks (`=` at the end; a fold after one
    too), and a line with no colon to the value above it: Google writes a line break in
    a name as it is, some vCard 2.1 writers do not indent base64. Blank lines go."""
    lines: list[tuple[int, str]] = []
    blanks = 0  # blank lines since the last one kept: line breaks, inside a value
    for offset, line in enumerate(block.split("\n")):
        last = lines[-1][1] if lines else ""
        head = last.partition(":")[0]
        if last.endswith("=") and _QP.search(head) and not _END.match(line):
            more = line[1:] if line[:1] in (" ", "\t") else line
            lines[-1] = (lines[-1][0], last[:-1] + more)
        elif not line.strip():
            blanks += 1
            continue
        elif line[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], last + line[1:])
        elif (":" not in line and head.upper() not in ("", "BEGIN", "VERSION")
              and line.split(";")[0].upper() not in _PROPERTIES):
            glue = "" if _BASE64.search(head) else "\\n" * (blanks + 1)
            lines[-1] = (lines[-1][0], last + glue + line)
        else:
            lines.append((offset, line))
        blanks = 0
    return lines


def _tolerate(line: str) -> tuple[str, str]:
    """The line as vobject reads it, or "" and why it is left out: quoted-printable
    decoded here, commas escaped in a text that has none to split at, parameters that
    break the grammar dropped (`TEL;X-Work mobile:`), a name that breaks it ignored."""
    head, colon, value = line.partition(":")
    name = head.split(";")[0]
    if not colon:  # a name with no value says nothing; anything else, say so
        return "", "" if name.upper() in _PROPERTIES else f"`{line[:40]}` left out: no colon"
    if name.upper() == "PROFILE":  # `PROFILE:VCARD` (Lotus Notes) says nothing, and vobject
        return "", ""              # takes it for a second BEGIN
    if _QP.search(head):
        charset = _CHARSET.search(head)
        value = _unquoted(value, charset.group(1) if charset else "")
        head = _QP.sub("", head)
    if name.split(".")[-1].upper() in _UNSPLIT:
        value = re.sub(r"(?<!\\),", r"\\,", value)
    line = _CONTROL.sub("", f"{head}:{value}")
    try:
        vobject.base.parseLine(line)
    except vobject.base.ParseError:
        if not _NAME.fullmatch(name):
            return "", f"`{name[:40]}` left out: not a property name"
        params = [param for param in head.split(";")[1:] if _PARAM.fullmatch(param)]
        line = _CONTROL.sub("", ";".join([name, *params]) + ":" + value)
    return line, ""


def _unquoted(value: str, charset: str) -> str:
    """A quoted-printable value as vCard text: in its CHARSET if Python knows that, else
    UTF-8, else Windows-1252 (Outlook 2003 names none); its line breaks escaped."""
    data = quopri.decodestring(value.encode("utf-8"))
    for encoding in (charset, "utf-8"):
        try:
            text = data.decode(encoding)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    else:
        text = data.decode("cp1252", errors="replace")
    return re.sub(r"\r\n|\r|\n", r"\\n", text)


def _joined(lines: list[tuple[int, str]]) -> str:
    return "\n".join(text for _, text in lines) + "\n"


def _reason(exc: Exception) -> str:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^At line \d+: ", "", reason)[:200]  # a line of vobject's count


def _parse(lines: list[tuple[int, str]]) -> tuple[Any, list[tuple[int, str]]]:
    """The card, and the properties left out of it as (offset, reason): when the card
    does not parse, each property that does not parse alone either (a photo with broken
    base64) is left out, and the rest tried again."""
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
        if not _END.match(block.rstrip().rpartition("\n")[2]):
            parsed.bad.append(Bad(number, line, "the card has no END:VCARD: it was cut off"))
            continue
        try:
            lines, left_out = _prepare(block)
            component, dropped = _parse(lines)
            card = _card(component)
        except Exception as exc:  # noqa: BLE001 - vobject raises many kinds on bad input
            parsed.bad.append(Bad(number, line, _reason(exc)))
            continue
        if isinstance(card, str):
            parsed.bad.append(Bad(number, line, card))
        else:
            parsed.cards.append((number, line, card))
            parsed.dropped += [Bad(number, line + offset, why)
                               for offset, why in sorted(left_out + dropped)]
    return parsed


def _values(component: Any, name: str) -> list[Any]:
    return [item for item in component.contents.get(name, []) if item.value not in ("", None)]


def _text(value: Any) -> str:
    """One line of text; the parts of a structured value (lists in lists) joined."""
    if isinstance(value, bytes):  # a text property with ENCODING=b
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, list | tuple):
        value = " ".join(_text(v) for v in value)
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
    orgs = _values(component, "org")
    units = orgs[0].value if orgs and isinstance(orgs[0].value, list) else [
        item.value for item in orgs[:1]]
    company = ", ".join(_text(unit) for unit in units if _text(unit))
    emails = _labelled(component, "email")
    aliases = _nicknames(component)
    # A card with no name at all is known by its company, nickname or email address.
    name = next((text for text in (_name(component), company, *aliases[:1],
                                   *(email for email, _ in emails[:1])) if text), "")
    if not name:
        return "the card has no name (FN, N, ORG or NICKNAME) and no email address"
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
        more=(*_listed("Email", emails, extras=False), *_listed("Phone", phones),
              *_listed("Website", urls)),
        note="\n\n".join(n for n in notes if n),
        slug=slugify(_extension(component, SLUG)),
        aliases=tuple(alias for alias in aliases if alias != name),
        keys=(*_keys(component), *((("emails", [e for e, _ in emails[1:]]),)
                                   if len(emails) > 1 else ())))


def _name(component: Any) -> str:
    """FN, else the parts of N joined (an `FN:` with no value says nothing)."""
    for item in component.contents.get("fn", []):
        if _text(item.value):
            return _text(item.value)
    for item in component.contents.get("n", []):
        n = item.value
        if isinstance(n, vobject.vcard.Name):
            return _text([n.prefix, n.given, n.additional, n.family, n.suffix])
    return ""


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


def _listed(kind: str, found: list[tuple[str, str]], extras: bool = True) -> list[str]:
    """The note's lines for values of a kind: all but the first (which the front matter
    holds), and the first too when it has a label; with `extras` False, only those with a
    label (the front matter holds every email address: `email` and `emails`)."""
    return [f"{kind} ({label}): {value}" if label else f"{kind}: {value}"
            for index, (value, label) in enumerate(found)
            if label or (index and extras)]


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
        for address in (contact.email, *contact.emails):  # the first is the preferred
            if address:
                email = card.add("email")
                email.value = address
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
