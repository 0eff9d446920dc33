"""Watch a journal for edits: which file events matter, and one rebuild per burst of them.

Editors save in many ways (write in place, write a temp file and rename it over the note,
delete and re-create); a `git pull` touches hundreds of notes at once. Every event that
concerns a note, the settings or the theme counts as an edit, and a Debouncer turns each
burst into one rebuild after a short quiet period.
"""

from __future__ import annotations

import fnmatch
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from ..journal.read import CONFIG, CONTACTS, MEETINGS, inside
from ..site.theme import USER_THEME

WATCHED_FOLDERS = (CONTACTS, MEETINGS, USER_THEME)
# Files editors write beside the one being edited: vim (.swp, .swx, 4913, ~), emacs (.#x,
# #x#), JetBrains (___jb_tmp___, ___jb_old___), and the many *.tmp of others.
EDITOR_TEMP = ("*.swp", "*.swx", "*~", ".#*", "#*#", "4913", "*.tmp", "*___jb_*___",
               "*.crswap", "*.part")
QUIET = 0.1  # seconds without events before a rebuild starts


def is_relevant(rel: str) -> bool:
    """Whether a change to `rel` (relative to the journal, `/` separators) can change the site.

    Only notes, `refjournal.yaml` and the journal's theme matter; the output and cache
    folders, `.git`, dot files and editor temp files do not.
    """
    parts = [part for part in rel.split("/") if part not in ("", ".")]
    if not parts or any(part.startswith(".") or part == ".." for part in parts):
        return False
    if parts == [CONFIG]:
        return True
    if parts[0] not in WATCHED_FOLDERS:
        return False
    name = parts[-1]
    return not any(fnmatch.fnmatchcase(name, pattern) for pattern in EDITOR_TEMP)


class JournalEvents(FileSystemEventHandler):
    """Turn watchdog's events under `root` into relevant relative paths for `on_change`."""

    def __init__(self, root: Path, on_change: Callable[[Iterable[str]], None]) -> None:
        self.root = os.path.realpath(root)
        self.on_change = on_change

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed", "closed_no_write"):
            return  # reading a file changes nothing
        if event.is_directory and event.event_type == "modified":
            return  # a folder's mtime: the events of its files say what happened
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        changed = [rel for rel in (self._relative(p) for p in paths if p) if rel is not None]
        relevant = [rel for rel in changed if is_relevant(rel)]
        if relevant:
            self.on_change(relevant)

    def _relative(self, path: str | bytes) -> str | None:
        text = os.fsdecode(path)
        real = os.path.join(os.path.realpath(os.path.dirname(text)), os.path.basename(text))
        if not inside(real, self.root):
            return None
        return Path(os.path.relpath(real, self.root)).as_posix()


class Debouncer:
    """Call `action` once after events stop arriving for `quiet` seconds.

    Events that arrive while `action` runs start a new quiet period, so they are never
    lost: they cause one more call afterwards.
    """

    def __init__(self, action: Callable[[set[str]], None], quiet: float = QUIET,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.action = action
        self.quiet = quiet
        self.clock = clock
        self._pending: set[str] = set()
        self._last = 0.0
        self._stopped = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="refjournal-debounce",
                                        daemon=True)

    def start(self) -> Debouncer:
        self._thread.start()
        return self

    def poke(self, paths: Iterable[str]) -> None:
        with self._wake:
            self._pending.update(paths)
            self._last = self.clock()
            self._wake.notify()

    def stop(self, wait: float = 5.0) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=wait)

    def take(self) -> set[str] | None:
        """The pending paths if the quiet period has passed (and forget them), else None."""
        with self._wake:
            if self._pending and self.clock() - self._last >= self.quiet:
                pending, self._pending = self._pending, set()
                return pending
            return None

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._stopped and not self._pending:
                    self._wake.wait()
                if self._stopped:
                    return
                wait = self.quiet - (self.clock() - self._last)
                if wait > 0:
                    self._wake.wait(wait)
                    continue
            pending = self.take()
            if pending:
                self.action(pending)


def watch(root: Path, on_change: Callable[[Iterable[str]], None], poll: bool) -> BaseObserver:
    """Start watching `root` recursively; `poll` uses stat polling (network drives, Docker,
    WSL), where file system notifications do not arrive."""
    observer: BaseObserver = PollingObserver(timeout=0.5) if poll else Observer()
    observer.schedule(JournalEvents(root, on_change), os.fspath(root), recursive=True)
    observer.daemon = True
    observer.start()
    return observer
