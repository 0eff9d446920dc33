"""Write stage: put a rendered site on disk, all or nothing.

The site is written into a temporary folder beside the output and swapped in only when it
is complete, so a failed or interrupted build leaves the previous site in place.
"""

from __future__ import annotations

import ctypes
import errno
import glob
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
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from . import __version__

MARKER = ".refjournal-site"  # marks a folder as a built site that refjournal may replace
_AT_FDCWD = -100  # renameat2 arguments, from <fcntl.h> and <linux/fs.h>
_RENAME_EXCHANGE = 2


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

    def put(self, rel: str, data: bytes) -> None:
        """Write one file of the new site (`rel` uses "/")."""
        parent = rel.rpartition("/")[0]
        if parent not in self.made:
            os.makedirs(os.path.join(self.folder, parent), exist_ok=True)
            self.made.add(parent)
        with open(os.path.join(self.folder, rel), "wb") as target:
            target.write(data)

    def commit(self) -> None:
        """Swap the new site in, when the `new_site` block ends."""
        self.committed = True


@contextmanager
def new_site(out: Path) -> Iterator[Stage]:
    """Write a new site into `out` as a whole: the files `put` into the stage are written
    beside it, and swapped in at the end of the block if the stage was committed (else,
    and on any error, thrown away).

    Whenever the process stops (an error, Ctrl-C, even SIGKILL), `out` holds either the
    previous site or the new one in full. On Linux the swap is one atomic exchange of the
    two folders; elsewhere it is two renames, and a build stopped between them leaves the
    previous site aside, which the next build puts back before anything else. (Files are
    not synced to disk: after a power cut, what the system had not yet written may be lost.)
    """
    out = out.resolve()  # a symlinked output folder: replace the folder it points to
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    with _locked(parent):
        _recover(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
        old = parent / f".{out.name}.old-{os.getpid()}"
        try:
            stage = Stage(tmp)
            yield stage
            if not stage.committed:
                shutil.rmtree(tmp, ignore_errors=True)
                return
            (tmp / MARKER).write_text(f"built by refjournal {__version__}\n", encoding="utf-8")
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


def update_site(out: Path, changes: Mapping[str, bytes | None]) -> None:
    """Change some files of the site in `out` in place (None removes a file), leaving the
    others untouched, their bytes and times kept.

    All or nothing, through a log: the new files are written into a stage folder beside
    `out`, then a plan naming them is put there in one rename (from then on the update
    is decided), then each file is moved into place in one rename. If the process is
    killed during those moves, the next `recover` (every build's first step) finishes
    them; Ctrl-C and SIGTERM wait until they are done.
    """
    out = out.resolve()
    parent = out.parent
    with _locked(parent):
        _recover(out)
        stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.stage-", dir=parent))
        try:
            plan = []
            for n, (rel, data) in enumerate(sorted(changes.items())):
                if data is not None:
                    (stage / str(n)).write_bytes(data)
                plan.append({"file": str(n) if data is not None else None, "path": rel})
            (stage / "plan.part").write_text(json.dumps(plan), encoding="utf-8")
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        with _signals_held():
            os.rename(stage / "plan.part", stage / PLAN)  # decided: from here, roll forward
            _apply(out, stage)


PLAN = "plan.json"


def _apply(out: Path, stage: Path) -> None:
    """Carry out a decided plan (again, after a crash: what was done is skipped)."""
    for step in json.loads((stage / PLAN).read_text(encoding="utf-8")):
        rel = step["path"]
        target = out / rel
        if step["file"] is None:
            target.unlink(missing_ok=True)
            continue
        source = stage / step["file"]
        if not source.exists():
            continue  # moved before the crash
        _make_folders(out, target.parent)
        if target.is_dir() and not target.is_symlink():  # a folder where a file goes now
            shutil.rmtree(target)
        os.replace(source, target)
    shutil.rmtree(stage)


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


def write_changes(out: Path, files: Mapping[str, bytes], before: Mapping[str, bytes]) -> list[str]:
    """Make `out`, which holds `before`, hold `files`: remove what is gone, then write only
    what changed, each file replaced in one step. Return the paths written or removed.

    For a folder refjournal owns alone (serve's), where a reader may see a page of the new
    build beside one of the old for a moment, but never half a file. Nothing is created
    above `out`: if it was removed (serve is stopping), this fails instead.
    """
    changed = []
    for rel in sorted(before.keys() - files.keys()):
        (out / rel).unlink(missing_ok=True)
        changed.append(rel)
    for rel, data in files.items():
        if before.get(rel) != data:
            target = out / rel
            _make_folders(out, target.parent)
            if target.is_dir() and not target.is_symlink():  # a folder where a file goes now
                shutil.rmtree(target)
            partial = target.with_name(f".{target.name}.part")
            partial.write_bytes(data)
            os.replace(partial, target)
            changed.append(rel)
    return sorted(changed)


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


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Let one build at a time write beside the output, so none removes another's work."""
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def recover(out: Path) -> None:
    """Tidy what an interrupted earlier build left beside the output (writing does this
    first): a previous site set aside between the two renames is put back if the output
    is missing; an update in place that was decided is finished; temporary folders are
    removed."""
    out = out.resolve()
    if out.parent.is_dir():
        with _locked(out.parent):
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
            _apply(out, stage)  # an update decided but not finished: finish it
    for leftover in (*set_aside, *leftovers("tmp"), *leftovers("stage")):
        shutil.rmtree(leftover, ignore_errors=True)
