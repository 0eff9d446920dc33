"""Load: read, validate and model the journal, collecting every problem on the way.

`load` is everything up to the model: what `check`, `due` and `balances` need, and the
first half of a build. It gets its notes from a `NoteSource`: by default straight from
disk (on every core, for a big journal); the incremental layer gives one that remembers
what earlier runs parsed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from .. import parallel
from ..model import Config, Contact, Journal, Meeting, Source
from ..problems import Problem, has_errors, sort_key, strict, warning
from ..slug import slugify
from . import repository
from .read import (
    CONTACTS,
    MEETINGS,
    Discovered,
    discover,
    note_stem,
    parse_note,
    read_config,
    read_note,
)
from .resolve import LinkMemo, build_journal
from .settings import validate_config
from .validate import UNDATED, validate_contact, validate_meeting

Todo = list[tuple[str, str]]  # notes to read: (path, kind), in path order


@dataclass(frozen=True)
class Note:
    """One note read and validated: what `load` needs of it."""

    head: tuple[str, ...]  # its front matter's lines
    contact: Contact | None
    meeting: Meeting | None
    problems: tuple[Problem, ...]
    unread: bool  # a contact note that could not be read: known by its file name only


@dataclass(frozen=True)
class Loaded:
    journal: Journal
    problems: list[Problem]
    heads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # front matter lines
    # The journal's folder in its git repository, "" at its top: for links to the editor
    # of the repository's host (journal/repository.py).
    repo_folder: str = ""

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


@dataclass(frozen=True)
class Unlinked:
    """The notes of a journal, validated but not yet joined: what linking takes."""

    config: Config
    contacts: list[Contact]  # in path order
    meetings: list[Meeting]
    undated: list[Meeting]  # left out of the journal; their refs are still checked
    non_notes: list[str]
    unread: list[str]  # contact notes not read: a ref may use an alias of one


class NoteSource(Protocol):
    """Where `load` gets the journal's notes from."""

    def discover(self, root: Path) -> Discovered:
        """The notes and other files under contacts/ and meetings/."""

    def read(self, root: Path, todo: Todo) -> Mapping[str, Note]:
        """Every note of `todo`, read and validated, by path."""

    def link(self, notes: Unlinked) -> tuple[Journal, list[Problem]]:
        """The journal the notes make, refs resolved."""


class FromDisk:
    """Notes read from disk, every one every time: the plain `NoteSource`."""

    def discover(self, root: Path) -> Discovered:
        return discover(root)

    def read(self, root: Path, todo: Todo) -> Mapping[str, Note]:
        if not parallel.worth_it(len(todo)):
            return {rel: read_file(root, rel, kind) for rel, kind in todo}
        notes: dict[str, Note] = {}
        with parallel.fork_map(_read_chunk, (root, todo), len(todo)) as chunks:
            for chunk in chunks:
                notes.update(chunk)
        return notes

    def link(self, notes: Unlinked) -> tuple[Journal, list[Problem]]:
        return link(notes)


def link(notes: Unlinked, memo: LinkMemo | None = None) -> tuple[Journal, list[Problem]]:
    """Join the notes into a journal (resolve.py); `memo` may stand in for linking a
    meeting (the incremental layer's, in a resident process)."""
    return build_journal(notes.config, notes.contacts, notes.meetings, notes.undated,
                         notes.non_notes, unread=notes.unread, memo=memo)


def _read_chunk(shared: tuple[Path, Todo], start: int, stop: int) -> list[tuple[str, Note]]:
    root, todo = shared
    return [(rel, read_file(root, rel, kind)) for rel, kind in todo[start:stop]]


def load(root: Path, *, strict_mode: bool = False, source: NoteSource | None = None
         ) -> Loaded:
    """Read, validate and model the journal at `root`; collect every problem on the way."""
    source = source if source is not None else FromDisk()
    raw_config, problems = read_config(root)
    config, config_problems = validate_config(raw_config)
    problems += config_problems + repository.check(config, raw_config)
    if not (root / CONTACTS).is_dir() and not (root / MEETINGS).is_dir():
        problems.append(warning(".", None, f"no {CONTACTS}/ or {MEETINGS}/ folder in "
                                f"{root}: is this a journal?"))
    todo, non_notes, walk_problems = source.discover(root)
    problems += walk_problems
    notes = source.read(root, todo)
    unlinked = Unlinked(config, [], [], [], list(non_notes), [])
    heads: dict[str, tuple[str, ...]] = {}
    for rel, _ in todo:
        note = notes[rel]
        problems += note.problems
        heads[rel] = note.head
        if note.unread:
            unlinked.unread.append(rel)
        if note.contact is not None:
            unlinked.contacts.append(note.contact)
        elif note.meeting is not None:
            undated = note.meeting.date == UNDATED
            (unlinked.undated if undated else unlinked.meetings).append(note.meeting)
    journal, model_problems = source.link(unlinked)
    problems = _with_source_lines(problems + model_problems, heads)
    if strict_mode:
        problems = strict(problems)
    return Loaded(journal, sorted(problems, key=sort_key), heads,
                  repository.folder_in_repository(root))


def read_file(root: Path, rel: str, kind: str, data: bytes | None = None) -> Note:
    """The note at `rel` (of `kind`, contacts or meetings), from `data` when the caller
    read its bytes already."""
    raw, problems = (read_note(root, rel, kind) if data is None
                     else parse_note(rel, kind, data))
    if raw is None:
        stem = note_stem(rel)
        slug = slugify(stem)
        if kind == CONTACTS and slug:  # keep it known so refs to it still resolve
            stand_in = Contact(slug=slug, name=stem, source=Source(rel, 1))
            return Note((), stand_in, None, tuple(problems), unread=True)
        return Note((), None, None, tuple(problems), unread=False)
    if kind == CONTACTS:
        contact, note_problems = validate_contact(raw)
        return Note(raw.head, contact, None, tuple(problems + note_problems), unread=False)
    meeting, note_problems = validate_meeting(raw)
    return Note(raw.head, None, meeting, tuple(problems + note_problems), unread=False)


def _with_source_lines(problems: Sequence[Problem], heads: Mapping[str, tuple[str, ...]]
                       ) -> list[Problem]:
    """Give each problem the text of its line, where a front-matter line is known."""
    out = []
    for problem in problems:
        head = heads.get(problem.path, ())
        if problem.source is None and problem.line and 0 < problem.line <= len(head):
            problem = replace(problem, source=head[problem.line - 1])
        out.append(problem)
    return out
