"""Builds that start warm on a fresh runner: the CI recipes put back the parse cache and
the last site, and the journal is a fresh checkout (same bytes, new file times and
inodes, same path). Such a build must still be incremental, and equal a fresh one."""

from __future__ import annotations

import importlib.machinery
import os
import shutil
from pathlib import Path

from refjournal.build import build
from refjournal.incremental import cache as cache_module
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


def new_runner(tmp_path: Path) -> None:
    """What a CI runner starts from: a fresh checkout of the journal at the same path, and
    the cache folder and the site put back by the host's cache, every file written anew
    (new times, new inodes), the bytes the same."""
    for name in ("j", "site", "cache"):
        folder = tmp_path / name
        folder.rename(tmp_path / f"{name}.old")
        shutil.copytree(tmp_path / f"{name}.old", folder, copy_function=shutil.copyfile)
        shutil.rmtree(tmp_path / f"{name}.old")


def built_once(tmp_path: Path) -> Path:
    root = write_journal(tmp_path / "j", THEMED)
    assert warm(root, tmp_path / "site", tmp_path / "cache")[0].written
    new_runner(tmp_path)
    return root


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


def test_a_text_edit_after_a_fresh_checkout_rewrites_its_page_alone(tmp_path):
    root = built_once(tmp_path)
    note = root / "meetings/2026/2026-11-02-coffee.md"
    note.write_text(note.read_text() + "\nThen **lunch**.\n")
    result, _ = warm(root, tmp_path / "site", tmp_path / "cache")
    assert result.changed == ("meetings/2026/2026-11-02-coffee/index.html", WORKER)
    assert tree(tmp_path / "site") == fresh(root, tmp_path / "fresh")


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
