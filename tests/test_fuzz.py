"""Fuzzing: arbitrary bytes and YAML-ish notes never make refjournal raise.

The properties: no exception escapes the reader or the `check` and `build` pipelines, every
problem names a file of the journal, and `check` exits 0 or 1. What hypothesis found is
kept as plain regression tests in test_corpus.py.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refjournal.build import build
from refjournal.cli import main
from refjournal.journal.load import load
from refjournal.journal.read import CONTACTS, MEETINGS, parse_note
from refjournal.journal.settings import CONFIG_KEYS
from refjournal.journal.validate import (
    CONTACT_KEYS,
    EXCHANGE_KEYS,
    FOLLOW_UP_KEYS,
    MEETING_KEYS,
)

from .conftest import TODAY, write_journal

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def examples(count: int) -> int:
    """`count` examples in the suite; more under a deeper profile, for a long search:
    `pytest tests/test_fuzz.py --hypothesis-profile=deep` runs a hundred times as many."""
    return count * max(1, settings.default.max_examples // 100)

# Characters that mean something to YAML or Markdown, so random text hits the parsers' edges.
YAML_CHARS = st.sampled_from(list(":-[]{},#&*!|>'\"%@`?~ \t\n\\/<=.0123456789aeyTZ") +
                             ["\u00e9", "\u202e", "\ufeff", "\U0001f600", "\r", "\x85"])
yaml_ish_text = st.text(YAML_CHARS, max_size=300)

# Plain values of every type YAML can produce, including the odd ones.
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
    st.dates(min_value=dt.date(1, 1, 1)), st.datetimes(),
    st.sampled_from(["yes", "no", "on", "off", "~", "2026-02-30", "12-31", "3m", "0", "-5",
                     "[[ada]]", "ada", "Ada Lovelace", "won", "hot", "9", "lots", "often",
                     "maybe", "NaN", ".inf", "<script>alert(1)</script>", "javascript:x"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(sorted({*EXCHANGE_KEYS, *FOLLOW_UP_KEYS, "to", "from",
                                            "x"})), inner, max_size=4)),
    max_leaves=12)
KEYS = sorted({*CONTACT_KEYS, *MEETING_KEYS, *CONFIG_KEYS, "follow_up", "unknown"})
front_matter = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)


def dump(meta: dict[str, Any], flow: bool) -> str:
    return yaml.safe_dump(meta, default_flow_style=flow, allow_unicode=True, sort_keys=False)


@st.composite
def notes(draw: st.DrawFn) -> bytes:
    """A note: typed front matter in YAML, mangled YAML-ish text, or raw bytes."""
    kind = draw(st.sampled_from(["typed", "mangled", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    head = dump(draw(front_matter), draw(st.booleans()))
    if kind == "mangled":
        cut = draw(st.integers(0, len(head)))
        head = head[:cut] + draw(yaml_ish_text) + head[cut:]
    closing = draw(st.sampled_from(["---\n", "...\n", "", "--- \r\n"]))
    body = draw(st.sampled_from(["", "Notes on [[ada]].\n", "- a\n  - b\n", "<iframe>\n"]))
    return f"---\n{head}{closing}{body}".encode(draw(st.sampled_from(["utf-8", "utf-16"])),
                                               "surrogatepass")


def assert_problems_name_files(problems: list[Any], paths: set[str]) -> None:
    for problem in problems:
        assert problem.path in paths or problem.path in {".", "refjournal.yaml"}, problem
        assert problem.line is None or problem.line >= 1, problem
        assert problem.format()  # and each can be printed


@settings(FUZZ, max_examples=examples(400))
@given(data=st.binary(max_size=2000), kind=st.sampled_from([CONTACTS, MEETINGS]))
def test_the_reader_takes_any_bytes(data: bytes, kind: str) -> None:
    raw, problems = parse_note(f"{kind}/x.md", kind, data)
    assert (raw is None) == any(p.severity == "error" for p in problems) or raw is not None
    assert_problems_name_files(problems, {f"{kind}/x.md"})
    if raw is not None:
        assert raw.body_line >= 1


@settings(FUZZ, max_examples=examples(400))
@given(text=yaml_ish_text, kind=st.sampled_from([CONTACTS, MEETINGS]))
def test_the_reader_takes_any_yaml_ish_front_matter(text: str, kind: str) -> None:
    raw, problems = parse_note(f"{kind}/x.md", kind, f"---\n{text}\n---\nbody".encode())
    assert_problems_name_files(problems, {f"{kind}/x.md"})


@settings(FUZZ, max_examples=examples(120))
@given(contacts=st.lists(notes(), min_size=1, max_size=3),
       meetings=st.lists(notes(), min_size=1, max_size=3),
       config=st.one_of(st.none(), front_matter.map(lambda m: dump(m, False).encode())))
def test_check_and_build_take_any_journal(contacts: list[bytes], meetings: list[bytes],
                                          config: bytes | None) -> None:
    files: dict[str, str | bytes] = {"contacts/ada.md": "---\nname: Ada\n---\n"}
    files.update({f"contacts/c{i}.md": data for i, data in enumerate(contacts)})
    files.update({f"meetings/2026-05-0{i + 1}-m.md": data for i, data in enumerate(meetings)})
    if config is not None:
        files["refjournal.yaml"] = config
    with tempfile.TemporaryDirectory() as tmp:
        root = write_journal(Path(tmp) / "journal", files)
        result = CliRunner().invoke(main, ["check", "--journal", str(root)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception)
        assert result.exit_code in (0, 1), result.output
        loaded = load(root)
        assert_problems_name_files(loaded.problems, set(files))
        assert result.exit_code == (0 if loaded.ok else 1)
        for line in result.stderr.splitlines():  # every problem line starts with its file
            if ": error: " in line or ": warning: " in line:
                assert line.split(":", 1)[0] in set(files) | {"."}, line
        built = build(root, Path(tmp) / "site", TODAY)  # what check passes, build renders
        assert built.written == loaded.ok
        assert_problems_name_files(built.problems, set(files))


def _nested(pattern: str, depth: int) -> str:
    """Front matter nested `depth` levels deep, in one of YAML's densest ways."""
    if pattern == "compact sequences":  # - - - x
        return "x: " + "- " * depth + "y"
    if pattern == "flow":
        return "x: " + "[" * depth + "]" * depth
    if pattern == "mappings in flow sequences":  # [a: [a: x]]: two levels a bracket
        return "k: [a:\n" + " [a:\n" * (depth // 2) + " x\n" + " ]\n" * (depth // 2 + 1)
    if pattern == "indented mappings":
        return "\n".join(" " * level + f"k{level}:" for level in range(depth)) + " y"
    # a mapping whose value is a sequence at the same indentation, and so on
    lines = []
    for level in range(depth):
        lines.append(" " * (2 * level) + ("- " if level else "") + f"k{level}:")
    return "\n".join(lines) + " y"


PATTERNS = ("compact sequences", "flow", "mappings in flow sequences", "indented mappings",
            "sequences under keys")


def test_only_front_matter_that_could_be_too_deep_is_walked_for_its_shape():
    """The walk that refuses front matter nested too deep is skipped where the text's
    length, lines and brackets show it cannot be; it must never skip a refusal."""
    from refjournal.journal.read import MAX_DEPTH, NoteLoader, _may_swamp, _shape_problem

    walked = 0
    for pattern in PATTERNS:
        for depth in range(1, MAX_DEPTH + 20):
            text = _nested(pattern, depth)
            loader = NoteLoader(text)
            try:
                node = loader.get_single_node()
            except (yaml.YAMLError, RecursionError):
                continue
            finally:
                loader.dispose()
            if not _may_swamp(text):
                assert _shape_problem(node) is None, (pattern, depth)
            else:
                walked += 1
    assert walked  # the deepest of each pattern is walked
    many = "x:\n" + "- a\n" * 100_001  # more values than allowed, each on a short line
    loader = NoteLoader(many)
    try:
        assert _may_swamp(many) and _shape_problem(loader.get_single_node()) is not None
    finally:
        loader.dispose()


@FUZZ
@given(st.recursive(st.text(alphabet="ab", min_size=1, max_size=3),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(alphabet="kq", min_size=1, max_size=2), inner,
                                      max_size=3), max_leaves=60),
       st.booleans())
def test_the_shape_walk_is_skipped_only_where_it_passes(value: Any, flow: bool) -> None:
    from refjournal.journal.read import NoteLoader, _may_swamp, _shape_problem

    text = yaml.safe_dump({"x": value}, default_flow_style=flow, width=10**6)
    loader = NoteLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if not _may_swamp(text):
        assert _shape_problem(node) is None
