"""Rebuilds from the record of the last build: whatever was edited, the site is the one a
fresh build makes, and only the files whose bytes changed are written."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.generate import generate
from refjournal import parallel
from refjournal.build import Session, build
from refjournal.cli import main
from refjournal.incremental import cache as cache_module
from refjournal.incremental import keys, rebuild
from refjournal.incremental.cache import ParseCache
from refjournal.incremental.reuse import Stale
from refjournal.site.markdown import TooDeep, make_markdown, render_markdown
from refjournal.site.offline import WORKER
from refjournal.site.write import MARKER, recover, update_site, write_site

from .conftest import REPO, TODAY, rendered_pages, states, tree, write_journal

JOURNAL = {
    "contacts/ada.md": "---\nname: Ada Lovelace\ncadence: 1m\n---\nMet at the chapter.\n",
    "contacts/bo.md": "---\nname: Bo Chen\n---\n",
    "meetings/2026/2026-11-02-coffee.md": (
        "---\nwith: [ada, bo]\nkind: coffee\nfollow_ups:\n  - due: 2026-12-01\n"
        "    what: send the deck\n---\nTalked about [[Bo Chen]] and *pricing*.\n"),
    "meetings/2026/2026-11-10-call.md": "---\nwith: ada\nkind: call\n---\nShort call.\n",
}




def fresh(root: Path, folder: Path, day=TODAY) -> dict[str, bytes]:
    """What a build without any cache or record makes."""
    result = build(root, folder, day)
    assert result.written, result.problems
    return tree(folder)


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
    assert result.changed == (page, WORKER)  # the service worker names the build
    after = states(out)  # and the marker, renewed by every change to the site
    assert {rel for rel in after if after[rel] != before[rel]} == {page, WORKER, MARKER}
    assert "<strong>lunch</strong>" in (out / page).read_text()
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_a_text_edit_that_links_to_no_contact_is_reported_by_a_full_build(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    note = root / "meetings/2026/2026-11-02-coffee.md"
    note.write_text(note.read_text() + "\nIntroduce [[Cy Gone]].\n")
    result = incremental(root, out, cache)
    assert [p.message.split(";")[0] for p in result.problems] == [
        "`[[Cy Gone]]` in the text matches no contact, so it links nowhere"]
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_the_cli_says_what_it_changed(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    args = ["build", "--journal", str(root), "--out", str(tmp_path / "site"), "--today",
            TODAY.isoformat(), "--cache-dir", str(tmp_path / "cache")]
    assert CliRunner().invoke(main, args).stdout.startswith("built ")
    (root / "contacts/ada.md").write_text(JOURNAL["contacts/ada.md"] + "More.\n")
    output = CliRunner().invoke(main, args).stdout
    # the page and the service worker, which names the build
    assert output.startswith(f"updated {tmp_path / 'site'}/: 2 files changed, the rest kept")
    assert "is up to date" in CliRunner().invoke(main, args).stdout
    (root / "contacts/ada.md").write_text(JOURNAL["contacts/ada.md"] + "Even more.\n")
    timed = CliRunner().invoke(main, [*args, "--timings"])
    assert "pages: 1 with a note's new text put in, 14 kept as the last build made them" in (
        timed.stderr)
    (root / "contacts/bo.md").write_text("---\nname: Bo Chen\nrole: CFO\n---\n")
    timed = CliRunner().invoke(main, [*args, "--timings"])
    rendered = re.search(r"pages: (\d+) rendered, (\d+) kept as the last build", timed.stderr)
    assert rendered is not None and int(rendered[2]) > 0
    assert int(rendered[1]) + int(rendered[2]) == 15


def test_a_front_matter_edit_rewrites_only_the_files_whose_bytes_changed(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    before, old = states(out), tree(out)
    note = root / "meetings/2026/2026-11-10-call.md"
    note.write_text(note.read_text().replace("kind: call", "kind: visit"))
    result = incremental(root, out, cache)
    new = fresh(root, tmp_path / "fresh")
    assert tree(out) == new
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
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_a_note_touched_but_unchanged_is_not_rewritten(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    before = states(out)
    note = root / "contacts/ada.md"
    note.write_bytes(note.read_bytes())  # same bytes, new times
    result = incremental(root, out, cache)
    assert result.up_to_date and states(out) == before



def test_a_full_build_renders_only_the_pages_whose_data_changed(tmp_path, monkeypatch):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    note = root / "meetings/2026/2026-11-10-call.md"
    note.write_text(note.read_text().replace("kind: call", "kind: visit"))
    paths = rendered_pages(monkeypatch)
    result = incremental(root, out, cache)
    rendered = set(paths)
    assert "meetings/2026/2026-11-10-call/index.html" in rendered
    assert "contacts/ada/index.html" in rendered  # she was at that meeting
    assert "contacts/bo/index.html" not in rendered  # he was not
    assert "meetings/2026/2026-11-02-coffee/index.html" not in rendered
    assert result.kept == result.pages - len(rendered)
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_a_full_build_for_an_edited_text_renders_only_the_page_that_shows_it(
        tmp_path, monkeypatch):
    """A note with a warning takes a full build for an edit of its text; the lists, which
    do not show texts, are kept (the contact's page shows its gist, in the brief)."""
    root = write_journal(tmp_path / "j", {
        **JOURNAL, "meetings/2026/2026-11-10-call.md": (
            "---\nwith: ada\nkind: call\nmood: fine\n---\nShort call.\n")})
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).problems  # the unknown key `mood`
    note = root / "meetings/2026/2026-11-10-call.md"
    note.write_text(note.read_text().replace("Short call.", "A longer call."))
    paths = rendered_pages(monkeypatch)
    assert incremental(root, out, cache).written
    assert sorted(paths) == ["contacts/ada/index.html", "meetings/2026/2026-11-10-call/index.html"]
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_a_new_day_renders_a_meeting_page_only_when_the_meeting_is_no_longer_ahead(
        tmp_path, monkeypatch):
    tomorrow = TODAY + dt.timedelta(days=1)
    root = write_journal(tmp_path / "j", {
        **JOURNAL, f"meetings/2026/{tomorrow}-lunch.md": "---\nwith: bo\n---\nBooked.\n"})
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    booked = out / f"meetings/2026/{tomorrow}-lunch/index.html"
    assert "booked</span>" in booked.read_text()
    paths = rendered_pages(monkeypatch)
    result = incremental(root, out, cache, day=tomorrow)
    rendered = set(paths)
    assert f"meetings/2026/{tomorrow}-lunch/index.html" in rendered
    assert "meetings/2026/2026-11-02-coffee/index.html" not in rendered
    assert "contacts/ada/index.html" in rendered  # it shows how long ago they met
    assert "booked</span>" not in booked.read_text()
    assert result.kept == 2
    assert tree(out) == fresh(root, tmp_path / "fresh", day=tomorrow)


