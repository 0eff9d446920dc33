"""Model stage: join validated notes into one Journal and resolve every contact ref.

A ref resolves by slug, then by name or alias (case- and accent-insensitive), then by the
slug of what was written, then as the path of the note (`contacts/clients/acme.md`). A ref
that matches nothing becomes a placeholder contact marked `unresolved`, so its exchanges
and follow-ups still count (and a warning says so).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from functools import cached_property
from typing import Any, TypeVar

from ..model import Config, Contact, Exchange, FollowUp, Journal, Meeting, Ref
from ..problems import Problem, error, warning
from ..slug import fold_name, lookup, name_key, note_key, slugify
from .fields import unwrap_wikilink


class _Resolver:
    def __init__(self, contacts: dict[str, Contact], non_notes: Sequence[str] = (),
                 unread: Sequence[str] = ()) -> None:
        self.contacts = contacts
        self.unread = _unread_hint(unread)
        self.non_notes = _non_note_index(non_notes)
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for contact in sorted(contacts.values(), key=lambda c: c.slug):  # first by slug wins
            for name in (contact.name, *contact.aliases):
                slugs = self.by_name[name_key(name)]
                if contact.slug not in slugs:
                    slugs.append(contact.slug)
        # Names first, then slugs over them: an exact slug wins over someone's alias.
        self.index = {key: slugs[0] for key, slugs in self.by_name.items()}
        self.index.update((slug, slug) for slug in contacts)
        self.index.update((note_key(c.source.path), slug) for slug, c in contacts.items())
        self.placeholders: dict[str, Contact] = {}
        self.found: dict[str, tuple[str | None, tuple[str, ...]]] = {}  # see `named`
        self.problems: list[Problem] = []
        self._reported: set[tuple[str, str, int]] = set()
        # While one meeting is linked: the placeholders it makes, kept here until the
        # meeting's `Linked` is applied (see `build_journal`).
        self.touched: list[tuple[str, Contact]] | None = None

    def find(self, text: str) -> str | None:
        """The slug a ref's text names (`lookup`)."""
        return self.named(text)[0]

    def named(self, text: str) -> tuple[str | None, tuple[str, ...]]:
        """The slug a ref's text names, and the other contacts whose name or alias it is
        too; once per text (a big journal names each contact many times)."""
        known = self.found.get(text)
        if known is None:
            slug = lookup(self.index, text)
            others = () if slug is None else tuple(
                s for s in self.by_name.get(name_key(text), []) if s != slug)
            known = self.found[text] = (slug, others)
        return known

    def resolve(self, ref: Ref) -> Ref:
        text = ref.text
        slug, others = self.named(text)
        if slug is not None:
            if others:
                self._report(ref, warning, f"`{text}` could mean `{slug}` or "
                             f"{', '.join(f'`{s}`' for s in others)} (a slug, name or alias of "
                             f"each); using `{slug}`; write the slug to choose")
            return _with(ref, slug=slug, resolved=True)
        slug = slugify(text) or "unnamed"
        while slug in self.contacts:  # only the fallback can collide with a real contact
            slug += "-ref"
        stand_in = Contact(slug=slug, name=text, source=ref.source, unresolved=True)
        if self.touched is not None:
            self.touched.append((slug, stand_in))
        else:
            self.placeholders.setdefault(slug, stand_in)
        other = self.non_notes.get(_path_key(text))
        if other is not None and other.endswith("/"):
            self._report(ref, error, f"`{text}` is the folder {other}, not a contact; "
                         "refer to one contact note inside it")
        elif other is not None:
            self._report(ref, error, f"`{text}` is {other}, which is not a contact note: "
                         f"contacts are `.md` files; refer to a note{self._suggest(text)}")
        elif "," in text:
            self._report(ref, warning, f"`{text}` matches no contact; to name several, write "
                         f"them as a list: `[{', '.join(_parts(text))}]`, or one per line "
                         f"under the key, each after `- `{self.unread}")
        else:
            self._report(ref, warning, f"`{text}` matches no contact; add `contacts/{slug}.md` "
                         f"or fix the ref{self._suggest(text)}{self.unread}")
        return replace(ref, slug=slug, resolved=False)

    def refs(self, refs: Iterable[Ref]) -> tuple[Ref, ...]:
        """Resolve refs; one written `A, B` (as tags may be) is two when each part names a
        contact and the whole names none."""
        out: list[Ref] = []
        for ref in refs:
            parts = _parts(ref.text) if "," in ref.text else []
            if (len(parts) > 1 and self.find(ref.text) is None
                    and all(self.find(part) is not None for part in parts)):
                out.extend(self.resolve(replace(ref, text=part)) for part in parts)
            else:
                out.append(self.resolve(ref))
        return tuple(out)

    def check_links(self, note: Contact | Meeting) -> None:
        """Warn of each [[wikilink]] in a note's text that names no contact: the site shows
        it as plain text. (It makes no placeholder: a mention is not a relationship.)"""
        for link in note.links:
            if self.find(link.text) is not None:
                continue
            text = note.body.split("\n")[link.source.line - note.body_line]
            where = re.search(r"\[\[\s*" + re.escape(link.text), text)
            self.problems.append(warning(
                link.source.path, link.source.line,
                f"`[[{link.text}]]` in the text matches no contact, so it links nowhere; "
                f"add `contacts/{slugify(link.text) or 'name'}.md` or fix the link"
                f"{self._suggest(link.text)}{self.unread}",
                text, where.start() + 1 if where else None))

    @cached_property
    def _candidates(self) -> dict[str, tuple[str, str]]:
        """Every slug, name and alias by its folded form, for suggestions."""
        candidates: dict[str, tuple[str, str]] = {}
        for slug, contact in self.contacts.items():
            for written in (slug, contact.name, *contact.aliases):
                candidates.setdefault(fold_name(written), (written, slug))
        return candidates

    def _suggest(self, text: str) -> str:
        """The nearest slugs, names or aliases of up to three contacts (the nearest way of
        writing each), compared without case or accents."""
        candidates = self._candidates
        close = difflib.get_close_matches(fold_name(text), list(candidates), n=9, cutoff=0.6)
        by_contact: dict[str, str] = {}
        for key in close:
            written, slug = candidates[key]
            by_contact.setdefault(slug, f"`{written}`")
        named = list(by_contact.values())[:3]
        if not named:
            return ""
        either = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}"
        return f" (did you mean {either}?)"

    def _report(self, ref: Ref, make: Callable[[str, int, str], Problem], message: str) -> None:
        key = (ref.text, ref.source.path, ref.source.line)
        if key not in self._reported:
            self._reported.add(key)
            self.problems.append(make(ref.source.path, ref.source.line, message))


