"""The parse cache: notes read and validated by an earlier run, kept outside the journal.

Parsing YAML is most of what reading a journal costs. The cache keeps each note's
validated record under its path and the SHA-256 of its bytes, in one folder per journal in
the platform's cache folder (or `--cache-dir`), spread over SHARDS files by path so that
an edit of one note rewrites a sixteenth of it. A note whose bytes are unchanged is not
parsed again. The whole cache is dropped when refjournal's version or `refjournal.yaml`
changes, and a cache that cannot be read is ignored (and rewritten), never an error; one
that cannot be written is said once, as a warning in the log.

Beside the notes: the record of each site built from the journal (`<name>.sites`), the
memory of each site's pages in a file of its own (`<name>.memory/`, read only by a build
that renders), and the compiled templates (`<name>.templates/`). A command's build hands
the notes it parsed to a forked process that writes them while the build goes on (`save`
with `meanwhile`, then `wait`).

Without a folder the cache lives in memory only: a resident process (serve) keeps it
from one build to the next, with the records of the sites it built.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import pickle
import shutil
import signal
import sys
import tempfile
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from .. import __version__, parallel
from ..journal.read import CONFIG
from ..site.write import marker
from .record import Kept, Memory, digest

FORMAT = 7
SHARDS = 16  # files the notes are spread over
log = logging.getLogger(__name__)


class Entry(NamedTuple):
    """A note as the cache keeps it: the digest of its bytes, and what they parsed to."""

    digest: bytes
    note: Any


def default_folder() -> Path:
    """The platform's cache folder for refjournal."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "refjournal"
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "refjournal" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "refjournal"


