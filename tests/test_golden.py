"""The example journal's site, compared byte for byte with a reviewed golden copy.

After an intended change to the theme or the example journal, run
`pytest tests/test_golden.py --update-golden` and review `git diff tests/golden`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from refjournal.build import build
from refjournal.site.write import MARKER

from .conftest import REPO, TODAY

GOLDEN = REPO / "tests" / "golden" / "site"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != MARKER}


def test_example_site_matches_golden_copy(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    out = tmp_path / "site"
    result = build(REPO / "journal", out, TODAY, strict_mode=True)
    assert result.written, [p.format() for p in result.problems]
    assert result.problems == []  # the example journal is clean even under --strict
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN, ignore=shutil.ignore_patterns(MARKER))
    built, golden = _files(out), _files(GOLDEN)
    assert sorted(built) == sorted(golden), "pages added or removed: rerun with --update-golden"
    changed = [path for path in built if built[path] != golden[path]]
    assert changed == [], "pages differ from the golden copy: rerun with --update-golden and review"


def test_build_is_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    build(REPO / "journal", first, TODAY)
    build(REPO / "journal", second, TODAY)
    assert _files(first) == _files(second)
