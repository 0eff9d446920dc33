"""Read stage: find the notes of a journal and split each into front matter and body.

Nothing here knows what the keys mean; that is the validate stage's job. Every failure
becomes a Problem with the file's real line number.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..problems import Problem, error, warning
from .yaml_hints import hint

try:  # libyaml's parser is about eight times faster than the pure-Python one
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

CONTACTS = "contacts"
MEETINGS = "meetings"
CONFIG = "refjournal.yaml"
_BOM = b"\xef\xbb\xbf"
NOTE_SUFFIX = ".md"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_UNCLOSED = re.compile(r"while (parsing a flow|scanning a quoted|scanning a double-quoted)")
_CONFLICT = re.compile(r"^(<{7}|>{7}|\|{7})( |$)")
_CONFLICT_RUNS = ("<<<<<<<", ">>>>>>>", "|||||||")  # no line of a note without one is a marker


class NoteLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML loader that leaves dates as text (`YamlDate`), so refjournal checks them itself.

    PyYAML would raise on `2026-02-30` while constructing, losing the line; and it turns
    `2026-05-01 10:00:00` into a datetime. Keeping the text lets validate report a clear problem.
    """


_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _NotPlain(Exception):
    """A node `_tree_value` leaves to PyYAML's constructor."""


def _tree_value(loader: NoteLoader, node: yaml.Node) -> Any:
    """The value of a node of a tree, as `construct_document` gives it, without its
    bookkeeping (for aliases, recursive and deep objects, which a tree cannot hold);
    `_NotPlain` for a node it may not construct the same way: an explicit tag, a merge key
    (tests/test_yaml_tree.py)."""
    if isinstance(node, yaml.ScalarNode):
        make = loader.yaml_constructors.get(node.tag)
        if make is None:
            raise _NotPlain
        return make(loader, node)
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        return [_tree_value(loader, item) for item in node.value]
    if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
        raise _NotPlain
    mapping = {}
    for key_node, value_node in node.value:
        key = _tree_value(loader, key_node)
        try:
            hash(key)
        except TypeError:
            raise _NotPlain from None
        mapping[key] = _tree_value(loader, value_node)
    return mapping


def construct(loader: NoteLoader, node: yaml.Node, text: str) -> Any:
    """The value of the document `node` (of YAML `text`): directly when it is a tree (no
    alias makes one node the value of two keys), else by PyYAML's constructor."""
    if "*" not in text:
        try:
            return _tree_value(loader, node)
        except _NotPlain:
            pass
    return loader.construct_document(node)


def _construct_int(loader: NoteLoader, node: yaml.ScalarNode) -> int | str:
    """YAML 1.1 reads `01234567` as octal and `10:30` as 630: keep such numbers as text."""
    text = str(node.value)
    digits = text.lstrip("+-")
    if ":" in text or (len(digits) > 1 and digits[0] == "0" and digits[1] in "0123456789_o"):
        return text
    number: int = loader.construct_yaml_int(node)
    return number


class YamlDate(str):
    """The text of an unquoted date: a date field parses it, a text field refuses it.

    YAML reads `name: 2026-01-01` as a date, and so do other tools that read the same notes;
    a text field says so and asks for quotes rather than guessing.
    """

    __slots__ = ()


def _construct_date(loader: NoteLoader, node: yaml.ScalarNode) -> YamlDate:
    return YamlDate(node.value)


NoteLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
NoteLoader.add_constructor(_TIMESTAMP, _construct_date)

# A key path inside the front matter, e.g. ("gave", 0, "to"), mapped to its 1-based line.
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class RawNote:
    """A note split into parts: front matter as plain data, with the line of every key."""

    path: str  # relative to the journal, with `/` separators
    kind: str  # CONTACTS or MEETINGS
    meta: Mapping[Any, Any]
    lines: Mapping[KeyPath, int]
    body: str
    body_line: int  # 1-based line where the body starts
    head: tuple[str, ...] = field(default=(), repr=False)  # front matter lines, for excerpts

    @property
    def stem(self) -> str:
        return note_stem(self.path)

    def line_of(self, *key: str | int) -> int:
        """The line of a key path, falling back to its nearest known parent, then line 1."""
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return 1

    def source_line(self, line: int) -> str | None:
        return self.head[line - 1] if 0 < line <= len(self.head) else None


