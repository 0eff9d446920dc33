"""Keys of records kept from one build to the next: a note's records are digested again only
when its fingerprint (its bytes, what linking read, its meeting's id) changed, and what is
taken is what a fresh digest makes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from refjournal import parallel
from refjournal.build import build
from refjournal.exchange import export_json, spreadsheet
from refjournal.incremental import reuse
from refjournal.incremental.cache import ParseCache
from refjournal.incremental.keys import Keyer, note_records
from refjournal.incremental.record import Kept, Memory, Record
from refjournal.journal import resolve
from refjournal.journal.load import load
from refjournal.model import Exchange, FollowUp, Meeting, Ref, Source
from refjournal.site import search

from .conftest import TODAY, tree, write_journal

JOURNAL = {
    "contacts/ada.md": "---\nname: Ada Lovelace\naliases: [Countess]\n---\nMet at the chapter.\n",
    "contacts/bo.md": "---\nname: Bo Chen\nintroduced_by: Ada Lovelace\n---\n",
    "meetings/2026/2026-11-02-coffee.md": (
        "---\nwith: [ada, Bo Chen]\nkind: coffee\ntitle: Coffee\ngave:\n  - to: bo\n"
        "    prospect: a printer\nfollow_ups:\n  - due: 2026-12-01\n    what: send the deck\n"
        "---\nTalked about [[Bo Chen]].\n"),
    "meetings/2026/2026-11-10-call.md": "---\nwith: Countess\nkind: call\n---\nShort call.\n",
    "meetings/2026/2026-11-12-lunch.md": "---\nwith: [nobody]\nkind: lunch\n---\n",
}


def _built(root: Path, out: Path, cache: Path) -> Memory:
    """Build, and give the memory the build left for the next (read from its file)."""
    assert build(root, out, TODAY, cache=ParseCache(cache, root)).written
    cached = ParseCache(cache, root)
    record = cached.site(out)
    assert isinstance(record, Record) and isinstance(record.memory, Kept)
    return cached.memory(out, record)


def _fresh_digests(root: Path) -> dict[str, tuple[bytes, ...]]:
    """Each note's records digested by a Keyer that knows nothing of earlier builds."""
    keyer = Keyer((), frozenset())
    journal = load(root).journal
    return {path: b"".join(keyer._record(r) for r in records)
            for path, records in note_records(journal)}


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    note = root / rel
    note.write_text(note.read_text().replace(old, new))


