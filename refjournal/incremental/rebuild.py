"""Rebuilds that start from the record of the last build, kept in the parse cache.

The record says what a plain build wrote into its output folder and what from: each
note's file state and digests, the settings and theme, the digest of every file written,
and where each note's text sits in its page. With it:

- a build whose notes, settings, theme, day and place in its git repository are unchanged
  writes nothing;
- an edit of the text of notes (below the front matter, the usual edit) is put into
  their pages in place: the rest of the journal is not read again, because the text of a
  note shows on its own page and nowhere else (the service worker, which names the build
  by every file's digest, is made again: site/offline.py);
- anything else is a full build, which then writes only the files whose bytes changed.

A note whose size, times and inode are the recorded ones is not read at all; one that
was touched but holds the same bytes is not parsed. (A note changed less than two seconds
before a build is read again by the next: a second edit within the same tick of a coarse
file-system clock could otherwise keep the same state.) The site's files are checked the
same way: one changed by hand makes the build a full one, which writes it again. A site
put back by a CI cache, every file new, is taken by its files' sizes and modification
times, as the archive kept them (`restored`).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..journal.read import CONTACTS, Discovered, discover, parse_note
from ..journal.validate import validate_contact, validate_meeting
from ..site.markdown import TooDeep, make_markdown, render_markdown
from ..site.offline import WORKER, worker_script
from ..site.write import StatKey, marker, marker_is_ours, stat_key, update_site
from ..slug import lookup
from .record import FileState, NoteState, Record, digest

SETTLED_NS = 2_000_000_000  # a note changed more recently than this is read again next time
UNSETTLED: StatKey = (-1, 0, 0, 0)  # matches no file


@dataclass(frozen=True)
class Scan:
    """The journal's notes as found before a build reads them."""

    listing: bytes
    stats: dict[str, StatKey]
    kinds: dict[str, str]
    at_ns: int  # when the scan began
    found: Discovered  # what read.discover found, for `load` to use rather than walk again

    def settled(self, rel: str) -> StatKey:
        """The note's state, or UNSETTLED if it changed too recently to be trusted."""
        key = self.stats[rel]
        return key if key[1] < self.at_ns - SETTLED_NS else UNSETTLED


@dataclass(frozen=True)
class Quick:
    """What a quick rebuild did: written files (none: the site was up to date), and the
    record of the site now, if it changed."""

    written: tuple[str, ...]
    record: Record | None


def head_digest(head: tuple[str, ...], gist: str = "") -> bytes:
    """What of a note other pages may show: its front matter's lines, and its gist (the
    start of a meeting's text, in briefs)."""
    return digest("\n".join((*head, "\0", gist)).encode("utf-8", "surrogatepass"))


def settings_digest(stamp: object, today: str, strict_mode: bool, theme: object,
                    repo_folder: str = "") -> bytes:
    """What every page may depend on besides the notes: the cache's stamp (refjournal's
    version, `refjournal.yaml`), the day, `--strict`, the theme's files, and the journal's
    folder in its git repository (in the links to the host's editor)."""
    return digest(repr((stamp, today, strict_mode, theme, repo_folder)).encode())


def scan(root: Path) -> Scan:
    """Find the notes and take each one's file state, before anything is read (an edit
    made while the build runs then shows as a changed state next time)."""
    at_ns = time.time_ns()
    notes, non_notes, problems = discover(root)
    stats: dict[str, StatKey] = {}
    journal = f"{root}/"
    for rel, _ in notes:
        key = stat_key(journal + rel)
        if key is not None:
            stats[rel] = key
    listing = digest(repr((notes, non_notes, problems)).encode())
    return Scan(listing, stats, dict(notes), at_ns, (notes, non_notes, problems))


def unchanged(record: Record | None, found: Scan | None) -> dict[str, bytes]:
    """The digests of the notes whose file state is the one recorded (so are their
    bytes): path -> digest."""
    if record is None or found is None:
        return {}
    return {rel: known.digest for rel, known in record.notes.items()
            if found.stats.get(rel) == known.stat}


def usable(record: object, out: Path) -> Record | None:
    """The record, if the site in `out` is still the one it describes (its marker is
    renewed by every change to the site), or holds its files byte for byte (`restored`)."""
    if not isinstance(record, Record):
        return None
    if record.marker != marker(out):
        return restored(record, out)
    return record


def restored(record: Record, out: Path) -> Record | None:
    """The record of a site put back with new file states (a CI cache restored with a
    fresh checkout: same bytes, new inodes and ctimes), its states renewed.

    A file whose size is the recorded one and whose modification time is the recorded
    one as an archive keeps it (`kept_by_archive`) is taken as it is, unread: the caches
    of CI hosts put files back with their times (tar's, to the nanosecond; GitLab's zip,
    to the second), and no edit leaves both as they were. Any other file is read: under
    the same digest, it takes its new state; otherwise it gets a state no file has, so
    that its page is made again and the file written again. None when `out` holds no
    site, or one whose marker another program wrote. (A site that is not restored, whose
    marker is the recorded one, never comes here: its files' whole states are compared.)"""
    site_marker = marker(out)
    if site_marker is None or not marker_is_ours(out):
        return None
    site = f"{out}/"
    files = dict(record.files)
    for path, known in record.files.items():
        state = stat_key(site + path)
        if state == known.stat:
            continue
        if state is not None and kept_by_archive(state, known.stat):
            files[path] = FileState(known.digest, state)
            continue
        same = state is not None and _digest_of(site + path, state[0]) == known.digest
        files[path] = FileState(known.digest,
                                state if same and state is not None else UNSETTLED)
    return replace(record, marker=site_marker, files=files)


