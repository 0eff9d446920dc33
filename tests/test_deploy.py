"""`refjournal deploy`: the built site as the whole content of a branch, pushed to a bare
remote on disk, without touching the user's working tree, index or current branch."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from refjournal import __version__
from refjournal.cli import main

from .conftest import write_journal

JOURNAL = {
    "refjournal.yaml": "owner: Test Owner\n",
    "contacts/ada.md": "---\nname: Ada Lovelace\n---\nNotes.\n",
    "meetings/2026-11-01 coffee.md": "---\nwith: ada\n---\nCoffee.\n",
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A journal committed in a git repository whose `origin` is a bare repository."""
    root = write_journal(tmp_path / "notes", JOURNAL)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Owner")
    git(root, "config", "user.email", "owner@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Notes")
    git(tmp_path, "init", "-q", "--bare", "remote.git")
    git(root, "remote", "add", "origin", str(tmp_path / "remote.git"))
    return root


def deploy(root: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["deploy", "--journal", str(root), "--today",
                                     "2026-11-24", *args])


def state(root: Path) -> tuple[str, str, str, bytes, str]:
    """What a deploy must never change: HEAD, its branch, status, the index, the notes."""
    return (git(root, "rev-parse", "HEAD"), git(root, "symbolic-ref", "HEAD"),
            git(root, "status", "--porcelain", "--ignored"),
            (root / ".git" / "index").read_bytes(),
            "".join(sorted(p.as_posix() for p in root.rglob("*") if ".git" not in p.parts)))


def remote_branch(root: Path) -> str:
    return git(root.parent / "remote.git", "rev-parse", "gh-pages")


def test_deploy_publishes_the_site_as_one_parentless_commit(repo: Path) -> None:
    before = state(repo)
    result = deploy(repo)
    assert result.exit_code == 0, result.output
    remote = repo.parent / "remote.git"
    commit = remote_branch(repo)
    assert git(remote, "rev-list", "--count", "gh-pages") == "1"
    files = git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert {".nojekyll", "index.html", "contacts/ada/index.html", "robots.txt"} <= set(files)
    assert ".refjournal-site" not in files
    message = git(remote, "log", "-1", "--format=%B", "gh-pages")
    assert f"refjournal {__version__}" in message
    assert git(repo, "rev-parse", "HEAD") in message
    assert git(repo, "rev-parse", "gh-pages") == commit  # the local branch follows
    assert state(repo) == before
    assert f"deployed {len([f for f in files if f.endswith('.html')])} pages" in result.stdout


def test_the_published_bytes_are_the_built_bytes(repo: Path, tmp_path: Path) -> None:
    git(repo, "config", "core.autocrlf", "true")  # a Windows user's setting
    (repo / ".gitignore").write_text("*.html\nassets/\n", encoding="utf-8")  # and theirs
    (repo / "theme" / "static").mkdir(parents=True)
    (repo / "theme" / "static" / "notes.txt").write_bytes(b"line one\r\nline two\r\n")
    git(repo, "add", ".gitignore")
    git(repo, "commit", "-q", "-m", "ignore")
    assert deploy(repo).exit_code == 0
    from refjournal.build import build

    from .conftest import TODAY
    assert build(repo, tmp_path / "built", TODAY, strict_mode=True).written
    remote = repo.parent / "remote.git"
    for rel in ("index.html", "assets/style.css", "contacts/ada/index.html", "assets/notes.txt"):
        published = subprocess.run(["git", "show", f"gh-pages:{rel}"], cwd=remote,
                                   capture_output=True, check=True).stdout
        assert published == (tmp_path / "built" / rel).read_bytes(), rel


def test_a_second_deploy_replaces_the_branch_and_keep_history_appends(repo: Path) -> None:
    assert deploy(repo).exit_code == 0
    (repo / "contacts" / "ada.md").write_text("---\nname: Ada King\n---\n", encoding="utf-8")
    assert deploy(repo, "--message", "Second").exit_code == 0
    remote = repo.parent / "remote.git"
    assert git(remote, "rev-list", "--count", "gh-pages") == "1"  # no history by default
    message = git(remote, "log", "-1", "--format=%B", "gh-pages")
    assert message.startswith("Second") and "with uncommitted changes" in message
    first = remote_branch(repo)
    assert deploy(repo, "--keep-history").exit_code == 0
    assert git(remote, "rev-list", "--count", "gh-pages") == "2"
    assert git(remote, "rev-parse", "gh-pages^") == first


