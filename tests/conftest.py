"""Shared test helpers: each test states its journal inline, in the journal's own syntax."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from hypothesis import settings

from refjournal.journal.load import Loaded, load
from refjournal.site import render
from refjournal.site.write import MARKER

# CI runs the fuzz tests with fixed seeds, so a red run can be replayed; a developer's runs
# explore new inputs each time (and hypothesis keeps what failed in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("deep", max_examples=10_000)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
# The parse cache of every command run by the tests goes here, not into ~/.cache.
os.environ["REFJOURNAL_CACHE_DIR"] = tempfile.mkdtemp(prefix="refjournal-test-cache-")
TODAY = dt.date(2026, 11, 24)
# Every page a build keeps from the last one, or splices an edited text into, is rendered
# again and must be what a full render makes (incremental/engine.py).
os.environ["REFJOURNAL_VERIFY"] = "1"


def tree(folder: Path, marker: bool = True) -> dict[str, bytes]:
    """Every file under `folder` by relative path, with its bytes (without the site's
    marker file, unless `marker`)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and (marker or p.name != MARKER)}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder` with its bytes and modification time."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def states(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: what a rewrite changes."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def rendered_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages rendered from now on (in this process; the verify mode is
    off, so that its renders are not counted)."""
    monkeypatch.delenv("REFJOURNAL_VERIFY")
    paths: list[str] = []
    real = render.render_page
    monkeypatch.setattr(render, "render_page",
                        lambda page, *a: paths.append(page.path) or real(page, *a))
    return paths


def write_journal(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write `{relative path: text}` under `root` (text is dedented) and return `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def journal(tmp_path: Path) -> Callable[[Mapping[str, str | bytes]], Path]:
    """`journal({...})` writes a journal into a fresh folder and returns its path."""
    def make(files: Mapping[str, str | bytes]) -> Path:
        return write_journal(tmp_path / "journal", files)
    return make


@pytest.fixture
def loaded(journal: Callable[[Mapping[str, str | bytes]], Path]) -> Callable[..., Loaded]:
    """`loaded({...})` writes a journal and runs the pipeline up to the model stage."""
    def make(files: Mapping[str, str | bytes], strict: bool = False) -> Loaded:
        return load(journal(files), strict_mode=strict)
    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="Rewrite tests/golden/site from the example journal, then review "
                     "the diff with `git diff tests/golden`.")
