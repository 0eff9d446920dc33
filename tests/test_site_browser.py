"""The site as a reader uses it, in a real Chromium: sorting, filtering, the search box,
due labels that stay true after the build day, and the pages at phone width and in dark
mode. Shares the browser fixture (and its CI rule) with test_browser.py."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from refjournal.build import build

from .conftest import REPO, TODAY, write_journal
from .test_browser import browser, open_page  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    assert build(REPO / "journal", out, TODAY).written
    return out


@pytest.fixture(scope="module")
def secret_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("secret") / "site"
    assert build(REPO / "journal", out, TODAY, password=PASSWORD).written
    return out


def http_server(folder: Path, asked: list[tuple[str, int]] | None = None) -> Iterator[str]:
    """Serve `folder`; each request's path and status go into `asked`, when given."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if asked is not None:
                asked.append((self.path, int(code)))

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    yield from http_server(site)


@pytest.fixture(scope="module")
def served_secret(secret_site: Path) -> Iterator[str]:
    yield from http_server(secret_site)


def results(page) -> list[str]:
    page.wait_for_selector(".search-popup:not([hidden])")
    return page.locator("#search-results [role=option]").evaluate_all(
        "links => links.map(a => a.firstChild.textContent)")


# --- sorting and filtering -------------------------------------------------------------

def test_a_header_sorts_by_click_and_by_keyboard(browser, site):  # noqa: F811
    page = open_page(browser, (site / "review" / "index.html").as_uri())
    dates = page.locator("#review-table tbody tr td.date")
    shown = dates.all_inner_texts()
    assert shown == sorted(shown, reverse=True)  # latest first, as built
    header = page.locator("#review-table th", has_text="Last met")
    header.locator("button").focus()  # a button: reached by Tab, pressed with Enter
    page.keyboard.press("Enter")
    assert dates.all_inner_texts() == sorted(shown)
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    assert dates.all_inner_texts() == sorted(shown, reverse=True)
    page.locator("#review-table th", has_text="Contact").click()
    names = page.locator("#review-table tbody tr td:first-child a").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    assert page.errors == []
    page.close()


def test_filtering_ignores_case_and_accents(browser, site):  # noqa: F811
    page = open_page(browser, (site / "contacts" / "index.html").as_uri())
    page.locator("input.filter").fill("NUNEZ")
    visible = [r for r in page.locator("#contacts-table tbody tr").all() if r.is_visible()]
    assert [r.locator("td a").first.inner_text() for r in visible] == ["José Núñez"]
    page.locator("input.filter").fill("overdue")  # health words and due states too
    rows = page.locator("#contacts-table tbody tr").all()
    visible = [r for r in rows if r.is_visible()]
    assert 0 < len(visible) < len(rows)
    assert all("overdue" in r.inner_text() for r in visible)
    assert any("overdue" in r.locator("td").nth(1).inner_text() for r in visible)
    page.close()


# --- search --------------------------------------------------------------------------

def test_search_from_disk_finds_contacts_and_meetings_as_you_type(browser, site):  # noqa: F811
    page = open_page(browser, (site / "meetings" / "index.html").as_uri())
    box = page.locator("input[role=combobox]#site-search")
    assert box.is_visible()
    box.fill("raman")
    found = results(page)
    assert found[0] == "Priya Raman"
    box.fill("bookkeeper")  # Priya's needs
    assert results(page) == ["Priya Raman"]
    box.fill("priya review")  # a meeting title and its people
    assert any("review" in title.lower() for title in results(page))
    box.fill("zzzz-nothing")
    page.wait_for_selector(".search-none:not([hidden])")
    assert "Nothing matches" in page.locator(".search-popup").inner_text()
    box.fill("raman")
    results(page)
    box.press("ArrowDown")
    assert page.locator("#search-results [aria-selected=true]").count() == 1
    box.press("Enter")
    page.wait_for_url("**/contacts/priya-raman/index.html")
    assert page.locator("h1").inner_text().startswith("Priya Raman")
    assert page.external == [] and page.errors == []
    page.close()


