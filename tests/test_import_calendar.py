"""`refjournal import calendar`: meeting notes from a calendar export, each event once.

The calendars here are written as Google Calendar, Outlook and Apple Calendar write their
exports: Google in UTC with X-WR-TIMEZONE and the owner's address as the calendar's name,
Outlook with Windows time-zone names defined in VTIMEZONE and quoted CNs, Apple with IANA
TZIDs and a calendar named by the user.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from refjournal.cli import main
from refjournal.importing import guess_kind
from refjournal.journal.load import load

from .conftest import tree, write_journal

JOURNAL = {
    "refjournal.yaml": "owner: Maya Okafor\n",
    "contacts/priya-raman.md": ("---\nname: Priya Raman\nemail: priya@ramanhale.example\n"
                                "emails: [p.raman@chapter.example]\n---\n"),
    "contacts/jose-nunez.md": "---\nname: José Núñez\naliases: [Pepe]\n---\n",
    "contacts/tom-whitaker.md": "---\nname: Tom Whitaker\nemail: tom@whitaker.example\n---\n",
    # written by hand: the calendar's event that day with Tom is this meeting
    "meetings/2026/2026-11-12-lunch-tom.md": ("---\ndate: 2026-11-12\nwith: tom-whitaker\n"
                                             "kind: lunch\n---\nGood lunch.\n"),
}


def ics(*events: str, head: str = "") -> bytes:
    """A calendar of these VEVENT bodies, with CRLF line ends as exports have."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", *filter(None, head.split("\n"))]
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().split("\n"), "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


GOOGLE_HEAD = ("PRODID:-//Google Inc//Google Calendar 70.9054//EN\nCALSCALE:GREGORIAN\n"
               "METHOD:PUBLISH\nX-WR-CALNAME:maya@okafor.example\n"
               "X-WR-TIMEZONE:Europe/London")
GOOGLE = ics(
    # a weekly chapter breakfast with Priya, one week cancelled by EXDATE, one moved to
    # the Friday, one cancelled as an occurrence of its own
    """DTSTART:20261105T070000Z
DTEND:20261105T083000Z
RRULE:FREQ=WEEKLY;BYDAY=TH
EXDATE:20261112T070000Z
UID:7kq2chapter@google.com
SUMMARY:Chapter breakfast
ATTENDEE;CN=Priya Raman;PARTSTAT=ACCEPTED:mailto:P.Raman@chapter.example
ATTENDEE;CN=maya@okafor.example;PARTSTAT=ACCEPTED:mailto:maya@okafor.example""",
    """DTSTART:20261120T080000Z
DTEND:20261120T093000Z
RECURRENCE-ID:20261119T070000Z
UID:7kq2chapter@google.com
SUMMARY:Chapter breakfast (moved to Friday)
ATTENDEE;CN=Priya Raman;PARTSTAT=ACCEPTED:mailto:p.raman@chapter.example""",
    """DTSTART:20261126T070000Z
RECURRENCE-ID:20261126T070000Z
UID:7kq2chapter@google.com
STATUS:CANCELLED
SUMMARY:Chapter breakfast""",
    # all-day, named in the summary without accents or case
    """DTSTART;VALUE=DATE:20261110
DTEND;VALUE=DATE:20261111
UID:tradeshow@google.com
SUMMARY:Trade show with JOSE NUNEZ
LOCATION:Severnmouth Exhibition Centre""",
    # 23:30 in London is the 3rd there, whatever UTC says in summer or winter
    """DTSTART:20261103T233000Z
UID:latecall@google.com
SUMMARY:Call with Pepe""",
    # nobody known; declined by Maya; with Tom on a day with a hand-written note
    """DTSTART:20261104T120000Z
UID:dentist@google.com
SUMMARY:Dentist""",
    """DTSTART:20261106T120000Z
UID:declined@google.com
SUMMARY:Lunch with Priya Raman
ATTENDEE;PARTSTAT=DECLINED:mailto:maya@okafor.example""",
    """DTSTART:20261112T120000Z
UID:tomlunch@google.com
SUMMARY:Lunch
ATTENDEE;CN=Tom Whitaker:mailto:tom@whitaker.example""",
    head=GOOGLE_HEAD)


def run(root: Path, data: bytes, *args: str) -> Result:
    (root.parent / "calendar.ics").write_bytes(data)
    return CliRunner().invoke(main, ["import", "calendar", str(root.parent / "calendar.ics"),
                                     "--journal", str(root), "--today", "2026-12-01", *args])


