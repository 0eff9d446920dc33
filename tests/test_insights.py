"""The insights figures (goals, reciprocity, review, health, activity, connections, tags),
each on a journal written inline, with the expected numbers worked out by hand."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from refjournal.cli import main
from refjournal.insights.connections import layout
from refjournal.insights.derive import derive
from refjournal.insights.goals import week_label, week_start

from .conftest import TODAY  # Tuesday 2026-11-24, in ISO week 2026-W48

D = dt.date


def meeting(date, with_, kind="coffee", extra=""):
    return f"---\ndate: {date}\nwith: {with_}\nkind: {kind}\n{extra}---\n"


def contacts(*slugs, front=""):
    return {f"contacts/{slug}.md": f"---\nname: {slug.title()}\n{front}---\n" for slug in slugs}


def stats(journal, files, today=TODAY):
    root = journal(files)
    result = CliRunner().invoke(main, ["stats", "--journal", str(root), "--today",
                                       today.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def site(loaded, files, today=TODAY):
    result = loaded(files)
    assert result.ok, [p.format() for p in result.problems]
    return derive(result.journal, today)


# --- goals ---------------------------------------------------------------------------

GOALS_JOURNAL = {
    "refjournal.yaml": """\
        goals:
          one_to_ones_per_week: 2
          events_per_week: 1
          referrals_given_per_month: 2
        """,
    **contacts("ada", "bob", "cy"),
    # W48 (23-29 Nov): one coffee held, one lunch booked after today; an event today
    "meetings/a.md": meeting("2026-11-23", "ada"),
    "meetings/b.md": meeting("2026-11-26", "bob", "lunch"),
    "meetings/c.md": meeting("2026-11-24", "[ada, bob]", "event"),
    # W47 (16-22 Nov): two, goal met; an event
    "meetings/d.md": meeting("2026-11-16", "ada", "one-to-one"),
    "meetings/e.md": meeting("2026-11-18", "cy", "Coffee",
                             "gave:\n  - to: cy\n  - to: ada\n    type: introduction\n"),
    "meetings/f.md": meeting("2026-11-19", "cy", "event"),
    # W46 (9-15 Nov): two (the call does not count), goal met; no event
    "meetings/g.md": meeting("2026-11-10", "bob", "lunch"),
    "meetings/h.md": meeting("2026-11-12", "cy", "coffee", "gave:\n  - to: bob\n"),
    "meetings/i.md": meeting("2026-11-13", "cy", "call"),
    # W45 (2-8 Nov): one, not met
    "meetings/j.md": meeting("2026-11-03", "ada"),
    # October: one entry naming two people is one referral; a got entry does not count
    "meetings/k.md": meeting("2026-10-07", "ada", "call",
                             "gave:\n  - to: [ada, bob]\n  - to: cy\ngot:\n  - from: ada\n"),
    # September: one referral, the goal missed
    "meetings/l.md": meeting("2026-09-09", "ada", "call", "gave:\n  - to: ada\n"),
}


def test_goals_count_this_week_and_the_streak(journal):
    goals = stats(journal, GOALS_JOURNAL)["goals"]
    one = goals["one_to_ones_per_week"]
    assert (one["goal"], one["this_week"], one["streak"]) == (2, 1, 2)
    assert [w["count"] for w in one["weeks"][-4:]] == [1, 2, 2, 1]
    assert one["weeks"][-1] == {"week": "2026-W48", "start": "2026-11-23", "count": 1}
    assert len(one["weeks"]) == 12
    events = goals["events_per_week"]
    assert (events["goal"], events["this_week"], events["streak"]) == (1, 1, 2)
    referrals = goals["referrals_given_per_month"]
    assert (referrals["goal"], referrals["this_month"], referrals["streak"]) == (2, 2, 2)
    assert [m["count"] for m in referrals["months"][-3:]] == [1, 2, 2]
    assert referrals["months"][-1]["month"] == "2026-11"


def test_a_week_not_over_yet_does_not_break_the_streak(loaded):
    files = dict(GOALS_JOURNAL)
    del files["meetings/a.md"]  # nothing held this week yet
    files["meetings/m.md"] = meeting("2026-11-29", "cy")  # booked for Sunday: this week
    files["meetings/n.md"] = meeting("2026-11-30", "cy")  # booked for next week: not counted
    one = site(loaded, files).goals[0]
    assert (one.current, one.booked, one.streak) == (0, 2, 2)
    files["meetings/a.md"] = meeting("2026-11-23", "ada")
    files["meetings/a2.md"] = meeting("2026-11-24", "bob", "lunch")
    one = site(loaded, files).goals[0]
    assert (one.current, one.streak, one.met) == (2, 3, True)


def test_default_goals_and_a_goal_turned_off(journal):
    files = {**contacts("ada"), "meetings/a.md": meeting("2026-11-23", "ada", "event")}
    goals = stats(journal, files)["goals"]
    assert [goals[k]["goal"] for k in goals] == [5, 3, 4, 0]
    files["refjournal.yaml"] = "goals:\n  events_per_week: 0\n"
    events = stats(journal, files)["goals"]["events_per_week"]
    assert (events["goal"], events["this_week"], events["streak"]) == (0, 1, 0)


def test_iso_weeks_cross_the_new_year():
    assert week_start(D(2027, 1, 1)) == D(2026, 12, 28)
    assert week_label(D(2026, 12, 28)) == "2026-W53"
    assert week_label(week_start(D(2027, 1, 4))) == "2027-W01"
    assert week_start(D(2026, 11, 29)) == D(2026, 11, 23)  # Sunday ends the week


@pytest.mark.parametrize(("config", "message"), [
    ("goals: 5\n", "`goals`: expected a mapping"),
    ("goals:\n  events_per_week: -1\n", "`events_per_week`: expected a whole number"),
    ("goals:\n  events_per_week: lots\n", "`events_per_week`: expected a whole number"),
    ("reciprocity_days: soon\n", "`reciprocity_days`: expected a whole number"),
])
def test_bad_goal_settings_are_errors_at_their_line(loaded, config, message):
    result = loaded({"refjournal.yaml": config})
    errors = [p for p in result.problems if p.severity == "error"]
    assert len(errors) == 1 and message in errors[0].message
    assert errors[0].path == "refjournal.yaml" and errors[0].line == config.count("\n")


def test_an_unknown_goal_is_a_warning_with_a_suggestion(loaded):
    result = loaded({"refjournal.yaml": "goals:\n  one_to_ones_a_week: 4\n"})
    (problem,) = [p for p in result.problems if p.path == "refjournal.yaml"]
    assert problem.severity == "warning" and problem.line == 2
    assert "one_to_ones_per_week" in problem.message


# --- reciprocity ---------------------------------------------------------------------

RECIPROCITY_JOURNAL = {
    **contacts("ada", "bob", "cy", "dee", "eve", "fay"),
    # ada: I give on 10 Jan, she gives back on 9 Feb: 30 days
    "meetings/2026-01-10-ada.md": meeting("2026-01-10", "ada", "coffee", "gave:\n  - to: ada\n"),
    "meetings/2026-02-09-ada.md": meeting("2026-02-09", "ada", "coffee", "got:\n  - from: ada\n"),
    # bob: I give on 10 Jan, he gives on 1 May: 111 days, outside 90
    "meetings/2026-01-10-bob.md": meeting("2026-01-10", "bob", "coffee", "gave:\n  - to: bob\n"),
    "meetings/2026-05-01-bob.md": meeting("2026-05-01", "bob", "coffee", "got:\n  - from: bob\n"),
    # cy gave first (1 Feb, before t0 = 1 Mar), then again 10 days after my first referral
    "meetings/2026-02-01-cy.md": meeting("2026-02-01", "cy", "coffee", "got:\n  - from: cy\n"),
    "meetings/2026-03-01-cy.md": meeting("2026-03-01", "cy", "coffee", "gave:\n  - to: cy\n"),
    "meetings/2026-03-11-cy.md": meeting("2026-03-11", "cy", "coffee", "got:\n  - from: cy\n"),
    "meetings/2026-03-15-cy.md": meeting("2026-03-15", "cy", "coffee", "gave:\n  - to: cy\n"),
    # dee gives me a referral and an introduction; I never give her one
    "meetings/2026-04-01-dee.md": meeting(
        "2026-04-01", "dee", "coffee", "got:\n  - from: dee\n  - from: dee\n"
        "    type: introduction\n"),
    # eve: an introduction is not a referral
    "meetings/2026-04-02-eve.md": meeting(
        "2026-04-02", "eve", "coffee", "gave:\n  - to: eve\n    type: introduction\n"),
    # fay: exactly 90 days (1 Jun + 90 = 30 Aug) still counts
    "meetings/2026-06-01-fay.md": meeting("2026-06-01", "fay", "coffee", "gave:\n  - to: fay\n"),
    "meetings/2026-08-30-fay.md": meeting("2026-08-30", "fay", "coffee", "got:\n  - from: fay\n"),
    # booked after today: not counted
    "meetings/2026-12-01-eve.md": meeting("2026-12-01", "eve", "coffee", "gave:\n  - to: eve\n"),
}


def test_reciprocity_rate_median_and_lists(journal):
    r = stats(journal, RECIPROCITY_JOURNAL)["reciprocity"]
    assert (r["given_to"], r["reciprocated"], r["rate"], r["median_days"]) == (4, 3, 0.75, 30)
    assert r["days"] == 90
    assert [w["contact"] for w in r["waiting"]] == ["bob"]
    assert r["waiting"][0] == {"contact": "bob", "first_given": "2026-01-10", "given": 1,
                               "days_since": 318, "window_open": False}
    assert r["owed"] == [{"contact": "dee", "first_received": "2026-04-01",
                          "last_received": "2026-04-01", "received": 1}]


def test_the_window_is_a_setting(journal):
    files = {**RECIPROCITY_JOURNAL, "refjournal.yaml": "reciprocity_days: 120\n"}
    r = stats(journal, files)["reciprocity"]
    assert (r["given_to"], r["reciprocated"], r["rate"], r["median_days"]) == (4, 4, 1.0, 60)
    files["refjournal.yaml"] = "reciprocity_days: 29\n"
    r = stats(journal, files)["reciprocity"]
    assert (r["reciprocated"], r["median_days"]) == (1, 10)
    assert [w["contact"] for w in r["waiting"]] == ["fay", "ada", "bob"]  # latest first, then
    # by name


def test_no_referrals_given_means_no_rate(journal):
    r = stats(journal, contacts("ada"))["reciprocity"]
    assert r == {"days": 90, "given_to": 0, "reciprocated": 0, "rate": None,
                 "median_days": None, "waiting": [], "owed": []}


# --- review --------------------------------------------------------------------------

def test_review_lists_the_25_most_recently_met_with_their_referrals(loaded):
    slugs = [f"p{n:02d}" for n in range(30)]
    files = contacts(*slugs, front="needs: Growing firms\n")
    for n, slug in enumerate(slugs):  # p00 met on 1 Oct, p29 on 30 Oct
        files[f"meetings/{slug}.md"] = meeting(f"2026-10-{n + 1:02d}", slug)
    files["meetings/again.md"] = meeting("2026-11-02", "[p03, p01]", extra=(
        "gave:\n  - to: p03\n    status: won\n    value: 100\n  - to: p03\n"
        "    type: introduction\n"
        "got:\n  - from: p03\n    heat: 3\n  - from: p01\n    heat: 2\n"
        "  - from: p01\n    heat: cold\n"))
    files["meetings/earlier.md"] = meeting("2026-09-01", "p29", extra=(
        "gave:\n  - to: p03\n    status: lost\ngot:\n  - from: p29\n    heat: hot\n"))
    files["meetings/booked.md"] = meeting("2026-12-01", "p00", extra="gave:\n  - to: p01\n")
    rows = site(loaded, files).review
    assert len(rows) == 25
    assert [r.contact for r in rows[:4]] == ["p03", "p01", "p29", "p28"]
    assert [r.contact for r in rows][-1] == "p07"  # p00..p06 (and p01, p03 seen) fall off
    p03, p01, p29 = rows[0], rows[1], rows[2]
    assert p03.last_met == D(2026, 11, 2) and p03.needs == "Growing firms"
    assert (p03.gave.status, p03.gave.value, p03.got.heat) == ("won", 100, 3)
    assert p01.gave is None and p01.got is None  # heat 2 and cold are not warm
    assert p29.gave is None and p29.got.date == D(2026, 9, 1)


def test_review_csv_and_page(tmp_path, journal):
    from refjournal.build import build
    files = {**contacts("ada", front='needs: "Landlords, with \\"empty\\" units"\n'),
             "meetings/a.md": meeting("2026-11-02", "ada", extra=(
                 "gave:\n  - to: ada\n    status: won\n"
                 "got:\n  - from: ada\n    heat: warm\n"))}
    root = journal(files)
    built = build(root, tmp_path / "site", TODAY)
    assert built.written, built.problems
    data = (tmp_path / "site" / "review.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    import csv
    import io
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["contact", "last_met"]
    assert rows[1][:3] == ["Ada", "2026-11-02", 'Landlords, with "empty" units']
    assert "2026-11-02" in rows[1][3:] and "won" in rows[1][3:]
    page = (tmp_path / "site" / "review" / "index.html").read_text()
    assert "Landlords, with &#34;empty&#34; units" in page
    assert 'href="../review.csv"' in page


# --- health --------------------------------------------------------------------------

@pytest.mark.parametrize(("front", "meetings", "light", "word"), [
    ("tier: close", {"2026-11-05": "coffee"}, "green", "on track"),  # due 5 Dec: 11 days
    ("cadence: 30", {"2026-11-01": "coffee"}, "amber", "due soon"),  # due 1 Dec: 7 days
    ("cadence: 30", {"2026-10-25": "coffee"}, "amber", "due today"),
    ("cadence: 30", {"2026-10-01": "coffee"}, "red", "overdue"),
    ("cadence: 30", {"2026-10-01": "coffee", "2026-12-01": "lunch"}, "green", "meeting booked"),
    ("cadence: 30\npaused: true", {"2026-10-01": "coffee"}, "grey", "paused"),
    ("cadence: 30\narchived: true", {"2026-10-01": "coffee"}, "grey", "archived"),
    ("tier: dormant", {"2020-10-01": "coffee"}, "grey", "dormant"),
    ("name: Ada", {"2026-10-01": "coffee"}, "grey", "no cadence"),
    ("cadence: 30", {}, "grey", "never met"),
])
def test_health_light_and_word(loaded, front, meetings, light, word):
    files = {"contacts/ada.md": f"---\n{front}\n---\n"}
    for date, kind in meetings.items():
        files[f"meetings/{date}.md"] = meeting(date, "ada", kind)
    h = site(loaded, files).health["ada"]
    assert (h.light, h.word) == (light, word)


def test_health_counts_months_known_and_meetings(loaded):
    files = {"contacts/ada.md": "---\nmet: 2024-11-25\ncadence: 30\n---\n"}
    for date in ("2026-01-05", "2026-08-26", "2026-08-27", "2026-11-20", "2026-12-02"):
        files[f"meetings/{date}.md"] = meeting(date, "ada")
    h = site(loaded, files).health["ada"]
    # 25 Nov 2024 to 24 Nov 2026: 23 whole months; 4 held (one booked); since 26 Aug: 2
    assert (h.months_known, h.meetings, h.recent) == (23, 4, 2)
    files["contacts/ada.md"] = "---\ncadence: 30\n---\n"  # no `met`: the first meeting
    assert site(loaded, files).health["ada"].months_known == 10


# --- activity, partners, connections, tags ---------------------------------------------

def test_gave_and_got_per_month_and_meetings_per_week(journal):
    files = {**contacts("ada", "bob", front="referral_partner: true\n"),
             "meetings/a.md": meeting("2026-11-02", "ada", extra=(
                 "gave:\n  - to: [ada, bob]\n    type: introduction\n  - to: ada\n"
                 "got:\n  - from: bob\n")),
             "meetings/b.md": meeting("2025-12-31", "bob", extra="got:\n  - from: bob\n"),
             "meetings/c.md": meeting("2025-11-30", "bob", extra="got:\n  - from: bob\n")}
    figures = stats(journal, files)
    months = figures["gave_got_by_month"]
    assert len(months) == 12 and months[0]["month"] == "2025-12"
    assert months[0] == {"month": "2025-12", "gave": 0, "got": 1}  # November 2025 is out
    assert months[-1] == {"month": "2026-11", "gave": 2, "got": 1}
    weeks = figures["meetings_by_week"]
    assert len(weeks) == 26 and weeks[-1]["week"] == "2026-W48"
    assert [w["meetings"] for w in weeks[-4:]] == [1, 0, 0, 0]  # 2 Nov is in W45
    ada = figures["referral_partners"]["ada"]
    bob = figures["referral_partners"]["bob"]
    assert (ada[-1]["gave"], ada[-1]["got"]) == (2, 0)
    assert (bob[-1]["gave"], bob[-1]["got"], bob[0]["got"]) == (1, 1, 1)


def test_introductions_and_the_graph(loaded):
    files = {**contacts("ada", "bob", "cy"),
             "contacts/dee.md": "---\nintroduced_by: ada\n---\n",
             "meetings/a.md": meeting("2026-10-01", "ada", extra=(
                 "gave:\n  - to: [ada, bob]\n    type: introduction\n"
                 "    prospect: Ada's fit-out needs Bob's electricians\n")),
             "meetings/b.md": meeting("2026-11-01", "cy", extra=(
                 "gave:\n  - to: [bob, ada]\n    type: introduction\n  - to: cy\n"))}
    s = site(loaded, files)
    assert [(i.date, i.contacts) for i in s.introductions] == [
        (D(2026, 11, 1), ("bob", "ada")), (D(2026, 10, 1), ("ada", "bob"))]
    graph = s.graph
    assert {n.contact for n in graph.nodes} == {"ada", "bob", "dee"}
    assert {(e.a, e.b, e.kind, e.count) for e in graph.edges} == {
        ("ada", "bob", "introduced", 2), ("ada", "dee", "introduced-me", 1)}
    assert all(0 <= n.x <= 1 and 0 <= n.y <= 1 for n in graph.nodes)


def test_layout_is_deterministic_and_spreads_people_out():
    names = [f"n{i}" for i in range(20)]
    edges = [(names[i], names[i + 1]) for i in range(19)]
    first, second = layout(names, edges), layout(list(names), list(edges))
    assert first == second
    closest = min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
                  for i, a in enumerate(first) for b in first[i + 1:])
    assert closest > 0.02
    assert layout([], []) == [] and layout(["a"], []) == [(0.5, 0.5)]


def test_tags_merge_by_slug(journal):
    files = {"contacts/ada.md": "---\ntags: [Coffee, power-team]\n---\n",
             "contacts/bob.md": "---\ntags: [coffee]\n---\n"}
    assert stats(journal, files)["tags"] == {"Coffee": 2, "power-team": 1}


# --- the pages ------------------------------------------------------------------------

def test_review_page_of_a_generated_200_contact_journal(tmp_path):
    from benchmarks.generate import generate
    from refjournal.build import build
    from refjournal.journal.load import load
    root = generate(tmp_path / "journal", 200, 1500, seed=7)
    journal = load(root).journal
    built = build(root, tmp_path / "site", TODAY)
    assert built.written, [p.format() for p in built.problems if p.severity == "error"]
    page = (tmp_path / "site" / "review" / "index.html").read_text()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].count("<tr ")
    assert rows == 25
    # The same 25, worked out here from the meetings: distinct people, latest first.
    seen: list[str] = []
    for meeting in sorted(journal.meetings, key=lambda m: (m.date, m.id), reverse=True):
        if meeting.date <= TODAY:
            seen += [s for s in meeting.contacts if s not in seen]
    expected = seen[:25]
    assert [r.contact for r in derive(journal, TODAY).review] == expected
    positions = [page.index(f'contacts/{slug}/index.html"') for slug in expected]
    assert positions == sorted(positions)
    lines = (tmp_path / "site" / "review.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 26 and lines[1].endswith("," + expected[0])


def test_dashboard_goals_and_tag_pages(tmp_path, journal):
    from refjournal.build import build
    files = {**GOALS_JOURNAL,
             "contacts/ada.md": "---\nname: Ada\ntags: [Power Team, chapter]\n---\n",
             "contacts/bob.md": "---\nname: Bob\ntags: [power team]\n---\n"}
    root = journal(files)
    assert build(root, tmp_path / "site", TODAY).written
    home = (tmp_path / "site" / "index.html").read_text()
    goals = home.split('id="goals"')[1].split("</section>")[0]
    assert "<strong>1</strong> of 2" in goals and "Streak: <strong>2</strong> weeks" in goals
    assert "1 more booked this week" in goals
    assert goals.count('<svg class="chart spark"') == 4  # closed business too, with no goal
    tags = (tmp_path / "site" / "tags" / "index.html").read_text()
    assert 'href="power-team/index.html">Power Team</a> <small>2</small>' in tags
    team = (tmp_path / "site" / "tags" / "power-team" / "index.html").read_text()
    assert "contacts/ada/index.html" in team and "contacts/bob/index.html" in team
    ada = (tmp_path / "site" / "contacts" / "ada" / "index.html").read_text()
    assert 'href="../../tags/power-team/index.html">Power Team</a>' in ada


def test_stats_prints_a_short_report(journal):
    root = journal(RECIPROCITY_JOURNAL)
    result = CliRunner().invoke(main, ["stats", "--journal", str(root), "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert "3 of 4 referred back (75%); median 30 days" in result.stdout
    assert "Gave, nothing back yet: Bob" in result.stdout
    assert "They gave, you have not given back: Dee" in result.stdout
    assert "One-to-ones: 0 of 5 this week" in result.stdout


def test_booked_introductions_wait_and_medians_are_whole_when_they_can_be(journal):
    files = {**contacts("ada", "bob", "cy"),
             "meetings/a.md": meeting("2026-01-01", "ada", extra=(
                 "gave:\n  - to: ada\n  - to: bob\n")),
             "meetings/b.md": meeting("2026-01-01", "bob", extra="got:\n  - from: bob\n"),
             "meetings/c.md": meeting("2026-01-11", "ada", extra="got:\n  - from: ada\n"),
             "meetings/d.md": meeting("2026-12-01", "cy", extra=(
                 "gave:\n  - to: [ada, cy]\n    type: introduction\n"))}
    figures = stats(journal, files)
    assert figures["reciprocity"]["median_days"] == 5  # of 0 and 10: 5, not 5.0
    assert isinstance(figures["reciprocity"]["median_days"], int)
    assert figures["introductions"] == []  # booked for December: not made yet
    files["meetings/e.md"] = meeting("2026-01-01", "cy", extra="gave:\n  - to: cy\n")
    files["meetings/f.md"] = meeting("2026-01-04", "cy", extra="got:\n  - from: cy\n")
    assert stats(journal, files)["reciprocity"]["median_days"] == 3


def test_review_csv_gives_a_value_only_for_won_business(tmp_path, journal):
    from refjournal.build import build
    files = {**contacts("ada", "bob"),
             "meetings/a.md": meeting("2026-11-02", "ada", extra=(
                 "gave:\n  - to: ada\n    status: lost\n    value: 500\n")),
             "meetings/b.md": meeting("2026-11-03", "bob", extra=(
                 "gave:\n  - to: bob\n    status: won\n    value: 700\n"))}
    assert build(journal(files), tmp_path / "site", TODAY).written
    text = (tmp_path / "site" / "review.csv").read_text(encoding="utf-8-sig")
    assert "700" in text and "500" not in text