def test_a_front_matter_edit_digests_that_notes_records_again_and_takes_the_rest(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = _built(root, out, cache)
    assert set(first.records) == {"contacts/ada.md", "contacts/bo.md",
                                         *(p for p in JOURNAL if p.startswith("meetings/"))}
    _edit(root, "meetings/2026/2026-11-02-coffee.md", "title: Coffee", "title: Tea")
    second = _built(root, out, cache)
    changed = {path for path, known in second.records.items()
               if first.records[path] != known}
    assert changed == {"meetings/2026/2026-11-02-coffee.md"}
    assert {path: known[32:] for path, known in second.records.items()} == (
        _fresh_digests(root))
    assert tree(out) == tree(_fresh_site(root, tmp_path / "fresh"))


def test_a_renamed_contact_changes_every_notes_fingerprint(tmp_path):
    """What a ref names may change with any contact's name: every note is digested
    again (and here the call's ref `Countess` names nobody any more)."""
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = _built(root, out, cache)
    _edit(root, "contacts/ada.md", "aliases: [Countess]", "aliases: [Ada]")
    second = _built(root, out, cache)
    assert all(first.records[path][:32] != known[:32]
               for path, known in second.records.items())
    assert {path: known[32:] for path, known in second.records.items()} == (
        _fresh_digests(root))
    assert tree(out) == tree(_fresh_site(root, tmp_path / "fresh"))


def test_a_meeting_numbered_when_another_takes_its_id_changes_its_fingerprint(tmp_path):
    """Two files that slugify to one page: the later in path order is numbered (here the
    one that was there first: ` ` sorts before `-`), and its records say so."""
    root = write_journal(tmp_path / "j", {
        **JOURNAL, "meetings/2026/2026-11-12-lunch.md": "---\nwith: ada\nkind: lunch\n---\n"})
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = _built(root, out, cache)
    write_journal(root, {"meetings/2026/2026-11-12 lunch.md": "---\nwith: bo\nkind: lunch\n---\n"})
    second = _built(root, out, cache)
    assert (second.records["meetings/2026/2026-11-12-lunch.md"]
            != first.records["meetings/2026/2026-11-12-lunch.md"])
    assert (out / "meetings/2026/2026-11-12-lunch-2/index.html").is_file()
    assert {path: known[32:] for path, known in second.records.items()} == (
        _fresh_digests(root))
    assert tree(out) == tree(_fresh_site(root, tmp_path / "fresh"))


def _fresh_site(root: Path, out: Path) -> Path:
    assert build(root, out, TODAY).written
    return out


def test_records_are_changed_as_replace_changes_them_without_what_was_cached():
    source = Source("meetings/a.md", 3)
    ref = Ref("Ada", source)
    exchange = Exchange("gave", (ref,), source, meeting="a", prospect="a printer")
    follow_up = FollowUp(dt.date(2026, 1, 2), (ref,), source, what="call")
    meeting = Meeting("a", dt.date(2026, 1, 1), source, with_=(ref,), gave=(exchange,),
                      follow_ups=(follow_up,), body="text", gist="text")
    assert meeting.contacts == ("",) and exchange.contacts == ("",)  # cached, unresolved
    resolved = Ref("Ada", source, "ada", True)
    cases: list[tuple[Any, dict[str, Any]]] = [
        (ref, {"slug": "ada", "resolved": True}), (exchange, {"refs": (resolved,)}),
        (follow_up, {"refs": (resolved,)}), (meeting, {"with_": (resolved,), "id": "b"})]
    for record, changes in cases:
        made = resolve._with(record, **changes)
        assert made == dataclasses.replace(record, **changes)
        assert made.__dict__ == dataclasses.replace(record, **changes).__dict__
    assert resolve._with(meeting, with_=(resolved,)).contacts == ("ada",)
    assert resolve._with(exchange, refs=(resolved,)).contacts == ("ada",)


def test_pieced_files_make_only_the_pieces_of_changed_records(tmp_path, monkeypatch):
    """journal.json, the search index and referrals.csv are made of a piece per record: a
    new process takes the pieces of unchanged records from the last build."""
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    _built(root, out, cache)
    made: list[tuple[str, str]] = []

    def counted(module: Any, name: str, what: Any) -> None:
        real = getattr(module, name)
        monkeypatch.setattr(module, name,
                            lambda record, *rest: made.append((name, what(record)))
                            or real(record, *rest))

    counted(export_json, "meeting_json", lambda m: m.id)
    counted(export_json, "exchange_json", lambda ex: ex.meeting)
    counted(search, "_meeting", lambda m: m.id)
    counted(spreadsheet, "_referral", lambda ex: ex.meeting)
    _edit(root, "meetings/2026/2026-11-02-coffee.md", "title: Coffee", "title: Tea")
    _built(root, out, cache)
    coffee = "2026/2026-11-02-coffee"
    # The exchange's JSON shows no title; its row in referrals.csv does.
    assert sorted(made) == [("_meeting", coffee), ("_referral", coffee),
                            ("meeting_json", coffee)]
    assert tree(out) == tree(_fresh_site(root, tmp_path / "fresh"))
    # A new name shows in the search entries and the rows of the meetings that name Bo,
    # whose records did not change.
    made.clear()
    _edit(root, "contacts/bo.md", "name: Bo Chen", "name: Bo Chen-Lee")
    _built(root, out, cache)
    assert ("_meeting", coffee) in made and ("_referral", coffee) in made
    assert ("_meeting", "2026/2026-11-10-call") not in made
    assert tree(out) == tree(_fresh_site(root, tmp_path / "fresh2"))
    made.clear()
    monkeypatch.setattr(reuse, "PIECES_CODE", b"search.py changed")
    _edit(root, "meetings/2026/2026-11-02-coffee.md", "title: Tea", "title: Coffee")
    _built(root, out, cache)
    assert len([name for name, _ in made if name == "_meeting"]) == 3  # by the new code
    assert tree(out) == tree(_fresh_site(root, tmp_path / "fresh3"))


def test_records_digested_in_workers_are_the_ones_digested_here(tmp_path, monkeypatch):
    """A cold build digests its notes' records in forked workers: the same digests, known
    by the same records, as one process makes."""
    root = write_journal(tmp_path / "j", JOURNAL)
    journal = load(root).journal
    files = {path: bytes(32) for path, _ in note_records(journal)}
    link = bytes(32)
    here = Keyer((), frozenset())
    monkeypatch.setattr(parallel, "MIN_ITEMS", 10**9)
    alone = here.prime(journal, link, files, {}, workers=True)
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    forked = Keyer((), frozenset())
    spread = forked.prime(journal, link, files, {}, workers=True)
    assert spread == alone and len(spread) == len(JOURNAL)
    assert {i: d for i, (_, d) in forked.digests.items()} == {
        i: d for i, (_, d) in here.digests.items() if i in forked.digests}
    for _, records in note_records(journal):  # every record of a note known, by itself
        for record in records:
            assert forked.digests[id(record)][0] is record
