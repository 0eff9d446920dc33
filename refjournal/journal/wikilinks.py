"""`[[wikilinks]]` in a note's text: what one names, and where each one is.

The text is Markdown; a wikilink inside code (a fenced block or a `code span`) is code, not
a link, and is not found. The site's renderer reads the inside of `[[...]]` with
`split_wikilink`, so both agree on what a link names.
"""

from __future__ import annotations

import re

from ..model import Ref, Source

# `[[...]]` on one line, with no `[` inside: the renderer's own rule (site/markdown.py).
_LINK = re.compile(r"\[\[([^\[\]\n]*?)\]\]")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


def split_wikilink(inner: str) -> tuple[str, str]:
    """`Target#heading|label` -> (`Target`, `label`)."""
    target, _, label = inner.partition("|")
    return target.split("#", 1)[0].strip(), label.strip()


def body_links(body: str, path: str, first_line: int) -> tuple[Ref, ...]:
    """The wikilinks of a note's text, each as a ref at its line (`first_line` is the
    line of the file where the text starts)."""
    if "[[" not in body:
        return ()
    links: list[Ref] = []
    fence = ""
    for number, line in enumerate(body.split("\n"), start=first_line):
        opening = _FENCE.match(line)
        if fence:  # inside a fenced block until a fence as long, of the same character
            if opening and opening[1][0] == fence[0] and len(opening[1]) >= len(fence) \
                    and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if opening and not (opening[1][0] == "`" and "`" in line[opening.end():]):
            fence = opening[1]
            continue
        if "[[" not in line:
            continue
        text = _CODE_SPAN.sub(lambda m: " " * len(m[0]), line)
        for match in _LINK.finditer(text):
            target, _ = split_wikilink(match[1])
            if target:
                links.append(Ref(target, Source(path, number)))
    return tuple(links)
