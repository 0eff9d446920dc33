"""A cold build of a big journal renders on every core; what it writes is exactly what one
process writes."""

from __future__ import annotations

from refjournal import parallel
from refjournal.build import build
from refjournal.incremental.cache import ParseCache
from refjournal.site import render
from refjournal.site.write import MARKER

from .conftest import REPO, TODAY, tree, write_journal


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


def test_workers_write_only_the_changed_files_of_a_known_site(tmp_path, monkeypatch):
    """With the record of the last build, the workers compare each page with the site and
    stage only those that changed; the site is then the one a fresh build makes."""
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    root = write_journal(tmp_path / "j", {
        "contacts/ada.md": "---\nname: Ada Lovelace\n---\nMet at the chapter.\n",
        "contacts/bo.md": "---\nname: Bo Chen\n---\n",
        "meetings/2026-11-02-coffee.md": "---\nwith: [ada, bo]\nkind: coffee\n---\nHi.\n",
        "meetings/2026-11-10-call.md": "---\nwith: ada\nkind: call\n---\nShort call.\n"})
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert build(root, out, TODAY, cache=ParseCache(cache, root)).written
    before = {rel: (p.stat().st_ino, p.stat().st_mtime_ns) for rel, p
              in ((p.relative_to(out).as_posix(), p) for p in out.rglob("*") if p.is_file())}
    note = root / "meetings/2026-11-10-call.md"
    note.write_text(note.read_text().replace("kind: call", "kind: lunch"))
    result = build(root, out, TODAY, cache=ParseCache(cache, root))
    page = "meetings/2026-11-10-call/index.html"
    assert page in result.changed and "contacts/bo/index.html" not in result.changed
    for rel, state in before.items():
        if rel not in result.changed and rel != MARKER:
            path = out / rel
            assert (path.stat().st_ino, path.stat().st_mtime_ns) == state, rel
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10**9)
    assert build(root, tmp_path / "fresh", TODAY).written
    assert tree(out) == tree(tmp_path / "fresh")


def test_workers_read_and_hash_notes_and_take_what_the_cache_knows(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    root = REPO / "journal"
    assert build(root, tmp_path / "one", TODAY, cache=ParseCache(tmp_path / "c", root)).written
    cache = ParseCache(tmp_path / "c", root)
    assert build(root, tmp_path / "two", TODAY, cache=cache).written  # no record for it
    notes = len(list((root / "contacts").rglob("*.md")) + list((root / "meetings").rglob("*.md")))
    assert cache.hits == notes  # each found by its digest, none parsed again
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
