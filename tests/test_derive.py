"""Derived figures: due items and balances, each rule on a journal written inline."""

from __future__ import annotations

import datetime as dt

import pytest

from refjournal.insights.balances import balances
from refjournal.insights.due import due_items, next_birthday, state_of

from .conftest import TODAY

D = dt.date


def due(loaded, files, today=TODAY, kind=None):
    result = loaded(files)
    assert result.ok, [p.format() for p in result.problems]
    items = due_items(result.journal, today)
    return [i for i in items if kind is None or i.kind == kind]


def keep_in_touch(loaded, contact_front_matter, meetings=None, config=""):
    files = {"contacts/ada.md": f"---\n{contact_front_matter}\n---\n", "refjournal.yaml": config}
    files.update(meetings or {})
    return [(i.due, i.state) for i in due(loaded, files, kind="keep-in-touch")]


# --- keep in touch -------------------------------------------------------------------

def test_tier_cadence_counts_from_the_last_meeting(loaded):
    meetings = {"meetings/2026-11-01-coffee.md": "---\nwith: ada\n---\n"}
    assert keep_in_touch(loaded, "tier: close", meetings) == [(D(2026, 12, 1), "soon")]


@pytest.mark.parametrize(("front", "due_on"), [
    ("tier: inner", D(2026, 10, 15)),
    ("tier: casual", D(2026, 12, 30)),
    ("tier: keep-warm", D(2027, 3, 30)),
    ("tier: dormant", D(2027, 10, 1)),
    ("cadence: 10", D(2026, 10, 11)),
    ("cadence: 2w", D(2026, 10, 15)),
    ("cadence: 1m", D(2026, 10, 31)),
    ("cadence: 1y\ntier: inner", D(2027, 10, 1)),  # own cadence overrides the tier
])
def test_cadence_forms_and_tiers(loaded, front, due_on):
    assert keep_in_touch(loaded, f"last_contacted: 2026-10-01\n{front}")[0][0] == due_on


def test_default_cadence_applies_only_without_own_cadence_or_tier(loaded):
    assert keep_in_touch(loaded, "met: 2026-10-01", config="default_cadence: 3w\n") == [
        (D(2026, 10, 22), "overdue")]
    assert keep_in_touch(loaded, "met: 2026-10-01") == []  # no default, no reminder


def test_last_contacted_wins_over_an_older_meeting(loaded):
    meetings = {"meetings/2026-09-01.md": "---\nwith: ada\n---\n"}
    assert keep_in_touch(loaded, "tier: close\nlast_contacted: 2026-11-10", meetings) == [
        (D(2026, 12, 10), "later")]


def test_met_is_used_when_never_contacted_and_nothing_without_either(loaded):
    assert keep_in_touch(loaded, "tier: close\nmet: 2026-11-20") == [(D(2026, 12, 20), "later")]
    assert keep_in_touch(loaded, "tier: close") == []


def test_snooze_until_pushes_the_reminder_but_never_pulls_it(loaded):
    front = "tier: inner\nlast_contacted: 2026-11-01\nsnooze_until: {}"
    assert keep_in_touch(loaded, front.format("2026-12-24")) == [(D(2026, 12, 24), "later")]
    assert keep_in_touch(loaded, front.format("2026-11-02")) == [(D(2026, 11, 15), "overdue")]


@pytest.mark.parametrize("flag", ["paused: true", "archived: true"])
def test_paused_and_archived_contacts_get_no_reminder(loaded, flag):
    assert keep_in_touch(loaded, f"tier: inner\nmet: 2026-01-01\n{flag}") == []


def test_a_booked_meeting_suppresses_the_reminder_and_is_not_a_last_contact(loaded):
    booked = {"meetings/2026-12-02.md": "---\nwith: ada\n---\n"}
    assert keep_in_touch(loaded, "tier: inner\nmet: 2026-01-01", booked) == []
    result = loaded({"contacts/ada.md": "---\nmet: 2026-01-01\n---\n", **booked})
    from refjournal.insights.due import last_contact
    assert last_contact(result.journal, result.journal.contacts["ada"], TODAY) is None


# --- follow-ups -------------------------------------------------------------------------

def test_open_follow_ups_listed_done_ones_not(loaded):
    items = due(loaded, {
        "contacts/ada.md": "---\nfollow_up: 2026-11-30\n---\n",
        "contacts/bob.md": "",
        "meetings/2026-11-01.md": """
            ---
            with: [ada, bob]
            title: Chapter coffee
            follow_up: 2026-11-20
            follow_ups:
              - due: 2026-11-22
                what: Send the deck
                with: bob
              - due: 2026-11-23
                done: true
              - due: 2026-11-23
                done: 2026-11-22
              - due: 2026-11-26
                done: false
            ---
            """,
    }, kind="follow-up")
    assert [(i.due, i.contacts, i.what, i.state, str(i.source)) for i in items] == [
        (D(2026, 11, 20), ("ada", "bob"), "Follow up after Chapter coffee", "overdue",
         "meetings/2026-11-01.md:4"),
        (D(2026, 11, 22), ("bob",), "Send the deck", "overdue", "meetings/2026-11-01.md:6"),
        (D(2026, 11, 26), ("ada", "bob"), "Follow up with ada and bob", "soon",
         "meetings/2026-11-01.md:13"),
        (D(2026, 11, 30), ("ada",), "Follow up with ada", "soon", "contacts/ada.md:2"),
    ]


