"""One defect at a time in a copy of the example journal, built over an existing site.

Each must exit 1 with the file and line named and no traceback, leaving the previous site
and the journal byte for byte as they were. Random byte mutations of real notes must exit
0 or 1 and never raise.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from refjournal.cli import main

from .conftest import REPO, TODAY
from .test_fuzz import FUZZ, examples

PRIYA = "contacts/priya-raman.md"
REVIEW = "meetings/2026/2026-06-02-priya-review.md"
LATER = "meetings/2026/2026-09-08-priya-review.md"


def edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return apply


def put(rel: str, data: bytes | None) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            (root / rel).mkdir()
        else:
            (root / rel).write_bytes(data)
    return apply


def both(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        for step in steps:
            step(root)
    return apply


def raw(rel: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        (root / rel).write_bytes(change((root / rel).read_bytes()))
    return apply


DEFECTS: dict[str, tuple[Callable[[Path], None], str]] = {
    # name: (how to break the journal, the start of the expected problem line)
    "not-utf8": (raw(PRIYA, lambda b: b.replace(b"Priya", b"Pr\xe9ya", 1)), f"{PRIYA}:2: error"),
    "binary": (put("contacts/photo.md", b"\x89PNG\r\n\x1a\n\x00\x00"),
               "contacts/photo.md:3: error"),
    "empty-front-matter": (put("contacts/zoe.md", b"---\n---\nNotes.\n"),
                           "contacts/zoe.md:1: error"),
    "front-matter-a-list": (put("contacts/zoe.md", b"---\n- a\n- b\n---\n"),
                            "contacts/zoe.md:2: error"),
    "no-closing-dashes": (edit(REVIEW, "    done: true\n---\n", "    done: true\n\n"),
                          f"{REVIEW}:1: error"),
    "yaml-syntax": (edit(REVIEW, "kind: one-to-one", "kind: [one-to-one"), f"{REVIEW}:4: error"),
    "date-as-text": (edit(REVIEW, "title: Referral review with Priya", "title: 2026-06-02"),
                     f"{REVIEW}:5: error"),
    "list-as-mapping": (edit(REVIEW, "  - to: priya-raman\n", "  - [priya-raman]\n  - to: x\n"),
                        f"{REVIEW}:8: error"),
    "value-lots": (edit(REVIEW, "value: 4800", "value: lots"), f"{REVIEW}:12: error"),
    "heat-9": (edit(REVIEW, "heat: 4", "heat: 9"), f"{REVIEW}:10: error"),
    "done-maybe": (edit(REVIEW, "done: true", "done: maybe"), f"{REVIEW}:24: error"),
    "cadence-often": (edit(PRIYA, "cadence: ", "cadence: often #"), f"{PRIYA}:14: error"),
    "follow-up-without-due": (edit(LATER, "  - due: 2026-11-20\n", "  - due:\n"),
                              f"{LATER}:15: error"),
    "meeting-without-date": (put("meetings/2026/lunch.md", b"---\nwith: Priya\n---\n"),
                             "meetings/2026/lunch.md:1: error"),
    "duplicate-slug": (put("contacts/Priya Raman.md", b"---\nname: Priya R\n---\n"),
                       "contacts/priya-raman.md:1: error"),
    "ref-to-a-folder": (both(put("contacts/clients/x.md", b"---\nname: X\n---\n"),
                             edit(REVIEW, 'with: "[[Priya Raman]]"', "with: clients")),
                        f"{REVIEW}:3: error"),
    "ref-to-a-non-note": (both(put("contacts/card.vcf", b"BEGIN:VCARD\n"),
                               edit(REVIEW, 'with: "[[Priya Raman]]"', "with: card.vcf")),
                          f"{REVIEW}:3: error"),
    "conflict-marker": (edit(REVIEW, "First review", "<<<<<<< HEAD\nFirst review"),
                        f"{REVIEW}:26: error: git merge conflict marker"),
    "dangling-symlink": (lambda root: (root / "contacts" / "gone.md").symlink_to(
        root / "nowhere.md"), "contacts/gone.md:1: error: cannot read file"),
}


def digest(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                                p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example journal and a site built from it, to copy for each test."""
    base = tmp_path_factory.mktemp("example")
    shutil.copytree(REPO / "journal", base / "journal")
    result = CliRunner().invoke(main, ["build", "--journal", str(base / "journal"),
                                       "--out", str(base / "site"), "--today", str(TODAY)])
    assert result.exit_code == 0, result.output
    return base / "journal", base / "site"


def copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    journal, site = tmp_path / "journal", tmp_path / "site"
    shutil.copytree(built[0], journal, symlinks=True)
    shutil.copytree(built[1], site)
    return journal, site


@pytest.mark.parametrize("name", DEFECTS)
def test_one_defect_exits_1_names_the_place_and_changes_nothing(
        built: tuple[Path, Path], tmp_path: Path, name: str) -> None:
    journal, site = copy(built, tmp_path)
    breaks, expected = DEFECTS[name]
    breaks(journal)
    notes, before = digest(journal), digest(site)
    result = CliRunner().invoke(main, ["build", "--journal", str(journal), "--out", str(site),
                                       "--today", str(TODAY)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1, result.output
    problems = [line for line in result.stderr.splitlines() if re.match(r"\S+:\d*:? ", line)]
    assert problems[0].startswith(expected), problems  # the defect, not an echo, comes first
    assert all(": error: " in line for line in problems[:1])
    assert "Traceback" not in result.output
    assert digest(site) == before
    assert digest(journal) == notes


NOTES = sorted(p.relative_to(REPO / "journal").as_posix()
               for p in (REPO / "journal").rglob("*.md"))


@settings(FUZZ, max_examples=examples(60))
@given(note=st.sampled_from(NOTES), data=st.data())
def test_random_byte_mutations_of_real_notes(built: tuple[Path, Path], tmp_path_factory:
                                             pytest.TempPathFactory, note: str,
                                             data: st.DataObject) -> None:
    journal, site = copy(built, tmp_path_factory.mktemp("mutated"))
    content = bytearray((journal / note).read_bytes())
    for _ in range(data.draw(st.integers(1, 8), label="mutations")):
        at = data.draw(st.integers(0, len(content)), label="at")
        byte = data.draw(st.integers(0, 255), label="byte")
        how = data.draw(st.sampled_from(["replace", "insert", "delete"]), label="how")
        if how == "insert" or at == len(content):
            content.insert(at, byte)
        elif how == "replace":
            content[at] = byte
        else:
            del content[at]
    (journal / note).write_bytes(bytes(content))
    before = digest(site)
    result = CliRunner().invoke(main, ["build", "--journal", str(journal), "--out", str(site),
                                       "--today", str(TODAY)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert digest(site) == before