def test_a_text_put_in_place_then_undone_is_undone_by_a_full_build(tmp_path):
    """The quick way rewrites a page: its key no longer says what it holds."""
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    note = root / "meetings/2026/2026-11-10-call.md"
    original = note.read_text()
    # below its first paragraph (the gist, which briefs show elsewhere)
    note.write_text(original.replace("Short call.", "Short call.\n\nThen a longer one."))
    assert incremental(root, out, cache).changed == ("meetings/2026/2026-11-10-call/index.html",
                                                     WORKER)
    note.write_text(original)
    tomorrow = TODAY + dt.timedelta(days=1)  # a full build
    assert incremental(root, out, cache, day=tomorrow).written
    assert tree(out) == fresh(root, tmp_path / "fresh", day=tomorrow)


def test_the_connector_page_follows_the_title_of_an_introduction_meeting(tmp_path):
    root = write_journal(tmp_path / "j", {
        **JOURNAL, "meetings/2026/2026-11-12-intro.md": (
            "---\nwith: ada\ntitle: Old title\ngave:\n  - to: [ada, bo]\n"
            "    type: introduction\n---\n")})
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    note = root / "meetings/2026/2026-11-12-intro.md"
    note.write_text(note.read_text().replace("Old title", "New title"))
    assert incremental(root, out, cache).written
    assert "New title" in (out / "connections/index.html").read_text()
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_the_referrals_page_follows_the_meetings_of_its_referrals_alone(tmp_path, monkeypatch):
    root = write_journal(tmp_path / "j", {
        **JOURNAL, "meetings/2026/2026-11-12-lunch.md": (
            "---\nwith: ada\ntitle: Old title\ngave:\n  - to: ada\n    prospect: a florist\n"
            "---\n")})
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    paths = rendered_pages(monkeypatch)
    call = root / "meetings/2026/2026-11-10-call.md"  # no referral was made there
    call.write_text(call.read_text().replace("kind: call", "title: A call\nkind: call"))
    assert incremental(root, out, cache).written
    assert "meetings/2026/2026-11-10-call/index.html" in paths
    assert "referrals/index.html" not in paths
    lunch = root / "meetings/2026/2026-11-12-lunch.md"
    lunch.write_text(lunch.read_text().replace("Old title", "New title"))
    assert incremental(root, out, cache).written
    assert "New title" in (out / "referrals/index.html").read_text()
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_pages_kept_as_they_were_report_their_warnings_again(tmp_path):
    root = write_journal(tmp_path / "j", {
        **JOURNAL, "contacts/deep.md": "---\nname: Deep\n---\n" + "> " * 3000 + "deep\n"})
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = incremental(root, out, cache)
    assert any("nested too deeply" in p.message for p in first.problems)
    note = root / "meetings/2026/2026-11-10-call.md"
    note.write_text(note.read_text().replace("kind: call", "kind: visit"))
    result = incremental(root, out, cache)
    assert result.kept and result.problems == build(root, tmp_path / "fresh", TODAY).problems
    assert any("nested too deeply" in p.message for p in result.problems)


