"""Business over time: closed business per month and quarter (by the day it closed), a
period's figures (`stats --period`), the closed business goal and its streak, and amounts
written with the journal's currency; on a journal written inline, counted by hand."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from refjournal.cli import main
from refjournal.insights.business import amount_text, parse_span, period_figures
from refjournal.insights.derive import derive

from .conftest import TODAY  # Tuesday 2026-11-24

D = dt.date
NBSP = "\u00a0"

# Closed business, by the day it closed (`closed_on`, else the meeting's date):
#   2026-01  gave 2000 (passed in December 2025, closed 5 January)
#   2026-09  got 1500 (Ada's referral of August) + 400 (Bob's business, no closed_on) = 1900
#   2026-10  gave 800 (written £800); got 1000 (Cy's)
#   2026-11  got 1250.50 (Ada's) + 600 (Bob and Dee's, one entry) = 1850.50
#   not counted: Dee's 300, won but closing on 1 December, after today; lost and open ones.
BUSINESS = {
    "refjournal.yaml": "currency: GBP\ngoals:\n  closed_business_per_month: 1000\n",
    **{f"contacts/{slug}.md": f"---\nname: {slug.title()}\n---\n"
       for slug in ("ada", "bob", "cy", "dee")},
    "meetings/m0.md": """\
        ---
        date: 2025-12-20
        with: cy
        kind: coffee
        gave:
          - to: cy
            status: won
            value: 2000
            closed_on: 2026-01-05
        ---
        """,
    "meetings/m1.md": """\
        ---
        date: 2026-08-05
        with: ada
        kind: coffee
        got:
          - from: ada
            status: won
            value: 1500
            closed_on: 2026-09-10
        ---
        """,
    "meetings/m2.md": """\
        ---
        date: 2026-09-15
        with: bob
        kind: coffee
        gave:
          - to: bob
            status: won
            value: "£800"
            closed_on: 2026-10-02
        got:
          - from: bob
            type: business
            status: won
            value: 400
        ---
        """,
    "meetings/m3.md": """\
        ---
        date: 2026-10-07
        with: cy
        kind: coffee
        got:
          - from: cy
            status: won
            value: 1000
            closed_on: 2026-10-31
          - from: cy
        gave:
          - to: cy
            status: lost
          - to: [cy, ada]
            type: introduction
        ---
        """,
    "meetings/m4.md": """\
        ---
        date: 2026-10-20
        with: ada
        kind: call
        got:
          - from: ada
            status: won
            value: 1250.50
            closed_on: 2026-11-03
        ---
        """,
    "meetings/m5.md": """\
        ---
        date: 2026-11-10
        with: [bob, dee]
        kind: lunch
        got:
          - status: won
            value: 600
            closed_on: 2026-11-12
        gave:
          - to: dee
            status: won
            value: 300
            closed_on: 2026-12-01
        ---
        """,
}


def derived(loaded, files=BUSINESS, today=TODAY):
    result = loaded(files)
    assert result.ok, [p.format() for p in result.problems]
    return derive(result.journal, today)


def stats(journal, *args, files=BUSINESS):
    root = journal(files)
    result = CliRunner().invoke(main, ["stats", "--journal", str(root), "--today",
                                       TODAY.isoformat(), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_closed_business_per_month_counts_on_the_day_it_closed(loaded):
    months = {m.label: (m.gave, m.got) for m in derived(loaded).closed_months}
    assert len(months) == 12 and list(months)[0] == "2025-12" and list(months)[-1] == "2026-11"
    assert {label: pair for label, pair in months.items() if pair != (0, 0)} == {
        "2026-01": (2000, 0), "2026-09": (0, 1900), "2026-10": (800, 1000),
        "2026-11": (0, 1850.5)}


def test_closed_business_per_quarter(loaded):
    quarters = [(q.label, q.gave, q.got) for q in derived(loaded).closed_quarters]
    assert quarters == [("2026-Q1", 2000, 0), ("2026-Q2", 0, 0), ("2026-Q3", 0, 1900),
                        ("2026-Q4", 800, 2850.5)]


def test_business_closing_after_today_counts_once_that_day_has_come(loaded):
    later = derived(loaded, today=D(2026, 12, 1)).closed_months[-1]
    assert (later.label, later.gave, later.got) == ("2026-12", 300, 0)


@pytest.mark.parametrize(("text", "label", "start", "end"), [
    ("2026-Q4", "2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
    ("2026-q1", "2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
    ("2026-11", "2026-11", D(2026, 11, 1), D(2026, 11, 30)),
    ("2028-02", "2028-02", D(2028, 2, 1), D(2028, 2, 29)),
    ("2026", "2026", D(2026, 1, 1), D(2026, 12, 31)),
    ("9999-Q4", "9999-Q4", D(9999, 10, 1), D(9999, 12, 31)),
])
def test_a_period_is_a_year_a_quarter_or_a_month(text, label, start, end):
    span = parse_span(text)
    assert (span.label, span.start, span.end) == (label, start, end)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "26", "0000", "2026-W48",
                                  "Q4", ""])
def test_a_period_that_is_none_of_those_is_refused(text):
    with pytest.raises(ValueError, match="is not a period"):
        parse_span(text)


def test_a_quarter_s_figures(loaded):
    site = derived(loaded)
    q4 = period_figures(site.journal, parse_span("2026-Q4"), TODAY)
    assert q4.through == TODAY  # not over yet: counted up to today
    # Given: Cy's lost one and Dee's won one (the introduction is not a referral).
    assert (q4.given.count, q4.given.won, q4.given.open, q4.given.lost) == (2, 1, 0, 1)
    # Received: Cy's two, Ada's and Bob and Dee's one entry.
    assert (q4.received.count, q4.received.won, q4.received.open, q4.received.lost) == (4, 3, 1, 0)
    # Closed in the quarter: Bob's £800; Cy's 1000, Ada's 1250.50, Bob and Dee's 600.
    assert (q4.gave_value, q4.got_value) == (800, 2850.5)
    # Ada first referred in August; Bob's September business was not a referral.
    assert [(s.contact, s.first) for s in q4.new_sources] == [
        ("cy", D(2026, 10, 7)), ("bob", D(2026, 11, 10)), ("dee", D(2026, 11, 10))]


def test_a_month_a_year_a_past_and_a_future_period(loaded):
    journal = derived(loaded).journal
    nov = period_figures(journal, parse_span("2026-11"), TODAY)
    assert (nov.given.count, nov.given.won, nov.received.count, nov.received.won) == (1, 1, 1, 1)
    assert (nov.gave_value, nov.got_value) == (0, 1850.5)
    assert [s.contact for s in nov.new_sources] == ["bob", "dee"]
    year = period_figures(journal, parse_span("2026"), TODAY)
    assert (year.given.count, year.given.won, year.given.lost) == (3, 2, 1)
    assert (year.received.count, year.received.won, year.received.open) == (5, 4, 1)
    assert (year.gave_value, year.got_value) == (2800, 4750.5)  # December's 2000 closed in 2026
    assert [s.contact for s in year.new_sources] == ["ada", "cy", "bob", "dee"]
    q3 = period_figures(journal, parse_span("2026-Q3"), TODAY)
    assert q3.through == D(2026, 9, 30)
    assert (q3.given.won, q3.received.won, q3.gave_value, q3.got_value) == (1, 1, 0, 1900)
    future = period_figures(journal, parse_span("2027"), TODAY)
    assert future.through is None and future.received.count == 0 and future.new_sources == ()


def test_stats_period_prints_the_figures_in_the_journal_s_currency(journal):
    out = stats(journal, "--period", "2026-Q4")
    assert out.splitlines() == [
        "2026-Q4 (2026-10-01 to 2026-12-31, counted up to 2026-11-24)",
        "  Referrals given: 2 (1 won, 0 open, 1 lost)",
        "  Referrals received: 4 (3 won, 1 open, 0 lost)",
        "  Business closed: you passed GBP 800, received GBP 2,850.50",
        "  New sources of referrals: Cy (2026-10-07), Bob (2026-11-10), Dee (2026-11-10)"]


def test_stats_period_json(journal):
    found = json.loads(stats(journal, "--period", "2026-11", "--json"))
    assert found == {
        "period": "2026-11", "start": "2026-11-01", "end": "2026-11-30",
        "through": "2026-11-24",
        "referrals_given": {"count": 1, "won": 1, "open": 0, "lost": 0},
        "referrals_received": {"count": 1, "won": 1, "open": 0, "lost": 0},
        "closed_value": {"gave": 0, "got": 1850.5},
        "new_sources": [{"contact": "bob", "first_referral": "2026-11-10"},
                        {"contact": "dee", "first_referral": "2026-11-10"}],
        "currency": "GBP"}


def test_stats_period_that_has_not_begun(journal):
    assert "2027 (2027-01-01 to 2027-12-31) has not begun" in stats(journal, "--period", "2027")
    found = json.loads(stats(journal, "--period", "2027", "--json"))
    assert found["through"] is None and found["closed_value"] == {"gave": 0, "got": 0}


@pytest.mark.parametrize("period", ["2026-13", "Q4", "last month"])
def test_stats_refuses_a_period_it_cannot_read(journal, period):
    root = journal(BUSINESS)
    result = CliRunner().invoke(main, ["stats", "--journal", str(root), "--period", period])
    assert result.exit_code == 2
    assert "Invalid value for '--period'" in result.output
    assert "a quarter (2026-Q4)" in result.output


def test_stats_json_has_closed_value_by_month_and_quarter(journal):
    found = json.loads(stats(journal, "--json"))
    assert found["currency"] == "GBP"
    months = found["closed_value_by_month"]
    assert len(months) == 12 and months[0] == {"month": "2025-12", "gave": 0, "got": 0}
    assert months[-3:] == [{"month": "2026-09", "gave": 0, "got": 1900},
                           {"month": "2026-10", "gave": 800, "got": 1000},
                           {"month": "2026-11", "gave": 0, "got": 1850.5}]
    assert found["closed_value_by_quarter"][-1] == {"quarter": "2026-Q4", "gave": 800,
                                                    "got": 2850.5}


def test_the_closed_business_goal_and_its_streak(journal):
    goal = json.loads(stats(journal, "--json"))["goals"]["closed_business_per_month"]
    # November (1850.50), October (1000: at the goal counts) and September (1900) met it;
    # August received nothing.
    assert (goal["goal"], goal["this_month"], goal["streak"]) == (1000, 1850.5, 3)
    assert goal["months"][-1] == {"month": "2026-11", "start": "2026-11-01", "value": 1850.5}
    assert "Closed business: GBP 1,850.50 of GBP 1,000 this month; streak 3 months" in stats(
        journal)


def test_a_month_not_over_does_not_break_the_closed_business_streak(loaded):
    # On 2 November nothing has closed yet this month: the streak counts October and
    # September.
    goal = derived(loaded, today=D(2026, 11, 2)).goals[-1]
    assert (goal.key, goal.current, goal.streak, goal.met) == (
        "closed_business_per_month", 0, 2, False)


def test_the_closed_business_goal_is_off_by_default(loaded):
    files = {**BUSINESS, "refjournal.yaml": "title: No currency\n"}
    goal = derived(loaded, files).goals[-1]
    assert (goal.goal, goal.current, goal.streak) == (0, 1850.5, 0)


@pytest.mark.parametrize(("value", "currency", "shown"), [
    (1200, "", "1,200"), (1200, "GBP", "GBP 1,200"), (1250.5, "EUR", "EUR 1,250.50"),
    (2850.0, "USD", "USD 2,850"), (0, "GBP", "GBP 0"), (None, "GBP", ""),
    (1234567, "", "1,234,567"),
])
def test_amounts_are_written_one_way(value, currency, shown):
    assert amount_text(value, currency) == shown


def test_the_site_shows_amounts_with_the_currency_and_business_by_month_and_quarter(
        tmp_path, journal):
    from refjournal.build import build

    out = tmp_path / "site"
    assert build(journal(BUSINESS), out, TODAY).written
    insights = (out / "insights" / "index.html").read_text(encoding="utf-8")
    closed = insights.split('id="closed"')[1].split("</section>")[0]
    assert f"This quarter (2026-Q4) you passed <strong>GBP{NBSP}800</strong>" in closed
    assert f"received <strong>GBP{NBSP}2,850.50</strong>" in closed
    assert ('aria-labelledby="closed-business-title" aria-describedby="closed-business-desc '
            'closed-per-month closed-per-quarter"') in closed
    assert "2026-11: passed GBP 0, received GBP 1,850.50" in closed  # the chart's numbers
    assert (f'<tr><th scope="row">2026-10</th><td class="num">GBP{NBSP}800</td>'
            f'<td class="num">GBP{NBSP}1,000</td></tr>') in closed
    assert (f'<tr><th scope="row">2026-Q3</th><td class="num">GBP{NBSP}0</td>'
            f'<td class="num">GBP{NBSP}1,900</td></tr>') in closed
    assert f'<td class="num">GBP{NBSP}2,800</td><td class="num">GBP{NBSP}4,750.50</td>' in closed
    home = (out / "index.html").read_text(encoding="utf-8")
    goals = home.split('id="goals"')[1].split("</section>")[0]
    assert f"<strong>GBP{NBSP}1,850.50</strong> of GBP{NBSP}1,000" in goals
    assert "Streak: <strong>3</strong> months" in goals
    referrals = (out / "referrals" / "index.html").read_text(encoding="utf-8")
    assert f">GBP{NBSP}1,250.50</td>" in referrals
    balances = (out / "balances" / "index.html").read_text(encoding="utf-8")
    # Balances count every won value, whatever its date: Dee's 300 too.
    assert (f'<td class="num">GBP{NBSP}3,100</td><td class="num">GBP{NBSP}4,750.50</td>'
            in balances)


def test_without_a_currency_amounts_are_plain_numbers(tmp_path, journal):
    from refjournal.build import build

    files = {**BUSINESS, "refjournal.yaml": "title: No currency\n"}
    out = tmp_path / "site"
    assert build(journal(files), out, TODAY).written
    insights = (out / "insights" / "index.html").read_text(encoding="utf-8")
    assert "you passed <strong>800</strong>" in insights and "GBP" not in insights
