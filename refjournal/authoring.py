"""Writing notes for the user: a new journal (`init`), a contact and a meeting (`new`).

These are the only functions of refjournal that write into a journal. Every file is
created with exclusive mode (`x`): an existing file is never overwritten, not even by a
race with an editor or a second run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .journal.fields import BadValue, unwrap_wikilink
from .journal.fields import heat as check_heat
from .journal.load import load
from .journal.naming import MAX_SLUG, default_title, meeting_folder, meeting_stem
from .journal.read import (
    CONFIG,
    CONTACTS,
    MEETINGS,
    NOTE_SUFFIX,
    enclosing_journal,
    inside,
    note_stem,
    walk,
)
from .journal.resolve import find_contact
from .model import Journal
from .slug import fold_name, slugify

GITIGNORE = ".gitignore"
SAMPLE_CONTACT = "Alex Example"


class AuthoringError(Exception):
    """A note or a journal that cannot be written, with the reason for the user."""


@dataclass(frozen=True)
class Written:
    path: Path
    note: str  # what was written (or, for a dry run, would be)


def front_matter(meta: Mapping[str, Any], body: str = "") -> str:
    """A note: YAML front matter (quoted where YAML needs it, keys in the given order)
    and a body."""
    data = {key: value for key, value in meta.items() if value not in (None, "", [], ())}
    text = yaml.dump(data, Dumper=_NoteDumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=100)
    return f"---\n{text}---\n{body}"


class _NoteDumper(yaml.SafeDumper):
    """Block style, except a list of plain values on one line: `tags: [a, b]`."""

    def represent_list(self, data: Any) -> yaml.Node:  # type: ignore[override]
        flow = all(not isinstance(item, dict | list) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_NoteDumper.add_representer(list, _NoteDumper.represent_list)


def create(root: Path, path: Path, text: str) -> None:
    """Write a new file under `root`, all or nothing: refuses (AuthoringError) when anything
    is at `path` already, or when `path` would lead out of `root` through a symlink.

    The text goes to a temporary file first, which is then linked to `path` (a link, unlike
    a rename, fails when the name exists): a failed write never leaves half a note behind.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not inside(os.path.realpath(path.parent), os.path.realpath(root)):
            raise AuthoringError(f"{path.parent} leads out of the journal through a symlink; "
                                 "nothing was written")
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".refjournal-new-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            os.chmod(temporary, 0o644 & ~_umask())
            os.link(temporary, path)
        finally:
            os.unlink(temporary)
    except FileExistsError:
        raise AuthoringError(f"{path} exists already; nothing was overwritten") from None
    except OSError as exc:
        raise AuthoringError(f"cannot write {path}: {exc.strerror or exc}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def looks_like_journal(root: Path) -> bool:
    return any(os.path.lexists(root / name) for name in (CONFIG, CONTACTS, MEETINGS))


def init_journal(folder: Path, today: dt.date) -> list[Path]:
    """A new journal in `folder` (made if missing): settings, a sample contact and meeting,
    and a .gitignore for the site. Refuses a folder that holds a journal already."""
    for name in (CONFIG, CONTACTS, MEETINGS):
        if os.path.lexists(folder / name):
            raise AuthoringError(f"{folder} already holds a journal ({name} is there); "
                                 "nothing was written")
    if folder.exists() and not folder.is_dir():
        raise AuthoringError(f"{folder} is a file, not a folder")
    outer = enclosing_journal(folder.absolute().parent)
    if outer is not None:
        raise AuthoringError(f"{folder} is inside the journal {outer} (it holds {CONFIG}); "
                             "start the new journal outside it, or keep your notes in that "
                             "one; nothing was written")
    slug = slugify(SAMPLE_CONTACT)
    files = {
        CONFIG: CONFIG_TEMPLATE.replace("{today}", today.isoformat()),
        f"{CONTACTS}/{slug}.md": front_matter({
            "name": SAMPLE_CONTACT, "company": "Example & Co", "role": "Founder",
            "tags": ["sample"], "met": today, "cadence": "1m",
            "needs": "Introductions to growing firms that need what Example & Co does.",
        }, "A sample contact: edit it, or delete it once you have added your own.\n"),
        f"{MEETINGS}/{today.year}/{today.isoformat()}-coffee-with-{slug}.md": front_matter({
            "date": today, "with": slug, "kind": "coffee",
            "title": f"Coffee with {SAMPLE_CONTACT}",
            "follow_ups": [{"due": today + dt.timedelta(days=7),
                            "what": "Send Alex the introduction we talked about"}],
        }, "A sample meeting. What was said, what they need, who you could introduce.\n"),
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AuthoringError(f"cannot make {folder}: {exc.strerror or exc}") from None
    written = []
    for rel, text in files.items():
        create(folder, folder / rel, text)
        written.append(folder / rel)
    if not os.path.lexists(folder / GITIGNORE):  # never touch the user's own
        create(folder, folder / GITIGNORE, "# The site refjournal builds from these notes\n"
               "site/\n")
        written.append(folder / GITIGNORE)
    return written




def contact_slugs(root: Path) -> dict[str, str]:
    """Every contact note's slug, with its path: what a new contact must not collide with."""
    return {slugify(note_stem(rel)): rel for rel in walk(root, CONTACTS, NOTE_SUFFIX).files}


def contact_names(journal: Journal) -> dict[str, str]:
    """Every contact's name and alias (folded), with the note that has it."""
    names: dict[str, str] = {}
    for contact in journal.contacts.values():
        if not contact.unresolved:
            for name in (contact.name, *contact.aliases):
                names.setdefault(fold_name(name), contact.source.path)
    return names


@dataclass(frozen=True)
class NewContact:
    """What a new contact note says besides the name."""

    company: str = ""
    role: str = ""
    cadence: str = ""
    tags: Sequence[str] = ()
    met: dt.date | None = None
    extra: Mapping[str, Any] | None = None  # more front matter (an imported card's)
    body: str = ""


def new_contact(root: Path, name: str, fields: NewContact = NewContact(), *,
                dry_run: bool = False, taken: dict[str, str] | None = None,
                names: Mapping[str, str] | None = None, slug: str = "") -> Written:
    """Write `contacts/<slug>.md`; refuses when a contact note has the slug, or the name
    as its name or an alias (refs by that name would then be ambiguous).

    `taken` (slugs to paths, see contact_slugs) and `names` (see contact_names) save a walk
    of the journal for each of many new contacts; `taken` is updated.
    """
    company, role, cadence = fields.company, fields.role, fields.cadence
    name = " ".join(name.split())
    slug = slug or slugify(name)[:MAX_SLUG].rstrip("-")
    if not slug:
        raise AuthoringError(f"`{name}` has no letter or digit to make a file name from")
    if taken is None:
        taken = contact_slugs(root)
    if slug in taken:
        raise AuthoringError(f"{taken[slug]} has the slug `{slug}` already; nothing was "
                             "written")
    if names is None:
        names = contact_names(load(root).journal) if looks_like_journal(root) else {}
    if fold_name(name) in names:
        raise AuthoringError(f"{names[fold_name(name)]} has the name `{name}` already (as its "
                             "name or an alias); give this one a name that tells them apart")
    meta: dict[str, Any] = {"name": name, "company": company, "role": role,
                            "tags": list(fields.tags), "met": fields.met,
                            "cadence": int(cadence) if cadence.isdigit() else cadence}
    meta.update(fields.extra or {})
    note = front_matter(meta, fields.body)
    path = root / CONTACTS / f"{slug}.md"
    if not dry_run:
        create(root, path, note)
    taken[slug] = f"{CONTACTS}/{slug}.md"
    return Written(path, note)


def resolve_refs(journal: Journal, refs: Iterable[str]) -> list[str]:
    """The slugs of `refs`, as the build resolves them; an unknown one is an error that
    names the nearest matches."""
    slugs = []
    for text in refs:
        slug = find_contact(journal, unwrap_wikilink(text))
        if slug is None:
            raise AuthoringError(f"no contact matches `{text}`"
                                 f"{_nearest(journal, unwrap_wikilink(text))}")
        if slug not in slugs:
            slugs.append(slug)
    return slugs


def _nearest(journal: Journal, text: str) -> str:
    """Up to three contacts whose name or slug contains what was typed, or looks like it."""
    people = [(c.name, slug) for slug, c in journal.contacts.items() if not c.unresolved]
    typed = fold_name(text)
    found = [name for name, slug in people if typed and (typed in fold_name(name)
                                                          or slugify(text) in slug)]
    keys = {fold_name(name): name for name, _ in people}
    keys.update((slug, name) for name, slug in people)
    found += [keys[k] for k in difflib.get_close_matches(typed, list(keys), n=3, cutoff=0.6)]
    shown = list(dict.fromkeys(found))[:3]
    if not shown:
        return "; add it with `refjournal new contact`"
    return "; did you mean " + " or ".join(f"`{name}`" for name in shown) + "?"


@dataclass(frozen=True)
class NewMeeting:
    """What a new meeting note says besides who and when: enough to log it in one line."""

    kind: str = ""
    title: str = ""
    gave: Sequence[str] = ()  # referrals given, each `PROSPECT[:heat]`
    got: Sequence[str] = ()  # referrals received, likewise
    follow_ups: Sequence[tuple[dt.date, str]] = ()
    attendance: str = ""
    note: str = ""  # the note's text


def new_meeting(root: Path, journal: Journal, refs: Sequence[str], *, date: dt.date,
                fields: NewMeeting = NewMeeting()) -> Written:
    """Write `meetings/<year>/<date>-<slug>.md`, with a suffix when that name is taken."""
    slugs = resolve_refs(journal, refs)
    title = fields.title or default_title(fields.kind,
                                          [journal.contacts[s].name for s in slugs])
    meta: dict[str, Any] = {
        "date": date, "with": slugs[0] if len(slugs) == 1 else slugs,
        "kind": fields.kind.lower(), "title": title, "attendance": fields.attendance,
        "gave": [exchange_entry(text) for text in fields.gave],
        "got": [exchange_entry(text) for text in fields.got],
        "follow_ups": [{"due": due, "what": what} for due, what in fields.follow_ups]}
    body = fields.note.strip() + "\n" if fields.note.strip() else ""
    return write_meeting(root, date, title, meta, body)


def exchange_entry(text: str) -> dict[str, Any]:
    """`Acme roofing:4` -> a referral about Acme roofing, heat 4 (or cold, warm, hot); an
    ending that is no heat is part of the prospect (`Meeting: 10am`)."""
    prospect, _, end = text.rpartition(":")
    try:
        heat = check_heat(end.strip()) if prospect else None
    except BadValue:
        heat = None
    if heat is None:
        return {"prospect": " ".join(text.split())}
    entry: dict[str, Any] = {"prospect": " ".join(prospect.split())} if prospect.strip() else {}
    entry["heat"] = heat
    return entry


def write_meeting(root: Path, date: dt.date, title: str, meta: Mapping[str, Any],
                  body: str = "", dry_run: bool = False, planned: set[Path] | None = None
                  ) -> Written:
    """Write a meeting note at `meetings/<year>/<date>-<slug of title>.md`, with a suffix
    when that name is taken (or `planned` by the same run); `dry_run` only says where."""
    base = meeting_stem(date, title)
    folder = root / meeting_folder(date)
    note = front_matter(meta, body)
    for n in range(1, 1000):
        path = folder / (f"{base}.md" if n == 1 else f"{base}-{n}.md")
        if os.path.lexists(path) or (planned is not None and path in planned):
            continue
        if planned is not None:
            planned.add(path)
        if dry_run:
            return Written(path, note)
        try:
            create(root, path, note)
        except AuthoringError:
            if os.path.lexists(path):  # made meanwhile: take the next suffix
                continue
            raise
        return Written(path, note)
    raise AuthoringError(f"too many meetings named {base} in {folder}")


CONFIG_TEMPLATE = """\
# refjournal settings. Every option is optional: uncomment one to change it.
# The values shown are the defaults. See docs/journal-format.md and docs/insights.md.

# Your name, shown on the site: the person on the giving and getting side of every note.
# owner: Your Name

# The title of the site.
# title: refjournal

# How often to be in touch with a contact that has neither `cadence` nor `tier`: a number
# of days, or days `d`, weeks `w`, months `m` or years `y` (`90d`, `3m`). None by default:
# such contacts get no keep-in-touch reminder.
# default_cadence: 3m

# Ask how a referral you gave went when it is still open this many days later.
# referral_check_days: 30

# A follow-up due within this many days is "due soon".
# soon_days: 7

# Show a birthday this many days ahead.
# birthday_days: 14

# A referral back within this many days of your first referral to someone counts as
# reciprocated.
# reciprocity_days: 90

# The loop on referrals you receive: call the prospect and thank the referrer within
# days, and tell the referrer how it is going. Referrals received before `loop_since`
# make none of these due (without it: those of the last 30 days).
loop_since: {today}
# contact_prospect_days: 2
# thank_days: 2
# report_back_days: 30

# The currency of the values, shown with the figures (GBP, EUR, USD...).
# currency: GBP

# Goals on the dashboard (0 turns one off).
# goals:
#   one_to_ones_per_week: 5       # meetings of kind one-to-one, coffee or lunch
#   events_per_week: 3            # meetings of kind event
#   referrals_given_per_month: 4  # gave entries of type referral
#   closed_business_per_month: 0  # the value of won referrals you received

# The chapter's scorecard over the last `months` months: green from `green` up, amber
# from `amber` up, else red. Chapters set their own thresholds; these are the defaults.
# scorecard:
#   months: 6
#   attendance: {green: 0.95, amber: 0.85}   # share of chapter meetings you were at
#   one_to_ones: {green: 1, amber: 0.5}      # a week
#   referrals: {green: 1, amber: 0.5}        # given, a week
#   visitors: {green: 2, amber: 1}
#   education: {green: 6, amber: 3}
#   testimonials: {green: 2, amber: 1}
#   closed_business: {green: 10000, amber: 2500}

# Let raw HTML in notes through to the site (only for notes you trust).
# allow_html: false

# Your own email addresses: `import calendar` knows you among an event's attendees (an
# event you declined is skipped), and never takes you for a contact.
# owner_email: [you@example.com, you@work.example]

# The journal's repository on its git host (GitHub, GitLab, Gitea, Forgejo, Bitbucket):
# pages then link to the host's editor, to log a meeting or edit a note from a phone.
# repo_url: https://github.com/you/journal
# The branch those links open (default: main).
# edit_branch: main

# Keep the pages a reader visited, and the search index, for reading offline (a service
# worker; the site must be served over HTTPS). false: online only.
# offline: true
"""
