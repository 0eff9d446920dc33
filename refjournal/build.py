"""The pipeline, said once: read -> validate -> model -> derive -> render -> write.

`load` is everything up to the model (what `check`, `due` and `balances` need); `build`
adds derive, render and write. Nothing is written unless every earlier stage succeeded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from .derive import Derived, derive
from .model import Contact, Journal, Meeting, Source
from .problems import Problem, has_errors, sort_key, strict, warning
from .read import CONTACTS, MEETINGS, discover, note_stem, read_config, read_note
from .render import render_site, theme_dirs
from .resolve import build_journal
from .slug import slugify
from .validate import UNDATED, validate_config, validate_contact, validate_meeting
from .write import check_output, write_site


@dataclass(frozen=True)
class Loaded:
    journal: Journal
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


@dataclass(frozen=True)
class Built:
    problems: list[Problem]
    written: bool
    pages: int = 0


def load(root: Path, *, strict_mode: bool = False) -> Loaded:
    """Read, validate and model the journal at `root`; collect every problem on the way."""
    raw_config, problems = read_config(root)
    config, config_problems = validate_config(raw_config)
    problems += config_problems
    heads: dict[str, tuple[str, ...]] = {}
    contacts: list[Contact] = []
    meetings: list[Meeting] = []
    undated: list[Meeting] = []  # left out of the journal; their refs are still checked
    if not (root / CONTACTS).is_dir() and not (root / MEETINGS).is_dir():
        problems.append(warning(".", None, f"no {CONTACTS}/ or {MEETINGS}/ folder in "
                                f"{root}: is this a journal?"))
    unread: list[str] = []  # contact notes not read: a ref may use an alias of one
    notes, non_notes, walk_problems = discover(root)
    problems += walk_problems
    for rel, kind in notes:
        raw, read_problems = read_note(root, rel, kind)
        problems += read_problems
        if raw is None:
            stem = note_stem(rel)
            slug = slugify(stem)
            if kind == CONTACTS and slug:  # keep it known so refs to it still resolve
                contacts.append(Contact(slug=slug, name=stem, source=Source(rel, 1)))
                unread.append(rel)
            continue
        heads[rel] = raw.head
        if kind == CONTACTS:
            contact, note_problems = validate_contact(raw)
            if contact is not None:
                contacts.append(contact)
        else:
            meeting, note_problems = validate_meeting(raw)
            (undated if meeting.date == UNDATED else meetings).append(meeting)
        problems += note_problems
    journal, model_problems = build_journal(config, contacts, meetings, undated, non_notes,
                                            unread=unread)
    problems = _with_source_lines(problems + model_problems, heads)
    if strict_mode:
        problems = strict(problems)
    return Loaded(journal, sorted(problems, key=sort_key))


def build(root: Path, out: Path, today: dt.date, *, strict_mode: bool = False) -> Built:
    """Build the site of the journal at `root` into `out`, or leave `out` untouched."""
    check_output(out, root)
    loaded = load(root, strict_mode=strict_mode)
    if not loaded.ok:
        return Built(loaded.problems, written=False)
    site: Derived = derive(loaded.journal, today)
    files, render_problems = render_site(site, theme_dirs(root))
    if strict_mode:
        render_problems = strict(render_problems)
    problems = sorted(loaded.problems + render_problems, key=sort_key)
    if has_errors(render_problems):
        return Built(problems, written=False)
    write_site(out, files)
    return Built(problems, written=True, pages=sum(1 for p in files if p.endswith(".html")))


def _with_source_lines(problems: list[Problem], heads: dict[str, tuple[str, ...]]
                       ) -> list[Problem]:
    """Give each problem the text of its line, where a front-matter line is known."""
    out = []
    for problem in problems:
        head = heads.get(problem.path, ())
        if problem.source is None and problem.line and 0 < problem.line <= len(head):
            problem = replace(problem, source=head[problem.line - 1])
        out.append(problem)
    return out
