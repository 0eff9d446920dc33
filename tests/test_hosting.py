"""`refjournal init-hosting`: one CI file per host, valid, pinned, and never overwritten."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from refjournal import __version__
from refjournal.cli import main

from .conftest import write_journal


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose journal lives in a sub-folder, `notes/`."""
    write_journal(tmp_path / "notes", {"contacts/ada.md": "---\nname: Ada\n---\n"})
    subprocess.run(["git", "init", "-q", "-b", "trunk"], cwd=tmp_path, check=True)
    return tmp_path


def init(repo: Path, host: str) -> object:
    return CliRunner().invoke(main, ["init-hosting", host, "--journal", str(repo / "notes")])


def test_gitlab_writes_a_pages_job_and_says_to_restrict_it(repo: Path) -> None:
    result = init(repo, "gitlab")
    assert result.exit_code == 0, result.output
    job = yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))["pages"]
    assert f'pip install "refjournal=={__version__}"' in job["script"]
    assert 'refjournal build --journal "notes" --out public --strict' in job["script"]
    assert job["artifacts"]["paths"] == ["public"]
    assert "Only Project Members" in result.stdout


def test_github_builds_encrypted_and_deploys_with_the_pages_actions(repo: Path) -> None:
    assert init(repo, "github").exit_code == 0
    text = (repo / ".github/workflows/refjournal.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert workflow[True]["push"]["branches"] == ["trunk"]  # YAML 1.1 reads `on` as true
    steps = workflow["jobs"]["build"]["steps"]
    build = next(step for step in steps if "refjournal build" in step.get("run", ""))
    assert "--encrypt" in build["run"] and '--journal "notes"' in build["run"]
    assert build["env"] == {"REFJOURNAL_PASSWORD": "${{ secrets.REFJOURNAL_PASSWORD }}"}
    uses = [step.get("uses", "") for step in steps] + [
        step.get("uses", "") for step in workflow["jobs"]["deploy"]["steps"]]
    assert "actions/upload-pages-artifact@v3" in uses and "actions/deploy-pages@v4" in uses
    assert workflow["permissions"] == {"contents": "read", "pages": "write",
                                       "id-token": "write"}
    assert "public on the Free, Pro and Team plans" in text


def test_cloudflare_writes_the_pages_settings_and_says_to_use_access(repo: Path) -> None:
    result = init(repo, "cloudflare")
    assert result.exit_code == 0
    text = (repo / "wrangler.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text)["pages_build_output_dir"] == "site"
    assert 'refjournal build --journal "notes" --out site --strict' in text
    assert "Cloudflare Access" in result.stdout and "preview" in result.stdout


@pytest.mark.parametrize(("host", "name"), [("gitlab", ".gitlab-ci.yml"),
                                            ("github", ".github/workflows/refjournal.yml"),
                                            ("cloudflare", "wrangler.toml")])
def test_an_existing_file_is_never_overwritten(repo: Path, host: str, name: str) -> None:
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text("mine\n", encoding="utf-8")
    result = init(repo, host)
    assert result.exit_code == 1
    assert "already exists; not overwritten" in result.stderr
    assert (repo / name).read_text(encoding="utf-8") == "mine\n"


def test_outside_a_repository_the_recipe_goes_in_the_journal(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = write_journal(tmp_path / "journal", {"contacts/ada.md": ""})
    assert CliRunner().invoke(main, ["init-hosting", "gitlab", "--journal", str(root)]
                              ).exit_code == 0
    assert '--journal "."' in (root / ".gitlab-ci.yml").read_text(encoding="utf-8")


def test_a_journal_path_a_ci_file_cannot_hold_plainly_is_refused(tmp_path: Path) -> None:
    write_journal(tmp_path / "my notes #1", {"contacts/ada.md": ""})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = CliRunner().invoke(main, ["init-hosting", "gitlab", "--journal",
                                       str(tmp_path / "my notes #1")])
    assert result.exit_code == 1
    assert "`my notes #1` has characters" in result.stderr
    assert not (tmp_path / ".gitlab-ci.yml").exists()
