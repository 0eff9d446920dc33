"""Where a journal's theme comes from: its own `theme/` folder first, then the default theme,
and the state of their files (a change to any of them means the pages must be made again)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..journal.read import walk

PACKAGE_THEMES = Path(__file__).parent.parent / "themes"  # inside the installed wheel
SOURCE_THEMES = Path(__file__).parent.parent.parent / "themes"  # in a source checkout
USER_THEME = "theme"


def theme_dirs(journal_root: Path) -> list[Path]:
    """Theme folders, most specific first: the journal's `theme/`, then the default theme."""
    default = PACKAGE_THEMES / "default"
    if not default.is_dir():
        default = SOURCE_THEMES / "default"
    user = journal_root / USER_THEME
    return [user, default] if user.is_dir() else [default]


def theme_files(themes: list[Path]) -> tuple[Any, ...]:
    """Every file of the themes, as the build finds them (read.walk: dot files skipped,
    symlinks followed while they stay inside), each with its size and the SHA-256 of its
    bytes: by content, not by file times, so that a fresh checkout or a new install of the
    same theme (same bytes, new times) still matches the last build's pages."""
    found = []
    for theme in themes:
        for rel in walk(theme.parent, theme.name).files:
            try:
                data = (theme.parent / rel).read_bytes()
            except OSError:  # removed since the walk
                continue
            found.append((str(theme.parent), rel, len(data), hashlib.sha256(data).digest()))
    return tuple(found)


def own_templates(themes: list[Path]) -> set[str]:
    """The templates a journal's own theme provides (its `theme/templates/`)."""
    if themes[0].name != USER_THEME or not (themes[0] / "templates").is_dir():
        return set()
    folder = themes[0] / "templates"
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
