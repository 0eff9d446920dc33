"""Publish a built site as the whole content of a git branch, and push it.

Git's own commands do all the work, run as subprocesses with the user's configuration and
credentials. The site goes into a commit through a temporary index file, with the built
folder as the work tree, so the user's working tree, index and current branch are never
touched. The remote is pushed before the local branch moves: a refused push changes
nothing, here or there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..site.write import MARKER


class DeployError(Exception):
    """A one-line reason why nothing was deployed."""


@dataclass(frozen=True)
class Deployed:
    commit: str
    branch: str
    pushed_to: str | None  # the remote, or None with --no-push
    remote_said: str  # what `git push` printed, for the user


def git(args: list[str], cwd: Path, env: Mapping[str, str] | None = None) -> str:
    """Run git and return its output; a failure is a DeployError with git's own words."""
    if shutil.which("git") is None:
        raise DeployError("git is not installed (or not on PATH); install git to deploy")
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **(env or {})})
    if result.returncode != 0:
        raise DeployError(_reason(result.stderr or result.stdout, f"git {args[0]} failed"))
    return result.stdout.strip()


def repository(journal: Path) -> Path:
    """The top of the git repository that holds the journal."""
    if shutil.which("git") is None:
        raise DeployError("git is not installed (or not on PATH); install git to deploy")
    try:
        return Path(git(["rev-parse", "--show-toplevel"], journal))
    except DeployError:
        raise DeployError(f"{journal} is not in a git repository; run `git init` there and "
                          "commit the journal first") from None


def check_target(repo: Path, remote: str | None, branch: str) -> None:
    """Refuse a bad branch name or an unknown remote before anything is built."""
    try:
        git(["check-ref-format", "--branch", branch], repo)
    except DeployError:
        raise DeployError(f"`{branch}` is not a valid branch name") from None
    ref = f"refs/heads/{branch}"
    worktrees = git(["worktree", "list", "--porcelain"], repo).splitlines()
    if f"branch {ref}" in worktrees:  # checked out here or in another worktree
        raise DeployError(f"`{branch}` is checked out, and a deploy replaces the content of "
                          "its branch; choose another with --branch (the default is gh-pages)")
    if remote is not None:
        try:
            git(["remote", "get-url", remote], repo)
        except DeployError:
            raise DeployError(f"no remote named `{remote}` in {repo}; add one with "
                              f"`git remote add {remote} URL`") from None


def publish(repo: Path, journal: Path, site: Path, *, branch: str, remote: str | None,
            keep_history: bool, message: str | None) -> Deployed:
    """Commit `site` as the whole content of `branch`, push it to `remote`, then move the
    local branch (in that order, so that a refused push leaves everything as it was)."""
    (site / ".nojekyll").write_bytes(b"")  # GitHub Pages: serve the files as they are
    (site / MARKER).unlink(missing_ok=True)  # a note to later builds, not part of the site
    ref = f"refs/heads/{branch}"
    before = _resolve(repo, ref)
    parent = before if keep_history else None
    commit = _commit(repo, site, parent, _message(repo, journal, message))
    said = ""
    if remote is not None:
        said = _push(repo, remote, commit, ref, force=not keep_history)
    # Only from where it was: a branch that moved meanwhile is not overwritten.
    git(["update-ref", "-m", f"refjournal deploy {__version__}", ref, commit, before or ""],
        repo)
    return Deployed(commit, branch, remote, said)


def _resolve(repo: Path, ref: str) -> str | None:
    try:
        return git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], repo) or None
    except DeployError:
        return None


def _commit(repo: Path, site: Path, parent: str | None, message: str) -> str:
    """A commit whose tree is exactly `site`, made through a temporary index."""
    with tempfile.TemporaryDirectory(prefix="refjournal-deploy-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        # --force: the site is published whole, whatever the user's ignore rules say; and
        # byte for byte, whatever their line-ending settings say.
        git(["-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "--work-tree",
             str(site), "add", "--all", "--force", "."], repo, env)
        tree = git(["write-tree"], repo, env)
    args = ["commit-tree", tree, "-m", message]
    if parent is not None:
        args[2:2] = ["-p", parent]
    return git(args, repo)


def _message(repo: Path, journal: Path, message: str | None) -> str:
    try:
        source = git(["rev-parse", "HEAD"], repo)
    except DeployError:
        source = "no commit yet"
    dirty = git(["status", "--porcelain", "--", str(journal)], repo)
    state = " with uncommitted changes" if dirty else ""
    return (f"{message or 'Publish the journal'}\n\nBuilt by refjournal {__version__} from "
            f"commit {source}{state}.")


def _push(repo: Path, remote: str, commit: str, ref: str, force: bool) -> str:
    args = ["push", "--porcelain", remote, f"{'+' if force else ''}{commit}:{ref}"]
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    said = "\n".join(part.strip() for part in (result.stdout, result.stderr) if part.strip())
    if result.returncode != 0:
        reason = _reason(said, "git push failed", prefixes=("remote:",), within="rejected")
        raise DeployError(f"the push to `{remote}` was refused: {reason}")
    return said


def _reason(output: str, fallback: str, prefixes: tuple[str, ...] = (),
            within: str | None = None) -> str:
    """The line of git's output that says what went wrong, without git's prefix."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    starts = ("fatal:", "error:", *prefixes)
    line = next((line for line in lines if line.startswith(starts)
                 or (within is not None and within in line)),
                lines[-1] if lines else fallback)
    return line.removeprefix("fatal: ").removeprefix("error: ").strip()
