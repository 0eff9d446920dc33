"""The dashboard and the follow-ups page read on a later day, in a real Chromium: their
counts, sections and "as of" follow the reader's day, as the due labels do, and say the
build's figures and day with scripts off; the goals say plainly they are as of the build.

The expected figures come from `refjournal due --today DAY`, over the journal stated here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from refjournal.build import build
from refjournal.cli import main
from refjournal.insights.goals import goal_progress
from refjournal.journal.load import load

from .conftest import TODAY, write_journal
from .test_browser import browser  # noqa: F401  (a fixture)

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"

# Built on Tuesday 24 November 2026 (TODAY), with `soon_days: 3`: one item overdue (Ada),
# one due today (Bob), one soon (Cy); Dee, Gus, Eve and Fay are later. Read on Wednesday
# 2 December, the next week: Ada to Dee overdue, Gus due today, Eve soon, Fay later.
JOURNAL = {
    "refjournal.yaml": """
        title: Test journal
        soon_days: 3
        goals:
          one_to_ones_per_week: 2
          events_per_week: 0
          referrals_given_per_month: 1
          closed_business_per_month: 0
    """,
    "contacts/ada.md": "---\nname: Ada Byron\nfollow_up: 2026-11-20\n---\n",
    "contacts/bob.md": "---\nname: Bob Stone\nfollow_up: 2026-11-24\n---\n",
    "contacts/cy.md": "---\nname: Cy Twombly\nfollow_up: 2026-11-26\n---\n",
    "contacts/dee.md": "---\nname: Dee Dee\nfollow_up: 2026-12-01\n---\n",
    "contacts/gus.md": "---\nname: Gus Grey\nfollow_up: 2026-12-02\n---\n",
    "contacts/eve.md": "---\nname: Eve Moss\nfollow_up: 2026-12-05\n---\n",
    "contacts/fay.md": "---\nname: Fay Wray\nfollow_up: 2027-01-10\n---\n",
    "meetings/2026-11-23-one-to-one-ada.md": "---\nwith: [ada]\nkind: one-to-one\n---\n",
    "meetings/2026-11-26-one-to-one-bob.md": "---\nwith: [bob]\nkind: one-to-one\n---\n",
}
STATES = ("overdue", "today", "soon", "later")
LATER = dt.datetime(2026, 12, 2, 9, 30)  # a Wednesday, the week after the build's
SAME_WEEK = dt.datetime(2026, 11, 26, 18)  # the Thursday of the build's week
EARLIER = dt.datetime(2026, 11, 23, 23, 30)  # the evening before, west of the builder


@pytest.fixture(scope="module")
def journal_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_journal(tmp_path_factory.mktemp("reader-day") / "journal", JOURNAL)


@pytest.fixture(scope="module")
def site(journal_root: Path) -> Path:
    out = journal_root.parent / "site"
    assert build(journal_root, out, TODAY).written
    return out


def due(root: Path, day: dt.date) -> list[dict[str, str]]:
    """What `refjournal due --today DAY --json` lists."""
    result = CliRunner().invoke(main, ["due", "--journal", str(root), "--today",
                                       day.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    items: list[dict[str, str]] = json.loads(result.output)
    return items


def counts(items: list[dict[str, str]]) -> dict[str, int]:
    found = Counter(item["state"] for item in items)
    return {state: found[state] for state in STATES}


def shown(page, selector: str) -> list[str]:
    """The inner texts of the elements matching `selector` that are visible."""
    return [e.inner_text() for e in page.locator(selector).all() if e.is_visible()]


def open_at(browser, url: str, day: dt.datetime | None):  # noqa: F811
    """A page opened at `url` with the reader's clock at `day` (None: scripts off)."""
    context = browser.new_context(java_script_enabled=day is not None)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    if day is not None:
        page.clock.set_fixed_time(day)
    page.goto(url)
    page.errors = errors
    return context, page


def cards(page) -> dict[str, int]:
    return {state: int(page.locator(f".card.state-{state} strong").inner_text())
            for state in STATES[:3]}


def footer(page) -> str:
    return " ".join(page.locator("footer").inner_text().split())


# --- the dashboard ------------------------------------------------------------------

@pytest.mark.parametrize("day", [LATER, SAME_WEEK, EARLIER], ids=["later", "same-week",
                                                                   "earlier"])