def test_page_keys_do_not_depend_on_the_process(tmp_path):
    """Keys made by one process (with its own hash seed) are those of the next."""
    root = tmp_path / "j"
    shutil.copytree(REPO / "journal", root)
    args = [sys.executable, "-m", "refjournal.cli", "build", "--journal", str(root),
            "--out", str(tmp_path / "site"), "--today", TODAY.isoformat(), "--cache-dir",
            str(tmp_path / "cache"), "--timings"]
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    subprocess.run(args, env=env, check=True, capture_output=True)
    note = next(p for p in sorted((root / "meetings").rglob("*.md"))
                if "\ntitle: " in p.read_text(encoding="utf-8"))
    note.write_text(note.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Moved ", 1),
                    encoding="utf-8")
    env["PYTHONHASHSEED"] = "2"
    done = subprocess.run(args, env=env, check=True, capture_output=True, text=True)
    rendered = re.search(r"pages: (\d+) rendered, (\d+) kept", done.stderr)
    assert rendered is not None, done.stderr
    assert 0 < int(rendered[1]) < 12 < int(rendered[2])


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


def _flip_state(rng: random.Random, root: Path) -> None:
    """A referral won or lost, a follow-up done or not: figures on other pages change."""
    notes = [p for p in sorted((root / "meetings").rglob("*.md"))
             if "status: " in p.read_text(encoding="utf-8")
             or "done: " in p.read_text(encoding="utf-8")]
    if not notes:
        return
    note = rng.choice(notes)
    text = note.read_text(encoding="utf-8")
    for old, new in (("status: open", "status: won"), ("status: won", "status: lost"),
                     ("status: lost", "status: open"), ("done: true", "done: false"),
                     ("done: false", "done: true")):
        if old in text:
            note.write_text(text.replace(old, new, 1), encoding="utf-8")
            return


