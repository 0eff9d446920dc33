"""The pipeline, said once: read -> validate -> model -> derive -> render -> write.

`load` is everything up to the model (what `check`, `due` and `balances` need); `build`
adds derive, render and write. Nothing is written unless every earlier stage succeeded.

Derive, render and encrypt (with Jinja2, the exports' libraries and cryptography) are
imported when a build gets to them: a build that its record shows to be up to date, or
that only puts edited texts into their pages (rebuild.py), never loads them.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import parallel, rebuild
from .cache import ParseCache
from .model import Contact, Journal, Meeting, Source
from .problems import Problem, error, has_errors, sort_key, strict, warning
from .read import (
    CONTACTS,
    MEETINGS,
    Discovered,
    discover,
    note_stem,
    parse_note,
    read_config,
    read_note,
    walk,
)
from .resolve import LinkCache, build_journal
from .slug import slugify
from .theme import USER_THEME, theme_dirs, theme_files
from .timings import stage
from .validate import UNDATED, validate_config, validate_contact, validate_meeting
from .write import (
    MARKER,
    StatKey,
    check_output,
    locked,
    marker,
    new_site,
    recover,
    stat_key,
    updating,
    write_changes,
    write_site,
)

if TYPE_CHECKING:
    from . import render
    from .render import Frames, Progress, RenderCache

UNLOCK_JS = (Path(__file__).parent / "unlock.js").read_bytes()


@dataclass(frozen=True)
class Loaded:
    journal: Journal
    problems: list[Problem]
    heads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # front matter lines

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


@dataclass(frozen=True)
class Built:
    problems: list[Problem]
    written: bool
    pages: int = 0
    changed: tuple[str, ...] = ()  # files written or removed, by a build Session
    up_to_date: bool = False  # the site held this very build already: nothing was written
    kept: int = 0  # pages not rendered: the record showed them to be the same


@dataclass(frozen=True)
class _Note:
    """One note read and validated: what `load` needs of it, kept between runs by a Memo."""

    head: tuple[str, ...]
    contact: Contact | None
    meeting: Meeting | None
    problems: tuple[Problem, ...]
    unread: bool  # a contact note that could not be read: known by its file name only


# Notes read by earlier runs, by path, with the (size, mtime, ctime, inode) they were read at.
Memo = dict[str, tuple[StatKey, _Note]]


def load(root: Path, *, strict_mode: bool = False, memo: Memo | None = None,
         links: LinkCache | None = None, cache: ParseCache | None = None,
         found: Discovered | None = None, unchanged: Mapping[str, bytes] | None = None
         ) -> Loaded:
    """Read, validate and model the journal at `root`; collect every problem on the way.

    With a `memo` (kept by the caller between runs, as `serve` does), a note whose size,
    mtime and inode are unchanged is not read again; with `links`, not linked again. With
    a parse `cache` (kept on disk between runs), a note whose bytes are unchanged is read
    but not parsed again; one in `unchanged` (path -> digest, known from the record of
    the last build not to have changed since) is not even read. `found` is what
    `discover` found, if the caller walked already.
    """
    raw_config, problems = read_config(root)
    config, config_problems = validate_config(raw_config)
    problems += config_problems
    heads: dict[str, tuple[str, ...]] = {}
    contacts: list[Contact] = []
    meetings: list[Meeting] = []
    undated: list[Meeting] = []  # left out of the journal; their refs are still checked
    if not (root / CONTACTS).is_dir() and not (root / MEETINGS).is_dir():
        problems.append(warning(".", None, f"no {CONTACTS}/ or {MEETINGS}/ folder in "
                                f"{root}: is this a journal?"))
    unread: list[str] = []  # contact notes not read: a ref may use an alias of one
    notes, non_notes, walk_problems = found if found is not None else discover(root)
    problems += walk_problems
    seen: set[str] = set()
    unchanged = unchanged or {}
    ahead = _parsed_ahead(root, notes, cache, unchanged) if memo is None else {}
    for rel, kind in notes:
        note = ahead.get(rel)
        if note is None:
            note = (_cached(root, rel, kind, cache, unchanged.get(rel)) if cache is not None
                    else _remembered(root, rel, kind, memo))
        seen.add(rel)
        problems += note.problems
        heads[rel] = note.head
        if note.unread:
            unread.append(rel)
        if note.contact is not None:
            contacts.append(note.contact)
        elif note.meeting is not None:
            (undated if note.meeting.date == UNDATED else meetings).append(note.meeting)
    if memo is not None:
        for gone in set(memo) - seen:
            del memo[gone]
    journal, model_problems = build_journal(config, contacts, meetings, undated, non_notes,
                                            unread=unread, cache=links)
    problems = _with_source_lines(problems + model_problems, heads)
    if strict_mode:
        problems = strict(problems)
    return Loaded(journal, sorted(problems, key=sort_key), heads)


def _parsed_ahead(root: Path, notes: list[tuple[str, str]], cache: ParseCache | None,
                  unchanged: Mapping[str, bytes]) -> dict[str, _Note]:
    """For a big journal, every note, read, hashed and parsed on every core where the
    cache does not know it (see parallel.py); for a small one, nothing: `load` reads note
    by note."""
    if not parallel.worth_it(len(notes)):
        return {}
    known: dict[str, _Note] = {}
    todo: list[tuple[str, str]] = []  # rel, kind
    for rel, kind in notes:
        note = cache.get(rel, unchanged[rel]) if cache is not None and rel in unchanged else None
        if isinstance(note, _Note):
            known[rel] = note
        else:
            todo.append((rel, kind))
    if not parallel.worth_it(len(todo)):
        return known  # and `load` reads the rest
    if cache is not None:
        cache.entries  # noqa: B018 - read before the fork: the workers look into it
    with parallel.fork_map(_parse_chunk, (root, todo, cache), len(todo)) as chunks:
        for chunk in chunks:
            for rel, digest, parsed in chunk:
                note = parsed if parsed is not None or cache is None else cache.get(rel, digest)
                if not isinstance(note, _Note):
                    continue  # `load` reads it again
                known[rel] = note
                if cache is not None and parsed is not None:
                    cache.put(rel, digest, note)
    return known


def _parse_chunk(shared: tuple[Path, list[tuple[str, str]], ParseCache | None],
                 start: int, stop: int) -> list[tuple[str, bytes, _Note | None]]:
    """Notes `start` to `stop`, in a worker: each one's digest and what it parses to, or
    None where the cache knows it by that digest. A note that cannot be read is left out:
    `load` reads it again, and says why it cannot."""
    root, todo, cache = shared
    done: list[tuple[str, bytes, _Note | None]] = []
    for rel, kind in todo[start:stop]:
        try:
            data = (root / rel).read_bytes()
        except OSError:
            continue
        if cache is None:
            done.append((rel, b"", _read(root, rel, kind, data)))
            continue
        digest = cache.digest(data)
        stored = cache.entries.get(rel)
        known = stored is not None and stored[0] == digest and isinstance(stored[1], _Note)
        done.append((rel, digest, None if known else _read(root, rel, kind, data)))
    return done


def _remembered(root: Path, rel: str, kind: str, memo: Memo | None) -> _Note:
    """The note at `rel`, from the memo when the file has not changed since it was read."""
    if memo is None:
        return _read(root, rel, kind)
    key = stat_key(os.path.join(root, rel))
    if key is None:
        return _read(root, rel, kind)  # and the read says why
    known = memo.get(rel)
    if known is not None and known[0] == key:
        return known[1]
    note = _read(root, rel, kind)
    memo[rel] = (key, note)
    return note


def _cached(root: Path, rel: str, kind: str, cache: ParseCache, digest: bytes | None
            ) -> _Note:
    """The note at `rel`, from the parse cache when its bytes are the ones parsed before
    (without reading it, when they are known to be those of `digest`)."""
    known = cache.get(rel, digest) if digest is not None else None
    if isinstance(known, _Note):
        return known
    try:
        data = (root / rel).read_bytes()
    except OSError:
        return _read(root, rel, kind)  # and the read says why
    digest = cache.digest(data)
    known = cache.get(rel, digest)
    if isinstance(known, _Note):
        return known
    note = _read(root, rel, kind, data)
    cache.put(rel, digest, note)
    return note


def _read(root: Path, rel: str, kind: str, data: bytes | None = None) -> _Note:
    raw, problems = (read_note(root, rel, kind) if data is None
                     else parse_note(rel, kind, data))
    if raw is None:
        stem = note_stem(rel)
        slug = slugify(stem)
        if kind == CONTACTS and slug:  # keep it known so refs to it still resolve
            stand_in = Contact(slug=slug, name=stem, source=Source(rel, 1))
            return _Note((), stand_in, None, tuple(problems), unread=True)
        return _Note((), None, None, tuple(problems), unread=False)
    if kind == CONTACTS:
        contact, note_problems = validate_contact(raw)
        return _Note(raw.head, contact, None, tuple(problems + note_problems), unread=False)
    meeting, note_problems = validate_meeting(raw)
    return _Note(raw.head, None, meeting, tuple(problems + note_problems), unread=False)


def build(root: Path, out: Path, today: dt.date, *, strict_mode: bool = False,
          password: str | None = None, cache: ParseCache | None = None,
          progress: Progress | None = None) -> Built:
    """Build the site of the journal at `root` into `out`, or leave `out` untouched.

    With a parse `cache`, a plain build keeps a record of what it wrote (rebuild.py): the
    next one writes nothing when nothing changed, puts edited note texts into their pages
    without reading the rest of the journal, and otherwise rewrites only changed files.
    One build at a time works on an output folder, from the record it reads to the one it
    leaves.
    """
    check_output(out, root)
    parent = out.resolve().parent
    with locked(parent) if parent.is_dir() else nullcontext(), paused_gc():
        return _build(root, out, today, strict_mode, password, cache, progress)


def _build(root: Path, out: Path, today: dt.date, strict_mode: bool, password: str | None,
           cache: ParseCache | None, progress: Progress | None) -> Built:
    scanned = record = settings = None
    if cache is not None and password is None:
        with stage("record"):
            recover(out)  # what a killed build left beside it, as writing would do first
            scanned = rebuild.scan(root)
            settings = rebuild.settings_digest(cache.stamp, today.isoformat(), strict_mode,
                                               theme_files(theme_dirs(root)))
            record = rebuild.usable(cache.site(out), out)
            quick = None if record is None else rebuild.quick(root, out, record, settings,
                                                              scanned)
            if record is not None and quick is not None:
                if quick.record is not None:
                    cache.built(out, quick.record)
                return Built(list(record.problems), written=True, pages=record.pages,
                             changed=quick.written, up_to_date=not quick.written)
    with stage("read"):
        loaded = load(root, strict_mode=strict_mode, cache=cache,
                      found=scanned.found if scanned is not None else None,
                      unchanged=rebuild.unchanged(record, scanned))
    try:
        memory = rebuild.Memory()
        built, frames, files = _build_site(root, out, today, loaded, strict_mode, password,
                                           record, progress, memory)
        if cache is not None and built.written:
            with stage("record"):  # none for an encrypted site, or settings read midway
                cache.built(out, None if scanned is None or settings is None
                            or cache.config_changed() else
                            _record(loaded, built, scanned, settings, frames, files, memory,
                                    out, cache))
        return built
    finally:
        if cache is not None:  # last: the pickling's memory then reuses the pages' memory
            with stage("cache"):
                cache.save()


Files = dict[str, tuple[bytes, StatKey]]  # output path -> digest of its bytes, its state


def _build_site(root: Path, out: Path, today: dt.date, loaded: Loaded, strict_mode: bool,
                password: str | None, record: rebuild.Record | None,
                progress: Progress | None, memory: rebuild.Memory
                ) -> tuple[Built, Frames, Files]:
    """Render and write; with the `record` of the site in `out`, only changed pages are
    rendered and only changed files written. Gives the outcome, where note texts sit in
    their pages, and each file's digest and state as written; leaves in `memory` what the
    next build needs to know of the pages."""
    from .render import Sink

    frames: Frames = {}
    digests: dict[str, bytes] = {}
    if not loaded.ok:
        return Built(loaded.problems, written=False), frames, {}
    if password is not None:
        files, problems = _render(loaded, root, today, strict_mode, progress=progress)
        if files is None:
            return Built(problems, written=False), frames, {}
        own_static = walk(root, f"{USER_THEME}/static").files
        if own_static:  # the journal's own styles and images would go out plain
            return Built(problems + [error(own_static[0], None, "an encrypted site "
                                           "publishes theme files unencrypted, and this "
                                           "one is the journal's own; move theme/static "
                                           "aside to encrypt, or build without "
                                           "--encrypt")], written=False), frames, {}
        from .encrypt import encrypt_site, new_keys

        write_site(out, encrypt_site(files, new_keys(password), UNLOCK_JS))
        return Built(problems, written=True, pages=_pages(files)), frames, {}
    if record is not None:  # the site is known: write only what changed
        memory.stamp, memory.events = record.memory.stamp, record.memory.events
        same_pages: list[str] = []
        memory.pages = {path: known for path, known in record.memory.pages.items()
                        if path in record.files
                        and stat_key(out / path) == record.files[path][1]}  # not by hand
        with updating(out) as update:

            def compare(path: str, data: bytes) -> tuple[bytes, dict[str, str | None] | None]:
                digest = rebuild.digest(data)
                known = record.files.get(path)
                if known is None or known[0] != digest or stat_key(out / path) != known[1]:
                    return digest, update.staged(path, data)
                return digest, None

            def compared(path: str, receipt: tuple[bytes, dict[str, str | None] | None]
                         ) -> None:
                digests[path], step = receipt
                if step is not None:
                    update.plan.append(step)

            def same(path: str) -> None:
                digests[path] = record.files[path][0]
                same_pages.append(path)

            files, problems = _render(loaded, root, today, strict_mode, progress=progress,
                                      sink=Sink(compare, compared, same), frames=frames,
                                      memory=memory)
            if files is None:
                return Built(problems, written=False), frames, {}
            for path in sorted(_site_files(out) - digests.keys()):
                update.remove(path)  # gone from the journal, or put there by hand
            update.commit()
        written = {path: (digests[path], stat_key(out / path)) for path in update.paths
                   if path in digests}
        kept = {path: known for path, known in record.files.items()
                if path in digests and path not in written}
        changed = tuple(path for path in update.paths if path != MARKER)
        return (Built(problems, written=True, pages=_pages(digests), changed=changed,
                      up_to_date=not changed, kept=len(same_pages)),
                frames, _known({**kept, **written}))
    with new_site(out) as site:  # written as rendered: "render" counts the writing

        def put(path: str, data: bytes) -> tuple[bytes, StatKey]:
            return rebuild.digest(data), site.put(path, data)

        def stored(path: str, receipt: tuple[bytes, StatKey]) -> None:
            digests[path], site.stats[path] = receipt

        files, problems = _render(loaded, root, today, strict_mode, progress=progress,
                                  sink=Sink(put, stored), frames=frames, memory=memory)
        if files is not None:
            site.commit()
    if files is None:
        return Built(problems, written=False), frames, {}
    return (Built(problems, written=True, pages=_pages(digests)), frames,
            {path: (digest, site.stats[path]) for path, digest in digests.items()})


def _known(files: dict[str, tuple[bytes, StatKey | None]]) -> Files:
    """Files whose state could be taken (one that vanished at once is left out, and so is
    written again next time)."""
    return {path: (digest, key) for path, (digest, key) in files.items() if key is not None}


def _site_files(out: Path) -> set[str]:
    """Every file in the site folder but its marker, by relative path (a symlink to a
    folder counts as a file: it is not followed)."""
    found: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")
                else:
                    found.add(prefix + entry.name)

    walk(os.fspath(out), "")
    found.discard(MARKER)
    return found


def _record(loaded: Loaded, built: Built, found: rebuild.Scan, settings: bytes,
            frames: Frames, files: Files, memory: rebuild.Memory, out: Path,
            cache: ParseCache) -> rebuild.Record | None:
    """The record of a plain build just written (None if a note changed meanwhile)."""
    named = {problem.path for problem in built.problems}
    notes = {}
    for rel in found.stats:
        used = cache.used.get(rel)
        if used is None or rel not in loaded.heads:
            return None
        notes[rel] = rebuild.NoteState(found.settled(rel), used[0],
                                       rebuild.head_digest(loaded.heads[rel]), rel not in named)
    site_marker = marker(out)
    if site_marker is None:
        return None
    return rebuild.Record(
        settings=settings, listing=found.listing, marker=site_marker, notes=notes,
        frames=frames, files=files, problems=tuple(built.problems),
        ref_index=dict(loaded.journal.ref_index),
        allow_html=loaded.journal.config.allow_html, pages=built.pages, memory=memory)


class Session:
    """One journal built again and again into one folder: what `serve` runs on each edit.

    Notes that did not change are not read again, and only files whose bytes changed are
    written, each replaced in one step. Nothing is written while the journal has errors.
    """

    def __init__(self, root: Path, out: Path, today: Callable[[], dt.date], *,
                 strict_mode: bool = False) -> None:
        self.root, self.out, self.today, self.strict_mode = root, out, today, strict_mode
        self.memo: Memo = {}
        from .render import RenderCache

        self.links = LinkCache()
        self.rendered = RenderCache()
        self.files: dict[str, bytes] = {}  # what `out` holds now
        self.frozen = False

    def build(self, changed: Iterable[str] = ()) -> Built:
        """Build again; `changed` are journal paths known to have changed (from the file
        watcher), read again even if their size and times look the same."""
        for path in changed:
            self.memo.pop(path, None)
        with paused_gc():
            built = self._build()
        if built.written and not self.frozen:
            # The notes kept in memory are millions of objects that live as long as the
            # session: take them out of the collector's scans, which would cost more than
            # the rebuild itself.
            gc.collect()
            gc.freeze()
            self.frozen = True
        return built

    def _build(self) -> Built:
        if not (self.root / CONTACTS).is_dir() and not (self.root / MEETINGS).is_dir():
            return Built([error(".", None, f"no {CONTACTS}/ or {MEETINGS}/ folder in "
                                f"{self.root}: was the journal moved or deleted? The last "
                                "good site stays")], written=False)
        loaded = load(self.root, strict_mode=self.strict_mode, memo=self.memo,
                      links=self.links)
        files, problems = _render(loaded, self.root, self.today(), self.strict_mode,
                                  self.rendered)
        if files is None:
            return Built(problems, written=False)
        self.out.mkdir(exist_ok=True)  # not its parents: gone, they mean serve is stopping
        changed = write_changes(self.out, files, self.files)
        self.files = files
        return Built(problems, written=True, pages=_pages(files), changed=tuple(changed))


def _render(loaded: Loaded, root: Path, today: dt.date, strict_mode: bool,
            cache: RenderCache | None = None, progress: Progress | None = None,
            sink: render.Sink | None = None, frames: Frames | None = None,
            memory: rebuild.Memory | None = None
            ) -> tuple[dict[str, bytes] | None, list[Problem]]:
    """Derive and render a loaded journal: the site's files, or None when there are errors,
    with every problem so far."""
    if not loaded.ok:
        return None, loaded.problems
    from .derive import derive
    from .render import render_site

    with stage("derive"):
        site = derive(loaded.journal, today)
    with stage("render"):
        files, render_problems = render_site(site, theme_dirs(root), cache, progress, sink,
                                             frames, memory)
    if strict_mode:
        render_problems = strict(render_problems)
    problems = sorted(loaded.problems + render_problems, key=sort_key)
    return (None if has_errors(render_problems) else files), problems


def _pages(files: Mapping[str, bytes]) -> int:
    return sum(1 for path in files if path.endswith(".html"))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector while a build runs.

    A build allocates hundreds of thousands of small objects and creates almost no cycles.
    Reference counting frees them anyway; the collector's scans of the growing heap cost a
    third of the build time. What cycles there are get collected afterwards, by the next
    full collection: what the build allocated is moved to the oldest generation unscanned,
    as the first scan of the youngest would take as long as a small rebuild (unless some
    objects are frozen already, as a serve session freezes its notes: then it is left).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.enable()
                gc.unfreeze()
            else:
                gc.enable()


def _with_source_lines(problems: list[Problem], heads: dict[str, tuple[str, ...]]
                       ) -> list[Problem]:
    """Give each problem the text of its line, where a front-matter line is known."""
    out = []
    for problem in problems:
        head = heads.get(problem.path, ())
        if problem.source is None and problem.line and 0 < problem.line <= len(head):
            problem = replace(problem, source=head[problem.line - 1])
        out.append(problem)
    return out