def notes(root: Path) -> dict[str, str]:
    return {rel: text.decode() for rel, text in tree(root / "meetings").items()}


def test_a_google_export_makes_one_note_per_event_with_a_contact(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    result = run(root, GOOGLE)
    assert result.exit_code == 0, result.output
    made = {rel: text for rel, text in notes(root).items() if "tom" not in rel}
    assert made == {
        "2026/2026-11-03-call-with-pepe.md": (
            "---\ndate: 2026-11-03\nwith: jose-nunez\nkind: call\ntitle: Call with Pepe\n"
            "calendar_id: latecall@google.com\n---\n"),
        "2026/2026-11-05-chapter-breakfast.md": (
            "---\ndate: 2026-11-05\nwith: priya-raman\nkind: event\n"
            "title: Chapter breakfast\ncalendar_id: 7kq2chapter@google.com#20261105T070000Z\n"
            "---\n"),
        "2026/2026-11-10-trade-show-with-jose-nunez.md": (
            "---\ndate: 2026-11-10\nwith: jose-nunez\nkind: event\n"
            "title: Trade show with JOSE NUNEZ\nlocation: Severnmouth Exhibition Centre\n"
            "calendar_id: tradeshow@google.com\n---\n"),
        "2026/2026-11-20-chapter-breakfast-moved-to-friday.md": (
            "---\ndate: 2026-11-20\nwith: priya-raman\nkind: event\n"
            "title: Chapter breakfast (moved to Friday)\n"
            "calendar_id: 7kq2chapter@google.com#20261119T070000Z\n---\n"),
    }
    assert result.stdout.splitlines()[-1] == (
        "imported 4 meetings; skipped 1 cancelled, 1 declined by you, 1 with no known "
        "contact, 1 already logged (of 8 in the file's dates)")
    assert load(root, strict_mode=True).problems == []


def test_importing_again_or_a_later_export_writes_nothing_twice(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    assert run(root, GOOGLE).exit_code == 0
    before = tree(root)
    # a later export: the trade show moved a day, a new occurrence of the breakfast
    later = GOOGLE.replace(b"20261110\r\nDTEND;VALUE=DATE:20261111",
                           b"20261111\r\nDTEND;VALUE=DATE:20261112")
    result = run(root, later, "--until", "2026-12-03")
    assert result.exit_code == 0, result.output
    assert set(tree(root)) - set(before) == {"meetings/2026/2026-12-03-chapter-breakfast.md"}
    assert all(tree(root)[rel] == data for rel, data in before.items())  # bytes kept
    assert "1 cancelled, 1 declined by you, 1 with no known contact, 5 already logged" in \
        result.stdout


def test_a_dry_run_says_what_it_would_write_and_writes_nothing(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    before = tree(root)
    result = run(root, GOOGLE, "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.count("would write ") == 4
    assert "would import 4 meetings (a dry run: nothing written)" in result.stdout
    assert tree(root) == before


def test_since_and_until_bound_the_days(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    result = run(root, GOOGLE, "--since", "2026-11-05", "--until", "2026-11-10")
    assert sorted(notes(root)) == ["2026/2026-11-05-chapter-breakfast.md",
                                   "2026/2026-11-10-trade-show-with-jose-nunez.md",
                                   "2026/2026-11-12-lunch-tom.md"]
    assert "skipped 1 declined by you (of 3 in the file's dates)" in result.stdout


OUTLOOK = ics(
    """ATTENDEE;CN="Raman, Priya";RSVP=TRUE:mailto:priya@ramanhale.example
ATTENDEE;CN="Maya Okafor";PARTSTAT=ACCEPTED:mailto:maya@okafor.example
CLASS:PUBLIC
DESCRIPTION:\\n
DTSTART;TZID="AUS Eastern Standard Time":20261105T003000
DTEND;TZID="AUS Eastern Standard Time":20261105T013000
LOCATION:Harbour Cafe
SUMMARY:1:1 catch-up
UID:040000008200E00074C5B7101A82E00800000000A0F4C3B6
X-MICROSOFT-CDO-BUSYSTATUS:BUSY""",
    """ATTENDEE;CN="Tom Whitaker";PARTSTAT=NEEDS-ACTION:mailto:tom@whitaker.example
ATTENDEE;CN="Maya Okafor";PARTSTAT=DECLINED:mailto:MAYA@okafor.example
DTSTART;TZID="AUS Eastern Standard Time":20261106T090000
SUMMARY:Pipeline review
UID:040000008200E00074C5B7101A82E00800000000B1""",
    head="""PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
METHOD:PUBLISH
X-WR-CALNAME:Calendar
BEGIN:VTIMEZONE
TZID:AUS Eastern Standard Time
BEGIN:STANDARD
DTSTART:16010401T030000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4
TZOFFSETFROM:+1100
TZOFFSETTO:+1000
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16011007T020000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10
TZOFFSETFROM:+1000
TZOFFSETTO:+1100
END:DAYLIGHT
END:VTIMEZONE""")


def test_an_outlook_export_keeps_the_event_s_own_day_and_the_owner_s_answer(
        tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", {**JOURNAL, "refjournal.yaml": (
        "owner: Maya Okafor\nowner_email: maya@okafor.example\n")})
    result = run(root, OUTLOOK)
    assert result.exit_code == 0, result.output
    # 00:30 in Sydney on the 5th is the 4th in UTC: the note keeps the event's own day
    assert notes(root)["2026/2026-11-05-1-1-catch-up.md"] == (
        "---\ndate: 2026-11-05\nwith: priya-raman\nkind: one-to-one\ntitle: 1:1 catch-up\n"
        "location: Harbour Cafe\n"
        "calendar_id: 040000008200E00074C5B7101A82E00800000000A0F4C3B6\n---\n")
    assert "1 declined by you" in result.stdout  # owner_email, in any case


APPLE = ics(
    """CREATED:20261001T101010Z
DTSTART;TZID=Europe/London:20261109T170000
DTEND;TZID=Europe/London:20261109T180000
SUMMARY:Drinks - Priya Raman
UID:5A1E7C2B-3F4D-4E5F-8A9B-0C1D2E3F4A5B
ATTENDEE;CN=Maya Okafor;CUTYPE=INDIVIDUAL;EMAIL=maya@me.example;PARTSTAT=DEC
 LINED:mailto:maya@me.example
X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC""",
    head="PRODID:-//Apple Inc.//macOS 15.1//EN\nX-WR-CALNAME:Work\nCALSCALE:GREGORIAN")


def test_me_names_the_owner_s_address_for_calendars_that_do_not(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    assert "would import 1 meeting " in run(root, APPLE, "--dry-run").stdout
    result = run(root, APPLE, "--me", "maya@me.example")
    assert "imported 0 meetings; skipped 1 declined by you" in result.stdout


def test_an_event_that_cannot_be_placed_in_time_is_reported_at_its_line(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    data = ics("UID:nostart\nSUMMARY:Coffee with Priya Raman",
               "UID:badstart\nDTSTART:20261345T250000\nSUMMARY:Coffee with Priya Raman",
               "UID:fine\nDTSTART:20261102T100000Z\nSUMMARY:Coffee with Priya Raman")
    result = run(root, data)
    assert result.exit_code == 0, result.output
    calendar = tmp_path / "calendar.ics"
    assert result.stderr.splitlines() == [
        f"{calendar}:3: the event has no start (DTSTART); left out",
        f"{calendar}:7: the event's start cannot be read (Wrong datetime format: "
        "20261345T250000); left out"]
    assert list(notes(root)) == ["2026/2026-11-02-coffee-with-priya-raman.md",
                                 "2026/2026-11-12-lunch-tom.md"]
    assert result.stdout.endswith("; 2 events unread (of 1 in the file's dates)\n")


@pytest.mark.parametrize("data", [b"BEGIN:VCARD\r\nFN:Ada\r\nEND:VCARD\r\n", b"\x89PNG\r\n"])
def test_a_file_that_is_no_calendar_is_an_error_and_writes_nothing(tmp_path: Path,
                                                                   data: bytes) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    before = tree(root)
    result = run(root, data)
    assert result.exit_code == 1
    assert "not an iCalendar file (no BEGIN:VCALENDAR line)" in result.stderr
    assert tree(root) == before


@pytest.mark.parametrize(("summary", "kind"), [
    ("Coffee with Priya", "coffee"), ("1-2-1 Tom", "one-to-one"), ("121 with Tom",
                                                                   "one-to-one"),
    ("One on one: Jose", "one-to-one"), ("Lunch", "lunch"), ("Zoom call", "call"),
    ("BNI chapter meeting", "event"), ("Networking mixer", "event"),
    ("Dinner with Jose", ""), ("Coffeehouse strategy", ""), ("Calligraphy class", ""),
])
def test_the_kind_is_guessed_from_the_summary_where_it_says_so(summary: str,
                                                               kind: str) -> None:
    assert guess_kind(summary) == kind
