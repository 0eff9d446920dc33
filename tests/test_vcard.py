"""vCard in and out (`refjournal/exchange/vcard.py`): the labels address books give emails,
phones and web addresses, birthdays without a year in each version, and a bad property that
costs only itself. Each card here is written as the named client writes one."""

from __future__ import annotations

import re

import pytest
import vobject
from click.testing import CliRunner, Result

from refjournal.cli import main
from refjournal.exchange.vcard import Card, _bday, read_vcards
from refjournal.journal.load import load
from refjournal.model import Birthday

from .conftest import write_journal


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def card(*lines: str, version: str = "3.0") -> str:
    """One card of these property lines, with CRLF as phones write it."""
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + "\r\n"


def only(text: str) -> Card:
    parsed = read_vcards(text.encode("utf-8"))
    assert parsed.bad == [] and len(parsed.cards) == 1, parsed
    return parsed.cards[0][2]


# --- labels: `item1.EMAIL` and `item1.X-ABLabel` --------------------------------------

# Apple Contacts and iCloud, vCard 3.0: a custom label, built-in ones in `_$!<...>!$_`,
# `type=pref` as a parameter of its own, a URL with its colon escaped, and a label on a
# property the importer does not keep (a related name).
APPLE = card(
    "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
    "N:Okafor;Chidi;;;", "FN:Chidi Okafor", "ORG:Okafor Surveying;",
    "item1.EMAIL;type=INTERNET;type=pref:diary@okafor.example",
    "item1.X-ABLabel:Work assistant",
    "EMAIL;type=INTERNET;type=WORK:chidi@okafor.example",
    "TEL;type=CELL;type=VOICE;type=pref:+44 7700 900871",
    "item2.TEL:+44 117 496 0388",
    "item2.X-ABLabel:_$!<Other>!$_",
    "item3.URL;type=pref:https\\://okafor.example",
    "item3.X-ABLabel:_$!<HomePage>!$_",
    "item4.URL:https://cal.okafor.example/book",
    "item4.X-ABLabel:Bookings\\, site visits",
    "item5.X-ABRELATEDNAMES:Ngozi Okafor",
    "item5.X-ABLabel:_$!<Assistant>!$_",
    "BDAY;X-APPLE-OMIT-YEAR=1604:1604-11-03",
    "X-ABUID:0D1A2B3C-4D5E-4F60-8172-93A4B5C6D7E8:ABPerson",
)


def test_apple_labels_are_kept_with_their_email_phone_and_url():
    chidi = only(APPLE)
    # The front matter: the preferred of each, as before.
    assert (chidi.email, chidi.phone, chidi.website) == (
        "diary@okafor.example", "+44 7700 900871", "https://okafor.example")
    # The note's text: every labelled one, the first too, since front matter holds no label;
    # every address beyond the first is in `emails:`, where `import calendar` finds it.
    assert dict(chidi.keys)["emails"] == ["chidi@okafor.example"]
    assert chidi.more == (
        "Email (Work assistant): diary@okafor.example",
        "Phone (Other): +44 117 496 0388",
        "Website (Home page): https://okafor.example",
        "Website (Bookings, site visits): https://cal.okafor.example/book",
    )
    assert chidi.birthday == "11-03"


# Google Contacts, vCard 3.0: custom labels on item groups, an address with an empty label,
# a birthday without a year written as 3.0 cannot.
GOOGLE = card(
    "FN:Marta Lindqvist", "N:Lindqvist;Marta;;;",
    "EMAIL;TYPE=INTERNET;TYPE=WORK:marta@lindqvist.example",
    "item1.EMAIL;TYPE=INTERNET:ap@lindqvist.example",
    "item1.X-ABLabel:Invoices",
    "TEL;TYPE=CELL:+46 70 123 45 67",
    "item2.TEL:+46 8 123 456",
    "item2.X-ABLabel:Reception",
    "item3.ADR:;;;;;;",
    "item3.X-ABLabel:",
    "BDAY:--03-15",
    "CATEGORIES:myContacts",
)


def test_google_custom_labels_and_an_empty_one():
    marta = only(GOOGLE)
    assert (marta.email, marta.phone) == ("marta@lindqvist.example", "+46 70 123 45 67")
    assert marta.more == ("Email (Invoices): ap@lindqvist.example",
                          "Phone (Reception): +46 8 123 456")
    assert (marta.location, marta.birthday) == ("", "03-15")


@pytest.mark.parametrize(("label", "shown"), [
    ("_$!<Work>!$_", "Work"),
    ("_$!<Other>!$_", "Other"),
    ("_$!<HomePage>!$_", "Home page"),
    ("_$!<HomeFAX>!$_", "Home fax"),
    ("_$!<iPhone>!$_", "iPhone"),
    ("  Second\tline  ", "Second line"),
    ("Partner, personal", "Partner, personal"),  # a comma an exporter did not escape
    ("_$!<Work", "_$!<Work"),  # not Apple's form: the text as it is
])
def test_a_label_as_the_address_book_shows_it(label, shown):
    person = only(card("FN:Ines Duarte", "TEL:+351 21 000 0000",
                       "item1.TEL:+351 91 000 0000", f"item1.X-ABLabel:{label}"))
    assert person.more == (f"Phone ({shown}): +351 91 000 0000",)