class ParseCache:
    """What one journal's notes parsed to, by path and content digest."""

    def __init__(self, folder: Path | None, root: Path) -> None:
        real = os.path.realpath(root)
        name = hashlib.sha256(real.encode()).hexdigest()[:24]
        self.in_memory = folder is None
        folder = folder if folder is not None else Path(os.devnull)  # never opened
        self.folder = folder / f"{name}.notes"
        self.sites_path = folder / f"{name}.sites"
        self._memories = folder / f"{name}.memory"
        self._templates = folder / f"{name}.templates"
        self.root = root
        self.unwritable = False  # said once
        self.stamp = (FORMAT, __version__, _config_digest(root), _libraries(),
                      code_digest(PARSING))
        self._record_code = code_digest(RECORDS)
        self._entries: dict[str, Entry] | None = None  # read when first needed
        self._stored: list[set[str]] = [set() for _ in range(SHARDS)]  # paths in each file
        self._changed: set[int] = set()  # shards with notes parsed by this run
        self.used: dict[str, Entry] = {}
        # Sites built from this journal, by output folder: the record of what each build
        # wrote, and from what (see rebuild.py); read when first needed.
        self._sites: dict[str, Any] | None = None
        self.hits = 0
        self._writer: int | None = None  # a process `save` left writing the notes
        self._saved = False  # `used` saved: the entries the next build starts from

    def templates(self) -> Path | None:
        """Where Jinja keeps the compiled templates, so that a build in a new process does
        not compile every one again: by template and source (a changed theme file is
        compiled again), under this cache's stamp (refjournal's code and libraries, which
        set how templates compile) and templates.py's (which sets the environment's
        options); older stamps' folders are removed. None in memory, or when the folder
        cannot be made."""
        if self.in_memory:
            return None
        key = repr(self.stamp).encode() + code_digest(TEMPLATES)
        here = self._templates / hashlib.sha256(key).hexdigest()[:24]
        try:
            if not here.is_dir():
                for old in self._templates.glob("*"):
                    shutil.rmtree(old, ignore_errors=True)
                here.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return here

    @property
    def sites(self) -> dict[str, Any]:
        if self._sites is None:  # apart from the notes: only builds need it
            self._sites = self._read(self.sites_path, self.record_stamp) or {}
        return self._sites

    def config_changed(self) -> bool:
        """Whether `refjournal.yaml` changed since this run began."""
        return _config_digest(self.root) != self.stamp[2]

    def renew(self) -> None:
        """Before another build by the same process: it starts from the notes the last one
        used (as saved); when `refjournal.yaml` changed, afresh, as a new process would."""
        if self._saved:
            self._entries, self.used, self._saved = self.used, {}, False
        stamp = (*self.stamp[:2], _config_digest(self.root), *self.stamp[3:])
        if stamp != self.stamp:
            self.stamp = stamp
            self._entries, self._sites, self.used = {}, {}, {}
            self._stored = [set() for _ in range(SHARDS)]
            self._changed = set(range(SHARDS))

    @property
    def entries(self) -> dict[str, Entry]:
        if self._entries is None:
            self._entries = {}
            for shard in range(SHARDS):
                stored = self._read(self._shard_path(shard), self.stamp) or {}
                self._entries.update(stored)
                self._stored[shard] = set(stored)
        return self._entries

    def _shard_path(self, shard: int) -> Path:
        return self.folder / f"{shard:02d}.pickle"

    @property
    def record_stamp(self) -> tuple[Any, ...]:
        """The stamp of the records of sites and their memories: the cache's, and the
        shape of a record (a record of another shape is not read; it is made again)."""
        return (self.stamp, self._record_code)

    def _read(self, path: Path, stamp: tuple[Any, ...], shape: type = dict) -> Any:
        """What a cache file holds, if it was written with `stamp` and is of `shape`;
        else None."""
        if self.in_memory:
            return None
        try:
            with open(path, "rb") as stored:
                written, data = pickle.load(stored)  # noqa: S301 - our own file, 0700
        except Exception:  # noqa: BLE001 - missing, damaged or older: start afresh
            return None
        return data if written == stamp and isinstance(data, shape) else None

    digest = staticmethod(digest)  # of a note's bytes, as the record takes it too

    def get(self, rel: str, digest: bytes) -> Any | None:
        known = self.entries.get(rel)
        if known is None or known.digest != digest:
            return None
        self.used[rel] = known
        self.hits += 1
        return known.note

    def put(self, rel: str, digest: bytes, note: Any) -> None:
        self.used[rel] = Entry(digest, note)
        self._changed.add(_shard(rel))

    def built(self, out: Path, record: Any) -> None:
        """Remember the record of the site just written in `out` (saved at once); None
        forgets it."""
        if record is None:
            self.forget(out)
            return
        where = os.path.realpath(out)
        if isinstance(record.memory, Memory) and not self.in_memory:
            # The memory of a build's pages is most of its record, and only a build that
            # renders reads it: it has a file of its own, and the record a token of it.
            kept = Kept(os.urandom(16))
            self._write(self._memory_path(where), (self.record_stamp, (kept, record.memory)))
            record = replace(record, memory=kept)
        self.sites[where] = record
        for folder in [folder for folder, known in self.sites.items()
                       if not _still_there(Path(folder), known)]:
            del self.sites[folder]  # a site since removed, or built by other means
            self._drop_memory(folder)
        self._write(self.sites_path, (self.record_stamp, self.sites))

    def memory(self, out: Path, record: Any) -> Memory:
        """The memory of the build that left `record` (an empty one if its file is gone,
        or holds another build's)."""
        if isinstance(record.memory, Memory):
            return record.memory
        stored = self._read(self._memory_path(os.path.realpath(out)), self.record_stamp,
                            tuple)
        if stored is None or len(stored) != 2 or stored[0] != record.memory:
            return Memory()
        return stored[1] if isinstance(stored[1], Memory) else Memory()

    def _memory_path(self, folder: str) -> Path:
        name = hashlib.sha256(os.fsencode(folder)).hexdigest()[:24]
        return self._memories / f"{name}.pickle"

    def _drop_memory(self, folder: str) -> None:
        if not self.in_memory:  # one that cannot be removed is left: no record names it
            with contextlib.suppress(OSError):
                self._memory_path(folder).unlink(missing_ok=True)

    def forget(self, out: Path) -> None:
        where = os.path.realpath(out)
        if self.sites.pop(where, None) is not None:
            self._write(self.sites_path, (self.record_stamp, self.sites))
            self._drop_memory(where)

    def site(self, out: Path) -> Any:
        return self.sites.get(os.path.realpath(out))

    def save(self, meanwhile: bool = False) -> None:
        """Keep the notes this run used (notes deleted since are dropped), rewriting only
        the files whose notes changed (saved again, it finds none). `meanwhile`: written
        by a forked process while this one goes on (`wait` for it before the run ends),
        where fork is the way."""
        if self._entries is None and not self.used:
            return  # not used
        self.entries  # noqa: B018 - which notes each file holds, to compare with
        shards: list[dict[str, Entry]] = [{} for _ in range(SHARDS)]
        for rel, known in self.used.items():
            shards[_shard(rel)][rel] = known
        writes = []
        for shard, notes in enumerate(shards):
            if shard in self._changed or notes.keys() != self._stored[shard]:
                writes.append((self._shard_path(shard), (self.stamp, notes)))
            self._stored[shard] = set(notes)
        # `used` stays this run's (its record takes the notes' digests from it): the next
        # build of this process (a resident one's, or serve's) starts from it (`renew`).
        self._changed, self._saved = set(), True
        if meanwhile and writes and not self.in_memory and parallel.workers() > 1:
            self._writer = _written_meanwhile(self, writes)
        else:
            for path, data in writes:
                self._write(path, data)

    def wait(self) -> None:
        """Until the notes `save` handed to another process are written."""
        if self._writer is None:
            return
        pid, self._writer = self._writer, None
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            self._unwritable("its writer failed")

    def _write(self, path: Path, data: Any) -> None:
        """Write atomically; a cache folder that cannot be written is skipped (and said)."""
        if self.in_memory:
            return
        try:
            self._written(path, data)
        except OSError as exc:
            self._unwritable(exc.strerror or str(exc))

    def _written(self, path: Path, data: Any) -> None:
        """Write atomically, or raise OSError."""
        # Private, as notes are in them: the cache folder, and the notes' folder in it.
        self.folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, exist_ok=True)  # the notes', or the memories'
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                pickle.dump(data, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise

    def _unwritable(self, why: str) -> None:
        if not self.unwritable:
            self.unwritable = True
            log.warning("warning: cannot write the parse cache in %s (%s); builds work "
                        "without it, but slower (choose another folder with --cache-dir)",
                        self.folder.parent, why)


def _written_meanwhile(cache: ParseCache, writes: list[tuple[Path, Any]]) -> int:
    """Fork a process that writes these files of the cache and ends; its pid. (A parse
    cache is pickled in a third of a second for 11,000 notes: the forked copy does it on
    another core while this process links, derives and lays out the pages.)"""
    pid = os.fork()
    if pid != 0:
        return pid
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, not this
        for path, data in writes:
            cache._written(path, data)
        status = 0
    except BaseException:  # noqa: BLE001, S110 - said by the parent, which waits for it
        pass
    finally:
        os._exit(status)


def _shard(rel: str) -> int:
    """Which file of the cache keeps the note at `rel` (the same in every process)."""
    return zlib.crc32(rel.encode("utf-8", "surrogatepass")) % SHARDS


def _still_there(out: Path, record: Any) -> bool:
    """Whether the site a record describes is still in `out` (its marker unchanged)."""
    found = marker(out)
    return found is not None and getattr(record, "marker", None) == found


# Libraries whose output goes into the site: a new version of one drops the cache and the
# records, as a new refjournal does. Told apart by their files' bytes, without importing
# them (not by their times: a CI runner installs the same version afresh on every run).
LIBRARIES = ("yaml", "markdown_it", "markdown_it_pyrs", "jinja2", "markupsafe", "icalendar")


def _libraries() -> tuple[tuple[str, bytes], ...]:
    found = []
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            data = Path(origin).read_bytes() if origin else b""
        except OSError:
            data = b""
        found.append((name, hashlib.sha256(data).digest()))
    return tuple(found)


# The modules that turn a note's bytes into what the cache keeps.
PARSING = ("model.py", "problems.py", "slug.py", "journal")
TEMPLATES = ("site/templates.py",)  # the Jinja environment's options
RECORDS = ("incremental/record.py",)  # the shape of a site's record


def code_digest(names: tuple[str, ...]) -> bytes:
    """A digest of refjournal's modules and folders `names` (PARSING: the code that parses
    notes): a release changes the version, but an edit of a clone's code must drop what the
    old code made too."""
    package = Path(__file__).resolve().parent.parent
    files = sorted(path for name in names
                   for path in ([package / name] if name.endswith(".py")
                                else (package / name).glob("*.py")))
    whole = hashlib.sha256()
    for path in files:
        try:
            whole.update(path.read_bytes())
        except OSError:
            whole.update(b"?")
    return whole.digest()


def _config_digest(root: Path) -> bytes:
    try:
        return hashlib.sha256((root / CONFIG).read_bytes()).digest()
    except OSError:
        return b""