def test_the_dashboards_counts_and_table_follow_the_readers_day(browser, journal_root,  # noqa: F811
                                                                site, day):
    expected = due(journal_root, day.date())
    context, page = open_at(browser, (site / "index.html").as_uri(), day)
    want = counts(expected)
    assert cards(page) == {state: want[state] for state in STATES[:3]}
    urgent = [item["what"] for item in expected if item["state"] != "later"]
    rows = [r for r in page.locator("table.due tbody tr").all() if r.is_visible()]
    assert [r.locator("td.what").inner_text().split("\n")[0] for r in rows] == urgent
    assert [r.locator(".badge").inner_text() for r in rows] == [
        item["state"] for item in expected if item["state"] != "later"]
    long = f"{day:%a} {day.day} {day:%b %Y}"
    assert page.locator("p.lede").inner_text() == f"As of {long}."
    assert page.locator("p.lede time").get_attribute("datetime") == day.date().isoformat()
    assert f"as of {long} (built Tue 24 Nov 2026) · private" in footer(page)
    assert page.errors == []
    context.close()


def test_on_the_build_day_the_page_says_nothing_more(browser, journal_root, site):  # noqa: F811
    day = dt.datetime(2026, 11, 24, 12)
    context, page = open_at(browser, (site / "index.html").as_uri(), day)
    assert cards(page) == {"overdue": 1, "today": 1, "soon": 1}
    assert page.locator("p.lede").inner_text() == "As of Tue 24 Nov 2026."
    assert "as of Tue 24 Nov 2026 · private" in footer(page)
    assert shown(page, ".goal h3 small") == ["this week", "this week", "this month", "this month"]
    context.close()


def test_without_javascript_the_dashboard_says_the_build_day(browser, site):  # noqa: F811
    context, page = open_at(browser, (site / "index.html").as_uri(), None)
    assert cards(page) == {"overdue": 1, "today": 1, "soon": 1}
    assert [what.split("\n")[0] for what in shown(page, "table.due td.what")] == [
        "Follow up with Ada Byron", "Follow up with Bob Stone", "Follow up with Cy Twombly"]
    assert page.locator("table.due tbody tr").count() == 7  # the rest are there, hidden
    assert page.locator("p.lede").inner_text() == "As of Tue 24 Nov 2026."
    assert "as of Tue 24 Nov 2026 · private" in footer(page)
    assert shown(page, ".goal h3 small") == ["this week", "this week", "this month", "this month"]
    assert shown(page, "p.streak small") == ["1 more booked this week"]
    assert page.locator("section:has(#goals) p.hint").first.inner_text() == (
        "Counted on Tue 24 Nov 2026, when the site was built.")
    context.close()


def test_nothing_urgent_shows_the_empty_message_until_something_is(browser, tmp_path):  # noqa: F811
    root = write_journal(tmp_path / "journal", {
        "refjournal.yaml": "soon_days: 3\n",
        "contacts/ada.md": "---\nfollow_up: 2026-12-10\n---\n"})
    assert build(root, tmp_path / "site", TODAY).written
    url = (tmp_path / "site" / "index.html").as_uri()
    for day, urgent in ((None, False), (dt.datetime(2026, 11, 30, 12), False),
                        (dt.datetime(2026, 12, 8, 12), True)):
        context, page = open_at(browser, url, day)
        assert page.locator("p.empty", has_text="Nothing overdue").is_visible() is not urgent
        assert page.locator(".urgent-only").is_visible() is urgent
        assert cards(page)["soon"] == (1 if urgent else 0)
        context.close()


# --- the goals: as of the build -------------------------------------------------------

def test_the_goals_say_they_are_the_builds_once_the_week_has_moved_on(browser, journal_root,  # noqa: F811
                                                                        site):
    goals = goal_progress(load(journal_root).journal, TODAY)
    context, page = open_at(browser, (site / "index.html").as_uri(), LATER)
    assert shown(page, ".goal h3 small") == [
        "in the week of Tue 24 Nov 2026", "in the week of Tue 24 Nov 2026",
        "in November 2026", "in November 2026"]
    assert page.locator("section:has(#goals) p.hint").first.inner_text() == (
        "Counted on Tue 24 Nov 2026, when the site was built; what you log since counts "
        "from the next build.")
    assert shown(page, "p.streak small") == []  # "1 more booked this week" is past
    # The figures themselves are the build's: one one-to-one held that week, one booked.
    assert page.locator(".goal p.count strong").all_inner_texts()[:3] == [
        str(goal.current) for goal in goals[:3]] == ["1", "0", "0"]
    assert page.locator(".goal p.streak strong").all_inner_texts() == [
        str(goal.streak) for goal in goals if goal.goal]
    assert page.locator("p.hint[data-period]").inner_text() == (  # this week's meetings
        "The week of Tue 24 Nov 2026, when the site was built.")
    context.close()


def test_in_the_builds_week_the_goals_say_this_week(browser, site):  # noqa: F811
    context, page = open_at(browser, (site / "index.html").as_uri(), SAME_WEEK)
    assert shown(page, ".goal h3 small") == ["this week", "this week", "this month", "this month"]
    assert shown(page, "p.streak small") == ["1 more booked this week"]
    assert not page.locator("p.hint[data-period]").is_visible()
    context.close()


# --- the follow-ups page --------------------------------------------------------------

