"""The command line, through click's CliRunner: exit codes, output, defaults, safety."""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from refjournal import __version__, cli
from refjournal.cli import main

from .conftest import REPO, snapshot, write_journal

CLEAN = {
    "refjournal.yaml": "owner: Test Owner\nreferral_check_days: 30\n",
    "contacts/ada.md": """
        ---
        name: Ada Lovelace
        tier: close
        ---
        """,
    "contacts/bob.md": "---\nname: Bob Builder\nfollow_up: 2026-11-20\n---\n",
    "meetings/2026-11-01-coffee.md": """
        ---
        with: [ada, bob]
        kind: coffee
        gave:
          - to: ada
            prospect: Acme
        got:
          - from: bob
            status: won
            value: 500
        ---
        Talked about [[Bob Builder]].
        """,
}
BROKEN = {**CLEAN, "contacts/cy.md": "---\nmet: 2026-02-30\n---\n"}


def run(*args: str, cwd: Path | None = None) -> object:
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args))
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args))
    finally:
        os.chdir(old)



def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def _leaves() -> list[tuple[str, ...]]:
    """Every command a user runs: `build`, and `new contact` below a group."""
    found: list[tuple[str, ...]] = []
    for name, command in sorted(main.commands.items()):
        subcommands = getattr(command, "commands", None)
        found += [(name, sub) for sub in sorted(subcommands)] if subcommands else [(name,)]
    return found


