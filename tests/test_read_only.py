"""The journal is read-only to every command that is not an authoring command."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from refjournal.cli import main

from .conftest import write_journal

JOURNAL = {
    "refjournal.yaml": "owner: Test Owner\n",
    "contacts/ada.md": "---\nname: Ada Lovelace\ntier: close\n---\nNotes on [[bob]].\n",
    "contacts/bob.md": "---\nname: Bob Builder\nfollow_up: 2026-11-20\n---\n",
    "contacts/bob.jpg": b"\xff\xd8\xff\xe0 a photo",
    "meetings/2026/2026-11-01-coffee.md": "---\nwith: [ada, bob]\ngave:\n  - to: ada\n---\n",
    "theme/templates/balances.html": '{% extends "base.html" %}{% block content %}B'
                                     "{% endblock %}",
    "theme/static/extra.css": "a {}\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".obsidian/workspace.json": "{}\n",
    "contacts/.ada.md.swp": b"\x00swap",
}
BROKEN = {**JOURNAL, "contacts/cy.md": "---\nmet: 2026-02-30\n---\n",
          "meetings/2026/2026-11-02-x.md": "<<<<<<< HEAD\n---\nwith: ada\n---\n"}

COMMANDS = [
    ["build", "--today", "2026-11-24", "--out", "{out}"],
    ["build", "--today", "2026-11-24", "--out", "site"],  # the usual layout: site beside notes
    ["build", "--today", "2026-11-24", "--out", "{out}", "--strict"],
    ["check"],
    ["check", "--strict"],
    ["due", "--today", "2026-11-24"],
    ["due", "--json"],
    ["balances", "--json"],
    ["balances"],
]


def snapshot(root: Path, skip: Path) -> dict[str, tuple[bytes | None, int, int]]:
    """Bytes, mtime and mode of every file and folder under `root` (dot files too), except
    the output folder `skip`. Folder mtimes catch a file made and removed again."""
    out = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if Path(folder, d) != skip]
        for name in (".", *dirs, *files):
            path = Path(folder, name)
            info = path.lstat()
            data = path.read_bytes() if path.is_file() and not path.is_symlink() else None
            out[path.relative_to(root).as_posix()] = (data, info.st_mtime_ns, info.st_mode)
    return out


@pytest.mark.parametrize("files", [JOURNAL, BROKEN], ids=["clean", "broken"])
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_command_changes_the_journal(tmp_path: Path, args: list[str],
                                        files: dict[str, str | bytes]) -> None:
    root = write_journal(tmp_path / "journal", files)
    (root / "contacts" / "ada-link.md").symlink_to(root / "contacts" / "ada.md")
    site = root / "site"
    before = snapshot(root, skip=site)
    argv = [arg.format(out=tmp_path / "out") for arg in args]
    old = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, argv)
    finally:
        os.chdir(old)
    assert result.exit_code == (1 if files is BROKEN else 0), result.output
    after = snapshot(root, skip=site)
    if argv[-1] == "site" and files is JOURNAL:  # writing ./site touches only the root's mtime
        assert (site / "index.html").is_file()
        before.pop("."), after.pop(".")
    assert after == before
