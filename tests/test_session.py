"""Repeated builds (what serve runs): the same bytes as a fresh build, fewer files written."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from refjournal.build import Session, build
from refjournal.site.offline import WORKER
from refjournal.site.write import update_site, write_site

from .conftest import TODAY, rendered_pages, tree, write_journal

JOURNAL = {
    "refjournal.yaml": "owner: Test Owner\n",
    "contacts/ada.md": "---\nname: Ada Lovelace\ntier: close\nneeds: engineers\n---\nAda.\n",
    "contacts/bob.md": "---\nname: Bob Builder\nintroduced_by: ada\n---\n",
    "contacts/cy.md": "---\nname: Cy Twombly\n---\n",
    "meetings/2026/2026-10-01 coffee.md": "---\nwith: [ada, bob]\ngave:\n  - to: bob\n"
                                          "    prospect: Acme\n---\nCoffee with [[cy]].\n",
    "meetings/2026/2026-11-01 lunch.md": "---\nwith: cy\ngot:\n  - from: cy\n    status: won\n"
                                         "    value: 100\n---\nLunch.\n",
}



def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns()))


EDITS: list[tuple[str, Callable[[Path], None]]] = [
    ("a meeting body", lambda r: write(r, "meetings/2026/2026-10-01 coffee.md",
                                       "---\nwith: [ada, bob]\n---\nCoffee, no referral.\n")),
    ("a contact's name", lambda r: write(r, "contacts/cy.md", "---\nname: Cyrus T\n---\n")),
    ("a new meeting", lambda r: write(r, "meetings/2026/2026-11-20 call.md",
                                      "---\nwith: ada\nkind: call\ngave:\n  - to: cy\n---\n")),
    ("a contact's needs", lambda r: write(r, "contacts/ada.md",
                                          "---\nname: Ada Lovelace\nneeds: printers\n---\n")),
    ("a meeting removed", lambda r: (r / "meetings/2026/2026-11-01 lunch.md").unlink()),
    ("the settings", lambda r: write(r, "refjournal.yaml", "owner: Someone Else\n")),
    ("a contact removed", lambda r: (r / "contacts/bob.md").unlink()),
    ("an introduction", lambda r: write(r, "contacts/cy.md",
                                        "---\nname: Cyrus T\nintroduced_by: ada\n---\n")),
    ("a ref to nobody", lambda r: write(r, "meetings/2026/2026-11-21 a.md",
                                        "---\nwith: [ada, Zed Zee]\n---\n")),
    ("a second ref to nobody", lambda r: write(r, "meetings/2026/2026-11-22 b.md",
                                               "---\nwith: zed zee\ngave:\n  - to: Zed Zee\n"
                                               "---\n")),
    ("the first one removed", lambda r: (r / "meetings/2026/2026-11-21 a.md").unlink()),
    ("an alias that claims the ref", lambda r: write(r, "contacts/cy.md",
                                                     "---\nname: Cyrus T\naliases: [Zed Zee]"
                                                     "\n---\n")),
    ("a wikilink to an alias", lambda r: write(r, "contacts/ada.md",
                                               "---\nname: Ada Lovelace\nfollow_up: 2026-12-01"
                                               "\n---\nSee [[Countess]].\n")),
    ("the alias it names", lambda r: write(r, "contacts/bob.md", "---\nname: Bob Builder\n"
                                           "aliases: [Countess]\n---\n")),
    ("lines that move", lambda r: write(r, "contacts/ada.md",
                                        "---\nfollow_up: 2026-12-01\nname: Ada Lovelace"
                                        "\n---\nSee [[Countess]].\n")),
    ("a body too deep", lambda r: write(r, "contacts/cy.md", "---\nname: Cyrus T\n---\n" +
                                        "[" * 3000 + "x" + "]" * 3000 + "(y)\n")),
    ("another note beside it", lambda r: write(r, "contacts/dee.md", "---\nname: Dee\n---\n")),
    ("a wikilink nobody answers", lambda r: write(r, "contacts/ada.md",
                                                  "---\nname: Ada Lovelace\n---\nAsk "
                                                  "[[Double D]].\n")),
    ("an alias that answers it", lambda r: write(r, "contacts/dee.md",
                                                 "---\nname: Dee\naliases: [Double D]\n"
                                                 "---\n")),
    # What the insights pages show.
    ("a tag", lambda r: write(r, "contacts/cy.md", "---\nname: Cyrus T\ntags: [Coffee]\n---\n")),
    ("an exchange with a tagged contact", lambda r: write(
        r, "meetings/2026/2026-11-23 info.md", "---\nwith: ada\ngave:\n  - to: cy\n"
        "    type: info\n---\n")),
    ("the needs of someone owed a referral", lambda r: write(
        r, "contacts/cy.md", "---\nname: Cyrus T\ntags: [Coffee]\nneeds: bakers\n---\n")),
    ("a company on the review", lambda r: write(
        r, "contacts/cy.md", "---\nname: Cyrus T\ntags: [Coffee]\nneeds: bakers\n"
        "company: Acme\n---\n")),
    ("a cadence", lambda r: write(
        r, "contacts/cy.md", "---\nname: Cyrus T\ntags: [Coffee]\nneeds: bakers\n"
        "company: Acme\ncadence: 7\n---\n")),
    ("when I met someone introduced", lambda r: write(
        r, "contacts/bob.md", "---\nname: Bob Builder\nintroduced_by: ada\nmet: 2026-01-05\n"
        "---\n")),
    ("a referral back", lambda r: write(
        r, "meetings/2026/2026-11-24 back.md", "---\nwith: bob\nkind: coffee\ngot:\n"
        "  - from: bob\n    heat: hot\n---\n")),
    ("an amount", lambda r: write(
        r, "meetings/2026/2026-11-24 back.md", "---\nwith: bob\nkind: coffee\ngot:\n"
        "  - from: bob\n    heat: hot\n    status: won\n    value: 5\n---\n")),
    ("the same amount with cents", lambda r: write(  # equal, and written the same
        r, "meetings/2026/2026-11-24 back.md", "---\nwith: bob\nkind: coffee\ngot:\n"
        "  - from: bob\n    heat: hot\n    status: won\n    value: 5.00\n---\n")),
    # Last: pages of a journal's own templates are rendered every time.
    ("a theme template", lambda r: write(r, "theme/templates/meeting.html",
                                         '{% extends "base.html" %}{% block content %}'
                                         "<p>{{ meeting.title }}</p>{% endblock %}")),
    ("a second theme template", lambda r: write(r, "theme/templates/contact.html",
                                                '{% extends "base.html" %}{% block content %}'
                                                "<p>{{ contact.name }}</p>{% endblock %}")),
    ("a note after them", lambda r: write(r, "contacts/dee.md", "---\nname: Dee Dee\n---\n")),
]


def test_each_rebuild_equals_a_fresh_build(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", JOURNAL)
    session = Session(root, tmp_path / "served", lambda: TODAY)
    assert session.build().written
    for what, edit in EDITS:
        edit(root)
        served = session.build()
        fresh = build(root, tmp_path / "fresh", TODAY)
        assert served.written and fresh.written, what
        assert served.problems == fresh.problems, what
        assert tree(tmp_path / "served") == tree(tmp_path / "fresh"), what


def test_an_edit_rewrites_only_the_pages_it_changes(tmp_path: Path, monkeypatch) -> None:
    root = write_journal(tmp_path / "journal", JOURNAL)
    out = tmp_path / "served"
    session = Session(root, out, lambda: TODAY)
    session.build()
    before = {p: (out / p).stat().st_mtime_ns for p in tree(out, marker=False)}
    time.sleep(0.01)
    write(root, "meetings/2026/2026-11-01 lunch.md",  # below the gist, which briefs show
          "---\nwith: cy\ngot:\n  - from: cy\n    status: won\n    value: 100\n---\nLunch.\n"
          "\nLonger.\n")
    rendered = rendered_pages(monkeypatch)
    session.build()
    rewritten = sorted(p for p in tree(out, marker=False)
                       if (out / p).stat().st_mtime_ns != before[p])
    # only the body changed (and the service worker, which names the build)
    assert rewritten == ["meetings/2026/2026-11-01-lunch/index.html", WORKER]
    assert set(rendered) <= {"meetings/2026/2026-11-01-lunch/index.html"}  # no index page
    assert session.build().written  # and a build with no change writes nothing
    assert all((out / p).stat().st_mtime_ns == before[p] for p in tree(out, marker=False)
               if p not in rewritten)


def test_a_broken_rebuild_writes_nothing_and_the_next_one_recovers(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", JOURNAL)
    session = Session(root, tmp_path / "served", lambda: TODAY)
    session.build()
    good = tree(tmp_path / "served")
    write(root, "contacts/ada.md", "---\nname: [Ada\n---\n")
    assert not session.build().written
    assert tree(tmp_path / "served") == good
    write(root, "contacts/ada.md", "---\nname: Ada King\n---\n")
    assert session.build().written
    assert build(root, tmp_path / "fresh", TODAY).written
    assert tree(tmp_path / "served") == tree(tmp_path / "fresh")


def test_a_journal_moved_away_keeps_the_last_good_site(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", JOURNAL)
    session = Session(root, tmp_path / "served", lambda: TODAY)
    session.build()
    good = tree(tmp_path / "served")
    (root / "contacts").rename(tmp_path / "contacts-aside")
    (root / "meetings").rename(tmp_path / "meetings-aside")
    built = session.build()
    assert not built.written
    assert built.problems[0].message.startswith("no contacts/ or meetings/ folder")
    assert tree(tmp_path / "served") == good


def test_a_path_the_watcher_reports_is_read_again(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", JOURNAL)
    session = Session(root, tmp_path / "served", lambda: TODAY)
    session.build()
    note = root / "contacts" / "ada.md"
    info = note.stat()
    text = note.read_text(encoding="utf-8").replace("engineers", "engineerz")  # same size
    note.write_text(text, encoding="utf-8")
    os.utime(note, ns=(info.st_atime_ns, info.st_mtime_ns))  # a coarse clock: same mtime
    record = session.engine.cache.site(tmp_path / "served")  # and suppose the file system
    same = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)  # kept every time
    notes = {**record.notes, "contacts/ada.md": record.notes["contacts/ada.md"]._replace(
        stat=same)}
    session.engine.cache.built(tmp_path / "served", replace(record, notes=notes))
    session.build(["contacts/ada.md"])
    assert "engineerz" in (tmp_path / "served" / "contacts/ada/index.html").read_text("utf-8")


def test_a_file_can_become_a_folder_and_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_site(out, {"index.html": b"home"})
    update_site(out, {"icons": b"one file"})
    update_site(out, {"icons": None, "icons/a.svg": b"<svg/>"})
    assert (out / "icons" / "a.svg").read_bytes() == b"<svg/>"
    update_site(out, {"icons/a.svg": None, "icons": b"again"})
    assert (out / "icons").read_bytes() == b"again"


def test_the_notes_a_session_froze_stay_frozen_build_after_build(tmp_path: Path) -> None:
    import gc

    root = write_journal(tmp_path / "journal", JOURNAL)
    session = Session(root, tmp_path / "served", lambda: TODAY)
    try:
        assert session.build().written and session.frozen
        frozen = gc.get_freeze_count()
        write(root, "contacts/cy.md", "---\nname: Cyrus T\n---\n")
        assert session.build().written
        # Frozen still: all but the objects of the note read again (unfrozen, it would be 0).
        assert gc.get_freeze_count() > frozen * 0.9 > 0 and gc.isenabled()
    finally:
        gc.unfreeze()


def test_a_session_makes_again_only_the_rows_whose_record_or_names_changed(
        tmp_path: Path, monkeypatch) -> None:
    """The long tables (every meeting, every exchange) keep their rows between builds."""
    from refjournal.site import rows

    monkeypatch.delenv("REFJOURNAL_VERIFY")  # its renders would be counted too
    root = write_journal(tmp_path / "journal", {
        "refjournal.yaml": "owner: Test Owner\n",
        "contacts/ada.md": "---\nname: Ada Lovelace\n---\n",
        "contacts/bob.md": "---\nname: Bob Builder\n---\n",
        "meetings/2026/2026-10-01 coffee.md": "---\nwith: [ada, bob]\ntitle: Coffee\ngave:\n"
                                              "  - to: bob\n    prospect: Acme\n---\n",
        "meetings/2026/2026-10-02 lunch.md": "---\nwith: bob\ntitle: Lunch\ngot:\n"
                                             "  - from: bob\n    status: won\n---\n",
        "meetings/2026/2026-11-25 call.md": "---\nwith: ada\ntitle: Call\n---\n",  # booked
    })
    days = [TODAY]
    session = Session(root, tmp_path / "served", lambda: days[0])
    session.build()
    made: list[str] = []
    meeting_row, exchange_row = rows._meeting_row, rows._exchange_row
    monkeypatch.setattr(rows, "_meeting_row",
                        lambda m, rest: made.append(m.title) or meeting_row(m, rest))
    monkeypatch.setattr(rows, "_exchange_row",
                        lambda ex, rest: made.append(ex.prospect or ex.type)
                        or exchange_row(ex, rest))

    def rebuilt() -> set[str]:
        made.clear()
        assert session.build().written
        remade = set(made)
        assert build(root, tmp_path / "fresh", days[0]).written
        assert tree(tmp_path / "served") == tree(tmp_path / "fresh")
        return remade

    write(root, "meetings/2026/2026-10-02 lunch.md",
          "---\nwith: bob\ntitle: Long lunch\ngot:\n  - from: bob\n    status: won\n---\n")
    assert rebuilt() == {"Long lunch", "referral"}  # the meeting and its exchange: new records
    write(root, "contacts/ada.md", "---\nname: Ada King\n---\n")
    assert {"Coffee", "Call"} <= rebuilt()  # the rows that name her (a new name links anew)
    days[0] = dt.date(2026, 11, 26)  # the call is no longer booked
    assert rebuilt() == {"Call"}
    assert rebuilt() == set()  # nothing changed
    for title in ("Longer lunch", "Longest lunch"):
        write(root, "meetings/2026/2026-10-02 lunch.md", f"---\nwith: bob\ntitle: {title}\n---\n")
        rebuilt()
    kept = session.engine.resident.env.kept_rows[("meetings", "../")]  # the list of meetings
    assert len(kept.memo) == len(kept.fresh) == 3  # the last build's rows, and this one's


def test_the_verify_mode_makes_rows_afresh_and_so_finds_a_stale_one(tmp_path: Path) -> None:
    """A page kept from the last build is rendered again by the verify mode (on in the
    tests) without the rows the session keeps: a row kept wrongly shows up there."""
    import pytest

    from refjournal.incremental.reuse import Stale

    root = write_journal(tmp_path / "journal", {
        "refjournal.yaml": "owner: Test Owner\n",
        "contacts/ada.md": "---\nname: Ada Lovelace\n---\n",
        "meetings/2026/2026-10-01 coffee.md": "---\nwith: ada\ntitle: Coffee\n---\n",
        "meetings/2026/2026-10-02 lunch.md": "---\nwith: ada\ntitle: Lunch\n---\n",
    })
    session = Session(root, tmp_path / "served", lambda: TODAY)
    session.build()
    kept = session.engine.resident.env.kept_rows[("meetings", "../")]
    for known, (record, rest, row) in kept.fresh.items():  # a bug that keeps a wrong row
        kept.fresh[known] = (record, rest, row.replace("Coffee", "Tea"))
    write(root, "meetings/2026/2026-10-02 lunch.md", "---\nwith: ada\ntitle: Brunch\n---\n")
    session.build()  # the list of meetings is rendered, with the wrong row kept
    write(root, "contacts/ada.md", "---\nname: Ada Lovelace\nneeds: engineers\n---\n")
    with pytest.raises(Stale, match="meetings/index.html"):
        session.build()  # the list is kept this time, and checked
