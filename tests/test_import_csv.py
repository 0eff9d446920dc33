"""`refjournal import linkedin` and `refjournal import csv`: contacts from the CSV files
LinkedIn, Google Contacts and Outlook export, written here as each writes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from refjournal.cli import main
from refjournal.journal.load import load

from .conftest import tree, write_journal

JOURNAL = {
    "refjournal.yaml": "owner: Maya Okafor\n",
    "contacts/priya-raman.md": ("---\nname: Priya Raman\nemail: priya@ramanhale.example\n"
                                "---\nMy accountant.\n"),
}

# LinkedIn's Connections.csv: notes above the header, a blank line, `Connected On` as
# `12 Nov 2024`, most email addresses empty, a company with a comma in quotes.
LINKEDIN = "\n".join([
    "\ufeffNotes:",
    '"When exporting your connection data, you may notice that some of the email addresses '
    "are missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"',
    "",
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
    "Sofia,Marchetti,https://www.linkedin.com/in/sofia-marchetti-4b2a1,,"
    '"Marchetti, Rossi & Co",Partner,12 Nov 2024',
    "Tom,Whitaker,https://www.linkedin.com/in/tomwhitaker,tom@whitaker.example,"
    "Whitaker Print,Owner,03 Feb 2021",
    "Priya,Raman,https://www.linkedin.com/in/priyaraman,,Raman Hale,Partner,01 Jan 2019",
    "P.,Anon,https://www.linkedin.com/in/someone,priya@ramanhale.example,,,15 Mar 2023",
    "José,Núñez,https://www.linkedin.com/in/jose-nunez,,Núñez Legal,Solicitor,sometime",
    ""])


def run(root: Path, command: str, data: bytes | str, *args: str) -> Result:
    path = root.parent / "export.csv"
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return CliRunner().invoke(main, ["import", command, str(path), "--journal", str(root),
                                     *args])


def contacts(root: Path) -> dict[str, str]:
    return {rel: text.decode() for rel, text in tree(root / "contacts").items()}


def test_a_linkedin_export_makes_contacts_and_keeps_those_in_the_journal(
        tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    before = tree(root)
    result = run(root, "linkedin", LINKEDIN)
    assert result.exit_code == 0, result.output
    made = contacts(root)
    assert made["sofia-marchetti.md"] == (
        "---\nname: Sofia Marchetti\ncompany: Marchetti, Rossi & Co\nrole: Partner\n"
        "met: 2024-11-12\nwebsite: https://www.linkedin.com/in/sofia-marchetti-4b2a1\n---\n")
    assert made["tom-whitaker.md"] == (
        "---\nname: Tom Whitaker\ncompany: Whitaker Print\nrole: Owner\nmet: 2021-02-03\n"
        "email: tom@whitaker.example\nwebsite: https://www.linkedin.com/in/tomwhitaker\n---\n")
    # the unreadable date costs the date, not the contact
    assert made["jose-nunez.md"].startswith("---\nname: José Núñez\ncompany: Núñez Legal\n")
    assert "met:" not in made["jose-nunez.md"]
    export = tmp_path / "export.csv"
    assert result.stderr.splitlines() == [
        f"{export}:7: Priya Raman: in the journal already (contacts/priya-raman.md)",
        f"{export}:8: P. Anon: in the journal already (contacts/priya-raman.md)",  # by email
        f"{export}:9: `Connected On` `sometime` is no date this command reads; left out"]
    assert result.stdout.splitlines()[-1] == (
        "imported 3 contacts from LinkedIn; 2 in the journal already; 0 rows left out; "
        "1 value left out")
    assert all(tree(root)[rel] == data for rel, data in before.items())
    assert load(root, strict_mode=True).problems == []


def test_importing_linkedin_again_writes_nothing(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    assert run(root, "linkedin", LINKEDIN).exit_code == 0
    before = tree(root)
    result = run(root, "linkedin", LINKEDIN, "--dry-run")
    assert "would import 0 contacts from LinkedIn (a dry run: nothing written); 5 in the " \
        "journal already" in result.stdout
    assert tree(root) == before


# Google Contacts' current CSV: numbered emails and phones with labels, `Labels` with
# Google's own `* myContacts`, a birthday without a year, several values in one cell.
GOOGLE = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Website 1 - Label,Website 1 - Value\n"
    "Kwame,,Boateng,,,,,,Kwabs,,Boateng Builders,Director,,--03-14,\"Met at the expo.\n"
    "Wants bigger jobs.\",,* myContacts ::: Chapter ::: Trades,* Work,"
    "kwame@boateng.example ::: k.boateng@gmail.example,Home,kwame@home.example,Mobile,"
    "+44 7700 900123,,\n"
    "Lucy,,Pennington,,,,,,,,,,,1985-06-30,,,* myContacts,,,,,,,,\n"
    ",,,,,,,,,,,,,,,,* myContacts,,info@nameless.example,,,,,,\n"
    ",,,,,,,,,,Only A Company,,,,,,,,,,,,,,\n"
    ",,,,,,,,,,,,,,A note about nobody,,,,,,,,,,\n"
)


def test_a_google_contacts_export(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    result = run(root, "csv", GOOGLE)
    assert result.exit_code == 0, result.output
    made = contacts(root)
    assert made["kwame-boateng.md"] == (
        "---\nname: Kwame Boateng\ncompany: Boateng Builders\nrole: Director\n"
        "tags: [Chapter, Trades]\naliases: [Kwabs]\nemail: kwame@boateng.example\n"
        "phone: +44 7700 900123\nbirthday: 03-14\n"
        "emails: [k.boateng@gmail.example, kwame@home.example]\n---\nMet at the expo.\n"
        "Wants bigger jobs.\n")
    assert "birthday: 1985-06-30" in made["lucy-pennington.md"]
    assert made["info-nameless-example.md"].startswith("---\nname: info@nameless.example\n")
    assert made["only-a-company.md"].startswith("---\nname: Only A Company\ncompany: Only A")
    assert result.stderr.strip().endswith(
        "export.csv:7: the row has no name, company or email address; left out")
    assert "imported 4 contacts from Google Contacts; 0 in the journal already; 1 row left " \
        "out" in result.stdout
    assert load(root, strict_mode=True).problems == []


# Outlook's CSV (Windows, saved in the ANSI code page): `Title` is Mr or Dr, the job is
# `Job Title`, `0/0/00` is no birthday, categories separated by semicolons.
OUTLOOK = (
    '"Title","First Name","Middle Name","Last Name","Suffix","Company","Department",'
    '"Job Title","Business Street","Business Phone","Mobile Phone","Birthday","Categories",'
    '"E-mail Address","E-mail Type","E-mail Display Name","E-mail 2 Address","Notes",'
    '"Web Page"\r\n'
    '"Dr.","Zoë","","Lindqvist","","Lindqvist Dental","","Principal","1 High St",'
    '"+44 20 7946 0000","","0/0/00","Clients;Chapter","zoe@lindqvist.example","SMTP",'
    '"Zoë Lindqvist (zoe@lindqvist.example)","","","http://lindqvist.example"\r\n'
    '"","Ben","","Carter","","","","","","","07700 900456","4/23/1979","",'
    '"priya@ramanhale.example","SMTP","","","",""\r\n'
).encode("cp1252")


def test_an_outlook_export_in_the_windows_code_page(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    result = run(root, "csv", OUTLOOK)
    assert result.exit_code == 0, result.output
    assert contacts(root)["zoe-lindqvist.md"] == (
        "---\nname: Zoë Lindqvist\ncompany: Lindqvist Dental\nrole: Principal\n"
        "tags: [Clients, Chapter]\nemail: zoe@lindqvist.example\nphone: +44 20 7946 0000\n"
        "website: http://lindqvist.example\n---\n")
    # Ben's address is Priya's: the same person, or an assistant: listed, not written
    assert "Ben Carter: in the journal already (contacts/priya-raman.md)" in result.stderr
    assert "imported 1 contact from Outlook" in result.stdout


@pytest.mark.parametrize(("command", "data", "said"), [
    ("linkedin", GOOGLE, "not LinkedIn's Connections.csv"),
    ("csv", LINKEDIN, "for LinkedIn use `refjournal import linkedin`"),
    ("csv", "name,phone\nAda,1\n", "not a contacts export this command knows"),
    ("csv", "", "not a contacts export this command knows"),
])
def test_a_file_that_is_not_what_the_command_reads_is_an_error(
        tmp_path: Path, command: str, data: str, said: str) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    before = tree(root)
    result = run(root, command, data)
    assert result.exit_code == 1 and said in result.stderr
    assert tree(root) == before
