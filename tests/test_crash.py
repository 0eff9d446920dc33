"""Crash safety: a build stopped at any moment leaves the old site or the new one, whole.

A build that replaces the site swaps in a new folder: the old site or the new one is there
at every moment. A build that changes the recorded site in place moves its changed files
in after deciding to (write.update_site): killed during those moves, it is finished by
the next build's first step, `recover`."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.generate import generate
from refjournal.build import build
from refjournal.site.write import recover, write_site

from .conftest import TODAY, write_journal

OLD_DAY, NEW_DAY = "2026-06-01", TODAY.isoformat()  # the same journal, two different sites
RUN = "from refjournal.cli import main; main()"
# The same build with the atomic exchange turned off: the two-rename fallback of other systems.
RUN_TWO_RENAMES = "import refjournal.site.write as w; w._exchange = lambda a, b: False; " + RUN


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` by relative path, with a hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*")) if path.is_file()
    }


def start_build(code: str, journal: Path, out: Path, day: str, cache: list[str]
                ) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", code, "build", "--journal", str(journal), "--out", str(out),
         "--today", day, *cache], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
@pytest.mark.parametrize("code, in_place", [(RUN, False), (RUN_TWO_RENAMES, False),
                                            (RUN, True)],
                         ids=["exchange", "two-renames", "in-place"])
def test_a_build_killed_at_any_moment_leaves_the_old_or_the_new_site(
        tmp_path: Path, code: str, in_place: bool) -> None:
    # Without the cache, every build replaces the site; with it, every build after the
    # first changes the recorded site in place.
    cache = ["--cache-dir", str(tmp_path / "cache")] if in_place else ["--no-cache"]
    journal = generate(tmp_path / "journal", contacts=40, meetings=300, seed=3)
    notes = snapshot(journal)
    expected = {}
    for day in (OLD_DAY, NEW_DAY):
        assert build(journal, tmp_path / day, TODAY.fromisoformat(day)).written
        expected[day] = snapshot(tmp_path / day)
    assert expected[OLD_DAY] != expected[NEW_DAY]

    out = tmp_path / "site"
    began = time.monotonic()
    assert start_build(code, journal, out, OLD_DAY, cache).wait() == 0
    duration = time.monotonic() - began
    rng = random.Random(7)
    current = OLD_DAY
    for attempt in range(6):
        target = NEW_DAY if current == OLD_DAY else OLD_DAY
        before = set(tmp_path.glob(".site.*-*"))  # an earlier kill's, until it is cleaned
        process = start_build(code, journal, out, target, cache)
        if attempt % 2:  # anywhere in the build
            time.sleep(rng.uniform(0, 1.1 * duration))
        else:  # while it writes: from the moment its own temporary folder appears
            while process.poll() is None and not set(tmp_path.glob(".site.*-*")) - before:
                time.sleep(0.001)
            time.sleep(rng.uniform(0, 0.3 * duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        leftovers = any(tmp_path.glob(".site.*"))
        if not out.exists():  # only the fallback can stop between its two renames
            assert code == RUN_TWO_RENAMES
            recover(out)  # what the next build does first
        if in_place:
            if snapshot(out) not in (expected[OLD_DAY], expected[NEW_DAY]):
                # Only while moving the files of a decided update in.
                assert list(tmp_path.glob(".site.stage-*/plan.json")), f"kill {attempt}"
            recover(out)  # what the next build does first: finish the update
        now = snapshot(out)
        assert now in (expected[OLD_DAY], expected[NEW_DAY]), f"a mix after kill {attempt}"
        current = OLD_DAY if now == expected[OLD_DAY] else NEW_DAY
        if not attempt % 2:  # the kill came while writing, or after the swap
            assert leftovers or current == target, f"kill {attempt} missed the write phase"
        assert snapshot(journal) == notes

    assert start_build(code, journal, out, NEW_DAY, cache).wait() == 0
    assert snapshot(out) == expected[NEW_DAY]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_interrupted_two_rename_swap_puts_the_previous_site_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    write_site(out, {"index.html": b"old"})
    monkeypatch.setattr("refjournal.site.write._exchange", lambda a, b: False)
    renames = []

    def rename(src: str | Path, dst: str | Path) -> None:
        renames.append(Path(src).name)
        if len(renames) == 2:  # between taking the old site out and putting the new one in
            raise KeyboardInterrupt
        os.replace(src, dst)

    monkeypatch.setattr("refjournal.site.write.os.rename", rename)
    with pytest.raises(KeyboardInterrupt):
        write_site(out, {"index.html": b"new"})
    assert (out / "index.html").read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_site_set_aside_by_a_killed_build_is_put_back(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site(out, {"index.html": b"old"})
    os.rename(out, tmp_path / ".site.old-12345")  # what SIGKILL between the renames leaves
    (tmp_path / ".site.tmp-abc").mkdir()
    (tmp_path / ".site.tmp-abc" / "index.html").write_bytes(b"half")
    (tmp_path / ".sitex.old-1").mkdir()  # another output's: left alone
    recover(out)
    assert (out / "index.html").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".sitex.old-1", "site"]


def test_the_next_build_cleans_up_after_a_killed_one(tmp_path: Path) -> None:
    (tmp_path / ".site[1].tmp-abc").mkdir()  # a name with glob characters is still a name
    (tmp_path / ".site1.tmp-abc").mkdir()
    journal = write_journal(tmp_path / "journal", {"contacts/ada.md": "---\nname: Ada\n---\n"})
    assert build(journal, tmp_path / "site[1]", TODAY).written
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site1.tmp-abc", "journal", "site[1]"]
