"""Problems: one test per class, each at its exact path, line and severity, all in one run."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from refjournal.build import build
from refjournal.cli import main
from refjournal.journal.load import Loaded, load
from refjournal.problems import Problem

from .conftest import TODAY

Load = Callable[..., Loaded]
Journal = Callable[[Mapping[str, str | bytes]], Path]

ADA = {"contacts/ada.md": ""}  # someone for meetings to name, so refs resolve


def only(result: Loaded) -> Problem:
    """The one problem of a run (fails, listing them, when there are more or none)."""
    assert len(result.problems) == 1, [p.format() for p in result.problems]
    return result.problems[0]


def assert_error(result: Loaded, path: str, line: int | None, phrase: str) -> Problem:
    problem = only(result)
    assert (problem.path, problem.line, problem.severity) == (path, line, "error")
    assert phrase in problem.message
    assert not result.ok
    return problem


def assert_warning(result: Loaded, path: str, line: int | None, phrase: str) -> Problem:
    problem = only(result)
    assert (problem.path, problem.line, problem.severity) == (path, line, "warning")
    assert phrase in problem.message
    assert result.ok
    return problem


# --- reading files --------------------------------------------------------------------------


def test_unreadable_file(journal: Journal, monkeypatch: pytest.MonkeyPatch) -> None:
    root = journal({"contacts/ada.md": "---\ncompany: Acme\n---\n", "contacts/bob.md": ""})
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "ada.md":  # what a mode-000 file gives a user who is not root
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    problem = assert_error(load(root), "contacts/ada.md", 1, "cannot read file")
    assert "Permission denied" in problem.message


def test_a_dangling_symlink_is_an_unreadable_file(journal: Journal) -> None:
    root = journal({"contacts/bob.md": ""})
    (root / "contacts" / "ada.md").symlink_to(root / "nowhere.md")
    assert_error(load(root), "contacts/ada.md", 1, "cannot read file")


def test_not_utf8_names_the_byte_offset_and_the_line_of_the_bad_byte(loaded: Load) -> None:
    data = b"---\ncompany: Acme\n---\nCaf\xe9 notes\n"
    problem = assert_error(loaded({"contacts/ada.md": data}), "contacts/ada.md", 4, "not UTF-8")
    offset = data.index(b"\xe9")
    assert f"byte offset {offset} " in problem.message
    assert "0xe9" in problem.message
    assert problem.column == 4


def test_not_utf8_after_a_bom_counts_the_bom_in_offset_and_line(loaded: Load) -> None:
    data = b"\xef\xbb\xbf---\ncompany: Acme\n---\nab\n\xff\n"
    problem = assert_error(loaded({"contacts/ada.md": data}), "contacts/ada.md", 5, "not UTF-8")
    offset = data.index(b"\xff")
    assert f"byte offset {offset} " in problem.message
    assert "0xff" in problem.message


def test_binary_file_with_nul_bytes(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": b"---\ncompany: Acme\n---\n\x00\x01\x02"})
    assert_error(result, "contacts/ada.md", 4, "binary file")  # the line of the first NUL


# --- front matter shape ---------------------------------------------------------------------


def test_bad_yaml_reports_the_files_own_line_and_column(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": """
        ---
        name: Ada
        company: Acme
        role: CTO: founder
        ---
        Body.
    """})
    problem = assert_error(result, "contacts/ada.md", 4, "bad YAML in front matter")
    assert "mapping values are not allowed" in problem.message
    assert problem.column == 10
    assert problem.source == "role: CTO: founder"


@pytest.mark.parametrize(("line", "hint", "column"), [
    ("title: Coffee: the sequel", 'put the value in quotes: `title: "Coffee: the sequel"`', 14),
    ('  - what: Ask "her": who else?', "put the value in quotes: `- what: 'Ask \"her\": who "
     "else?'`", 20),
    ("with: [[Tom Whitaker]], [[Sofia Marchetti]]", 'write wikilinks in quotes, or as a list: '
     '`with: ["[[Tom Whitaker]]", "[[Sofia Marchetti]]"]`', 7),
    ("  - due: 2026-12-01\n\t  what: call", "a tab character (shown as →): YAML indents "
     "with spaces only", 1),
])
def test_yaml_s_usual_complaints_come_with_what_to_do(loaded: Load, line: str, hint: str,
                                                       column: int) -> None:
    text = f"---\nwith: tom\nfollow_ups:\n{line}\n---\n" if line.startswith(" ") else \
        f"---\n{line}\n---\n"
    result = loaded({"contacts/tom.md": "", "meetings/2026-05-01 x.md": text})
    problem = only(result)
    assert problem.message.startswith("bad YAML in front matter: ") and hint in problem.message
    assert problem.column == column
    assert problem.format().splitlines()[-1].index("^") - problem.format().splitlines()[
        -2].index("|") - 2 == column - 1  # the caret under that column


def test_bad_yaml_line_counts_crlf_and_bom(loaded: Load) -> None:
    data = b"\xef\xbb\xbf---\r\nname: Ada\r\ncompany: Acme\r\nrole: CTO: founder\r\n---\r\n"
    assert_error(loaded({"contacts/ada.md": data}), "contacts/ada.md", 4, "bad YAML")


def test_bad_yaml_in_the_config_reports_the_files_own_line(loaded: Load) -> None:
    result = loaded({**ADA, "refjournal.yaml": "owner: Ada\ntitle: x\nsoon_days: [3\n"})
    assert_error(result, "refjournal.yaml", 3, "bad YAML")


def test_front_matter_that_is_a_list(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "---\n- company: Acme\n- role: CTO\n---\n"})
    assert_error(result, "contacts/ada.md", 2, "must be a mapping of `key: value` lines, "
                 "not a list")


def test_front_matter_without_closing_dashes(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "---\ncompany: Acme\nrole: CTO\n\nBody.\n"})
    assert_error(result, "contacts/ada.md", 1, "no closing `---`")


def test_git_merge_conflict_marker(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": """
        ---
        company: Acme
        ---
        Met at the fair.
        <<<<<<< HEAD
        Likes tea.
    """})
    assert_error(result, "contacts/ada.md", 5, "merge conflict marker")


# --- values ---------------------------------------------------------------------------------


def test_invalid_date_is_reported_at_its_keys_line(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": """
        ---
        company: Acme
        met: 2026-02-30
        ---
    """})
    problem = assert_error(result, "contacts/ada.md", 3, "invalid date `2026-02-30`")
    assert problem.message.startswith("`met`")


CONTACT_WITH = "---\ncompany: Acme\n{line}\n---\n"
MEETING_WITH = """---
with: ada
gave:
  - prospect: Roof job
    {line}
