"""Builds that start warm on a fresh runner: the CI recipes put back the parse cache and
the last site, and the journal is a fresh checkout (same bytes, new file times and
inodes, same path). Such a build must still be incremental, and equal a fresh one."""

from __future__ import annotations

import importlib.machinery
import os
import shutil
from pathlib import Path

import pytest

from refjournal.build import build
from refjournal.incremental import cache as cache_module
from refjournal.incremental import rebuild
from refjournal.incremental.cache import ParseCache
from refjournal.site.offline import WORKER

from .conftest import TODAY, rendered_pages, tree, write_journal
from .test_rebuild import JOURNAL

NOTES = len(JOURNAL)
THEMED = {**JOURNAL, "theme/static/extra.css": "p { color: teal; }\n"}


def fresh(root: Path, folder: Path) -> dict[str, bytes]:
    """What a build without any cache or record makes."""
    assert build(root, folder, TODAY).written
    return tree(folder)


def warm(root: Path, out: Path, cache_dir: Path):
    cache = ParseCache(cache_dir, root)
    return build(root, out, TODAY, cache=cache), cache


# How the host's cache puts back files' modification times (rebuild.kept_by_archive).
TAR = 1  # actions/cache's tarball (pax): to the nanosecond
ZIP = 1_000_000_000  # GitLab's zip: to the second
LOST = 0  # not at all


def new_runner(tmp_path: Path, times: int = LOST) -> None:
    """What a CI runner starts from: a fresh checkout of the journal at the same path (every
    note written anew: new times, new inodes), and the cache folder and the site put back by
    the host's cache, every file written anew with the bytes the same, its modification time
    kept to the clock of `times` (in nanoseconds; LOST: not kept)."""
    def put_back(source: str, target: str) -> None:
        shutil.copyfile(source, target)
        mtime = os.stat(source).st_mtime_ns
        if times:
            os.utime(target, ns=(mtime, mtime - mtime % times))

    for name in ("j", "site", "cache"):
        folder = tmp_path / name
        folder.rename(tmp_path / f"{name}.old")
        shutil.copytree(tmp_path / f"{name}.old", folder,
                        copy_function=shutil.copyfile if name == "j" else put_back)
        shutil.rmtree(tmp_path / f"{name}.old")


def built_once(tmp_path: Path, times: int = LOST) -> Path:
    root = write_journal(tmp_path / "j", THEMED)
    assert warm(root, tmp_path / "site", tmp_path / "cache")[0].written
    new_runner(tmp_path, times)
    return root


def site_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files of the site read from now on to learn their digests (not the notes)."""
    read: list[str] = []
    real = rebuild._read
    site = f"{tmp_path / 'site'}/"

    def reading(path: str, size: int) -> bytes:
        if path.startswith(site):
            read.append(path.removeprefix(site))
        return real(path, size)

    monkeypatch.setattr(rebuild, "_read", reading)
    return read


def test_a_fresh_checkout_with_the_cache_restored_writes_and_parses_nothing(
        tmp_path, monkeypatch):
    root = built_once(tmp_path)
    paths = rendered_pages(monkeypatch)
    result, _ = warm(root, tmp_path / "site", tmp_path / "cache")
    assert result.up_to_date and paths == []
    assert tree(tmp_path / "site") == fresh(root, tmp_path / "fresh")
    # The files' new states were taken into the record: the next build looks at no bytes.
    again, _ = warm(root, tmp_path / "site", tmp_path / "cache")
    assert again.up_to_date


@pytest.mark.parametrize("times", [LOST, TAR, ZIP])
def test_a_text_edit_after_a_fresh_checkout_rewrites_its_page_alone(tmp_path, monkeypatch,
                                                                     times):
    root = built_once(tmp_path, times)
    note = root / "meetings/2026/2026-11-02-coffee.md"
    note.write_text(note.read_text() + "\nThen **lunch**.\n")
    read = site_reads(tmp_path, monkeypatch)
    result, _ = warm(root, tmp_path / "site", tmp_path / "cache")
    assert result.changed == ("meetings/2026/2026-11-02-coffee/index.html", WORKER)
    assert tree(tmp_path / "site") == fresh(root, tmp_path / "fresh")
    if times != LOST:  # taken by their sizes and times (the page spliced into is read)
        assert read == []
    else:  # each one read once, to compare its digest
        assert sorted(read) == sorted(tree(tmp_path / "site", marker=False))


@pytest.mark.parametrize("times", [TAR, ZIP])
def test_a_restored_site_with_a_page_changed_before_it_was_kept_has_that_page_made_again(
        tmp_path, monkeypatch, times):
    """A page changed after the build wrote it (the same size, a new time) and then kept
    by the host's cache is read, and found out."""
    root = write_journal(tmp_path / "j", THEMED)
    assert warm(root, tmp_path / "site", tmp_path / "cache")[0].written
    page = tmp_path / "site/contacts/bo/index.html"
    before = page.stat().st_mtime_ns
    page.write_bytes(page.read_bytes().replace(b"<", b"[", 1))
    os.utime(page, ns=(before, before + 1_000_000_000))  # the edit's time, past the build's
    new_runner(tmp_path, times)
    paths = rendered_pages(monkeypatch)
    result, _ = warm(root, tmp_path / "site", tmp_path / "cache")
    assert paths == ["contacts/bo/index.html"] and result.changed == ("contacts/bo/index.html",)
    assert tree(tmp_path / "site") == fresh(root, tmp_path / "fresh")