def _meet_today(rng: random.Random, root: Path) -> None:
    """A meeting on the day of the rebuilds: booked the day before."""
    slug = rng.choice(sorted(root.glob("contacts/*.md"))).stem
    write_journal(root, {f"meetings/2026/{TODAY}-today-{rng.randrange(10**6)}.md":
                         f"---\nwith: {slug}\nkind: lunch\n---\nToday.\n"})


def _retrade(rng: random.Random, root: Path) -> None:
    """What a contact needs or offers: the suggestions change, and the pages showing them."""
    note = rng.choice(sorted(root.glob("contacts/*.md")))
    text = note.read_text(encoding="utf-8")
    key = rng.choice(["needs", "offers"])
    said = f"{key}: {rng.choice(['a solicitor', 'an accountant', 'printing', 'a plumber'])}"
    changed = re.sub(rf"(?m)^{key}: .*$", said, text, count=1)
    note.write_text(changed if changed != text else text.replace("---\n", f"---\n{said}\n", 1),
                    encoding="utf-8")


def _reconfigure(rng: random.Random, root: Path) -> None:
    """A setting every page shows (the title), or one some figures read (soon_days)."""
    write_journal(root, {"refjournal.yaml": (
        f"owner: Sam Generated\ntitle: Journal {rng.randrange(3)}\ndefault_cadence: 3m\n"
        f"soon_days: {rng.choice([3, 7, 30])}\n")})


def _restyle(rng: random.Random, root: Path) -> None:
    """A theme of the journal's own: a style sheet, a template of a list page, or none."""
    choice = rng.randrange(3)
    if choice == 0:
        write_journal(root, {"theme/static/extra.css": f"b {{ color: #{rng.randrange(999)} }}\n"})
    elif choice == 1:
        write_journal(root, {"theme/templates/tags.html": (
            '{% extends "base.html" %}{% block title %}Tags{% endblock %}{% block content %}'
            f"<p>{rng.randrange(99)} tags: {{{{ site.tags|length }}}} for "
            "{{ contacts|length }} people</p>{% endblock %}")})
    else:
        shutil.rmtree(root / "theme", ignore_errors=True)


EDITS = [_append_text, _append_text, _append_text, _blank_text, _retitle, _rename_contact,
         _add_meeting, _remove_note, _add_problem, _touch, _flip_state, _flip_state,
         _meet_today, _reconfigure, _restyle, _retrade]


@pytest.mark.parametrize("seed", range(3))
def test_every_rebuild_equals_a_fresh_build(tmp_path, monkeypatch, seed):
    root = generate(tmp_path / "j", contacts=8, meetings=40, seed=seed)
    out, cache = tmp_path / "site", tmp_path / "cache"
    rng = random.Random(seed)
    if seed == 2:  # pages keyed, rendered and written by workers, as in a big journal
        monkeypatch.setattr(parallel, "workers", lambda: 2)
        monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    quick = []  # the rebuilds that took the quick way
    real = rebuild.quick
    monkeypatch.setattr(rebuild, "quick", lambda *a, **k: quick.append(real(*a, **k)) or quick[-1])
    assert incremental(root, out, cache).written
    for step in range(16):
        edit = rng.choice(EDITS) if step else _append_text
        edit(rng, root)
        day = TODAY if step % 5 != 4 else TODAY.replace(day=TODAY.day - 1)
        result = incremental(root, out, cache, day)
        expected = build(root, tmp_path / f"fresh{step}", day)
        assert result.written == expected.written, (step, edit.__name__)
        assert result.problems == expected.problems, (step, edit.__name__)
        if expected.written:
            assert tree(out) == tree(tmp_path / f"fresh{step}"), (step, edit.__name__)
    assert any(q is not None and q.written for q in quick)  # an edited text put in place


