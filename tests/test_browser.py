"""What only a browser can show: the example site opened from disk in a real Chromium.

Uses Playwright driving the system Chromium (`/usr/bin/chromium`). Without it the tests
skip locally, but fail under CI=true, where .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from refjournal.build import build
from refjournal.insights.balances import balances
from refjournal.journal.load import load

from .conftest import REPO, TODAY

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("REFJOURNAL_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the playwright package is not installed"
    if missing is None and not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        missing = f"no Chromium at {CHROMIUM}"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests need a browser under CI: {missing}")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Built under a sub-path, to show that relative links work wherever the site sits.
    out = tmp_path_factory.mktemp("pub") / "some" / "sub-path"
    result = build(REPO / "journal", out, TODAY)
    assert result.written
    return out


def open_page(browser, url: str, width: int = 1280, height: int = 900):
    page = browser.new_page(viewport={"width": width, "height": height})
    external: list[str] = []
    page.on("request", lambda request: external.append(request.url)
            if not request.url.startswith("file://") else None)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.external = external
    page.errors = errors
    return page


def test_dashboard_shows_due_items_first_and_makes_no_external_request(browser, site):
    page = open_page(browser, (site / "index.html").as_uri())
    headings = page.locator("main h2").all_inner_texts()
    assert headings[:5] == ["Overdue and due soon", "Give this week", "Goals",
                            "This week’s meetings", "Give and get"]
    first_state = page.locator("table.due tbody tr").first.locator(".badge").inner_text()
    assert first_state == "overdue"
    assert page.locator('meta[name="robots"]').get_attribute("content").startswith("noindex")
    assert page.external == [] and page.errors == []
    page.close()


def test_navigation_by_relative_links_from_disk(browser, site):
    page = open_page(browser, (site / "index.html").as_uri())
    for label, title in [("Contacts", "Contacts"), ("Meetings", "Meetings"),
                         ("Follow-ups", "Follow-ups"), ("Referrals", "Referral ledger"),
                         ("Balances", "Give and get balances"), ("Dashboard", "Maya")]:
        page.locator("header nav").get_by_role("link", name=label, exact=True).click()
        assert page.locator("h1").inner_text().startswith(title)
    page.locator("header nav").get_by_role("link", name="Contacts", exact=True).click()
    page.get_by_role("link", name="Priya Raman").first.click()
    assert page.url.endswith("/some/sub-path/contacts/priya-raman/index.html")
    assert "referral partner" in page.locator("h1").inner_text()
    page.locator("table.ledger a").first.click()  # to a meeting page
    assert "/meetings/2026/" in page.url
    page.locator("main a.contact").first.click()  # and back to a contact
    assert "/contacts/" in page.url
    assert page.external == [] and page.errors == []
    page.close()


def test_tables_sort_and_filter(browser, site):
    page = open_page(browser, (site / "contacts" / "index.html").as_uri())
    rows = page.locator("#contacts-table tbody tr")
    balance_header = page.locator("#contacts-table th", has_text="Balance")
    balance_header.click()
    balance_header.click()  # descending: the biggest taker first
    taker = max(balances(load(REPO / "journal").journal).values(), key=lambda b: b.balance)
    assert rows.first.locator("td a").first.inner_text() == taker.name
    assert taker.balance == int(rows.first.locator("td").last.inner_text())
    page.locator("input.filter").fill("accountant")
    visible = [r for r in rows.all() if r.is_visible()]
    assert [r.locator("td").first.inner_text().split()[0] for r in visible] == ["Priya"]
    page.close()


def test_readable_on_a_phone(browser, site):
    for rel in ("index.html", "contacts/priya-raman/index.html", "follow-ups/index.html"):
        page = open_page(browser, (site / rel).as_uri(), width=390)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{rel} scrolls sideways on a phone"
        page.close()


def test_wikilinks_in_bodies_link_to_contacts(browser, site):
    page = open_page(browser, (site / "meetings" / "2026" / "2026-11-17-one-to-one-jose"
                               / "index.html").as_uri())
    links = page.locator(".notes a.wikilink")
    assert links.count() >= 1
    links.first.click()
    assert "/contacts/" in page.url and page.locator("h1").count() == 1
    page.close()