def test_search_finds_a_meeting_by_a_prospect_or_a_follow_up(browser, site):  # noqa: F811
    page = open_page(browser, (site / "contacts" / "index.html").as_uri())
    box = page.locator("#site-search")
    box.fill("tidewater")  # a prospect of referrals, named by no contact or meeting
    found = results(page)
    assert "Referral review with Priya" in found and "Lunch with Lucy" in found
    first = page.locator("#search-results [role=option]").first.locator("small")
    assert first.all_inner_texts()[-1].startswith("prospect: Tidewater Brewing")
    box.fill("lofts electrics gareth")  # words of a follow-up, and a person
    assert results(page) == ["Lunch introducing Oliver and Gareth"]
    assert page.locator("#search-results [role=option] small").all_inner_texts()[-1] == (
        "follow-up: Ask Gareth whether he has priced the Harbour Lofts electrics")
    box.fill("raman")  # found by a name: no line of what else it holds
    results(page)
    assert not any(t.startswith(("prospect:", "follow-up:")) for t in
                   page.locator("#search-results small").all_inner_texts())
    box.fill("harbour lofts electrics")
    results(page)
    box.press("Enter")
    page.wait_for_url("**/meetings/2026/2026-09-01-lunch-oliver-gareth/index.html")
    assert "priced the Harbour Lofts electrics" in page.locator("ul.follow-ups").inner_text()
    assert page.errors == []
    page.close()


def test_search_finds_who_needs_a_trade_and_who_offers_it(browser, site):  # noqa: F811
    page = open_page(browser, (site / "index.html").as_uri())
    box = page.locator("#site-search")
    box.fill("fleet cover")  # what Ben Ashworth offers, in no name, company, role or tag
    assert results(page) == ["Ben Ashworth"]
    assert page.locator("#search-results [role=option] small").all_inner_texts()[-1] == (
        "offers: Every new lease customer needs fleet cover from the day the vans arrive.")
    box.fill("tenants")  # who needs tenants, and who offers them
    found = results(page)
    assert {"Edward Lyle", "José Núñez"} <= set(found)
    lines = page.locator("#search-results [role=option]").evaluate_all(
        "links => links.map(a => [a.firstChild.textContent, a.lastChild.textContent])")
    said = dict(lines)
    assert said["Edward Lyle"].startswith("needs: Landlords and tenants")
    assert said["José Núñez"].startswith("offers: New tenants signing commercial leases")
    assert page.errors == []
    page.close()


def test_search_over_http_reads_the_json_index(browser, served):  # noqa: F811
    page = open_page(browser, served + "contacts/index.html")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.locator("#site-search").fill("josé")
    assert results(page)[0] == "José Núñez"
    assert served + "search.json" in requests and served + "search.js" not in requests
    page.locator("#search-results [role=option]").first.click()
    page.wait_for_url("**/contacts/jose-nunez/index.html")
    page.close()


def test_search_and_csv_on_an_encrypted_site(browser, served_secret):  # noqa: F811
    page = browser.new_page(accept_downloads=True)
    page.goto(served_secret)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector("#site-search", state="visible", timeout=20000)
    page.locator("#site-search").fill("raman")
    assert results(page)[0] == "Priya Raman"
    page.locator("#search-results [role=option]").first.click()
    page.wait_for_selector("h1 bdi", timeout=20000)
    assert page.locator("h1 bdi").inner_text() == "Priya Raman"
    page.goto(served_secret)  # the key is kept for the tab: no password again
    page.wait_for_selector("nav a", timeout=20000)
    page.locator("nav a", has_text="Review").click()
    page.wait_for_selector("a[download]", timeout=20000)
    with page.expect_download() as download:
        page.locator("a[download]").click()
    data = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "review.csv"
    assert data.startswith("\ufeffcontact,last_met".encode())
    page.close()


# --- due labels after the build day ------------------------------------------------------

DUE_JOURNAL = {
    "refjournal.yaml": "soon_days: 3\n",
    "contacts/ada.md": "---\nfollow_up: 2026-11-25\n---\n",
    "contacts/bob.md": "---\nfollow_up: 2026-11-27\n---\n",
    "contacts/cy.md": "---\nfollow_up: 2026-12-04\n---\n",
}


