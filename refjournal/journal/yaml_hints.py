"""What to do about YAML's usual complaints, said in the words of the mistake people made.

PyYAML says what its parser met ("mapping values are not allowed in this context"); the
person who wrote `title: Coffee: the sequel` needs to hear "put the value in quotes".
Each hint is recognised by YAML's message together with the line it points at, and shows
the line as it should be written.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# `key: value` or `- key: value`, with the key's indentation kept.
_KEY_VALUE = re.compile(r"^(?P<key>\s*(?:-\s+)?[^\s:#'\"\[{][^:#]*?):[ \t]+(?P<value>.+?)\s*$")
_WIKILINKS = re.compile(r"\[\[[^\[\]]*\]\]")


class Hint(NamedTuple):
    text: str  # to add to YAML's message
    column: int | None  # where the caret goes (1-based)


def hint(problem: str, line: str, column: int | None) -> Hint:
    """A hint about YAML's `problem` on `line`, where YAML points at `column` (1-based);
    an empty text when none fits."""
    if column is not None and 0 < column <= len(line) and line[column - 1] == "\t":
        return Hint("; a tab character (shown as →): YAML indents with spaces only; replace "
                    "the tab with spaces", column)
    match = _KEY_VALUE.match(line)
    if match is None:
        return Hint("", column)
    key, value = match["key"], match["value"]
    if value.startswith("[[") and ("expected" in problem or "did not find" in problem):
        links = _WIKILINKS.findall(value)
        if links:  # the mistake is where the unquoted links begin, not where YAML stopped
            listed = ", ".join(f'"{link}"' for link in links)
            return Hint(f"; write wikilinks in quotes, or as a list: `{key.strip()}: "
                        f"[{listed}]` (unquoted, `[[...]]` is a list inside a list to YAML)",
                        match.start("value") + 1)
    if "mapping values are not allowed" in problem and ": " in value:
        return Hint(f"; the value has `: ` in it, which YAML reads as a new key: put the "
                    f"value in quotes: `{key.strip()}: {_quoted(value)}`", column)
    return Hint("", column)


def _quoted(value: str) -> str:
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"
