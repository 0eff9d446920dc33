"""The build's progress bar: on a terminal, only for a build that takes a while."""

from __future__ import annotations

import io

from click.testing import CliRunner

from refjournal.cli import main
from refjournal.progress import ProgressBar

from .conftest import REPO


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_quick_build_shows_no_bar_and_a_slow_one_does():
    now = [0.0]
    stream = Terminal()
    quick = ProgressBar(stream, delay=1.0, clock=lambda: now[0])
    for done in range(0, 1001, 100):
        quick(done, 1000)
    quick.close()
    assert stream.getvalue() == ""
    slow = ProgressBar(stream, delay=1.0, clock=lambda: now[0])
    slow(0, 1000)
    now[0] = 1.5
    for done in range(100, 1001, 100):
        slow(done, 1000)
    slow.close()
    shown = stream.getvalue()
    assert "Rendering 1,000 pages" in shown and "1000/1000" in shown


def test_no_bar_when_the_output_is_not_a_terminal(tmp_path):
    result = CliRunner().invoke(main, ["build", "--journal", str(REPO / "journal"), "--out",
                                       str(tmp_path / "site"), "--today", "2026-11-24"])
    assert result.exit_code == 0
    assert result.output.startswith("built ") and "Rendering" not in result.output
