"""Commands that print what the journal says: check, due, balances, brief, stats, export."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from ..authoring import AuthoringError
from ..insights.balances import balances as compute_balances
from ..insights.due import due_items
from ..table import Column
from .base import (
    DateType,
    cache_options,
    count,
    journal_option,
    json_option,
    load_or_exit,
    main,
    print_table,
    strict_option,
    today_option,
)

# Commands import what only they need when they run (serving, exporting, the insights),
# so that every command starts quickly; a build that is up to date takes a fraction of
# a second.
EXPORTS = ("ics", "csv", "json", "vcard")  # what `refjournal export FORMAT` prints

@main.command("check")
@cache_options
@journal_option
@strict_option
def check_command(journal: Path | None, strict: bool) -> None:
    """Check the journal and list every problem; write nothing.

    Exits 0 when there are no errors (warnings are listed but allowed unless --strict).
    """
    loaded = load_or_exit(journal, strict)
    journal_data = loaded.journal
    notes = sum(not contact.unresolved for contact in journal_data.contacts.values())
    click.echo(f"ok: {count(notes, 'contact')}, "  # the notes, not the refs' stand-ins
               f"{count(len(journal_data.meetings), 'meeting')}, "
               f"{count(len(journal_data.exchanges), 'exchange')}")

@main.command("due")
@cache_options
@journal_option
@today_option()
@json_option()
def due_command(journal: Path | None, today: dt.date, as_json: bool) -> None:
    """List what is due, soonest first: follow-ups, keep-in-touch, referral checks, birthdays.

    States: overdue (before today), today, soon (within `soon_days`), later.
    """
    loaded = load_or_exit(journal)
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
    print_table((Column("due"), Column("state"), Column("kind"),
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
    loaded = load_or_exit(journal)
    rows = list(compute_balances(loaded.journal).values())
    if as_json:
        click.echo(json.dumps([row.as_json() for row in rows], indent=2, ensure_ascii=False))
        return
    from ..insights.business import amount_text

    currency = loaded.journal.config.currency  # as the site writes amounts: GBP 1,200
    print_table(tuple(Column(title) for title in ("contact", "name", "gave", "got", "balance",
                                                  "gave_value", "got_value")),
                [(r.contact, r.name, r.gave, r.got, f"{r.balance:+d}" if r.balance else "0",
                  amount_text(r.gave_value, currency), amount_text(r.got_value, currency))
                 for r in rows])


@main.command("brief")
@click.argument("ref")
@cache_options
@journal_option
@today_option("Prepare the brief as of this day")
@json_option("one JSON object")
def brief_command(ref: str, journal: Path | None, today: dt.date, as_json: bool) -> None:
    """Prepare a one-to-one with REF (a slug, name, alias or [[wikilink]]).

    Their profile (goals, accomplishments, interests, networks, skills), needs and offers,
    the referrals both ways and the last one each way, what is open with them, and the
    last three meetings in short.
    """
    loaded = load_or_exit(journal)
    from ..authoring import resolve_refs
    from ..insights.brief import brief
    from ..insights.derive import derive

    try:
        [slug] = resolve_refs(loaded.journal, [ref])
    except AuthoringError as exc:
        raise click.ClickException(str(exc)) from None
    found = brief(derive(loaded.journal, today), slug)
    if as_json:
        click.echo(json.dumps(found.as_json(), indent=2, ensure_ascii=False))
        return
    for line in found.as_lines():
        click.echo(line)

@main.command("suggest")
@cache_options
@journal_option
@click.option("--for", "for_ref", default=None, metavar="REF",
              help="Only the suggestions for this contact's need (a slug, name or alias).")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True,
              help="How many suggestions to show, best first.")
@today_option("Weigh the relationships as of this day")
@json_option("one JSON object: the suggestions, and the needs nobody offers")
def suggest_command(journal: Path | None, for_ref: str | None, limit: int, today: dt.date,
                    as_json: bool) -> None:
    """Whom to introduce to whom: each contact's need, and who in your journal offers it.

    Needs (a contact's `needs`, or the latest `needs:` of a meeting with them alone) are
    matched against what everyone else offers (`offers`, `skills`, `role`, `company`,
    `tags`), and weighed by the relationship. See docs/insights.md.
    """
    loaded = load_or_exit(journal)
    from ..authoring import resolve_refs
    from ..insights.derive import derive
    from ..insights.suggest import Suggestions

    found = derive(loaded.journal, today).suggestions
    if for_ref is not None:
        try:
            [slug] = resolve_refs(loaded.journal, [for_ref])
        except AuthoringError as exc:
            raise click.ClickException(str(exc)) from None
        found = Suggestions(found.for_contact(slug),
                            tuple(u for u in found.unanswered if u.for_ == slug))
    found = Suggestions(found.suggestions[:limit], found.unanswered)
    if as_json:
        click.echo(json.dumps(found.as_json(), indent=2, ensure_ascii=False))
        return
    names = loaded.journal.contacts
    for s in found.suggestions:
        click.echo(f"{s.score:6.2f}  introduce {names[s.candidate].name} to "
                   f"{names[s.for_].name}: {s.reason}")
    for u in found.unanswered:
        click.echo(f"        nobody in your journal offers what {names[u.for_].name} needs: "
                   f"{u.need}")
    if not found.suggestions and not found.unanswered:
        click.echo("no needs written yet: add `needs:` to your contacts")


@main.command("stats")
@cache_options
@journal_option
@today_option("Compute the figures (goals, streaks, what is due) as of this day")
@click.option("--period", default=None, metavar="PERIOD", help="Only one period's figures: "
              "a year (2026), a quarter (2026-Q4) or a month (2026-11).")
@json_option("one JSON object of every figure")
def stats_command(journal: Path | None, today: dt.date, period: str | None,
                  as_json: bool) -> None:
    """Show the insights: goals and streaks, reciprocity, relationship health, business
    closed and the chapter's scorecard; or, with --period, one period's referrals both
    ways, business closed and new sources of referrals.

    With --json, every figure of the insights pages (see docs/insights.md).
    """
    from ..insights.stats import parse_span, report

    try:
        span = parse_span(period) if period is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--period'") from None
    found, lines = report(load_or_exit(journal).journal, today, span)
    click.echo(json.dumps(found, indent=2, ensure_ascii=False) if as_json else "\n".join(lines))

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
    loaded = load_or_exit(journal)
    name = f"{what}.csv" if format == "csv" else format
    sys.stdout.flush()
    from ..exchange.exports import export_bytes

    sys.stdout.buffer.write(export_bytes(name, loaded.journal, today))
    sys.stdout.buffer.flush()
