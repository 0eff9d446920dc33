"""Validate stage: check the front matter of each note and turn it into model records.

Refs stay unresolved here (they are resolved across the whole journal by the model stage).
A bad value is reported at its key's line and replaced by the key's default, so that one
run lists every problem of every note.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from ..model import (
    ATTENDANCE,
    EXCHANGE_TYPES,
    TIER_DAYS,
    Contact,
    Exchange,
    FollowUp,
    Meeting,
    Ref,
    Source,
)
from ..problems import Problem, error, warning
from ..slug import slugify
from . import fields
from .fields import BadValue
from .read import MEETINGS, KeyPath, RawNote
from .wikilinks import body_links

T = TypeVar("T")

CONTACT_KEYS: Mapping[str, Callable[[Any], Any]] = {
    "name": fields.text,
    "aliases": fields.text_list,
    "company": fields.text,
    "role": fields.text,
    "email": fields.text,
    "emails": fields.text_list,
    "phone": fields.text,
    "location": fields.text,
    "website": fields.text,
    "tags": fields.tags,
    "met": fields.date,
    "birthday": fields.birthday,
    "introduced_by": fields.ref_texts,
    "tier": lambda value: fields.choice(value, TIER_DAYS, "tier"),
    "cadence": fields.cadence,
    "last_contacted": fields.date,
    "follow_up": fields.date,
    "snooze_until": fields.date,
    "paused": fields.boolean,
    "needs": fields.text,
    "offers": fields.text,
    "referral_partner": fields.boolean,
    "archived": fields.boolean,
    "goals": fields.text_list,
    "accomplishments": fields.text_list,
    "interests": fields.text_list,
    "networks": fields.text_list,
    "skills": fields.text_list,
}
MEETING_KEYS = ("date", "with", "kind", "title", "location", "gave", "got", "follow_ups",
                "follow_up", "calendar_id", "attendance", "needs")
EXCHANGE_KEYS: Mapping[str, Callable[[Any], Any]] = {
    "type": lambda value: fields.choice(value, EXCHANGE_TYPES, "exchange type"),
    "prospect": fields.text,
    "heat": fields.heat,
    "status": fields.status,
    "value": fields.money,  # with the currency written, if any
    "closed_on": fields.date,
}
# A referral received: the loop of calling the prospect, thanking, telling how it went.
LOOP_KEYS = ("contacted", "thanked", "reported")
FOLLOW_UP_KEYS = ("due", "what", "with", "done")
_NOT_DONE: bool | dt.date = False
UNDATED = dt.date.min  # the date of a meeting whose date is missing or invalid
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})")


class Checker:
    """A raw note plus the problems found in it so far, with helpers to read typed values."""

    def __init__(self, raw: RawNote) -> None:
        self.raw = raw
        self.problems: list[Problem] = []

    def source(self, *key: str | int) -> Source:
        return Source(self.raw.path, self.raw.line_of(*key))

    def report(self, key: KeyPath, message: str, severity: str = "error") -> None:
        line = self.raw.line_of(*key)
        make = error if severity == "error" else warning
        self.problems.append(make(self.raw.path, line, message, self.raw.source_line(line)))

    def value(self, mapping: Mapping[Any, Any], key: KeyPath, convert: Callable[[Any], T],
              default: T) -> T:
        """Convert `mapping[key[-1]]`; a missing or empty value gives the default."""
        value = mapping.get(key[-1])
        if value is None:
            return default
        try:
            return convert(value)
        except BadValue as exc:
            self.report(key, f"`{key[-1]}`: {exc}")
            return default

    def unknown_keys(self, mapping: Mapping[Any, Any], known: Any, where: KeyPath,
                     what: str) -> None:
        names = tuple(known)
        for key in mapping:
            if key not in names:
                word = fields.spelling(key)
                self.report((*where, word), f"unknown key `{word}` in {what}"
                            f"{fields.did_you_mean(word, names)}", "warning")

    def refs(self, texts: tuple[str, ...], key: KeyPath) -> tuple[Ref, ...]:
        return tuple(Ref(text, self.source(*key)) for text in texts)


_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]|$)")
_LOOK = 60  # lines looked at for a front matter without its opening `---`


def _missing_opening(note: Checker, known: Iterable[str]) -> None:
    """Report a note without front matter whose first lines are `key: value` (the note's
    own keys among them) up to a `---` line: front matter that lost its opening `---`,
    whose keys would otherwise be read as text, and lost."""
    raw = note.raw
    if raw.meta or raw.head:
        return
    lines = raw.body.split("\n")
    if not lines or _KEY_LINE.match(lines[0]) is None:
        return
    keys = set()
    for line in lines[:_LOOK]:
        if line.rstrip() == "---":
            break
        match = _KEY_LINE.match(line)
        if match is not None:
            keys.add(match.group(1))
        elif line.strip() and not line.startswith((" ", "\t", "-")):
            return  # a line of text: this is a body, not front matter
    else:
        return
    if keys & set(known):
        note.problems.append(error(raw.path, 1, "front matter has no opening `---` line: add "
                                   "`---` as the first line, above this one; until then its "
                                   "keys are read as the note's text", lines[0]))


def validate_contact(raw: RawNote) -> tuple[Contact | None, list[Problem]]:
    """Check a contact note; its slug comes from the file name, its name defaults to it."""
    note = Checker(raw)
    if not slugify(raw.stem):
        return None, [error(raw.path, 1, f"the file name `{raw.stem}.md` has no letter or "
                            "digit to make a slug from; rename the file after the contact")]
    meta = raw.meta
    _missing_opening(note, CONTACT_KEYS)
    note.unknown_keys(meta, CONTACT_KEYS, (), "a contact note")
    values = {key: note.value(meta, (key,), convert, None)
              for key, convert in CONTACT_KEYS.items()}
    given = {key: value for key, value in values.items() if value not in (None, (), "")}
    introduced = given.pop("introduced_by", ())
    if len(introduced) > 1:
        note.report(("introduced_by",), "`introduced_by` names more than one contact; "
                    "only the first is used", "warning")
    contact = Contact(
        slug=slugify(raw.stem),
        source=Source(raw.path, 1),
        name=given.pop("name", raw.stem.strip()),
        introduced_by=note.refs(introduced[:1], ("introduced_by",))[0] if introduced else None,
        links=body_links(raw.body, raw.path, raw.body_line),
        body=raw.body,
        body_line=raw.body_line,
        lines={str(key[0]): line for key, line in raw.lines.items() if len(key) == 1},
        **given,
    )
    return contact, note.problems


def validate_meeting(raw: RawNote) -> tuple[Meeting, list[Problem]]:
    """Check a meeting note. Without a date it cannot be placed in time: it comes back dated
    UNDATED, with an error, so that the model stage can still check its refs."""
    note = Checker(raw)
    meta = raw.meta
    _missing_opening(note, MEETING_KEYS)
    note.unknown_keys(meta, MEETING_KEYS, (), "a meeting note")
    date = _meeting_date(note)
    with_ = note.refs(note.value(meta, ("with",), fields.ref_texts, ()), ("with",))
    title = note.value(meta, ("title",), fields.text, "")
    kind = note.value(meta, ("kind",), fields.kind, "")
    gave = _exchanges(note, "gave", "to", with_, date)
    got = _exchanges(note, "got", "from", with_, date)
    follow_ups = _follow_ups(note, with_)
    shorthand = note.value(meta, ("follow_up",), fields.date, None)
    if shorthand is not None:
        what = f"Follow up after {title}" if title else f"Follow up after the {kind or 'meeting'}"
        follow_ups = (FollowUp(shorthand, with_, note.source("follow_up"), what), *follow_ups)
    meeting = Meeting(
        id=meeting_id(raw.path),
        date=UNDATED if date is None else date,
        source=Source(raw.path, 1),
        with_=with_,
        kind=kind,
        title=title,
        location=note.value(meta, ("location",), fields.text, ""),
        gave=gave,
        got=got,
        follow_ups=follow_ups,
        calendar_id=note.value(meta, ("calendar_id",), fields.text, ""),
        attendance=note.value(meta, ("attendance",),
                              lambda v: fields.choice(v, ATTENDANCE, "attendance"), ""),
        needs=_meeting_needs(note, with_),
        links=body_links(raw.body, raw.path, raw.body_line),
        gist=gist(raw.body),
        body=raw.body,
        body_line=raw.body_line,
    )
    return meeting, note.problems


GIST = 160  # characters of a meeting's text shown in a brief
# Markup a brief leaves out; the lookahead lets most characters fail at once.
_MARKUP = re.compile(r"(?=[!\[*_`~])(?:!?\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]"  # [[a|b]]
                     r"|!?\[([^\]]*)\]\([^)]*\)"  # [text](url), ![alt](src)
                     r"|[*_`~]+)|^\s{0,3}(?:#+|>|[-+*]|\d+[.)])\s+", re.MULTILINE)
_BLANK_LINE = re.compile(r"\n\s*\n")
_HEADING = re.compile(r"#+ .*")


def gist(body: str) -> str:
    """The first paragraph of a text as plain words, cut at a word near GIST characters:
    what a brief shows of a meeting. (Part of the record: the quick way for a text edit
    declines an edit that changes it, since briefs on other pages show it.)"""
    first, paragraph = None, None
    for piece in _paragraphs(body.strip()):
        if not piece.strip():
            continue
        first = piece if first is None else first
        if not _HEADING.fullmatch(piece.strip()):  # a heading alone names the text
            paragraph = piece
            break
    paragraph = paragraph if paragraph is not None else first or ""
    words = " ".join(_MARKUP.sub(lambda m: m[2] or m[1] or m[3] or "", paragraph).split())
    if len(words) <= GIST:
        return words
    return words[:GIST].rsplit(" ", 1)[0].rstrip(",;:.") + "…"


def _paragraphs(text: str) -> Iterator[str]:
    """The pieces of `text` between blank lines, as `re.split` gives them, one by one: a
    brief needs the first or second, not the whole text split."""
    start = 0
    for blank in _BLANK_LINE.finditer(text):
        yield text[start: blank.start()]
        start = blank.end()
    yield text[start:]


def _meeting_needs(note: Checker, with_: tuple[Ref, ...]) -> tuple[str, ...]:
    """`needs:` of a meeting: what the one person met said they need now (text, or a list
    of texts); it becomes their current need (insights/suggest.py)."""
    needs: tuple[str, ...] = note.value(note.raw.meta, ("needs",), fields.text_list, ())
    if needs and len(with_) != 1:
        note.report(("needs",), "`needs` in a meeting with "
                    f"{'nobody' if not with_ else 'several people'} cannot say whose need it "
                    "is: write it in a meeting with that person alone, or in their contact "
                    "note")
        return ()
    return needs


def meeting_id(path: str) -> str:
    """`meetings/2026/05 May/Coffee.md` -> `2026/05-may/coffee` (the page's folder)."""
    parts = path[len(MEETINGS) + 1: -len(".md")].split("/")
    return "/".join(slugify(part) or "meeting" for part in parts)


def _meeting_date(note: Checker) -> dt.date | None:
    if "date" in note.raw.meta and note.raw.meta["date"] is not None:
        return note.value(note.raw.meta, ("date",), fields.date, None)
    match = _DATED_NAME.match(note.raw.stem)
    if match:
        try:
            return fields.date(match.group(1))
        except BadValue as exc:
            note.problems.append(error(note.raw.path, 1, f"date in the file name: {exc}"))
            return None
    note.problems.append(error(note.raw.path, 1, "meeting has no date: add `date: YYYY-MM-DD` "
                               "to its front matter or start its file name with the date"))
    return None


def _items(note: Checker, key: str, what: str) -> list[tuple[int, Mapping[Any, Any]]]:
    """The mappings listed under `key` (a single mapping counts as a list of one)."""
    value = note.raw.meta.get(key)
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        note.report((key,), f"`{key}` must be a list of {what}, got {fields.show(value)}")
        return []
    items: list[tuple[int, Mapping[Any, Any]]] = []
    for index, item in enumerate(value):
        if isinstance(item, dict):
            items.append((index, item))
        else:
            note.report((key, index), f"each entry of `{key}` must be a mapping of {what} "
                        f"keys, got {fields.show(item)}")
    return items


def _exchanges(note: Checker, direction: str, who: str, with_: tuple[Ref, ...],
               date: dt.date | None) -> tuple[Exchange, ...]:
    exchanges = []
    for index, item in _items(note, direction, f"`{who}:`, `type:`, `status:`..."):
        path: KeyPath = (direction, index)
        other = "from" if who == "to" else "to"  # the key of the other direction
        if other in item:
            mixed_up = ("names who gave you something, in a `got` entry" if other == "from"
                        else "names whom you gave something, in a `gave` entry")
            whom = "whom you gave it to" if who == "to" else "who gave it to you"
            note.report((*path, other), f"`{other}:` {mixed_up}; in a `{direction}` entry, "
                        f"write `{who}:` for {whom} (or move the entry under "
                        f"`{'got' if direction == 'gave' else 'gave'}:`)")
        loop = LOOP_KEYS if direction == "got" else ()
        for key in LOOP_KEYS if direction == "gave" else ():
            if key in item:
                note.report((*path, key), f"`{key}:` is for a referral you received (under "
                            "`got:`); in a `gave` entry it is ignored", "warning")
        note.unknown_keys(item, (who, other, *EXCHANGE_KEYS, *LOOP_KEYS), path,
                          f"a `{direction}` entry")
        texts: tuple[str, ...] = note.value(item, (*path, who), fields.ref_texts, ())
        refs = note.refs(texts, (*path, who)) if texts else with_
        if not refs:
            note.report(path, f"`{direction}` entry names nobody: add `{who}:` "
                        "or list the people met under `with:`")
        values = {key: note.value(item, (*path, key), convert, None)
                  for key, convert in EXCHANGE_KEYS.items()}
        if values["value"] is not None:
            values["value"], values["currency"] = values["value"]
        values.update((key, note.value(item, (*path, key), fields.date, None)) for key in loop)
        exchanges.append(Exchange(
            direction=direction,
            refs=refs,
            source=note.source(*path),
            meeting=meeting_id(note.raw.path),
            date=date,
            **{key: value for key, value in values.items() if value is not None},
        ))
    return tuple(exchanges)


def _follow_ups(note: Checker, with_: tuple[Ref, ...]) -> tuple[FollowUp, ...]:
    follow_ups = []
    for index, item in _items(note, "follow_ups", "`due:`, `what:`, `with:`, `done:`"):
        path: KeyPath = ("follow_ups", index)
        note.unknown_keys(item, FOLLOW_UP_KEYS, path, "a follow-up")
        due = note.value(item, (*path, "due"), fields.date, None)
        if due is None:
            if item.get("due") is None:
                note.report(path, "follow-up has no `due:` date; add `due: YYYY-MM-DD`")
            continue
        texts: tuple[str, ...] = note.value(item, (*path, "with"), fields.ref_texts, ())
        follow_ups.append(FollowUp(
            due=due,
            refs=note.refs(texts, (*path, "with")) if texts else with_,
            source=note.source(*path),
            what=note.value(item, (*path, "what"), fields.text, ""),
            done=note.value(item, (*path, "done"), fields.done, _NOT_DONE),
        ))
    return tuple(follow_ups)
