"""The incremental engine: one way to know what changed since the last build, used by
`build`, `serve` and `deploy` alike.

An `Engine` holds what outlives a build: the parse cache (on disk for a command, in
memory for serve) with the record of each site built, and for a resident process the
memos that only make sense in one process. For each build, `begin` gives a `Past`: the
build asks it for the quick way (rebuild.py), a source of notes for `load`, a `Reuse` for
the render stage and a writer, and tells it at the end what was made. The stages
themselves know nothing of this.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..journal.load import FromDisk, Loaded, NoteSource
from ..journal.repository import folder_in_repository
from ..problems import Problem
from ..site.theme import theme_dirs, theme_files
from ..site.write import MARKER, marker, recover, stat_key
from . import rebuild
from .cache import ParseCache
from .notes import LinkedBefore
from .record import Memory, NoteState, Record

VERIFY = "REFJOURNAL_VERIFY"  # set (to anything) in the environment: the verify mode

if TYPE_CHECKING:
    import jinja2

    from ..insights.suggest import Memo as SuggestMemo
    from ..site.render import Rendered
    from .notes import CachedNotes
    from .reuse import DataMemo, Reuser
    from .writers import FreshSite, InPlace, Written


@dataclass
class Resident:
    """What a process that builds again and again (serve) keeps between builds, besides
    its cache: linked meetings, the suggestions, the data files, the digests of records,
    the compiled templates."""

    links: LinkedBefore = field(default_factory=LinkedBefore)
    suggestions: SuggestMemo | None = None  # made by the first build that derives
    data: DataMemo | None = None
    digests: dict[int, tuple[object, bytes]] = field(default_factory=dict)
    env: jinja2.Environment | None = None
    env_key: tuple[Any, ...] = ()


class Engine:
    """What outlives one build. Without a cache, every build starts afresh."""

    def __init__(self, cache: ParseCache | None, *, resident: bool = False,
                 records: bool = True, verify: bool | None = None) -> None:
        self.cache = cache
        self.records = records  # keep the record of each site built
        self.resident = Resident() if resident else None
        self._verify = verify

    @property
    def verify(self) -> bool:
        """The verify mode (on in the test suite: `REFJOURNAL_VERIFY` set): every page kept
        or spliced in is rendered again, and must be the bytes a full render makes."""
        return self._verify if self._verify is not None else bool(os.environ.get(VERIFY))

    @classmethod
    def in_memory(cls, root: Path) -> Engine:
        """For serve: the cache and the record of its site live in this process."""
        return cls(ParseCache(None, root), resident=True)

    def begin(self, root: Path, out: Path, today: dt.date, strict_mode: bool) -> Past:
        """What this build can take from the last one, looked at before anything is read."""
        cache = self.cache
        if cache is None:
            return Past(self, root, out, today)
        cache.renew()
        recover(out)  # what a killed build left beside it, as writing would do first
        scan = rebuild.scan(root)
        themes = theme_files(theme_dirs(root))
        settings = rebuild.settings_digest(cache.stamp, today.isoformat(), strict_mode, themes,
                                           folder_in_repository(root))
        return Past(self, root, out, today, rebuild.usable(cache.site(out), out), scan,
                    settings, themes)

    def forget(self, out: Path, paths: Iterable[str]) -> None:
        """Read these notes again next time, even if their file state looks the same (a
        file watcher saw them change)."""
        record = self.cache.site(out) if self.cache is not None else None
        if not isinstance(record, Record):
            return
        notes = dict(record.notes)
        for path in paths:
            if path in notes:
                notes[path] = notes[path]._replace(stat=rebuild.UNSETTLED)
        self.cache.built(out, replace(record, notes=notes))  # type: ignore[union-attr]


@dataclass
class Past:
    """One build's view of the last: the record of the site in `out` (None: build it
    whole), and the scan and settings it is compared with."""

    engine: Engine
    root: Path
    out: Path
    today: dt.date
    record: Record | None = None
    scan: rebuild.Scan | None = None
    settings: bytes | None = None
    # The theme's files as the build began, in its settings and in every page's stamp.
    theme_files: tuple[Any, ...] = ()
    reuser: Reuser | None = None
    source: CachedNotes | None = None  # where `load` got the notes from

    @property
    def resident(self) -> Resident | None:
        return self.engine.resident

    @property
    def owned(self) -> bool:
        """Whether the output folder is this process's alone (serve's temporary folder):
        then its files are as the record says, without a look at each."""
        return self.engine.resident is not None

    def quick(self) -> rebuild.Quick | None:
        """Put edited note texts into their pages, when that is all that changed (or note
        that nothing did); None when the build must go the whole way."""
        cache = self.engine.cache
        if self.record is None or self.scan is None or self.settings is None or cache is None:
            return None
        restored = self.record is not cache.site(self.out)  # its files' states just taken
        done = rebuild.quick(self.root, self.out, self.record, self.settings, self.scan,
                             check_site=not self.owned and not restored)
        if done is not None and done.record is not None:
            cache.built(self.out, done.record)
        elif done is not None and restored:
            cache.built(self.out, self.record)  # a site restored: its files' new states
        if done is not None and self.engine.verify:
            self._check_spliced(done.written)
        return done

    def _check_spliced(self, written: Iterable[str]) -> None:
        """The verify mode's look at the pages the quick way wrote: each must be what a
        full render makes."""
        from ..insights.derive import derive
        from ..journal.load import load
        from ..site.offline import digests_of, worker_files
        from ..site.render import render_site
        from .reuse import Stale

        loaded = load(self.root)
        rendered = render_site(derive(loaded.journal, self.today), theme_dirs(self.root),
                               repo_folder=loaded.repo_folder)
        files = rendered.files
        files.update(worker_files(loaded.journal.config, digests_of(files)))
        for path in written:
            if path != MARKER and files.get(path) != (self.out / path).read_bytes():
                raise Stale(f"{path} had a note's new text spliced in, but a render makes "
                            "other bytes")

    def notes(self) -> NoteSource:
        """Where `load` gets the notes from."""
        cache = self.engine.cache
        if cache is None:
            return FromDisk()
        from .notes import CachedNotes

        resident = self.resident
        self.source = CachedNotes(cache, found=self.scan.found if self.scan is not None
                                  else None,
                                  unchanged=rebuild.unchanged(self.record, self.scan),
                                  links=resident.links if resident is not None else None,
                                  workers=resident is None)
        return self.source

    @property
    def suggestions(self) -> SuggestMemo | None:
        """The memo `derive` keeps the suggestions in: a resident process's."""
        resident = self.resident
        if resident is None:
            return None
        if resident.suggestions is None:
            from ..insights.suggest import Memo

            resident.suggestions = Memo()
        return resident.suggestions

    @property
    def workers(self) -> bool:
        """Whether the render may fork workers: not in a resident process, whose other
        threads (the server's, the watcher's) a fork would not take along."""
        return self.resident is None

    def environment(self, themes: list[Path]) -> jinja2.Environment | None:
        """The Jinja environment of this build: with the cache, its templates compiled
        once for all processes; a resident process keeps it, renewed when a theme file
        changes. None: the render makes its own."""
        cache = self.engine.cache
        compiled = cache.templates() if cache is not None else None
        resident = self.resident
        if resident is None and compiled is None:
            return None
        from ..site.templates import environment

        if resident is None:
            return environment(themes, compiled)
        key = (list(themes), self.theme_files)
        from ..site.rows import keep_rows, turn_rows

        if resident.env is None or resident.env_key != key:
            resident.env, resident.env_key = environment(themes, compiled), key
            keep_rows(resident.env)
        turn_rows(resident.env)  # once a build: what the last one made is to be reused
        return resident.env

    def reuse(self, themes: list[Path]) -> Reuser | None:
        """What the render may keep of the last build's pages (None without a cache, or
        when no record is kept: no page could be kept next time)."""
        if self.engine.cache is None or not self.engine.records:
            return None
        from .reuse import DataMemo, Reuser

        resident = self.resident
        if resident is not None and resident.data is None:
            resident.data = DataMemo()
        self.reuser = Reuser(self._intact_memory(), self.theme_files,
                             data=resident.data if resident is not None else None,
                             digests=resident.digests if resident is not None else None,
                             verify=self.out if self.engine.verify else None,
                             notes=self.source)
        return self.reuser

    def _intact_memory(self) -> Memory:
        """The last build's memory of its pages, without those whose files changed since
        (by hand): they are rendered again."""
        record, cache = self.record, self.engine.cache
        if record is None or cache is None:
            return Memory()
        memory = cache.memory(self.out, record)
        files, out, spliced = record.files, self.out, record.spliced
        pages = {path: known for path, known in memory.pages.items()
                 if path in files and path not in spliced
                 and (self.owned or stat_key(out / path) == files[path].stat)}
        return replace(memory, pages=pages)

    def writer(self) -> AbstractContextManager[FreshSite | InPlace]:
        """Where the files go: in place, into the site the record knows, or a new site."""
        from .writers import fresh_site, in_place

        if self.record is not None:
            return in_place(self.out, self.record.files, owned=self.owned)
        return fresh_site(self.out, parents=self.resident is None)

    def remember(self, loaded: Loaded, rendered: Rendered, written: Written,
                 problems: list[Problem]) -> None:
        """Keep the record of the site just written (none for a build that read settings
        midway, or whose notes changed meanwhile)."""
        cache = self.engine.cache
        if cache is None or not self.engine.records:
            return
        record = None
        if self.scan is not None and self.settings is not None and self.reuser is not None \
                and not cache.config_changed():
            record = _record(self, loaded, rendered, written, problems)
        cache.built(self.out, record)
        if self.resident is not None:
            self.resident.digests = self.reuser.digests if self.reuser is not None else {}

    def keep_notes(self) -> None:
        """As soon as the journal is read: keep the notes it parsed, written by a forked
        process meanwhile where that is the way (a command's build: not a resident one,
        whose other threads a fork would not take along)."""
        if self.engine.cache is not None:
            self.engine.cache.save(meanwhile=self.workers)

    def end(self) -> None:
        """After a build that read the journal: its notes kept (a save after `keep_notes`
        finds nothing left to write), and written."""
        if self.engine.cache is not None:
            self.engine.cache.save()
            self.engine.cache.wait()


