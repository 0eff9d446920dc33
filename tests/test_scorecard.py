"""The chapter's scorecard: each input counted over the period by hand, and its light at
and around the thresholds of `refjournal.yaml`; in `stats` and on the insights page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from refjournal.cli import main
from refjournal.insights.derive import derive
from refjournal.insights.scorecard import Score, light_of, months_before, scorecard
from refjournal.model import Threshold

D = dt.date
# One month ending on Saturday 28 March 2026: 28 March less a month is 28 February, so the
# period is 1 to 28 March, 28 days: exactly 4 weeks.
TODAY = D(2026, 3, 28)
CONFIG = """\
    currency: EUR
    scorecard:
      months: 1
      attendance: {green: 0.9, amber: 0.75}
      one_to_ones: {green: 1, amber: 0.5}
      referrals: {green: 1, amber: 0.5}
      visitors: {green: 2, amber: 1}
      education: {green: 2, amber: 1}
      testimonials: {green: 2, amber: 1}
      closed_business: {green: 1000, amber: 500}
    """


def meeting(date, kind, extra=""):
    return f"---\ndate: {date}\nwith: ada\nkind: {kind}\n{extra}---\n"


CHAPTER = {
    "refjournal.yaml": CONFIG,
    "contacts/ada.md": "---\nname: Ada\n---\n",
    "contacts/bob.md": "---\nname: Bob\n---\n",
    "contacts/cy.md": "---\nname: Cy\n---\n",
    # Attendance: there at 3 (present, late, substitute) of 4 (absent counts against;
    # medical is not counted): 0.75, amber at the amber threshold. The mixer without
    # attendance and the coffee with one are not chapter meetings.
    "meetings/c1.md": meeting("2026-03-05", "event", "attendance: present\n"
                              "gave:\n  - to: [bob, cy]\n    type: visitor\n"),
    "meetings/c2.md": meeting("2026-03-12", "event", "attendance: late\n"
                              "gave:\n  - to: ada\n    type: testimonial\n    status: lost\n"),
    "meetings/c3.md": meeting("2026-03-19", "event", "attendance: substitute\n"),
    "meetings/c4.md": meeting("2026-03-26", "event", "attendance: absent\n"),
    "meetings/c5.md": meeting("2026-03-02", "event", "attendance: medical\n"),
    "meetings/mixer.md": meeting("2026-03-20", "event"),
    "meetings/odd.md": meeting("2026-03-21", "call", "attendance: present\n"),
    # One-to-ones: 4 in 4 weeks, 1 a week, green at the threshold (the call is not one).
    # Referrals given: 2 (one entry naming two counts once), 0.5 a week, amber at amber.
    # Education: one received; an `info` given is nothing here.
    "meetings/o1.md": meeting("2026-03-01", "coffee",
                              "gave:\n  - to: [ada, bob]\n  - to: ada\n    type: info\n"),
    "meetings/o2.md": meeting("2026-03-09", "lunch", "gave:\n  - to: ada\n"),
    "meetings/o3.md": meeting("2026-03-16", "one-to-one",
                              "got:\n  - from: ada\n    type: education\n"),
    "meetings/o4.md": meeting("2026-03-28", "coffee",
                              # received and won in the period: 999.99, just under green
                              "got:\n  - from: ada\n    status: won\n    value: 999.99\n"
                              # passed: the scorecard counts business received
                              "gave:\n  - to: ada\n    type: business\n    status: won\n"
                              "    value: 3000\n"),
    # Outside the period: the day before it, and booked after today.
    "meetings/x1.md": meeting("2026-02-28", "coffee",
                              "gave:\n  - to: ada\n  - to: bob\n    type: visitor\n"
                              "got:\n  - from: ada\n    status: won\n    value: 5000\n"),
    "meetings/x2.md": meeting("2026-03-30", "coffee", "gave:\n  - to: ada\n"),
    # Met in February, closed in the period: it counts on the day it closed.
    "meetings/x3.md": meeting("2026-02-10", "call",
                              "got:\n  - from: bob\n    status: won\n    value: 0.01\n"
                              "    closed_on: 2026-03-03\n"),
}


def card(loaded, files=CHAPTER, today=TODAY):
    result = loaded(files)
    assert result.ok, [p.format() for p in result.problems]
    return scorecard(result.journal, today)


def test_the_period_ends_today_and_starts_the_day_after_months_before(loaded):
    found = card(loaded)
    assert (found.months, found.start, found.end, found.days) == (1, D(2026, 3, 1), TODAY, 28)


@pytest.mark.parametrize(("day", "months", "before"), [
    (D(2026, 11, 24), 6, D(2026, 5, 24)), (D(2026, 8, 31), 6, D(2026, 2, 28)),
    (D(2028, 8, 31), 6, D(2028, 2, 29)), (D(2026, 1, 15), 1, D(2025, 12, 15)),
    (D(2026, 3, 28), 60, D(2021, 3, 28)), (D(1, 3, 1), 6, D.min),
])
def test_months_before(day, months, before):
    assert months_before(day, months) == before


def test_each_input_counted_by_hand(loaded):
    scores = {s.key: s for s in card(loaded).scores}
    assert [s.key for s in card(loaded).scores] == [
        "attendance", "one_to_ones", "referrals", "visitors", "education", "testimonials",
        "closed_business"]
    got = {key: (s.total, s.measure, s.light) for key, s in scores.items()}
    assert got == {
        "attendance": (3, 0.75, "amber"),
        "one_to_ones": (4, 1.0, "green"),
        "referrals": (2, 0.5, "amber"),
        "visitors": (2, 2, "green"),  # one entry naming two people: two visitors
        "education": (1, 1, "amber"),
        "testimonials": (1, 1, "amber"),  # a testimonial counts whatever its status
        "closed_business": (1000, 1000, "green"),  # 999.99 + 0.01, summed to cents
    }
    attendance = scores["attendance"]
    assert dict(attendance.attendance) == {"present": 1, "late": 1, "substitute": 1,
                                           "absent": 1, "medical": 1}
    assert attendance.counted == 4
    assert attendance.detail == ("3 of 4 chapter meetings; 1 late, 1 substitute; "
                                 "1 medical, not counted")


@pytest.mark.parametrize(("measure", "light"), [
    (0.95, "green"), (0.96, "green"), (0.9499, "amber"), (0.85, "amber"), (0.8499, "red"),
    (0, "red"), (None, "grey"),
])
def test_a_light_is_green_from_green_amber_from_amber_and_red_below(measure, light):
    assert light_of(measure, Threshold(0.95, 0.85)) == light


def test_a_threshold_of_nothing_is_always_green():
    assert light_of(0, Threshold(0, 0)) == "green"


def test_moving_a_threshold_moves_the_light(loaded):
    lower = CHAPTER["refjournal.yaml"].replace("closed_business: {green: 1000, amber: 500}",
                                               "closed_business: {green: 1000.01, amber: 1000}")
    lower = lower.replace("attendance: {green: 0.9, amber: 0.75}",
                          "attendance: {green: 0.75, amber: 0.5}")
    lower = lower.replace("visitors: {green: 2, amber: 1}", "visitors: {green: 3, amber: 3}")
    scores = {s.key: s.light for s in card(loaded, {**CHAPTER, "refjournal.yaml": lower}).scores}
    assert (scores["closed_business"], scores["attendance"], scores["visitors"]) == (
        "amber", "green", "red")


def test_no_chapter_meeting_recorded_is_grey_not_red(loaded):
    files = {key: value for key, value in CHAPTER.items() if not key.startswith("meetings/c")}
    attendance = card(loaded, files).scores[0]
    assert (attendance.measure, attendance.light, attendance.word) == (None, "grey", "no record")
    assert attendance.shown() == "no chapter meeting recorded"


def test_only_medical_absences_leave_nothing_to_measure(loaded):
    files = {"refjournal.yaml": CONFIG, "contacts/ada.md": "",
             "meetings/c.md": meeting("2026-03-05", "event", "attendance: medical\n")}
    assert card(loaded, files).scores[0].light == "grey"


def test_the_default_scorecard_is_six_months(loaded):
    files = {"contacts/ada.md": "", "meetings/c.md": meeting("2026-03-05", "event",
                                                             "attendance: present\n")}
    found = card(loaded, files)
    assert (found.months, found.start) == (6, D(2025, 9, 29))
    thresholds = {s.key: (s.threshold.green, s.threshold.amber) for s in found.scores}
    assert thresholds == {"attendance": (0.95, 0.85), "one_to_ones": (1.0, 0.5),
                          "referrals": (1.0, 0.5), "visitors": (2, 1), "education": (6, 3),
                          "testimonials": (2, 1), "closed_business": (10_000, 2_500)}


@pytest.mark.parametrize(("per", "measure", "shown"), [
    ("share", 0.9487, "94%"), ("share", 0.95, "95%"), ("share", 19 / 20, "95%"),
    ("share", 0.29, "29%"), ("share", 1.0, "100%"),
    ("week", 0.98, "0.9 a week"), ("week", 1.0, "1.0 a week"), ("week", 7 * 26 / 182, "1.0 a week"),
    ("period", 3, "3"),
])
def test_figures_are_rounded_down_so_a_figure_at_a_threshold_has_met_it(per, measure, shown):
    score = Score("x", "X", 0, measure, per, Threshold(1, 0), "green")
    assert score.shown() == shown


def test_stats_prints_the_scorecard_with_its_lights_in_words(tmp_path, journal):
    root = journal(CHAPTER)
    result = CliRunner().invoke(main, ["stats", "--journal", str(root), "--today", "2026-03-28"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.split("Scorecard")[1].splitlines()
    assert lines == [
        ", the last 1 months (2026-03-01 to 2026-03-28)",
        "  amber  Attendance: 75% (3 of 4 chapter meetings; 1 late, 1 substitute; 1 medical, "
        "not counted); green from 90%, amber from 75%",
        "  green  One-to-ones: 1.0 a week (4 in all); green from 1 a week, amber from 0.5",
        "  amber  Referrals given: 0.5 a week (2 in all); green from 1 a week, amber from 0.5",
        "  green  Visitors: 2; green from 2, amber from 1",
        "  amber  Education: 1; green from 2, amber from 1",
        "  amber  Testimonials: 1; green from 2, amber from 1",
        "  green  Closed business: EUR 1,000; green from EUR 1,000, amber from EUR 500"]


def test_stats_json_has_the_scorecard(journal):
    root = journal(CHAPTER)
    result = CliRunner().invoke(main, ["stats", "--journal", str(root), "--today", "2026-03-28",
                                       "--json"])
    found = json.loads(result.stdout)["scorecard"]
    assert (found["months"], found["start"], found["end"], found["days"]) == (
        1, "2026-03-01", "2026-03-28", 28)
    assert found["inputs"]["attendance"] == {
        "total": 3, "value": 0.75, "per": "share", "green": 0.9, "amber": 0.75,
        "light": "amber", "counted": 4,
        "meetings": {"absent": 1, "late": 1, "medical": 1, "present": 1, "substitute": 1}}
    assert found["inputs"]["referrals"] == {"total": 2, "value": 0.5, "per": "week",
                                            "green": 1, "amber": 0.5, "light": "amber"}
    assert found["inputs"]["closed_business"]["value"] == 1000


def test_the_insights_page_shows_the_scorecard_in_words_and_colour(tmp_path, journal):
    from refjournal.build import build

    out = tmp_path / "site"
    assert build(journal(CHAPTER), out, TODAY).written
    page = (out / "insights" / "index.html").read_text(encoding="utf-8")
    section = page.split('id="scorecard"')[1].split("</section>")[0]
    assert "The last 1 months, Sun 1 Mar 2026 to Sat 28 Mar 2026" in section
    items = section.split('<li class="score ')[1:]
    assert len(items) == 7
    first = items[0]
    assert first.startswith('score-amber">')
    assert "<h3>Attendance</h3>" in first
    assert '<span class="light" aria-hidden="true"></span>amber</p>' in first  # the word
    assert "<strong>75%</strong>" in first and "3 of 4 chapter meetings" in first
    assert "green from 90%, amber from 75%" in first
    closed = items[-1]
    assert closed.startswith('score-green">') and "<strong>EUR\u00a01,000</strong>" in closed
    assert "green from EUR\u00a01,000, amber from EUR\u00a0500" in closed


def test_a_journal_without_chapter_meetings_still_derives(loaded):
    result = loaded({"contacts/ada.md": ""})
    site = derive(result.journal, TODAY)
    assert [s.light for s in site.scorecard.scores] == ["grey", "red", "red", "red", "red",
                                                        "red", "red"]
