"""A cold build of a big journal renders on every core; what it writes is exactly what one
process writes."""

from __future__ import annotations

from pathlib import Path

from refjournal import parallel, render
from refjournal.build import build

from .conftest import REPO, TODAY, write_journal


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_parallel_and_serial_builds_write_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)  # even on a machine of one core
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10**9)
    assert build(REPO / "journal", tmp_path / "serial", TODAY).written
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    calls = []
    real = render._render_in_parallel
    monkeypatch.setattr(render, "_render_in_parallel",
                        lambda *a: calls.append(1) or real(*a))
    assert build(REPO / "journal", tmp_path / "parallel", TODAY).written
    assert calls == [1]
    assert tree(tmp_path / "parallel") == tree(tmp_path / "serial")


def test_problems_from_workers_are_reported(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    root = write_journal(tmp_path / "j", {
        "contacts/ada.md": "---\nname: Ada\n---\n" + "> " * 3000 + "deep\n",
        "theme/templates/meeting.html": "{{ nothing.here }}",
        "meetings/2026-11-01-coffee.md": "---\nwith: ada\n---\n"})
    result = build(root, tmp_path / "site", TODAY)
    assert not result.written
    messages = [(p.path, p.severity) for p in result.problems]
    assert ("contacts/ada.md", "warning") in messages
    assert ("theme/templates/meeting.html", "error") in messages
