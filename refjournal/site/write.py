"""Write stage: put a rendered site on disk, all or nothing.

The site is written into a temporary folder beside the output and swapped in only when it
is complete, so a failed or interrupted build leaves the previous site in place.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import itertools
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from .. import __version__

MARKER = ".refjournal-site"  # marks a folder as a built site that refjournal may replace
_AT_FDCWD = -100  # renameat2 arguments, from <fcntl.h> and <linux/fs.h>
_RENAME_EXCHANGE = 2


StatKey = tuple[int, int, int, int]  # size, mtime, ctime (changed by any write), inode


def stat_key(path: str | Path) -> StatKey | None:
    """What a file's state is, such that any change to it changes the key; None if gone."""
    try:
        return _key(os.stat(path))
    except OSError:
        return None


def marker(out: Path) -> tuple[int, int] | None:
    """The site's marker file as (inode, mtime): written anew by every change to the site,
    so a record of the site as it was holds other values."""
    key = stat_key(out / MARKER)
    return None if key is None else (key[3], key[1])


def marker_is_ours(out: Path) -> bool:
    """Whether the site's marker holds what this refjournal writes into it (a site put
    back from a CI cache, say, rather than one another program wrote over)."""
    try:
        return (out / MARKER).read_bytes() == _marker_text()
    except OSError:
        return False


def _key(info: os.stat_result) -> StatKey:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


class OutputError(Exception):
    """The output folder cannot be used (it holds other files, or the journal itself)."""


def check_output(out: Path, journal_root: Path) -> None:
    """Refuse an output folder that would destroy the journal or someone else's files."""
    out, journal = out.resolve(), journal_root.resolve()
    if out == journal or out in journal.parents:
        raise OutputError(f"output folder {out} would replace the journal itself; "
                          "choose another --out")
    for part in ("contacts", "meetings", "theme"):
        if out == journal / part or journal / part in out.parents:
            raise OutputError(f"output folder {out} is inside the journal's {part}/ folder; "
                              "choose another --out")
    if out.exists() and not out.is_dir():
        raise OutputError(f"output {out} exists and is not a folder")
    blocking = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise OutputError(f"output folder {out} cannot be made: {blocking} is a file")
    if out == Path.cwd().resolve() or out in Path.cwd().resolve().parents:
        raise OutputError(f"output folder {out} holds the current folder, and a build replaces "
                          "its output as a whole; choose a folder below it, such as ./site")
    if out.is_dir() and not (out / MARKER).exists() and any(out.iterdir()):
        raise OutputError(f"output folder {out} holds files that refjournal did not write; "
                          "empty it or choose another --out")