@pytest.mark.parametrize(("reader_day", "labels", "states"), [
    (dt.datetime(2026, 11, 24, 9), ["due in 1 day", "due in 3 days", "due in 10 days"],
     ["soon", "soon", "later"]),
    (dt.datetime(2026, 11, 27, 23, 30), ["2 days overdue", "due today", "due in 7 days"],
     ["overdue", "today", "later"]),
    (dt.datetime(2026, 12, 2, 0, 5), ["7 days overdue", "5 days overdue", "due in 2 days"],
     ["overdue", "overdue", "soon"]),
])
def test_due_labels_follow_the_readers_date(browser, tmp_path, reader_day, labels,  # noqa: F811
                                            states):
    root = write_journal(tmp_path / "journal", DUE_JOURNAL)
    assert build(root, tmp_path / "site", TODAY).written
    page = browser.new_page()
    page.clock.set_fixed_time(reader_day)
    page.goto((tmp_path / "site" / "follow-ups" / "index.html").as_uri())
    rows = page.locator("table.due tbody tr")
    assert rows.locator(".due-label").all_inner_texts() == labels
    assert rows.locator(".badge").all_inner_texts() == states
    assert rows.first.locator(".badge").get_attribute("class") == f"badge state-{states[0]}"
    page.close()


def test_without_javascript_the_labels_say_the_build_day(browser, tmp_path):  # noqa: F811
    root = write_journal(tmp_path / "journal", DUE_JOURNAL)
    assert build(root, tmp_path / "site", TODAY).written
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((tmp_path / "site" / "follow-ups" / "index.html").as_uri())
    assert page.locator(".due-label").all_inner_texts() == [
        "due in 1 day", "due in 3 days", "due in 10 days"]
    assert page.locator("table.due time").first.get_attribute("datetime") == "2026-11-25"
    assert not page.locator("form.search").is_visible()  # no search box that cannot work
    context.close()


# --- phone, dark mode, charts ------------------------------------------------------------

PAGES = ("index.html", "insights/index.html", "review/index.html", "connections/index.html",
         "tags/index.html", "tags/chapter/index.html", "contacts/index.html",
         "contacts/priya-raman/index.html", "suggestions/index.html")


@pytest.mark.parametrize("rel", PAGES)
def test_pages_fit_a_360_pixel_phone(browser, site, rel):  # noqa: F811
    page = open_page(browser, (site / rel).as_uri(), width=360)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{rel} scrolls sideways at 360 px"
    assert page.locator("main").count() == 1 and page.locator("header nav").count() == 1
    assert page.errors == []
    page.close()


# The tables of a contact's referrals and of the week's meetings, on a 390 px phone: every
# column's header and every cell with something in it lie inside the table's box, none cut
# off or behind a sideways scroll (the rows stack).
COLUMNS_SHOWN = """table => {
  const box = (table.closest(".scroll") || table.parentElement).getBoundingClientRect();
  const width = document.documentElement.clientWidth;
  const cut = [];
  const inside = cell => {
    const r = cell.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= Math.max(box.left, 0) - 0.5
      && r.right <= Math.min(box.right, width) + 0.5;
  };
  const heads = Array.from(table.tHead.rows[0].cells);
  heads.forEach(th => { if (!inside(th)) cut.push("header " + th.textContent.trim()); });
  Array.from(table.tBodies[0].rows).forEach((row, n) => {
    if (row.cells.length !== heads.length) cut.push("row " + n + " has other columns");
    Array.from(row.cells).forEach((td, i) => {
      if (td.textContent.trim() && !inside(td)) cut.push(n + ": " + heads[i].textContent.trim());
    });
  });
  return cut;
}"""


@pytest.mark.parametrize(("rel", "selector"), [
    ("contacts/priya-raman/index.html", "table.ledger"), ("index.html", "table.meetings"),
    ("referrals/index.html", "table.ledger"), ("meetings/index.html", "table.meetings"),
    ("suggestions/index.html", "table.suggestions")])
def test_every_column_of_the_wide_tables_shows_on_a_390_pixel_phone(
        browser, site, rel, selector):  # noqa: F811
    page = open_page(browser, (site / rel).as_uri(), width=390, height=844)
    table = page.locator(selector).first
    assert table.locator("tbody tr").count() > 0
    assert table.evaluate(COLUMNS_SHOWN) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    header = table.locator("th").first  # the labels still sort the rows
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    assert table.evaluate(COLUMNS_SHOWN) == []
    assert page.errors == []
    page.close()


def test_pages_ask_for_nothing_missing_and_log_no_error(browser, site):  # noqa: F811
    asked: list[tuple[str, int]] = []
    server = http_server(site, asked)
    base = next(server)
    try:
        page = browser.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("console", lambda m: failed.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: failed.append(str(exc)))
        for rel in ("index.html", "contacts/priya-raman/index.html",
                    "meetings/2026/chapter/2026-11-19-chapter-breakfast/index.html"):
            page.goto(base + rel)
            page.wait_for_load_state("networkidle")
            # the icon, linked relative to each page, is the one file at the site's top
            icon = page.locator('link[rel="icon"]').evaluate("link => link.href")
            assert icon == base + "assets/favicon.svg"
        page.wait_for_timeout(300)  # the browser asks for an icon after the load
        page.close()
    finally:
        server.close()
    assert failed == []
    assert [(path, code) for path, code in asked if code >= 400] == []
    assert ("/assets/favicon.svg", 200) in asked


