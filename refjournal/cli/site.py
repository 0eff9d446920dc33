"""Commands that make and publish the site: build, serve, deploy, init-hosting."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..build import build
from ..journal.read import read_config
from ..progress import progress_bar
from ..publish.deploy import DeployError, check_target, publish, repository
from ..publish.hosting import HOSTS, HostingError, write_recipe
from ..site.write import MARKER, OutputError, check_output
from ..timings import line as timings_line
from ..timings import record as record_timings
from ..timings import recorded as recorded_timings
from .base import (
    EXIT_PROBLEMS,
    DateType,
    cache_options,
    day_of,
    journal_option,
    journal_root,
    main,
    parse_cache,
    report,
    set_meta,
    strict_option,
    today_option,
)


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
    from ..publish.password import advice, strength

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
        "--weak-password-ok", is_flag=True, expose_value=False, callback=set_meta,
        help="Encrypt even with a password that could be guessed within months (see "
        "docs/publishing.md); a weak one is still warned of.")(func)

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
    root = journal_root(journal)
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
                       cache=parse_cache(root), progress=bar)
    except OSError as exc:
        click.echo(f"error: cannot write the site to {out}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_PROBLEMS)
    finally:
        if bar is not None:
            bar.close()
        if timings:
            click.echo(timings_line(recorded_timings()), err=True)
    if timings and result.written and not result.up_to_date:
        made = (f"{result.spliced} with a note's new text put in" if result.spliced
                else f"{result.pages - result.kept} rendered")
        click.echo(f"pages: {made}, {result.kept} kept as the last build made them", err=True)
    report(result.problems)
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
    root = journal_root(journal)
    password = _password(root) if encrypt else None
    try:
        repo = repository(root)
        check_target(repo, None if no_push else remote, branch)
        with tempfile.TemporaryDirectory(prefix="refjournal-deploy-site-") as tmp:
            site = Path(tmp) / "site"
            result = build(root, site, today, strict_mode=True, password=password,
                           cache=parse_cache(root), record=False)
            if result.problems or not result.written:
                report(result.problems)
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
    root = journal_root(journal)
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
    root = journal_root(journal)
    if today is None and not os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        day: Callable[[], dt.date] = dt.date.today  # a long preview crosses midnight
    else:
        fixed = day_of(click.get_current_context(), None, today)
        day = lambda: fixed  # noqa: E731
    from ..serve.server import Options, serve

    options = Options(root=root, host=host, port=port, today=day, open_browser=open_browser,
                      livereload=livereload, poll=poll)
    try:
        serve(options, echo=click.echo, report=report)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise click.ClickException(f"port {port} on {host} is in use; choose another "
                                       "with --port (--port 0 picks a free one)") from None
        raise click.ClickException(f"cannot serve on {host}:{port}: "
                                   f"{exc.strerror or exc}") from None
