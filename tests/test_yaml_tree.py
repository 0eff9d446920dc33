"""Front matter read the quick way is read as PyYAML reads it.

`read.construct` builds the value of front matter that is a tree (no aliases, explicit tags
or merge keys) directly from its nodes. It must give what PyYAML's
own constructor gives: the same values of the same types, and the same errors.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from refjournal.journal import read

from .test_fuzz import FUZZ, dump, examples, front_matter, yaml_ish_text


def typed(value: Any) -> Any:
    """`value` with the type of every part spelled out: `YamlDate("x") == "x"`, but the
    validate stage tells them apart."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def both_ways(text: str) -> tuple[Any, Any]:
    """(the quick way's outcome, PyYAML's) for `text`: its typed value or its error."""
    outcomes = []
    for quick in (True, False):
        loader = read.NoteLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                outcomes.append(None)
                continue
            value = (read.construct(loader, node, text) if quick
                     else loader.construct_document(node))
            outcomes.append(typed(value))
        except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
            outcomes.append((type(exc).__name__, str(exc)))
        finally:
            loader.dispose()
    return outcomes[0], outcomes[1]


def test_a_plain_note_s_front_matter_is_read_the_quick_way(monkeypatch):
    text = ("date: 2026-05-04\nwith: [Ada Lovelace, '[[Grace]]']\nkind: coffee\n"
            "gave:\n  - to: Ada\n    value: 1200\n    status: won\n    closed: 2026-06-01\n"
            "follow_up: {due: 2026-05-11, done: no}\nnotes: ~\nrate: 1.5\n")
    calls = []
    real = read._tree_value
    monkeypatch.setattr(read, "_tree_value", lambda *a: calls.append(a) or real(*a))
    quick, slow = both_ways(text)
    assert calls, "plain front matter must not go to PyYAML's constructor"
    assert quick == slow
    assert dict(quick[1])[("str", "date")] == ("YamlDate", "2026-05-04")
    assert dict(quick[1])[("str", "follow_up")] == (
        "dict", [(("str", "due"), ("YamlDate", "2026-05-11")), (("str", "done"), ("bool", False))])


@pytest.mark.parametrize("text", [
    "a: &x [1]\nb: *x\n",  # an alias: one object in two places
    "a: !!set {x, y}\n",  # an explicit tag
    "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",  # a merge key
    "c:\n  <<: {x: 1, y: 3}\n  y: 2\n",  # a merge key without an alias
    "a: &x [1]\nb: Smith & Co!\n",  # an anchor no alias names
    "=: x\n",  # the value tag, which becomes a string key
    "? [a, b]\n: c\n",  # a key that cannot be a dict key: PyYAML's error
    "a: =\n",  # a value PyYAML has no constructor for: its error
    "a: 0o17\nb: 0x1F\nc: 1_000\nd: 10:30\ne: 012\nf: .NaN\ng: -.inf\n",
    "a: 2026-05-01 10:00:00\nb: 2026-02-30\nc: '2026-05-01'\n",
])
def test_the_odd_cases_are_read_as_pyyaml_reads_them(text):
    quick, slow = both_ways(text)
    assert quick == slow


@settings(FUZZ, max_examples=examples(400))
@given(meta=front_matter, flow=st.booleans())
def test_typed_front_matter_is_read_alike(meta, flow):
    quick, slow = both_ways(dump(meta, flow))
    assert quick == slow


@settings(FUZZ, max_examples=examples(400))
@given(text=yaml_ish_text)
def test_yaml_ish_text_is_read_alike(text):
    quick, slow = both_ways(text)
    assert quick == slow