def enclosing_journal(folder: Path) -> Path | None:
    """The nearest folder, `folder` or above it, that holds refjournal.yaml (as git finds
    `.git`); None when there is none up to the top of the file system."""
    here = folder.absolute()
    for candidate in (here, *here.parents):
        if (candidate / CONFIG).is_file():
            return candidate
    return None


def note_stem(path: str) -> str:
    """`contacts/clients/José Núñez.md` -> `José Núñez`."""
    return path.rsplit("/", 1)[-1][: -len(NOTE_SUFFIX)]


@dataclass(frozen=True)
class Listing:
    """What a walk of one journal folder found, every list in sorted walk order."""

    files: tuple[str, ...]  # files to read, relative to the journal, `/` separators
    others: tuple[str, ...]  # folders (ending in `/`) and files without the wanted suffix
    problems: tuple[Problem, ...]  # symlinks out of the journal, pipes and devices


def walk(root: Path, top: str, suffix: str = "") -> Listing:
    """List the files under `root/top` that end in `suffix`, in sorted order.

    Names that start with `.` (`.git`, `.obsidian`, editor swap files) are skipped. A symlink
    is followed only when it points inside the journal; one that points outside (or a `top`
    that leads outside through a linked parent) is reported and skipped, so a build never
    reads, or copies into the site, files from elsewhere. A folder reached twice, or a link
    back to a folder above, is walked once. A folder that cannot be listed is an error. A
    FIFO, socket or device with the suffix is an error and is not read: reading a FIFO would
    block.
    """
    return _Walk(root, top, suffix).run()


