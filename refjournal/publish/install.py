"""What a host's runner installs to build the journal: the same refjournal that runs here.

A recipe must work on a fresh runner, whatever this refjournal was installed from:

- from a package index: the runner installs the same release (`refjournal==X`);
- from a source folder (a clone, editable or not): a wheel of it, built with the project's
  own build backend, is written into the repository (`.refjournal/`) and installed from there;
- from a wheel file: that wheel is copied into `.refjournal/`;
- from a git URL: the runner installs the same commit from that URL;
- or whatever the user names with `--install-from` (a git URL, a requirement on their index).

PEP 610's `direct_url.json`, which pip writes for every install not from an index, tells
which case this is.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from .. import __version__

VENDOR = ".refjournal"  # the folder, at the top of the repository, that holds the wheel
# What a CI file can hold unquoted in YAML and TOML and inside shell double quotes.
_PLAIN = re.compile(r"[A-Za-z0-9._/@:+=<>!~,\[\]#%?^-]+")


class InstallError(Exception):
    """A one-line reason why no install step could be written."""


@dataclass(frozen=True)
class Origin:
    """Where the running refjournal came from."""

    kind: str  # "index", "folder", "wheel", "vcs" or "unknown"
    where: str = ""  # the source folder, the wheel file or the VCS requirement


@dataclass(frozen=True)
class Install:
    """The install step of a recipe."""

    requirement: str  # what the recipe hands to `pip install`
    wheel: Path | None = None  # the wheel written into the repository, if any


def running_origin() -> Origin:
    """Where this refjournal was installed from, by its PEP 610 record."""
    try:
        record = importlib.metadata.distribution("refjournal").read_text("direct_url.json")
    except importlib.metadata.PackageNotFoundError:
        return Origin("unknown")
    if record is None:
        return Origin("index")
    try:
        data = json.loads(record)
        url = str(data["url"])
    except (ValueError, KeyError, TypeError):
        return Origin("unknown")
    if "vcs_info" in data:
        info = data["vcs_info"]
        return Origin("vcs", f"{info.get('vcs', 'git')}+{url}@{info.get('commit_id', '')}")
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return Origin("unknown", url)
    path = Path(unquote(parsed.path))
    if "dir_info" in data:
        return Origin("folder", str(path))
    if path.suffix == ".whl":
        return Origin("wheel", str(path))
    return Origin("unknown", url)


def plan(top: Path, install_from: str | None, origin: Origin) -> Install:
    """Decide the install step; write the wheel into `top/.refjournal/` when one is needed."""
    if install_from is not None:
        return Install(_plain(install_from, "--install-from"))
    if origin.kind == "index":
        return Install(f"refjournal=={__version__}")
    if origin.kind == "vcs":
        return Install(_plain(origin.where, "the git URL refjournal was installed from"))
    if origin.kind == "folder":
        return _vendored(top, lambda into: build_wheel(Path(origin.where), into))
    if origin.kind == "wheel":
        return _vendored(top, lambda into: _copy(Path(origin.where), into))
    raise InstallError("cannot tell where this refjournal was installed from; name what the "
                       "host should install with --install-from (a git URL or a requirement)")


def build_wheel(source: Path, into: Path) -> Path:
    """Build a wheel of the project at `source` into the folder `into` with its build backend.

    pip runs the backend that `pyproject.toml` names; when that backend is importable here,
    without fetching it (so this works offline), else in pip's usual isolated environment.
    """
    if not (source / "pyproject.toml").is_file():
        raise InstallError(f"refjournal was installed from {source}, which is gone or no "
                           "longer a source folder; reinstall it, or use --install-from")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
               "--wheel-dir", str(into), str(source)]
    if importlib.util.find_spec("hatchling") is not None:
        command.insert(4, "--no-build-isolation")
    result = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(into.glob("refjournal-*.whl"))
    if result.returncode != 0 or len(wheels) != 1:
        said = (result.stderr.strip().splitlines() or ["no wheel came out"])[-1]
        raise InstallError(f"could not build a wheel of {source}: {said}; or name what the "
                           "host should install with --install-from")
    return wheels[0]


def _copy(wheel: Path, into: Path) -> Path:
    if not wheel.is_file():
        raise InstallError(f"refjournal was installed from {wheel}, which is gone; "
                           "use --install-from")
    return Path(shutil.copy2(wheel, into / wheel.name))


def _vendored(top: Path, make: Callable[[Path], Path]) -> Install:
    """Make the wheel in a scratch folder, then move it into `.refjournal/` whole."""
    folder = top / VENDOR
    folder.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".building-") as scratch:
        made = make(Path(scratch))
        wheel = folder / made.name
        made.replace(wheel)  # the same file system: the wheel appears whole or not at all
    requirement = wheel.relative_to(top).as_posix()
    return Install(_plain(requirement, "the wheel's path"), wheel)


def _plain(requirement: str, what: str) -> str:
    if not _PLAIN.fullmatch(requirement) or requirement.startswith("-"):
        raise InstallError(f"{what} `{requirement}` has characters a CI file would need "
                           "quoted (spaces, quotes, $, ;); write the recipe by hand from "
                           "docs/publishing.md")
    return requirement
