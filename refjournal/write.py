"""Write stage: put a rendered site on disk, all or nothing.

The site is written into a temporary folder beside the output and swapped in with two
renames, so a failed or interrupted build leaves the previous site in place.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from . import __version__

MARKER = ".refjournal-site"  # marks a folder as a built site that refjournal may replace


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
    """Write `files` (relative path -> bytes) as the whole content of `out`, atomically."""
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(parent, out.name)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    old = parent / f".{out.name}.old-{os.getpid()}"
    try:
        for rel, data in files.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (tmp / MARKER).write_text(f"built by refjournal {__version__}\n", encoding="utf-8")
        if out.exists():
            os.rename(out, old)
        os.rename(tmp, out)
    except BaseException:
        if old.exists() and not out.exists():
            os.rename(old, out)  # put the previous site back
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(parent: Path, name: str) -> None:
    """Remove temporary folders that an interrupted earlier build left beside the output."""
    for prefix in (f".{name}.tmp-", f".{name}.old-"):
        for leftover in parent.glob(prefix + "*"):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
