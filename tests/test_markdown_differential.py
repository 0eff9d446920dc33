"""The native renderer (markdown-it-pyrs) against markdown-it-py, the reference: the same
bytes for every body it takes, and the body routed to Python wherever it could differ.

No copy of the CommonMark spec ships with either package, so `SPEC` is our own set of
examples, one or more from each section of the spec (and the extensions we enable)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refjournal.site import native
from refjournal.site.markdown import TooDeep, make_markdown, render_markdown, wikilink_html

from .test_fuzz import notes as fuzz_notes

pytest.importorskip("markdown_it_pyrs")

INDEX = {"ada": "ada", "ada lovelace": "ada", "bob": "bob-x"}
ROOT = "../../"

SPEC = [
    # tabs, precedence, thematic breaks
    "\tfoo\tbaz\t\tbim\n", "  - foo\n\n\tbar\n", "- `one\n- two`\n", "***\n---\n___\n",
    "+++\n", " - - -\n", "Foo\n***\nbar\n", "- foo\n***\n- bar\n",
    # headings
    "# foo\n## foo\n###### foo\n####### foo\n", "#5 bolt\n", "\\## foo\n",
    "# foo *bar* \\*baz\\*\n",
    "### foo ### b\n", "Foo *bar*\n=========\n", "Foo\n---\n\nFoo\n= =\n", "- foo\n-----\n",
    # code blocks and fences
    "    a simple\n      indented code block\n", "  - foo\n\n    bar\n", "    <a/>\n    *hi*\n",
    "```\n<\n >\n```\n", "~~~\naaa\n```\n~~~\n", "```\n\n  \n```\n", "``` ruby startline=3 $%@#$\n"
    "def foo(x)\n  return 3\nend\n```\n", "```;\n```\n", "``` aa ```\nfoo\n",
    # html blocks (escaped: html is off)
    "<table><tr><td>\n<pre>\n**Hello**,\n\n_world_.\n</pre>\n</td></tr></table>\n",
    "<div>\n*foo*\n\n*bar*\n", "<!-- foo -->*bar*\n*baz*\n",
    # link reference definitions
    "[foo]: /url \"title\"\n\n[foo]\n",
    "   [foo]: \n      /url  \n           'the title'  \n\n[foo]\n",
    "[foo]: /url 'title\n\nwith blank line'\n\n[foo]\n", "[foo]: <bar>(baz)\n\n[foo]\n",
    "[FOO]: /url\n\n[Foo]\n", "[foo]: /url\n\"title\" ok\n", "[\nfoo\n]: /url\nbar\n",
    # paragraphs, blank lines, block quotes
    "aaa\n\nbbb\n", "  aaa\n bbb\n", "aaa     \nbbb     \n", "> # Foo\n> bar\n> baz\n",
    "> foo\n    - bar\n", ">     foo\n    bar\n", "> foo\n\n> bar\n", "> bar\nbaz\n> foo\n",
    "> > > foo\nbar\n", ">>> foo\n> bar\n>>baz\n",
    # list items and lists
    "1.  A paragraph\n    with two lines.\n\n        indented code\n\n    > A block quote.\n",
    "- one\n\n two\n", " -    one\n\n      two\n", "   > > 1.  one\n>>\n>>     two\n",
    "-one\n\n2.two\n", "1234567890. not ok\n", "-1. not ok\n", "- foo\n  - bar\n    - baz\n",
    "10) foo\n    - bar\n", "- # Foo\n- Bar\n  ---\n  baz\n", "- foo\n- bar\n+ baz\n",
    "The number of windows in my house is\n14.  The number of doors is 6.\n",
    "- a\n- b\n\n- c\n", "1. a\n\n  2. b\n\n    3. c\n", "- a\n  > b\n  ```\n  c\n  ```\n- d\n",
    "* a\n*\n\n* c\n", "> a\n*\n", "> a\n1.\n", "- [ ] task\n- [x] done\n",
    # found by the random bodies below, and routed to Python
    "\\|| a | b |\n|---|---|\n", "[r]: /u\n-|\n", "a\n-|\n", "a_\x00_b\n", "a*€*b\n",
    "*😀*x\n", ">>    \tx\n", "<http://xé>\n", "[a](//xé)\n", "<mailto:x@é.com>\n",
    "[r](\n\n[r]: /u\n",
    # backslash escapes, entities
    "\\!\\\"\\#\\$\\%\\&\\'\\(\\)\\*\\+\\,\\-\\.\\/\\:\\;\\<\\=\\>\\?\\@\\[\\\\\\]\\^\\_\\`\\{\\|\\}\\~\n",
    "\\\t\\A\\a\\ \\3\\φ\\«\n", "foo\\\nbar\n", "`` \\[\\` ``\n", "[foo](/bar\\* \"ti\\*tle\")\n",
    "&nbsp; &amp; &copy; &AElig; &Dcaron;\n&frac34; &HilbertSpace; &ClockwiseContourIntegral; "
    "&ngE;\n", "&#35; &#1234; &#992; &#0;\n", "&#X22; &#XD06; &#xcab;\n", "&copy\n&MadeUpEntity;\n",
    # code spans
    "`foo`\n", "`` foo ` bar ``\n", "` `` `\n", "`foo   bar \nbaz`\n", "`foo\\`bar`\n",
    "*foo`*`\n", "`    `\n", "a `   ` b\n", "[not a `link](/foo`)\n", "`<a href=\"`\">`\n",
    "<http://foo.bar.`baz>`\n",
    # emphasis
    "*foo bar*\n", "a * foo bar*\n", "a*\"foo\"*\n", "foo*bar*\n", "_foo_bar\n",
    "пристаням_стремятся_\n",
    "**foo bar**\n", "__foo, __bar__, baz__\n", "*foo [bar](/url)*\n", "*foo**bar**baz*\n",
    "***foo** bar*\n", "foo***bar***baz\n", "** is not an empty emphasis\n", "*foo _bar* baz_\n",
    "**a<http://foo.bar/?q=**>\n", "*(*foo*)*\n", "_(_foo_)_\n",
    # links and images
    "[link](/uri \"title\")\n", "[link]()\n", "[link](<>)\n", "[link](/my uri)\n",
    "[link](foo(and(bar)))\n", "[link](#fragment)\n", "[link](\"title\")\n",
    "[link [foo [bar]]](/uri)\n", "[link [bar](/uri)\n", "[![moon](moon.jpg)](/uri)\n",
    "[foo [bar](/uri)](/uri)\n", "[foo *bar [baz][ref]*][ref]\n\n[ref]: /uri\n",
    "[foo][bar]\n\n[bar]: /url \"title\"\n", "[foo] [bar]\n\n[bar]: /url \"title\"\n",
    "[foo]\n\n[foo]: /url \"title\"\n", "[foo][]\n\n[foo]: /url\n", "![foo](/url \"title\")\n",
    "![foo *bar*]\n\n[foo *bar*]: train.jpg \"train & tracks\"\n", "![foo](<url>)\n",
    "![](/url)\n", "My ![foo bar](/path/to/train.jpg  \"title\"   )\n",
    # autolinks, raw html, hard breaks
    "<http://foo.bar.baz>\n", "<MAILTO:FOO@BAR.BAZ>\n", "<http://foo.bar/baz bim>\n",
    "<foo@bar.example.com>\n", "<a><bab><c2c>\n", "foo <!-- this is a\ncomment - with hyphen -->\n",
    "foo  \nbaz\n", "foo\\\nbaz\n", "foo       \nbaz\n", "`code  \nspan`\n", "foo\\\n",
    # tables and strikethrough
    "| foo | bar |\n| --- | --- |\n| baz | bim |\n",
    "| abc | defghi |\n:-: | -----------:\nbar | baz\n",
    "| f\\|oo  |\n| ------ |\n| b `\\|` az |\n| b **\\|** im |\n", "| abc | def |\n| --- | --- |\n"
    "| bar | baz |\n> bar\n", "| abc | def |\n| --- |\n| bar |\n", "| abc |\n| --- |\n",
    "~~Hi~~ Hello, ~there~ world!\n", "This ~~has a\n\nnew paragraph~~.\n",
    # Unicode and odd characters
    "\u0000 nul\n", "a\r\nb\rc\n", "\u00a0\u2003*x*\u3000\n",
]

WIKILINKS = [
    "Met [[Ada]] and [[bob|Bob]].\n", "[[Ada#Work]] and [[nobody]]\n", "[[ ]] and [[]]\n",
    "[[a\nb]]\n", "[[[Ada]]]\n", "[[Ada]](http://x)\n", "[x]: /u \"[[Ada]]\"\n\n[x]\n",
    "```\n[[Ada]] & <\"'>\n```\n", "    [[Ada]]\n", "> - [[Ada]]\n", "*[[Ada]]*\n",
    "a**[[Ada]]**b\n",
    "| a | b |\n|---|---|\n| [[Ada|x]] | y |\n", "`[[Ada]]`\n", "\\[[Ada]]\n",
    "[a [[Ada]] b](/u)\n",
    "![[[Ada]]](http://x/y)\n", "<http://x/[[Ada]]>\n", "[[Ada]b]]\n", "# [[Ada]]\n",
    "[[Ada]]: /url\n", "[[Ada|<b>&</b>]]\n",
]

IMAGES = [
    "![alt](http://x.y/a.png)\n", "![](https://x.y/a.png)\n", "![a \"q\" & 'b'](//x.y/a)\n",
    "![*em* `c` ![in](i.png)](HTTP://X/Y \"t\")\n", "![local](a/b.png \"t\")\n",
    "![a](http://x/%20y?a=1&b=2)\n", "![a&amp;b](http://x/y)\n",
]


def both(text: str, allow_html: bool = False) -> tuple[str | None, str]:
    """What pyrs makes of `text` (None when it routes it to Python), and what Python does."""
    md = make_markdown(allow_html)
    fast = native.render_native(text, allow_html, _wikilink)
    slow = str(render_markdown(md, text, ROOT, INDEX, native=False))
    return (None if fast is None else str(fast)), slow


def _wikilink(inner: str) -> str:
    return wikilink_html(inner, ROOT, INDEX)


def assert_same(text: str, allow_html: bool = False) -> bool:
    """The two agree wherever pyrs takes the body; whether it took it."""
    fast, slow = both(text, allow_html)
    if fast is not None:
        assert fast == slow, text
    return fast is not None


@pytest.mark.parametrize("allow_html", [False, True])
def test_spec_examples(allow_html: bool) -> None:
    taken = [assert_same(text, allow_html) for text in SPEC]
    assert sum(taken) >= len(SPEC) * (0.8 if not allow_html else 0.5)


@pytest.mark.parametrize("text", WIKILINKS + IMAGES)
def test_wikilinks_and_images(text: str) -> None:
    assert_same(text)


def test_wikilinks_and_images_are_mostly_native() -> None:
    plain = ["Met [[Ada]] and [[bob|Bob]].\n", "> - [[Ada]]\n", "    [[Ada]]\n",
             "~~~\n[[Ada]] & \"'\n~~~\n", "![alt](http://x.y/a.png)\n"]
    assert all(native.render_native(text, False, _wikilink) is not None for text in plain)


@pytest.mark.parametrize("text", ["\\[[Ada]]\n", "`[[Ada]]`\n", "*[[Ada]]*\n",
                                  "| a | b |\n|---|---|\n| [[Ada|x]] | y |\n",
                                  "[x]: /u \"[[Ada]]\"\n\n[x]\n", "\ue000 x\n",
                                  "> " * 40 + "x\n", "[" * 40 + "\n",
                                  # pyrs panics on these
                                  "[`]\n", "`a\n- [`]\n", "\\`[*`<~~\n"])
def test_known_differences_are_routed_to_python(text: str) -> None:
    assert native.render_native(text, False, _wikilink) is None


@pytest.mark.parametrize("depth", [5, 20, 21, 31, 32, 50, 100, 1000])
@pytest.mark.parametrize("unit", ["> ", "- ", "1. ", "[", "*", "  - ", "\t- ", "![", "_"])
def test_nesting(depth: int, unit: str) -> None:
    """Deep bodies go to Python (pyrs would crash the process); shallow ones match."""
    text = unit * depth + "x" + ("](u)" * depth if "[" in unit else "") + "\n"
    if depth > native.MAX_DEPTH * 2 and unit not in ("*", "_"):
        assert native.render_native(text, False, _wikilink) is None
    try:
        assert_same(text)
    except TooDeep:
        assert native.render_native(text, False, _wikilink) is None


def test_too_deep_stays_too_deep() -> None:
    md = make_markdown(False)
    with pytest.raises(TooDeep):
        render_markdown(md, "> " * 100_000 + "x\n", "", {})


def test_without_pyrs_everything_is_rendered_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins
    real = builtins.__import__

    def refuse(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "markdown_it_pyrs":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    native._parser.cache_clear()
    monkeypatch.setattr(builtins, "__import__", refuse)
    try:
        assert not native.available()
        assert native.render_native("*x*\n", False, _wikilink) is None
        md = make_markdown(False)
        assert str(render_markdown(md, "*x* [[Ada]]\n", ROOT, INDEX)) == (
            '<p><em>x</em> <a class="wikilink" href="../../contacts/ada/index.html">Ada</a></p>\n')
    finally:
        native._parser.cache_clear()


def test_refjournal_markdown_python_renders_everything_in_python(
        monkeypatch: pytest.MonkeyPatch) -> None:
    native._parser.cache_clear()
    monkeypatch.setenv(native.PYTHON_ONLY, "python")
    try:
        assert not native.available()
        assert native.render_native("*x*\n", False, _wikilink) is None
    finally:
        native._parser.cache_clear()
    monkeypatch.delenv(native.PYTHON_ONLY)
    assert native.available()
    assert native.render_native("*x*\n", False, _wikilink) == "<p><em>x</em></p>\n"
    native._parser.cache_clear()


def test_fuzz_bodies() -> None:
    """The bodies `test_fuzz.py` writes into its notes."""
    for body in ["", "Notes on [[ada]].\n", "- a\n  - b\n", "<iframe>\n"]:
        for allow_html in (False, True):
            assert_same(body, allow_html)


PIECES = st.sampled_from([
    "[[Ada]]", "[[bob|B]]", "[[x#h]]", "[[", "]]", "[", "]", "(", ")", "![a](http://x/y)",
    "![b](p.png)", "*", "**", "_", "~~", "`", "```", "\n", "\n\n", "    ", "\t", "> ", "- ",
    "1. ", "| a | b |\n|---|---|\n", "|", "\\", "<", ">", "&amp;", "&", "\"", "'", "#", "http://x",
    "<http://x>", "[r]", "[r]: /u \"t\"\n", "text", " ", "-", ":", "=", "\ue000", "é",
])
bodies = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=600, deadline=None)
@given(text=bodies, allow_html=st.booleans())
def test_random_bodies(text: str, allow_html: bool) -> None:
    assert_same(text, allow_html)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_random_text(text: str) -> None:
    assert_same(text)


@settings(max_examples=200, deadline=None)
@given(note=fuzz_notes())
def test_fuzz_notes(note: bytes) -> None:
    """Whole notes from `test_fuzz.py`'s strategy, rendered as bodies (front matter too)."""
    text = note.decode("utf-8", "replace")
    assert_same(text)
    assert_same(text.split("\n---\n", 1)[-1])