def _record(past: Past, loaded: Loaded, rendered: Rendered, written: Written,
            problems: list[Problem]) -> Record | None:
    """The record of a plain build just written (None if a note changed meanwhile)."""
    cache, scan, reuser = past.engine.cache, past.scan, past.reuser
    assert cache is not None and scan is not None and reuser is not None
    assert past.settings is not None
    named = {problem.path for problem in problems}
    before = past.record.notes if past.record is not None else {}
    notes = {}
    gists = {m.source.path: m.gist for m in loaded.journal.meetings if m.gist}
    for rel in scan.stats:
        used = cache.used.get(rel)
        if used is None or rel not in loaded.heads:
            return None
        known = before.get(rel)  # the same bytes have the same front matter and gist
        head = (known.head if known is not None and known.digest == used.digest
                else rebuild.head_digest(loaded.heads[rel], gists.get(rel, "")))
        notes[rel] = NoteState(scan.settled(rel), used.digest, head, rel not in named)
    site_marker = marker(past.out)
    if site_marker is None:
        return None
    return Record(
        settings=past.settings, listing=scan.listing, marker=site_marker, notes=notes,
        frames=rendered.frames, files=written.files, problems=tuple(problems),
        ref_index=dict(loaded.journal.ref_index),
        allow_html=loaded.journal.config.allow_html, pages=written.pages,
        memory=reuser.remember(rendered))
