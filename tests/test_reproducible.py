"""Reproducible builds: the same journal and day give the same bytes, wherever and whenever."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from refjournal.cli import main

from .conftest import REPO, TODAY, tree

RUN = "from refjournal.cli import main; main()"



def build_in_subprocess(journal: Path, out: Path, cwd: Path, env: dict[str, str],
                        *args: str) -> None:
    subprocess.run([sys.executable, "-c", RUN, "build", "--journal", str(journal), "--out",
                    str(out), *args], cwd=cwd, env={**os.environ, **env}, check=True,
                   capture_output=True)


def test_two_builds_in_different_places_and_settings_are_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a" / "journal", tmp_path / "b" / "deeper" / "notes"
    shutil.copytree(REPO / "journal", first)
    shutil.copytree(REPO / "journal", second)
    day = ("--today", TODAY.isoformat())
    build_in_subprocess(first, tmp_path / "site1", tmp_path,
                        {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C.UTF-8"}, *day)
    build_in_subprocess(second, tmp_path / "b" / "site2", second,
                        {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati",
                         "LC_ALL": "C"}, *day)
    one, two = tree(tmp_path / "site1"), tree(tmp_path / "b" / "site2")
    assert sorted(one) == sorted(two)
    assert [rel for rel in one if one[rel] != two[rel]] == []
    for data in one.values():  # no absolute path of the machine leaks into the site
        assert str(tmp_path).encode() not in data


def test_source_date_epoch_sets_the_day_when_there_is_no_today(tmp_path: Path) -> None:
    epoch = int(dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.UTC).timestamp())
    build_in_subprocess(REPO / "journal", tmp_path / "epoch", tmp_path,
                        {"SOURCE_DATE_EPOCH": str(epoch), "TZ": "Asia/Tokyo"})
    build_in_subprocess(REPO / "journal", tmp_path / "today", tmp_path, {},
                        "--today", "2026-11-24")
    assert tree(tmp_path / "epoch") == tree(tmp_path / "today")


def test_today_wins_over_source_date_epoch(tmp_path: Path) -> None:
    result = CliRunner(env={"SOURCE_DATE_EPOCH": "0"}).invoke(
        main, ["due", "--journal", str(REPO / "journal"), "--json", "--today", "2026-11-24"])
    assert result.exit_code == 0
    assert '"state": "overdue"' in result.stdout  # not as of 1970, when nothing was due


def test_a_bad_source_date_epoch_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner(env={"SOURCE_DATE_EPOCH": "yesterday"}).invoke(
        main, ["due", "--journal", str(REPO / "journal")])
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH='yesterday' is not a number of seconds" in result.stderr