def test_labels_that_lead_nowhere_cost_nothing():
    person = only(card(
        "FN:Ines Duarte",
        "X-ABLabel:Lonely",  # no group
        "item1.X-ABLabel:No property in this group",
        "item2.EMAIL:ines@duarte.example",
        "item2.X-ABLabel:_$!<>!$_",  # Apple's form with nothing inside
        "item3.EMAIL:second@duarte.example",  # a group with no label
        "item4.TEL:+351 21 000 0001",
        "item4.X-ABLabel:First label",
        "item4.X-ABLabel:Second label",  # the first one counts
    ))
    assert person.email == "ines@duarte.example"
    assert person.more == ("Phone (First label): +351 21 000 0001",)
    assert dict(person.keys)["emails"] == ["second@duarte.example"]


def test_groups_match_in_any_case_as_sabre_and_nextcloud_write_them():
    person = only(card("FN:Ines Duarte", "ITEM1.EMAIL;TYPE=INTERNET:ines@duarte.example",
                       "item1.X-ABLABEL:Board"))
    assert person.more == ("Email (Board): ines@duarte.example",)


def test_imported_labels_are_in_the_note_and_the_journal_stays_clean(tmp_path):
    root = write_journal(tmp_path / "j", {"refjournal.yaml": ""})
    (tmp_path / "cards.vcf").write_text(APPLE + GOOGLE, encoding="utf-8", newline="")
    result = run("import", "vcard", str(tmp_path / "cards.vcf"), "--journal", str(root))
    assert result.exit_code == 0, result.output
    loaded = load(root, strict_mode=True)
    assert loaded.problems == []
    chidi = loaded.journal.contacts["chidi-okafor"]
    assert chidi.email == "diary@okafor.example"
    assert "Email (Work assistant): diary@okafor.example" in chidi.body
    assert "Website (Bookings, site visits): https://cal.okafor.example/book" in chidi.body
    assert (chidi.birthday.year, chidi.birthday.month, chidi.birthday.day) == (None, 11, 3)
    assert "Phone (Reception): +46 8 123 456" in loaded.journal.contacts["marta-lindqvist"].body


# --- one bad property costs only itself ----------------------------------------------

def test_a_photo_with_broken_base64_costs_the_photo_not_the_card():
    text = (card("FN:Before"),
            card("FN:Chidi Okafor", "item1.EMAIL:diary@okafor.example",
                 "item1.X-ABLabel:Work assistant",
                 "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABA",  # cut short in transit
                 "BDAY:1981-06-14"),
            # Android, vCard 2.1
            card("N:Nowak;Piotr", "FN:Piotr Nowak", "TEL;CELL:+48 600 000 000",
                 "PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQS", "", version="2.1"))
    parsed = read_vcards("".join(text).encode())
    assert parsed.bad == []
    names = [c.name for _, _, c in parsed.cards]
    assert names == ["Before", "Chidi Okafor", "Piotr Nowak"]
    chidi, piotr = parsed.cards[1][2], parsed.cards[2][2]
    assert (chidi.email, chidi.birthday) == ("diary@okafor.example", "1981-06-14")
    assert chidi.more == ("Email (Work assistant): diary@okafor.example",)
    assert piotr.phone == "+48 600 000 000"
    # Reported with the line of the photo in the file, and what was wrong.
    assert [(d.number, d.line) for d in parsed.dropped] == [(2, 10), (3, 18)]
    assert all(d.reason.startswith("PHOTO left out: ") and "base64" in d.reason
               for d in parsed.dropped)


def test_the_import_command_says_which_field_it_left_out(tmp_path):
    root = write_journal(tmp_path / "j", {"refjournal.yaml": ""})
    vcf = tmp_path / "phone.vcf"
    vcf.write_bytes((card("FN:Chidi Okafor", "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABA",
                          "TEL:+44 20 7946 0000")).encode())
    result = run("import", "vcard", str(vcf), "--journal", str(root))
    assert result.exit_code == 0, result.output
    assert f"{vcf}:4: card 1: warning: PHOTO left out: " in result.stderr
    assert "imported 1 contact; 1 field left out; 0 skipped as existing" in result.stdout
    assert "+44 20 7946 0000" in (root / "contacts/chidi-okafor.md").read_text("utf-8")


def test_a_line_that_is_no_property_costs_no_card():
    # It is the rest of the value above it (Google writes a line break in a name as it
    # is); here that is a photo, left out as before.
    parsed = read_vcards((card("FN:Broken", "PHOTO;ENCODING=b:!!", "no colon here")
                          + card("FN:Fine")).encode())
    assert parsed.bad == []
    assert [c.name for _, _, c in parsed.cards] == ["Broken", "Fine"]
    assert [(d.number, d.line, d.reason.split(":")[0]) for d in parsed.dropped] == [
        (1, 4, "PHOTO left out")]