def write_site(out: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` (relative path -> bytes) as the whole content of `out`, atomically
    (see `new_site`)."""
    with new_site(out) as stage:
        for rel, data in files.items():
            stage.put(rel, data)
        stage.commit()


class Stage:
    """A new site being written in a temporary folder beside the output."""

    def __init__(self, folder: Path) -> None:
        self.folder = os.fspath(folder)
        self.made: set[str] = {""}
        self.committed = False
        self.stats: dict[str, StatKey] = {}  # each file's state as written

    def put(self, rel: str, data: bytes) -> StatKey:
        """Write one file of the new site (`rel` uses "/"), and give its state. Forked
        workers may put files too: their states are then known to the caller only."""
        parent = rel.rpartition("/")[0]
        if parent not in self.made:
            os.makedirs(os.path.join(self.folder, parent), exist_ok=True)
            self.made.add(parent)
        with open(os.path.join(self.folder, rel), "wb") as target:
            target.write(data)
            target.flush()
            self.stats[rel] = key = _key(os.fstat(target.fileno()))
        return key

    def commit(self) -> None:
        """Swap the new site in, when the `new_site` block ends."""
        self.committed = True


@contextmanager
def new_site(out: Path, parents: bool = True) -> Iterator[Stage]:
    """Write a new site into `out` as a whole: the files `put` into the stage are written
    beside it, and swapped in at the end of the block if the stage was committed (else,
    and on any error, thrown away).

    Whenever the process stops (an error, Ctrl-C, even SIGKILL), `out` holds either the
    previous site or the new one in full. On Linux the swap is one atomic exchange of the
    two folders; elsewhere it is two renames, and a build stopped between them leaves the
    previous site aside, which the next build puts back before anything else. (Files are
    not synced to disk: after a power cut, what the system had not yet written may be lost.)
    With `parents=False`, the folder that holds `out` must exist (serve's, which is gone
    when serve is stopping).
    """
    out = out.resolve()  # a symlinked output folder: replace the folder it points to
    parent = out.parent
    if parents:
        parent.mkdir(parents=True, exist_ok=True)
    elif not parent.is_dir():
        raise FileNotFoundError(2, "the folder that holds the site is gone", str(parent))
    with locked(parent):
        _recover(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
        old = parent / f".{out.name}.old-{os.getpid()}"
        try:
            stage = Stage(tmp)
            yield stage
            if not stage.committed:
                shutil.rmtree(tmp, ignore_errors=True)
                return
            (tmp / MARKER).write_bytes(_marker_text())
            if not out.exists():
                os.rename(tmp, out)
            elif _exchange(tmp, out):
                old = tmp  # after the exchange, the temporary folder holds the previous site
            else:
                os.rename(out, old)
                os.rename(tmp, out)
        except BaseException:
            if old.exists() and not out.exists():
                os.rename(old, out)  # put the previous site back
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        shutil.rmtree(old, ignore_errors=True)


class Step(NamedTuple):
    """One step of an update's plan: move the staged `file` to `path`, or (no file) remove
    `path`. The plan is written as JSON, one object per step."""

    file: str | None
    path: str


class Update:
    """Changes to a site in place, staged beside it until `commit` (see `updating`)."""

    def __init__(self, stage: Path) -> None:
        self.stage = stage
        self.plan: list[Step] = []
        self.committed = False
        self._staged = itertools.count()

    def put(self, rel: str, data: bytes) -> None:
        self.plan.append(self.staged(rel, data))

    def staged(self, rel: str, data: bytes) -> Step:
        """Write the new bytes of `rel` into the stage, and give the step of the plan
        that moves them in. Forked workers may stage files too (under names of their
        own); the caller then adds the steps they give to `plan`."""
        name = f"{os.getpid()}.{next(self._staged)}"
        with open(self.stage / name, "wb") as staged:
            staged.write(data)
        return Step(name, rel)

    def remove(self, rel: str) -> None:
        self.plan.append(Step(None, rel))

    def commit(self) -> None:
        """Move the changes in, when the `updating` block ends."""
        self.committed = True

    @property
    def paths(self) -> list[str]:
        return sorted(step.path for step in self.plan)


@contextmanager
def updating(out: Path) -> Iterator[Update]:
    """Change some files of the site in `out` in place, leaving the others untouched,
    their bytes and times kept; the site's marker is renewed, so that a record of the
    site as it was no longer matches it.

    All or nothing, through a log: the new files are written into a stage folder beside
    `out` as they are `put`; at the end of the block, if committed, a plan naming them is
    put there in one rename (from then on the update is decided), then the removals are
    made and each file is moved into place in one rename. If the process is killed during
    those moves, the next `recover` (every build's first step) finishes them; Ctrl-C and
    SIGTERM wait until they are done.
    """
    out = out.resolve()
    with locked(out.parent):
        _recover(out)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.stage-", dir=out.parent))
        update = Update(stage)
        try:
            yield update
            if not update.committed or not update.plan:
                shutil.rmtree(stage, ignore_errors=True)
                return
            update.put(MARKER, _marker_text())
            plan = [step._asdict() for step in update.plan]
            (stage / "plan.part").write_text(json.dumps(plan), encoding="utf-8")
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        with _signals_held():
            os.rename(stage / "plan.part", stage / PLAN)  # decided: from here, roll forward
            _apply(out, stage)


def update_site(out: Path, changes: Mapping[str, bytes | None]) -> None:
    """`updating` with the changes at hand (None removes a file)."""
    with updating(out) as update:
        for rel, data in changes.items():
            if data is None:
                update.remove(rel)
            else:
                update.put(rel, data)
        update.commit()


PLAN = "plan.json"


def _marker_text() -> bytes:
    """The marker's text: which refjournal built the site. Its file is written anew each
    time the site changes, so that its inode and time change (a record keeps them)."""
    return f"built by refjournal {__version__}\n".encode()


def _apply(out: Path, stage: Path) -> None:
    """Carry out a decided plan, again after a crash (what was done is skipped): removals
    first, then moves. A path that would leave the site, or pass through a symlink in it,
    is not touched."""
    steps = json.loads((stage / PLAN).read_text(encoding="utf-8"))
    for step in steps:
        target = _inside(out, step["path"])
        if step["file"] is None and target is not None:
            try:
                target.unlink()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError,
                    PermissionError):  # gone; or a folder (a file step of this plan made it)
                continue
            _remove_empty_folders(out, target.parent)
    for step in steps:
        target = _inside(out, step["path"], writing=True)
        source = stage / str(step["file"])
        if step["file"] is None or target is None or not source.exists():
            continue  # a removal, or moved before a crash
        _make_folders(out, target.parent)
        if target.is_dir() and not target.is_symlink():  # a folder where a file goes now
            shutil.rmtree(target)
        os.replace(source, target)
    shutil.rmtree(stage)


def _inside(out: Path, rel: str, writing: bool = False) -> Path | None:
    """`out / rel` if `rel` is a plain relative path whose folders inside `out` are not
    symlinks (when `writing`, `_make_folders` replaces such links); else None."""
    parts = rel.split("/")
    if rel.startswith("/") or any(part in ("", ".", "..") for part in parts):
        return None
    if not writing:
        folder = out
        for part in parts[:-1]:
            folder = folder / part
            if folder.is_symlink():
                return None
    return out.joinpath(*parts)


def _remove_empty_folders(out: Path, folder: Path) -> None:
    """Remove `folder` and the folders above it, up to `out`, while they are empty."""
    while folder != out and out in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the block is over (in the main thread, on POSIX)."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not \
            threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _make_folders(out: Path, folder: Path) -> None:
    """Make `folder` and the folders between it and `out`, which must exist; a file in the
    way (where a folder goes now) is removed."""
    if not out.is_dir():
        raise FileNotFoundError(2, "the output folder is gone", str(out))
    current = out
    for part in folder.relative_to(out).parts:
        current = current / part
        if current.is_symlink() or (current.exists() and not current.is_dir()):
            current.unlink()
        if not current.exists():
            current.mkdir()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux `renameat2`); False where not supported."""
    if _renameat2 is None:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # kernel or file system
        return False
    raise OSError(code, os.strerror(code), str(b))


def _find_renameat2() -> Any:
    """The C library's renameat2, on Linux with glibc 2.28 or later; else None."""
    if not sys.platform.startswith("linux"):
        return None
    function = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if function is not None:
        function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                             ctypes.c_uint)
        function.restype = ctypes.c_int
    return function


_renameat2 = _find_renameat2()


_held: dict[str, int] = {}  # folders this process holds locked, and how many times


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Let one build at a time write beside the output, so none removes another's work
    or builds on a record the other is replacing. Held again inside itself, it is held
    once (a build holds it throughout, and its writing takes it again)."""
    key = os.path.realpath(folder)
    if fcntl is None or key in _held:  # pragma: no cover - Windows
        _held[key] = _held.get(key, 0) + 1
        try:
            yield
        finally:
            _held[key] -= 1
            if not _held[key]:
                del _held[key]
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _held[key] = 1
        yield
    finally:
        _held.pop(key, None)
        os.close(fd)  # closing releases the lock




def _spoil(out: Path) -> None:
    """Renew the marker of a site that is not as any build left it, so that no record
    of it is trusted."""
    spoiled = out / f".{MARKER}.part"
    spoiled.write_bytes(b"built by refjournal, then changed by an update that failed\n")
    os.replace(spoiled, out / MARKER)


def recover(out: Path) -> None:
    """Tidy what an interrupted earlier build left beside the output (writing does this
    first): a previous site set aside between the two renames is put back if the output
    is missing; an update in place that was decided is finished; temporary folders are
    removed."""
    out = out.resolve()
    if out.parent.is_dir():
        with locked(out.parent):
            _recover(out)


def _recover(out: Path) -> None:
    parent, name = out.parent, glob.escape(out.name)  # `site[1]` is a name, not a pattern

    def leftovers(kind: str) -> list[Path]:
        found = (p for p in parent.glob(f".{name}.{kind}-*") if not p.is_symlink())
        return sorted((p for p in found if p.is_dir()), key=lambda p: p.stat().st_mtime)

    set_aside = leftovers("old")
    if set_aside and not out.exists() and not out.is_symlink():
        os.rename(set_aside.pop(), out)
    for stage in leftovers("stage"):
        if (stage / PLAN).is_file() and out.is_dir():
            try:
                _apply(out, stage)  # an update decided but not finished: finish it
            except (OSError, ValueError):  # it cannot be finished: the next build makes
                _spoil(out)  # a whole new site, instead of failing here every time
    for leftover in (*set_aside, *leftovers("tmp"), *leftovers("stage")):
        shutil.rmtree(leftover, ignore_errors=True)