# --- referral checks -------------------------------------------------------------------------

def test_open_referrals_get_a_check_after_referral_check_days(loaded):
    files = {
        "contacts/ada.md": "",
        "meetings/2026-11-01.md": """
            ---
            with: ada
            gave:
              - prospect: Acme roof
              - status: won
              - status: lost
              - type: introduction
              - type: info
            ---
            """,
    }
    items = due(loaded, files, kind="referral-check")
    assert [(i.due, i.contacts, i.what) for i in items] == [
        (D(2026, 12, 1), ("ada",), "Ask ada how the referral went (Acme roof)")]
    files["refjournal.yaml"] = "referral_check_days: 10\n"
    assert [i.due for i in due(loaded, files, kind="referral-check")] == [D(2026, 11, 11)]


# --- the loop on referrals received -----------------------------------------------------

LOOP = {
    "refjournal.yaml": "loop_since: 2026-10-01\n",
    "contacts/bo.md": "---\nname: Bo Chen\n---\n",
    "meetings/2026-11-20.md": """
        ---
        with: bo
        got:
          - prospect: Fresh    # received four days ago: call, thank, report in a month
          - prospect: Called
            contacted: 2026-11-21
            thanked: 2026-11-21
          - prospect: Won
            status: won
            closed_on: 2026-11-23
            contacted: 2026-11-21
            thanked: 2026-11-21
          - prospect: Told
            status: lost
            closed_on: 2026-11-22
            contacted: 2026-11-21
            thanked: 2026-11-21
            reported: 2026-11-22
          - prospect: Told before it closed
            status: won
            closed_on: 2026-11-23
            thanked: 2026-11-21
            reported: 2026-11-22
          - type: introduction   # not a referral: no loop
        ---
        """,
    "meetings/2026-09-01.md": "---\nwith: bo\ngot:\n  - prospect: Before loop_since\n---\n",
    "meetings/2026-10-05.md": ("---\nwith: bo\ngot:\n  - prospect: Reported\n"
                               "    contacted: 2026-10-06\n    thanked: 2026-10-06\n"
                               "    reported: 2026-11-01\n---\n"),
}


def test_a_referral_received_makes_the_loop_due(loaded):
    loop = [(i.due, i.kind, i.what, i.state) for i in due(loaded, LOOP)
            if i.kind in ("contact-prospect", "thank", "report-back")]
    assert loop == [
        (D(2026, 11, 22), "contact-prospect", "Contact Fresh, referred by Bo Chen", "overdue"),
        (D(2026, 11, 22), "thank", "Thank Bo Chen for the referral (Fresh)", "overdue"),
        (D(2026, 11, 23), "report-back", "Tell Bo Chen the referral was won (Won)", "overdue"),
        (D(2026, 11, 23), "report-back",
         "Tell Bo Chen the referral was won (Told before it closed)", "overdue"),
        (D(2026, 12, 1), "report-back", "Tell Bo Chen how the referral is going (Reported)",
         "soon"),  # 30 days after the last report
        (D(2026, 12, 20), "report-back", "Tell Bo Chen how the referral is going (Fresh)",
         "later"),
        (D(2026, 12, 20), "report-back", "Tell Bo Chen how the referral is going (Called)",
         "later"),
    ]
    items = due(loaded, LOOP, kind="thank")
    assert [i.contacts for i in items] == [("bo",)]
    assert str(items[0].source) == "meetings/2026-11-20.md:4"


def test_the_loop_s_days_are_settings(loaded):
    files = {**LOOP, "refjournal.yaml": ("loop_since: 2026-10-01\ncontact_prospect_days: 1\n"
                                         "thank_days: 3\nreport_back_days: 7\n")}
    dues = {(i.kind, i.what.split("(")[-1]): i.due for i in due(loaded, files)}
    assert dues[("contact-prospect", "Contact Fresh, referred by Bo Chen")] == D(2026, 11, 21)
    assert dues[("thank", "Fresh)")] == D(2026, 11, 23)
    assert dues[("report-back", "Fresh)")] == D(2026, 11, 27)