# How finely archives keep a file's modification time, in nanoseconds, when not to the
# nanosecond (as pax tar, the actions/cache tarball, does): a zip's NTFS field to 100 ns,
# its extended timestamp (GitLab's cache) to the second, and clocks in between. Each tick
# divides the next. (A time rounded rather than cut, as Go's tar in GitLab's optional
# `tarzstd` cache rounds it, is not taken: a change made the next second could pass.)
ARCHIVE_CLOCKS = (100, 1_000, 1_000_000, 1_000_000_000)


def kept_by_archive(now: StatKey, recorded: StatKey) -> bool:
    """Whether a file's state is the recorded one as an archive puts it back: the same
    size, and the recorded modification time, or that time cut to an archive's clock
    (`ARCHIVE_CLOCKS`); its inode and ctime are new."""
    if now[0] != recorded[0]:
        return False
    kept, cut = now[1], recorded[1] - now[1]
    if cut == 0:
        return True
    for tick in ARCHIVE_CLOCKS if cut > 0 else ():  # each tick divides the next:
        if cut < tick:  # the first that the cut fits in decides
            return kept % tick == 0
    return False


def _digest_of(path: str, size: int) -> bytes | None:
    """The digest of a file's bytes; None if it cannot be read."""
    try:
        return digest(_read(path, size))
    except OSError:
        return None


def _read(path: str, size: int) -> bytes:
    """A file's bytes, read at once when it has the `size` its state said (a fresh checkout
    has every note read, and a restored site may have every file read: a quarter less time
    than through a Python file object), and to its end in any case."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        parts = [os.read(fd, size + 1)]
        while parts[-1]:
            parts.append(os.read(fd, 1 << 16))
    finally:
        os.close(fd)
    return b"".join(parts)


def quick(root: Path, out: Path, record: Record, settings: bytes, found: Scan,
          check_site: bool = True) -> Quick | None:
    """Rebuild from `record` when nothing changed but the text of notes; None when a full
    build is needed. `check_site=False` trusts that the site's files are as recorded: a
    folder no one else writes, or a site whose files' states `restored` took just now
    (giving UNSETTLED to a file that is not as recorded)."""
    if (record.settings != settings or record.listing != found.listing
            or record.notes.keys() != found.stats.keys()):
        return None
    site = f"{out}/"
    for path, file in record.files.items() if check_site else ():
        if stat_key(site + path) != file.stat:
            return None  # a file of the site was changed: a full build writes it again
    if not check_site and any(file.stat == UNSETTLED for file in record.files.values()):
        return None  # a restored file whose bytes are not the recorded ones
    notes = dict(record.notes)
    texts: dict[str, str] = {}  # note -> its new text
    journal = f"{root}/"
    for rel, key in found.stats.items():
        known = notes[rel]
        if known.stat == key:
            continue
        try:
            data = _read(journal + rel, key[0])
        except OSError:
            return None
        if digest(data) == known.digest:
            notes[rel] = known._replace(stat=found.settled(rel))  # touched, same bytes
            continue
        text = _text_only_edit(rel, found.kinds[rel], data, known, record)
        if text is None:
            return None
        texts[rel] = text
        notes[rel] = known._replace(stat=found.settled(rel), digest=digest(data))
    if notes == record.notes:
        return Quick((), None)
    files = dict(record.files)
    changes: dict[str, bytes] = {}
    md = make_markdown(record.allow_html)
    for rel, text in texts.items():
        page, (before, after) = record.frames[rel]
        try:
            old = (out / page).read_bytes()
        except OSError:
            return None
        if digest(old) != files[page].digest or before + after > len(old):
            return None  # the page is not what the record says
        try:
            html = render_markdown(md, text, "../" * page.count("/"), record.ref_index)
        except TooDeep:
            return None  # a warning to report: the full build does it
        new = old[:before] + html.encode("utf-8") + old[len(old) - after:]
        if new != old:
            changes[page] = new
    if changes and WORKER in files:  # the service worker names the build: made again
        digests = {path: file.digest for path, file in files.items()}
        digests.update({page: digest(new) for page, new in changes.items()})
        changes[WORKER] = worker_script(digests)
    if changes:
        update_site(out, changes)
        for page, new in changes.items():
            written = stat_key(out / page)
            if written is None:
                return None
            files[page] = FileState(digest(new), written)
    site_marker = marker(out)
    if site_marker is None:
        return None
    # A page written here no longer holds what its key in the memory says: the next full
    # build renders it (the memory itself is not read here: see Record.memory).
    return Quick(tuple(sorted(changes)), replace(record, notes=notes, files=files,
                                                 marker=site_marker,
                                                 spliced=record.spliced | changes.keys()))


def _text_only_edit(rel: str, kind: str, data: bytes, known: NoteState, record: Record
                    ) -> str | None:
    """The new text of a note whose front matter and gist are the ones recorded, which
    had no problem and still has none (its [[wikilinks]] all name contacts), and whose
    text shows in its page; else None."""
    if not known.clean or rel not in record.frames:
        return None
    raw, problems = parse_note(rel, kind, data)
    if raw is None or problems:
        return None
    validate = validate_contact if kind == CONTACTS else validate_meeting
    record_or_none, problems = validate(raw)
    if problems or not raw.body.strip():  # a blank text hides its section
        return None
    if head_digest(raw.head, getattr(record_or_none, "gist", "")) != known.head:
        return None  # the front matter, or the gist other pages show, changed
    links = record_or_none.links if record_or_none is not None else ()
    if any(lookup(record.ref_index, link.text) is None for link in links):
        return None  # a link to no contact: a warning the full build reports
    return raw.body
