"""Writing notes for the user: `init`, `new contact`, `new meeting`, `import vcard`, and
that no writing command ever overwrites a file."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from refjournal.cli import main
from refjournal.journal.load import load

from .conftest import TODAY, snapshot, write_journal


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), env=env)
    finally:
        os.chdir(old)



def test_init_then_new_then_build_then_due(tmp_path):
    """The first session of a new user, as one scenario."""
    result = run("init", "mine", "--today", "2026-11-24", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    root = tmp_path / "mine"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == [
        ".gitignore", "contacts/alex-example.md",
        "meetings/2026/2026-11-24-coffee-with-alex-example.md", "refjournal.yaml"]
    assert "site/" in (root / ".gitignore").read_text()
    assert "Next:" in result.output and "cd mine" in result.output
    assert result.output.count("\n  ") == 4  # cd, and the next three commands
    config = (root / "refjournal.yaml").read_text()
    for key in ("owner", "title", "default_cadence", "referral_check_days", "soon_days",
                "birthday_days", "reciprocity_days", "goals", "one_to_ones_per_week",
                "allow_html"):
        assert f"# {key}:" in config or f"#   {key}:" in config, key
    assert run("check", "--strict", "--journal", str(root)).exit_code == 0

    result = run("new", "contact", "Jane Q. Public", "--company", "Acme Ltd", "--role", "CFO",
                 "--cadence", "2w", "--tag", "chapter", "--tag", "finance", "--journal",
                 str(root), "--today", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(root / "contacts" / "jane-q-public.md")
    result = run("new", "meeting", "--with", "Jane Q. Public", "--with", "[[Alex Example]]",
                 "--kind", "lunch", "--date", "2026-11-20", "--journal", str(root))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith(
        "meetings/2026/2026-11-20-lunch-with-jane-q-public-and-alex-example.md")
    loaded = load(root, strict_mode=True)
    assert loaded.problems == []
    jane = loaded.journal.contacts["jane-q-public"]
    assert (jane.company, jane.role, jane.cadence, jane.tags, jane.met) == (
        "Acme Ltd", "CFO", 14, ("chapter", "finance"), TODAY)
    (meeting,) = [m for m in loaded.journal.meetings if m.kind == "lunch"]
    assert meeting.contacts == ("jane-q-public", "alex-example")

    assert run("build", "--journal", str(root), "--out", str(tmp_path / "site"), "--today",
               "2026-11-24").exit_code == 0
    assert (tmp_path / "site" / "contacts" / "jane-q-public" / "index.html").is_file()
    due = run("due", "--journal", str(root), "--today", "2026-12-05", "--json")
    items = json.loads(due.stdout)
    # Jane: lunch on 20 Nov + 14 days = 4 Dec, overdue on 5 Dec; the sample follow-up too.
    assert {(i["kind"], i["due"], i["state"]) for i in items} >= {
        ("keep-in-touch", "2026-12-04", "overdue"), ("follow-up", "2026-12-01", "overdue")}


def test_init_in_the_current_folder_and_with_an_existing_gitignore(tmp_path):
    (tmp_path / ".gitignore").write_text("*.pyc\n")
    result = run("init", "--today", "2026-11-24", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".gitignore").read_text() == "*.pyc\n"  # the user's own, untouched
    assert "cd " not in result.output
    assert (tmp_path / "refjournal.yaml").is_file()


@pytest.mark.parametrize("existing", ["refjournal.yaml", "contacts/a.md", "meetings/x.md"])
def test_init_refuses_a_folder_with_a_journal(tmp_path, existing):
    write_journal(tmp_path / "j", {existing: "x\n"})
    before = snapshot(tmp_path / "j")
    result = run("init", str(tmp_path / "j"))
    assert result.exit_code == 1
    assert "already holds a journal" in result.output
    assert snapshot(tmp_path / "j") == before


def test_new_contact_refuses_a_slug_that_exists_anywhere_under_contacts(tmp_path):
    root = write_journal(tmp_path / "j", {"contacts/clients/Jane Q Public.md": "---\n---\n"})
    before = snapshot(root)
    result = run("new", "contact", "Jane Q. Public", "--journal", str(root))
    assert result.exit_code == 1
    assert "contacts/clients/Jane Q Public.md has the slug `jane-q-public`" in result.output
    assert snapshot(root) == before


def test_new_contact_checks_its_options_and_quotes_what_yaml_would_misread(tmp_path):
    root = write_journal(tmp_path / "j", {"refjournal.yaml": ""})
    result = run("new", "contact", "Ada", "--cadence", "often", "--journal", str(root))
    assert result.exit_code == 2 and "invalid cadence" in result.output
    for name in ("yes", "2026-01-01", "Null", "#hash: colon", "O'Brien, \"Pat\""):
        result = run("new", "contact", name, "--tag", "a, b", "--journal", str(root),
                     "--today", "2026-11-24")
        assert result.exit_code == 0, result.output
    loaded = load(root, strict_mode=True)
    assert loaded.problems == []
    assert sorted(c.name for c in loaded.journal.contacts.values()) == [
        "#hash: colon", "2026-01-01", "Null", "O'Brien, \"Pat\"", "yes"]
    assert run("new", "contact", "!!!", "--journal", str(root)).exit_code == 1


def test_new_meeting_suggests_the_nearest_names_for_an_unknown_ref(tmp_path):
    root = write_journal(tmp_path / "j", {
        "contacts/priya-raman.md": "---\nname: Priya Raman\naliases: [P. Raman]\n---\n",
        "contacts/ben.md": "---\nname: Ben Ashworth\n---\n"})
    before = snapshot(root)
    result = run("new", "meeting", "--with", "Pirya Raman", "--journal", str(root))
    assert result.exit_code == 1
    assert "no contact matches `Pirya Raman`; did you mean `Priya Raman`?" in result.output
    result = run("new", "meeting", "--with", "priya", "--journal", str(root))
    assert "did you mean `Priya Raman`?" in result.output
    result = run("new", "meeting", "--with", "Zed", "--journal", str(root))
    assert "add it with `refjournal new contact`" in result.output
    assert snapshot(root) == before


@pytest.mark.parametrize(("kind", "names", "title"), [
    ("coffee", ["Sofia Marchetti"], "Coffee with Sofia Marchetti"),
    ("1-2-1", ["Tom Whitaker", "Sofia Marchetti"], "One-to-one with Tom Whitaker and Sofia "
     "Marchetti"),
    ("", ["Ann", "Bo", "Cy"], "Meeting with Ann, Bo and Cy"),
    ("event", ["Ann", "Bo", "Cy", "Di", "Ed"], "Event with Ann, Bo and 3 others"),
])
def test_a_new_meeting_without_a_title_gets_one_that_tells_it_apart(
        kind: str, names: list[str], title: str) -> None:
    from refjournal.journal.naming import default_title
    assert default_title(kind, names) == title


def test_a_second_meeting_the_same_day_gets_a_suffix(tmp_path):
    root = write_journal(tmp_path / "j", {"contacts/ada.md": "---\nname: Ada\n---\n"})
    paths = []
    for _ in range(3):
        result = run("new", "meeting", "--with", "P. Ada" if False else "ada", "--kind",
                     "coffee", "--journal", str(root), "--today", "2026-11-24")
        assert result.exit_code == 0, result.output
        paths.append(Path(result.stdout.strip()).name)
    assert paths == ["2026-11-24-coffee-with-ada.md", "2026-11-24-coffee-with-ada-2.md",
                     "2026-11-24-coffee-with-ada-3.md"]
    first = root / "meetings" / "2026" / paths[0]
    assert first.read_text() == ("---\ndate: 2026-11-24\nwith: ada\nkind: coffee\n"
                                 "title: Coffee with Ada\n---\n")


def test_edit_opens_the_new_note_in_the_editor(tmp_path):
    root = write_journal(tmp_path / "j", {"contacts/ada.md": "---\nname: Ada\n---\n"})
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[-1], 'a').write('Edited.\\n')\n")
    env = {"VISUAL": f"{sys.executable} {editor}", "EDITOR": "false"}
    result = run("new", "meeting", "--with", "ada", "--title", "Planning", "--edit",
                 "--journal", str(root), "--today", "2026-11-24", env=env)
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()).read_text().endswith("---\nEdited.\n")
    result = run("new", "contact", "Bob", "--edit", "--journal", str(root), env=env)
    assert Path(result.stdout.strip()).read_text().endswith("Edited.\n")


def test_an_obsidian_vault_is_a_journal(tmp_path):
    root = write_journal(tmp_path / "vault", {
        ".obsidian/app.json": '{"not": "a note"}',
        ".obsidian/plugins/x/notes.md": "---\nbroken: [\n---\n",
        "contacts/Ada Lovelace.md": "---\naliases:\n  - Countess\ntags:\n  - \"#math\"\n"
                                    "  - people/engineers\n---\nKnows [[Bob]].\n",
        "contacts/Bob.md": "---\ntags: chapter, trades\n---\n",
        "meetings/2026-11-02 Coffee.md": "---\nwith:\n  - \"[[Countess]]\"\n  - [[Bob]]\n---\n",
        "Daily notes/2026-11-02.md": "Not part of the journal.\n",
    })
    loaded = load(root, strict_mode=True)
    assert loaded.problems == []
    ada, bob = loaded.journal.contacts["ada-lovelace"], loaded.journal.contacts["bob"]
    assert ada.tags == ("math", "people/engineers") and bob.tags == ("chapter", "trades")
    assert loaded.journal.meetings[0].contacts == ("ada-lovelace", "bob")


# --- vCard import ----------------------------------------------------------------------

AWKWARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Núñez;José;;;\r\nFN:José Núñez\r\n"
    "ORG:Núñez Property;Lettings\r\nTITLE:Director\r\n"
    "EMAIL;TYPE=INTERNET,WORK:jose@work.example\r\n"
    "EMAIL;TYPE=INTERNET,HOME,PREF:jose@home.example\r\n"
    "TEL;TYPE=CELL:+44 7700 900123\r\nTEL;TYPE=WORK:01179 496000\r\n"
    "BDAY:1979-03-02\r\nCATEGORIES:chapter,property\r\n"
    "NOTE:Met at the expo.\\nLikes\\, commas\\; and semicolons.\r\n"
    "ADR;TYPE=WORK:;;1 Quay St;Severnmouth;;SV1 1AA;UK\r\nEND:VCARD\r\n"
    # Google: a folded line, vCard 3.0
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Priya Raman\r\nN:Raman;Priya;;;\r\n"
    "NOTE:A very long note that a phone folds over two lines because it is longer than sev\r\n"
    " enty-five octets.\r\nEND:VCARD\r\n"
    # Apple: a birthday without a year
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Ashworth\r\n"
    "BDAY;X-APPLE-OMIT-YEAR=1604:1604-08-09\r\nitem1.EMAIL;type=INTERNET:ben@x.example\r\n"
    "END:VCARD\r\n"
    # Malformed: a card cut off before its END:VCARD (the next one begins)
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken Card\r\n"
    # vCard 4.0: no FN, a name only in N, BDAY without year
    "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Kowalczyk;Anna;;;\r\nBDAY:--0412\r\n"
    "TEL;VALUE=uri;TYPE=cell:tel:+44-7700-900555\r\nEND:VCARD\r\n"
    # No name at all, and no email address to know it by
    "BEGIN:VCARD\r\nVERSION:3.0\r\nTEL:+44 7700 900999\r\nEND:VCARD\r\n"
    # The same person twice in one file
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Priya Raman\r\nEND:VCARD\r\n"
)


def test_import_vcard_of_awkward_real_world_cards(tmp_path):
    root = write_journal(tmp_path / "j", {"contacts/ben-ashworth.md": "---\nname: Ben\n---\n"})
    (tmp_path / "cards.vcf").write_text(AWKWARD, encoding="utf-8", newline="")
    before = snapshot(root)
    dry = run("import", "vcard", str(tmp_path / "cards.vcf"), "--dry-run", "--journal",
              str(root))
    assert snapshot(root) == before  # a dry run writes nothing
    assert "would import 3 contacts" in dry.stdout
    result = run("import", "vcard", str(tmp_path / "cards.vcf"), "--journal", str(root))
    assert result.exit_code == 1  # malformed cards are problems
    assert "imported 3 contacts; 2 skipped as existing; 2 malformed cards skipped" in (
        result.stdout)
    assert "card 3: skipped Ben Ashworth: contacts/ben-ashworth.md exists" in result.stderr
    assert "cards.vcf:29: card 4: skipped: the card has no END:VCARD: it was cut off" in (
        result.stderr)
    assert "card 6: skipped: the card has no name" in result.stderr
    assert "card 7: skipped Priya Raman: contacts/priya-raman.md exists" in result.stderr
    assert (root / "contacts" / "ben-ashworth.md").read_text() == "---\nname: Ben\n---\n"
    loaded = load(root, strict_mode=True)
    assert loaded.problems == []
    jose = loaded.journal.contacts["jose-nunez"]
    assert (jose.name, jose.company, jose.role, jose.email, jose.phone) == (
        "José Núñez", "Núñez Property, Lettings", "Director", "jose@home.example",
        "+44 7700 900123")
    assert (jose.birthday.year, jose.birthday.month, jose.birthday.day) == (1979, 3, 2)
    assert jose.tags == ("chapter", "property")
    assert jose.location == "1 Quay St, Severnmouth, SV1 1AA, UK"
    assert "Likes, commas; and semicolons." in jose.body
    assert jose.emails == ("jose@work.example",) and "Phone: 01179 496000" in jose.body
    priya = loaded.journal.contacts["priya-raman"]
    assert "longer than seventy-five octets." in priya.body
    anna = loaded.journal.contacts["anna-kowalczyk"]
    assert (anna.birthday.year, anna.birthday.month, anna.birthday.day) == (None, 4, 12)
    assert anna.phone == "+44-7700-900555"
    assert run("import", "vcard", str(tmp_path / "cards.vcf"), "--journal",
               str(root)).stdout.startswith("imported 0 contacts")  # again: all exist


def test_import_refuses_a_missing_file(tmp_path):
    root = write_journal(tmp_path / "j", {"refjournal.yaml": ""})
    result = run("import", "vcard", str(tmp_path / "none.vcf"), "--journal", str(root))
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not (root / "contacts").exists()


def test_vcards_as_phones_really_write_them(tmp_path):
    root = write_journal(tmp_path / "j", {"refjournal.yaml": ""})
    cards = {
        # Unescaped commas, as many exporters write them
        "commas.vcf": "BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe, PhD\nTITLE:Founder, CEO\n"
                      "NOTE:Met at the conference, liked her\nEND:VCARD\n"
                      "BEGIN:VCARD\nVERSION:2.1\nN:Smith;John\nFN:Smith, John\nEND:VCARD\n",
        # vCard 2.1 from Android: quoted-printable with a soft line break
        "qp.vcf": "BEGIN:VCARD\nVERSION:2.1\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
                  "J=C3=BCrgen M=C3=BC=\nller\nEND:VCARD\n",
        # Outlook: Windows-1252
        "latin.vcf": "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:François Bérard\r\nEND:VCARD\r\n",
        # A note with a Unicode line separator and a NUL byte
        "odd.vcf": "BEGIN:VCARD\nVERSION:3.0\nFN:Odd Note\nNOTE:one\u2028two\x00 three\n"
                   "END:VCARD\n",
        # A name far too long for a file name
        "long.vcf": "BEGIN:VCARD\nVERSION:3.0\nFN:" + "A" * 400 + "\nEND:VCARD\n"
                    "BEGIN:VCARD\nVERSION:3.0\nFN:After The Long One\nEND:VCARD\n",
    }
    encodings = {"latin.vcf": "cp1252"}
    for name, text in cards.items():
        (tmp_path / name).write_bytes(text.encode(encodings.get(name, "utf-8")))
        result = run("import", "vcard", str(tmp_path / name), "--journal", str(root))
        assert result.exit_code == 0, (name, result.output)
    (tmp_path / "utf16.vcf").write_bytes(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Utf\r\nEND:VCARD\r\n".encode("utf-16"))
    assert run("import", "vcard", str(tmp_path / "utf16.vcf"), "--journal",
               str(root)).exit_code == 0
    loaded = load(root, strict_mode=True)
    assert loaded.problems == []
    people = {c.name: c for c in loaded.journal.contacts.values()}
    assert set(people) == {"Jane Doe, PhD", "Smith, John", "Jürgen Müller", "François Bérard",
                           "Odd Note", "A" * 400, "After The Long One", "Zoë Utf"}
    assert people["Jane Doe, PhD"].role == "Founder, CEO"
    assert "conference, liked her" in people["Jane Doe, PhD"].body
    assert "\x00" not in people["Odd Note"].body and "two" in people["Odd Note"].body
    assert len(people["A" * 400].slug) == 80


def test_a_file_without_cards_is_an_error(tmp_path):
    root = write_journal(tmp_path / "j", {"refjournal.yaml": ""})
    for data in (b"", b"\x00\x01garbage\xff", b"BEGIN:VCALENDAR\nEND:VCALENDAR\n"):
        (tmp_path / "x.vcf").write_bytes(data)
        result = run("import", "vcard", str(tmp_path / "x.vcf"), "--journal", str(root))
        assert result.exit_code == 1 and "no vCard in" in result.output
    assert not (root / "contacts").exists()


def test_writing_commands_need_a_journal_and_stay_inside_it(tmp_path):
    (tmp_path / "not-a-journal").mkdir()
    result = run("new", "contact", "Ada", "--journal", str(tmp_path / "not-a-journal"))
    assert result.exit_code == 2 and "is not a journal" in result.output
    assert not (tmp_path / "not-a-journal" / "contacts").exists()
    root = write_journal(tmp_path / "j", {"contacts/ada.md": "---\nname: Ada\n---\n"})
    (tmp_path / "elsewhere").mkdir()
    (root / "meetings").mkdir()
    (root / "meetings" / "2030").symlink_to(tmp_path / "elsewhere")
    result = run("new", "meeting", "--with", "ada", "--date", "2030-01-01", "--journal",
                 str(root))
    assert result.exit_code == 1 and "leads out of the journal" in result.output
    assert list((tmp_path / "elsewhere").iterdir()) == []
    (root / "contacts" / "sub").mkdir()
    for command in (("init", str(root / "contacts" / "ada.md" / "x")),
                    ("new", "meeting", "--with", "ada", "--date", "2031-01-01")):
        (root / "meetings" / "2031").write_text("a file where a folder should be")
        args = command if command[0] == "init" else (*command, "--journal", str(root))
        result = run(*args)
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output


def test_a_failed_write_leaves_no_half_note(tmp_path, monkeypatch):
    root = write_journal(tmp_path / "j", {"refjournal.yaml": ""})

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "link", full)
    result = run("new", "contact", "Ada", "--journal", str(root))
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert [p.name for p in (root / "contacts").iterdir()] == []


def test_names_and_refs_as_the_build_reads_them(tmp_path):
    root = write_journal(tmp_path / "j", {
        "contacts/clients/ae.md": "---\nname: Alex Example\naliases: [AE]\n---\n",
        "contacts/yamada.md": "---\nname: 山田 太郎\n---\n"})
    result = run("new", "contact", "alex example", "--journal", str(root))
    assert result.exit_code == 1
    assert "contacts/clients/ae.md has the name `alex example` already" in result.output
    result = run("new", "meeting", "--with", "[[contacts/clients/ae]]", "--with", "山田 太郎",
                 "--date", "2026-11-24", "--journal", str(root))
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()).name == \
        "2026-11-24-meeting-with-alex-example-and-山田-太郎.md"


def test_a_meeting_logged_in_one_line(tmp_path):
    root = tmp_path / "mine"
    assert run("init", str(root), "--today", "2026-12-04").exit_code == 0
    write_journal(root, {"contacts/bo.md": "---\nname: Bo Chen\n---\n"})
    result = run("new", "meeting", "--journal", str(root), "--with", "Alex Example",
                 "--with", "bo", "--kind", "1-2-1", "--date", "2026-12-03",
                 "--gave", "Acme roofing:4", "--gave", "Cobalt Events",
                 "--got", "Harbour Gin:warm", "--got", "Board meeting: 10am",
                 "--follow-up", "2026-12-10", "Send the deck",
                 "--follow-up", "2026-12-20", "Call Acme", "--attendance", "late",
                 "--note", "Talked about the spring round.")
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path.name == "2026-12-03-one-to-one-with-alex-example-and-bo-chen.md"
    assert path.read_text(encoding="utf-8") == (
        "---\ndate: 2026-12-03\nwith: [alex-example, bo]\nkind: 1-2-1\n"
        "title: One-to-one with Alex Example and Bo Chen\nattendance: late\ngave:\n"
        "- prospect: Acme roofing\n  heat: 4\n- prospect: Cobalt Events\ngot:\n"
        "- prospect: Harbour Gin\n  heat: warm\n- prospect: 'Board meeting: 10am'\n"
        "follow_ups:\n- due: 2026-12-10\n  what: Send the deck\n- due: 2026-12-20\n"
        "  what: Call Acme\n---\nTalked about the spring round.\n")
    loaded = load(root, strict_mode=True)
    assert loaded.problems == []
    [meeting] = [m for m in loaded.journal.meetings if m.date == dt.date(2026, 12, 3)]
    assert meeting.kind == "one-to-one" and meeting.attendance == "late"
    assert [(e.prospect, e.heat, e.contacts) for e in meeting.gave] == [
        ("Acme roofing", 4, ("alex-example", "bo")), ("Cobalt Events", None,
                                                      ("alex-example", "bo"))]
    assert [e.heat for e in meeting.got] == ["warm", None]
