"""The command line: each command parses its options and calls one function of the pipeline."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .authoring import (
    AuthoringError,
    NewContact,
    Written,
    init_journal,
    looks_like_journal,
    new_contact,
    new_meeting,
)
from .build import build, check
from .incremental.cache import ParseCache, default_folder
from .insights.balances import balances as compute_balances
from .insights.due import due_items
from .journal.fields import BadValue
from .journal.fields import cadence as parse_cadence
from .journal.load import Loaded, load
from .journal.read import CONFIG, enclosing_journal, read_config
from .problems import Problem, summary
from .progress import progress_bar
from .publish.deploy import DeployError, check_target, publish, repository
from .publish.hosting import HOSTS, HostingError, write_recipe
from .site.write import MARKER, OutputError, check_output
from .table import Column, layout, terminal_width
from .timings import line as timings_line
from .timings import record as record_timings
from .timings import recorded as recorded_timings

# Commands import what only they need when they run (serving, exporting, the insights),
# so that every command starts quickly; a build that is up to date takes a fraction of
# a second.
EXPORTS = ("ics", "csv", "json", "vcard")  # what `refjournal export FORMAT` prints

EXIT_PROBLEMS = 1


class DateType(click.ParamType):  # type: ignore[type-arg]
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value)
        try:
            if len(text) != 10:
                raise ValueError("expected the form YYYY-MM-DD")
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            self.fail(f"{text!r} is not a valid date ({exc}); use YYYY-MM-DD", param, ctx)


def default_journal() -> Path | None:
    """The folder that holds refjournal.yaml, here or above; else `./journal` if it is
    a journal; else None."""
    found = enclosing_journal(Path.cwd())
    if found is not None:
        return Path(".") if found == Path.cwd().absolute() else found
    return Path("journal") if looks_like_journal(Path("journal")) else None


def journal_option(func: Any) -> Any:
    return click.option(
        "--journal", "journal", type=click.Path(path_type=Path, file_okay=False),
        default=None, help="Journal folder. Default: the folder that holds refjournal.yaml, "
        "here or above (as git finds .git), else `./journal`.")(func)


TODAY_DEFAULT = ("Default: the day of SOURCE_DATE_EPOCH (UTC) when it is set, else the real "
                 "date.")


def today_option(does: str = "Compute due dates as of this day") -> Callable[[Any], Any]:
    """`--today`, saying what the day does for this command."""
    return click.option("--today", type=DateType(), default=None, callback=_today,
                        help=f"{does} (YYYY-MM-DD). {TODAY_DEFAULT}")


def _today(ctx: click.Context, param: click.Parameter | None, value: dt.date | None
           ) -> dt.date:
    """The day a run is as of: `--today`, else SOURCE_DATE_EPOCH, else the clock."""
    if value is not None:
        return value
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.date.today()
    if not epoch.isdigit():
        raise click.UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds "
                               "since 1970-01-01", ctx)
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise click.UsageError(f"SOURCE_DATE_EPOCH={epoch} is out of range for a date",
                               ctx) from None


def strict_option(func: Any) -> Any:
    return click.option("--strict", is_flag=True,
                        help="Treat warnings (unknown keys, unresolved refs) as errors.")(func)


def json_option(prints: str = "a JSON array") -> Callable[[Any], Any]:
    """`--json`, saying what it prints for this command."""
    return click.option("--json", "as_json", is_flag=True,
                        help=f"Print {prints} instead of a table.")


def _journal_root(journal: Path | None) -> Path:
    root = journal if journal is not None else default_journal()
    if root is None:
        raise click.UsageError(f"no journal here: no {CONFIG} in {Path.cwd()} or any folder "
                               "above it, and no ./journal; start one with `refjournal init`, "
                               "or name one with --journal DIR")
    if not root.is_dir():
        raise click.UsageError(f"journal folder not found: {root}")
    return root


def _writable_journal(journal: Path | None) -> Path:
    """A journal to write a note into: a folder that is one already, not any folder."""
    root = _journal_root(journal)
    if not looks_like_journal(root):
        raise click.UsageError(f"{root} is not a journal (no refjournal.yaml, contacts/ or "
                               "meetings/ in it); start one with `refjournal init`")
    return root


def _password(root: Path) -> str:
    """The password for an encrypted site: never an argument, where shells keep history.
    One an attacker would guess soon is refused, unless --weak-password-ok; a weak one is
    warned of."""
    password = os.environ.get("REFJOURNAL_PASSWORD")
    if password is None and sys.stdin.isatty():
        password = click.prompt("Password for the encrypted site", hide_input=True,
                                confirmation_prompt=True)
    if password is None:
        raise click.UsageError("--encrypt needs a password: set REFJOURNAL_PASSWORD, or run "
                               "in a terminal to be asked for it")
    if not password:
        raise click.UsageError("the password is empty")
    from .publish.password import advice, strength

    found = strength(password, _known_words(root))
    if found.refused and not click.get_current_context().meta.get("weak_password_ok"):
        raise click.UsageError(f"{advice(found)}. Nothing was built; --weak-password-ok "
                               "encrypts with it anyway")
    if found.weak:
        click.echo(f"warning: {advice(found)}", err=True)
    return password


def _known_words(root: Path) -> list[str]:
    """What an attacker of this journal's site would try first: its owner and titles."""
    raw, _ = read_config(root)
    meta = raw.meta if raw is not None else {}
    return [root.absolute().name, *(str(meta[key]) for key in ("owner", "title")
                                    if isinstance(meta.get(key), str))]