class _Walk:
    """One walk (see `walk`): what it found so far."""

    def __init__(self, root: Path, top: str, suffix: str) -> None:
        self.root, self.top, self.suffix = root, top, suffix
        self.boundary = os.path.realpath(root)
        self.prefix = os.path.join(root, "")  # every path below starts with it: cut, not parsed
        self.start = os.path.join(root, top)
        self.files: list[str] = []
        self.others: list[str] = []
        self.problems: list[Problem] = []

    def run(self) -> Listing:
        start, top = self.start, self.top
        if os.path.exists(start) and not os.path.isdir(start):
            self.problems.append(warning(top, None, f"{top} is a file, not a folder; nothing "
                                         "in it is read"))
        if os.path.isdir(start) and not self.outside(start):
            self._walk(os.path.realpath(start))
        return Listing(tuple(self.files), tuple(self.others), tuple(self.problems))

    def _walk(self, real_start: str) -> None:
        """Depth first, each folder's files before its sub-folders, all sorted: the order of
        os.walk, with scandir's file types (no stat per file, which halves the time of a
        walk over 10,000 notes)."""
        seen = {real_start}
        stack = [(self.start, real_start)]
        while stack:
            folder, real_folder = stack.pop()
            try:
                with os.scandir(folder) as scan:
                    entries = sorted(scan, key=lambda entry: entry.name)
            except OSError as exc:
                where = self.rel(exc.filename) if exc.filename else self.top
                self.problems.append(error(where, None, "cannot read folder: "
                                           f"{exc.strerror or exc}"))
                continue
            subfolders = self._folders(entries, real_folder, real_start, seen)
            self._files(entries)
            stack.extend(reversed(subfolders))

    def _folders(self, entries: list[os.DirEntry[str]], real_folder: str, real_start: str,
                 seen: set[str]) -> list[tuple[str, str]]:
        """The sub-folders of one folder to walk next, each with its real path."""
        subfolders = []
        for entry in entries:
            if entry.name.startswith(".") or not _is_dir(entry):
                continue
            if entry.is_symlink():
                if self.outside(entry.path):
                    continue
                real = os.path.realpath(entry.path)
            else:
                real = os.path.join(real_folder, entry.name)
            if real not in seen and not inside(real_start, real):  # no loop back above
                seen.add(real)
                subfolders.append((entry.path, real))
                self.others.append(self.rel(entry.path) + "/")
        return subfolders

    def _files(self, entries: list[os.DirEntry[str]]) -> None:
        for entry in entries:
            name = entry.name
            if name.startswith(".") or _is_dir(entry) or (entry.is_symlink()
                                                          and self.outside(entry.path)):
                continue
            if not name.endswith(self.suffix):
                self.others.append(self.rel(entry.path))
            elif _is_file(entry) or not os.path.exists(entry.path):  # dangling: a read error
                self.files.append(self.rel(entry.path))
            else:  # reading a FIFO would wait forever, and a device is no note
                self.problems.append(error(self.rel(entry.path), None, "cannot read file: not "
                                           "a regular file (a pipe, socket or device); move "
                                           "it out of the journal"))

    def rel(self, path: str) -> str:
        prefix = self.prefix
        cut = (path[len(prefix):] if path.startswith(prefix)
               else os.path.relpath(path, self.root))
        return cut.replace(os.sep, "/")

    def outside(self, path: str) -> bool:
        """Whether `path` (a symlink, or the start) leads out of the journal; said if so."""
        if not os.path.islink(path) and path != self.start:
            return False
        real = os.path.realpath(path)
        if inside(real, self.boundary):
            return False
        what = "symlink points" if os.path.islink(path) else "folder is reached through a symlink"
        self.problems.append(warning(self.rel(path), None, f"{what} outside the journal (to "
                                     f"{real}); not followed"))
        return True


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def inside(path: str, folder: str) -> bool:
    """Whether the real path `path` is `folder` or below it."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


Discovered = tuple[list[tuple[str, str]], list[str], list[Problem]]


def discover(root: Path) -> Discovered:
    """Find the notes of a journal: `([(path, kind)], non-notes under contacts/, problems)`."""
    notes: list[tuple[str, str]] = []
    problems: list[Problem] = []
    non_notes: tuple[str, ...] = ()
    for kind in (CONTACTS, MEETINGS):
        listing = walk(root, kind, NOTE_SUFFIX)
        notes += ((path, kind) for path in listing.files)
        problems += listing.problems
        if kind == CONTACTS:
            non_notes = listing.others
    return notes, list(non_notes), problems


def read_config(root: Path) -> tuple[RawNote | None, list[Problem]]:
    """Read `refjournal.yaml` if there is one (it is optional)."""
    path = root / CONFIG
    if not path.is_file():
        return None, []
    real = os.path.realpath(path)
    if not inside(real, os.path.realpath(root)):
        return None, [warning(CONFIG, None, f"symlink points outside the journal (to {real}); "
                              "not followed, so the default settings are used")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(CONFIG, None, f"cannot read file: {exc.strerror or exc}")]
    text, problem = _decode(CONFIG, data)
    if text is None:
        return None, [problem] if problem else []
    head = tuple(text.split("\n"))
    meta, key_lines, problem = _load_yaml(CONFIG, text, head, offset=1)
    if problem:
        return None, [problem]
    return RawNote(CONFIG, CONFIG, meta, key_lines, "", len(head), head), []


def read_note(root: Path, rel: str, kind: str) -> tuple[RawNote | None, list[Problem]]:
    """Read one note from disk; on failure return None and the problems that say why."""
    try:
        data = (root / rel).read_bytes()
    except OSError as exc:
        return None, [error(rel, 1, f"cannot read file: {exc.strerror or exc}")]
    return parse_note(rel, kind, data)


def parse_note(rel: str, kind: str, data: bytes) -> tuple[RawNote | None, list[Problem]]:
    """Split the bytes of a note into front matter and body."""
    text, problem = _decode(rel, data)
    if text is None:
        return None, [problem] if problem else []
    lines = text.split("\n")
    problems = (_conflict_markers(rel, lines)
                if any(marker in text for marker in _CONFLICT_RUNS) else [])
    if not lines or lines[0].rstrip() != "---":
        note = RawNote(rel, kind, {}, {}, text, 1)
        return (None if problems else note), problems

    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if closing is None:
        problems.append(error(rel, 1, "front matter has no closing `---` line; "
                              "add one after the last key", lines[0]))
        return None, problems
    head = tuple(lines[: closing + 1])
    body = "\n".join(lines[closing + 1:])
    if problems:
        return None, problems
    yaml_text = "\n".join(lines[1:closing])
    meta, key_lines, problem = _load_yaml(rel, yaml_text, head, offset=2)
    if problem:
        return None, [problem]
    if not meta:
        return None, [error(rel, 1, "front matter is empty: write the note's keys between the "
                            "two `---` lines, or delete both lines", lines[0])]
    return RawNote(rel, kind, meta, key_lines, body, closing + 2, head), []


def _decode(rel: str, data: bytes) -> tuple[str | None, Problem | None]:
    """Decode UTF-8 (a BOM allowed), normalise CRLF and CR line ends to LF."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        return None, error(rel, line, "binary file, not a text note (it holds NUL bytes); "
                           "move it out of the journal or rename it without `.md`")
    bom = len(_BOM) if data.startswith(_BOM) else 0
    try:
        text = data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + bom  # offsets count from the start of the file, BOM included
        line = data.count(b"\n", 0, offset) + 1
        start = data.rfind(b"\n", 0, offset) + 1
        end = data.find(b"\n", offset)
        source = data[start: end if end >= 0 else len(data)].decode("utf-8", "replace")
        return None, error(rel, line, f"not UTF-8: byte 0x{data[offset]:02x} at byte offset "
                           f"{offset} cannot be decoded; save the file as UTF-8",
                           source.lstrip("\ufeff"),
                           _width(data[start:offset]) + 1)
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _width(prefix: bytes) -> int:
    """Characters (not bytes) before the bad byte on its line, for the caret's column."""
    return len(prefix.decode("utf-8", "replace").lstrip("\ufeff"))


