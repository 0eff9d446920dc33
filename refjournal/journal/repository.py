"""Where the journal is kept: its repository's address on a git host (`repo_url`), and its
folder inside that repository.

The site links to the host's editor with both (site/editing.py). The host is told from
the address's host name; the folder is found on disk, as git finds the top of a work tree
(the nearest folder at or above the journal that holds `.git`), when the journal is
loaded: the stages after it get it as data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..model import Config
from ..problems import Problem, warning
from .read import CONFIG, RawNote

GITHUB, GITLAB, GITEA, BITBUCKET = "github", "gitlab", "gitea", "bitbucket"  # Forgejo: GITEA
KNOWN_HOSTS = {"github.com": GITHUB, "gitlab.com": GITLAB, "bitbucket.org": BITBUCKET,
               "codeberg.org": GITEA, "gitea.com": GITEA}
# A host of one's own is known by a part of its name that names its software:
# `gitlab.example.com`, `github.example.com` (GitHub Enterprise), `forgejo.example.org`.
NAMED_HOSTS = {"github": GITHUB, "gitlab": GITLAB, "gitea": GITEA, "forgejo": GITEA}


@dataclass(frozen=True)
class Address:
    """A repository's address on its git host, as `repo_url` gives it."""

    base: str  # `https://github.com/you/journal`: no `.git`, no `/` at the end
    host: str  # GITHUB, GITLAB, GITEA or BITBUCKET; "" when no link can be made
    problem: str = ""  # why not, for the warning


def address(url: str) -> Address:
    """Which host `url` is on, and whether it names a repository there."""
    base = url.rstrip("/").removesuffix(".git")
    parts = urlsplit(base)
    name = (parts.hostname or "").lower()
    host = KNOWN_HOSTS.get(name.removeprefix("www.")) or next(
        (NAMED_HOSTS[label] for label in name.split(".")[:-1] if label in NAMED_HOSTS), "")
    if not host:
        return Address(base, "", f"cannot tell which git host `{name}` is, so the pages "
                       "get no links to its editor; refjournal knows github.com, gitlab.com, "
                       "bitbucket.org, codeberg.org, gitea.com, and a host of your own whose "
                       "name says GitHub, GitLab, Gitea or Forgejo (`gitlab.example.com`)")
    path = [part for part in parts.path.split("/") if part]
    whole = len(path) == 2 or (host == GITLAB and len(path) > 2 and "-" not in path)
    if parts.query or parts.fragment or not whole:
        example = "group/project" if host == GITLAB else "owner/repository"
        return Address(base, "", f"`{url}` is not the address of a repository, so the pages "
                       f"get no links to its editor; give it as `https://{name}/{example}` "
                       "(and the branch as `edit_branch`)")
    return Address(base, host)


def check(config: Config, raw: RawNote | None) -> list[Problem]:
    """A warning when `repo_url` is set but no links can be made from it."""
    if not config.repo_url:
        return []
    problem = address(config.repo_url).problem
    if not problem:
        return []
    line = raw.line_of("repo_url") if raw is not None else None
    source = raw.source_line(line) if raw is not None and line is not None else None
    return [warning(CONFIG, line, f"repo_url: {problem}", source)]


def folder_in_repository(root: Path) -> str:
    """The journal's folder relative to the top of its git repository, with `/` between
    parts: `notes/journal`, or "" when the journal is the top (or is in no repository)."""
    here = Path(os.path.realpath(root))
    for top in (here, *here.parents):
        if (top / ".git").exists():  # a folder, or a file (a worktree, a submodule)
            folder = here.relative_to(top).as_posix()
            return "" if folder == "." else folder
    return ""
