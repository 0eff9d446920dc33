"""Encrypt a rendered site, so that it can be published where anyone may download it.

A stage between render and write: rendered files in, files to publish out. Each HTML page
becomes a shell that holds the page's bytes encrypted with AES-256-GCM (the `cryptography`
package) and a small script that decrypts them in the browser with WebCrypto. The key comes
from the password through PBKDF2-HMAC-SHA256 with a random salt per build; every file has
its own nonce, and its name is bound to it as associated data. Pages get opaque names (a
keyed hash of their path), and the links inside them are rewritten to match, so neither
the addresses nor the shells say whose notes these are. Theme files (styles, scripts) and
the files for crawlers stay as they are: they hold nothing of the journal. So does the
web app manifest, which names the site as its shell does ("Private journal"), not by the
journal's title; the service worker (site/offline.py) is made after, from the files sent,
and keeps only those: what it stores for reading offline is encrypted too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from ..site.homescreen import BAR, BAR_DARK, MANIFEST, manifest
from ..site.search import INDEX, INDEX_SCRIPT

ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256
FORMAT = 1
# Theme files, crawler files and the manifest (made anew without the title), kept plain.
PLAIN = ("assets/", "robots.txt", "_headers", MANIFEST)
NAME = "Private journal"  # what the shell and the manifest call an encrypted site
UNLOCK_SCRIPT = "assets/unlock.js"
UNLOCK_JS = (Path(__file__).parent / "unlock.js").read_bytes()  # the password page's script
_LINK = re.compile(rb'(\s(?:href|src|data-href)=")([^"]*)(")')


@dataclass(frozen=True)
class Keys:
    salt: bytes
    iterations: int
    cipher: bytes  # 32 bytes for AES-256-GCM
    names: bytes  # 32 bytes for the HMAC that makes page names


def derive_keys(password: str, salt: bytes, iterations: int = ITERATIONS) -> Keys:
    """Both keys from one PBKDF2 run: the browser derives the same 64 bytes."""
    material = PBKDF2HMAC(algorithm=hashes.SHA256(), length=64, salt=salt,
                          iterations=iterations).derive(password.encode("utf-8"))
    return Keys(salt, iterations, material[:32], material[32:])


def new_keys(password: str) -> Keys:
    return derive_keys(password, os.urandom(16))


def opaque_name(keys: Keys, path: str) -> str:
    """`contacts/ada/index.html` -> `3f9c...e1.html`; the dashboard stays `index.html`."""
    if path == "index.html":
        return path
    digest = hmac.new(keys.names, path.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{digest[:32]}.html"


def encrypt_site(files: Mapping[str, bytes], keys: Keys, unlock_js: bytes, *,
                 offline: bool = True) -> dict[str, bytes]:
    """The files to publish: every page and data file encrypted under an opaque name; theme
    and crawler files as they are. `offline` is the journal's setting: whether the shells
    register the service worker (or remove one an earlier build left)."""
    names = {path: opaque_name(keys, path) if _is_page(path)
             else opaque_name(keys, path).removesuffix(".html") + ".bin"
             for path in files if not path.startswith(PLAIN)}
    out: dict[str, bytes] = {}
    for path, data in files.items():
        if path == INDEX_SCRIPT:  # for sites opened from disk; the encrypted one reads INDEX
            continue
        if path == MANIFEST:
            out[path] = manifest(NAME)
        elif path.startswith(PLAIN):
            out[path] = data
        elif _is_page(path):
            page = _relink(data, path, names)
            out[names[path]] = _shell(keys, names[path], page, offline)
        else:  # a data file (an export, an index): the same cipher, no shell; the site's
            # script opens it with the page's key (see unlock.js)
            if path == INDEX:
                data = _relink_index(data, names)
            out[names[path]] = _seal(keys, names[path], data)
    out[UNLOCK_SCRIPT] = unlock_js
    return out


def decrypt_page(password: str, shell: bytes, name: str, keys: Keys | None = None) -> bytes:
    """Read a page back (what the browser does; for tests and for the curious). Pass the
    `keys` of its build to skip deriving them again."""
    match = re.search(rb'<script id="payload" type="application/json">([^<]*)</script>', shell)
    if match is None:
        raise ValueError("not an encrypted page")
    payload = json.loads(match.group(1))
    if keys is None:
        keys = derive_keys(password, _unb64(payload["salt"]), payload["iterations"])
    return AESGCM(keys.cipher).decrypt(_unb64(payload["nonce"]), _unb64(payload["data"]),
                                       name.encode("utf-8"))


def decrypt_file(sealed: bytes, name: str, keys: Keys) -> bytes:
    """Read back a data file: its 12-byte nonce, then the ciphertext."""
    return AESGCM(keys.cipher).decrypt(sealed[:12], sealed[12:], name.encode("utf-8"))


def _seal(keys: Keys, name: str, data: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(keys.cipher).encrypt(nonce, data, name.encode("utf-8"))


def _is_page(path: str) -> bool:
    return path.endswith(".html") and not path.startswith(PLAIN)


def _relink(page: bytes, path: str, names: Mapping[str, str]) -> bytes:
    """Point the page's relative links at the published names (all pages sit at the top)."""
    folder = posixpath.dirname(path)

    def replace(match: re.Match[bytes]) -> bytes:
        link = match.group(2).decode("utf-8")
        if not link or link.startswith(("#", "/", "mailto:", "tel:")) or ":" in link.split(
                "/", 1)[0]:
            return match.group(0)
        target, hash_mark, fragment = link.partition("#")
        target, query_mark, query = target.partition("?")
        resolved = posixpath.normpath(posixpath.join(folder, target)) if target else path
        if target.endswith("/") or not posixpath.splitext(resolved)[1]:
            resolved = posixpath.join(resolved, "index.html")
        new = names.get(resolved, resolved)  # assets keep their (top-level) paths
        return match.group(1) + (f"{new}{query_mark}{query}{hash_mark}{fragment}".encode()
                                 + match.group(3))

    return _LINK.sub(replace, page)


