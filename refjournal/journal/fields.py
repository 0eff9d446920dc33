"""Value converters for front matter: plain YAML data in, typed values out.

Each converter returns the typed value or raises BadValue with a message that says what
was expected; the validate stage turns that into a Problem at the key's line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import reprlib
from collections.abc import Iterable
from typing import Any

from ..model import ONE_TO_ONE_SPELLINGS, STATUSES, Birthday, whole
from .read import YamlDate

_TIME = r"[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?"
_DATE = re.compile(rf"^(\d{{4}})-(\d{{2}})-(\d{{2}})(?:{_TIME})?\s*$")
_REPR = reprlib.Repr()  # a short repr of a large value: a "billion laughs" stays short
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring = 3, 4, 4, 60
MAX_DAYS = 36500  # a hundred years: longer intervals are typos, and would overflow dates
_MONTH_DAY = re.compile(r"^(?:--)?(\d{1,2})-(\d{1,2})$")
_CADENCE = re.compile(r"^(\d+)\s*([dwmy]?)$", re.IGNORECASE)
_CADENCE_UNIT_DAYS = {"": 1, "d": 1, "w": 7, "m": 30, "y": 365}
_EMPTY_WIKILINK = re.compile(r"^\s*\[\[\s*\]\]\s*$")
_WIKILINK = re.compile(r"^\[\[([^\[\]|#]+)(?:#[^\[\]|]*)?(?:\|[^\[\]]*)?\]\]$")


class BadValue(ValueError):
    """A front-matter value that does not have the expected type or form."""


def show(value: Any) -> str:
    """Quote a YAML value for a message, shortened, in YAML's spelling."""
    text = spelling(value)
    return f"`{text[:60]}{'...' if len(text) > 60 else ''}`"


def spelling(value: Any) -> str:
    """A YAML value as YAML spells it (`null`, `true`), shortened if it is a large one."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return _REPR.repr(value)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def text(value: Any) -> str:
    if isinstance(value, bool):
        raise BadValue(f"expected text, got {show(value)} which YAML reads as true/false; "
                       "put it in quotes")
    if isinstance(value, YamlDate):
        raise BadValue(f"expected text, got the date {show(value)}; put it in quotes if it "
                       "is meant as text")
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float):
        return str(value)
    raise BadValue(f"expected text, got {_kind(value)}")


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _DATE.match(value.strip())
        if match:
            year, month, day, hour, minute, second = match.groups()
            try:
                if hour is not None:  # the time is not used, but a wrong one is a typo
                    dt.time(int(hour), int(minute), min(int(second or 0), 59))
                return dt.date(int(year), int(month), int(day))
            except ValueError as exc:
                raise BadValue(f"invalid date {show(value)}: {exc}") from None
        raise BadValue(f"invalid date {show(value)}: expected YYYY-MM-DD")
    raise BadValue(f"invalid date {show(value)}: expected YYYY-MM-DD, got {_kind(value)}")


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise BadValue(f"expected true or false, got {show(value)}")


def done(value: Any) -> bool | dt.date:
    """`done`: true/false, or the date it was done."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    try:
        return date(value)
    except BadValue:
        raise BadValue(f"expected true, false or the date it was done, got {show(value)}"
                       ) from None


def web_address(value: Any) -> str:
    """An http(s) address, such as a repository's page on its git host."""
    address = text(value).rstrip("/")
    if address and not re.match(r"https?://[^\s/]+\.[^\s/]+(/\S*)?$", address):
        raise BadValue(f"expected a web address such as `https://github.com/you/journal`, "
                       f"got {show(value)}")
    return address


def text_list(value: Any) -> tuple[str, ...]:
    """A list of short texts; a single text counts as a list of one."""
    if value is None:
        return ()
    if isinstance(value, dict):
        raise BadValue("expected text or a list of texts, got a mapping (`key: value`)")
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, list | dict):
            raise BadValue(f"expected a list of texts, found {_kind(item)} inside it")
        out.append(text(item))
    return tuple(item for item in out if item)


def tags(value: Any) -> tuple[str, ...]:
    """Tags as Obsidian writes them too: a list, or one text with commas (`a, b`); a
    leading `#` is dropped (`"#chapter"` is `chapter`)."""
    out: list[str] = []
    for item in text_list(value):
        for tag in item.split(","):
            tag = tag.strip().lstrip("#").strip()
            if tag and tag not in out:
                out.append(tag)
    return tuple(out)


def ref_texts(value: Any) -> tuple[str, ...]:
    """Contact refs: one ref or a list of them, as written (wikilink brackets removed).

    An unquoted `[[Jane Doe]]` reaches us as YAML's list-in-a-list `[["Jane Doe"]]`;
    it is read as the wikilink it was meant to be.
    """
    items = value if isinstance(value, list) else [value]
    flat = []
    for item in items:
        while isinstance(item, list) and len(item) == 1:
            item = item[0]
        flat.append(item)
    refs = (unwrap_wikilink(item) for item in text_list(flat))
    return tuple(ref for ref in refs if ref)  # an empty ref is no ref, like an empty value