def _conflict_markers(rel: str, lines: list[str]) -> list[Problem]:
    return [
        error(rel, number, "git merge conflict marker left in the note; "
              "resolve the conflict and remove the marker lines", line)
        for number, line in enumerate(lines, 1)
        if _CONFLICT.match(line)
    ]


def _load_yaml(rel: str, text: str, head: tuple[str, ...], offset: int
               ) -> tuple[dict[Any, Any], dict[KeyPath, int], Problem | None]:
    """Parse YAML that starts on line `offset` of the file; lines reported are the file's."""
    if not text.strip():
        return {}, {}, None
    where = " in front matter" if rel != CONFIG else ""
    loader = NoteLoader(text)
    try:
        node = loader.get_single_node()
        shape = _shape_problem(node) if node is not None and _may_swamp(text) else None
        if shape is not None:
            at, message = shape
            line = at.line + offset
            return {}, {}, error(rel, line, f"bad YAML{where}: {message}",
                                 head[line - 1] if 0 < line <= len(head) else None,
                                 at.column + 1)
        meta = construct(loader, node, text) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark, began = exc.problem_mark or exc.context_mark, exc.context_mark
        what = " ".join(part for part in (exc.problem, exc.context) if part) or "invalid YAML"
        if mark and began and began.line != mark.line and (
                mark.index >= len(text.rstrip()) or _UNCLOSED.match(exc.context or "")):
            # An unclosed bracket or quote: the mistake is where it began, not where the
            # parser gave up (the next line, or the end of the front matter).
            what += f" (found on line {mark.line + offset})"
            mark = began
        line = mark.line + offset if mark else 1
        column = mark.column + 1 if mark else None
        source = head[line - 1] if 0 < line <= len(head) else None
        if source is not None:
            more, column = hint(what, source, column)
            what += more
        return {}, {}, error(rel, line, f"bad YAML{where}: {what}", source, column)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        return {}, {}, error(rel, offset, f"bad YAML{where}: {exc}")
    finally:
        loader.dispose()
    if meta is None:
        return {}, {}, None
    if not isinstance(meta, dict):
        kind = _yaml_kind(meta)
        return {}, {}, error(rel, offset, f"must be a mapping of `key: value` lines, not {kind}",
                             head[offset - 1] if len(head) >= offset else None)
    key_lines: dict[KeyPath, int] = {}
    duplicates: list[tuple[KeyPath, int, int]] = []
    _map_lines(node, (), key_lines, duplicates, offset, depth=3)
    if duplicates:
        path, line, first = duplicates[0]
        return {}, {}, error(rel, line, f"key `{path[-1]}` appears twice (also on line {first}); "
                             "YAML would keep only the last one: merge them",
                             head[line - 1] if 0 < line <= len(head) else None)
    return meta, key_lines, None


