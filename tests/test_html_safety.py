"""HTML safety: whatever a journal holds, the built pages run only the site's own script.

A hostile journal (script in names, raw iframes, javascript: links in every place a link
can be written) is built with the default settings; every page is parsed and each tag and
attribute checked, and then opened in Chromium, where no dialog may open.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from refjournal.build import build

from .conftest import TODAY, write_journal
from .test_browser import browser  # noqa: F401 - the shared Chromium fixture

XSS = "<script>alert(1)</script>"
HOSTILE = {
    "refjournal.yaml": f'owner: "{XSS}"\ntitle: "</title>{XSS}"\n',
    f"contacts/{XSS}.md": f'---\nname: "{XSS}"\ncompany: "<img src=x onerror=alert(2)>"\n'
                          f'website: "javascript:alert(3)"\nneeds: "{XSS}"\ntags: ["{XSS}"]\n'
                          "---\n<iframe src=\"javascript:alert(4)\"></iframe>\n",
    "contacts/ada.md": '---\nname: Ada\naliases: ["\\" onmouseover=\\"alert(5)"]\n---\n',
    "meetings/2026-11-01 x.md": "\n".join([
        "---", "with: [ada, \"<script>alert(1)</script>\", \"<b onclick=alert(6)>Zed</b>\"]",
        f'title: "{XSS}"', f'location: "{XSS}"', "gave:", "  - to: ada",
        f'    prospect: "{XSS}"', "follow_ups:", "  - due: 2026-11-20",
        f'    what: "{XSS}"', "---",
        "[click](javascript:alert(7)) [data](data:text/html;base64,PHNjcmlwdD4=)",
        "[vb](vbscript:msgbox(8)) <javascript:alert(9)> [[<script>alert(10)</script>]]",
        "![img](javascript:alert(11)) <iframe src=x></iframe>",
        '<a href="javascript:alert(12)">a</a>',
        '<svg onload="alert(13)"></svg> <img src=x onerror=alert(14)>',
        "[ref]: javascript:alert(15)", "", "[ref] and [spaced](  JaVaScRiPt:alert(16))", "",
    ]),
}
OWN_SCRIPTS = {"site.js", "offline.js"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class Audit(HTMLParser):
    """Collect every tag that could run code and every attribute that could carry it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    @staticmethod
    def ours(tag: str, attrs: dict[str, str | None]) -> bool:
        """The theme's own search form (it submits nowhere) and build-time charts."""
        if tag == "form":
            return attrs.get("class") == "search" and not ({"action", "method"} & set(attrs))
        return tag == "svg" and (attrs.get("class") or "").split()[0] == "chart"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"iframe", "object", "embed", "svg", "math", "base", "form", "meta"} and not (
                tag == "meta" and dict(attrs).get("http-equiv") is None) and not self.ours(
                tag, dict(attrs)):
            self.found.append(f"<{tag}>")
        if tag == "script" and Path(dict(attrs).get("src") or "inline").name not in OWN_SCRIPTS:
            self.found.append(f"<script {attrs}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and value and "".join(value.split()).lower().startswith(
                    BAD_SCHEMES):
                self.found.append(f"<{tag} {name}={value!r}>")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_journal(tmp_path_factory.mktemp("hostile") / "journal", HOSTILE)
    out = root.parent / "site"
    result = build(root, out, TODAY)
    assert result.written, [p.format() for p in result.problems]
    return out


def test_no_page_holds_markup_or_links_from_the_notes(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        audit = Audit()
        audit.feed(page.read_text(encoding="utf-8"))
        assert audit.found == [], page.relative_to(hostile_site)
    meeting = next((hostile_site / "meetings").glob("2026-11-01*/index.html"))
    text = meeting.read_text(encoding="utf-8")
    assert "&lt;iframe src=x&gt;&lt;/iframe&gt;" in text  # shown as text, not dropped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.browser
def test_opening_every_page_runs_nothing_from_the_notes(
        hostile_site: Path, browser: object) -> None:  # noqa: F811
    dialogs: list[str] = []
    page = browser.new_page()  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in sorted(hostile_site.rglob("*.html")):
        page.goto(path.as_uri())
    page.close()
    assert dialogs == []
