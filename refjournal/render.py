"""Render stage: derived figures in, the site's files out (as bytes in memory, not yet written).

Templates come from the journal's own `theme/` folder first, then the default theme, so a
user can restyle by shadowing one file by name. Every link is relative to its page.
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import os
import pickle
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from . import __version__, parallel
from .charts import gave_got_chart, goal_chart, graph_chart, weeks_chart
from .derive import Derived
from .due import KIND_NAMES, STATES, DueItem
from .export_json import json_bytes
from .exports import FEED, JSON_EXPORT, SITE_EXPORTS
from .feed import ics_bytes
from .markdown import TooDeep, make_markdown, render_markdown
from .model import Contact, Exchange, FollowUp, Meeting
from .problems import Problem, error, warning
from .read import inside, walk
from .rebuild import Frame, Known, Memory
from .rows import (
    anchor,
    contact_links,
    exchange_rows,
    heat_dots,
    meeting_link,
    meeting_rows,
    money,
    short_date,
)
from .search import search_files
from .slug import slugify
from .spreadsheet import review_csv
from .theme import USER_THEME, theme_files

ASSETS = "assets"
REVIEW_CSV = "review.csv"


@dataclass(frozen=True)
class Page:
    path: str  # output path, e.g. `contacts/ada/index.html`
    template: str
    context: Mapping[str, Any]
    # What the page shows beyond what every page shows (see `_stamp`): when these are equal
    # to the last render's, so are its bytes. None: rendered every time.
    deps: tuple[Any, ...] | None = None


# Keep search engines out, wherever the site is published: every page says `noindex`, and
# crawlers must be allowed to fetch the pages to see that (a robots.txt that disallowed
# them would leave the bare addresses listable). Hosts that read `_headers` (Netlify,
# Cloudflare Pages) add the same as a header, to every file.
PRIVATE_FILES = {
    "robots.txt": b"# A private journal: every page carries noindex, so crawlers may fetch pages\n"
                  b"# only to learn that they must not be indexed.\nUser-agent: *\nAllow: /\n",
    "_headers": b"/*\n  X-Robots-Tag: noindex, nofollow, noarchive\n",
}


@dataclass
class RenderCache:
    """What one render leaves for the next, in a build Session: the pages rendered, by path,
    as (deps, bytes, warnings), the stamp they share, and the Jinja environment with its
    compiled templates."""

    pages: dict[str, tuple[tuple[Any, ...], bytes, tuple[Problem, ...], Frame | None]] = field(
        default_factory=dict)
    stamp: tuple[Any, ...] = ()  # the site-wide stamp the pages were rendered with
    env: jinja2.Environment | None = None
    themes: list[Path] = field(default_factory=list)
    theme_files: tuple[Any, ...] = ()
    last_rendered: int = 0  # pages the last render did render (the rest came from `pages`)
    data_key: tuple[Any, ...] = ()  # the records and day the data files were made from
    data_files: dict[str, bytes] = field(default_factory=dict)
    events: dict[tuple[Any, ...], bytes] = field(default_factory=dict)  # of the calendar
    json_parts: dict[int, tuple[object, str]] = field(default_factory=dict)  # journal.json


Progress = Callable[[int, int], None]  # (pages done, pages in all)


@dataclass(frozen=True)
class Sink:
    """Where files go as soon as they are made, instead of being returned (so that writing
    overlaps rendering, and the files are not all held in memory at once).

    `write(path, data)` is called where the file was made: in a worker process, when the
    pages are rendered in parallel, so that the workers write too. What it returns (small,
    and picklable) is handed to `took(path, receipt)` in this process, file by file in
    order."""

    write: Callable[[str, bytes], Any]
    took: Callable[[str, Any], None]
    kept: Callable[[str], None] = lambda path: None  # a page left as the last build made it


# Note path -> (page path, frame), for the pages that show a note's text, in a journal
# without templates of its own.
Frames = dict[str, tuple[str, Frame]]


def render_site(site: Derived, themes: list[Path], cache: RenderCache | None = None,
                progress: Progress | None = None, sink: Sink | None = None,
                frames: Frames | None = None, memory: Memory | None = None
                ) -> tuple[dict[str, bytes], list[Problem]]:
    """Render every page and collect the theme's static files, keyed by output path.

    With the `cache` of the last render, a page whose `deps` and the site-wide stamp did
    not change is taken from it instead of rendered again; the cache is updated in place.
    `progress` is told every hundred pages how far the render is. A `sink`, when given, is
    handed each file as soon as it is made instead of returning it. `frames`, when given,
    is filled with where each note's text sits in its page. With the `memory` of the last
    build (and a sink), a page that would be the same is left to the sink as it is.
    """
    of_themes = theme_files(themes) if cache is not None or memory is not None else ()
    if cache is not None and cache.theme_files != of_themes:
        cache.env, cache.theme_files = None, of_themes  # a template added: compile afresh
    env = _environment(site, themes, cache)
    md = make_markdown(site.journal.config.allow_html)
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    # With any template of its own, a journal may show a note's text on other pages too:
    # no frames, so that an edited text is never put into its own page alone.
    own = _own_templates(themes)
    framed = frames is not None and not own
    keyer = (_Keyer(_stamp(site, of_themes), own)  # a page kept must be in the sink already
             if memory is not None and sink is not None
             and not own & {"base.html", "_macros.html"} else None)

    def emit(path: str, data: Any, sunk: bool = False) -> None:
        """Take one file made here, or (`sunk`) the receipt of one a worker wrote."""
        if sink is not None:
            sink.took(path, data if sunk else sink.write(path, data))
        else:
            files[path] = data

    def others() -> None:
        for path, data in _other_files(site, themes, cache, problems, memory).items():
            emit(path, data)

    made: dict[str, Known] = {}  # what the memory will hold
    before = (memory.pages if memory is not None and keyer is not None
              and memory.stamp == keyer.stamp else {})

    def take(page: Page, result: Result) -> None:
        """Take what became of a page: made (and written, with a sink), or kept."""
        output, page_problems, frame, key, kept = result
        problems.extend(page_problems)  # a kept page's warnings, as a render would give
        if kept:
            if sink is not None:
                sink.kept(page.path)
        elif output is not None:
            emit(page.path, output, sunk=sink is not None)
        else:
            return  # its template failed
        if framed and frames is not None and frame is not None:
            note = page.context.get("contact") or page.context["meeting"]
            frames[note.source.path] = (page.path, frame)
        if key is not None:
            made[page.path] = (key, tuple(page_problems), frame)

    total = page_count(site)
    if cache is None and parallel.worth_it(total):
        _render_in_parallel(site, env, md, themes, keyer, before, sink, take, progress, others)
    else:
        _render_serially(site, env, md, themes, keyer, before, sink, take, problems, progress,
                         cache)
        others()
    if progress is not None:
        progress(total, total)
    if memory is not None:
        memory.pages, memory.stamp = made, keyer.stamp if keyer is not None else b""
    if cache is None:  # the environment was this render's alone
        # Its templates and it form a cycle, which would keep the whole model (in its
        # globals) until a full collection: 0.3 s at the exit of a build of 11,000 notes.
        env.globals.clear()
    return files, problems


# What became of a page: its bytes (or what the sink's `write` gave for them; None when
# its template failed), its problems, its frame, its key (if it has one), and whether it
# was kept as the last build made it (then not rendered, and the rest is remembered).
Result = tuple[Any, list[Problem], "Frame | None", "bytes | None", bool]


def _make(page: Page, site: Derived, env: jinja2.Environment, md: Any, themes: list[Path],
          keyer: _Keyer | None, before: Mapping[str, Known], sink: Sink | None) -> Result:
    """Key a page and, unless the last build made it the same, render and write it."""
    key = keyer.key(page) if keyer is not None and keyer.keyable(page) else None
    known = before.get(page.path) if key is not None else None
    if known is not None and known[0] == key:
        return None, list(known[1]), known[2], key, True
    html, page_problems, frame = _render_page(page, site, env, md, themes)
    output = html if sink is None or html is None else sink.write(page.path, html)
    return output, page_problems, frame, key, False


def _render_serially(site: Derived, env: jinja2.Environment, md: Any, themes: list[Path],
                     keyer: _Keyer | None, before: Mapping[str, Known], sink: Sink | None,
                     take: Callable[[Page, Result], None], problems: list[Problem],
                     progress: Progress | None,
                     cache: RenderCache | None) -> None:
    memo = cache.pages if cache is not None and sink is None else None
    if cache is not None:
        stamp = _stamp(site, cache.theme_files)
        if stamp != cache.stamp:  # compared once here, not once per page
            memo = {}
            cache.stamp = stamp
    # A page's `deps` say what the default theme's template shows; a journal's own template
    # may show anything, so its pages are rendered every time (and all pages, when it has
    # its own base or macros).
    own = _own_templates(themes)
    if own & {"base.html", "_macros.html"}:
        memo = None
    kept: dict[str, tuple[tuple[Any, ...], bytes, tuple[Problem, ...], Frame | None]] = {}
    count = 0
    total = page_count(site)
    for done, page in enumerate(pages(site)):
        if progress is not None and done % 100 == 0:
            progress(done, total)
        if memo is not None and page.deps is not None and page.template not in own:
            known = memo.get(page.path)
            if known is not None and known[0] == page.deps:  # its bytes, warnings, frame
                take(page, (kept.setdefault(page.path, known)[1], list(known[2]), known[3],
                            None, False))
                continue
        result = _make(page, site, env, md, themes, keyer, before, sink)
        take(page, result)
        output, page_problems, frame, _, was_kept = result
        if was_kept:
            continue
        if output is None:
            if sum(p.severity == "error" for p in problems) >= 20:
                break
            continue
        count += 1
        if memo is not None and page.deps is not None and page.template not in own:
            kept[page.path] = (page.deps, output, tuple(page_problems), frame)
    if cache is not None:
        cache.pages = kept
        cache.last_rendered = count


def _other_files(site: Derived, themes: list[Path], cache: RenderCache | None,
                 problems: list[Problem], memory: Memory | None) -> dict[str, bytes]:
    """The files that are not pages: private files, data files and the theme's static
    files (the theme's problems are added to `problems`)."""
    files = dict(PRIVATE_FILES)
    files.update(_data_files(site, cache, memory))
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
# later be made again around a new text, byte for byte (see rebuild.py).
_TEXT = "\x00refjournal-note-text\x00"


def _render_page(page: Page, site: Derived, env: jinja2.Environment, md: Any,
                 themes: list[Path]) -> tuple[bytes | None, list[Problem], Frame | None]:
    """One page's bytes (None when its template failed), the problems it met, and where
    the note's text sits in it (None if the page has no text or shows it twice)."""
    problems: list[Problem] = []
    root = "../" * page.path.count("/")
    context = dict(page.context, root=root)
    body_html = None
    if "body" in context:
        try:
            body_html = render_markdown(md, context["body"], root, site.journal.ref_index)
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


def _render_in_parallel(site: Derived, env: jinja2.Environment, md: Any,
                        themes: list[Path], keyer: _Keyer | None, before: Mapping[str, Known],
                        sink: Sink | None, take: Callable[[Page, Result], None],
                        progress: Progress | None, meanwhile: Callable[[], None]) -> None:
    """Key, render and write the pages in forked workers (see parallel.py), while this
    process runs `meanwhile` and then takes what the workers send back."""
    todo = list(pages(site))
    for name in {page.template for page in todo}:  # compiled once, before the fork
        env.get_template(name)
    done = 0
    shared = (todo, site, env, md, themes, keyer, before, sink)
    with parallel.fork_map(_render_chunk, shared, len(todo)) as chunks:
        meanwhile()
        for results in chunks:
            for index, result in results:
                take(todo[index], result)
            done += len(results)
            if progress is not None:
                progress(done, len(todo))


def _render_chunk(shared: tuple[list[Page], Derived, jinja2.Environment, Any, list[Path],
                                _Keyer | None, Mapping[str, Known], Sink | None],
                  start: int, stop: int) -> list[tuple[int, Result]]:
    """What became of pages `start` to `stop`, in a worker."""
    todo, site, env, md, themes, keyer, before, sink = shared
    return [(index, _make(todo[index], site, env, md, themes, keyer, before, sink))
            for index in range(start, stop)]


def _data_files(site: Derived, cache: RenderCache | None, memory: Memory | None = None
                ) -> dict[str, bytes]:
    """The search index, review.csv and the exports. With a cache, they are made again
    only when a record or the day changed, not for an edit of a note's text. With a cache
    or a build's memory, only the calendar's changed events are made again."""
    journal = site.journal
    key = (site.today, journal.config, tuple(journal.contacts.values()), journal.meetings,
           site.items)  # the items carry the lines they point at
    if cache is not None and cache.data_key == key:
        return cache.data_files
    files = search_files(site)
    files[REVIEW_CSV] = review_csv(site.review, {slug: c.name for slug, c
                                                 in journal.contacts.items()})
    files[FEED] = ics_bytes(site, cache.events if cache is not None
                            else memory.events if memory is not None else None)
    files[JSON_EXPORT] = json_bytes(site, cache.json_parts if cache is not None else None)
    for name, make in SITE_EXPORTS.items():
        if name not in files:
            files[name] = make(site)
    if cache is not None:
        cache.data_key, cache.data_files = key, files
    return files


def page_count(site: Derived) -> int:
    """How many pages `pages` yields: one per contact, meeting and tag, and the index pages."""
    return (len(site.journal.contacts) + len(site.journal.meetings) + len(site.tags)
            + sum(1 for _ in INDEX_PAGES))


INDEX_PAGES = ("index", "follow-ups", "contacts", "meetings", "referrals", "balances",
               "insights", "review", "connections", "tags")


def pages(site: Derived) -> Iterator[Page]:
    """Every page of the site, with the data its template needs and no more."""
    journal = site.journal
    # Index pages show the whole journal but no note's text: a change to the text of a note
    # (the usual edit) leaves them as they were. (Record equality leaves bodies and key
    # lines out; the due items carry the lines they point at.)
    # Every page but a meeting's shows the day (in its footer, at least), so it is in
    # their deps; a meeting's page shows only whether the meeting is still to come.
    today = site.today
    everything = (today, journal.meetings, tuple(journal.contacts.values()), site.items)
    yield Page("index.html", "index.html", {"nav": "dashboard", "week": _this_week(site)},
               deps=everything)
    yield Page("follow-ups/index.html", "follow_ups.html",
               {"nav": "follow-ups", "groups": _by_state(site)}, deps=(today, site.items))
    yield Page("contacts/index.html", "contacts.html", {"nav": "contacts"},
               deps=(today, tuple(journal.contacts.values()), site.last_contact, site.items,
                     site.balances, site.health))
    for contact in journal.contacts.values():
        slug = contact.slug
        meetings = tuple(reversed(journal.meetings_by_contact.get(slug, ())))
        exchanges = site.exchanges_by_contact.get(slug, ())
        yield Page(f"contacts/{slug}/index.html", "contact.html", {
            "nav": "contacts", "contact": contact, "body": contact.body, "meetings": meetings,
        }, deps=(today, contact, contact.body, meetings, exchanges,
                 tuple(site.meetings_by_id[e.meeting] for e in exchanges),
                 site.items_by_contact.get(slug), site.balances.get(slug),
                 site.introduced.get(slug), site.last_contact.get(slug),
                 journal.cadence_of(contact), site.health.get(slug)))
    yield Page("meetings/index.html", "meetings.html",
               {"nav": "meetings", "months": _by_month(journal.meetings)}, deps=everything)
    for meeting in journal.meetings:
        yield Page(f"meetings/{meeting.id}/index.html", "meeting.html",
                   {"nav": "meetings", "meeting": meeting, "body": meeting.body},
                   deps=(meeting.date > today, meeting, meeting.body))
    yield Page("referrals/index.html", "referrals.html", {
        "nav": "referrals",
        "exchanges": sorted(journal.exchanges, key=lambda e: (e.date or site.today, e.meeting),
                            reverse=True),
    }, deps=everything)
    yield Page("balances/index.html", "balances.html", {"nav": "balances"},
               deps=(today, site.balances, site.totals))
    yield Page("insights/index.html", "insights.html", {"nav": "insights"},
               deps=(today, site.reciprocity, site.months, site.weeks, site.partners,
                     site.goals, tuple(journal.contacts[o.contact] for o in site.reciprocity.owed)))
    yield Page("review/index.html", "review.html", {"nav": "review"},
               deps=(today, site.review, tuple((journal.contacts[r.contact],
                                                site.health[r.contact]) for r in site.review)))
    yield Page("connections/index.html", "connections.html", {"nav": "connections"},
               deps=(today, site.introductions, tuple(c for c in journal.contacts.values()
                                                      if c.introduced_by is not None),
                     tuple(site.meetings_by_id[i.meeting] for i in site.introductions)))
    yield Page("tags/index.html", "tags.html", {"nav": "tags"}, deps=(today, site.tags))
    for tag in site.tags:
        people = tuple(journal.contacts[slug] for slug in tag.contacts)
        yield Page(f"tags/{tag.slug}/index.html", "tag.html", {"nav": "tags", "tag": tag},
                   deps=(today, tag, people, tuple(site.health[c.slug] for c in people),
                         tuple(site.balances[c.slug] for c in people),
                         tuple(site.last_contact[c.slug] for c in people),
                         tuple(site.next_due(c.slug) for c in people)))


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A theme's templates, without following a symlink out of the folder that holds the
    theme (the journal, for its own theme): such a file falls back to the default theme's,
    and the walk of the theme reports it."""

    def __init__(self, theme: Path) -> None:
        super().__init__(theme / "templates")
        self.boundary = os.path.realpath(theme.parent)

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if real == self.boundary or not inside(real, self.boundary):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate


def _stamp(site: Derived, theme_files: tuple[Any, ...]) -> tuple[Any, ...]:
    """What every page shows or depends on: the settings, every contact's slug, name and
    aliases (in links and wikilinks), and the theme's files. When it changes, every page
    is rendered again. (The day is in the deps of the pages that show it.)"""
    names = tuple((c.slug, c.name, c.aliases, c.unresolved)
                  for c in site.journal.contacts.values())
    return (site.journal.config, names, theme_files, __version__)


class _Keyer:
    """Keys of pages: digests of what a page shows, the same from one build to the next
    when what it shows is (its template, the stamp, and its deps).

    The deps are pickled without pickle's memo, which would make the bytes depend on which
    objects happen to be shared, and each contact and meeting is digested once per build
    however many pages show it. A journal's own template may show anything: its pages
    have no key."""

    def __init__(self, stamp: tuple[Any, ...], own: set[str]) -> None:
        self.own = own
        self.table = dict(copyreg.dispatch_table)
        self.table[Meeting] = self.table[Contact] = self._reduce
        # Pickled by their fields alone: what a cached_property computed (or not yet) is
        # in an object's __dict__ too, and must not make its key differ.
        self.table[Exchange] = self.table[FollowUp] = _by_fields
        self.digests: dict[int, tuple[object, bytes]] = {}  # id -> (record, digest)
        self.stamp = hashlib.sha256(self._dump(stamp)).digest()

    def keyable(self, page: Page) -> bool:
        return page.deps is not None and page.template not in self.own

    def key(self, page: Page) -> bytes:
        return hashlib.sha256(b"%s%s\0%s" % (self.stamp, page.template.encode(),
                                             self._dump(page.deps))).digest()

    def _dump(self, value: object) -> bytes:
        out = io.BytesIO()
        pickler = pickle.Pickler(out, protocol=5)
        pickler.dispatch_table = self.table
        pickler.fast = True  # no memo: the same values give the same bytes
        pickler.dump(value)
        return out.getvalue()

    def _reduce(self, record: object) -> tuple[Any, ...]:
        known = self.digests.get(id(record))
        if known is None:  # the record is kept alive with its digest: its id stays its own
            digest = hashlib.sha256(self._dump(_by_fields(record))).digest()
            known = self.digests[id(record)] = (record, digest)
        return (_digested, (known[1],))


def _digested(digest: bytes) -> None:
    """Stands for a contact or meeting in a key (see `_Keyer`); never called."""


_FIELDS: dict[type, tuple[str, ...]] = {}  # compared fields of each record class


def _by_fields(record: Any) -> tuple[Any, ...]:
    """A dataclass record as pickle is to take it for a key: its class and the fields it
    is compared by, as a serve session compares deps. (A note's text is not compared: it
    is in the deps of the two pages that show it, the note's own.)"""
    kind = type(record)
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.compare)
    return (kind, tuple(getattr(record, name) for name in names))


def _own_templates(themes: list[Path]) -> set[str]:
    """The templates a journal's own theme provides (its `theme/templates/`)."""
    if themes[0].name != USER_THEME or not (themes[0] / "templates").is_dir():
        return set()
    folder = themes[0] / "templates"
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _environment(site: Derived, themes: list[Path], cache: RenderCache | None
                 ) -> jinja2.Environment:
    """The Jinja environment for `site`: made once per cache, so that templates are compiled
    once (Jinja compiles a template again only when its file changes)."""
    if cache is not None and cache.env is not None and cache.themes == themes:
        env = cache.env
    else:
        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader([_ConfinedLoader(theme) for theme in themes]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters.update(date=_format_date, money=money, days=_days_word)
        if cache is not None:
            cache.env, cache.themes = env, list(themes)
    today = site.today
    env.globals.update(
        site=site,
        journal=site.journal,
        config=site.journal.config,
        contacts=site.journal.contacts,
        today=today,
        version=__version__,
        states=STATES,
        relative=lambda when: _relative(when, today),
        nav_links=_nav_links,
        link_contact=_link_contact,
        link_contacts=_link_contacts,
        link_meeting=_link_meeting,
        state_badge_html=_state_badge,
        kind_name=KIND_NAMES.__getitem__,
        heat_dots=heat_dots,
        balance_html=_balance_cell,
        health_html=_health,
        tag_link=_tag_link,
        goal_chart=goal_chart,
        gave_got_chart=gave_got_chart,
        weeks_chart=weeks_chart,
        graph_chart=_graph_chart,
        due_label=_due_label,
        due_rows=_due_rows,
        meeting_rows=meeting_rows,
        exchange_rows=exchange_rows,
    )
    return env


SECTIONS = (("dashboard", "Dashboard", "index.html"),
            ("follow-ups", "Follow-ups", "follow-ups/index.html"),
            ("contacts", "Contacts", "contacts/index.html"),
            ("meetings", "Meetings", "meetings/index.html"),
            ("referrals", "Referrals", "referrals/index.html"),
            ("balances", "Balances", "balances/index.html"),
            ("insights", "Insights", "insights/index.html"),
            ("review", "Review", "review/index.html"),
            ("connections", "Connector", "connections/index.html"),
            ("tags", "Tags", "tags/index.html"))


@functools.lru_cache(maxsize=256)
def _nav_links(root: str, current: str) -> Markup:
    """The links of the site's sections in every page's header, the current one marked;
    made once per depth and section, not once per page."""
    marked = ' aria-current="page"'
    return Markup("\n".join(
        f'    <a href="{escape(root)}{href}"{marked if key == current else ""}>{label}</a>'
        for key, label, href in SECTIONS))


@jinja2.pass_context
def _link_contact(context: Any, slug: str) -> Markup:
    """A link to a contact's page (what the theme's `contact_link` macro shows); in Python
    because index pages show thousands of them."""
    contact = context["contacts"][slug]
    return anchor(context["root"], slug, contact.name, contact.unresolved)


@jinja2.pass_context
def _link_contacts(context: Any, slugs: Iterable[str]) -> Markup:
    root, contacts = context["root"], context["contacts"]
    return Markup(", ").join(anchor(root, slug, contacts[slug].name, contacts[slug].unresolved)
                             for slug in slugs)


@jinja2.pass_context
def _due_rows(context: Any, items: Iterable[DueItem], show_contacts: bool = True) -> Markup:
    """The rows of a table of due items (the theme's `due_table`): the dashboard and the
    follow-ups page of a big journal show thousands."""
    root, today, contacts = context["root"], context["today"], context["contacts"]
    out = []
    for item in items:
        due = item.due.isoformat()
        with_ = (f"<td>{contact_links(root, contacts, item.contacts)}</td>" if show_contacts
                 else "")
        out.append(
            f'  <tr class="row-{escape(item.state)}">\n'
            f'    <td class="date" data-sort="{due}"><time datetime="{due}">'
            f"{_format_date(item.due)}</time><br>{_due_label(item.due, today)}</td>\n"
            f"    <td>{_state_badge(item.state, item.due)}</td>\n"
            f'    <td class="what">{escape(item.what)}<br><small class="source">'
            f"{escape(str(item.source))}</small></td>\n"
            f'{with_}    <td class="kind">{escape(KIND_NAMES[item.kind])}</td>\n'
            f"  </tr>\n")
    return Markup("".join(out))


@jinja2.pass_context
def _link_meeting(context: Any, meeting: Meeting) -> Markup:
    return meeting_link(context["root"], meeting)


def _state_badge(state: str, due: dt.date | None = None) -> Markup:
    """A state's badge; with the due date, the site's script keeps it true after the
    build day."""
    when = f' data-due="{due.isoformat()}"' if due is not None else ""
    return Markup(f'<span class="badge state-{escape(state)}"{when}>{escape(state)}</span>')


def _health(health: Any) -> Markup:
    """The traffic light with its word: colour is never the only signal. With the
    keep-in-touch date it was read from, the site's script keeps it true after the
    build day."""
    when = f' data-due="{health.due.isoformat()}"' if health.due is not None else ""
    return Markup(f'<span class="health health-{escape(health.light)}"{when} title="relationship '
                  f'health">'
                  f'<span class="light" aria-hidden="true"></span><span class="word">'
                  f'{escape(health.word)}</span></span>')


@jinja2.pass_context
def _tag_link(context: Any, name: str) -> Markup:
    slug = slugify(name)
    if not slug:
        return Markup('<span class="tag">{}</span>').format(name)
    return Markup(f'<a class="tag" href="{escape(context["root"])}tags/{escape(slug)}/'
                  f'index.html">{escape(name)}</a>')


@jinja2.pass_context
def _graph_chart(context: Any) -> Markup:
    site = context["site"]
    return graph_chart(site.graph, site.journal.contacts, context["root"])


def _due_label(due: dt.date, today: dt.date) -> Markup:
    """`3 days overdue`, `due today`, `due in 2 days`; the site's script rewrites it against
    the reader's own date, so a page read days after the build still says the truth."""
    days = (due - today).days
    if days < 0:
        text = f"{_days_word(-days)} overdue"
    elif days == 0:
        text = "due today"
    else:
        text = f"due in {_days_word(days)}"
    return Markup(f'<small class="due-label" data-due="{due.isoformat()}">{text}</small>')


def _balance_cell(value: int) -> Markup:
    kind = "pos" if value > 0 else "neg" if value < 0 else "even"
    return Markup(f'<span class="balance {kind}">{"+" if value > 0 else ""}{value}</span>')


def _format_date(value: dt.date | None, style: str = "short") -> str:
    if value is None:
        return "—"
    if style == "long":
        return f"{value:%a} {value.day} {value:%b %Y}"
    return short_date(value)


def _relative(when: dt.date | None, today: dt.date) -> str:
    if when is None:
        return ""
    days = (when - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {_days_word(days)}" if days > 0 else f"{_days_word(-days)} ago"


def _days_word(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


def _this_week(site: Derived) -> tuple[Meeting, ...]:
    """Meetings in today's ISO week (Monday to Sunday)."""
    monday = site.today - dt.timedelta(days=site.today.weekday())
    sunday = monday + dt.timedelta(days=6)
    return tuple(m for m in site.journal.meetings if monday <= m.date <= sunday)


def _by_state(site: Derived) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for item in site.items:
        groups[item.state].append(item)
    return [(state, groups[state]) for state in STATES]


def _by_month(meetings: tuple[Meeting, ...]) -> list[tuple[dt.date, list[Meeting]]]:
    months: dict[dt.date, list[Meeting]] = defaultdict(list)
    for meeting in reversed(meetings):
        months[meeting.date.replace(day=1)].append(meeting)
    return list(months.items())


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


