"""The command group and what its commands share: options, the journal they run on,
how problems and tables are printed."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..authoring import (
    looks_like_journal,
)
from ..build import check
from ..incremental.cache import ParseCache, default_folder
from ..journal.load import Loaded
from ..journal.read import CONFIG, enclosing_journal
from ..problems import Problem, summary
from ..table import Column, layout, terminal_width

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
    return click.option("--today", type=DateType(), default=None, callback=day_of,
                        help=f"{does} (YYYY-MM-DD). {TODAY_DEFAULT}")

def day_of(ctx: click.Context, param: click.Parameter | None, value: dt.date | None
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

def journal_root(journal: Path | None) -> Path:
    root = journal if journal is not None else default_journal()
    if root is None:
        raise click.UsageError(f"no journal here: no {CONFIG} in {Path.cwd()} or any folder "
                               "above it, and no ./journal; start one with `refjournal init`, "
                               "or name one with --journal DIR")
    if not root.is_dir():
        raise click.UsageError(f"journal folder not found: {root}")
    return root

def writable_journal(journal: Path | None) -> Path:
    """A journal to write a note into: a folder that is one already, not any folder."""
    root = journal_root(journal)
    if not looks_like_journal(root):
        raise click.UsageError(f"{root} is not a journal (no refjournal.yaml, contacts/ or "
                               "meetings/ in it); start one with `refjournal init`")
    return root

def report(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(problem.format(), err=True)
    if problems:
        click.echo(summary(problems), err=True)

def set_meta(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta[param.name or ""] = value
    return value

def cache_options(func: Any) -> Any:
    """`--cache-dir` and `--no-cache`, for every command that reads a journal."""
    func = click.option("--no-cache", is_flag=True, expose_value=False, callback=set_meta,
                        help="Parse every note again, and keep nothing for the next run.")(func)
    return click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False),
                        expose_value=False, callback=set_meta,
                        help="Where to keep parsed notes between runs. Default: "
                        "$REFJOURNAL_CACHE_DIR, else the platform's cache folder "
                        "(~/.cache/refjournal on Linux).")(func)

def parse_cache(root: Path) -> ParseCache | None:
    meta = click.get_current_context().meta
    if meta.get("no_cache"):
        return None
    folder = meta.get("cache_dir") or os.environ.get("REFJOURNAL_CACHE_DIR")
    return ParseCache(Path(folder) if folder else default_folder(), root)

def load_or_exit(journal: Path | None, strict: bool = False) -> Loaded:
    root = journal_root(journal)
    loaded = check(root, strict_mode=strict, cache=parse_cache(root))
    report(loaded.problems)
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

def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"

def print_table(columns: tuple[Column, ...], rows: list[tuple[Any, ...]]) -> None:
    for n, line in enumerate(layout(columns, rows, terminal_width())):
        click.echo(click.style(line, bold=True) if n == 0 else line)
