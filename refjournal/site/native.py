"""Note bodies through markdown-it-pyrs (markdown-it in Rust), where its HTML is provably ours.

markdown-it-py (`markdown.py`) stays the reference: `render_native` gives None for any body
it cannot render byte for byte as markdown-it-py would, and the caller renders that one in
Python. `tests/test_markdown_differential.py` holds both to the same bytes. The routing:

- no markdown_it_pyrs (no wheel for the platform), or `REFJOURNAL_MARKDOWN=python` in the
  environment: everything goes to Python;
- nesting: a body that may nest deeper than `MAX_DEPTH` (container prefixes on a line, or
  `[` in one paragraph) goes to Python, which alone knows `TooDeep` (and pyrs overflows
  the process's stack, uncatchably, at depths Python refuses);
- a table (a line that could be a table's delimiter row) and a line that could start
  another block, or a header row without `|`: Python (markdown-it-py ends a table there,
  and wants the `|`; markdown-it may not), or a table and a `\\`;
- a `[`, a backtick and a `\\` (an escaped backtick), or a `[` and a run of backticks
  that no run of the same length closes on its line:
  Python (pyrs panics on those; a panic is caught besides, and goes to Python too);
- a fence and no line end at the end: Python (a fence left open ends differently);
- a tab after a quote's or a list's marker on a line: Python (tab stops counted apart);
- a line that is a list marker alone: Python (an empty item after a quote's lazy line);
- a run of three or more `~` but a fence's: Python (strikethrough reads it otherwise);
- a code span of three or more spaces only: Python (pyrs strips it as if it had text);
- `](` at the end of a line: Python (markdown-it-py reads `[r](` as no reference link);
- an image and a `&`: Python (pyrs drops entities from the alt text);
- an empty block quote in pyrs's output: Python (the two differ by a line end);
- raw HTML allowed and a `<` in the body: Python (the two pass HTML through differently);
- a NUL, or a symbol (Unicode's S categories) beside `*`, `_` or `~`: Python (symbols
  count as punctuation there, for emphasis; a NUL becomes U+FFFD, a symbol);
- a character beyond ASCII after a `//` or `mailto:` on its line (in a host name?):
  Python (markdown-it-py writes a host name in punycode, pyrs percent-encodes it);
- Private-Use-Area characters in the body: Python (they mark the wikilinks here); and
  whitespace other than ASCII's space, tab and line ends (Python strips more of it);
- wikilinks: each `[[...]]` the Python rule would take becomes a marker of PUA characters,
  plain text to markdown; after rendering, a marker in text becomes the link, one in code
  the original text. Bodies where the rule's reading could differ go to Python: a `\\` or
  a backtick in the body, `*`/`_`/`~` next to the brackets (they flank the brackets, not the
  marker), a `|` inside one when a line could be a table's; and afterwards any marker
  inside a tag, lost, or repeated;
- remote images: pyrs's `<img>` of an `http:`, `https:` or `//` source becomes the link
  `markdown._render_image` makes (its alt text is the same text, escaped by markupsafe).
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any

from markupsafe import Markup

PYTHON_ONLY = "REFJOURNAL_MARKDOWN"
"""Set to `python`, every body is rendered by markdown-it-py: to compare the sites the two
ways make (benchmarks/run.py does), or to rule the native path out."""
MAX_DEPTH = 32
"""Levels of nesting (block containers on a line, brackets in a paragraph) left to Rust."""

_RULES: list[Any] = [
    "blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph",
    "reference", "autolink", "backticks", "emphasis", "entity", "escape", "image", "link",
    "newline", "table", "strikethrough"]
_OPEN, _CLOSE = "\ue000", "\ue001"
# Private-Use-Area characters (the markers), and whitespace beyond ASCII's, which
# markdown-it-py strips (str.strip) where markdown-it does not.
_ODD = re.compile("[\x00\x0b\x0c\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f"
                  "\u205f\u3000\ue000-\uf8ff]")
_WIKILINK = re.compile(r"\[\[([^\[\n]*?)\]\]")
_MARKER = re.compile(f"{_OPEN}([0-9]+){_CLOSE}")
# An emphasis run: markdown-it-py counts a symbol beside one as punctuation (as CommonMark
# 0.31 does) when it decides whether the run opens or closes, pyrs does not.
_EMPHASIS_RUN = re.compile(r"[*_~]+")
_HOST = re.compile("//|mailto:", re.IGNORECASE)
_PARAGRAPHS = re.compile(r"\n[ \t>]*\n")
_TABLE_LINE = re.compile(r"^[ \t|:-]*-[ \t|:-]*$", re.MULTILINE)
_IMG = re.compile(r'<img src="([^"]*)" alt="([^"]*)"(?: title="[^"]*")? />')
_BLOCK_START = re.compile(r"^ {0,3}(?:[-+*>#<]|[0-9]+[.)]|```|~~~).*$", re.MULTILINE)
_BLANK_CODE = re.compile("`[ \r\n]{3,}`")
_BACKTICKS = re.compile("`+")
_LONG_TILDES = re.compile(r"^(?! {0,3}~~~).*~~~", re.MULTILINE)
_TAB_IN_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]*?[>*+\-.)][ >*+\-0-9.)]*\t", re.MULTILINE)
# Two screens run on every text: they start at a line end, so that the regex engine skips
# to each `\n` at once (a line's start, `^`, is tried at every character); the text is
# searched with a `\n` before it.
_EMPTY_ITEM = re.compile(r"\n[ \t>]*(?:[-+*]|[0-9]+[.)])[ \t]*(?=\n|\Z)")
_OPEN_PAREN = re.compile(r"\]\([ \t]*$", re.MULTILINE)
_EMPTY = "<blockquote>\n</blockquote>"
_PREFIX = re.compile(rf"\n([ \t>*+\-0-9.)]{{{MAX_DEPTH // 4},}})")

Wikilink = Callable[[str], str]
"""Renders a wikilink's inner text (`Target`, `Target|label`) as `markdown.py` does."""