MAX_DEPTH = 256  # levels of nesting in front matter
MAX_VALUES = 100_000  # values in front matter once aliases are expanded


def _may_swamp(text: str) -> bool:
    """Whether front matter could be too deep or too big for `_shape_problem` to pass it:
    never without an alias (`*`) if it is short, and its lines and brackets are few. (A
    node takes at least half a character; two levels of nesting, at least a bracket or a
    column: `[a: [a: x]]` nests twice per bracket.) Most notes skip that walk."""
    if "*" in text or 2 * len(text) + 2 > MAX_VALUES:
        return True
    widest = max(map(len, text.split("\n")))
    return 2 * (widest + text.count("[") + text.count("{")) + 4 > MAX_DEPTH


def _shape_problem(root: yaml.Node) -> tuple[yaml.Mark, str] | None:
    """Refuse front matter that no note needs and that would hang or swamp the run: an
    alias inside the value it names (`&a [*a]` never ends), nesting deeper than MAX_DEPTH,
    or aliases that expand to more than MAX_VALUES values (a "billion laughs")."""
    measured: dict[int, tuple[int, int]] = {}  # node -> (expanded size, height below it)
    open_: set[int] = set()  # the nodes on the path from the root, to catch a cycle

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in open_:
            raise _Shape(node.start_mark, "an alias refers to the value that contains it")
        total, height = measured.get(key, (0, 0))
        if depth + height > MAX_DEPTH:  # an alias can carry a deep value deeper still
            raise _Shape(node.start_mark, f"nested more than {MAX_DEPTH} levels deep")
        if key in measured:
            return total
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        open_.add(key)
        total = 1 + sum(size(child, depth + 1) for child in children)
        open_.discard(key)
        if total > MAX_VALUES:
            raise _Shape(node.start_mark, f"expands to more than {MAX_VALUES:,} values "
                         "through aliases; write the values out")
        height = max((measured[id(child)][1] + 1 for child in children), default=0)
        measured[key] = (total, height)
        return total

    try:
        size(root, 0)
    except _Shape as shape:
        return shape.mark, shape.message
    return None


class _Shape(Exception):
    def __init__(self, mark: yaml.Mark, message: str) -> None:
        super().__init__(message)
        self.mark, self.message = mark, message


def _map_lines(node: yaml.Node, path: KeyPath, out: dict[KeyPath, int],
               duplicates: list[tuple[KeyPath, int, int]], offset: int, depth: int) -> None:
    """Record the line of every key and list item down to `depth` levels, and every key that
    appears twice in one mapping (aliases are not followed deeper than `depth`, so a YAML
    bomb cannot make this slow)."""
    if depth == 0:
        return
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                sub = (*path, key.value)
                line = key.start_mark.line + offset
                if key.value in seen:
                    duplicates.append((sub, line, seen[key.value]))
                seen[key.value] = line
                out[sub] = line
                _map_lines(value, sub, out, duplicates, offset, depth - 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            sub = (*path, index)
            out[sub] = item.start_mark.line + offset
            _map_lines(item, sub, out, duplicates, offset, depth - 1)


def _yaml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "plain text"
    return f"a single value ({type(value).__name__})"