def weak_password_option(func: Any) -> Any:
    return click.option(
        "--weak-password-ok", is_flag=True, expose_value=False, callback=_set_meta,
        help="Encrypt even with a password that could be guessed within months (see "
        "docs/publishing.md); a weak one is still warned of.")(func)


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(problem.format(), err=True)
    if problems:
        click.echo(summary(problems), err=True)


def _set_meta(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta[param.name or ""] = value
    return value


def cache_options(func: Any) -> Any:
    """`--cache-dir` and `--no-cache`, for every command that reads a journal."""
    func = click.option("--no-cache", is_flag=True, expose_value=False, callback=_set_meta,
                        help="Parse every note again, and keep nothing for the next run.")(func)
    return click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
                        expose_value=False, callback=_set_meta,
                        help="Where to keep parsed notes between runs. Default: "
                        "$REFJOURNAL_CACHE_DIR, else the platform's cache folder "
                        "(~/.cache/refjournal on Linux).")(func)


def _parse_cache(root: Path) -> ParseCache | None:
    meta = click.get_current_context().meta
    if meta.get("no_cache"):
        return None
    folder = meta.get("cache_dir") or os.environ.get("REFJOURNAL_CACHE_DIR")
    return ParseCache(Path(folder) if folder else default_folder(), root)


def _load_or_exit(journal: Path | None, strict: bool = False) -> Loaded:
    root = _journal_root(journal)
    loaded = check(root, strict_mode=strict, cache=_parse_cache(root))
    _report(loaded.problems)
    if not loaded.ok:
        sys.exit(EXIT_PROBLEMS)
    return loaded


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="refjournal")
def main() -> None:
    """Keep track of professional relationships and referrals in plain-text notes.

    A journal is a folder of Markdown notes with YAML front matter: one per contact under
    contacts/, one per meeting under meetings/. refjournal builds it into a private static
    site that shows which follow-ups are due and the give/get balance of referrals with
    each contact.

    Exit codes: 0 ok, 1 problems in the journal, 2 usage error.
    """


@main.command("build")
@cache_options
@journal_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder to write the site into (only files whose bytes changed are "
                   "rewritten, all at once; nothing when the journal has errors). Default: "
                   "site/ in the journal folder, or ./site beside ./journal.")
@today_option()
@strict_option
@click.option("--encrypt", is_flag=True,
              help="Encrypt every page with a password (REFJOURNAL_PASSWORD, or asked on a "
              "terminal), for hosts that cannot restrict access.")
@weak_password_option
@click.option("--timings", is_flag=True,
              help="Say how long each stage took (on stderr), to see where a slow build "
              "spends its time.")