def sections(page) -> dict[str, list[str]]:
    """Each state's section: the visible rows' contacts, or ["Nothing."]."""
    found = {}
    for state in STATES:
        section = page.locator(f"section#{state}")
        rows = [r.locator("a.contact").inner_text() for r in
                section.locator("table.due tbody tr").all() if r.is_visible()]
        empty = section.locator("p.empty")
        assert empty.is_visible() is (not rows)
        found[state] = rows or [empty.inner_text()]
        assert section.locator("h2 small").inner_text() == str(len(rows))
        assert page.locator(f'nav.jump a[href="#{state}"]').inner_text().split()[-1] == str(
            len(rows))
    return found


NAMES = {"ada": "Ada Byron", "bob": "Bob Stone", "cy": "Cy Twombly", "dee": "Dee Dee",
         "gus": "Gus Grey", "eve": "Eve Moss", "fay": "Fay Wray"}


@pytest.mark.parametrize("day", [LATER, EARLIER, None], ids=["later", "earlier", "no-script"])
def test_the_follow_ups_sections_follow_the_readers_day(browser, journal_root, site, day):  # noqa: F811
    expected = due(journal_root, (day or dt.datetime(2026, 11, 24)).date())
    context, page = open_at(browser, (site / "follow-ups" / "index.html").as_uri(), day)
    want = {state: [NAMES[i["contacts"][0]] for i in expected if i["state"] == state]
            or ["Nothing."] for state in STATES}
    assert sections(page) == want
    long = f"{day:%a} {day.day} {day:%b %Y}" if day else "Tue 24 Nov 2026"
    assert page.locator("p.lede").inner_text().startswith(f"Everything that is due, as of {long}:")
    # The filter still finds rows in their new sections, and clearing it brings back all.
    if day is not None:
        page.locator("input.filter").fill("dee")
        assert [r.inner_text() for r in page.locator("table.due a.contact").all()
                if r.is_visible()] == ["Dee Dee"]
        page.locator("input.filter").fill("")
        assert sections(page) == want
    assert page.errors == []
    context.close()


def test_items_the_days_close_leave_the_pages_after_them(browser, tmp_path):  # noqa: F811
    # Hal's birthday is due on 28 November, and gone after it (the next is a year away);
    # the loop of Ivy's referral of 1 November (no `loop_since`) ends on 1 December.
    root = write_journal(tmp_path / "journal", {
        "refjournal.yaml": "soon_days: 3\n",
        "contacts/hal.md": "---\nname: Hal Ford\nbirthday: 1980-11-28\n---\n",
        "contacts/ivy.md": "---\nname: Ivy Lee\n---\n",
        "meetings/2026-11-01-coffee-ivy.md": """
            ---
            with: [ivy]
            kind: coffee
            got:
              - from: ivy
                prospect: Harbour Gin
                contacted: 2026-11-02
            ---
            """,
    })
    assert build(root, tmp_path / "site", TODAY).written
    for day in (dt.datetime(2026, 11, 28, 8), dt.datetime(2026, 11, 30, 8), LATER):
        expected = due(root, day.date())
        context, page = open_at(browser, (tmp_path / "site" / "follow-ups" / "index.html")
                                .as_uri(), day)
        rows = page.locator("table.due tbody tr")
        assert [(r.locator("td.what").inner_text().split("\n")[0],
                 r.locator(".badge").inner_text()) for r in rows.all()] == [
            (item["what"], item["state"]) for item in expected], day
        page.goto((tmp_path / "site" / "index.html").as_uri())
        want = counts(expected)
        assert cards(page) == {state: want[state] for state in STATES[:3]}
        context.close()
    assert due(root, LATER.date()) == []


def test_a_page_of_the_builds_figures_alone_keeps_the_builds_day(browser, site):  # noqa: F811
    context, page = open_at(browser, (site / "balances" / "index.html").as_uri(), LATER)
    assert "as of Tue 24 Nov 2026 · private" in footer(page)
    context.close()


# --- an encrypted site ------------------------------------------------------------------

@pytest.fixture(scope="module")
def served_secret(journal_root: Path) -> Iterator[str]:
    from .test_site_browser import http_server

    out = journal_root.parent / "secret"
    assert build(journal_root, out, TODAY, password=PASSWORD).written
    yield from http_server(out)


def test_an_encrypted_dashboard_follows_the_readers_day_once_opened(browser, journal_root,  # noqa: F811
                                                                     served_secret):
    context, page = open_at(browser, served_secret, LATER)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector(".cards", timeout=20000)
    page.wait_for_function("document.querySelector('p.lede').textContent.includes('Dec')")
    want = counts(due(journal_root, LATER.date()))
    assert cards(page) == {state: want[state] for state in STATES[:3]}
    assert page.locator("p.lede").inner_text() == "As of Wed 2 Dec 2026."
    context.close()
