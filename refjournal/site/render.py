"""Render stage: the derived site in, the site's files out, each handed to a sink as it is
made (or, without a sink, returned as bytes in memory).

Every page is rendered from its template and context (pages.py), in forked workers for a
big site (parallel.py); the files that are not pages (the search index, the exports, the
theme's static files) are made meanwhile. The stage knows nothing of earlier builds: a
`Reuse`, given by the incremental layer, may take a page's place before it is rendered.
"""

from __future__ import annotations

import contextlib
import copy
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import jinja2
from markupsafe import Markup

from .. import parallel
from ..exchange.export_json import json_bytes
from ..exchange.exports import FEED, JSON_EXPORT, REFERRALS_CSV, SITE_EXPORTS
from ..exchange.feed import EventMemo, ics_bytes
from ..exchange.pieces import Memo as PieceMemo
from ..exchange.spreadsheet import referrals_csv, review_csv
from ..insights.derive import Derived
from ..journal.read import walk
from ..problems import Problem, error, warning
from .homescreen import home_screen_files
from .markdown import TooDeep, make_markdown, render_markdown
from .pages import Page, pages, whole_model
from .rows import rows_made_again
from .search import INDEX, search_files
from .templates import environment
from .theme import USER_THEME, own_templates

ASSETS = "assets"
REVIEW_CSV = "review.csv"
MAX_ERRORS = 20  # a serial render stops after this many failed pages
# With one of these of its own, a journal may change what every page shows.
SHARED_TEMPLATES = frozenset({"base.html", "_macros.html"})

# Keep search engines out, wherever the site is published: every page says `noindex`, and
# crawlers must be allowed to fetch the pages to see that (a robots.txt that disallowed
# them would leave the bare addresses listable). Hosts that read `_headers` (Netlify,
# Cloudflare Pages) add the same as a header, to every file.
PRIVATE_FILES = {
    "robots.txt": b"# A private journal: every page carries noindex, so crawlers may fetch pages\n"
                  b"# only to learn that they must not be indexed.\nUser-agent: *\nAllow: /\n",
    "_headers": b"/*\n  X-Robots-Tag: noindex, nofollow, noarchive\n",
}

Frame = tuple[int, int]  # bytes before and after a note's text in its page
Progress = Callable[[int, int], None]  # (pages done, pages in all)


@dataclass(frozen=True)
class Outcome:
    """What became of one page."""

    receipt: Any  # what the sink's `write` gave for its bytes; None: failed, or kept
    problems: tuple[Problem, ...]
    frame: Frame | None  # where the note's text sits in it (None: no text, or shown twice)
    key: object = None  # the key a `Reuse` gave it
    kept: bool = False  # left as the last build made it: not rendered
    failed: bool = False  # its template failed


PageMaker = Callable[[Page], Outcome]


@dataclass(frozen=True)
class Sink:
    """Where files go as soon as they are made (so that writing overlaps rendering, and the
    files are not all held in memory at once).

    `write(path, data)` is called where the file was made: in a worker process, when the
    pages are rendered in parallel, so that the workers write too. What it returns (small,
    and picklable) is handed to `took(path, receipt)` in this process, file by file in
    order. `kept(path)` is told of a page a `Reuse` left as it was."""

    write: Callable[[str, bytes], Any]
    took: Callable[[str, Any], None]
    kept: Callable[[str], None] = lambda path: None


class Reuse(Protocol):
    """What an earlier build may spare this one (the incremental layer's business; the
    stage only calls it)."""

    def pages(self, make: PageMaker, site: Derived, own: frozenset[str],
              plain: PageMaker) -> PageMaker:
        """`make`, or a maker that first looks whether the page can be kept. `plain`
        renders a page into bytes without writing it (to check a kept one)."""

    def data(self, site: Derived) -> dict[str, bytes]:
        """The data files, made again (`data_files`) or reused."""


