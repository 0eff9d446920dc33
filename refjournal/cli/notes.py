"""Commands that write notes for the user: init, new contact and meeting, import."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..authoring import (
    AuthoringError,
    NewContact,
    NewMeeting,
    Written,
    init_journal,
    new_contact,
    new_meeting,
)
from ..journal.fields import BadValue
from ..journal.fields import cadence as parse_cadence
from ..journal.load import load
from ..model import ATTENDANCE
from .base import (
    EXIT_PROBLEMS,
    DateType,
    count,
    journal_option,
    main,
    today_option,
    writable_journal,
)


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
    root = writable_journal(journal)
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
@click.option("--title", default="", help="A title for the meeting. Default: its kind and "
              "the people met, as \"Coffee with Sofia Marchetti\".")
@click.option("--gave", multiple=True, metavar="PROSPECT[:HEAT]",
              help="A referral you gave the people met: \"Acme roofing:4\" (heat 1-5, cold, "
              "warm or hot). Repeat for more.")
@click.option("--got", multiple=True, metavar="PROSPECT[:HEAT]",
              help="A referral they gave you, likewise. Repeat for more.")
@click.option("--follow-up", "follow_ups", multiple=True, nargs=2,
              type=(DateType(), str), metavar="DATE WHAT",
              help="Something to do by DATE: --follow-up 2026-12-01 \"Send the deck\". "
              "Repeat for more.")
@click.option("--attendance", type=click.Choice(ATTENDANCE), default=None,
              help="How you were at a chapter meeting, for the scorecard.")
@click.option("--note", default="", help="The note's text: what was said.")
@click.option("--edit", is_flag=True, help="Open the note in $VISUAL or $EDITOR.")
@today_option("The meeting's date when --date is not given")
def new_meeting_command(journal: Path | None, refs: tuple[str, ...], kind: str,
                        date: dt.date | None, title: str, edit: bool, today: dt.date,
                        **logged: Any) -> None:
    """Write meetings/<year>/<date>-<slug>.md and print its path.

    A meeting logged in one line: who, what kind, referrals given and received,
    follow-ups, attendance and what was said. Refs are resolved now, as the build resolves
    them; a second meeting of the same name on the same day gets a suffix.
    """
    root = writable_journal(journal)
    fields = NewMeeting(kind=kind, title=title, **{**logged,
                                                    "attendance": logged["attendance"] or ""})
    _write_note(lambda: new_meeting(root, load(root).journal, refs, date=date or today,
                                    fields=fields), edit)

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
    from ..exchange.events import CalendarError
    from ..importing import import_calendar, summary_line

    root = writable_journal(journal)
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
    from ..exchange.contacts_csv import read_linkedin

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
    from ..exchange.contacts_csv import read_contacts_csv

    _import_contacts(file, journal, dry_run, read_contacts_csv)

def _import_contacts(file: Path, journal: Path | None, dry_run: bool,
                     read: Callable[[bytes], Any]) -> None:
    from ..exchange.contacts_csv import CsvError
    from ..importing import import_contacts

    root = writable_journal(journal)
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
    done = count(len(result.written), "contact")
    left = len(rows.bad) + len(result.bad)
    click.echo(f"{'would import' if dry_run else 'imported'} {done} from {rows.kind}"
               f"{' (a dry run: nothing written)' if dry_run else ''}; "
               f"{len(result.existing)} in the journal already; "
               f"{count(left, 'row')} left out"
               + (f"; {count(len(rows.dropped), 'value')} left out" if rows.dropped else ""))

@import_group.command("vcard")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@journal_option
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
def import_vcard_command(file: Path, journal: Path | None, dry_run: bool) -> None:
    """One contact note per card of FILE (vCard 3.0 or 4.0).

    A card whose contact exists is skipped (never overwritten); a malformed card is
    reported with its position and skipped.
    """
    from ..importing import import_vcards

    root = writable_journal(journal)
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
    done = (f"would import {count(len(result.written), 'contact')} (a dry run: nothing "
            "written)" if dry_run else f"imported {count(len(result.written), 'contact')}")
    left = f"; {count(len(result.dropped), 'field')} left out" if result.dropped else ""
    click.echo(f"{done}{left}; {len(result.skipped)} skipped as existing; "
               f"{count(len(result.bad), 'malformed card')} skipped")
    if result.bad:
        sys.exit(EXIT_PROBLEMS)