def build_command(journal: Path | None, out: Path | None, today: dt.date, strict: bool,
                  encrypt: bool, timings: bool) -> None:
    """Build the journal into a static site.

    Nothing is written when the journal has errors: the previous site stays as it was.
    """
    root = _journal_root(journal)
    if out is None:  # beside ./journal, as the README builds the example; else in the journal
        out = Path("site") if root == Path("journal") and journal is None else root / "site"
    out = Path(os.path.abspath(out))  # said in full: the folder is found wherever it was run
    try:
        check_output(out, root)
    except OutputError as exc:
        raise click.UsageError(str(exc)) from None
    password = _password(root) if encrypt else None
    if timings:
        record_timings()
    bar = progress_bar()
    try:
        result = build(root, out, today, strict_mode=strict, password=password,
                       cache=_parse_cache(root), progress=bar)
    except OSError as exc:
        click.echo(f"error: cannot write the site to {out}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    finally:
        if bar is not None:
            bar.close()
        if timings:
            click.echo(timings_line(recorded_timings()), err=True)
    if timings and result.written and not result.up_to_date:
        click.echo(f"pages: {result.pages - result.kept} rendered, {result.kept} kept as the "
                   "last build made them", err=True)
    _report(result.problems)
    if not result.written:
        kept = f"; the previous site in {out} is unchanged" if (out / MARKER).exists() else ""
        click.echo(f"site not written{kept}", err=True)
        sys.exit(EXIT_PROBLEMS)
    if result.up_to_date:
        click.echo(f"{out}/ is up to date: nothing changed since it was built "
                   f"({result.pages} pages)")
        return
    if result.changed:
        changed = f"{len(result.changed)} file{'s' if len(result.changed) != 1 else ''}"
        click.echo(f"updated {out}/: {changed} changed, the rest kept ({result.pages} pages; "
                   f"open {out / 'index.html'})")
        return
    click.echo(f"built {result.pages} pages into {out}/ (open {out / 'index.html'})")


@main.command("check")
@cache_options
@journal_option
@strict_option
def check_command(journal: Path | None, strict: bool) -> None:
    """Check the journal and list every problem; write nothing.

    Exits 0 when there are no errors (warnings are listed but allowed unless --strict).
    """
    loaded = _load_or_exit(journal, strict)
    journal_data = loaded.journal
    notes = sum(not contact.unresolved for contact in journal_data.contacts.values())
    click.echo(f"ok: {_count(notes, 'contact')}, "  # the notes, not the refs' stand-ins
               f"{_count(len(journal_data.meetings), 'meeting')}, "
               f"{_count(len(journal_data.exchanges), 'exchange')}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@main.command("due")
@cache_options
@journal_option
@today_option()
@json_option()
def due_command(journal: Path | None, today: dt.date, as_json: bool) -> None:
    """List what is due, soonest first: follow-ups, keep-in-touch, referral checks, birthdays.

    States: overdue (before today), today, soon (within `soon_days`), later.
    """
    loaded = _load_or_exit(journal)
    items = due_items(loaded.journal, today)
    if as_json:
        click.echo(json.dumps([item.as_json() for item in items], indent=2, ensure_ascii=False))
        return
    if not items:
        click.echo("nothing due")
        return
    names = loaded.journal.contacts
    rows = [(item.due.isoformat(), item.state, item.kind,
             ", ".join(names[s].name for s in item.contacts), item.what, str(item.source))
            for item in items]
    # On a terminal, the text takes the room: the source path gives way first, then the
    # names, and on a narrow one the path goes under its row; what is cut shows in full in
    # --json.
    _table((Column("due"), Column("state"), Column("kind"),
            Column("with", shrink=2, least=12), Column("what", shrink=3, least=14, want=32),
            Column("source", shrink=1, least=16, keep_end=True, moves=True)), rows)


@main.command("balances")
@cache_options
@journal_option
@click.option("--today", type=DateType(), default=None,
              help="Accepted as in the other commands; balances count every exchange, "
              "whatever its date.")
@json_option()
def balances_command(journal: Path | None, today: dt.date | None, as_json: bool) -> None:
    """Show the give/get balance of referrals with each contact.

    gave and got count the exchanges naming the contact (an introduction of two people
    counts for both); balance = gave - got; the values sum `value` over won exchanges.
    """
    loaded = _load_or_exit(journal)
    rows = list(compute_balances(loaded.journal).values())
    if as_json:
        click.echo(json.dumps([row.as_json() for row in rows], indent=2, ensure_ascii=False))
        return
    _table(tuple(Column(title) for title in ("contact", "name", "gave", "got", "balance",
                                             "gave_value", "got_value")),
           [(r.contact, r.name, r.gave, r.got, f"{r.balance:+d}" if r.balance else "0",
             r.gave_value, r.got_value) for r in rows])


@main.command("stats")
@cache_options
@journal_option
@today_option("Compute the figures (goals, streaks, what is due) as of this day")
@json_option("one JSON object of every figure")
def stats_command(journal: Path | None, today: dt.date, as_json: bool) -> None:
    """Show the insights: goals and streaks, reciprocity, relationship health.

    With --json, every figure of the insights pages (see docs/insights.md).
    """
    loaded = _load_or_exit(journal)
    from .insights.derive import derive
    from .insights.stats import stats_json, stats_lines

    site = derive(loaded.journal, today)
    if as_json:
        click.echo(json.dumps(stats_json(site), indent=2, ensure_ascii=False))
        return
    for line in stats_lines(site):
        click.echo(line)


@main.command("init")
@click.argument("folder", type=click.Path(path_type=Path), default=Path("."))
@today_option("The date of the sample meeting and the day the sample contact was met")
def init_command(folder: Path, today: dt.date) -> None:
    """Start a journal in FOLDER (default: here): settings, a sample contact and meeting.

    Refuses a folder that holds a journal already, and never overwrites a file.
    """
    try:
        written = init_journal(folder, today)
    except AuthoringError as exc:
        raise click.ClickException(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path}")
    go = "" if folder.resolve() == Path.cwd().resolve() else f"cd {_quoted(folder)}\n  "
    click.echo("\nNext:\n"
               f"  {go}refjournal new contact \"Jane Q. Public\" --company \"Acme Ltd\"\n"
               "  refjournal new meeting --with \"Jane Q. Public\" --kind coffee\n"
               "  refjournal serve --open")


def _quoted(path: Path) -> str:
    text = str(path)
    return text if text.replace("/", "").replace("-", "").replace("_", "").replace(
        ".", "").isalnum() else "'" + text.replace("'", "'\\''") + "'"


@main.group("new")
def new_group() -> None:
    """Write a new contact or meeting note."""


@new_group.command("contact")
@click.argument("name")
@journal_option
@click.option("--company", default="", help="Company or organisation.")
@click.option("--role", default="", help="Their role.")
@click.option("--cadence", default="", help="How often to be in touch: 30, 2w, 3m, 1y.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for more).")
@click.option("--edit", is_flag=True, help="Open the note in $VISUAL or $EDITOR.")
@today_option("The day you met them: the note's `met`")
def new_contact_command(name: str, journal: Path | None, company: str, role: str, cadence: str,
                        tags: tuple[str, ...], edit: bool, today: dt.date) -> None:
    """Write contacts/<slug>.md for NAME and print its path."""
    root = _writable_journal(journal)
    if cadence:
        try:
            parse_cadence(int(cadence) if cadence.isdigit() else cadence)
        except BadValue as exc:
            raise click.BadParameter(str(exc), param_hint="--cadence") from None
    fields = NewContact(company=company, role=role, cadence=cadence, tags=tags, met=today)
    _write_note(lambda: new_contact(root, name, fields), edit)


def _write_note(write: Callable[[], Written], edit: bool) -> None:
    """Write a note, print its path, and open it in the user's editor when asked."""
    try:
        written = write()
    except AuthoringError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(written.path)
    if edit:
        click.edit(filename=str(written.path))


@new_group.command("meeting")
@journal_option
@click.option("--with", "refs", multiple=True, required=True,
              help="Who you met: a slug, name, alias or [[wikilink]] (repeat for more).")
@click.option("--kind", default="", help="one-to-one, coffee, lunch, call, event, email...")
@click.option("--date", "date", type=DateType(), default=None,
              help="When (YYYY-MM-DD). Default: today.")
@click.option("--title", default="", help="A title for the meeting.")
@click.option("--edit", is_flag=True, help="Open the note in $VISUAL or $EDITOR.")
@today_option("The meeting's date when --date is not given")
def new_meeting_command(journal: Path | None, refs: tuple[str, ...], kind: str,
                        date: dt.date | None, title: str, edit: bool, today: dt.date) -> None:
    """Write meetings/<year>/<date>-<slug>.md and print its path.

    Refs are resolved now, as the build resolves them; a second meeting of the same name
    on the same day gets a suffix.
    """
    root = _writable_journal(journal)
    _write_note(lambda: new_meeting(root, load(root).journal, refs, date=date or today,
                                    kind=kind, title=title), edit)


@main.command("export")
@cache_options
@click.argument("format", type=click.Choice(sorted(EXPORTS)))
@click.option("--what", type=click.Choice(["referrals", "contacts"]), default="referrals",
              show_default=True, help="For csv: one row per exchange, or per contact.")
@journal_option
@today_option("Compute due dates (ics, json) as of this day")
def export_command(format: str, what: str, journal: Path | None, today: dt.date) -> None:
    """Print the journal as FORMAT: ics (follow-ups feed), csv, json, vcard.

    A build writes the same follow-ups.ics, referrals.csv, contacts.csv and journal.json
    into the site.
    """
    loaded = _load_or_exit(journal)
    name = f"{what}.csv" if format == "csv" else format
    sys.stdout.flush()
    from .exchange.exports import export_bytes

    sys.stdout.buffer.write(export_bytes(name, loaded.journal, today))
    sys.stdout.buffer.flush()


@main.group("import")
def import_group() -> None:
    """Read contacts and meetings from other tools into the journal."""


@import_group.command("calendar")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@journal_option
@click.option("--since", type=DateType(), default=None,
              help="The first day of events to import (YYYY-MM-DD). Default: the first.")
@click.option("--until", type=DateType(), default=None,
              help="The last day of events to import (YYYY-MM-DD). Default: today, so "
              "that a meeting is logged once it has happened.")
@click.option("--me", "me", multiple=True, metavar="ADDRESS",
              help="Your own email address (repeat for more; `owner_email` in "
              "refjournal.yaml says it for good): an event you declined is skipped.")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@today_option("The day --until defaults to")
def import_calendar_command(file: Path, journal: Path | None, since: dt.date | None,
                            until: dt.date | None, me: tuple[str, ...], dry_run: bool,
                            today: dt.date) -> None:
    """A meeting note for each event of FILE (an .ics export) that involves a contact.

    An event involves a contact when an attendee's address is the contact's `email` (or
    one of its `emails`), or the summary names the contact or an alias. Recurring events
    count once a day they happen. Skipped, and counted: cancelled events, events you
    declined, events with no known contact, and events logged already (the same event, or
    a note with the same contact that day). Importing the same file again writes nothing.
    """
    from .exchange.events import CalendarError
    from .importing import import_calendar, summary_line

    root = _writable_journal(journal)
    try:
        result = import_calendar(root, load(root).journal, file.read_bytes(), since=since,
                                 until=until or today, me=me, dry_run=dry_run)
    except (AuthoringError, CalendarError, OSError) as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    verb = "would write" if dry_run else "wrote"
    for written in result.written:
        click.echo(f"{verb} {written.path}")
    for unread in result.unread:
        click.echo(f"{file}:{unread.line}: {unread.reason}", err=True)
    click.echo(summary_line(result, dry_run))


@import_group.command("linkedin")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@journal_option
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
def import_linkedin_command(file: Path, journal: Path | None, dry_run: bool) -> None:
    """One contact note per connection in LinkedIn's Connections.csv.

    Name, company, position (as `role`), the profile's address (as `website`), the email
    address where LinkedIn gives it, and the day you connected (as `met`). A connection
    already in the journal (by slug, name, alias or email) is listed, never overwritten.
    """
    from .exchange.contacts_csv import read_linkedin

    _import_contacts(file, journal, dry_run, read_linkedin)


@import_group.command("csv")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@journal_option
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
def import_csv_command(file: Path, journal: Path | None, dry_run: bool) -> None:
    """One contact note per row of a Google Contacts or Outlook CSV export.

    Names, organisation, title (as `role`), emails, phones, birthday, and labels or
    categories as tags. A contact already in the journal (by slug, name, alias or email)
    is listed, never overwritten.
    """
    from .exchange.contacts_csv import read_contacts_csv

    _import_contacts(file, journal, dry_run, read_contacts_csv)


def _import_contacts(file: Path, journal: Path | None, dry_run: bool,
                     read: Callable[[bytes], Any]) -> None:
    from .exchange.contacts_csv import CsvError
    from .importing import import_contacts

    root = _writable_journal(journal)
    try:
        rows = read(file.read_bytes())
        result = import_contacts(root, load(root).journal, rows.cards, dry_run=dry_run)
    except (AuthoringError, CsvError, OSError) as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    verb = "would write" if dry_run else "wrote"
    for _, written in result.written:
        click.echo(f"{verb} {written.path}")
    for line, name, existing in result.existing:
        click.echo(f"{file}:{line}: {name}: in the journal already ({existing})", err=True)
    for issue in [*rows.bad, *rows.dropped]:
        click.echo(f"{file}:{issue.line}: {issue.reason}", err=True)
    for line, why in result.bad:
        click.echo(f"{file}:{line}: {why}", err=True)
    done = _count(len(result.written), "contact")
    left = len(rows.bad) + len(result.bad)
    click.echo(f"{'would import' if dry_run else 'imported'} {done} from {rows.kind}"
               f"{' (a dry run: nothing written)' if dry_run else ''}; "
               f"{len(result.existing)} in the journal already; "
               f"{_count(left, 'row')} left out"
               + (f"; {_count(len(rows.dropped), 'value')} left out" if rows.dropped else ""))


@import_group.command("vcard")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@journal_option
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
def import_vcard_command(file: Path, journal: Path | None, dry_run: bool) -> None:
    """One contact note per card of FILE (vCard 3.0 or 4.0).

    A card whose contact exists is skipped (never overwritten); a malformed card is
    reported with its position and skipped.
    """
    from .importing import import_vcards

    root = _writable_journal(journal)
    try:
        result = import_vcards(root, load(root).journal, file.read_bytes(), dry_run=dry_run)
    except (AuthoringError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    if not result.found:
        raise click.ClickException(f"no vCard in {file} (no BEGIN:VCARD line)")
    verb = "would write" if dry_run else "wrote"
    for written in result.written:
        click.echo(f"{verb} {written.path}")
    for number, name, existing in result.skipped:
        click.echo(f"{file}: card {number}: skipped {name}: {existing} exists", err=True)
    for bad in result.bad:
        click.echo(f"{file}:{bad.line}: card {bad.number}: skipped: {bad.reason}", err=True)
    for bad in result.dropped:
        click.echo(f"{file}:{bad.line}: card {bad.number}: warning: {bad.reason}", err=True)
    done = (f"would import {_count(len(result.written), 'contact')} (a dry run: nothing "
            "written)" if dry_run else f"imported {_count(len(result.written), 'contact')}")
    left = f"; {_count(len(result.dropped), 'field')} left out" if result.dropped else ""
    click.echo(f"{done}{left}; {len(result.skipped)} skipped as existing; "
               f"{_count(len(result.bad), 'malformed card')} skipped")
    if result.bad:
        sys.exit(EXIT_PROBLEMS)


@main.command("deploy")
@journal_option
@click.option("--remote", default="origin", show_default=True, help="Git remote to push to.")
@click.option("--branch", default="gh-pages", show_default=True,
              help="Branch that holds the published site, and nothing else.")
@click.option("--keep-history", is_flag=True,
              help="Add a commit on top of the branch instead of replacing it with one.")
@click.option("--no-push", is_flag=True, help="Only update the local branch.")
@today_option()
@cache_options
@click.option("--encrypt", is_flag=True,
              help="Publish the site encrypted with a password (REFJOURNAL_PASSWORD, or asked "
              "on a terminal).")
@weak_password_option
@click.option("--message", default=None, help="First line of the commit message.")
def deploy_command(journal: Path | None, remote: str, branch: str, keep_history: bool,
                   no_push: bool, today: dt.date, encrypt: bool, message: str | None) -> None:
    """Build the site strictly and publish it as the whole content of a git branch.

    Any problem, even a warning, stops the deploy before anything changes. The branch is
    replaced by a single commit (notes you deleted stop being reachable from it) and
    force-pushed, unless --keep-history. Your working tree, index and current branch are
    never touched; git pushes with your own configuration and credentials.
    """
    root = _journal_root(journal)
    password = _password(root) if encrypt else None
    try:
        repo = repository(root)
        check_target(repo, None if no_push else remote, branch)
        with tempfile.TemporaryDirectory(prefix="refjournal-deploy-site-") as tmp:
            site = Path(tmp) / "site"
            result = build(root, site, today, strict_mode=True, password=password,
                           cache=_parse_cache(root), record=False)
            if result.problems or not result.written:
                _report(result.problems)
                click.echo("not deployed: fix the problems above first (a deploy allows no "
                           "warnings)", err=True)
                sys.exit(EXIT_PROBLEMS)
            done = publish(repo, root, site, branch=branch, remote=None if no_push else remote,
                           keep_history=keep_history, message=message)
    except DeployError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    if done.remote_said:
        click.echo(done.remote_said)
    where = f"pushed to {done.pushed_to}" if done.pushed_to else "not pushed (--no-push)"
    click.echo(f"deployed {result.pages} pages as {done.commit[:12]} on {done.branch}, {where}")


@main.command("init-hosting")
@click.argument("host", type=click.Choice(HOSTS))
@journal_option
@click.option("--install-from", metavar="REQUIREMENT", default=None,
              help="What the host's runner installs, as pip takes it: a git URL "
              "(git+https://host/you/refjournal@v0.2.0) or a release on your index "
              "(refjournal==0.2.0). Default: this refjournal: the same release when it came "
              "from a package index, else a wheel of it written into .refjournal/.")
def init_hosting_command(host: str, journal: Path | None, install_from: str | None) -> None:
    """Write the CI file that publishes the journal on a git host (never overwriting).

    gitlab: a Pages job; then restrict Pages to project members. github: an Actions
    workflow that builds with --encrypt (GitHub Pages is public on most plans) and deploys
    with the official Pages actions. cloudflare: the Pages settings, and a note on putting
    the site behind Cloudflare Access.

    The host installs the refjournal you run now. Installed from a clone, that is a wheel
    built from it into .refjournal/ at the top of the repository: commit it with the file.
    """
    root = _journal_root(journal)
    try:
        recipe = write_recipe(host, root, install_from)
    except HostingError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"wrote {recipe.path}")
    if recipe.install.wheel is not None:
        click.echo(f"wrote {recipe.install.wheel} (the host installs this refjournal from it)")
    click.echo(recipe.next_steps)


@main.command("serve")
@journal_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. 0.0.0.0 shows your private notes to your network.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; 0 picks a free one.")
@click.option("--today", type=DateType(), default=None,
              help="Compute due dates as of this day (YYYY-MM-DD). Default: the day of "
              "SOURCE_DATE_EPOCH (UTC) when it is set, else the real date at each rebuild.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in your browser.")
@click.option("--livereload/--no-livereload", default=True, show_default=True,
              help="Reload open pages after each rebuild and show problems over them.")
@click.option("--poll", is_flag=True,
              help="Watch by polling, for network drives, Docker and WSL, where change "
              "notifications do not arrive.")
def serve_command(journal: Path | None, host: str, port: int, today: dt.date | None,
                  open_browser: bool, livereload: bool, poll: bool) -> None:
    """Preview the site, rebuilt and reloaded each time a note is saved.

    The site is built into a temporary folder (removed on exit), never into the journal.
    While the journal has errors the last good site is served, with the problems shown
    over every page. Ctrl-C stops.
    """
    root = _journal_root(journal)
    if today is None and not os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        day: Callable[[], dt.date] = dt.date.today  # a long preview crosses midnight
    else:
        fixed = _today(click.get_current_context(), None, today)
        day = lambda: fixed  # noqa: E731
    from .serve.server import Options, serve

    options = Options(root=root, host=host, port=port, today=day, open_browser=open_browser,
                      livereload=livereload, poll=poll)
    try:
        serve(options, echo=click.echo, report=_report)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(f"port {port} on {host} is in use; choose another "
                                       "with --port (--port 0 picks a free one)") from None
        raise click.ClickException(f"cannot serve on {host}:{port}: "
                                   f"{exc.strerror or exc}") from None


def _table(columns: tuple[Column, ...], rows: list[tuple[Any, ...]]) -> None:
    for n, line in enumerate(layout(columns, rows, terminal_width())):
        click.echo(click.style(line, bold=True) if n == 0 else line)


if __name__ == "__main__":  # pragma: no cover
    main()