@cache
def _parser(allow_html: bool) -> Any:
    """The pyrs parser, or None where markdown_it_pyrs cannot be imported."""
    if os.environ.get(PYTHON_ONLY) == "python":
        return None
    try:
        import markdown_it_pyrs
    except ImportError:
        return None
    if allow_html:
        return markdown_it_pyrs.MarkdownIt("commonmark").enable_many(["table", "strikethrough"])
    return markdown_it_pyrs.MarkdownIt("zero").enable_many(_RULES)


def available() -> bool:
    """Whether markdown_it_pyrs is there to render with."""
    return _parser(False) is not None


def render_native(text: str, allow_html: bool, wikilink: Wikilink) -> Markup | None:
    """`text` rendered by pyrs, or None when it must be rendered by markdown-it-py."""
    parser = _parser(allow_html)
    if parser is None or _odd(text) or not shallow(text):
        return None
    if allow_html and "<" in text:
        return None
    inners: list[str] = []
    if "[[" in text:
        marked = _mark(text, inners)
        if marked is None:
            return None
        text = marked
    if "|" in text and _TABLE_LINE.search(text) and _tables_differ(text):
        return None
    if "`" in text and _BLANK_CODE.search(text):
        return None  # pyrs strips a space from each end of a code span of spaces only
    if "[" in text and "`" in text and ("\\" in text or _unmatched_backticks(text)):
        return None  # pyrs panics on a lone backtick run inside a link's brackets
    if not text.endswith("\n") and ("```" in text or "~~~" in text):
        return None  # a fence left open at the end: the last line end differs
    if "\t" in text and _TAB_IN_PREFIX.search(text):
        return None  # a tab after a quote or list marker: columns counted differently
    if _EMPTY_ITEM.search("\n" + text):
        return None  # an empty list item after a quote's lazy line: read apart
    if "~~~" in text and _LONG_TILDES.search(text):
        return None  # the two split a run of three or more tildes apart differently
    if "](" in text and _OPEN_PAREN.search(text):
        return None  # `[r](` at a line's end: markdown-it-py then reads no reference link
    if "![" in text and "&" in text:
        return None  # pyrs drops entities from an image's alt text
    try:
        out: str = parser.render(text)
    except BaseException as exc:  # a Rust panic is a BaseException; let others through
        if type(exc).__name__ != "PanicException":
            raise
        return None
    if _EMPTY in out:
        return None  # an empty quote: markdown-it-py puts no line end inside
    if inners:
        unmarked = _unmark(out, inners, wikilink)
        if unmarked is None:
            return None
        out = unmarked
    if "<img " in out:
        out = _IMG.sub(_remote_image, out)
    return Markup(out)


def _odd(text: str) -> bool:
    if text.isascii():  # the common case, without a regex over the whole text
        return any(char in text for char in "\x00\x0b\x0c\x1c\x1d\x1e\x1f")
    if _ODD.search(text) is not None:
        return True
    if _host_beyond_ascii(text):
        return True  # a link's host name: markdown-it-py writes it in punycode, pyrs does not
    if "*" not in text and "_" not in text and "~" not in text:
        return False
    return any(_symbol(text[run.start() - 1: run.start()])
               or _symbol(text[run.end(): run.end() + 1])
               for run in _EMPHASIS_RUN.finditer(text))


def _host_beyond_ascii(text: str) -> bool:
    """Whether a character beyond ASCII follows a `//` or `mailto:` on its line."""
    for start in _HOST.finditer(text):
        end = text.find("\n", start.end())
        if not text[start.end(): end if end >= 0 else len(text)].isascii():
            return True
    return False