follow_ups:
  - due: 2026-05-08
    {line2}
---
"""


@pytest.mark.parametrize(("key_line", "phrase"), [
    ("paused: maybe", "expected true or false, got `maybe`"),
    ("cadence: often", "invalid cadence `often`"),
    ("tags: {a: 1}", "expected text or a list of texts, got a mapping"),
    ("archived: 3", "expected true or false"),
    ("met: 2026", "invalid date"),
])
def test_contact_value_of_the_wrong_type(loaded: Load, key_line: str, phrase: str) -> None:
    result = loaded({"contacts/ada.md": CONTACT_WITH.format(line=key_line)})
    problem = assert_error(result, "contacts/ada.md", 3, phrase)
    assert problem.message.startswith(f"`{key_line.split(':')[0]}`")


@pytest.mark.parametrize(("gave_line", "follow_up_line", "line", "phrase"), [
    ("value: lots", "what: call", 5, "`value`: expected an amount such as `2400`"),
    ("heat: 9", "what: call", 5, "`heat`: invalid heat `9`"),
    ("closed_on: soon", "what: call", 5, "`closed_on`: invalid date"),
    ("value: 10", "done: maybe", 8, "`done`: expected true, false or the date"),
])
def test_meeting_value_of_the_wrong_type(loaded: Load, gave_line: str, follow_up_line: str,
                                         line: int, phrase: str) -> None:
    note = MEETING_WITH.format(line=gave_line, line2=follow_up_line)
    result = loaded({**ADA, "meetings/2026-05-01 x.md": note})
    assert_error(result, "meetings/2026-05-01 x.md", line, phrase)


def test_follow_up_without_due(loaded: Load) -> None:
    result = loaded({**ADA, "meetings/2026-05-01 x.md": """
        ---
        with: ada
        follow_ups:
          - due: 2026-05-08
          - what: Send the deck
        ---
    """})
    assert_error(result, "meetings/2026-05-01 x.md", 5, "follow-up has no `due:` date")


@pytest.mark.parametrize("filename", ["coffee.md", "May 2026/coffee with ada.md"])
def test_meeting_without_a_date(loaded: Load, filename: str) -> None:
    result = loaded({**ADA, f"meetings/{filename}": "---\nwith: ada\n---\n"})
    assert_error(result, f"meetings/{filename}", 1, "meeting has no date")
    assert result.journal.meetings == ()


@pytest.mark.parametrize(("line", "phrase"), [
    ("tier: iner", "unknown tier `iner` (did you mean `inner`?)"),
    ("tier: keepwarm", "unknown tier `keepwarm` (did you mean `keep-warm`?)"),
])
def test_unknown_tier(loaded: Load, line: str, phrase: str) -> None:
    result = loaded({"contacts/ada.md": CONTACT_WITH.format(line=line)})
    assert_error(result, "contacts/ada.md", 3, phrase)


@pytest.mark.parametrize(("line", "phrase"), [
    ("status: wonn", "unknown status `wonn` (did you mean `won`?)"),
    ("type: referal", "unknown exchange type `referal` (did you mean `referral`?)"),
    ("type: intro", "unknown exchange type `intro`"),
])
def test_unknown_status_or_exchange_type(loaded: Load, line: str, phrase: str) -> None:
    note = MEETING_WITH.format(line=line, line2="what: call")
    result = loaded({**ADA, "meetings/2026-05-01 x.md": note})
    problem = assert_error(result, "meetings/2026-05-01 x.md", 5, phrase)
    assert "expected one of" in problem.message


@pytest.mark.parametrize("front", ["---\n---\n", "---\n\n---\nBody.\n",
                                   "---\n# only a comment\n---\n", "---\n{}\n---\n",
                                   "---\nnull\n---\n"])
@pytest.mark.parametrize("path", ["contacts/bob.md", "meetings/2026-05-01 x.md"])
def test_empty_front_matter_is_an_error(loaded: Load, front: str, path: str) -> None:
    result = loaded({**ADA, path: front})
    problem = assert_error(result, path, 1, "front matter is empty")
    assert problem.source == "---"


def test_a_note_without_front_matter_is_all_body(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "Met at the chamber mixer.\n"})
    assert result.problems == []
    assert result.journal.contacts["ada"].body.startswith("Met at")


@pytest.mark.parametrize("line", ["name: 2026-01-01", "company: 2026-01-05T09:00:00Z",
                                  "needs: 2026-01-01 10:00:00"])
def test_an_unquoted_date_where_text_is_expected(loaded: Load, line: str) -> None:
    result = loaded({"contacts/ada.md": f"---\nrole: CTO\n{line}\n---\n"})
    problem = assert_error(result, "contacts/ada.md", 3, "expected text, got the date")
    assert "quotes" in problem.message


def test_a_quoted_date_is_text(loaded: Load) -> None:
    result = loaded({**ADA, "meetings/2026-05-01 x.md": '---\nwith: ada\ntitle: "2026-05-01"\n'
                     "---\n"})
    assert result.problems == []
    assert result.journal.meetings[0].title == "2026-05-01"


# --- across notes ---------------------------------------------------------------------------


def test_two_contacts_with_the_same_slug(loaded: Load) -> None:
    result = loaded({"contacts/Jane Doe.md": "", "contacts/jane-doe.md": ""})
    problem = assert_error(result, "contacts/jane-doe.md", 1, "two contacts have the slug "
                           "`jane-doe`")
    assert "contacts/Jane Doe.md" in problem.message
    assert "contacts/jane-doe.md" in problem.message


def test_unknown_key_warns_with_a_suggestion(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "---\nrole: CTO\ncompnay: Acme\n---\n"})
    assert_warning(result, "contacts/ada.md", 3, "unknown key `compnay` in a contact note "
                   "(did you mean `company`?)")


def test_unknown_key_in_a_meeting_warns(loaded: Load) -> None:
    result = loaded({**ADA, "meetings/2026-05-01 x.md": "---\nwith: ada\nwhith: bob\n---\n"})
    assert_warning(result, "meetings/2026-05-01 x.md", 3, "unknown key `whith`")


def test_unresolved_ref_warns(loaded: Load) -> None:
    result = loaded({**ADA, "meetings/2026-05-01 x.md": "---\ntitle: Lunch\nwith: Zed\n---\n"})
    assert_warning(result, "meetings/2026-05-01 x.md", 3, "`Zed` matches no contact")


def test_a_wikilink_in_the_text_that_matches_no_contact_warns_with_the_nearest_names(
        loaded: Load) -> None:
    files = {"contacts/bob-quayle.md": "---\nname: Bob Quayle\n---\n",
             "contacts/bob-quail.md": "---\nname: Rob Quail\n---\n",
             "meetings/2026-05-01 x.md": "---\nwith: bob-quayle\n---\nMet [[Bob Quayle]].\n\n"
                                         "Then [[Bob Qualye|Bob]] again.\n"}
    result = loaded(files)
    problem = assert_warning(result, "meetings/2026-05-01 x.md", 6,
                             "`[[Bob Qualye]]` in the text matches no contact, so it links "
                             "nowhere; add `contacts/bob-qualye.md` or fix the link")
    assert problem.message.endswith("(did you mean `Bob Quayle` or `Rob Quail`?)")
    assert (problem.source, problem.column) == ("Then [[Bob Qualye|Bob]] again.", 6)
    strict = loaded(files, strict=True)
    assert not strict.ok and strict.problems[0].severity == "error"


def test_a_wikilink_in_a_contact_s_text_is_checked_too_and_makes_no_placeholder(
        loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "---\nname: Ada\n---\nIntroduced me to [[Zed]].\n"})
    assert_warning(result, "contacts/ada.md", 4, "`[[Zed]]` in the text matches no contact")
    assert list(result.journal.contacts) == ["ada"]


@pytest.mark.parametrize("body", [
    "Met [[Ada]] and [[ada|her]] and [[Ada#Notes]].\n",  # name, slug, heading
    "In code: `[[Zed]]` and ``a [[Zed]] b``.\n",
    "```\n[[Zed]]\n```\n",
    "~~~~ text\n[[Zed]]\n~~~\nstill code\n~~~~\n",
    "Not a link: [[ ]] or [[a\nb]].\n",
])
def test_wikilinks_that_name_a_contact_or_sit_in_code_say_nothing(loaded: Load,
                                                                   body: str) -> None:
    result = loaded({**ADA, "meetings/2026-05-01 x.md": f"---\nwith: ada\n---\n{body}"})
    assert result.problems == [], [p.format() for p in result.problems]


TOM_AND_SOFIA = {"contacts/tom.md": "---\nname: Tom Whitaker\n---\n",
                 "contacts/sofia.md": "---\nname: Sofia Marchetti\n---\n"}


@pytest.mark.parametrize("written", ["Tom Whitaker, Sofia Marchetti",
                                     '"[[Tom Whitaker]], [[Sofia Marchetti]]"', "tom,sofia"])
def test_with_names_separated_by_commas_is_read_when_each_is_a_contact(
        loaded: Load, written: str) -> None:
    result = loaded({**TOM_AND_SOFIA, "meetings/2026-05-01 x.md": (
        f"---\nwith: {written}\ngave:\n  - to: {written}\n    prospect: Acme\n---\n")})
    assert result.problems == [], [p.format() for p in result.problems]
    [meeting] = result.journal.meetings
    assert meeting.contacts == ("tom", "sofia")
    assert meeting.gave[0].contacts == ("tom", "sofia")
    assert sorted(result.journal.contacts) == ["sofia", "tom"]  # no placeholder


def test_a_name_with_a_comma_that_is_a_contact_stays_one(loaded: Load) -> None:
    result = loaded({**TOM_AND_SOFIA, "contacts/smith.md": "---\nname: Smith, Tom\n---\n",
                     "meetings/2026-05-01 x.md": "---\nwith: Smith, Tom\n---\n"})
    assert result.problems == [] and result.journal.meetings[0].contacts == ("smith",)


def test_with_names_separated_by_commas_not_all_contacts_asks_for_a_list(loaded: Load) -> None:
    result = loaded({**TOM_AND_SOFIA,
                     "meetings/2026-05-01 x.md": "---\nwith: Tom Whitaker, Sofia Marchtti\n---\n"})
    assert_warning(result, "meetings/2026-05-01 x.md", 2, "`Tom Whitaker, Sofia Marchtti` "
                   "matches no contact; to name several, write them as a list: "
                   "`[Tom Whitaker, Sofia Marchtti]`")


@pytest.mark.parametrize("ref", ["clients", "Clients/", "[[contacts/clients]]"])
def test_a_ref_to_a_folder_is_an_error(loaded: Load, ref: str) -> None:
    result = loaded({"contacts/clients/acme.md": "",
                     "meetings/2026-05-01 x.md": f'---\ntitle: Lunch\nwith: "{ref}"\n---\n'})
    problem = assert_error(result, "meetings/2026-05-01 x.md", 3, "is the folder "
                           "contacts/clients/, not a contact")
    assert problem.source == f'with: "{ref}"'


@pytest.mark.parametrize("ref", ["contacts/clients/acme.md", "[[contacts/clients/acme]]",
                                 "Clients/Acme", "clients/acme.md"])
def test_a_ref_may_be_the_path_of_the_note(loaded: Load, ref: str) -> None:
    result = loaded({"contacts/clients/acme.md": "---\nname: Acme Ltd\n---\n",
                     "meetings/2026-05-01 x.md": f'---\nwith: "{ref}"\n---\n'})
    assert result.problems == []
    assert result.journal.meetings[0].contacts == ("acme",)


@pytest.mark.parametrize("ref", ["jane.vcf", "contacts/jane.vcf", "jane"])
def test_a_ref_to_a_file_that_is_not_a_note_is_an_error(loaded: Load, ref: str) -> None:
    result = loaded({"contacts/jane.vcf": "BEGIN:VCARD\n", **ADA,
                     "meetings/2026-05-01 x.md": f"---\nwith: [ada, {ref}]\n---\n"})
    assert_error(result, "meetings/2026-05-01 x.md", 2, "is contacts/jane.vcf, which is not a "
                 "contact note")


def test_strict_mode_turns_a_warning_into_an_error(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "---\ncompnay: Acme\n---\n"}, strict=True)
    assert_error(result, "contacts/ada.md", 2, "unknown key `compnay`")


def test_every_problem_of_a_run_is_reported_together(loaded: Load) -> None:
    result = loaded({
        **ADA,
        "contacts/bob.md": "---\nname: Bob\nrole: CTO: founder\n---\n",
        "contacts/cy.md": "---\ncompany: Acme\nmet: 2026-02-30\npaused: maybe\n---\n",
        "meetings/2026-05-01 x.md": "---\nwith: [ada, Zed]\n---\n",
        "meetings/coffee.md": "---\nwith: ada\n---\n",
    })
    assert [(p.path, p.line, p.severity) for p in result.problems] == [
        ("contacts/bob.md", 3, "error"),
        ("contacts/cy.md", 3, "error"),
        ("contacts/cy.md", 4, "error"),
        ("meetings/2026-05-01 x.md", 2, "warning"),
        ("meetings/coffee.md", 1, "error"),
    ]
    assert not result.ok


# --- how a problem reads --------------------------------------------------------------------


def test_problem_format_gives_location_severity_message_then_the_source_line(
        loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "---\ncompany: Acme\nmet: 2026-02-30\n---\n"})
    lines = only(result).format().splitlines()
    assert lines[0] == ("contacts/ada.md:3: error: `met`: invalid date `2026-02-30`: "
                        "day is out of range for month")
    assert lines[1].strip() == "3 | met: 2026-02-30"


def test_problem_format_with_a_column_puts_a_caret_under_it() -> None:
    problem = Problem("contacts/ada.md", 4, "error", "bad YAML", "role: CTO: founder", 10)
    assert problem.format().splitlines() == [
        "contacts/ada.md:4: error: bad YAML",
        "    4 | role: CTO: founder",
        "    " + " " * len("4 | ") + " " * 9 + "^",
    ]


def test_problem_format_without_a_line() -> None:
    problem = Problem("contacts/ada.md", None, "error", "binary file")
    assert problem.format() == "contacts/ada.md: error: binary file"


# --- the command line -----------------------------------------------------------------------


def test_cli_check_exits_1_and_lists_problems_on_stderr(journal: Journal) -> None:
    root = journal({
        "contacts/ada.md": "---\ncompany: Acme\nmet: 2026-02-30\n---\n",
        "contacts/bob.md": "---\nname: Bob\nrole: CTO: founder\n---\n",
    })
    result = CliRunner().invoke(main, ["check", "--journal", str(root)])
    assert result.exit_code == 1
    assert "contacts/ada.md:3: error: `met`: invalid date" in result.stderr
    assert "contacts/bob.md:3: error: bad YAML" in result.stderr
    assert "2 errors" in result.stderr
    assert "ok:" not in result.stdout


def test_cli_check_strict_fails_on_a_warning(journal: Journal) -> None:
    root = journal({"contacts/ada.md": "---\ncompnay: Acme\n---\n"})
    lenient = CliRunner().invoke(main, ["check", "--journal", str(root)])
    strict = CliRunner().invoke(main, ["check", "--strict", "--journal", str(root)])
    assert lenient.exit_code == 0
    assert "contacts/ada.md:2: warning: unknown key `compnay`" in lenient.stderr
    assert strict.exit_code == 1
    assert "contacts/ada.md:2: error: unknown key `compnay`" in strict.stderr


def test_cli_check_of_a_clean_journal_exits_0(journal: Journal) -> None:
    root = journal({
        "contacts/ada.md": "---\ncompany: Acme\n---\n",
        "meetings/2026-05-01 x.md": "---\nwith: ada\ngave:\n  - prospect: Roof job\n---\n",
    })
    result = CliRunner().invoke(main, ["check", "--journal", str(root)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert "ok: 1 contact, 1 meeting, 1 exchange" in result.stdout


def test_a_duplicate_key_is_an_error_at_its_second_line(loaded: Load) -> None:
    result = loaded({"meetings/2026-11-01.md": """
        ---
        gave:
          - prospect: One
        got:
          - prospect: Two
        gave:
          - prospect: Three
        ---
        """})
    problem = assert_error(result, "meetings/2026-11-01.md", 6, "key `gave` appears twice")
    assert "also on line 2" in problem.message
    assert problem.source == "gave:"


def test_not_utf8_caret_counts_characters_not_bytes(loaded: Load) -> None:
    data = "---\ncompany: Café \n---\n".encode() .replace(b" \n---", b"\xff\n---")
    problem = assert_error(loaded({"contacts/ada.md": data}), "contacts/ada.md", 2, "not UTF-8")
    assert problem.column == len("company: Café") + 1


@pytest.mark.parametrize(("front", "message"), [
    ("cadence: 10000y", "more than a hundred years"),
    ("cadence: 99999999", "more than a hundred years"),
])
def test_intervals_that_would_overflow_dates_are_errors(loaded: Load, front: str,
                                                        message: str) -> None:
    result = loaded({"contacts/ada.md": f"---\nmet: 2026-01-01\n{front}\n---\n"})
    assert_error(result, "contacts/ada.md", 3, message)


def test_config_days_beyond_a_hundred_years_are_errors(loaded: Load) -> None:
    result = loaded({"refjournal.yaml": "referral_check_days: 99999999\n", "contacts/a.md": ""})
    assert_error(result, "refjournal.yaml", 1, "0 to 36500")


def test_a_meeting_without_a_date_still_has_its_refs_checked(loaded: Load) -> None:
    result = loaded({"contacts/bob.md": "", "meetings/notes.md": "---\nwith: Bobb\n---\n"})
    assert [(p.line, p.severity) for p in result.problems] == [(1, "error"), (2, "warning")]
    assert "did you mean `bob`" in result.problems[1].message
    assert result.journal.meetings == ()


# --- what is read: symlinks and dot files ---------------------------------------------------


def test_a_symlink_outside_the_journal_is_not_followed(tmp_path: Path, journal: Journal) -> None:
    root = journal({**ADA, "meetings/2026-05-01 x.md": "---\nwith: ada\n---\n"})
    secret = write_note(tmp_path / "elsewhere" / "eve.md", "---\ncompany: Elsewhere\n---\n")
    (root / "contacts" / "eve.md").symlink_to(secret)
    (root / "meetings" / "old").symlink_to(secret.parent, target_is_directory=True)
    result = load(root)
    assert sorted((p.path, p.severity) for p in result.problems) == [
        ("contacts/eve.md", "warning"), ("meetings/old", "warning")]
    assert all("symlink points outside the journal" in p.message and "not followed" in p.message
               for p in result.problems)
    assert set(result.journal.contacts) == {"ada"}
    assert len(result.journal.meetings) == 1
    assert not load(root, strict_mode=True).ok


def test_a_symlink_inside_the_journal_is_followed_once(journal: Journal) -> None:
    root = journal({**ADA, "archive/2025/2025-05-01 x.md": "---\nwith: ada\n---\n"})
    (root / "meetings").mkdir()
    (root / "meetings" / "2025").symlink_to(root / "archive" / "2025", target_is_directory=True)
    (root / "meetings" / "loop").symlink_to(root / "meetings", target_is_directory=True)
    (root / "contacts" / "ada-again.md").symlink_to(root / "contacts" / "ada.md")
    result = load(root)
    assert [m.source.path for m in result.journal.meetings] == ["meetings/2025/2025-05-01 x.md"]
    assert {"ada", "ada-again"} <= set(result.journal.contacts)
    assert result.problems == []


def test_dot_files_and_folders_are_ignored(loaded: Load) -> None:
    broken = b"\x00 not a note"
    result = loaded({**ADA, ".obsidian/workspace.md": broken, "contacts/.obsidian/x.md": broken,
                     ".git/x.md": broken, "meetings/.git/x.md": broken,
                     "contacts/.ada.md.swp": broken, "contacts/.#ada.md": broken,
                     "meetings/.trash/2026-01-01 x.md": broken})
    assert result.problems == []
    assert set(result.journal.contacts) == {"ada"}


def write_note(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_pipe_named_like_a_note_is_an_error_and_is_not_read(journal: Journal) -> None:
    root = journal(ADA)
    os.mkfifo(root / "contacts" / "bob.md")  # reading it would wait for a writer forever
    assert_error(load(root), "contacts/bob.md", None, "not a regular file")


def test_a_ref_that_may_name_a_contact_that_cannot_be_read_says_so(loaded: Load) -> None:
    result = loaded({"contacts/ada.md": "---\naliases: [Countess]\naliases: [Ada]\n---\n",
                     "meetings/2026-05-01 x.md": "---\nwith: [Countess, ada]\n---\n"})
    assert [(p.path, p.line, p.severity) for p in result.problems] == [
        ("contacts/ada.md", 3, "error"), ("meetings/2026-05-01 x.md", 2, "warning")]
    assert result.problems[1].message.endswith("; contacts/ada.md could not be read, and may "
                                               "be the one meant")


def test_a_journal_folder_that_is_a_file_is_named(loaded: Load) -> None:
    result = loaded({**ADA, "meetings": "not a folder\n"})
    assert_warning(result, "meetings", None, "meetings is a file, not a folder")


def test_a_theme_or_config_reached_through_a_symlink_out_of_the_journal_is_not_read(
        tmp_path: Path, journal: Journal) -> None:
    elsewhere = tmp_path / "elsewhere"
    write_note(elsewhere / "theme" / "static" / "id_rsa", "secret\n")
    write_note(elsewhere / "refjournal.yaml", "title: Secret title\n")
    root = journal(ADA)
    (root / "theme").symlink_to(elsewhere / "theme", target_is_directory=True)
    (root / "refjournal.yaml").symlink_to(elsewhere / "refjournal.yaml")
    result = load(root)
    assert [(p.path, p.severity) for p in result.problems] == [("refjournal.yaml", "warning")]
    assert result.journal.config.title == "refjournal"
    built = build(root, tmp_path / "site", TODAY)
    assert built.written
    assert not (tmp_path / "site" / "assets" / "id_rsa").exists()
    assert ("theme/static", "warning") in [(p.path, p.severity) for p in built.problems]


def test_a_folder_that_cannot_be_listed_is_an_error(journal: Journal,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = journal({**ADA, "contacts/private/bob.md": ""})
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("private"):  # what a mode-000 folder gives a user who is not root
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert_error(load(root), "contacts/private", None, "cannot read folder: Permission denied")


def test_a_link_back_to_a_folder_above_is_not_walked(journal: Journal) -> None:
    root = journal({**ADA, "meetings/2026-05-01 x.md": "---\nwith: ada\n---\n"})
    (root / "contacts" / "all").symlink_to(root, target_is_directory=True)
    (root / "contacts" / "self").symlink_to(root / "contacts", target_is_directory=True)
    result = load(root)
    assert result.problems == []
    assert set(result.journal.contacts) == {"ada"}


def test_a_picture_in_a_sub_folder_does_not_capture_a_ref(loaded: Load) -> None:
    result = loaded({**ADA, "contacts/photos/bob.png": b"\x89PNG",
                     "meetings/2026-05-01 x.md": "---\nwith: [ada, Bob]\n---\n"})
    assert_warning(result, "meetings/2026-05-01 x.md", 2, "`Bob` matches no contact")