def test_dark_mode_turns_the_charts_light_on_dark(browser, site):  # noqa: F811
    colours = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        page.goto((site / "insights" / "index.html").as_uri())
        colours[scheme] = page.evaluate("""() => {
            const brightness = c => c.match(/\\d+/g).slice(0, 3).map(Number)
                                     .reduce((a, b) => a + b, 0) / 3;
            const body = getComputedStyle(document.body).backgroundColor;
            const label = getComputedStyle(document.querySelector('svg.chart text')).fill;
            return [brightness(body), brightness(label)];
        }""")
        page.close()
    (light_bg, light_text), (dark_bg, dark_text) = colours["light"], colours["dark"]
    assert light_bg > 200 and dark_bg < 60
    assert light_text < light_bg - 80 and dark_text > dark_bg + 80  # readable in both


def test_charts_are_images_with_their_numbers_as_text(browser, site):  # noqa: F811
    page = open_page(browser, (site / "insights" / "index.html").as_uri())
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() >= 2
    for i in range(charts.count()):
        chart = charts.nth(i)
        [title] = (page.locator(f"#{name}").text_content()
                   for name in chart.get_attribute("aria-labelledby").split())
        desc, *tables = chart.get_attribute("aria-describedby").split()
        assert title and any(ch.isdigit() for ch in page.locator(f"#{desc}").text_content())
        # ... and the tables that hold the same numbers, on the page
        assert tables and all(page.locator(f"table#{t}").count() == 1 for t in tables)
    page.locator("summary").first.click()
    assert page.locator("details table").first.is_visible()
    page.close()


def test_health_and_last_contact_follow_the_readers_date(browser, tmp_path):  # noqa: F811
    root = write_journal(tmp_path / "journal", {
        "refjournal.yaml": "soon_days: 3\n",
        "contacts/ada.md": "---\ncadence: 30\n---\n",  # due 1 December
        "contacts/bob.md": "---\ncadence: 30\npaused: true\n---\n",
        "meetings/2026-11-01-coffee.md": "---\nwith: [ada, bob]\nkind: coffee\n---\n",
    })
    assert build(root, tmp_path / "site", TODAY).written
    seen = {}
    for day in (dt.datetime(2026, 11, 24, 12), dt.datetime(2026, 11, 29, 12),
                dt.datetime(2026, 12, 2, 12)):
        page = browser.new_page()
        page.clock.set_fixed_time(day)
        page.goto((tmp_path / "site" / "contacts" / "index.html").as_uri())
        words = page.locator("td.health-cell .word").all_inner_texts()
        lights = page.locator("td.health-cell .health").evaluate_all(
            "spans => spans.map(s => s.className)")
        page.goto((tmp_path / "site" / "contacts" / "ada" / "index.html").as_uri())
        seen[day.day] = (words, lights, page.locator(".ago").inner_text())
        page.close()
    assert seen[24] == (["on track", "paused"], ["health health-green", "health health-grey"],
                        "23 days ago")
    assert seen[29] == (["due soon", "paused"], ["health health-amber", "health health-grey"],
                        "28 days ago")
    assert seen[2] == (["overdue", "paused"], ["health health-red", "health health-grey"],
                       "31 days ago")


def test_search_announces_its_results_and_escape_closes_first(browser, site):  # noqa: F811
    page = open_page(browser, (site / "index.html").as_uri())
    box = page.locator("#site-search")
    box.fill("raman")
    results(page)
    status = page.locator("#search-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text().endswith("results") or status.inner_text() == "1 result"
    assert page.get_by_role("group", name="Contacts").count() == 1
    box.press("Escape")
    assert page.locator(".search-popup").is_hidden() and box.input_value() == "raman"
    box.press("Escape")
    assert box.input_value() == ""
    box.fill("raman")
    results(page)
    page.keyboard.press("Tab")  # focus leaves the search: the list closes
    page.wait_for_selector(".search-popup", state="hidden")
    page.close()
