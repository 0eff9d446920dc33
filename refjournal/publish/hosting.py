"""Recipes for publishing through a git host: the CI file each host reads, written once.

An authoring command: it writes one new file into the repository and never overwrites one.
The recipes install the refjournal that wrote them (see `install.py`), so that the host
builds what was tried here, whether that came from a package index or from a clone.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:  # install.py reads package metadata: imported when a recipe is written,
    from .install import Install, Origin  # not by every command's start

HOSTS = ("gitlab", "github", "cloudflare")
# The parse cache's folder in the runner's checkout, which the host's cache keeps between
# runs (GitLab caches only paths inside the project's folder).
CACHE = ".refjournal-cache"


class HostingError(Exception):
    """A one-line reason why no recipe was written."""


@dataclass(frozen=True)
class Recipe:
    path: Path  # the file written
    install: Install  # what the host installs, and the wheel written for it if any
    next_steps: str  # what the user still has to do on the host's side


def write_recipe(host: str, journal: Path, install_from: str | None = None,
                 origin: Origin | None = None) -> Recipe:
    """Write the CI file for `host` at the top of the repository holding `journal`.

    `install_from` is what the host should `pip install` instead of this refjournal;
    `origin` is where this refjournal came from (found out when not given).
    """
    from .install import InstallError, plan, running_origin

    top = _top(journal)
    rel = journal.resolve().relative_to(top.resolve()).as_posix() or "."
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", rel):
        raise HostingError(f"the journal's folder `{rel}` has characters that a CI file "
                           "would need quoted (spaces, #, :, $); rename it, or write the recipe "
                           "by hand from docs/publishing.md")
    branch = _branch(top)
    files = {
        "gitlab": (".gitlab-ci.yml", GITLAB, GITLAB_STEPS),
        "github": (".github/workflows/refjournal.yml", GITHUB, GITHUB_STEPS),
        "cloudflare": ("wrangler.toml", CLOUDFLARE, CLOUDFLARE_STEPS),
    }
    name, template, steps = files[host]
    path = top / name
    if path.exists():
        raise HostingError(f"{path} already exists; not overwritten (move it aside to "
                           "write the recipe)")
    try:
        install = plan(top, install_from, origin or running_origin())
    except InstallError as exc:
        raise HostingError(str(exc)) from None
    text = template.replace("{build}", CLOUDFLARE_BUILD)
    for key, value in (("{version}", __version__), ("{install}", install.requirement),
                       ("{cache}", CACHE),
                       ("{journal}", rel), ("{branch}", branch)):
        text = text.replace(key, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as file:  # "x": fails rather than overwrite
        file.write(text)
    added = path.relative_to(top).as_posix()
    if install.wheel is not None:
        added += f" {install.wheel.parent.relative_to(top).as_posix()}"
    return Recipe(path, install, steps.replace("{add}", added))


def _top(journal: Path) -> Path:
    """The top of the git repository, where hosts look for CI files; else the journal."""
    try:
        result = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=journal,
                                capture_output=True, text=True)
    except OSError:
        return journal
    return Path(result.stdout.strip()) if result.returncode == 0 else journal


def _branch(top: Path) -> str:
    try:
        result = subprocess.run(["git", "symbolic-ref", "--short", "HEAD"], cwd=top,
                                capture_output=True, text=True)
    except OSError:
        return "main"
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "main"


GITLAB = """\
# refjournal {version}: build the journal into a GitLab Pages site.
#
# GitLab Pages can restrict the site to project members on every tier. Turn that on:
# Settings > General > Visibility, project features, permissions > Pages:
# "Only Project Members". Until then, anyone with the address can read the site.
#
# The parse cache and the last site are kept between runs (GitLab's cache, one per
# branch), so a publish renders only what changed; without them it is only slower.
pages:
  image: python:3.12-slim
  cache:
    key: refjournal-$CI_COMMIT_REF_SLUG
    paths:
      - {cache}
      - public
  script:
    - pip install "{install}"
    - refjournal build --journal "{journal}" --out public --strict --cache-dir {cache}
  artifacts:
    paths:
      - public
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
"""
GITLAB_STEPS = """\
Next:
  1. git add {add} && git commit -m "Publish the journal" && git push
  2. In GitLab: Settings > General > Visibility, project features, permissions > Pages:
     choose "Only Project Members", so that only you (and members) can read the site."""

GITHUB = """\
# refjournal {version}: build the journal, ENCRYPTED, into a GitHub Pages site.
#
# GitHub Pages from a private repository is public on the Free, Pro and Team plans (only
# Enterprise Cloud has private Pages), so this recipe encrypts every page with the
# password in the repository secret REFJOURNAL_PASSWORD. Readers need that password.
name: Publish the journal
on:
  push:
    branches: ["{branch}"]
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: true
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "{install}"
      # The parse cache, kept between runs: the newest one of this branch is restored, and
      # each run saves its own (an encrypted site is made whole every time, so the site
      # itself is not kept).
      - uses: actions/cache@v4
        with:
          path: {cache}
          key: refjournal-${{ github.ref_name }}-${{ github.run_id }}-${{ github.run_attempt }}
          restore-keys: refjournal-${{ github.ref_name }}-
      - run: refjournal build --journal "{journal}" --out site --strict --encrypt
        env:
          REFJOURNAL_PASSWORD: ${{ secrets.REFJOURNAL_PASSWORD }}
          REFJOURNAL_CACHE_DIR: {cache}
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""
GITHUB_STEPS = """\
Next:
  1. In GitHub: Settings > Secrets and variables > Actions > New repository secret:
     name REFJOURNAL_PASSWORD, value five or more random words (the readers' password;
     refjournal refuses one that could be guessed within months).
  2. Settings > Pages > Build and deployment > Source: "GitHub Actions".
  3. git add {add} && git commit -m "Publish the journal" && git push
The encrypted pages are public: a weak password can be guessed offline."""

CLOUDFLARE_BUILD = ('pip install "{install}" && '
                    'refjournal build --journal "{journal}" --out site --strict')
CLOUDFLARE = """\
# refjournal {version} on Cloudflare Pages.
#
# In the dashboard (Workers & Pages > your project > Settings > Builds):
#   Build command:
#     {build}
#   Build output directory: site
#
# Every build here is a cold one: Cloudflare's build cache keeps only the folders of the
# package managers and frameworks it detects (npm's, Gatsby's, ...), not refjournal's.
#
# Then put the site behind Cloudflare Access (Zero Trust > Access > Applications), for
# the production address (<project>.pages.dev and any custom domain) AND the preview
# addresses (*.<project>.pages.dev): previews of every branch are public otherwise.
name = "refjournal"
pages_build_output_dir = "site"
"""
CLOUDFLARE_STEPS = """\
Next:
  1. Create a Pages project from this repository; set the build command written in
     wrangler.toml and the output directory "site".
  2. Protect it with Cloudflare Access: the production address and the preview
     addresses (*.<project>.pages.dev) both, or branch previews stay public.
  3. git add {add} && git commit -m "Publish the journal" && git push"""
