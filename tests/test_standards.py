"""The web's own checkers over the built example site, so that no change brings a violation
back: axe-core (WCAG 2.0, 2.1 and 2.2 at A and AA, and its best practices) on every kind of
page, in light and dark, at desk and phone width; the Nu HTML Checker on every page; and
what only a keyboard, forced colours or reduced motion can show.

axe-core and the Nu checker (`vnu-jar`) come from npm at the versions .ci/run pins, which
names their `node_modules` folder in REFJOURNAL_NPM_TOOLS; the Nu checker runs on Java.
Without them these tests skip locally, but fail under CI=true, as the browser tests do.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from refjournal.build import build

from .conftest import TODAY, write_journal
from .test_browser import browser  # noqa: F401  (a fixture)
from .test_site_browser import http_server, served, site  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
CI = os.environ.get("CI") == "true"
PASSWORD = "a long and unguessable test passphrase"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
LOOKS = [("light", 1280), ("dark", 1280), ("light", 390), ("dark", 390)]


def npm_file(relative: str) -> Path:
    """A file of the pinned npm packages, or the test skips (fails under CI)."""
    folder = os.environ.get("REFJOURNAL_NPM_TOOLS", "")
    path = Path(folder) / relative
    if folder and path.is_file():
        return path
    missing = (f"{relative} is not in REFJOURNAL_NPM_TOOLS ({folder or 'unset'}); "
               ".ci/run installs it")
    if CI:
        pytest.fail(missing)
    pytest.skip(missing)


@pytest.fixture(scope="module")
def axe() -> str:
    return npm_file("axe-core/axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def secret_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small encrypted site: its password page is the same for every journal."""
    root = write_journal(tmp_path_factory.mktemp("secret-journal"), {
        "refjournal.yaml": "title: Referral journal\nowner: Maya Okafor\n",
        "contacts/ada-lovelace.md": """\
            ---
            name: Ada Lovelace
            company: Analytical Engines
            cadence: 30
            ---
            """,
        "meetings/2026-11-02-coffee-ada.md": """\
            ---
            date: 2026-11-02
            with: [[Ada Lovelace]]
            gave:
              - to: [[Ada Lovelace]]
                prospect: Byron & Co
            follow_ups:
              - due: 2026-11-20
                what: Send Ada the slides
            ---
            Coffee.
            """,
    })
    out = tmp_path_factory.mktemp("secret") / "site"
    assert build(root, out, TODAY, password=PASSWORD).written
    return out


@pytest.fixture(scope="module")
def served_secret(secret_site: Path) -> Iterator[str]:
    yield from http_server(secret_site)


def largest(folder: Path) -> str:
    """The page under `folder` (not its index) with the most in it: the one most likely
    to show every part of its kind."""
    pages = [p for p in folder.rglob("index.html") if p.parent != folder]
    return max(pages, key=lambda p: (p.stat().st_size, p.as_posix())).relative_to(
        folder.parent).as_posix()


def example_pages(folder: Path) -> dict[str, str]:
    return {
        "dashboard": "index.html",
        "contacts": "contacts/index.html",
        "contact": largest(folder / "contacts"),
        "meetings": "meetings/index.html",
        "meeting": largest(folder / "meetings"),
        "follow-ups": "follow-ups/index.html",
        "balances": "balances/index.html",
        "referrals": "referrals/index.html",
        "insights": "insights/index.html",
        "review": "review/index.html",
        "connector": "connections/index.html",
        "tags": "tags/index.html",
        "tag": largest(folder / "tags"),
        "suggestions": "suggestions/index.html",
    }


def open_search(page) -> None:
    page.fill("#site-search", "ra")
    page.wait_for_selector("#search-results [role=option]")
    page.keyboard.press("ArrowDown")


def unlock(page) -> None:
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector("main h1:has-text('dashboard')", timeout=20000)