def unwrap_wikilink(ref: str) -> str:
    """`[[Jane Doe|Jane]]` -> `Jane Doe`, `[[ ]]` -> ``; anything else unchanged."""
    match = _WIKILINK.match(ref.strip())
    if match:
        return match.group(1).strip()
    return "" if _EMPTY_WIKILINK.match(ref) else ref.strip()


def cadence(value: Any) -> int:
    """An interval in days: `30`, `30d`, `2w`, `3m` (x30), `1y` (x365)."""
    if isinstance(value, bool):
        raise BadValue(f"invalid cadence {show(value)}")
    if isinstance(value, int):
        days = value
    elif isinstance(value, str) and (match := _CADENCE.match(value.strip())):
        days = int(match.group(1)) * _CADENCE_UNIT_DAYS[match.group(2).lower()]
    else:
        raise BadValue(f"invalid cadence {show(value)}: expected a number of days or "
                       "`Nd`, `Nw`, `Nm`, `Ny` (e.g. `30`, `2w`, `3m`)")
    if days <= 0:
        raise BadValue(f"invalid cadence {show(value)}: it must be at least one day")
    if days > MAX_DAYS:
        raise BadValue(f"invalid cadence {show(value)}: more than a hundred years")
    return days


def status(value: Any) -> str:
    """A referral's status: `open`, `won` or `lost`. `closed` says that it ended but not how,
    so it is not guessed."""
    if text(value).lower() == "closed":
        raise BadValue("status `closed` does not say how the referral ended: write `won` or "
                       "`lost` (and `closed_on:` the day it closed)")
    return choice(value, STATUSES, "status")


def kind(value: Any) -> str:
    """A meeting's kind, in lower case; the ways people write a one-to-one (`1-2-1`, `121`,
    `1:1`, `one2one`) are read as `one-to-one`."""
    word = text(value).lower()
    return "one-to-one" if word in ONE_TO_ONE_SPELLINGS else word


def choice(value: Any, choices: Iterable[str], what: str) -> str:
    options = tuple(choices)
    word = text(value).lower()
    if word not in options:
        listed = ", ".join(f"`{c}`" for c in options)
        raise BadValue(f"unknown {what} {show(value)}{did_you_mean(word, options)}; "
                       f"expected one of {listed}")
    return word


def birthday(value: Any) -> Birthday:
    """`YYYY-MM-DD` or `MM-DD` (29 February allowed without a year)."""
    if isinstance(value, str) and (match := _MONTH_DAY.match(value.strip())):
        month, day = int(match.group(1)), int(match.group(2))
        try:
            dt.date(2000, month, day)  # a leap year, so 02-29 is valid
        except ValueError:
            raise BadValue(f"invalid birthday {show(value)}: no such day") from None
        return Birthday(month, day)
    try:
        born = date(value)
    except BadValue:
        raise BadValue(f"invalid birthday {show(value)}: expected YYYY-MM-DD or MM-DD") from None
    return Birthday(born.month, born.day, born.year)