def _symbol(char: str) -> bool:
    """Whether `char` (one character, or none) is a symbol beyond ASCII."""
    return bool(char) and not char.isascii() and unicodedata.category(char)[0] == "S"


def shallow(text: str) -> bool:
    """Whether `text` surely nests no deeper than MAX_DEPTH: a cheap upper bound."""
    if text.count("[") > MAX_DEPTH and any(
            chunk.count("[") > MAX_DEPTH for chunk in _PARAGRAPHS.split(text)):
        return False
    # a line's prefix of container markers: only those of MAX_DEPTH / 4 characters or more
    # (a tab is up to 4 columns) can be too deep
    return all(_columns(prefix) <= MAX_DEPTH for prefix in _PREFIX.findall("\n" + text))


def _tables_differ(text: str) -> bool:
    """Whether `text`, which has a line that could be a table's delimiter row, may hold a
    table the two read apart: markdown-it-py ends a table at a block's start (markdown-it
    not always), and wants a `|` in the header row (markdown-it not always); they split a
    row with an escaped `\\|` apart too."""
    if "\\" in text:
        return True
    if any("|" not in line or not _TABLE_LINE.fullmatch(line)
           for line in _BLOCK_START.findall(text)):
        return True
    lines = text.splitlines()
    return any("|" in line and _TABLE_LINE.fullmatch(line) and "|" not in lines[number - 1]
               for number, line in enumerate(lines) if number)


def _unmatched_backticks(text: str) -> bool:
    """Whether a line of `text` has a run of backticks that no other run on it closes."""
    for line in text.splitlines():
        if "`" in line:
            runs = Counter(len(run) for run in _BACKTICKS.findall(line))
            if any(count % 2 for count in runs.values()):
                return True
    return False


def _columns(prefix: str) -> int:
    return len(prefix) + 3 * prefix.count("\t")


def _mark(text: str, inners: list[str]) -> str | None:
    """`text` with a marker for each wikilink, the inner texts into `inners`; None when
    the Python rule might read a `[[` differently."""
    if "\\" in text or "`" in text:
        return None
    tables = "|" in text and _TABLE_LINE.search(text) is not None
    failed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal failed
        inner = match.group(1)
        if not inner.strip():
            return match.group()
        before = text[match.start() - 1: match.start()]
        after = text[match.end(): match.end() + 1]
        if before in ("*", "_", "~") or after in ("*", "_", "~") or (tables and "|" in inner):
            failed = True
        inners.append(inner)
        return f"{_OPEN}{len(inners) - 1}{_CLOSE}"

    marked = _WIKILINK.sub(replace, text)
    if failed or any(_OPEN in chunk and ("[" in chunk or "<" in chunk)
                     for chunk in _PARAGRAPHS.split(marked)):
        return None  # a link or autolink around a wikilink: markdown-it-py reads those apart
    return marked


def _unmark(out: str, inners: list[str], wikilink: Wikilink) -> str | None:
    """Each marker replaced: by its link in text, by its own text in code; None when a
    marker is in a tag, lost, or repeated."""
    if "%EE%80%8" in out:
        return None  # a marker percent-encoded in a link
    found = [(match, int(match.group(1))) for match in _MARKER.finditer(out)]
    if sorted(index for _, index in found) != list(range(len(inners))):
        return None
    pieces, last, in_code = [], 0, False
    for match, index in found:
        start = match.start()
        if out.rfind("<", last, start) > out.rfind(">", last, start):
            return None  # inside a tag (one that closed before began after `last`)
        opened, closed = out.rfind("<code", last, start), out.rfind("</code>", last, start)
        if opened != closed:  # both -1: as at the last marker
            in_code = opened > closed
        pieces.append(out[last:start])
        raw = f"[[{inners[index]}]]"
        pieces.append(html.escape(raw, quote=True).replace("&#x27;", "'") if in_code
                      else wikilink(inners[index]))
        last = match.end()
    pieces.append(out[last:])
    return "".join(pieces)


def _remote_image(match: re.Match[str]) -> str:
    src, alt = html.unescape(match.group(1)), html.unescape(match.group(2))
    if not src.lower().startswith(REMOTE):
        return match.group()
    return remote_image(src, alt)


REMOTE = ("http:", "https:", "//")
"""How an image's address begins when it is on another host (always in lower case)."""


def remote_image(src: str, alt: str) -> str:
    """The link a remote image is shown as, in both renderers: opening a page fetches
    nothing from outside (a remote image would tell its host that, and when, the page was
    read)."""
    return str(Markup('<a class="remote-image" href="{}" rel="noopener noreferrer">'
                      'image: {}</a>').format(src, alt or src))