def test_a_problem_refuses_the_deploy_and_changes_nothing(repo: Path) -> None:
    assert deploy(repo).exit_code == 0
    published = remote_branch(repo)
    (repo / "meetings" / "2026-11-02 x.md").write_text("---\nwith: Nobody Known\n---\n",
                                                       encoding="utf-8")  # only a warning
    before = state(repo)
    result = deploy(repo)
    assert result.exit_code == 1
    assert "matches no contact" in result.stderr and "not deployed" in result.stderr
    assert remote_branch(repo) == published
    assert git(repo, "rev-parse", "gh-pages") == published
    assert state(repo) == before


def test_no_push_updates_only_the_local_branch(repo: Path) -> None:
    result = deploy(repo, "--no-push")
    assert result.exit_code == 0, result.output
    assert "not pushed" in result.stdout
    assert git(repo, "rev-parse", "--verify", "gh-pages")
    assert subprocess.run(["git", "rev-parse", "--verify", "gh-pages"],
                          cwd=repo.parent / "remote.git", capture_output=True).returncode != 0


def test_a_refused_push_changes_nothing_here_or_there(repo: Path) -> None:
    hook = repo.parent / "remote.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pages are frozen today' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = deploy(repo)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: the push to `origin` was refused")
    assert subprocess.run(["git", "rev-parse", "--verify", "gh-pages"], cwd=repo,
                          capture_output=True).returncode != 0  # the local branch did not move


@pytest.mark.parametrize(("setup", "phrase"), [
    ("no-repo", "is not in a git repository"),
    ("no-remote", "no remote named `origin`"),
    ("bad-branch", "is not a valid branch name"),
    ("no-git", "git is not installed"),
    ("current-branch", "`main` is checked out"),
    ("tag-and-branch", "`main` is checked out"),
    ("other-worktree", "`gh-pages` is checked out"),
])
def test_one_line_errors(tmp_path: Path, repo: Path, setup: str, phrase: str,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    root, args = repo, []
    if setup == "no-repo":
        root = write_journal(tmp_path / "loose", JOURNAL)
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    elif setup == "no-remote":
        git(repo, "remote", "remove", "origin")
    elif setup == "bad-branch":
        args = ["--branch", "bad..name"]
    elif setup == "current-branch":
        args = ["--branch", "main"]
    elif setup == "tag-and-branch":  # a tag of the same name must not hide the branch
        git(repo, "tag", "main")
        args = ["--branch", "main"]
    elif setup == "other-worktree":
        git(repo, "branch", "gh-pages")
        git(repo, "worktree", "add", "-q", str(tmp_path / "wt"), "gh-pages")
    else:
        monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = deploy(root, *args)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ") and phrase in line
    assert not (repo.parent / "remote.git" / "refs" / "heads" / "gh-pages").exists()
    monkeypatch.undo()
    if setup == "other-worktree":
        assert git(repo, "rev-parse", "gh-pages") == git(repo, "rev-parse", "main")
    assert git(repo, "log", "--format=%s", "main") == "Notes"  # the user's branch as it was




def test_deploy_encrypt_publishes_only_shells(repo: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    monkeypatch.setenv("REFJOURNAL_PASSWORD", "a long enough password")
    result = deploy(repo, "--encrypt")
    assert result.exit_code == 0, result.output
    remote = repo.parent / "remote.git"
    files = git(remote, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert "contacts/ada/index.html" not in files and "assets/unlock.js" in files
    everything = "".join(git(remote, "show", f"gh-pages:{name}") for name in files
                         if name.endswith(".html"))
    # Leave the ciphertext out: base64 of random bytes spells "Ada" somewhere now and then.
    shells = re.sub(r'"data":"[^"]*"', '"data":""', everything)
    assert "Ada" not in shells and '"iterations":600000' in shells
    assert everything.count('"data":"') == len([n for n in files if n.endswith(".html")])
