"""Links to the journal's repository on its git host: edit a note, log a meeting.

With `repo_url` set (and a host it can tell: journal/repository.py), a note's page links
to the host's editor for its file, and the dashboard and each contact's page to the host's
new-file page for a meeting note named as `refjournal new meeting` names one, its front
matter filled in where the host takes it from the address. Nothing runs on a server: the
links are plain addresses, made for the build's day (the page's script moves them to the
reader's day: themes/default/static/site.js). docs/publishing.md says what each host does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import quote

import yaml

from ..journal.naming import default_title, meeting_folder, meeting_path
from ..journal.repository import BITBUCKET, GITEA, GITHUB, GITLAB, address
from ..model import Config, Contact

DEFAULT_BRANCH = "main"  # when `edit_branch` is not set
DEFAULT_KIND = "coffee"  # the kind a logged meeting starts with
# Hosts whose new-file page fills in the note's text from the address; the others show
# the note on the page, to paste.
FILLS_TEXT = frozenset({GITHUB, GITEA})


@dataclass(frozen=True)
class NewMeeting:
    """A link to the host's new-file page for a meeting note, and what it holds."""

    href: str
    path: str  # the note's path in the repository
    note: str  # its text
    day: str  # the day it is dated, `YYYY-MM-DD`
    folder: str  # its folder in the journal (`meetings/2026`), as the addresses hold it
    filled: bool  # whether the host's page fills in the text (else it is shown, to paste)


@dataclass(frozen=True)
class Repository:
    """The journal's repository, as a page's `repo`: where its notes are edited."""

    base: str  # `https://github.com/you/journal`
    host: str  # GITHUB, GITLAB, GITEA or BITBUCKET
    branch: str
    folder: str  # the journal's folder in the repository, "" at its top

    def edit(self, note: str) -> str:
        """The host's editor for the note at `note` (a path in the journal)."""
        path, branch = _path(self.within(note)), _path(self.branch)
        if self.host == GITLAB:
            return f"{self.base}/-/edit/{branch}/{path}"
        if self.host == GITEA:
            return f"{self.base}/_edit/{branch}/{path}"
        if self.host == BITBUCKET:
            return f"{self.base}/src/{branch}/{path}?mode=edit&at={_value(self.branch)}"
        return f"{self.base}/edit/{branch}/{path}"

    def log_meeting(self, day: dt.date, contact: Contact | None = None) -> NewMeeting:
        """A new meeting note of `day`, with `contact` (or with nobody yet: the dashboard's,
        whose `with:` is left for the user to fill in)."""
        names = [contact.name] if contact is not None else []
        title = default_title(DEFAULT_KIND, names)
        note = meeting_note(day, contact.slug if contact is not None else "",
                            DEFAULT_KIND, title if contact is not None else "")
        path = self.within(meeting_path(day, title))
        folder, name = path.rsplit("/", 1)
        branch = _path(self.branch)
        if self.host == GITHUB:  # the folder in `filename`: GitHub drops the address's last
            # part when `filename` is given (github.com/isaacs/github/issues/1527)
            href = f"{self.base}/new/{branch}?filename={_path(path)}&value={_value(note)}"
        elif self.host == GITEA:
            href = (f"{self.base}/_new/{branch}/{_path(folder)}?filename={_value(name)}"
                    f"&value={_value(note)}")
        elif self.host == GITLAB:
            href = (f"{self.base}/-/new/{branch}/{_path(folder)}?file_name={_value(name)}"
                    f"&content={_value(note)}")
        else:  # Bitbucket takes no name nor text from the address
            href = f"{self.base}/create-file/{branch}/{_path(folder)}?at={_value(self.branch)}"
        return NewMeeting(href, path, note, day.isoformat(), meeting_folder(day),
                          self.host in FILLS_TEXT)

    def within(self, note: str) -> str:
        """A path in the journal as a path in the repository."""
        return f"{self.folder}/{note}" if self.folder else note


def repository(config: Config, folder: str) -> Repository | None:
    """The journal's repository, when `repo_url` names one on a host we can tell (the
    load stage warned of one it cannot)."""
    if not config.repo_url:
        return None
    found = address(config.repo_url)
    if not found.host:
        return None
    return Repository(found.base, found.host, config.edit_branch or DEFAULT_BRANCH, folder)


def meeting_note(day: dt.date, with_: str, kind: str, title: str) -> str:
    """The front matter of a new meeting note, the keys left empty ready to fill in (an
    empty key is as good as none: the note reads clean as it is)."""
    keys = {"date": day, "with": with_ or None, "kind": kind or None, "title": title or None,
            "gave": None, "got": None, "follow_ups": None}
    # YAML's own quoting, where a value needs it (`with: 'yes'`, `title: 'Coffee: notes'`);
    # an empty key as `gave:` rather than `gave: null` (a text "null" would be quoted).
    text: str = yaml.dump(keys, Dumper=_Dumper, allow_unicode=True, default_flow_style=False,
                          sort_keys=False, width=1 << 20)
    return "---\n" + _NULL.sub(r"\1:", text) + "---\n\n"


_NULL = re.compile(r"^(\w+): null$", re.MULTILINE)
# libyaml's emitter is ten times faster than the pure-Python one: a note for every contact.
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _path(text: str) -> str:
    return quote(text, safe="/")


def _value(text: str) -> str:
    return quote(text, safe="")
