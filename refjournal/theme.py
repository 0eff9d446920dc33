"""Where a journal's theme comes from: its own `theme/` folder first, then the default theme,
and the state of their files (a change to any of them means the pages must be made again)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

PACKAGE_THEMES = Path(__file__).parent / "themes"  # inside the installed wheel
SOURCE_THEMES = Path(__file__).parent.parent / "themes"  # in a source checkout
USER_THEME = "theme"


def theme_dirs(journal_root: Path) -> list[Path]:
    """Theme folders, most specific first: the journal's `theme/`, then the default theme."""
    default = PACKAGE_THEMES / "default"
    if not default.is_dir():
        default = SOURCE_THEMES / "default"
    user = journal_root / USER_THEME
    return [user, default] if user.is_dir() else [default]


def theme_files(themes: list[Path]) -> tuple[Any, ...]:
    """Every file of the themes, with its mtime and size (dot files skipped, as by walk)."""
    found = []
    for theme in themes:
        for folder, dirs, names in os.walk(theme):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(n for n in names if not n.startswith(".")):
                try:
                    info = os.stat(os.path.join(folder, name))
                except OSError:  # a dangling link (walk reports it) or a file just removed
                    continue
                found.append((folder, name, info.st_mtime_ns, info.st_size))
    return tuple(found)