@pytest.mark.parametrize("seed", range(2))
def test_every_serve_rebuild_equals_a_fresh_build(tmp_path, seed):
    """The same random edits, rebuilt by a serve session (its engine in memory)."""
    root = generate(tmp_path / "j", contacts=8, meetings=40, seed=seed)
    rng = random.Random(seed + 10)
    session = Session(root, tmp_path / "served", lambda: day)
    day = TODAY
    assert session.build().written
    for step in range(16):
        edit = rng.choice(EDITS) if step else _append_text
        edit(rng, root)
        day = TODAY if step % 5 != 4 else TODAY.replace(day=TODAY.day - 1)
        served = session.build()
        expected = build(root, tmp_path / f"fresh{step}", day)
        assert served.written == expected.written, (step, edit.__name__)
        assert served.problems == expected.problems, (step, edit.__name__)
        if expected.written:
            assert tree(tmp_path / "served") == tree(tmp_path / f"fresh{step}"), (
                step, edit.__name__)


def test_the_verify_mode_catches_a_key_that_leaves_out_what_a_page_shows(tmp_path,
                                                                         monkeypatch):
    """Keys that left out the meetings' titles would keep pages that show them: the verify
    mode (on in the test suite) renders each kept page again and says so."""
    monkeypatch.setattr(keys, "UNSHOWN", keys.UNSHOWN | {"title"})
    monkeypatch.setattr(keys, "_FIELDS", {})
    root = write_journal(tmp_path / "j", {
        **JOURNAL, "meetings/2026/2026-11-10-call.md": (
            "---\nwith: ada\nkind: call\ntitle: Monthly\n---\nShort call.\n")})
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    note = root / "meetings/2026/2026-11-10-call.md"
    note.write_text(note.read_text().replace("Monthly", "Quarter"))  # the same length
    with pytest.raises(Stale, match="kept from the last build"):
        incremental(root, out, cache)


def test_a_notes_text_is_in_one_file_where_the_quick_way_puts_it(tmp_path):
    """The quick way puts an edited text into its note's page alone: no other file of the
    site may show it (the lists, the search index, the exports)."""
    root = generate(tmp_path / "j", contacts=8, meetings=40, seed=5)
    for i, note in enumerate(sorted(root.rglob("*.md"))):
        with note.open("a", encoding="utf-8") as out:
            out.write(f"\nZqx{i}marker in the text.\n")
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    record = ParseCache(cache, root).site(out)
    site = tree(out)
    assert len(record.frames) == len(list(root.rglob("*.md")))  # every note's text framed
    for i, note in enumerate(sorted(root.rglob("*.md"))):
        marker = f"Zqx{i}marker".encode()
        holding = sorted(path for path, data in site.items() if marker in data)
        assert holding == [record.frames[note.relative_to(root).as_posix()][0]]