@dataclass
class Rendered:
    """What a render gives back besides the files."""

    problems: list[Problem] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # without a sink
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # by page path
    # Note path -> (page path, frame), for the pages that show a note's text, in a journal
    # without templates of its own (one of those may show the text elsewhere too).
    frames: dict[str, tuple[str, Frame]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(problem.severity == "error" for problem in self.problems)


@dataclass(frozen=True)
class _Job:
    """One site's render, as forked workers find it in memory."""

    todo: list[Page]
    make: PageMaker


def render_site(site: Derived, themes: list[Path], sink: Sink | None = None, *,
                env: jinja2.Environment | None = None, reuse: Reuse | None = None,
                progress: Progress | None = None, workers: bool = True,
                repo_folder: str = "") -> Rendered:
    """Render every page and make the other files, keyed by output path, into `sink` (or
    into the result's `files`). `env` is an environment over `themes` kept from an earlier
    render; `progress` is told every hundred pages how far the render is; `workers=False`
    keeps the render in this process; `repo_folder` is the journal's folder in its git
    repository (`Loaded.repo_folder`), for the links to its host's editor."""
    own = frozenset(own_templates(themes))
    env = env if env is not None else environment(themes)
    result = Rendered()
    emit = _emitter(sink, result.files)
    renderer = _PageRenderer(site, env, themes, sink, own)
    make: PageMaker = renderer
    if reuse is not None:
        make = reuse.pages(renderer, site, own, renderer.unsunk())
    todo = list(pages(site, repo_folder))
    total = len(todo)

    def take(page: Page, outcome: Outcome) -> None:
        result.problems.extend(outcome.problems)
        result.outcomes[page.path] = outcome
        if outcome.kept:
            if sink is not None:
                sink.kept(page.path)
        elif not outcome.failed:
            emit(page.path, outcome.receipt, sink is not None)
        note = page.note
        if outcome.frame is not None and not own and note is not None:
            result.frames[note.source.path] = (page.path, outcome.frame)

    def others() -> None:
        made = reuse.data(site) if reuse is not None else data_files(site)
        made = {**home_screen_files(site.journal.config.title), **made}
        for path, data in _other_files(made, themes, result.problems).items():
            emit(path, data, False)

    if workers and parallel.worth_it(total):
        _render_in_parallel(_Job(todo, make), env, take, progress, others)
    else:
        _render_serially(_Job(todo, make), take, result, progress)
        others()
    if progress is not None:
        progress(total, total)
    return result


def _emitter(sink: Sink | None, files: dict[str, bytes]) -> Callable[[str, Any, bool], None]:
    """Take one file made here, or (`sunk`) the receipt of one a worker wrote."""

    def emit(path: str, data: Any, sunk: bool) -> None:
        if sink is None:
            files[path] = data
        else:
            sink.took(path, data if sunk else sink.write(path, data))

    return emit


def _render_serially(job: _Job, take: Callable[[Page, Outcome], None], result: Rendered,
                     progress: Progress | None) -> None:
    for done, page in enumerate(job.todo):
        if progress is not None and done % 100 == 0:
            progress(done, len(job.todo))
        outcome = job.make(page)
        take(page, outcome)
        if outcome.failed and sum(p.severity == "error" for p in result.problems) >= MAX_ERRORS:
            break


def _render_in_parallel(job: _Job, env: jinja2.Environment,
                        take: Callable[[Page, Outcome], None], progress: Progress | None,
                        meanwhile: Callable[[], None]) -> None:
    """Render (and write) the pages in forked workers (see parallel.py), while this
    process runs `meanwhile` and then takes what the workers send back."""
    for name in {page.template for page in job.todo}:  # compiled once, before the fork
        env.get_template(name)
    for name in SHARED_TEMPLATES:  # and what they extend and import
        with contextlib.suppress(jinja2.TemplateNotFound):
            env.get_template(name)
    done = 0
    with parallel.fork_map(_render_chunk, job, len(job.todo)) as chunks:
        meanwhile()
        for outcomes in chunks:
            for index, outcome in outcomes:
                take(job.todo[index], outcome)
            done += len(outcomes)
            if progress is not None:
                progress(done, len(job.todo))


def _render_chunk(job: _Job, start: int, stop: int) -> list[tuple[int, Outcome]]:
    """What became of pages `start` to `stop`, in a worker."""
    return [(index, job.make(job.todo[index])) for index in range(start, stop)]


class _PageRenderer:
    """Renders one page of `site` and hands its bytes to the sink: the plain `PageMaker`.

    A page whose template is the journal's own (or all of them, when the journal has its
    own `base.html` or `_macros.html`) gets the whole model besides its context."""

    def __init__(self, site: Derived, env: jinja2.Environment, themes: list[Path],
                 sink: Sink | None, own: frozenset[str]) -> None:
        self.site, self.env, self.themes, self.sink = site, env, themes, sink
        self.md = make_markdown(site.journal.config.allow_html)
        self.own = own
        self.everything = bool(own & SHARED_TEMPLATES)
        self.model = whole_model(site) if own else {}

    def unsunk(self) -> _PageRenderer:
        """The same renderer, giving a page's bytes as a render from nothing makes them
        (the rows the environment keeps are made again) instead of writing them."""
        plain = copy.copy(self)
        plain.sink = None
        return plain

    def __call__(self, page: Page) -> Outcome:
        if self.everything or page.template in self.own:
            page = replace(page, context={**page.context, **self.model})
        with contextlib.nullcontext() if self.sink is not None else rows_made_again(self.env):
            html, problems, frame = render_page(page, self.env, self.md, self.themes)
        if html is None:
            return Outcome(None, tuple(problems), None, failed=True)
        receipt = html if self.sink is None else self.sink.write(page.path, html)
        return Outcome(receipt, tuple(problems), frame)


# The files made of a piece per record (exchange/pieces.py), by name.
PIECED = (INDEX, JSON_EXPORT, REFERRALS_CSV)


def data_files(site: Derived, events: EventMemo | None = None,
               pieces: Mapping[str, PieceMemo] | None = None) -> dict[str, bytes]:
    """The search index, review.csv and the exports. With the memos of an earlier build,
    calendar events, and the pieces of unchanged records (in the files named in PIECED),
    are not made again."""
    journal = site.journal
    pieces = pieces or {}
    files = search_files(site, pieces.get(INDEX))
    files[REVIEW_CSV] = review_csv(site.review, {slug: c.name for slug, c
                                                 in journal.contacts.items()})
    files[FEED] = ics_bytes(site, events)
    files[JSON_EXPORT] = json_bytes(site, pieces.get(JSON_EXPORT))
    files[REFERRALS_CSV] = referrals_csv(site, pieces.get(REFERRALS_CSV))
    for name, make in SITE_EXPORTS.items():
        if name not in files:
            files[name] = make(site)
    return files


def _other_files(made: Mapping[str, bytes], themes: list[Path], problems: list[Problem]
                 ) -> dict[str, bytes]:
    """The files that are not pages: private files, data files and the home screen's
    (`made`) and the theme's static files (the theme's problems are added to `problems`)."""
    files = dict(PRIVATE_FILES)
    files.update(made)
    for theme in reversed(themes):  # later (more specific) themes overwrite earlier ones
        problems += walk(theme.parent, f"{theme.name}/templates").problems
        listing = walk(theme.parent, f"{theme.name}/static")
        problems += listing.problems
        for rel in listing.files:
            source = theme.parent / rel
            try:
                data = source.read_bytes()
            except OSError as exc:
                problems.append(error(rel, None, f"cannot read file: {exc.strerror or exc}"))
                continue
            files[f"{ASSETS}/{source.relative_to(theme / 'static').as_posix()}"] = data
    return files


# Where a note's text goes in its page: rendered in its place first, so that the page can
# later be made again around a new text, byte for byte (see incremental/quick.py).
_TEXT = "\x00refjournal-note-text\x00"


def render_page(page: Page, env: jinja2.Environment, md: Any, themes: list[Path]
                ) -> tuple[bytes | None, list[Problem], Frame | None]:
    """One page's bytes (None when its template failed), the problems it met, and where
    the note's text sits in it (None if the page has no text or shows it twice)."""
    problems: list[Problem] = []
    root = "../" * page.path.count("/")
    context = dict(page.context, root=root)
    body_html = None
    if "body" in context:
        try:
            body_html = render_markdown(md, context["body"], root, context["links"])
        except TooDeep:
            note = context.get("contact") or context["meeting"]
            problems.append(warning(note.source.path, note.body_line, "the body is nested "
                                    "too deeply to read as Markdown; it is shown as plain "
                                    "text"))
            body_html = Markup('<pre class="plain-body">{}</pre>').format(context["body"])
        context["body_html"] = Markup(_TEXT)
    try:
        html = env.get_template(page.template).render(context)
    except Exception as exc:  # noqa: BLE001 - a user's template may raise anything
        problems.append(_template_problem(exc, page, themes))
        return None, problems, None
    if body_html is None:
        return html.encode("utf-8"), problems, None
    before, found, after = html.partition(_TEXT)
    if not found:
        return html.encode("utf-8"), problems, None
    if _TEXT in after:  # shown twice: no frame
        return html.replace(_TEXT, body_html).encode("utf-8"), problems, None
    head, tail = before.encode("utf-8"), after.encode("utf-8")
    return head + body_html.encode("utf-8") + tail, problems, (len(head), len(tail))


def _template_problem(exc: Exception, page: Page, themes: list[Path]) -> Problem:
    """Say which theme file broke, and where, instead of a traceback."""
    name = getattr(exc, "filename", None) or page.template
    line = getattr(exc, "lineno", None)
    if line is None:  # a runtime error: Jinja2 maps template frames to template lines
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if frame.f_code.co_filename.endswith(".html"):
                name, line = frame.f_code.co_filename, lineno
    path = Path(name)
    if not path.is_absolute():
        path = next((t / "templates" / name for t in themes
                     if (t / "templates" / name).is_file()), path)
    if themes[0].name == USER_THEME and path.is_relative_to(themes[0]):
        path = path.relative_to(themes[0].parent)  # journal-relative, like every other problem
    message = getattr(exc, "message", None) or str(exc)
    return error(path.as_posix(), line, f"theme template failed while rendering {page.path}: "
                 f"{message}")

