"""On the phone's home screen, and offline: the web app manifest and its icons, and the
service worker that keeps visited pages (network first) and names its build, so that a
newer build online retires everything an older one kept. The browser tests run in a real
Chromium (the shared fixture and its CI rule, test_browser.py)."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import re
import shutil
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from refjournal.build import build
from refjournal.incremental.cache import ParseCache
from refjournal.site.homescreen import BAR, BAR_DARK, ICONS, MANIFEST, icon_png
from refjournal.site.offline import WORKER

from .conftest import REPO, TODAY, tree
from .test_browser import (
    ARGS,
    CHROMIUM,
    browser,  # noqa: F401 - the shared Chromium fixture
)
from .test_serve import start

PASSWORD = "correct horse battery staple"
JOURNAL = {
    "refjournal.yaml": "title: Ada’s <engine room>\n",
    "contacts/ada.md": "---\nname: Ada Lovelace\ncompany: Analytical Engines\n---\n"
                       "First notes.\n",
    "contacts/bob.md": "---\nname: Bob Babbage\n---\nBob's notes.\n",
    "meetings/2026-11-02 coffee.md": "---\nwith: ada\n---\nCoffee.\n\nWe talked.\n",
}


def built(root: Path, out: Path, day: dt.date = TODAY, **options: object) -> Path:
    result = build(root, out, day, **options)  # type: ignore[arg-type]
    assert result.written, result.problems
    return out


def build_name(site: Path) -> str:
    found = re.search(r'var BUILD = "(\w+)";', (site / WORKER).read_text(encoding="utf-8"))
    assert found is not None
    return found.group(1)


def chunks(data: bytes) -> dict[bytes, bytes]:
    """A PNG's chunks by kind (checking the signature and every CRC on the way)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    found: dict[bytes, bytes] = {}
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        found[kind] = found.get(kind, b"") + body
        at += 12 + length
    assert list(found)[-1] == b"IEND"
    return found


def pixels(data: bytes) -> tuple[int, list[tuple[int, int, int, int]]]:
    """A palette PNG's size and its pixels, as RGBA, row after row."""
    parts = chunks(data)
    width, height, depth, kind = struct.unpack(">IIBB", parts[b"IHDR"][:10])
    assert (width, depth, kind) == (height, 8, 3)
    palette, alphas = parts[b"PLTE"], parts.get(b"tRNS", b"")
    raw = zlib.decompress(parts[b"IDAT"])
    assert len(raw) == height * (width + 1)
    rgba = []
    for y in range(height):
        row = raw[y * (width + 1):(y + 1) * (width + 1)]
        assert row[0] == 0  # unfiltered
        for index in row[1:]:
            alpha = alphas[index] if index < len(alphas) else 255
            rgba.append((*palette[3 * index:3 * index + 3], alpha))
    return width, rgba


# --- the manifest and the icons ----------------------------------------------------------