def test_a_base64_text_is_text():
    person = only(card("FN:Ines Duarte", "EMAIL;ENCODING=b:aW5lc0BkdWFydGUuZXhhbXBsZQ=="))
    assert person.email == "ines@duarte.example"


# --- birthdays without a year ----------------------------------------------------------

@pytest.mark.parametrize(("bday", "expected"), [
    ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-11-03", "11-03"),  # Apple, iCloud
    ("BDAY;X-APPLE-OMIT-YEAR=1604;VALUE=DATE:16040105", "01-05"),  # Open-Xchange
    ("BDAY:1604-07-21", "07-21"),  # iOS 12, without the parameter
    ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29", "02-29"),
    ("BDAY;X-APPLE-OMIT-YEAR=1604:1981-06-14", "1981-06-14"),  # a real year stays
    ("BDAY:--03-15", "03-15"),  # Google, 3.0
    ("BDAY:1981-06-14", "1981-06-14"),
])
def test_birthdays_in_3_0(bday, expected):
    assert only(card("FN:Ines Duarte", bday)).birthday == expected


@pytest.mark.parametrize(("bday", "expected"), [
    ("BDAY:--0412", "04-12"), ("BDAY:19810614", "1981-06-14"),
    ("BDAY;VALUE=text:circa 1960", ""),
])
def test_birthdays_in_4_0(bday, expected):
    assert only(card("FN:Ines Duarte", bday, version="4.0")).birthday == expected


def test_a_birthday_is_written_in_the_syntax_of_the_cards_version():
    assert _bday(Birthday(2, 29), "3.0") == ("1604-02-29", {"X-APPLE-OMIT-YEAR": ["1604"]})
    assert _bday(Birthday(6, 14, 1981), "3.0") == ("1981-06-14", {})
    assert _bday(Birthday(2, 29), "4.0") == ("--0229", {})  # RFC 6350
    assert _bday(Birthday(6, 14, 1981), "4.0") == ("19810614", {})


def test_export_writes_3_0_birthdays_a_3_0_reader_takes_and_they_come_back(tmp_path):
    root = write_journal(tmp_path / "j", {
        "contacts/gareth.md": '---\nname: Gareth Pryce\nbirthday: "02-29"\n---\n',
        "contacts/helen.md": '---\nname: Helen Marsh\nbirthday: "12-02"\n---\n',
        "contacts/ines.md": "---\nname: Ines Duarte\nbirthday: 1981-06-14\n---\n",
    })
    result = run("export", "vcard", "--journal", str(root))
    assert result.exit_code == 0, result.output
    data = result.stdout
    assert not re.search(r"^BDAY[^:]*:--", data, re.MULTILINE)  # 4.0's form is not 3.0's
    bdays = {c.fn.value: (c.version.value, c.bday.value, c.bday.params)
             for c in vobject.readComponents(data)}
    assert bdays == {
        "Gareth Pryce": ("3.0", "1604-02-29", {"X-APPLE-OMIT-YEAR": ["1604"]}),
        "Helen Marsh": ("3.0", "1604-12-02", {"X-APPLE-OMIT-YEAR": ["1604"]}),
        "Ines Duarte": ("3.0", "1981-06-14", {}),
    }
    (tmp_path / "out.vcf").write_text(data, encoding="utf-8", newline="")
    empty = write_journal(tmp_path / "empty", {"refjournal.yaml": ""})
    assert run("import", "vcard", str(tmp_path / "out.vcf"), "--journal",
               str(empty)).exit_code == 0
    again = load(empty, strict_mode=True)
    assert again.problems == []
    assert {c.name: c.birthday for c in again.journal.contacts.values()} == {
        "Gareth Pryce": Birthday(2, 29), "Helen Marsh": Birthday(12, 2),
        "Ines Duarte": Birthday(6, 14, 1981)}
    assert run("export", "vcard", "--journal", str(empty)).stdout == data


def test_a_card_whose_address_a_contact_has_is_in_the_journal_already(tmp_path):
    root = write_journal(tmp_path / "j", {
        "contacts/priya-raman.md": "---\nname: Priya Raman\nemails: [p.raman@chapter.example]\n"
                                   "---\n"})
    vcf = tmp_path / "phone.vcf"
    vcf.write_bytes(card("FN:P. Raman (chapter)", "EMAIL:P.Raman@chapter.example").encode())
    result = run("import", "vcard", str(vcf), "--journal", str(root))
    assert result.exit_code == 0, result.output
    assert "card 1: skipped P. Raman (chapter): contacts/priya-raman.md exists" in result.stderr
    assert sorted(p.name for p in (root / "contacts").iterdir()) == ["priya-raman.md"]