def _relink_index(data: bytes, names: Mapping[str, str]) -> bytes:
    """The search index's pages (the last item of each entry) under their published names."""
    index = json.loads(data)
    for entries in index.values():
        for entry in entries:
            entry[-1] = names.get(entry[-1], entry[-1])
    return json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _shell(keys: Keys, name: str, page: bytes, offline: bool) -> bytes:
    nonce = os.urandom(12)
    data = AESGCM(keys.cipher).encrypt(nonce, page, name.encode("utf-8"))
    payload = json.dumps({"format": FORMAT, "salt": _b64(keys.salt),
                          "iterations": keys.iterations, "nonce": _b64(nonce),
                          "data": _b64(data)}, separators=(",", ":"))
    return (SHELL.replace("{payload}", payload).replace("{script}", UNLOCK_SCRIPT)
            .replace("{offline}", "on" if offline else "off").encode())


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


SHELL = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>{name}</title>
<link rel="stylesheet" href="assets/style.css">
<link rel="icon" href="assets/favicon.svg" type="image/svg+xml">
<link rel="manifest" href="manifest.webmanifest">
<link rel="apple-touch-icon" href="assets/apple-touch-icon.png">
<meta name="theme-color" content="{bar}" media="(prefers-color-scheme: light)">
<meta name="theme-color" content="{bar_dark}" media="(prefers-color-scheme: dark)">
<script src="assets/offline.js" data-offline="{offline}" defer></script>
</head>
<body>
<main class="unlock">
<h1>{name}</h1>
<form id="unlock" autocomplete="off">
<label for="password">Password</label>
<input id="password" type="password" autocomplete="current-password" required autofocus>
<label class="remember"><input id="remember" type="checkbox"> Remember on this device</label>
<button type="submit">Open</button>
<p id="unlock-message" role="alert"></p>
</form>
<noscript>This journal is encrypted; opening it needs JavaScript.</noscript>
</main>
<script id="payload" type="application/json">{payload}</script>
<script src="{script}"></script>
</body>
</html>
""".replace("{name}", NAME).replace("{bar}", BAR).replace("{bar_dark}", BAR_DARK)