def test_a_page_changed_in_place_to_its_recorded_size_and_time_is_found_out(tmp_path,
                                                                             monkeypatch):
    """Sizes and times are trusted only in a restored site: in a site as the last build
    left it, a file changed by someone else, its size and time put back as they were, has
    a new ctime, and is made again."""
    root = write_journal(tmp_path / "j", THEMED)
    assert warm(root, tmp_path / "site", tmp_path / "cache")[0].written
    page = tmp_path / "site/contacts/bo/index.html"
    before = page.stat()
    page.write_bytes(page.read_bytes().replace(b"<", b"[", 1))
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    paths = rendered_pages(monkeypatch)
    result, _ = warm(root, tmp_path / "site", tmp_path / "cache")
    assert paths == ["contacts/bo/index.html"] and result.changed == ("contacts/bo/index.html",)
    assert tree(tmp_path / "site") == fresh(root, tmp_path / "fresh")


def test_archives_keep_a_files_time_to_their_clock():
    def restored(now: tuple[int, int], recorded: tuple[int, int]) -> bool:
        return rebuild.kept_by_archive((*now, 1, 8), (*recorded, recorded[1], 7))

    written = (2048, 1_796_391_739_405_560_416)
    assert restored(written, written)  # pax tar
    assert restored((2048, 1_796_391_739_405_560_400), written)  # a zip's NTFS field: 100 ns
    assert restored((2048, 1_796_391_739_405_560_000), written)  # a microsecond
    assert restored((2048, 1_796_391_739_000_000_000), written)  # a zip's timestamp: 1 s
    assert not restored((2048, 1_796_391_740_000_000_000), written)  # not the nearest second
    assert not restored((2048, 1_796_391_739_405_560_417), written)
    assert not restored((2048, 1_796_391_738_000_000_000), written)
    assert not restored((2049, 1_796_391_739_405_560_416), written)
    later = (2048, 1_796_391_739_905_560_416)  # rounded up (Go's tar): a change might be
    assert not restored((2048, 1_796_391_740_000_000_000), later)
    assert restored((2048, 1_796_391_739_905_560_000), later)


def test_a_front_matter_edit_after_a_fresh_checkout_renders_only_what_shows_it(
        tmp_path, monkeypatch):
    root = built_once(tmp_path)
    note = root / "meetings/2026/2026-11-10-call.md"
    note.write_text(note.read_text().replace("kind: call", "kind: visit"))
    paths = rendered_pages(monkeypatch)
    result, cache = warm(root, tmp_path / "site", tmp_path / "cache")
    assert cache.hits == NOTES - 1  # only the edited note was parsed
    rendered = set(paths)
    assert "meetings/2026/2026-11-10-call/index.html" in rendered
    assert "contacts/ada/index.html" in rendered  # she was at that meeting
    assert "contacts/bo/index.html" not in rendered
    assert "meetings/2026/2026-11-02-coffee/index.html" not in rendered
    assert result.kept == result.pages - len(rendered) and not result.fresh
    assert tree(tmp_path / "site") == fresh(root, tmp_path / "fresh")


def test_a_restored_site_with_a_page_not_as_recorded_has_that_page_made_again(
        tmp_path, monkeypatch):
    root = built_once(tmp_path)
    page = tmp_path / "site/contacts/bo/index.html"
    page.write_text("changed by hand")
    paths = rendered_pages(monkeypatch)
    result, _ = warm(root, tmp_path / "site", tmp_path / "cache")
    assert paths == ["contacts/bo/index.html"] and result.changed == ("contacts/bo/index.html",)
    assert tree(tmp_path / "site") == fresh(root, tmp_path / "fresh")


def test_a_restored_site_whose_marker_another_program_wrote_is_built_anew(tmp_path):
    root = built_once(tmp_path)
    (tmp_path / "site/.refjournal-site").write_text("rebuilt by someone\n")
    result, _ = warm(root, tmp_path / "site", tmp_path / "cache")
    assert result.fresh
    assert tree(tmp_path / "site") == fresh(root, tmp_path / "fresh")


def test_a_library_installed_again_keeps_the_cache(tmp_path, monkeypatch):
    """A runner installs the same libraries afresh on every run: new file times, same
    bytes. The cache's stamp is made from their bytes, so it still holds."""
    module = tmp_path / "lib.py"
    module.write_text("__version__ = '1.0'\n")
    monkeypatch.setattr(cache_module.importlib.util, "find_spec",
                        lambda name: importlib.machinery.ModuleSpec(name, None,
                                                                    origin=str(module)))
    before = cache_module._libraries()
    module.unlink()
    module.write_text("__version__ = '1.0'\n")
    os.utime(module, ns=(1, 1))
    assert cache_module._libraries() == before
    module.write_text("__version__ = '1.1'\n")
    assert cache_module._libraries() != before