@dataclass(frozen=True)
class Linked:
    """One meeting with its refs resolved, and what linking it found: the same for the same
    meeting while every contact's slug, name, aliases and path, the other files under
    contacts/ and the unread notes are the same (its `signature`)."""

    meeting: Meeting
    problems: tuple[Problem, ...]
    placeholders: tuple[tuple[str, Contact], ...]  # contacts its refs name without a note


Link = Callable[[Meeting], Linked]
# What may stand in for linking each meeting: given the signature and the linker, a linker
# (the incremental layer's, which keeps meetings linked by the last build).
LinkMemo = Callable[[tuple[Any, ...], Link], Link]


def build_journal(config: Config, contacts: list[Contact], meetings: list[Meeting],
                  undated: Sequence[Meeting] = (), non_notes: Sequence[str] = (),
                  unread: Sequence[str] = (), memo: LinkMemo | None = None
                  ) -> tuple[Journal, list[Problem]]:
    """Join contacts and meetings, resolving refs; `contacts` and `meetings` in path order.

    `undated` meetings (their date is missing, an error already reported) are left out, but
    their refs are checked too, so that one run reports every problem. `non_notes` are the
    folders (ending in `/`) and other files under contacts/: a ref that names one of them
    is an error that says so, not just a ref that matches nothing. `unread` are contact
    notes that could not be read: their names and aliases are unknown, so a ref that matches
    nothing may mean one of them, and its warning says so. `memo`, when given, may stand
    in for linking a meeting (see `Linked`).
    """
    problems: list[Problem] = []
    by_slug: dict[str, Contact] = {}
    for contact in contacts:
        first = by_slug.get(contact.slug)
        if first is not None:
            problems.append(error(contact.source.path, 1, f"two contacts have the slug "
                                  f"`{contact.slug}`: {first.source.path} and "
                                  f"{contact.source.path}; rename one of the files"))
            continue
        by_slug[contact.slug] = contact

    resolver = _Resolver(by_slug, non_notes, unread)
    linked_contacts = {
        slug: replace(c, introduced_by=resolver.resolve(c.introduced_by)) if c.introduced_by
        else c for slug, c in by_slug.items()
    }
    for contact in by_slug.values():
        resolver.check_links(contact)
    link = _linker(resolver)
    if memo is not None:
        link = memo((tuple((slug, c.name, c.aliases, c.source.path)
                           for slug, c in by_slug.items()), tuple(non_notes), tuple(unread)),
                    link)
    linked_meetings = []
    for meeting in meetings:
        linked = link(meeting)
        resolver.problems.extend(linked.problems)
        for slug, stand_in in linked.placeholders:
            resolver.placeholders.setdefault(slug, stand_in)
        linked_meetings.append(linked.meeting)
    linked_meetings = _unique_ids(linked_meetings)
    for meeting in undated:
        _link_meeting(meeting, resolver)
    linked_meetings.sort(key=lambda m: (m.date, m.id))
    problems += _currencies(config, linked_meetings)

    everyone = {**linked_contacts, **resolver.placeholders}
    by_contact: dict[str, list[Meeting]] = defaultdict(list)
    for meeting in linked_meetings:
        for slug in meeting.contacts:
            by_contact[slug].append(meeting)
    journal = Journal(
        config=config,
        contacts={slug: everyone[slug] for slug in sorted(everyone)},
        meetings=tuple(linked_meetings),
        meetings_by_contact={slug: tuple(ms) for slug, ms in by_contact.items()},
        ref_index=resolver.index,
    )
    return journal, problems + resolver.problems


