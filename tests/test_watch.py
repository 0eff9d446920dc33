"""Watching a journal: which events matter, and one rebuild per burst."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from watchdog.events import (
    DirModifiedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
)

from refjournal.serve.watch import Debouncer, JournalEvents, is_relevant


@pytest.mark.parametrize("rel", [
    "contacts/ada.md", "meetings/2026/2026-05-01 lunch.md", "refjournal.yaml",
    "theme/templates/base.html", "theme/static/style.css", "contacts/clients",
    "meetings/2026", "contacts/photo.jpg",
])
def test_changes_that_can_change_the_site(rel: str) -> None:
    assert is_relevant(rel)


@pytest.mark.parametrize("rel", [
    ".git/index", ".git/objects/ab/cdef", "contacts/.ada.md.swp", "contacts/.ada.md.swx",
    "contacts/ada.md~", "contacts/.#ada.md", "contacts/#ada.md#", "contacts/4913",
    "contacts/ada.md.tmp", "contacts/ada.md___jb_tmp___", "contacts/ada.md___jb_old___",
    ".obsidian/workspace.json", "contacts/.obsidian/x.md", "site/index.html",
    ".refjournal-cache/x", "README.md", "notes/x.md", "", ".", "refjournal.yaml.swp",
])
def test_changes_that_cannot(rel: str) -> None:
    assert not is_relevant(rel)


def test_events_become_journal_paths(tmp_path: Path) -> None:
    seen: list[list[str]] = []
    events = JournalEvents(tmp_path, seen.append)
    contacts = tmp_path / "contacts"
    events.dispatch(FileModifiedEvent(str(contacts / "ada.md")))
    events.dispatch(FileClosedEvent(str(contacts / "bob.md")))  # closing changes nothing
    events.dispatch(DirModifiedEvent(str(contacts)))  # nor does a folder's mtime
    # vim: write 4913, remove it, write the new note under a temp name, rename it over.
    events.dispatch(FileCreatedEvent(str(contacts / "4913")))
    events.dispatch(FileDeletedEvent(str(contacts / "4913")))
    events.dispatch(FileMovedEvent(str(contacts / "ada.md.tmp"), str(contacts / "ada.md")))
    events.dispatch(FileMovedEvent(str(contacts / "old.md"), str(tmp_path / "attic/old.md")))
    events.dispatch(FileCreatedEvent(str(tmp_path.parent / "elsewhere.md")))
    assert seen == [["contacts/ada.md"], ["contacts/ada.md"], ["contacts/old.md"]]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_debouncer_waits_for_a_quiet_period() -> None:
    clock = Clock()
    debouncer = Debouncer(lambda paths: None, quiet=0.15, clock=clock)
    debouncer.poke(["contacts/a.md"])
    clock.now += 0.1
    assert debouncer.take() is None  # still in the burst
    debouncer.poke(["contacts/b.md"])  # the burst goes on: the quiet period starts again
    clock.now += 0.1
    assert debouncer.take() is None
    clock.now += 0.06
    assert debouncer.take() == {"contacts/a.md", "contacts/b.md"}
    assert debouncer.take() is None  # taken once


def test_a_burst_of_five_hundred_events_is_one_rebuild() -> None:
    calls: list[set[str]] = []
    done = threading.Event()

    def action(paths: set[str]) -> None:
        calls.append(paths)
        done.set()

    debouncer = Debouncer(action, quiet=0.1).start()
    try:
        for i in range(500):  # a `git pull` of 500 notes
            debouncer.poke([f"meetings/{i}.md"])
        assert done.wait(5)
        time.sleep(0.3)  # and nothing more follows
    finally:
        debouncer.stop()
    assert len(calls) == 1
    assert len(calls[0]) == 500


def test_events_during_a_rebuild_cause_one_more() -> None:
    calls: list[set[str]] = []
    first_started, release, second = threading.Event(), threading.Event(), threading.Event()

    def action(paths: set[str]) -> None:
        calls.append(paths)
        if len(calls) == 1:
            first_started.set()
            release.wait(5)
        else:
            second.set()

    debouncer = Debouncer(action, quiet=0.05).start()
    try:
        debouncer.poke(["contacts/a.md"])
        assert first_started.wait(5)
        debouncer.poke(["contacts/b.md"])  # saved while the first rebuild runs
        release.set()
        assert second.wait(5)
    finally:
        debouncer.stop()
    assert calls == [{"contacts/a.md"}, {"contacts/b.md"}]