def axe_violations(browser, axe: str, url: str,  # noqa: F811
                   prepare: Callable[..., None] | None = None) -> list[str]:
    """axe-core's violations on the page at `url` in each of LOOKS, one line per element;
    the four runs go at once, each in its own renderer."""
    pages = []
    for scheme, width in LOOKS:
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      color_scheme=scheme)
        page = context.new_page()
        page.goto(url)
        if prepare:
            prepare(page)
        page.add_script_tag(content=axe)
        page.evaluate("""rules => {
            window.axeRun = axe.run(document, {runOnly: {type: "tag", values: rules},
                                               resultTypes: ["violations"]})
              .then(r => ({passed: r.passes.length, found: r.violations.flatMap(v =>
                  v.nodes.map(n => v.id + " at " + n.target.join(" ") + ": "
                                   + n.failureSummary.replace(/\\s+/g, " ")))}));
        }""", RULES)
        pages.append(page)
    found = []
    for (scheme, width), page in zip(LOOKS, pages, strict=True):
        result = page.evaluate("window.axeRun")
        assert result["passed"] > 20, f"axe checked next to nothing on {url}"
        found += [f"{scheme}, {width} px: {line}" for line in result["found"]]
        page.context.close()
    return found


# --- axe-core, page kind by page kind -------------------------------------------------

KINDS = ["dashboard", "contacts", "contact", "meetings", "meeting", "follow-ups", "balances",
         "referrals", "insights", "review", "connector", "tags", "tag", "suggestions"]


@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_nothing_on_each_kind_of_page(browser, axe, site, served, kind):  # noqa: F811
    assert axe_violations(browser, axe, served + example_pages(site)[kind]) == []


def test_axe_finds_nothing_with_search_results_open(browser, axe, served):  # noqa: F811
    assert axe_violations(browser, axe, served + "contacts/index.html", open_search) == []


def test_axe_finds_nothing_on_an_encrypted_sites_password_page_and_after(
        browser, axe, served_secret):  # noqa: F811
    assert axe_violations(browser, axe, served_secret + "index.html") == []
    assert axe_violations(browser, axe, served_secret + "index.html", unlock) == []


# --- the Nu HTML Checker ----------------------------------------------------------------

def nu_errors(*targets: Path) -> list[str]:
    java = shutil.which("java")
    if not java:
        if CI:
            pytest.fail("the Nu HTML Checker needs Java; .ci/run installs it")
        pytest.skip("no java here")
    checked = subprocess.run(
        [java, "-jar", str(npm_file("vnu-jar/build/dist/vnu.jar")), "--errors-only",
         "--format", "json", "--skip-non-html", "--also-check-svg", *map(str, targets)],
        capture_output=True, text=True, timeout=600)
    messages = json.loads(checked.stderr or checked.stdout)["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m['message']}" for m in messages]


@pytest.mark.slow
def test_the_nu_checker_finds_no_error_on_any_page(
        browser, site, secret_site, served, served_secret, tmp_path):  # noqa: F811
    """Every page as written, the password page and a page unlocked, and pages as the
    script leaves them (due labels moved to the reader's day, search results open)."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 200
    after = tmp_path / "after-script"
    after.mkdir()
    context = browser.new_context()
    page = context.new_page()
    for name, url, prepare in [("dashboard", served + "index.html", None),
                               ("search", served + "contacts/index.html", open_search),
                               ("unlocked", served_secret + "index.html", unlock)]:
        page.goto(url)
        if prepare:
            prepare(page)
        (after / f"{name}.html").write_text(page.content())
    context.close()
    assert nu_errors(site, secret_site, after) == []


# --- the keyboard -----------------------------------------------------------------------

FOCUSABLE = """() => Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'))
  .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length
          && getComputedStyle(e).visibility !== 'hidden')
  .map(e => e.outerHTML.slice(0, 120))"""
FOCUSED = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {html: e.outerHTML.slice(0, 120), ring: s.outlineStyle !== 'none'
          && parseFloat(s.outlineWidth) >= 2, svg: e instanceof SVGElement}; }"""


def tab_through(page, limit: int = 600) -> list[dict]:
    """Each element the Tab key reaches, in order, until it comes round again."""
    reached: list[dict] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if reached and now["html"] == reached[0]["html"]:
            return reached
        if not now["html"].startswith("<body"):
            reached.append(now)
    raise AssertionError("the Tab key never came round")


@pytest.mark.parametrize("kind", ["dashboard", "contact", "review", "connector"])
def test_the_tab_key_reaches_every_control_with_a_visible_ring(browser, site, served, kind):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(served + example_pages(site)[kind])
    controls = page.evaluate(FOCUSABLE)
    reached = tab_through(page)
    assert [r["html"] for r in reached] == controls  # all of them, in the page's order
    assert reached[0]["html"].startswith('<a class="skip"')
    assert [r["html"] for r in reached if not r["ring"] and not r["svg"]] == []
    page.close()