def _parts(text: str) -> list[str]:
    """`Tom Whitaker, [[Sofia Marchetti]]` -> `Tom Whitaker`, `Sofia Marchetti`."""
    return [part for part in (unwrap_wikilink(p) for p in text.split(",")) if part]


def _currencies(config: Config, meetings: Iterable[Meeting]) -> list[Problem]:
    """A value written in another currency than the journal's (or, with none set, than
    the first one written) is an error: it would be summed as if it were the same."""
    problems: list[Problem] = []
    first: tuple[str, Exchange] | None = None
    for meeting in meetings:
        for ex in meeting.exchanges:
            if not ex.currency:
                continue
            if config.currency:
                if not _same_currency(ex.currency, config.currency):
                    problems.append(error(ex.source.path, ex.source.line, f"the value is in "
                                          f"{ex.currency}, but the journal's `currency` is "
                                          f"{config.currency}: write it in {config.currency}"))
            elif first is None:
                first = (ex.currency, ex)
            elif not _same_currency(ex.currency, first[0]):
                problems.append(error(ex.source.path, ex.source.line, f"the value is in "
                                      f"{ex.currency}, but {first[1].source} has one in "
                                      f"{first[0]}: values are summed, so write them in one "
                                      "currency (and set `currency:` in refjournal.yaml)"))
    return problems


def _same_currency(written: str, code: str) -> bool:
    """`$` is any dollar, `kr` any krona or krone."""
    if written == "$":
        return code == "$" or code.endswith("D")
    if written == "kr":
        return code in ("kr", "SEK", "NOK", "DKK", "ISK")
    return written == code or (code in ("$", "kr") and _same_currency(code, written))


