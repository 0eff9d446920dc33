"""The journal format v1, one rule per test: each journal is written inline, as a user would."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from refjournal.insights.balances import balances
from refjournal.journal.load import Loaded
from refjournal.model import Birthday, Contact, Meeting

Load = Callable[..., Loaded]


def clean(result: Loaded) -> Loaded:
    """Assert the journal loaded without any problem, and return it."""
    assert [p.format() for p in result.problems] == []
    return result


def contact(result: Loaded, slug: str) -> Contact:
    return clean(result).journal.contacts[slug]


def only_meeting(result: Loaded) -> Meeting:
    (meeting,) = clean(result).journal.meetings
    return meeting


def slugs(refs: tuple[object, ...]) -> list[str]:
    return [ref.slug for ref in refs]  # type: ignore[attr-defined]


# --- contact slugs and names ---------------------------------------------------------------


@pytest.mark.parametrize(("filename", "slug"), [
    ("José Núñez.md", "jose-nunez"),
    ("Ada Lovelace.md", "ada-lovelace"),
    ("Dr. Jane  O'Brien--Smith.md", "dr-jane-o-brien-smith"),
    ("_Bob (ACME)_.md", "bob-acme"),
    ("ada.md", "ada"),
])
def test_contact_slug_is_the_slugified_file_stem(loaded: Load, filename: str, slug: str) -> None:
    result = loaded({f"contacts/{filename}": "Notes.\n"})
    assert list(clean(result).journal.contacts) == [slug]


def test_contact_name_defaults_to_the_file_stem_as_written(loaded: Load) -> None:
    result = loaded({"contacts/José Núñez.md": "Notes.\n"})
    assert contact(result, "jose-nunez").name == "José Núñez"


def test_contact_name_key_overrides_the_file_stem(loaded: Load) -> None:
    result = loaded({"contacts/jn.md": """
        ---
        name: José Núñez
        ---
    """})
    assert contact(result, "jn").name == "José Núñez"


# --- note encoding and layout ---------------------------------------------------------------


def test_note_may_start_with_a_utf8_bom(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "\ufeff---\ncompany: Acme\n---\nBody\n".encode()})
    ada = contact(result, "ada")
    assert (ada.company, ada.body) == ("Acme", "Body\n")


def test_note_may_use_crlf_line_ends(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": b"---\r\ncompany: Acme\r\nrole: CTO\r\n---\r\nBody\r\n"})
    ada = contact(result, "ada")
    assert (ada.company, ada.role, ada.body) == ("Acme", "CTO", "Body\n")
    assert ada.lines["role"] == 3


def test_note_with_bom_and_crlf_together(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": b"\xef\xbb\xbf---\r\ncompany: Acme\r\n---\r\nBody\r\n"})
    assert contact(result, "ada").company == "Acme"


def test_note_without_front_matter_is_all_body(loaded: Load) -> None:
    result = loaded({"contacts/Ada Lovelace.md": "Met at the *conference*.\ncompany: not a key\n"})
    ada = contact(result, "ada-lovelace")
    assert ada.body == "Met at the *conference*.\ncompany: not a key\n"
    assert (ada.name, ada.company) == ("Ada Lovelace", "")


def test_front_matter_then_markdown_body(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": """
        ---
        company: Acme
        ---
        # Ada

        Likes *tea*.
    """})
    ada = contact(result, "ada")
    assert ada.company == "Acme"
    assert ada.body == "# Ada\n\nLikes *tea*.\n"
    assert ada.body_line == 4


# --- contact keys and their types -----------------------------------------------------------


@pytest.mark.parametrize(("key", "yaml_value", "expected"), [
    ("aliases", "[JN, Pepe]", ("JN", "Pepe")),
    ("aliases", "JN", ("JN",)),
    ("tags", "[client, tech]", ("client", "tech")),
    ("tags", "client", ("client",)),
    ("met", "2025-03-14", dt.date(2025, 3, 14)),
    ("last_contacted", "2026-01-02", dt.date(2026, 1, 2)),
    ("follow_up", "2026-12-01", dt.date(2026, 12, 1)),
    ("snooze_until", "2026-12-24", dt.date(2026, 12, 24)),
    ("birthday", "1990-05-17", Birthday(5, 17, 1990)),
    ("birthday", "05-17", Birthday(5, 17)),
    ("birthday", '"02-29"', Birthday(2, 29)),
    ("birthday", "02-29", Birthday(2, 29)),
    ("paused", "true", True),
    ("archived", "true", True),
    ("referral_partner", "true", True),
    ("paused", "false", False),
    ("company", "Acme", "Acme"),
])
def test_contact_key_parses_to_its_type(loaded: Load, key: str, yaml_value: str,
                                        expected: object) -> None:
    result = loaded({"contacts/ada.md": f"---\n{key}: {yaml_value}\n---\n"})
    assert getattr(contact(result, "ada"), key) == expected


@pytest.mark.parametrize("tier", ["inner", "close", "casual", "keep-warm", "dormant"])
def test_contact_tier_names(loaded: Load, tier: str) -> None:
    result = loaded({"contacts/ada.md": f"---\ntier: {tier}\n---\n"})
    assert contact(result, "ada").tier == tier


@pytest.mark.parametrize(("written", "days"), [
    ("30", 30), ("30d", 30), ("2w", 14), ("3m", 90), ("1y", 365),
])
def test_contact_cadence_forms(loaded: Load, written: str, days: int) -> None:
    result = loaded({"contacts/ada.md": f"---\ncadence: {written}\n---\n"})
    assert contact(result, "ada").cadence == days


@pytest.mark.parametrize("ref", ["bob", "Bob Smith", '"[[Bob Smith]]"'])
def test_contact_introduced_by_is_a_resolved_ref(loaded: Load, ref: str) -> None:
    result = loaded({
        "contacts/ada.md": f"---\nintroduced_by: {ref}\n---\n",
        "contacts/bob.md": "---\nname: Bob Smith\n---\n",
    })
    introducer = contact(result, "ada").introduced_by
    assert introducer is not None
    assert (introducer.slug, introducer.resolved) == ("bob", True)


# --- meetings -------------------------------------------------------------------------------


def test_meeting_date_key(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "meetings/coffee.md": "---\ndate: 2026-05-01\nwith: ada\n---\n",
    })
    assert only_meeting(result).date == dt.date(2026, 5, 1)


@pytest.mark.parametrize("filename", ["2026-05-01 Coffee with Ada.md", "2026-05-01.md",
                                      "2026-05-01-coffee.md"])
def test_meeting_date_from_the_start_of_the_file_name(loaded: Load, filename: str) -> None:
    result = loaded({"contacts/ada.md": "", f"meetings/{filename}": "---\nwith: ada\n---\n"})
    assert only_meeting(result).date == dt.date(2026, 5, 1)


def test_meeting_date_key_wins_over_the_file_name(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "meetings/2026-05-01 Coffee.md": "---\ndate: 2026-05-03\nwith: ada\n---\n",
    })
    assert only_meeting(result).date == dt.date(2026, 5, 3)


def test_meetings_at_any_depth_below_meetings(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "meetings/2026-01-01 top.md": "---\nwith: ada\n---\n",
        "meetings/2026/2026-02-01 one.md": "---\nwith: ada\n---\n",
        "meetings/2026/03 March/week 1/2026-03-01 two.md": "---\nwith: ada\n---\n",
    })
    dates = [m.date for m in clean(result).journal.meetings]
    assert dates == [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]


@pytest.mark.parametrize(("written", "expected"), [
    ("ada", ["ada"]),
    ("[ada, bob]", ["ada", "bob"]),
    ("\n  - ada\n  - bob", ["ada", "bob"]),
])
def test_meeting_with_is_one_ref_or_a_list(loaded: Load, written: str,
                                           expected: list[str]) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "contacts/bob.md": "",
        "meetings/2026-05-01 x.md": f"---\nwith: {written}\n---\n",
    })
    assert slugs(only_meeting(result).with_) == expected


def test_exchange_defaults_type_referral_status_open(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "meetings/2026-05-01 x.md": """
            ---
            with: ada
            gave:
              - prospect: Acme roof job
            ---
        """,
    })
    (gave,) = only_meeting(result).gave
    assert (gave.direction, gave.type, gave.status, gave.prospect) == (
        "gave", "referral", "open", "Acme roof job")


@pytest.mark.parametrize("written", ["1-2-1", "121", "1:1", "one2one", "One-on-One"])
def test_the_ways_people_write_a_one_to_one_are_one_to_ones(loaded: Load, written: str) -> None:
    result = clean(loaded({
        "contacts/ada.md": "",
        "meetings/2026-05-01 x.md": f"---\nwith: ada\nkind: {written}\n---\n",
    }))
    assert only_meeting(result).kind == "one-to-one"


def test_a_referral_closed_without_saying_how_is_not_guessed(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "meetings/2026-05-01 x.md": """
            ---
            with: ada
            gave:
              - to: ada
                status: closed
            ---
        """,
    })
    (problem,) = result.problems
    assert (problem.severity, problem.line) == ("error", 5)
    assert "write `won` or `lost`" in problem.message and "did you mean" not in problem.message
    (meeting,) = result.journal.meetings
    assert meeting.gave[0].status == "open"  # the field lost, not the entry


@pytest.mark.parametrize(("direction", "wrong", "right"), [("gave", "from", "to"),
                                                           ("got", "to", "from")])
def test_the_other_directions_key_says_which_to_use(loaded: Load, direction: str, wrong: str,
                                                    right: str) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "contacts/bob.md": "",
        "meetings/2026-05-01 x.md": f"---\nwith: ada\n{direction}:\n  - {wrong}: bob\n---\n",
    })
    (problem,) = result.problems  # not also "unknown key"
    assert (problem.severity, problem.line) == ("error", 4)
    assert f"write `{right}:`" in problem.message


def test_front_matter_without_its_opening_line_is_an_error(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "name: Ada Lovelace\nmet: 2026-01-05\ncadence: 1m\n---\nNotes.\n",
        "meetings/2026-05-01 x.md": "with: ada\ntags:\n  - chapter\n---\nCoffee.\n",
    })
    found = sorted((p.path, p.line, p.severity) for p in result.problems)
    assert found == [("contacts/ada.md", 1, "error"), ("meetings/2026-05-01 x.md", 1, "error")]
    assert "no opening `---` line" in result.problems[0].message


def test_a_body_that_only_looks_like_keys_is_a_body(loaded: Load) -> None:
    """Text with a colon, then a rule, is no front matter: no key of a note is in it."""
    clean(loaded({"contacts/ada.md": "Summary: a great first call\n---\nMore.\n",
                  "contacts/bo.md": "name: Bo\nAnd then a sentence.\n---\n"}))


def test_exchange_keys_are_read(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "meetings/2026-05-01 x.md": """
            ---
            with: ada
            got:
              - type: business
                status: won
                heat: hot
                value: 1250.50
                closed_on: 2026-06-01
            ---
        """,
    })
    (got,) = only_meeting(result).got
    assert (got.type, got.status, got.heat, got.value, got.closed_on) == (
        "business", "won", "hot", 1250.50, dt.date(2026, 6, 1))


def test_gave_to_a_list_is_an_introduction_of_two(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "contacts/bob.md": "",
        "contacts/cy.md": "",
        "meetings/2026-05-01 x.md": """
            ---
            with: cy
            gave:
              - to: [ada, bob]
                type: introduction
            ---
        """,
    })
    (gave,) = only_meeting(result).gave
    assert (gave.type, gave.contacts) == ("introduction", ("ada", "bob"))
    counted = balances(result.journal)
    assert (counted["ada"].gave, counted["bob"].gave, counted["cy"].gave) == (1, 1, 0)


def test_got_from_names_who_gave_it(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "contacts/bob.md": "",
        "meetings/2026-05-01 x.md": """
            ---
            with: [ada, bob]
            got:
              - from: bob
            ---
        """,
    })
    (got,) = only_meeting(result).got
    assert (got.direction, got.contacts) == ("got", ("bob",))


def test_exchange_without_to_or_from_defaults_to_the_meetings_with(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "contacts/bob.md": "",
        "meetings/2026-05-01 x.md": """
            ---
            with: [ada, bob]
            gave:
              - prospect: one
            got:
              - prospect: two
            ---
        """,
    })
    meeting = only_meeting(result)
    assert meeting.gave[0].contacts == ("ada", "bob")
    assert meeting.got[0].contacts == ("ada", "bob")


def test_follow_ups_with_defaults_to_the_meetings_with(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "contacts/bob.md": "",
        "meetings/2026-05-01 x.md": """
            ---
            with: [ada, bob]
            follow_ups:
              - due: 2026-05-08
                what: Send the deck
              - due: 2026-05-09
                with: bob
            ---
        """,
    })
    first, second = only_meeting(result).follow_ups
    assert (first.due, first.what, first.contacts, first.done) == (
        dt.date(2026, 5, 8), "Send the deck", ("ada", "bob"), False)
    assert (second.due, second.contacts) == (dt.date(2026, 5, 9), ("bob",))


@pytest.mark.parametrize(("written", "done"), [
    ("true", True), ("false", False), ("2026-05-07", dt.date(2026, 5, 7)),
])
def test_follow_up_done_is_true_or_a_date(loaded: Load, written: str,
                                          done: bool | dt.date) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "meetings/2026-05-01 x.md": f"---\nwith: ada\nfollow_ups:\n  - due: 2026-05-08\n"
                                    f"    done: {written}\n---\n",
    })
    (follow_up,) = only_meeting(result).follow_ups
    assert follow_up.done == done


def test_follow_up_shorthand_is_one_follow_up_with_everyone_met(loaded: Load) -> None:
    result = loaded({
        "contacts/ada.md": "",
        "contacts/bob.md": "",
        "meetings/2026-05-01 x.md": "---\nwith: [ada, bob]\nfollow_up: 2026-05-15\n---\n",
    })
    (follow_up,) = only_meeting(result).follow_ups
    assert (follow_up.due, follow_up.contacts, follow_up.done) == (
        dt.date(2026, 5, 15), ("ada", "bob"), False)


# --- contact refs ---------------------------------------------------------------------------

REF_CONTACTS = {
    "contacts/jn.md": "---\nname: José Núñez\naliases: [Pepe Núñez, JN]\n---\n",
    "contacts/Jane Doe.md": "",
}


@pytest.mark.parametrize(("ref", "slug"), [
    ("jn", "jn"),  # by slug
    ("jane-doe", "jane-doe"),  # by slug
    ("José Núñez", "jn"),  # by name
    ("JOSE nunez", "jn"),  # by name, case- and accent-insensitive
    ("josé   NÚÑEZ", "jn"),  # spaces collapsed
    ("Pepe Núñez", "jn"),  # by alias
    ("pepe nunez", "jn"),  # by alias, case- and accent-insensitive
    ("Jane Doe", "jane-doe"),  # by name taken from the file stem
    ('"[[Jane Doe]]"', "jane-doe"),  # wikilink
    ('"[[José Núñez]]"', "jn"),  # wikilink to a name
    ('"[[Jane Doe|Jane]]"', "jane-doe"),  # wikilink with a label
])
def test_ref_resolves(loaded: Load, ref: str, slug: str) -> None:
    result = loaded({**REF_CONTACTS, "meetings/2026-05-01 x.md": f"---\nwith: {ref}\n---\n"})
    (resolved,) = only_meeting(result).with_
    assert (resolved.slug, resolved.resolved) == (slug, True)
    assert not result.journal.contacts[slug].unresolved


UNRESOLVED = {
    "contacts/ada.md": "",
    "meetings/2026-05-01 x.md": """
        ---
        with: ada
        gave:
          - to: Ghost Person
          - to: Ghost Person
        got:
          - from: Ghost Person
        ---
    """,
}


def test_unresolved_ref_warns_and_gets_a_placeholder_contact(loaded: Load) -> None:
    result = loaded(UNRESOLVED)
    assert result.ok
    assert {(p.severity, p.line) for p in result.problems} == {
        ("warning", 4), ("warning", 5), ("warning", 7)}
    assert all("`Ghost Person` matches no contact" in p.message for p in result.problems)
    ghost = result.journal.contacts["ghost-person"]
    assert (ghost.name, ghost.unresolved) == ("Ghost Person", True)
    assert not result.journal.contacts["ada"].unresolved


def test_unresolved_ref_keeps_its_exchanges_in_the_balances(loaded: Load) -> None:
    result = loaded(UNRESOLVED)
    ghost = balances(result.journal)["ghost-person"]
    assert (ghost.gave, ghost.got, ghost.unresolved) == (2, 1, True)


def test_strict_mode_makes_the_unresolved_ref_warning_an_error(loaded: Load) -> None:
    result = loaded(UNRESOLVED, strict=True)
    assert not result.ok
    assert result.problems
    assert {p.severity for p in result.problems} == {"error"}


# --- config ---------------------------------------------------------------------------------


def test_config_defaults_when_refjournal_yaml_is_absent(loaded: Load) -> None:
    config = clean(loaded({"contacts/ada.md": ""})).journal.config
    assert (config.referral_check_days, config.soon_days, config.birthday_days,
            config.default_cadence) == (30, 7, 14, None)


def test_config_values_are_read(loaded: Load) -> None:
    result = loaded({
        "refjournal.yaml": """
            owner: Ada
            title: Ada's journal
            referral_check_days: 45
            soon_days: 3
            birthday_days: 21
            default_cadence: 60
        """,
        "contacts/ada.md": "",
    })
    config = clean(result).journal.config
    assert (config.owner, config.title, config.referral_check_days, config.soon_days,
            config.birthday_days, config.default_cadence) == (
        "Ada", "Ada's journal", 45, 3, 21, 60)


def test_config_default_cadence_in_weeks(loaded: Load) -> None:
    result = loaded({"refjournal.yaml": "default_cadence: 2w\n", "contacts/ada.md": ""})
    assert clean(result).journal.config.default_cadence == 14


# --- what is ignored ------------------------------------------------------------------------


def test_dot_files_dot_folders_and_non_markdown_files_are_ignored(loaded: Load) -> None:
    broken = b"\x00 not a note"
    result = loaded({
        "contacts/ada.md": "",
        "contacts/.hidden.md": "---\nname: Hidden\n---\n",
        "contacts/.obsidian/workspace.md": broken,
        "contacts/photo.png": broken,
        "contacts/notes.txt": "no front matter",
        "meetings/.trash/old.md": "---\nwith: nobody\n---\n",
        "meetings/2026-05-01 x.md.swp": broken,
        "meetings/2026-05-01 x.md": "---\nwith: ada\n---\n",
    })
    assert list(clean(result).journal.contacts) == ["ada"]
    assert [m.source.path for m in result.journal.meetings] == ["meetings/2026-05-01 x.md"]


def test_unquoted_wikilinks_in_yaml_are_read_as_refs(loaded) -> None:
    result = loaded({
        "contacts/jane-doe.md": "---\nname: Jane Doe\n---\n",
        "contacts/bob.md": "",
        "meetings/2026-11-01.md": """
            ---
            with: [[Jane Doe]]
            gave:
              - to:
                  - [[bob]]
                  - [[Jane Doe]]
            ---
            """,
    })
    assert result.problems == []
    [meeting] = result.journal.meetings
    assert meeting.contacts == ("jane-doe",)
    assert meeting.gave[0].contacts == ("bob", "jane-doe")


def test_numbers_with_a_leading_zero_or_colons_stay_text(loaded) -> None:
    result = loaded({"contacts/ada.md": "---\nphone: 01234567\nlocation: 10:30\n---\n"})
    ada = result.journal.contacts["ada"]
    assert (ada.phone, ada.location) == ("01234567", "10:30")


@pytest.mark.parametrize("written", ["2026-11-02T10:00:00Z", "2026-11-02 10:00:00 +02:00",
                                     "2026-11-02T10:00", "2026-11-02"])
def test_a_time_after_the_date_is_ignored(loaded, written) -> None:
    result = loaded({"contacts/ada.md": "", "meetings/m.md": f"---\ndate: {written}\n---\n"})
    assert result.ok, [p.format() for p in result.problems]
    assert result.journal.meetings[0].date.isoformat() == "2026-11-02"


def test_a_shared_name_resolves_to_the_first_contact_by_slug(loaded) -> None:
    result = loaded({
        "contacts/Zed.md": "---\nname: Sam\n---\n",
        "contacts/bob.md": "---\nname: Sam\n---\n",
        "contacts/zz/adam.md": "---\nname: Sam\n---\n",
        "meetings/2026-11-01.md": "---\nwith: sam\n---\n",
    })
    assert result.journal.meetings[0].contacts == ("adam",)
    [problem] = result.problems
    assert "using `adam`" in problem.message


def test_a_slug_matches_in_any_case_and_wins_over_an_alias(loaded) -> None:
    result = loaded({
        "contacts/ann.md": "---\nname: Ann Smith\n---\n",
        "contacts/bob.md": "---\naliases: [ann]\n---\n",
        "meetings/2026-11-01.md": "---\nwith: [ann, Ann, ANN]\n---\n",
    })
    assert result.journal.meetings[0].contacts == ("ann",)
    assert {p.line for p in result.problems} == {2}
    assert "could mean `ann` or `bob`" in result.problems[0].message


def test_a_file_name_without_letters_or_digits_is_an_error(loaded) -> None:
    result = loaded({"contacts/---.md": "---\nname: Dashes\n---\n", "contacts/ada.md": ""})
    assert not result.ok
    [problem] = [p for p in result.problems if p.is_error]
    assert (problem.path, problem.line) == ("contacts/---.md", 1)
    assert "no letter or digit" in problem.message
    assert list(result.journal.contacts) == ["ada"]


def test_a_punctuation_ref_never_replaces_a_real_contact(loaded) -> None:
    result = loaded({
        "contacts/unnamed.md": "---\ncadence: 1w\nmet: 2026-01-01\n---\n",
        "meetings/2026-11-01.md": "---\nwith: '???'\n---\n",
    })
    contacts = result.journal.contacts
    assert not contacts["unnamed"].unresolved
    assert contacts["unnamed-ref"].unresolved and contacts["unnamed-ref"].name == "???"


# --- values with a currency ----------------------------------------------------------

@pytest.mark.parametrize(("written", "value", "currency"), [
    ("2400", 2400, ""), ("1250.50", 1250.5, ""), ('"£1,200"', 1200, "GBP"),
    ('"1.200,50 €"', 1200.5, "EUR"), ('"EUR 1 200"', 1200, "EUR"),
    ("\"1'200.50 CHF\"", 1200.5, "CHF"), ('"$2,400"', 2400, "$"), ('"1,5"', 1.5, ""),
    ('"1.200.000"', 1200000, ""), ("1200.00", 1200, ""), ('"$2,400.00"', 2400, "$"),
])
def test_a_value_is_read_as_people_write_amounts(loaded: Load, written: str,
                                                 value: float, currency: str) -> None:
    result = loaded({"contacts/ada.md": "", "meetings/2026-05-01 x.md": (
        f"---\nwith: ada\ngave:\n  - status: won\n    value: {written}\n---\n")})
    (exchange,) = only_meeting(result).gave
    # a whole amount is an int however written, so that equal amounts are written the same
    assert (exchange.value, type(exchange.value), exchange.currency) == (value, type(value),
                                                                           currency)


@pytest.mark.parametrize(("written", "said"), [
    ('"1.200"', "could be 1200 or 1.2: write `1200`"),
    ('"12,00,0"', "write it without thousands separators"),
    ('"a lot"', "expected an amount such as `2400`, `1250.50` or `£1,200`"),
])
def test_an_amount_that_could_be_misread_is_refused(loaded: Load, written: str,
                                                    said: str) -> None:
    result = loaded({"contacts/ada.md": "", "meetings/2026-05-01 x.md": (
        f"---\nwith: ada\ngave:\n  - value: {written}\n---\n")})
    (problem,) = result.problems
    assert problem.severity == "error" and said in problem.message and problem.line == 4
    assert result.journal.meetings[0].gave[0].value is None  # the value, not the entry


def test_values_in_another_currency_than_the_journal_s_are_errors(loaded: Load) -> None:
    files = {"contacts/ada.md": "", "meetings/2026-05-01 x.md": (
        '---\nwith: ada\ngave:\n  - value: "£1,200"\n  - value: "$300"\n  - value: 50\n---\n')}
    mixed = loaded(files)
    assert [(p.line, p.message.split(":")[0]) for p in mixed.problems] == [
        (5, "the value is in $, but meetings/2026-05-01 x.md")]
    assert "write them in one currency" in mixed.problems[0].message
    euro = loaded({**files, "refjournal.yaml": "currency: eur\n"})
    assert [p.message for p in euro.problems] == [
        "the value is in GBP, but the journal's `currency` is EUR: write it in EUR",
        "the value is in $, but the journal's `currency` is EUR: write it in EUR"]
    assert euro.journal.config.currency == "EUR"
    assert loaded({**files, "refjournal.yaml": "currency: usd\n"}).problems[0].message \
        .startswith("the value is in GBP")


# --- the loop on referrals received, the chapter's inputs, the one-to-one profile -----

def test_a_referral_received_takes_the_days_of_its_loop(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "", "meetings/2026-05-01 x.md": (
        "---\nwith: ada\nattendance: late\ngot:\n  - prospect: Acme\n"
        "    contacted: 2026-05-02\n    thanked: 2026-05-02\n    reported: 2026-05-20\n"
        "gave:\n  - type: visitor\n    thanked: 2026-05-02\n---\n")})
    (problem,) = result.problems
    assert (problem.severity, problem.line) == ("warning", 11)
    assert "`thanked:` is for a referral you received (under `got:`)" in problem.message
    meeting = result.journal.meetings[0]
    got = meeting.got[0]
    assert (got.contacted, got.thanked, got.reported) == (
        dt.date(2026, 5, 2), dt.date(2026, 5, 2), dt.date(2026, 5, 20))
    assert meeting.gave[0].type == "visitor" and meeting.gave[0].thanked is None
    assert meeting.attendance == "late"


def test_a_contact_s_profile_for_one_to_ones(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": (
        "---\ngoals: [Open a second office, Hire two engineers]\naccomplishments: Built "
        "the analytical engine\ninterests: [chess, poetry]\nnetworks: Royal Society\n"
        "skills: [mathematics]\n---\n")})
    ada = contact(clean(result), "ada")
    assert ada.goals == ("Open a second office", "Hire two engineers")
    assert ada.accomplishments == ("Built the analytical engine",)
    assert (ada.interests, ada.networks, ada.skills) == (
        ("chess", "poetry"), ("Royal Society",), ("mathematics",))


def test_the_settings_of_the_loop_the_goals_and_the_scorecard(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "", "refjournal.yaml": (
        "loop_since: 2026-01-01\nthank_days: 1\ngoals:\n  closed_business_per_month: "
        "'£2,000'\nscorecard:\n  months: 3\n  visitors: {green: 4, amber: 2}\n"
        "  testimonials: {green: 1, amber: 3}\n  attendance: nope\n")})
    config = result.journal.config
    assert (config.loop_since, config.thank_days, config.contact_prospect_days) == (
        dt.date(2026, 1, 1), 1, 2)
    assert config.goals.closed_business_per_month == 2000
    card = config.scorecard
    assert (card.months, card.visitors.green, card.visitors.amber) == (3, 4, 2)
    assert card.testimonials == type(card)().testimonials  # amber above green: default
    assert [(p.line, p.message.split(":")[0]) for p in result.problems] == [
        (8, "`scorecard.testimonials`"), (9, "`scorecard.attendance`")]