def test_an_old_journal_without_loop_since_gets_the_loop_for_the_last_30_days_only(loaded):
    files = {**LOOP, "refjournal.yaml": ""}
    prospects = {i.what.split("(")[-1].rstrip(")") for i in due(loaded, files)
                 if i.kind in ("contact-prospect", "thank", "report-back")}
    assert "Reported" not in prospects and "Before loop_since" not in prospects
    assert "Fresh" in prospects  # received on 20 November, within 30 days of the 24th


def test_a_referral_received_says_where_it_stands():
    from refjournal.insights.due import loop_state
    from refjournal.model import Exchange, Source

    def state(**keys):
        return loop_state(Exchange("got", (), Source("m.md", 1), date=D(2026, 11, 1), **keys))

    assert state() == "not called yet, not thanked yet, open, not yet told"
    assert state(contacted=D(2026, 11, 2), thanked=D(2026, 11, 2), status="won",
                 closed_on=D(2026, 11, 20)) == "called, thanked, won, not yet told"
    assert state(contacted=D(2026, 11, 2), thanked=D(2026, 11, 2), status="won",
                 closed_on=D(2026, 11, 20), reported=D(2026, 11, 10)) == (
        "called, thanked, won, not yet told how it ended")
    assert state(contacted=D(2026, 11, 2), status="lost", closed_on=D(2026, 11, 20),
                 reported=D(2026, 11, 21)) == "called, not thanked yet, lost, told on 2026-11-21"


# --- birthdays ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("birthday", "expected"), [
    ('"11-24"', [(D(2026, 11, 24), "today")]),
    ('"12-08"', [(D(2026, 12, 8), "later")]),  # 14 days ahead: still listed
    ('"12-09"', []),  # 15 days ahead: not yet
    ('"11-23"', []),  # yesterday: next one is a year away
    ("1980-11-30", [(D(2026, 11, 30), "soon")]),
])
def test_birthdays_within_birthday_days(loaded, birthday, expected):
    items = due(loaded, {"contacts/ada.md": f"---\nbirthday: {birthday}\n---\n"}, kind="birthday")
    assert [(i.due, i.state) for i in items] == expected


def test_birthday_days_is_configurable_and_wraps_the_year(loaded):
    files = {"refjournal.yaml": "birthday_days: 60\n",
             "contacts/ada.md": '---\nbirthday: "01-05"\n---\n'}
    assert [i.due for i in due(loaded, files, kind="birthday")] == [D(2027, 1, 5)]


def test_29_february_falls_on_28_february_in_common_years():
    assert next_birthday(2, 29, D(2027, 2, 1)) == D(2027, 2, 28)
    assert next_birthday(2, 29, D(2028, 2, 1)) == D(2028, 2, 29)
    assert next_birthday(2, 29, D(2027, 3, 1)) == D(2028, 2, 29)


# --- states and order ------------------------------------------------------------------------

@pytest.mark.parametrize(("offset", "state"), [(-1, "overdue"), (0, "today"), (1, "soon"),
                                               (7, "soon"), (8, "later")])
def test_due_states(offset, state):
    assert state_of(TODAY + dt.timedelta(days=offset), TODAY, 7) == state


def test_items_are_sorted_by_due_date(loaded):
    items = due(loaded, {
        "contacts/ada.md": "---\nfollow_up: 2026-12-20\ntier: inner\nmet: 2026-11-01\n---\n",
        "contacts/bob.md": "---\nfollow_up: 2026-10-01\n---\n",
    })
    assert [i.due for i in items] == sorted(i.due for i in items)
    assert [i.kind for i in items] == ["follow-up", "keep-in-touch", "follow-up"]


# --- balances ----------------------------------------------------------------------------------

def test_balances_count_entries_and_won_values(loaded):
    result = loaded({
        "contacts/ada.md": "---\nname: Ada Lovelace\n---\n",
        "contacts/bob.md": "",
        "contacts/cy.md": "",
        "meetings/2026-11-01.md": """
            ---
            with: [ada, bob]
            gave:
              - to: ada
                status: won
                value: 1200
              - to: ada
                status: lost
                value: 999
              - to: [ada, bob]
                type: introduction
                status: won
                value: 50.5
            got:
              - from: bob
                status: won
                value: 300
              - from: bob
              - {}
            ---
            """,
    })
    rows = {slug: b.as_json() for slug, b in balances(result.journal).items()}
    assert rows["ada"] == {"contact": "ada", "name": "Ada Lovelace", "gave": 3, "got": 1,
                           "balance": 2, "gave_value": 1250.5, "got_value": 0}
    assert rows["bob"] == {"contact": "bob", "name": "bob", "gave": 1, "got": 3, "balance": -2,
                           "gave_value": 50.5, "got_value": 300}
    assert rows["cy"] == {"contact": "cy", "name": "cy", "gave": 0, "got": 0, "balance": 0,
                          "gave_value": 0, "got_value": 0}
