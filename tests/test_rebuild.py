"""Rebuilds from the record of the last build: whatever was edited, the site is the one a
fresh build makes, and only the files whose bytes changed are written."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.generate import generate
from refjournal import rebuild
from refjournal.build import build
from refjournal.cache import ParseCache
from refjournal.cli import main
from refjournal.write import MARKER, recover, update_site, write_site

from .conftest import TODAY, write_journal

JOURNAL = {
    "contacts/ada.md": "---\nname: Ada Lovelace\ncadence: 1m\n---\nMet at the chapter.\n",
    "contacts/bo.md": "---\nname: Bo Chen\n---\n",
    "meetings/2026/2026-11-02-coffee.md": (
        "---\nwith: [ada, bo]\nkind: coffee\nfollow_ups:\n  - due: 2026-12-01\n"
        "    what: send the deck\n---\nTalked about [[Bo Chen]] and *pricing*.\n"),
    "meetings/2026/2026-11-10-call.md": "---\nwith: ada\nkind: call\n---\nShort call.\n",
}


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def states(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: what a rewrite changes."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def fresh(root: Path, folder: Path, day=TODAY) -> dict[str, bytes]:
    """What a build without any cache or record makes."""
    result = build(root, folder, day)
    assert result.written, result.problems
    return files(folder)


def incremental(root: Path, out: Path, cache_dir: Path, day=TODAY):
    return build(root, out, day, cache=ParseCache(cache_dir, root))


def test_an_edited_text_rewrites_its_page_and_nothing_else(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    before = states(out)
    note = root / "meetings/2026/2026-11-02-coffee.md"
    note.write_text(note.read_text() + "\nThen **lunch** with [[Ada Lovelace|Ada]].\n")
    result = incremental(root, out, cache)
    page = "meetings/2026/2026-11-02-coffee/index.html"
    assert result.changed == (page,)
    after = states(out)  # and the marker, renewed by every change to the site
    assert {rel for rel in after if after[rel] != before[rel]} == {page, MARKER}
    assert "<strong>lunch</strong>" in (out / page).read_text()
    assert files(out) == fresh(root, tmp_path / "fresh")


def test_the_cli_says_what_it_changed(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    args = ["build", "--journal", str(root), "--out", str(tmp_path / "site"), "--today",
            TODAY.isoformat(), "--cache-dir", str(tmp_path / "cache")]
    assert CliRunner().invoke(main, args).stdout.startswith("built ")
    (root / "contacts/ada.md").write_text(JOURNAL["contacts/ada.md"] + "More.\n")
    output = CliRunner().invoke(main, args).stdout
    assert output.startswith(f"updated {tmp_path / 'site'}/: 1 file changed, the rest kept")
    assert "is up to date" in CliRunner().invoke(main, args).stdout


def test_a_front_matter_edit_rewrites_only_the_files_whose_bytes_changed(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    before, old = states(out), files(out)
    note = root / "meetings/2026/2026-11-10-call.md"
    note.write_text(note.read_text().replace("kind: call", "kind: visit"))
    result = incremental(root, out, cache)
    new = fresh(root, tmp_path / "fresh")
    assert files(out) == new
    differing = {rel for rel in new if old.get(rel) != new[rel]}
    assert set(result.changed) == differing
    assert "meetings/2026/2026-11-10-call/index.html" in differing
    assert "contacts/bo/index.html" not in differing  # Bo was not at that meeting
    after = states(out)
    assert {rel for rel in after if after[rel] != before.get(rel)} == differing | {MARKER}


def test_a_page_changed_by_hand_is_written_again(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    page = out / "contacts/ada/index.html"
    page.write_text("changed by hand")
    (root / "contacts/ada.md").write_text(JOURNAL["contacts/ada.md"] + "More.\n")
    assert incremental(root, out, cache).written
    assert files(out) == fresh(root, tmp_path / "fresh")


def test_a_note_touched_but_unchanged_is_not_rewritten(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    before = states(out)
    note = root / "contacts/ada.md"
    note.write_bytes(note.read_bytes())  # same bytes, new times
    result = incremental(root, out, cache)
    assert result.up_to_date and states(out) == before


# Edits a user makes, each applied to a generated journal by `edit(rng, root)`.
def _append_text(rng: random.Random, root: Path) -> None:
    note = rng.choice(sorted(root.rglob("*.md")))
    with note.open("a", encoding="utf-8") as out:
        out.write(rng.choice(["\nMore *text*.\n", "\n- a list\n- of [[nobody]]\n",
                              "\n" + "> " * 200 + "deep\n", "\n<b>raw</b>\n"]))


def _blank_text(rng: random.Random, root: Path) -> None:
    note = rng.choice(sorted(root.rglob("*.md")))
    head, sep, _ = note.read_text(encoding="utf-8").partition("\n---\n")
    note.write_text(head + sep, encoding="utf-8")


def _retitle(rng: random.Random, root: Path) -> None:
    note = rng.choice(sorted((root / "meetings").rglob("*.md")))
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("---\n", f"---\ntitle: Retitled {rng.randrange(99)}\n", 1)
                    if "\ntitle:" not in text else text.replace("\ntitle:", "\ntitle: New"),
                    encoding="utf-8")


def _rename_contact(rng: random.Random, root: Path) -> None:
    note = rng.choice(sorted((root / "contacts").rglob("*.md")))
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("\nname: ", "\nname: Renamed ", 1), encoding="utf-8")


def _add_meeting(rng: random.Random, root: Path) -> None:
    slug = rng.choice(sorted(root.glob("contacts/*.md"))).stem
    write_journal(root, {f"meetings/2026/2026-11-{rng.randrange(1, 28):02d}-new-"
                         f"{rng.randrange(10**6)}.md": f"---\nwith: {slug}\n---\nNew.\n"})


def _remove_note(rng: random.Random, root: Path) -> None:
    rng.choice(sorted((root / "meetings").rglob("*.md"))).unlink()


def _add_problem(rng: random.Random, root: Path) -> None:
    note = rng.choice(sorted(root.rglob("*.md")))
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("---\n", "---\nnot_a_key: 1\n", 1), encoding="utf-8")


def _touch(rng: random.Random, root: Path) -> None:
    note = rng.choice(sorted(root.rglob("*.md")))
    note.write_bytes(note.read_bytes())


EDITS = [_append_text, _append_text, _append_text, _blank_text, _retitle, _rename_contact,
         _add_meeting, _remove_note, _add_problem, _touch]


@pytest.mark.parametrize("seed", range(3))
def test_every_rebuild_equals_a_fresh_build(tmp_path, monkeypatch, seed):
    root = generate(tmp_path / "j", contacts=8, meetings=40, seed=seed)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rng = random.Random(seed)
    quick = []  # the rebuilds that took the quick way
    real = rebuild.quick
    monkeypatch.setattr(rebuild, "quick", lambda *a: quick.append(real(*a)) or quick[-1])
    assert incremental(root, out, cache).written
    for step in range(12):
        edit = rng.choice(EDITS) if step else _append_text
        edit(rng, root)
        day = TODAY if step % 5 != 4 else TODAY.replace(day=TODAY.day - 1)
        result = incremental(root, out, cache, day)
        expected = build(root, tmp_path / f"fresh{step}", day)
        assert result.written == expected.written, (step, edit.__name__)
        assert result.problems == expected.problems, (step, edit.__name__)
        if expected.written:
            assert files(out) == files(tmp_path / f"fresh{step}"), (step, edit.__name__)
    assert any(q is not None and q.written for q in quick)  # an edited text put in place


def test_an_update_killed_while_moving_files_in_is_finished_by_recover(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(out, {"a.html": b"old a", "b/index.html": b"old b", "c.html": b"old c"})
    moves = []

    def replace(src, dst):
        if len(moves) == 1:  # killed after the first move
            raise SystemExit("killed")
        moves.append(dst)
        os.rename(src, dst)

    monkeypatch.setattr("refjournal.write.os.replace", replace)
    with pytest.raises(SystemExit):
        update_site(out, {"a.html": b"new a", "b/index.html": b"new b", "c.html": None})
    assert files(out)["a.html"] == b"new a" and files(out)["b/index.html"] == b"old b"
    monkeypatch.undo()
    recover(out)
    assert files(out) == {".refjournal-site": files(out)[".refjournal-site"],
                          "a.html": b"new a", "b/index.html": b"new b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_update_stopped_before_it_was_decided_leaves_the_old_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(out, {"a.html": b"old a", "b.html": b"old b"})
    monkeypatch.setattr("refjournal.write.json.dumps",
                        lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        update_site(out, {"a.html": b"new a", "b.html": b"new b"})
    recover(out)
    assert files(out)["a.html"] == b"old a" and files(out)["b.html"] == b"old b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_record_is_only_used_for_the_site_it_describes(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    record = ParseCache(cache, root).site(out)
    assert rebuild.usable(record, out) is record
    (out / ".refjournal-site").write_text("built again by another journal\n")
    assert rebuild.usable(record, out) is None
    assert rebuild.usable(record, tmp_path / "elsewhere") is None