def heat(value: Any) -> int | str:
    """1 to 5, or `cold`, `warm`, `hot`."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("cold", "warm", "hot"):
            return word
        if word.isdigit() and 1 <= int(word) <= 5:
            return int(word)
    raise BadValue(f"invalid heat {show(value)}: expected 1 to 5, or cold, warm or hot")


def number(value: Any) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != value or value in (float("inf"), float("-inf")):
            raise BadValue(f"expected a number, got {show(value)}")
        return whole(value)
    raise BadValue(f"expected a number such as `2400` or `1250.50`, got {show(value)}")


# Currency symbols people write before or after an amount, and the code each means. `$`
# stands for any dollar: it agrees with any code ending in D (USD, AUD, CAD...).
CURRENCY_SIGNS = {"£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "$": "$", "US$": "USD",
                  "A$": "AUD", "C$": "CAD", "NZ$": "NZD", "kr": "kr", "Fr.": "CHF"}
_SIGN = "|".join(re.escape(sign) for sign in sorted(CURRENCY_SIGNS, key=len, reverse=True))
_AMOUNT = re.compile(rf"^(?P<pre>{_SIGN}|[A-Z]{{3}})?\s*(?P<num>[+-]?[\d.,' \u00a0\u202f]*\d)"
                     rf"\s*(?P<post>{_SIGN}|[A-Z]{{3}})?$")


def money(value: Any) -> tuple[int | float, str]:
    """An amount, and the currency written with it (a code, `$`, `kr`, or ""): `2400`,
    `1250.50`, `£1,200`, `1.200,50 €`, `EUR 1 200`, `1'200.50 CHF`. An amount whose
    separators could mean two things (`1.200`) is refused rather than guessed."""
    if not isinstance(value, str):
        return number(value), ""
    match = _AMOUNT.match(value.strip())
    if match is None or (match["pre"] and match["post"]):
        raise BadValue(f"expected an amount such as `2400`, `1250.50` or `£1,200`, got "
                       f"{show(value)}")
    sign = match["pre"] or match["post"] or ""
    return _amount_of(match["num"], value), CURRENCY_SIGNS.get(sign, sign)


def _amount_of(text: str, value: Any) -> int | float:
    digits = re.sub(r"[ '\u00a0\u202f]", "", text)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:  # the last one is the decimal mark: 1,200.50 or 1.200,50
        mark = "." if digits.rfind(".") > digits.rfind(",") else ","
        group = "," if mark == "." else "."
        whole, _, cents = digits.rpartition(mark)
        if digits.count(mark) > 1 or not _grouped(whole, group):
            raise BadValue(f"cannot read the amount {show(value)}: write it without "
                           "thousands separators, such as `1200.50`")
        return _plain(whole.replace(group, "") + "." + cents)
    mark = "." if dots else "," if commas else ""
    if not mark:
        return _plain(digits)
    whole, _, tail = digits.rpartition(mark)
    if digits.count(mark) > 1:  # 1,200,000 or 1.200.000: only thousands
        if not _grouped(digits, mark):
            raise BadValue(f"cannot read the amount {show(value)}: write it without "
                           "thousands separators, such as `1200000`")
        return _plain(digits.replace(mark, ""))
    if len(tail) != 3:  # 1200.5, 1200,50: a decimal mark
        return _plain(f"{whole}.{tail}")
    if mark == ",":  # 1,200: thousands, as amounts are written in English
        return _plain(whole + tail)
    small = f"{float(f'{whole}.{tail}'):g}"
    raise BadValue(f"the amount {show(value)} could be {whole}{tail} or {small}: write "
                   f"`{whole}{tail}`, or `{small}` with a decimal mark that cannot be misread")


def _grouped(text: str, mark: str) -> bool:
    """Whether `mark` separates thousands in `text`: 1,200,000 yes, 12,00 no."""
    head, *groups = text.lstrip("+-").split(mark)
    return 1 <= len(head) <= 3 and all(len(group) == 3 for group in groups)


def _plain(text: str) -> int | float:
    amount = float(text)
    if amount != amount or amount in (float("inf"), float("-inf")):
        raise BadValue(f"expected a number, got {text}")
    return whole(amount)


def amount(value: Any) -> float:
    """A threshold or a goal in money or in a count: a number from 0 up."""
    found, _ = money(value)
    if found < 0:
        raise BadValue(f"expected a number from 0 up, got {show(value)}")
    return found


def currency(value: Any) -> str:
    """An ISO 4217 code: `GBP`, `EUR`, `USD`."""
    code = text(value).upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise BadValue(f"expected a currency's three-letter code such as `GBP`, `EUR` or "
                       f"`USD`, got {show(value)}")
    return code


def synonyms(value: Any) -> tuple[tuple[str, ...], ...]:
    """Groups of words for one trade: a list whose entries are lists of words, or texts
    of words separated by commas (`- solicitor, lawyer, notary`)."""
    if not isinstance(value, list):
        raise BadValue(f"expected a list of groups such as `- solicitor, lawyer`, got "
                       f"{show(value)}")
    groups = []
    for entry in value:
        words = entry if isinstance(entry, list) else str(entry).split(",") \
            if isinstance(entry, str) else None
        if words is None:
            raise BadValue(f"each group is a list of words or `word, word`, got {show(entry)}")
        group = tuple(w for w in (text(word) for word in words) if w)
        if len(group) > 1:
            groups.append(group)
    return tuple(groups)


def months(value: Any) -> int:
    """A number of months, 1 to 60."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 60:
        return value
    raise BadValue(f"expected a number of months from 1 to 60, got {show(value)}")


def positive_int(value: Any) -> int:
    """A whole number of days, from 0 to a hundred years."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_DAYS:
        return value
    quoted = f'"{value}"' if isinstance(value, str) else show(value)
    raise BadValue(f"expected a whole number of days (0 to {MAX_DAYS}), got {quoted}")


def count(value: Any) -> int:
    """A whole number from 0 to 1,000 (a goal: so many a week or a month)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 1000:
        return value
    quoted = f'"{value}"' if isinstance(value, str) else show(value)
    raise BadValue(f"expected a whole number from 0 to 1000, got {quoted}")


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return show(value)
