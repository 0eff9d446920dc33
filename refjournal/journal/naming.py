"""How a new meeting note is named: its default title and its path in the journal.

`refjournal new meeting` writes notes under these names, and the site's "Log a meeting"
links (site/editing.py) ask the git host for the same: a note logged from a phone looks
like one written at the terminal. Plain functions of their arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ..slug import slugify
from .fields import kind as kind_of
from .read import MEETINGS

MAX_SLUG = 80  # characters of a file name made from a name or a title


def default_title(kind: str, names: Sequence[str]) -> str:
    """A title that tells meetings apart: "Coffee with Sofia Marchetti", "One-to-one with
    Tom Whitaker and Sofia Marchetti", "Meeting with Ann, Bo and 3 others"; with nobody
    named, the kind alone ("Coffee")."""
    word = kind_of(kind) if kind else "meeting"
    word = f"{word[:1].upper()}{word[1:]}"
    if not names:
        return word
    if len(names) > 3:
        names = [*names[:2], f"{len(names) - 2} others"]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{word} with {listed}"


def meeting_stem(date: dt.date, title: str) -> str:
    """`2026-05-14-coffee-with-sofia-marchetti`: the day, then the title's slug."""
    # Each word its own slug, so that a name in another script keeps its letters.
    what = "-".join(filter(None, (slugify(part) for part in title.split())))
    return f"{date.isoformat()}-{what[:MAX_SLUG].rstrip('-') or 'meeting'}"


def meeting_folder(date: dt.date) -> str:
    """`meetings/2026`: where a meeting of that day is written."""
    return f"{MEETINGS}/{date.year:04d}"


def meeting_path(date: dt.date, title: str) -> str:
    """`meetings/2026/2026-05-14-coffee-with-sofia-marchetti.md`, relative to the journal
    (`new meeting` adds `-2`, `-3` when the name is taken)."""
    return f"{meeting_folder(date)}/{meeting_stem(date, title)}.md"
