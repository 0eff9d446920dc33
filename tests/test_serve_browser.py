"""The daily loop in a real Chromium: save a note, see the page reload; break it, see the
problem over the page; fix it, see the page again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import write_journal
from .test_browser import browser  # noqa: F401 - the shared Chromium fixture
from .test_serve import JOURNAL, start

pytestmark = pytest.mark.browser


def save_like_vim(path: Path, text: str) -> None:
    """vim's default: probe with 4913, write a new file beside the note, rename it over."""
    probe = path.with_name("4913")
    probe.write_text("")
    probe.unlink()
    temp = path.with_name(path.name + "~")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def test_edit_break_and_fix_a_note_while_the_page_is_open(
        tmp_path: Path, browser: object) -> None:  # noqa: F811
    root = write_journal(tmp_path / "journal", JOURNAL)
    server = start(root)
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"http://127.0.0.1:{server.port}/contacts/ada/")
        page.wait_for_function("document.body.innerText.includes('First notes.')")
        page.evaluate("window.sameDocument = true")
        note = root / "contacts" / "ada.md"

        save_like_vim(note, "---\nname: Ada Lovelace\n---\nSecond notes, after coffee.\n")
        page.wait_for_function("document.body.innerText.includes('Second notes')", timeout=5000)
        assert page.evaluate("window.sameDocument === undefined")  # it reloaded

        save_like_vim(note, "---\nname: [Ada Lovelace\n---\nSecond notes, after coffee.\n")
        overlay = page.locator("#refjournal-problems")
        overlay.wait_for(timeout=5000)
        text = overlay.inner_text()
        assert "contacts/ada.md:2: error: bad YAML" in text
        assert "name: [Ada Lovelace" in text  # the source line under it
        assert "Second notes" in page.inner_text("main")  # the last good page stays

        save_like_vim(note, "---\nname: Ada King\n---\nFixed.\n")
        page.wait_for_function("document.body.innerText.includes('Fixed.')", timeout=5000)
        assert overlay.count() == 0
        assert "Ada King" in page.inner_text("h1")
    finally:
        page.close()
        server.process.kill()
        server.process.wait()
