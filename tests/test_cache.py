"""The parse cache: a note whose bytes are unchanged is not parsed again, and nothing it
keeps ever changes what a build says or writes."""

from __future__ import annotations

import gc
import os
import stat
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from refjournal import build as build_module
from refjournal.build import build, check
from refjournal.cli import main
from refjournal.incremental import cache as cache_module
from refjournal.incremental.cache import ParseCache
from refjournal.journal.load import load

from .conftest import TODAY, tree, write_journal

JOURNAL = {
    "refjournal.yaml": "owner: Test\n",
    "contacts/ada.md": "---\nname: Ada Lovelace\ncadence: 30\n---\nAda.\n",
    "contacts/bob.md": "---\nname: Bob\ntier: close\n---\n",
    "meetings/2026-11-01-coffee.md": "---\nwith: [ada, bob]\ngave:\n  - to: bob\n---\nHi.\n",
    "meetings/2026-11-02-bad.md": "---\nwith: ada\nkind: [oops\n---\n",  # a problem, cached too
}



def cached_load(root: Path, folder: Path):
    cache = ParseCache(folder, root)
    return check(root, cache=cache), cache


def test_unchanged_notes_are_not_parsed_again_and_give_the_same_result(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    first, cache = cached_load(root, tmp_path / "cache")
    assert cache.hits == 0 and len(list((tmp_path / "cache").glob("*.notes"))) == 1
    second, cache = cached_load(root, tmp_path / "cache")
    assert cache.hits == 4
    assert second.problems == first.problems == load(root).problems
    assert second.journal == load(root).journal


def test_an_edit_is_parsed_again_even_with_the_same_size_and_time(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    cached_load(root, tmp_path / "cache")
    note = root / "contacts" / "ada.md"
    info = note.stat()
    note.write_text(JOURNAL["contacts/ada.md"].replace("Ada.", "Eve."))  # same size
    os.utime(note, ns=(info.st_atime_ns, info.st_mtime_ns))
    loaded, cache = cached_load(root, tmp_path / "cache")
    assert cache.hits == 3
    assert loaded.journal.contacts["ada"].body == "Eve.\n"


def test_a_new_version_or_new_settings_start_afresh(tmp_path, monkeypatch):
    root = write_journal(tmp_path / "j", JOURNAL)
    cached_load(root, tmp_path / "cache")
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    assert cached_load(root, tmp_path / "cache")[1].hits == 0
    assert cached_load(root, tmp_path / "cache")[1].hits == 4
    (root / "refjournal.yaml").write_text("owner: Someone else\n")
    assert cached_load(root, tmp_path / "cache")[1].hits == 0


def test_a_damaged_or_unwritable_cache_is_only_slower(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    _, cache = cached_load(root, tmp_path / "cache")
    damaged = sorted(cache.folder.glob("*.pickle"))
    assert damaged  # the notes are spread over several files
    for path in damaged:
        path.write_bytes(b"not a pickle")
    loaded, cache = cached_load(root, tmp_path / "cache")
    assert cache.hits == 0 and loaded.problems == load(root).problems
    assert cached_load(root, tmp_path / "cache")[1].hits == 4  # rewritten
    (tmp_path / "a-file").write_text("x")
    loaded, cache = cached_load(root, tmp_path / "a-file" / "cache")  # cannot be made
    assert loaded.problems == load(root).problems


def test_a_cache_that_cannot_be_written_is_said_once(tmp_path):
    """On the terminal, as a user sees it: once, though the build writes the cache twice."""
    root = write_journal(tmp_path / "j", {"contacts/ada.md": "---\nname: Ada\n---\n"})
    (tmp_path / "a-file").write_text("x")
    done = subprocess.run(
        [sys.executable, "-m", "refjournal.cli", "build", "--journal", str(root), "--out",
         str(tmp_path / "site"), "--cache-dir", str(tmp_path / "a-file" / "cache"),
         "--today", str(TODAY)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("cannot write the parse cache in") == 1, done.stderr
    assert "builds work without it" in done.stderr


def test_an_edit_rewrites_only_the_cache_file_that_holds_the_note(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    _, cache = cached_load(root, tmp_path / "cache")
    written = {p.name: p.stat().st_ino for p in cache.folder.glob("*.pickle")}
    assert len(written) > 1  # the notes are spread over several files
    (root / "contacts" / "ada.md").write_text(JOURNAL["contacts/ada.md"] + "More.\n")
    _, cache = cached_load(root, tmp_path / "cache")
    after = {p.name: p.stat().st_ino for p in cache.folder.glob("*.pickle")}
    assert len([name for name in after if after[name] != written.get(name)]) == 1
    assert cached_load(root, tmp_path / "cache")[1].hits == 4
    assert stat.S_IMODE(cache.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.folder.parent.stat().st_mode) == 0o700


def test_deleted_notes_leave_the_cache(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    cached_load(root, tmp_path / "cache")
    (root / "contacts" / "bob.md").unlink()
    cached_load(root, tmp_path / "cache")
    kept = ParseCache(tmp_path / "cache", root).entries
    assert sorted(kept) == ["contacts/ada.md", "meetings/2026-11-01-coffee.md",
                            "meetings/2026-11-02-bad.md"]


def test_the_command_line_uses_the_cache_folder_it_is_given(tmp_path):
    files = {k: v for k, v in JOURNAL.items() if "bad" not in k}
    root = write_journal(tmp_path / "j", files)
    runner = CliRunner()
    args = ["build", "--journal", str(root), "--today", "2026-11-24"]
    result = runner.invoke(main, [*args, "--out", str(tmp_path / "a"), "--no-cache",
                                  "--cache-dir", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "c").exists()
    for out in ("b", "c-site"):
        result = runner.invoke(main, [*args, "--out", str(tmp_path / out), "--cache-dir",
                                      str(tmp_path / "c")])
        assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "c").glob("*.notes"))) == 1
    assert tree(tmp_path / "a") == tree(tmp_path / "b") == tree(tmp_path / "c-site")
    assert build(root, tmp_path / "d", TODAY).written
    assert tree(tmp_path / "d") == tree(tmp_path / "a")
    check = runner.invoke(main, ["check", "--journal", str(root), "--cache-dir",
                                 str(tmp_path / "c")])
    assert check.exit_code == 0 and check.output.startswith("ok")


def mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
            for p in sorted(folder.rglob("*"))}


def test_a_build_with_nothing_changed_writes_nothing(tmp_path):
    files = {k: v for k, v in JOURNAL.items() if "bad" not in k}
    files["contacts/deep.md"] = "---\nname: Deep\nsome_key: 1\n---\n" + "> " * 3000 + "x\n"
    root = write_journal(tmp_path / "j", files)
    runner = CliRunner()

    def build_site(*extra: str):
        return runner.invoke(main, ["build", "--journal", str(root), "--out",
                                    str(tmp_path / "site"), "--cache-dir",
                                    str(tmp_path / "c"), *extra])

    first = build_site("--today", "2026-11-24")
    assert first.exit_code == 0 and first.stdout.startswith("built ")
    before = mtimes(tmp_path / "site")
    again = build_site("--today", "2026-11-24")
    assert again.exit_code == 0, again.output
    assert "is up to date: nothing changed" in again.stdout
    assert mtimes(tmp_path / "site") == before
    # The warnings are said again: the unknown key (read) and the deep body (rendered).
    assert again.stderr == first.stderr and "some_key" in again.stderr
    assert "nested too deeply" in again.stderr
    # Each of these builds again.
    changes = [
        lambda: (root / "contacts" / "ada.md").write_text("---\nname: Ada L\n---\n"),
        lambda: None,  # another day, below
        lambda: write_journal(root, {"theme/static/extra.css": "p {}\n"}),
        lambda: (tmp_path / "site" / ".refjournal-site").write_text("rebuilt by someone\n"),
    ]
    for n, change in enumerate(changes):
        change()
        result = build_site("--today", "2026-11-25" if n == 1 else "2026-11-24")
        # Rewritten in place where the site is the one recorded; else built anew.
        assert result.stdout.startswith("built " if n == 3 else "updated "), (n, result.output)
        if n == 1:
            build_site("--today", "2026-11-24")
    assert "up to date" in build_site("--today", "2026-11-24").stdout
    assert build_site("--today", "2026-11-24", "--no-cache").stdout.startswith("built ")
    assert build_site("--today", "2026-11-24", "--strict").exit_code == 1  # warnings


def test_an_encrypted_build_is_always_made_afresh(tmp_path):
    root = write_journal(tmp_path / "j", {k: v for k, v in JOURNAL.items() if "bad" not in k})
    runner = CliRunner(env={"REFJOURNAL_PASSWORD": "velvet otter lamp quarry sunrise"})
    args = ["build", "--journal", str(root), "--out", str(tmp_path / "site"), "--cache-dir",
            str(tmp_path / "c"), "--today", "2026-11-24", "--encrypt"]
    for _ in range(2):
        result = runner.invoke(main, args)
        assert result.exit_code == 0 and result.stdout.startswith("built "), result.output


def test_an_up_to_date_build_still_tidies_what_a_killed_build_left(tmp_path):
    root = write_journal(tmp_path / "j", {k: v for k, v in JOURNAL.items() if "bad" not in k})
    args = ["build", "--journal", str(root), "--out", str(tmp_path / "site"), "--cache-dir",
            str(tmp_path / "c"), "--today", "2026-11-24"]
    assert CliRunner().invoke(main, args).exit_code == 0
    (tmp_path / ".site.tmp-killed").mkdir()
    result = CliRunner().invoke(main, args)
    assert "up to date" in result.stdout
    assert not (tmp_path / ".site.tmp-killed").exists()


def test_templates_are_compiled_once_for_all_processes_and_again_when_changed(
        tmp_path, monkeypatch):
    import jinja2

    root = write_journal(tmp_path / "j", {
        "contacts/ada.md": "---\nname: Ada Lovelace\n---\nAda.\n",
        "meetings/2026-11-01-coffee.md": "---\nwith: ada\n---\nHi.\n",
        "theme/templates/tags.html": "{% extends 'base.html' %}{% block title %}Tags"
                                     "{% endblock %}{% block content %}First{% endblock %}"})
    compiled: list[str] = []
    real = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, source, name=None, *a, **k: compiled.append(name)
                        or real(self, source, name, *a, **k))
    folder = tmp_path / "cache"
    assert build(root, tmp_path / "one", TODAY, cache=ParseCache(folder, root)).written
    assert {"base.html", "meeting.html", "tags.html"} <= set(compiled)
    compiled.clear()  # a new process: a new environment, a new cache object
    assert build(root, tmp_path / "two", TODAY, cache=ParseCache(folder, root)).written
    assert compiled == []
    assert tree(tmp_path / "two") == tree(tmp_path / "one")
    tags = root / "theme/templates/tags.html"
    tags.write_text(tags.read_text().replace("First", "Second"))
    assert build(root, tmp_path / "three", TODAY, cache=ParseCache(folder, root)).written
    assert compiled == ["tags.html"]
    assert "Second" in (tmp_path / "three/tags/index.html").read_text()
    assert ParseCache(None, root).templates() is None  # in memory: nothing kept


def test_the_notes_are_written_by_a_forked_process_while_the_build_goes_on(tmp_path,
                                                                          monkeypatch):
    """A build hands its parsed notes to a forked process as soon as it has read them, and
    waits for it before it ends: the next build finds them all."""
    root = write_journal(tmp_path / "j", {k: v for k, v in JOURNAL.items() if "bad" not in k})
    writers = tmp_path / "writers"
    real = ParseCache._written

    def written(self, path, data):
        with open(writers, "a") as out:
            out.write(f"{os.getpid()} {path.parent.name}\n")
        real(self, path, data)

    monkeypatch.setattr(ParseCache, "_written", written)
    assert build(root, tmp_path / "site", TODAY, cache=ParseCache(tmp_path / "c", root)).written
    by = [line.split() for line in writers.read_text().splitlines()]
    notes = {pid for pid, folder in by if folder.endswith(".notes")}
    assert notes and str(os.getpid()) not in notes  # the notes: by another process
    assert any(pid == str(os.getpid()) for pid, _ in by)  # the record: by this one
    cache = ParseCache(tmp_path / "c", root)
    assert check(root, cache=cache).ok and cache.hits == 3


def test_a_writer_that_fails_is_said_once_and_the_build_goes_on(tmp_path, monkeypatch,
                                                                caplog):
    root = write_journal(tmp_path / "j", {k: v for k, v in JOURNAL.items() if "bad" not in k})
    real = ParseCache._written

    def written(self, path, data):
        if path.parent.name.endswith(".notes"):
            raise OSError(28, "No space left on device")
        real(self, path, data)

    monkeypatch.setattr(ParseCache, "_written", written)
    with caplog.at_level("WARNING"):
        made = build(root, tmp_path / "site", TODAY, cache=ParseCache(tmp_path / "c", root))
    assert made.written
    said = [r.getMessage() for r in caplog.records if "parse cache" in r.getMessage()]
    assert len(said) == 1 and "its writer failed" in said[0], said
    cache = ParseCache(tmp_path / "c", root)
    assert check(root, cache=cache).ok and cache.hits == 0


def test_check_reads_the_journal_with_the_cycle_collector_paused(tmp_path, monkeypatch):
    """As a build does: the collector's scans of the growing heap made `check` cost more
    than linearly in the journal's size. It is on again after, and the result the same."""
    root = write_journal(tmp_path / "j", {k: v for k, v in JOURNAL.items() if "bad" not in k})
    seen: list[bool] = []
    real = build_module.load

    def spied(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "load", spied)
    assert gc.isenabled()
    loaded = check(root, cache=ParseCache(tmp_path / "c", root))
    assert seen == [False] and gc.isenabled()
    assert loaded.journal == load(root).journal