def test_an_update_killed_while_moving_files_in_is_finished_by_recover(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(out, {"a.html": b"old a", "b/index.html": b"old b", "c.html": b"old c"})
    moves = []

    def replace(src, dst):
        if len(moves) == 1:  # killed after the first move
            raise SystemExit("killed")
        moves.append(dst)
        os.rename(src, dst)

    monkeypatch.setattr("refjournal.site.write.os.replace", replace)
    with pytest.raises(SystemExit):
        update_site(out, {"a.html": b"new a", "b/index.html": b"new b", "c.html": None})
    assert tree(out)["a.html"] == b"new a" and tree(out)["b/index.html"] == b"old b"
    monkeypatch.undo()
    recover(out)
    assert tree(out) == {".refjournal-site": tree(out)[".refjournal-site"],
                          "a.html": b"new a", "b/index.html": b"new b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_update_stopped_before_it_was_decided_leaves_the_old_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(out, {"a.html": b"old a", "b.html": b"old b"})
    monkeypatch.setattr("refjournal.site.write.json.dumps",
                        lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        update_site(out, {"a.html": b"new a", "b.html": b"new b"})
    recover(out)
    assert tree(out)["a.html"] == b"old a" and tree(out)["b.html"] == b"old b"
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


# What review found: each of these once gave a site unlike a fresh build's, or jammed it.
def test_a_journal_template_that_shows_a_text_elsewhere_is_rebuilt_in_full(tmp_path):
    root = write_journal(tmp_path / "j", {
        **JOURNAL,
        "theme/templates/tags.html": '{% extends "base.html" %}{% block content %}'
        "{% for c in journal.contacts.values() %}<p>{{ c.body.strip()[:40] }}</p>"
        "{% endfor %}{% endblock %}",
    })
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    ada = root / "contacts/ada.md"
    ada.write_text(ada.read_text().replace("Met at the chapter.", "A new first line."))
    result = incremental(root, out, cache)
    assert "tags/index.html" in result.changed
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_a_record_left_behind_by_a_killed_build_is_not_trusted(tmp_path, monkeypatch):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    note = root / "meetings/2026/2026-11-10-call.md"
    before = note.read_bytes()
    note.write_bytes(before.replace(b"kind: call", b"kind: visit"))
    with monkeypatch.context() as patched:  # killed after the update, before the record
        patched.setattr(ParseCache, "built", lambda self, out, record: None)
        assert incremental(root, out, cache).changed
    note.write_bytes(before)  # the very bytes the old record knows
    assert not incremental(root, out, cache).up_to_date
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_a_theme_folder_that_becomes_a_file_and_back(tmp_path):
    root = write_journal(tmp_path / "j", {**JOURNAL, "theme/static/img/a.png": b"png"})
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    (root / "theme/static/img/a.png").unlink()
    (root / "theme/static/img").rmdir()
    (root / "theme/static/img").write_bytes(b"now a file")
    for n in range(2):
        assert incremental(root, out, cache).written
        assert tree(out) == fresh(root, tmp_path / f"fresh{n}")
    (root / "theme/static/img").unlink()
    write_journal(root, {"theme/static/img/b.png": b"b"})
    assert incremental(root, out, cache).written
    assert tree(out) == fresh(root, tmp_path / "fresh2")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_plan_run_again_after_a_crash_gives_the_same_site(tmp_path, monkeypatch):
    out = tmp_path / "site"
    write_site(out, {"img": b"a file", "b.html": b"old b"})
    real = shutil.rmtree

    def crash(path, *args, **kwargs):
        if ".stage-" in str(path):
            raise SystemExit("killed before the stage was removed")
        real(path, *args, **kwargs)

    monkeypatch.setattr("refjournal.site.write.shutil.rmtree", crash)
    with pytest.raises(SystemExit):
        update_site(out, {"img": None, "img/a.png": b"png", "b.html": b"new b"})
    monkeypatch.undo()
    recover(out)  # runs the plan again
    assert tree(out) == {MARKER: tree(out)[MARKER], "img/a.png": b"png", "b.html": b"new b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_theme_file_replaced_with_the_same_size_and_time_is_seen(tmp_path):
    root = write_journal(tmp_path / "j", {**JOURNAL, "theme/static/x.css": "p{color:red}"})
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    css = root / "theme/static/x.css"
    info = css.stat()
    css.write_text("p{color:tan}")  # as `cp -p` does: same size, the old times put back
    os.utime(css, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert not incremental(root, out, cache).up_to_date
    assert (out / "assets/x.css").read_text() == "p{color:tan}"


def test_a_site_changed_by_hand_is_made_whole_again(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    (out / "index.html").unlink()
    (out / "search.json").write_text("hacked")
    assert incremental(root, out, cache).written
    assert tree(out) == fresh(root, tmp_path / "fresh")
    (out / "extra.html").write_text("put there by hand")  # removed by the next full build
    (root / "meetings/2026/2026-11-10-call.md").unlink()  # its folder goes too
    assert incremental(root, out, cache).written
    assert tree(out) == fresh(root, tmp_path / "fresh2")
    assert not [p for p in out.rglob("*") if p.is_dir() and not any(p.iterdir())]


def test_a_removal_never_follows_a_symlink_out_of_the_site(tmp_path):
    root = write_journal(tmp_path / "j", {**JOURNAL, "theme/static/old.css": "p{}"})
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    outside = write_journal(tmp_path / "outside", {"old.css": "precious"})
    shutil.rmtree(out / "assets")
    (out / "assets").symlink_to(outside)
    (root / "theme/static/old.css").unlink()
    assert incremental(root, out, cache).written
    assert (outside / "old.css").read_text() == "precious"
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_a_body_is_too_deep_or_not_at_any_stack_depth():
    md = make_markdown(False)

    def at_depth(n: int, text: str) -> str:
        if n:
            return at_depth(n - 1, text)
        try:
            return str(render_markdown(md, text, "", {}))
        except TooDeep:
            return "too deep"

    for levels in range(440, 500, 4):
        text = "> " * levels + "x\n"
        assert len({at_depth(n, text) for n in (0, 60, 300)}) == 1, levels


def test_the_records_of_sites_since_removed_are_dropped(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    cache = tmp_path / "cache"
    for name in ("a", "b"):
        assert incremental(root, tmp_path / name, cache).written
    shutil.rmtree(tmp_path / "a")
    (root / "contacts/bo.md").write_text("---\nname: Bo Chen\nrole: CFO\n---\n")
    assert incremental(root, tmp_path / "b", cache).written
    assert list(ParseCache(cache, root).sites) == [os.path.realpath(tmp_path / "b")]
    assert [path.name for path in (cache).glob("*.memory/*")] == [
        ParseCache(cache, root)._memory_path(os.path.realpath(tmp_path / "b")).name]


def test_the_quick_way_neither_reads_nor_writes_the_memory_of_the_pages(tmp_path, monkeypatch):
    """The memory of a build's pages is most of its record: a text edit leaves it alone,
    and the next full build still keeps every page it can, but the one spliced."""
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    (memory,) = cache.glob("*.memory/*.pickle")
    before = memory.read_bytes(), memory.stat().st_mtime_ns

    def unread(self, out, record):
        raise AssertionError("the quick way read the memory of the pages")

    note = root / "meetings/2026/2026-11-10-call.md"
    note.write_text(note.read_text().replace("Short call.", "Short call.\n\nThen lunch."))
    with monkeypatch.context() as patched:
        patched.setattr(ParseCache, "memory", unread)
        assert incremental(root, out, cache).changed == (
            "meetings/2026/2026-11-10-call/index.html", WORKER)
    assert (memory.read_bytes(), memory.stat().st_mtime_ns) == before
    (root / "contacts/bo.md").write_text("---\nname: Bo Chen\nrole: CFO\n---\n")
    paths = rendered_pages(monkeypatch)
    made = incremental(root, out, cache)  # a full build: it renders what changed
    assert "meetings/2026/2026-11-10-call/index.html" in paths  # and the page spliced
    assert "contacts/ada/index.html" not in paths and made.kept == made.pages - len(paths)
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_a_memory_left_by_another_build_is_not_used(tmp_path):
    """A record names the memory it was built with: one put back from an older build (or
    written by a build killed before its record) keeps no page."""
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    (memory,) = cache.glob("*.memory/*.pickle")
    older = memory.read_bytes()
    (root / "contacts/bo.md").write_text("---\nname: Bo Chen\nrole: CFO\n---\n")
    assert incremental(root, out, cache).kept > 0  # the memory of the first build
    memory.write_bytes(older)
    (root / "contacts/bo.md").write_text("---\nname: Bo Chen\nrole: CTO\n---\n")
    assert incremental(root, out, cache).kept == 0
    assert tree(out) == fresh(root, tmp_path / "fresh")


def test_a_record_of_another_shape_is_not_read(tmp_path, monkeypatch):
    """An edit of record.py (in a clone) changes what a record unpickles to: the record
    written before is not trusted, and the build starts afresh."""
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert incremental(root, out, cache).written
    assert ParseCache(cache, root).site(out) is not None
    monkeypatch.setattr(cache_module, "RECORDS", ("incremental/rebuild.py",))  # other code
    assert ParseCache(cache, root).site(out) is None
    assert incremental(root, out, cache).written
    assert tree(out) == fresh(root, tmp_path / "fresh")
