"""The site for reading offline: its service worker (`sw.js`, at the site's top, so that
its scope is the whole site under whatever path it is published).

The worker (worker.js) answers from the network first and keeps what it fetched: the last
visited pages, the theme's files and the search index, when the page asked for them. It
must never serve a page of an older build once a newer one is online, so its text names
the build: a digest of the path and bytes of every other file of the site. The writers
take every file's SHA-256 anyway, and a page kept from the last build is known by its
digest, so naming the build costs one hash over the digests, the same in a build that
reuses pages as in a fresh one. When any file changes, the worker's text does; the browser
installs the new worker, which deletes what older builds kept.

The worker is made after every other file (build.py), and again by a build that splices
an edited text into its page (incremental/rebuild.py). `offline: false` in
`refjournal.yaml` leaves it out: the theme's script (assets/offline.js) then removes a
worker that an earlier build left in the reader's browser.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from ..model import Config

WORKER = "sw.js"
START = "./"  # the dashboard, where the manifest starts the site
# The theme's files that every page loads, kept at once: the first page a reader opens
# was loaded before the worker, and should read offline with its styles.
FIRST = (".css", ".js", ".svg")


def worker_files(config: Config, digests: Mapping[str, bytes]) -> dict[str, bytes]:
    """The service worker of a site whose files have these SHA-256 `digests`, by path;
    nothing when the journal keeps its site online only."""
    return {WORKER: worker_script(digests)} if config.offline else {}


def worker_script(digests: Mapping[str, bytes]) -> bytes:
    """The worker's text, which names the build (`build_name`)."""
    first = [START] + [path for path in sorted(digests)
                       if path.startswith("assets/") and path.count("/") == 1
                       and path.endswith(FIRST)]
    return (worker_source().replace('"{build}"', json.dumps(build_name(digests)))
            .replace("{first}", json.dumps(first)).encode("utf-8"))


def build_name(digests: Mapping[str, bytes]) -> str:
    """A digest of every file of the site but the worker: its path and its bytes' digest."""
    whole = hashlib.sha256()
    for path in sorted(digests):
        if path != WORKER:
            whole.update(path.encode("utf-8") + b"\x00" + digests[path])
    return whole.hexdigest()[:20]


def digests_of(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The SHA-256 of each file, by path (for files at hand, such as an encrypted site's)."""
    return {path: hashlib.sha256(data).digest() for path, data in files.items()}


@functools.cache
def worker_source() -> str:
    """The worker's text, before the build is named in it (worker.js)."""
    return (Path(__file__).parent / "worker.js").read_text(encoding="utf-8")