def _unread_hint(unread: Sequence[str]) -> str:
    if not unread:
        return ""
    if len(unread) == 1:
        return f"; {unread[0]} could not be read, and may be the one meant"
    return f"; {len(unread)} contact notes could not be read, and one may be the one meant"


def find_contact(journal: Journal, text: str) -> str | None:
    """The slug a ref names, as the model stage resolves it; None when it names no contact
    note."""
    slug = lookup(journal.ref_index, text)
    if slug is None or journal.contacts[slug].unresolved:
        return None
    return slug


def _path_key(text: str) -> str:
    """A ref as a path under contacts/: `[[Contacts/Clients/]]` -> `clients`."""
    key = text.strip().strip("/").casefold()
    return key.removeprefix("contacts/").strip("/")


def _non_note_index(non_notes: Sequence[str]) -> dict[str, str]:
    """Each folder or other file under contacts/ by its path, and a file also by its path
    without the extension (`jane.vcf`, `jane`; `photos/bob.png`, `photos/bob`). Only the
    path counts: a picture of Bob in a sub-folder does not make `Bob` mean the picture."""
    index: dict[str, str] = {}
    for path in non_notes:
        key = _path_key(path)
        index.setdefault(key, path)
        if not path.endswith("/") and "." in key.rsplit("/", 1)[-1]:
            index.setdefault(key.rsplit(".", 1)[0], path)
    return index


def _linker(resolver: _Resolver) -> Link:
    """Link one meeting, giving what linking found instead of keeping it in the resolver
    (`build_journal` applies it, whether the meeting was linked now or before)."""

    def link(meeting: Meeting) -> Linked:
        start, resolver.touched = len(resolver.problems), []
        try:
            linked = _link_meeting(meeting, resolver)
            return Linked(linked, tuple(resolver.problems[start:]), tuple(resolver.touched))
        finally:
            del resolver.problems[start:]
            resolver.touched = None

    return link


def _link_meeting(meeting: Meeting, resolver: _Resolver) -> Meeting:
    def exchanges(items: tuple[Exchange, ...]) -> tuple[Exchange, ...]:
        return tuple(_with(ex, refs=resolver.refs(ex.refs)) for ex in items)

    def follow_ups(items: tuple[FollowUp, ...]) -> tuple[FollowUp, ...]:
        return tuple(_with(fu, refs=resolver.refs(fu.refs)) for fu in items)

    resolver.check_links(meeting)
    return _with(meeting, with_=resolver.refs(meeting.with_), gave=exchanges(meeting.gave),
                   got=exchanges(meeting.got), follow_ups=follow_ups(meeting.follow_ups))


def _unique_ids(meetings: list[Meeting]) -> list[Meeting]:
    """Two files may slugify to the same page (`a b.md`, `a-b.md`): number the later ones."""
    seen: set[str] = set()
    out = []
    for meeting in meetings:
        meeting_id, n = meeting.id, 1
        while meeting_id in seen:
            n += 1
            meeting_id = f"{meeting.id}-{n}"
        seen.add(meeting_id)
        if meeting_id != meeting.id:
            meeting = replace(meeting, id=meeting_id,
                              gave=tuple(replace(e, meeting=meeting_id) for e in meeting.gave),
                              got=tuple(replace(e, meeting=meeting_id) for e in meeting.got))
        out.append(meeting)
    return out


_Record = TypeVar("_Record")
_FIELDS: dict[type, tuple[str, ...]] = {}  # the fields of each record class


def _with(record: _Record, **changes: Any) -> _Record:
    """`dataclasses.replace` for the model's records, which have no `__post_init__` and
    check nothing in `__init__`: the fields copied, the changes set, and nothing else (not
    what a `cached_property` computed from the old fields). A third of the time of
    `replace`, which linking a big journal calls for every ref, exchange and meeting."""
    kind = type(record)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in fields(kind))  # type: ignore[arg-type]
    made = object.__new__(kind)
    old, new = record.__dict__, made.__dict__
    for name in names:
        new[name] = old[name]
    new.update(changes)
    return made