def test_the_manifest_names_the_journal_and_opens_it_full_screen(journal, tmp_path):
    site = built(journal(JOURNAL), tmp_path / "site")
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["name"] == manifest["short_name"] == "Ada’s <engine room>"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "./", "./", "standalone")  # relative: the site may sit under any path
    assert "id" not in manifest  # it would resolve to the origin: one app for every path
    assert {(i["sizes"], i["purpose"]) for i in manifest["icons"]} == {
        ("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for icon in manifest["icons"]:
        size, _ = pixels((site / icon["src"]).read_bytes())
        assert f"{size}x{size}" == icon["sizes"] and icon["type"] == "image/png"
    style = (REPO / "themes/default/static/style.css").read_text(encoding="utf-8")
    assert f"--bg: {manifest['background_color']};" in style
    assert f"--card: {manifest['theme_color']};" in style and f"--card: {BAR_DARK};" in style
    head = (site / "contacts/ada/index.html").read_text(encoding="utf-8").split("</head>")[0]
    assert '<link rel="manifest" href="../../manifest.webmanifest">' in head
    assert '<link rel="apple-touch-icon" href="../../assets/apple-touch-icon.png">' in head
    for colour, scheme in ((BAR, "light"), (BAR_DARK, "dark")):
        assert (f'<meta name="theme-color" content="{colour}" '
                f'media="(prefers-color-scheme: {scheme})">') in head


@pytest.mark.parametrize("icon", ICONS, ids=lambda icon: icon.path)
def test_each_icon_is_a_valid_png_of_its_size_with_the_mark_on_blue(icon):
    size, rgba = pixels(icon_png(icon.size, icon.full))
    assert size == icon.size and len(rgba) == size * size
    corner, middle_left = rgba[0], rgba[(size // 2) * size + size // 20]
    blue = (0x1D, 0x5F, 0xA8, 255)
    assert middle_left == blue
    assert corner == (blue if icon.full else (*blue[:3], 0))  # rounded: the corner is clear
    white = sum(pixel == (255, 255, 255, 255) for pixel in rgba)
    assert 0.1 < white / len(rgba) < 0.3  # the arrows
    edges = [pixel for pixel in rgba if pixel not in (blue, (255, 255, 255, 255))]
    assert len(edges) > 2 * size and len(set(edges)) > 10  # smoothed, not stair-stepped


def test_an_icon_is_the_same_bytes_every_time():
    icon_png.cache_clear()
    first = icon_png(192, False)
    icon_png.cache_clear()
    assert icon_png(192, False) == first


def test_a_journals_own_theme_may_replace_an_icon(journal, tmp_path):
    root = journal({**JOURNAL, "theme/static/icon-192.png": b"our own"})
    site = built(root, tmp_path / "site")
    assert (site / "assets/icon-192.png").read_bytes() == b"our own"


# --- the service worker ------------------------------------------------------------------

def test_the_worker_names_a_build_by_its_files(journal, tmp_path):
    root = journal(JOURNAL)
    site, cache = tmp_path / "site", ParseCache(tmp_path / "cache", root)
    name = build_name(built(root, site, cache=cache))
    worker = (site / WORKER).read_text(encoding="utf-8")
    assert worker.startswith("// refjournal: the site's service worker")
    assert '["./", "assets/favicon.svg", "assets/offline.js", "assets/site.js", ' \
           '"assets/style.css"]' in worker  # kept at once
    assert build_name(built(root, tmp_path / "again")) == name  # the same journal, the same
    assert build(root, site, TODAY, cache=cache).up_to_date and build_name(site) == name

    note = root / "contacts/ada.md"
    note.write_text(note.read_text() + "More.\n")  # an edit spliced into its page
    changed = build(root, site, TODAY, cache=cache).changed
    assert changed == ("contacts/ada/index.html", WORKER)
    spliced = build_name(site)
    assert spliced != name
    assert tree(site) == tree(built(root, tmp_path / "fresh"))  # as a fresh build names it

    note.write_text(note.read_text().replace("name: Ada Lovelace", "name: Ada King"))
    assert WORKER in build(root, site, TODAY, cache=cache).changed  # a full build
    assert build_name(site) not in (name, spliced)
    assert tree(site) == tree(built(root, tmp_path / "fresh2"))
    assert build_name(built(root, tmp_path / "tomorrow", TODAY + dt.timedelta(days=1))
                      ) != build_name(site)  # and another day's pages


def test_offline_false_leaves_the_worker_out_and_pages_remove_it(journal, tmp_path):
    root = journal(JOURNAL)
    site, cache = tmp_path / "site", ParseCache(tmp_path / "cache", root)
    assert (built(root, site, cache=cache) / WORKER).is_file()
    (root / "refjournal.yaml").write_text("title: Ada\noffline: false\n")
    assert build(root, site, TODAY, cache=cache).written and not (site / WORKER).exists()
    page = (site / "index.html").read_text(encoding="utf-8")
    assert '<script src="assets/offline.js" data-offline="off" defer></script>' in page
    assert (site / MANIFEST).is_file()  # still on the home screen, online only
    assert tree(site) == tree(built(root, tmp_path / "fresh"))


def test_offline_must_be_true_or_false(loaded):
    result = loaded({**JOURNAL, "refjournal.yaml": "offline: sometimes\n"})
    assert [(p.path, p.line, p.message) for p in result.problems] == [
        ("refjournal.yaml", 1, "`offline`: expected true or false, got `sometimes`")]
    assert result.journal.config.offline is True


def test_an_encrypted_site_names_nothing_of_the_journal_outside_its_ciphertext(journal,
                                                                                 tmp_path):
    site = built(journal(JOURNAL), tmp_path / "site", password=PASSWORD)
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["name"] == "Private journal"  # not the journal's title
    shell = (site / "index.html").read_text(encoding="utf-8")
    assert '<link rel="manifest" href="manifest.webmanifest">' in shell
    assert '<script src="assets/offline.js" data-offline="on" defer></script>' in shell
    assert '"assets/unlock.js"' in (site / WORKER).read_text(encoding="utf-8")
    for path, data in tree(site).items():
        if not path.startswith("assets/"):
            assert b"Ada" not in re.sub(rb'"data":"[^"]*"', b"", data), path


# --- in Chromium -------------------------------------------------------------------------

CONTROLLED = "navigator.serviceWorker.controller !== null"
# Whether the page's own address is kept.
KEPT_URLS = """caches.keys().then(names => Promise.all(names.map(name => caches.open(name)
  .then(cache => cache.match(location.href))))).then(found => found.some(Boolean))"""
KEPT = """async () => {
  const kept = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    kept[name] = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      const bytes = new Uint8Array(await response.arrayBuffer());
      kept[name].push([request.url, Array.from(bytes, b => String.fromCharCode(b)).join("")]);
    }
  }
  return kept;
}"""


class Files(http.server.SimpleHTTPRequestHandler):
    """A folder's files, answered whole even to a request that says what it has: this
    server's `Last-Modified` counts in seconds, and a site built twice within one would be
    "not modified" (hosts of static sites compare the bytes, by their ETag)."""

    def send_head(self):  # type: ignore[no-untyped-def]
        del self.headers["If-Modified-Since"]
        return super().send_head()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def serve_folder() -> Iterator[Callable[[Path], str]]:
    """`serve_folder(path)` serves a folder over HTTP, and gives its address."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def serve(folder: Path) -> str:
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Files, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def kept(page: object) -> dict[str, list[tuple[str, str]]]:
    return page.evaluate(KEPT)  # type: ignore[attr-defined, no-any-return]


def until(page: object, expression: str, expected: object, timeout: float = 10.0) -> None:
    """Wait until `expression` (awaited: Playwright's wait_for_function does not await a
    promise) gives `expected`."""
    deadline = time.monotonic() + timeout
    while (got := page.evaluate(expression)) != expected:  # type: ignore[attr-defined]
        assert time.monotonic() < deadline, f"{expression} gave {got!r}, not {expected!r}"
        time.sleep(0.05)


@pytest.mark.browser
def test_installable_and_the_manifest_reads_without_errors(browser, journal, tmp_path,  # noqa: F811
                                                           serve_folder):
    root = journal(JOURNAL)
    built(root, tmp_path / "pub" / "site")
    built(root, tmp_path / "pub" / "secret", password=PASSWORD)
    base = serve_folder(tmp_path / "pub")
    # Chromium says nothing is installable in an incognito profile: a profile on disk.
    context = browser.browser_type.launch_persistent_context(  # type: ignore[attr-defined]
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=ARGS)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        for url, name in ((base + "site/contacts/ada/index.html", "Ada’s <engine room>"),
                          (base + "secret/", "Private journal")):  # the password page
            page.goto(url)
            page.wait_for_load_state("load")
            manifest = cdp.send("Page.getAppManifest")
            assert manifest["errors"] == [] and manifest["url"].endswith(MANIFEST)
            assert json.loads(manifest["data"])["name"] == name
            assert manifest["manifest"]["display"] == "kStandalone"
            errors = None
            for _ in range(50):  # the icons are fetched and checked meanwhile
                errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
                if not errors:
                    break
                time.sleep(0.1)
            assert errors == [], url
    finally:
        context.close()


@pytest.mark.browser
def test_a_page_visited_before_opens_offline_under_a_sub_path(browser, journal, tmp_path,  # noqa: F811
                                                              serve_folder):
    site = built(journal(JOURNAL), tmp_path / "pub" / "sub")
    shutil.copytree(site, tmp_path / "pub" / "other")  # another site on the same origin
    base = serve_folder(tmp_path / "pub")
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(base + "other/index.html")
        page.wait_for_function(CONTROLLED)
        page.goto(base + "sub/contacts/ada/index.html")  # the first page: before the worker
        page.wait_for_function(CONTROLLED)
        until(page, KEPT_URLS, True)  # the page the worker found open is kept
        registration = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
        assert registration == base + "sub/"
        names = sorted(kept(page))
        assert names == [f"refjournal {base}other/ {build_name(site)}",
                         f"refjournal {base}sub/ {build_name(site)}"]  # neither deleted

        context.set_offline(True)
        page.reload()
        assert page.locator("h1").inner_text().startswith("Ada Lovelace")
        assert "First notes." in page.inner_text("main")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(251, 250, 247)"  # the theme's files were kept too
        page.goto(base + "sub/")  # where the home screen starts: kept when the worker came
        assert page.locator("h1").count() == 1
        with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED|ERR_FAILED"):
            page.goto(base + "sub/contacts/bob/index.html")  # never visited
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_a_newer_build_online_retires_what_an_older_one_kept(browser, journal, tmp_path,  # noqa: F811
                                                            serve_folder):
    root = journal(JOURNAL)
    site = built(root, tmp_path / "site")
    base = serve_folder(site)
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(base + "contacts/bob/index.html")
        page.wait_for_function(CONTROLLED)
        until(page, KEPT_URLS, True)
        page.goto(base + "contacts/ada/index.html")
        until(page, KEPT_URLS, True)
        old = build_name(site)
        assert list(kept(page)) == [f"refjournal {base} {old}"]

        note = root / "contacts/ada.md"
        note.write_text(note.read_text().replace("First notes.", "Second notes."))
        built(root, site)  # a new site, swapped in where the server looks
        new = build_name(site)
        assert new != old
        page.reload()  # online: the network answers, never the older copy
        assert "Second notes." in page.inner_text("main")
        # The browser finds the new worker, which deletes the older build's cache.
        until(page, "caches.keys()", [f"refjournal {base} {new}"])
        context.set_offline(True)
        page.reload()
        assert "Second notes." in page.inner_text("main")
        with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED|ERR_FAILED"):
            page.goto(base + "contacts/bob/index.html")  # kept by the older build only
    finally:
        context.close()


@pytest.mark.browser
def test_an_encrypted_site_keeps_only_encrypted_files(browser, journal, tmp_path,  # noqa: F811
                                                      serve_folder):
    site = built(journal(JOURNAL), tmp_path / "site", password=PASSWORD)
    base = serve_folder(site)
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(base)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_selector("#site-search", state="visible", timeout=20000)
        page.wait_for_function(CONTROLLED)
        page.locator("#site-search").fill("lovelace")  # fetches the (encrypted) index
        page.locator("#search-results a", has_text="Ada Lovelace").first.click()
        page.wait_for_selector("h1 bdi", timeout=20000)
        assert page.locator("h1 bdi").inner_text() == "Ada Lovelace"
        entries = [entry for entries in kept(page).values() for entry in entries]
        urls = [url for url, _ in entries]
        assert any(url.endswith(".bin") for url in urls)  # the search index
        assert sum(url.endswith(".html") or url.endswith("/") for url in urls) >= 2
        for url, body in entries:  # (not within ciphertext, where short words turn up)
            body = re.sub(r'"data":"[^"]*"', "", body)
            for secret in ("Lovelace", "Analytical", "First notes", "Babbage", "engine room"):
                assert secret not in body, (url, secret)

        context.set_offline(True)
        page.reload()  # the shell, from the cache, opens with the key kept for the tab
        page.wait_for_selector("h1 bdi", timeout=20000)
        assert page.locator("h1 bdi").inner_text() == "Ada Lovelace"
    finally:
        context.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.browser
def test_serve_keeps_no_worker_and_removes_one_left_at_its_address(browser, journal,  # noqa: F811
                                                                    tmp_path):
    root = journal(JOURNAL)
    site = built(root, tmp_path / "site")
    port = free_port()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port),
        functools.partial(Files, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{port}/index.html")  # a built site, published here
        page.wait_for_function(CONTROLLED)
        assert kept(page)
        server.shutdown()
        server.server_close()

        preview = start(root, "--port", str(port))  # then a preview at the same address
        try:
            page.goto(f"http://127.0.0.1:{port}/contacts/ada/")
            until(page, "navigator.serviceWorker.getRegistrations().then(r => r.length)", 0)
            until(page, "caches.keys()", [])
            page.wait_for_timeout(300)
            assert kept(page) == {}  # and none made again
            note = root / "contacts/ada.md"
            note.write_text(note.read_text().replace("First notes.", "Live notes."))
            page.wait_for_function("document.body.innerText.includes('Live notes.')",
                                   timeout=10000)  # live reload, as ever
        finally:
            preview.process.kill()
            preview.process.wait()
    finally:
        context.close()