@pytest.mark.parametrize("command", _leaves(), ids=" ".join)
def test_every_command_has_complete_help(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    # Every command reads or writes a journal; `init` makes one in the folder it is given.
    assert ("FOLDER" if command == ("init",) else "--journal") in result.output
    target = main.commands[command[0]]
    if len(command) == 2:
        assert len((target.help or "").split()) >= 5, f"{command[0]} needs a real help text"
        target = target.commands[command[1]]  # type: ignore[attr-defined]
    assert len((target.help or "").split()) >= 5, f"{' '.join(command)} needs a real help text"


@pytest.mark.parametrize(("command", "says"), [
    (("init",), "The date of the sample meeting"),
    (("new", "contact"), "The day you met them: the note's `met`"),
    (("new", "meeting"), "The meeting's date when --date is not given"),
    (("stats",), "Print one JSON object"),
    (("due",), "Print a JSON array"),
])
def test_each_option_says_what_it_does_for_its_command(command: tuple[str, ...],
                                                       says: str) -> None:
    text = " ".join(run(*command, "--help").output.split())
    assert says in text


def test_main_help_lists_every_command() -> None:
    result = run("--help")
    assert sorted(main.commands) == ["balances", "brief", "build", "check", "deploy", "due",
                                     "export", "import", "init", "init-hosting", "new",
                                     "serve", "stats", "suggest"]
    assert _leaves().count(("new", "contact")) == 1 and ("import", "vcard") in _leaves()
    for command in main.commands:
        assert command in result.output


def test_build_writes_the_site_and_leaves_the_journal_untouched(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    before = snapshot(root)
    out = tmp_path / "out"
    result = run("build", "--journal", str(root), "--out", str(out), "--today", "2026-11-24")
    assert result.exit_code == 0, result.output + result.stderr
    for page in ("index.html", "contacts/index.html", "contacts/ada/index.html",
                 "meetings/index.html", "meetings/2026-11-01-coffee/index.html",
                 "follow-ups/index.html", "referrals/index.html", "balances/index.html",
                 "assets/style.css"):
        assert (out / page).is_file(), page
    assert snapshot(root) == before


def test_a_build_with_errors_exits_1_and_keeps_the_previous_site(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    out = tmp_path / "out"
    assert run("build", "--journal", str(root), "--out", str(out)).exit_code == 0
    before = snapshot(out)
    write_journal(root, {"contacts/cy.md": "---\nmet: 2026-02-30\n---\n"})
    result = run("build", "--journal", str(root), "--out", str(out))
    assert result.exit_code == 1
    assert "contacts/cy.md:2: error: `met`: invalid date `2026-02-30`" in result.stderr
    assert "    2 | met: 2026-02-30" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_default_journal_is_dot_when_it_holds_refjournal_yaml(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    result = run("build", "--today", "2026-11-24", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert (root / "site" / "contacts" / "ada" / "index.html").is_file()
    # a second build replaces its own site inside the journal without complaint
    assert run("build", cwd=root).exit_code == 0


def test_default_journal_is_the_journal_folder_otherwise(tmp_path: Path) -> None:
    write_journal(tmp_path / "journal", {k: v for k, v in CLEAN.items() if k != "refjournal.yaml"})
    result = run("check", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "ok: 2 contacts, 1 meeting, 2 exchanges" in result.output


def test_missing_journal_is_a_one_line_usage_error(tmp_path: Path) -> None:
    result = run("build", "--journal", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "journal folder not found" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("due", cwd=tmp_path)  # no journal here, above or in journal/
    assert result.exit_code == 2
    assert f"no journal here: no refjournal.yaml in {tmp_path} or any folder above it" in \
        result.stderr
    assert "start one with `refjournal init`, or name one with --journal DIR" in result.stderr


def test_check_counts_the_contact_notes_not_the_names_that_match_none(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", {**CLEAN, "meetings/2026-11-05-x.md": (
        "---\nwith: [Zed Unknown, Yan Nobody]\n---\n")})
    result = run("check", "--journal", str(root))
    assert result.exit_code == 0, result.stderr
    assert "ok: 2 contacts, 2 meetings, 2 exchanges" in result.stdout
    assert result.stderr.count("matches no contact") == 2


def test_commands_find_the_journal_from_any_folder_inside_it(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", {**CLEAN, "meetings/2026/notes.txt": "x\n"})
    deep = root / "meetings" / "2026"
    result = run("check", cwd=deep)
    assert result.exit_code == 0, result.stderr
    assert "ok: 2 contacts, 1 meeting, 2 exchanges" in result.output
    result = run("build", "--today", "2026-11-24", cwd=deep)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"built 14 pages into {root / 'site'}/ (open ")
    assert not (deep / "site").exists()  # the site goes where a build in the journal puts it


def test_a_relative_out_is_said_in_full(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    result = run("build", "--out", "../public", "--today", "2026-11-24", cwd=root)
    assert result.exit_code == 0, result.stderr
    assert f"into {tmp_path / 'public'}/ (open {tmp_path / 'public' / 'index.html'})" in \
        result.stdout


def test_init_refuses_a_journal_inside_another(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    result = run("init", "contacts/more", cwd=root)
    assert result.exit_code == 1
    assert f"contacts/more is inside the journal {root} (it holds refjournal.yaml)" in \
        result.stderr
    assert not (root / "contacts" / "more").exists()


def test_bad_today_is_a_usage_error(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    result = run("due", "--journal", str(root), "--today", "24/11/2026")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr


def test_check_exit_codes_and_strict(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    assert run("check", "--journal", str(root)).exit_code == 0
    write_journal(root, {"contacts/ada.md": "---\ncompnay: Acme\n---\n"})
    result = run("check", "--journal", str(root))
    assert result.exit_code == 0
    assert "contacts/ada.md:2: warning: unknown key `compnay`" in result.stderr
    assert "did you mean `company`" in result.stderr
    strict = run("check", "--journal", str(root), "--strict")
    assert strict.exit_code == 1
    assert "contacts/ada.md:2: error: unknown key `compnay`" in strict.stderr
    broken = write_journal(tmp_path / "k", BROKEN)
    assert run("check", "--journal", str(broken)).exit_code == 1


def test_due_json(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    result = run("due", "--journal", str(root), "--today", "2026-11-24", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output) == [
        # the referral Bob gave on 1 November, won: thank him, and tell him it was won
        {"due": "2026-11-01", "kind": "report-back", "contacts": ["bob"],
         "what": "Tell Bob Builder the referral was won", "state": "overdue",
         "source": "meetings/2026-11-01-coffee.md:8"},
        {"due": "2026-11-03", "kind": "thank", "contacts": ["bob"],
         "what": "Thank Bob Builder for the referral", "state": "overdue",
         "source": "meetings/2026-11-01-coffee.md:8"},
        {"due": "2026-11-20", "kind": "follow-up", "contacts": ["bob"],
         "what": "Follow up with Bob Builder", "state": "overdue", "source": "contacts/bob.md:3"},
        {"due": "2026-12-01", "kind": "keep-in-touch", "contacts": ["ada"],
         "what": "Keep in touch with Ada Lovelace", "state": "soon",
         "source": "contacts/ada.md:3"},
        {"due": "2026-12-01", "kind": "referral-check", "contacts": ["ada"],
         "what": "Ask Ada Lovelace how the referral went (Acme)", "state": "soon",
         "source": "meetings/2026-11-01-coffee.md:5"},
    ]


def test_due_table(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    result = run("due", "--journal", str(root), "--today", "2026-11-24")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["due", "state", "kind", "with", "what", "source"]
    assert lines[1].startswith("2026-11-01  overdue  report-back")
    assert lines[3].startswith("2026-11-20  overdue  follow-up")


def test_balances_json_and_table(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    result = run("balances", "--journal", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output) == [
        {"contact": "ada", "name": "Ada Lovelace", "gave": 1, "got": 0, "balance": 1,
         "gave_value": 0, "got_value": 0},
        {"contact": "bob", "name": "Bob Builder", "gave": 0, "got": 1, "balance": -1,
         "gave_value": 0, "got_value": 500},
    ]
    table = run("balances", "--journal", str(root)).output.splitlines()
    assert table[1].split()[:6] == ["ada", "Ada", "Lovelace", "1", "0", "+1"]
    write_journal(root, {"refjournal.yaml": "currency: GBP\n"})
    table = run("balances", "--journal", str(root)).output.splitlines()
    assert table[2].split()[-3:] == ["0", "GBP", "500"]  # Bob's, as the site writes it


@pytest.mark.parametrize("command", ["due", "balances"])
def test_due_and_balances_refuse_a_broken_journal(tmp_path: Path, command: str) -> None:
    root = write_journal(tmp_path / "j", BROKEN)
    result = run(command, "--journal", str(root), "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "contacts/cy.md:2: error" in result.stderr


def test_out_may_not_replace_the_journal_or_a_foreign_folder(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    before = snapshot(root)
    for out in (root, tmp_path, root / "contacts"):
        result = run("build", "--journal", str(root), "--out", str(out))
        assert result.exit_code == 2, out
        assert "Traceback" not in result.stderr
    foreign = tmp_path / "docs"
    write_journal(foreign, {"thesis.txt": "years of work"})
    result = run("build", "--journal", str(root), "--out", str(foreign))
    assert result.exit_code == 2
    assert "holds files that refjournal did not write" in result.stderr
    assert (foreign / "thesis.txt").read_text() == "years of work"
    assert snapshot(root) == before


def test_example_journal_is_the_default_in_the_repo(tmp_path: Path) -> None:
    result = run("check", "--strict", cwd=REPO)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_an_output_below_a_file_is_a_usage_error(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    (tmp_path / "a-file").write_text("not a folder")
    result = run("build", "--journal", str(root), "--out", str(tmp_path / "a-file" / "site"))
    assert result.exit_code == 2
    assert "a-file is a file" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_current_folder_cannot_be_the_output(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", CLEAN)
    (tmp_path / "empty").mkdir()
    result = run("build", "--journal", str(root), "--out", ".", cwd=tmp_path / "empty")
    assert result.exit_code == 2
    assert "holds the current folder" in result.stderr


def test_a_failed_first_build_does_not_claim_a_previous_site(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", BROKEN)
    result = run("build", "--journal", str(root), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("site not written")
    assert run("build", "--journal", str(write_journal(tmp_path / "k", CLEAN)), "--out",
               str(tmp_path / "out")).exit_code == 0
    result = run("build", "--journal", str(root), "--out", str(tmp_path / "out"))
    assert "the previous site in" in result.stderr


LONG_PATH = "meetings/2026/chapter/2026-11-01-chapter-breakfast-at-the-grand.md"
LONG = {"contacts/ada.md": "---\nname: Ada Augusta King, Countess of Lovelace\n---\n",
        LONG_PATH: (
            "---\nwith: ada\nfollow_ups:\n  - due: 2026-11-20\n    what: Send Ada the "
            "introduction to the bookkeeper who works with engineering firms in the north\n"
            "---\n")}


@pytest.mark.parametrize(("width", "path_below"), [(80, True), (100, False), (120, False)])
def test_the_due_table_fits_the_terminal_the_text_taking_the_room(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int, path_below: bool) -> None:
    root = write_journal(tmp_path / "j", LONG)
    monkeypatch.setenv("COLUMNS", str(width))
    lines = run("due", "--journal", str(root), "--today", "2026-11-24").output.splitlines()
    assert max(len(line) for line in lines) <= width
    header, row = lines[0], lines[1]
    what = row[header.index("what"):].split("  ")[0]
    assert what.startswith("Send Ada the introduction") and what.endswith("…")
    assert len(what) >= 28  # the text takes the room
    if path_below:  # narrow: the source goes under its row, in full if it fits
        assert "source" not in header
        assert lines[2] == " " * 12 + LONG_PATH + ":4"[: width - 12]
    else:  # the path gives way from its start, keeping the file's name and line
        assert row[header.index("source"):] == "…" + f"{LONG_PATH}:4"[-15:]


def test_the_due_table_into_a_pipe_is_not_cut_and_json_has_the_full_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_journal(tmp_path / "j", LONG)
    monkeypatch.delenv("COLUMNS", raising=False)
    table = run("due", "--journal", str(root), "--today", "2026-11-24").output
    assert "in the north" in table and "…" not in table
    assert "Ada Augusta King, Countess of Lovelace" in table
    monkeypatch.setenv("COLUMNS", "80")
    [item] = json.loads(run("due", "--journal", str(root), "--today", "2026-11-24",
                            "--json").output)
    assert item["what"].endswith("engineering firms in the north")


def _program(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The program as a user runs it: `python -m refjournal.cli` (the `refjournal`
    script calls the same `run`)."""
    return subprocess.run([sys.executable, "-m", "refjournal.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_program_ends_with_the_status_and_the_whole_output_of_its_command(tmp_path):
    """`run` leaves the process without Python's teardown: what the command printed is
    all there, and the exit status is its own."""
    root = write_journal(tmp_path / "j", CLEAN)
    built = _program("build", "--journal", str(root), "--out", str(tmp_path / "site"),
                     "--today", "2026-11-24", cwd=tmp_path)
    assert built.returncode == 0 and built.stdout.endswith("/index.html)\n"), built
    assert (tmp_path / "site" / "index.html").is_file()
    many = {f"contacts/c{n}.md": f"---\nname: C {n}\nmood: fine\n---\n" for n in range(300)}
    bad = write_journal(tmp_path / "bad", {**CLEAN, **many})
    checked = _program("check", "--strict", "--journal", str(bad), cwd=tmp_path)
    assert checked.returncode == 1
    assert all(f"contacts/c{n}.md" in checked.stdout + checked.stderr for n in range(300))
    assert _program("no-such-command", cwd=tmp_path).returncode == 2


def test_run_runs_what_is_registered_for_the_exit_and_maps_exit_codes(monkeypatch):
    ran: list[str] = []
    ended: list[int] = []

    class Ended(Exception):
        pass

    def exit_now(status: int) -> None:
        ended.append(status)
        raise Ended

    monkeypatch.setattr(cli.os, "_exit", exit_now)
    for code, status in ((None, 0), (0, 0), (1, 1), (2, 2), (256 + 3, 3), ("bad", 1)):
        def command(code: object = code) -> None:
            atexit.register(ran.append, "at exit")
            raise SystemExit(code)

        monkeypatch.setattr(cli, "main", command)
        with pytest.raises(Ended):
            cli.run()
        assert ended.pop() == status and ran.pop() == "at exit"
