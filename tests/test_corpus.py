"""The nastiest notes found by fuzzing and by hand, kept as plain regression tests.

Each case is one broken (or odd but valid) note beside a valid contact `ada`; `check` must
exit as stated, never with a traceback, and name the file and line of each problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from refjournal.cli import main

from .conftest import write_journal

M = "meetings/2026-01-01-x.md"
C = "contacts/x.md"
LAUGHS = "".join(f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
                 for a, b in zip("abcdefgh", "bcdefghi", strict=True))

CASES: list[tuple[str, str, bytes, int, list[str]]] = [
    # (id, file, bytes, exit code, the start of each problem line, in order)
    ("alias-cycle", M, b"---\nwith: &a [*a]\n---\n", 1,
     [f"{M}:2: error: bad YAML in front matter: an alias refers to the value that contains it"]),
    ("billion-laughs", M, ("---\nwith: ada\na: &a [x, x, x, x, x, x, x, x, x]\n" + LAUGHS +
                           "tags: *i\n---\n").encode(), 1,
     [f"{M}:8: error: bad YAML in front matter: expands to more than 100,000 values"]),
    ("nested-300-deep", M, b"---\nwith: ada\nx: " + b"[" * 300 + b"]" * 300 + b"\n---\n", 1,
     [f"{M}:3: error: bad YAML in front matter: nested more than 256 levels deep"]),
    ("nested-200-deep-unknown-key", M,
     b"---\nwith: ada\nx: " + b"[" * 200 + b"]" * 200 + b"\n---\n", 0,
     [f"{M}:3: warning: unknown key `x`"]),
    ("utf-16", C, "---\nname: Ada\n---\n".encode("utf-16"), 1,
     [f"{C}:1: error: binary file, not a text note"]),
    ("lone-surrogate", C, "---\nname: \ud800\n---\n".encode("utf-8", "surrogatepass"), 1,
     [f"{C}:2: error: not UTF-8: byte 0xed at byte offset 10"]),
    ("only-dashes", C, b"---", 1, [f"{C}:1: error: front matter has no closing `---` line"]),
    ("dashes-twice-no-newline", C, b"---\n---", 1, [f"{C}:1: error: front matter is empty"]),
    ("carriage-returns-only", C, b"---\rname: X\rcompany: Y\r---\rbody\r", 0, []),
    ("closing-dashes-with-spaces-and-crlf", C, b"---\r\nname: X\r\n---  \r\nbody", 0, []),
    ("unhashable-key", C, b"---\n? [a]\n: b\n---\n", 1,
     [f"{C}:2: error: bad YAML in front matter: found unhashable key"]),
    ("keys-that-are-not-words", C, b"---\n1: x\nnull: y\n2026-01-01: z\nname: Ada X\n---\n",
     0, [f"{C}:2: warning: unknown key `1`", f"{C}:3: warning: unknown key `null`",
         f"{C}:4: warning: unknown key `2026-01-01`"]),
    ("python-tag", M, b"---\nwith: !!python/object:os.system ada\n---\n", 1,
     [f"{M}:2: error: bad YAML in front matter: could not determine a constructor"]),
    ("tab-indent", M, b"---\nwith: ada\n\tkind: x\n---\n", 1,
     [f"{M}:3: error: bad YAML in front matter: found a tab character"]),
    ("hour-25", M, b"---\ndate: 2026-01-01T25:00:00\nwith: ada\n---\n", 1,
     [f"{M}:2: error: `date`: invalid date `2026-01-01T25:00:00`: hour must be in 0..23"]),
    ("value-nan", M, b"---\nwith: ada\ngave:\n  - to: ada\n    value: .nan\n---\n", 1,
     [f"{M}:5: error: `value`: expected a number"]),
    ("value-overflows-to-inf", M, b"---\nwith: ada\ngave:\n  - to: ada\n    value: 1e400\n"
     b"---\n", 1, [f"{M}:5: error: `value`: expected an amount"]),
    ("empty-refs-are-no-refs", M, b"---\nwith: [ada, '', ' ', '[[]]', '[[ ]]']\n---\n", 0, []),
    ("set-where-a-ref-is-expected", M, b"---\nwith: !!set {ada}\n---\n", 1,
     [f"{M}:2: error: `with`: expected text, got"]),
    ("self-closing-document-marker", M, b"---\nwith: ada\n...\nBody\n", 0, []),
    ("conflict-marker-in-body", M, b"---\nwith: ada\n---\n<<<<<<< HEAD\nmine\n=======\n"
     b"theirs\n>>>>>>> main\n", 1,
     [f"{M}:4: error: git merge conflict marker", f"{M}:8: error: git merge conflict marker"]),
]


@pytest.mark.parametrize(("path", "data", "code", "expected"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_nasty_note(tmp_path: Path, path: str, data: bytes, code: int,
                    expected: list[str]) -> None:
    root = write_journal(tmp_path / "journal", {"contacts/ada.md": "---\nname: Ada\n---\n",
                                                 "meetings/.keep": "", path: data})
    result = CliRunner().invoke(main, ["check", "--journal", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines()
             if ": error: " in line or ": warning: " in line]
    assert len(lines) == len(expected), lines
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), line