def test_the_skip_link_shows_on_focus_and_moves_past_the_header(browser, served):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(served + "index.html")
    skip = page.locator("a.skip")
    assert skip.bounding_box()["y"] + skip.bounding_box()["height"] <= 0  # out of sight
    page.keyboard.press("Tab")
    box = skip.bounding_box()
    assert box["y"] >= 0 and skip.evaluate("e => e === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")  # on into the content, not back to the header
    assert page.evaluate("document.activeElement.closest('main') !== null")
    page.close()


def test_a_connector_node_shows_its_focus(browser, served):  # noqa: F811
    page = browser.new_page()
    page.goto(served + "connections/index.html")
    node = page.locator("svg.graph a").first
    before = node.locator("circle").evaluate("c => getComputedStyle(c).fill")
    node.focus()
    assert node.locator("circle").evaluate("c => getComputedStyle(c).fill") != before
    page.close()


def test_search_results_by_keyboard_alone(browser, served):  # noqa: F811
    page = browser.new_page()
    page.goto(served + "contacts/index.html")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the journal's name
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type("priya")
    page.wait_for_selector("#search-results [role=option]")
    box = page.locator("#site-search")
    assert box.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    chosen = page.locator("#search-results [aria-selected=true]")
    assert chosen.count() == 1
    assert box.get_attribute("aria-activedescendant") == chosen.get_attribute("id")
    assert chosen.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_url("**/contacts/priya-raman/index.html")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("zzzz")
    page.wait_for_selector(".search-none:not([hidden])")
    assert box.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Escape")
    assert page.locator(".search-popup").is_hidden()
    page.close()


def test_the_password_page_by_keyboard_alone(browser, served_secret):  # noqa: F811
    page = browser.new_page()
    page.goto(served_secret + "index.html")
    assert page.evaluate("document.activeElement.id") == "password"  # autofocus
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "remember"
    assert page.evaluate(FOCUSED)["ring"]
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["ring"]
    page.keyboard.press("Enter")
    page.wait_for_selector("main h1:has-text('dashboard')", timeout=20000)
    page.close()


# --- forced colours and reduced motion ----------------------------------------------------

SWATCHES = [".health .light", "figcaption .key.gave", "td.mirror .fill.gave",
            ".score .light", "svg.chart .bar.gave"]
PAINT = """e => { const s = getComputedStyle(e);
  return e instanceof SVGElement ? s.fill : s.backgroundColor; }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_forced_colours_keep_every_swatch_and_badge(browser, served, scheme):  # noqa: F811
    """In Windows high contrast, backgrounds become the system's: a light, a chart's key
    or a bar drawn with a background would vanish, and a badge would be bare text."""
    paints = {}
    for forced in ["none", "active"]:
        page = browser.new_page()
        page.emulate_media(color_scheme=scheme, forced_colors=forced)
        for url in ["insights/index.html", "contacts/index.html"]:
            page.goto(served + url)
            for selector in SWATCHES:
                found = page.locator(selector)
                if found.count():
                    paints[forced, selector] = found.first.evaluate(PAINT)
            badges = page.locator(".badge")
            if forced == "active" and badges.count():
                paints[forced, ".badge border"] = badges.first.evaluate(
                    "e => getComputedStyle(e).borderStyle")
        page.close()
    assert paints.pop(("active", ".badge border")) == "solid"
    assert {s for _, s in paints} == set(SWATCHES)
    for selector in SWATCHES:
        assert paints["active", selector] == paints["none", selector], selector
        assert paints["active", selector] not in ("rgba(0, 0, 0, 0)", "none"), selector


def test_reduced_motion_stops_whatever_would_move(browser, served):  # noqa: F811
    """Nothing on the pages moves on its own; should anything add motion (a browser's
    default, a theme of the journal's own), a reader who asked for less gets none."""
    moving = """() => { const s = document.createElement('style');
      s.textContent = '@keyframes spin { to { transform: rotate(1turn); } }'
        + 'main h1 { animation: spin 2s infinite; }';
      document.head.appendChild(s); return document.getAnimations().length; }"""
    counts = {}
    for motion in ["no-preference", "reduce"]:
        page = browser.new_page()
        page.emulate_media(reduced_motion=motion)
        page.goto(served + "index.html")
        counts[motion] = page.evaluate(moving)
        page.close()
    assert counts == {"no-preference": 1, "reduce": 0}
