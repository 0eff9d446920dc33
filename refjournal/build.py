"""The pipeline, said once: read -> validate -> model -> derive -> render -> write.

`run` is one build, stage after stage; `build` runs it for a command, and a `Session` runs
it again and again for `serve`. What a build may reuse from the last one comes from the
incremental layer (incremental/engine.py), chosen once: the stages know nothing of it.
Nothing is written unless every earlier stage succeeded.

Derive, render and encrypt (with Jinja2, the exports' libraries and cryptography) are
imported when a build gets to them: a build that its record shows to be up to date, or
that only puts edited texts into their pages (incremental/rebuild.py), never loads them.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .incremental.cache import ParseCache
from .incremental.engine import Engine, Past
from .journal.load import Loaded, load
from .journal.read import CONTACTS, MEETINGS, walk
from .problems import Problem, error, has_errors, sort_key, strict
from .site.offline import digests_of, worker_files
from .site.theme import USER_THEME, theme_dirs
from .site.write import check_output, locked, write_site
from .timings import stage

if TYPE_CHECKING:
    from .site.render import Progress, Rendered


@dataclass(frozen=True)
class Built:
    problems: list[Problem]
    written: bool
    pages: int = 0
    changed: tuple[str, ...] = ()  # files written or removed in place
    up_to_date: bool = False  # the site held this very build already: nothing was written
    kept: int = 0  # pages not rendered: the record showed them to be the same
    fresh: bool = False  # a whole new site was written
    spliced: int = 0  # pages that had their note's new text put in, and no other change


@dataclass(frozen=True)
class Target:
    """What one build is asked for: which journal, into which folder, as of which day."""

    root: Path
    out: Path
    today: dt.date
    strict_mode: bool = False
    progress: Progress | None = None


def build(root: Path, out: Path, today: dt.date, *, strict_mode: bool = False,
          password: str | None = None, cache: ParseCache | None = None,
          progress: Progress | None = None, record: bool = True) -> Built:
    """Build the site of the journal at `root` into `out`, or leave `out` untouched.

    With a parse `cache`, a plain build keeps a record of what it wrote: the next one
    writes nothing when nothing changed, puts edited note texts into their pages without
    reading the rest of the journal, and otherwise renders only the pages whose data
    changed and rewrites only changed files. One build at a time works on an output
    folder, from the record it reads to the one it leaves. `record=False` keeps no record
    (of a folder that is thrown away after, such as deploy's): only parsed notes are kept.
    """
    check_output(out, root)
    target = Target(root, out, today, strict_mode, progress)
    parent = out.resolve().parent
    with locked(parent) if parent.is_dir() else nullcontext(), paused_gc():
        if password is not None:
            if cache is not None:
                cache.forget(out)  # the record is of a plain site
            return _encrypted(target, password, Engine(cache))
        return run(target, Engine(cache, records=record))


def run(target: Target, engine: Engine) -> Built:
    """One build: each stage in turn, with what the engine says may be reused."""
    with stage("record"):
        past = engine.begin(target.root, target.out, target.today, target.strict_mode)
        quick = past.quick()
    if quick is not None and past.record is not None:
        spliced = sum(1 for path in quick.written if path.endswith(".html"))
        return Built(list(past.record.problems), written=True, pages=past.record.pages,
                     changed=quick.written, up_to_date=not quick.written,
                     kept=past.record.pages - spliced, spliced=spliced)
    with stage("read"):
        loaded = load(target.root, strict_mode=target.strict_mode, source=past.notes())
    try:
        past.keep_notes()
        return _site(target, loaded, past)
    finally:
        with stage("cache"):  # the notes' writer waited for (keep_notes), or the notes written
            past.end()


def _site(target: Target, loaded: Loaded, past: Past) -> Built:
    """Derive, render and write a loaded journal."""
    if not loaded.ok:
        return Built(loaded.problems, written=False)
    from .insights.derive import derive
    from .site.render import render_site

    with stage("derive"):
        site = derive(loaded.journal, target.today, past.suggestions)
    themes = theme_dirs(target.root)
    with past.writer() as writer:
        with stage("render"):  # and the writing: files are written as they are rendered
            rendered = render_site(site, themes, writer.sink,
                                   env=past.environment(themes), reuse=past.reuse(themes),
                                   progress=target.progress, workers=past.workers,
                                   repo_folder=loaded.repo_folder)
        problems = _problems(loaded, rendered, target.strict_mode)
        if has_errors(problems):
            return Built(problems, written=False)
        # Last, the service worker: it names the build by the digests of all the others.
        for path, data in worker_files(loaded.journal.config, writer.digests).items():
            writer.sink.took(path, writer.sink.write(path, data))
        writer.commit()
    written = writer.written()
    with stage("record"):
        past.remember(loaded, rendered, written, problems)
    return Built(problems, written=True, pages=written.pages, changed=written.changed,
                 up_to_date=not written.fresh and not written.changed, kept=written.kept,
                 fresh=written.fresh)


def _encrypted(target: Target, password: str, engine: Engine) -> Built:
    """The site rendered in memory, encrypted, and written whole."""
    past = engine.begin(target.root, target.out, target.today, target.strict_mode)
    with stage("read"):
        loaded = load(target.root, strict_mode=target.strict_mode, source=past.notes())
    past.end()
    if not loaded.ok:
        return Built(loaded.problems, written=False)
    from .insights.derive import derive
    from .site.render import render_site

    with stage("derive"):
        site = derive(loaded.journal, target.today)
    with stage("render"):
        rendered = render_site(site, theme_dirs(target.root), progress=target.progress,
                               repo_folder=loaded.repo_folder)
    problems = _problems(loaded, rendered, target.strict_mode)
    if has_errors(problems):
        return Built(problems, written=False)
    own_static = walk(target.root, f"{USER_THEME}/static").files
    if own_static:  # the journal's own styles and images would go out plain
        return Built(problems + [error(own_static[0], None, "an encrypted site publishes "
                                       "theme files unencrypted, and this one is the "
                                       "journal's own; move theme/static aside to encrypt, "
                                       "or build without --encrypt")], written=False)
    from .publish.encrypt import UNLOCK_JS, encrypt_site, new_keys

    files = encrypt_site(rendered.files, new_keys(password), UNLOCK_JS,
                         offline=loaded.journal.config.offline)
    files.update(worker_files(loaded.journal.config, digests_of(files)))  # of what is sent
    write_site(target.out, files)
    return Built(problems, written=True, pages=_pages(rendered.files))


def _problems(loaded: Loaded, rendered: Rendered, strict_mode: bool) -> list[Problem]:
    """Every problem so far, in order (the render's made errors under --strict)."""
    found = strict(rendered.problems) if strict_mode else rendered.problems
    return sorted(loaded.problems + found, key=sort_key)


def check(root: Path, *, strict_mode: bool = False, cache: ParseCache | None = None
          ) -> Loaded:
    """The pipeline up to the model, without writing: what `check`, `due` and `balances`
    need. With a parse `cache`, notes whose bytes were parsed before are not parsed again."""
    from .incremental.notes import CachedNotes

    try:
        with paused_gc():  # as a build's: the notes make no cycles for it to find
            return load(root, strict_mode=strict_mode,
                        source=CachedNotes(cache) if cache is not None else None)
    finally:
        if cache is not None:
            cache.save()


class Session:
    """One journal built again and again into one folder: what `serve` runs on each edit.

    The engine is kept in memory: notes that did not change are not read again, pages
    whose data did not change are not rendered again, and only files whose bytes changed
    are written, each replaced in one step. Nothing is written while the journal has
    errors.
    """

    def __init__(self, root: Path, out: Path, today: Callable[[], dt.date], *,
                 strict_mode: bool = False) -> None:
        self.root, self.out, self.today, self.strict_mode = root, out, today, strict_mode
        self.engine = Engine.in_memory(root)
        self.frozen = False

    def build(self, changed: Iterable[str] = ()) -> Built:
        """Build again; `changed` are journal paths known to have changed (from the file
        watcher), read again even if their size and times look the same."""
        self.engine.forget(self.out, changed)
        if not (self.root / CONTACTS).is_dir() and not (self.root / MEETINGS).is_dir():
            return Built([error(".", None, f"no {CONTACTS}/ or {MEETINGS}/ folder in "
                                f"{self.root}: was the journal moved or deleted? The last "
                                "good site stays")], written=False)
        with paused_gc(frozen=self.frozen):
            built = run(Target(self.root, self.out, self.today(), self.strict_mode),
                        self.engine)
        if built.written and not self.frozen:
            # The notes kept in memory are millions of objects that live as long as the
            # session: take them out of the collector's scans, which would cost more than
            # the rebuild itself.
            gc.collect()
            gc.freeze()
            self.frozen = True
        return built


def _pages(files: Mapping[str, object]) -> int:
    return sum(1 for path in files if path.endswith(".html"))


@contextmanager
def paused_gc(*, frozen: bool = False) -> Iterator[None]:
    """Pause Python's cycle collector while a build runs.

    A build allocates hundreds of thousands of small objects and creates almost no cycles.
    Reference counting frees them anyway; the collector's scans of the growing heap cost a
    third of the build time. What cycles there are get collected afterwards, by the next
    full collection: what the build allocated is moved to the oldest generation unscanned,
    as the first scan of the youngest would take as long as a small rebuild. Unless the
    caller has `frozen` objects already (a serve session freezes its notes): unfreezing
    would release them too, so what the build allocated is left where it is. (The caller
    says so: counting the frozen objects walks them all, 0.09 s for a big journal's.)
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if not frozen:
                gc.freeze()
                gc.enable()
                gc.unfreeze()
            else:
                gc.enable()
