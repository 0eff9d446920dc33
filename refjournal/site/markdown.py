"""Markdown bodies to HTML: one MarkdownIt instance, raw HTML off unless allowed, wikilinks."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup, escape

from ..journal.wikilinks import split_wikilink
from ..slug import lookup
from .native import REMOTE, remote_image, render_native


class TooDeep(Exception):
    """A body nested so deeply (lists, quotes, links) that parsing it would overflow the stack."""


def make_markdown(allow_html: bool) -> MarkdownIt:
    # markdown-it stops at 20 levels and silently drops what is deeper; a note's text is
    # never dropped, so there is no such limit here (too deep for Python is TooDeep).
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": False,
                                   "maxNesting": 100_000})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    md.add_render_rule("image", _render_image)
    return md


# Frames of Python's stack a body may take to render, wherever the rendering is called
# from: a body is too deep, or not, the same in every build (in one process, in a worker,
# or put into its page alone, see rebuild.py).
STACK_BUDGET = 900


def render_markdown(md: MarkdownIt, text: str, root: str, index: Mapping[str, str],
                    native: bool = True) -> Markup:
    """Render a note body; `root` is the relative path from the page to the site's top and
    `index` the journal's ref index, for wikilinks to contacts.

    The native renderer (`native.py`) takes the bodies it renders to the same bytes; the
    rest, and all of them when `native` is false, are rendered here."""
    if native:
        done = render_native(text, bool(md.options["html"]),
                             lambda inner: wikilink_html(inner, root, index))
        if done is not None:
            return done
    env = {"root": root, "index": index}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(_depth() + STACK_BUDGET)
    try:
        return Markup(md.render(text, env))
    except RecursionError:
        raise TooDeep from None
    finally:
        sys.setrecursionlimit(limit)


def _depth() -> int:
    """How many frames deep the caller is."""
    depth, frame = 0, sys._getframe(1)
    while frame.f_back is not None:
        depth, frame = depth + 1, frame.f_back
    return depth + 1


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    """`[[Target]]`, `[[Target|label]]` or `[[Target#heading]]`."""
    src, start = state.src, state.pos
    if not src.startswith("[[", start):
        return False
    end = src.find("]]", start + 2)
    inner = src[start + 2: end] if end != -1 else ""
    if not inner.strip() or "\n" in inner or "[" in inner:
        return False
    if not silent:
        target, label = split_wikilink(inner)
        token = state.push("wikilink", "", 0)
        token.meta = {"target": target, "label": label}
    state.pos = end + 2
    return True


def _render_wikilink(self: RendererHTML, tokens: Sequence[Token], idx: int,
                     options: OptionsDict, env: EnvType) -> str:
    meta: dict[str, Any] = tokens[idx].meta
    return _link(meta["target"], meta["label"], env["root"], env["index"])


def wikilink_html(inner: str, root: str, index: Mapping[str, str]) -> str:
    """The HTML of the wikilink `[[inner]]`, as the rule and `_render_wikilink` make it."""
    target, label = split_wikilink(inner)
    return _link(target, label, root, index)


def _link(target: str, label: str, root: str, index: Mapping[str, str]) -> str:
    # f-strings with escape: the bytes of Markup(...).format, at a third of its cost
    slug = lookup(index, target)
    if slug is None:
        return (f'<span class="wikilink unresolved" title="no contact note">'
                f'{escape(label or target)}</span>')
    href = f"{root}contacts/{slug}/index.html"
    return f'<a class="wikilink" href="{escape(href)}">{escape(label or target)}</a>'


def _render_image(self: RendererHTML, tokens: Sequence[Token], idx: int,
                  options: OptionsDict, env: EnvType) -> str:
    """Show local images; link remote ones instead, so opening a page fetches nothing from
    outside (a remote image would tell its host that, and when, the page was read)."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    if not src.lower().startswith(REMOTE):
        return self.image(tokens, idx, options, env)
    return remote_image(src, self.renderInlineAsText(token.children or [], options, env))
