"""Encrypted builds: the format round-trips, nothing of the journal shows in bytes or paths,
and a real Chromium opens the site with the right password only."""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.exceptions import InvalidTag

from refjournal.build import build
from refjournal.cli import main
from refjournal.journal.load import load
from refjournal.publish.encrypt import (
    SHELL,
    UNLOCK_JS,
    decrypt_file,
    decrypt_page,
    derive_keys,
    encrypt_site,
    opaque_name,
)
from refjournal.site.offline import worker_source

from .conftest import REPO, TODAY, write_journal
from .test_browser import browser  # noqa: F401 - the shared Chromium fixture

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example journal built plain and encrypted."""
    base = tmp_path_factory.mktemp("encrypted")
    assert build(REPO / "journal", base / "plain", TODAY).written
    assert build(REPO / "journal", base / "secret", TODAY, password=PASSWORD).written
    return base / "plain", base / "secret"


def test_every_page_round_trips_under_its_opaque_name(sites: tuple[Path, Path]) -> None:
    plain, secret = sites
    shell = (secret / "index.html").read_bytes()
    salt = re.search(rb'"salt":"([^"]+)"', shell).group(1)  # type: ignore[union-attr]
    import base64
    keys = derive_keys(PASSWORD, base64.b64decode(salt))
    pages = sorted(p.relative_to(plain).as_posix() for p in plain.rglob("*.html"))
    for rel in pages:
        name = opaque_name(keys, rel)
        page = decrypt_page(PASSWORD, (secret / name).read_bytes(), name, keys)
        assert page.startswith(b"<!doctype html>")
        title = re.search(rb"<title>(.*?)</title>", (plain / rel).read_bytes()).group(1)  # type: ignore[union-attr]
        assert b"<title>" + title + b"</title>" in page
    assert len(list(secret.glob("*.html"))) == len(pages)  # flat, one shell per page


def test_the_password_page_links_only_files_the_site_publishes(sites: tuple[Path, Path]
                                                               ) -> None:
    _, secret = sites
    shell = (secret / "index.html").read_text(encoding="utf-8")
    linked = re.findall(r'(?:href|src)="([^"#]+)"', shell)
    assert "assets/favicon.svg" in linked  # else the browser asks for /favicon.ico: a 404
    assert [rel for rel in linked if not (secret / rel).is_file()] == []


def test_a_wrong_password_or_a_swapped_file_does_not_open(sites: tuple[Path, Path]) -> None:
    _, secret = sites
    shell = (secret / "index.html").read_bytes()
    with pytest.raises(InvalidTag):
        decrypt_page("wrong password", shell, "index.html")
    with pytest.raises(InvalidTag):  # the name is bound to the bytes
        decrypt_page(PASSWORD, shell, "other.html")


def test_no_name_company_or_note_text_in_any_byte_or_path(sites: tuple[Path, Path]) -> None:
    _, secret = sites
    journal = load(REPO / "journal").journal
    words = set()
    for contact in journal.contacts.values():
        words |= {contact.name, contact.company, contact.slug, *contact.aliases}
    for meeting in journal.meetings[::5]:
        words |= {meeting.title, meeting.id.rsplit("/", 1)[-1]}
        words |= {w for w in re.findall(r"[A-Za-z]{7,}", meeting.body)[:3]}
    # the same for every journal
    shell = (SHELL + UNLOCK_JS.decode() + worker_source()).lower()
    words = {w for w in words if w and len(w) >= 4 and w.lower() not in shell}
    assert len(words) > 50
    # The ciphertext itself is left out: base64 of random bytes spells any four-letter name
    # somewhere in a megabyte now and then, and says nothing about the plaintext.
    haystack = b"".join(re.sub(rb'"data":"[^"]*"', b'"data":""', p.read_bytes())
                        for p in secret.rglob("*") if p.is_file()
                        and not p.relative_to(secret).as_posix().startswith("assets/"))
    paths = " ".join(p.relative_to(secret).as_posix() for p in secret.rglob("*"))
    found = [w for w in words if w.encode() in haystack or w.lower() in paths.lower()]
    assert found == []


def test_the_password_comes_from_the_environment_or_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--journal", str(REPO / "journal"), "--out",
                                       str(tmp_path / "s"), "--encrypt"])
    assert result.exit_code == 2
    assert "REFJOURNAL_PASSWORD" in result.stderr
    result = CliRunner(env={"REFJOURNAL_PASSWORD": PASSWORD}).invoke(
        main, ["build", "--journal", str(REPO / "journal"), "--out", str(tmp_path / "s"),
               "--encrypt", "--today", "2026-11-24"])
    assert result.exit_code == 0, result.output
    assert b'"iterations":600000' in (tmp_path / "s" / "index.html").read_bytes()


def encrypted_build(tmp_path: Path, password: str, *more: str) -> object:
    root = write_journal(tmp_path / "j", {"refjournal.yaml": "owner: Maya Okafor\n",
                                          "contacts/ada.md": "---\nname: Ada\n---\n"})
    return CliRunner(env={"REFJOURNAL_PASSWORD": password}).invoke(
        main, ["build", "--journal", str(root), "--out", str(tmp_path / "s"), "--encrypt",
               "--today", "2026-11-24", *more])


@pytest.mark.parametrize("password", ["password1", "maya2026", "Okafor-Maya!", "Kq8#vL2!pZ"])
def test_a_password_guessed_within_months_is_refused(tmp_path: Path, password: str) -> None:
    result = encrypted_build(tmp_path, password)
    assert result.exit_code == 2
    assert "the password is weak" in result.stderr and "graphics cards" in result.stderr
    assert "--weak-password-ok encrypts with it anyway" in result.stderr
    assert not (tmp_path / "s").exists()


def test_weak_password_ok_encrypts_with_it_and_still_warns(tmp_path: Path) -> None:
    result = encrypted_build(tmp_path, "maya2026", "--weak-password-ok")
    assert result.exit_code == 0, result.output
    assert "warning: the password is weak" in result.stderr
    assert b'"iterations":600000' in (tmp_path / "s" / "index.html").read_bytes()


def test_a_password_that_holds_for_years_is_not_refused(tmp_path: Path) -> None:
    result = encrypted_build(tmp_path, "a long enough password")  # ~10^13 guesses
    assert result.exit_code == 0 and "warning: the password is weak" in result.stderr
    quiet = encrypted_build(tmp_path, PASSWORD)
    assert quiet.exit_code == 0 and "weak" not in quiet.stderr


def test_the_time_to_guess_is_said_in_words() -> None:
    from refjournal.publish.password import RATE, Strength

    def said(guesses: float) -> str:
        return Strength(math.log10(guesses), "", ()).time_to_guess()

    assert said(RATE) == "less than a minute"
    assert said(2 * RATE * 3600 * 5) == "about 5 hours"
    assert said(2 * RATE * 86400 * 365.25 * 20) == "about 20 years"
    assert said(1e30) == "more than a thousand years"


def test_data_files_are_encrypted_too_under_opaque_names() -> None:
    keys = derive_keys(PASSWORD, b"0123456789abcdef", 1000)
    out = encrypt_site({"index.html": b"<p>x</p>", "review.csv": b"Ada Lovelace,needs\n",
                        "data/journal.json": b'{"name": "Ada"}'}, keys, b"")
    sealed = sorted(name for name in out if name.endswith(".bin"))
    assert len(sealed) == 2 and not any("review" in n or "journal" in n for n in out)
    assert all(b"Ada" not in out[name] for name in sealed)
    name = opaque_name(keys, "review.csv").removesuffix(".html") + ".bin"
    assert decrypt_file(out[name], name, keys) == b"Ada Lovelace,needs\n"


def test_the_search_index_and_data_links_use_the_published_names() -> None:
    keys = derive_keys(PASSWORD, b"0123456789abcdef", 1000)
    index = b'{"contacts":[["Ada","","","","","contacts/ada/index.html"]],"meetings":[]}'
    out = encrypt_site({
        "contacts/ada/index.html": b"<p>Ada</p>",
        "review/index.html": b'<a href="../review.csv" download="review.csv">CSV</a>'
                             b'<input data-href="../search.json" data-script="../search.js">',
        "review.csv": b"x\n", "search.json": index, "search.js": b"window.x = 1;\n",
    }, keys, b"")
    csv, search = (opaque_name(keys, n).removesuffix(".html") + ".bin"
                   for n in ("review.csv", "search.json"))
    assert len(out) == 5  # the pages, two sealed data files and unlock.js: no search.js
    review = opaque_name(keys, "review/index.html")
    page = decrypt_page(PASSWORD, out[review], review, keys)
    assert f'href="{csv}" download="review.csv"'.encode() in page
    assert f'data-href="{search}"'.encode() in page
    data = decrypt_file(out[search], search, keys)
    assert opaque_name(keys, "contacts/ada/index.html").encode() in data
    assert b"contacts/ada" not in data


def test_links_between_encrypted_pages_use_the_opaque_names() -> None:
    keys = derive_keys(PASSWORD, b"0123456789abcdef", 1000)
    files = {"index.html": b'<a href="contacts/ada/index.html">Ada</a>'
                           b'<link href="assets/style.css"><a href="https://x.example/a">x</a>',
             "contacts/ada/index.html": b'<a href="../../index.html#due">home</a>'
                                        b'<img src="../../assets/me.png">'
                                        b'<a href="../ada/index.html?tab=x">me</a>'
                                        b'<a href="../../meetings/coffee.1/">m</a>',
             "meetings/coffee.1/index.html": b"<p>coffee</p>",
             "assets/style.css": b"body{}"}
    out = encrypt_site(files, keys, b"// unlock")
    ada = opaque_name(keys, "contacts/ada/index.html")
    coffee = opaque_name(keys, "meetings/coffee.1/index.html")
    assert sorted(out) == sorted(["index.html", ada, coffee, "assets/style.css",
                                  "assets/unlock.js"])
    home = decrypt_page(PASSWORD, out["index.html"], "index.html")
    assert f'href="{ada}"'.encode() in home
    assert b'href="assets/style.css"' in home and b'href="https://x.example/a"' in home
    page = decrypt_page(PASSWORD, out[ada], ada)
    assert b'href="index.html#due"' in page and b'src="assets/me.png"' in page
    assert f'href="{ada}?tab=x"'.encode() in page and f'href="{coffee}"'.encode() in page


@pytest.mark.browser
def test_chromium_opens_the_site_with_the_right_password_only(
        sites: tuple[Path, Path], browser: object, tmp_path: Path) -> None:  # noqa: F811
    _, secret = sites
    served = tmp_path / "site"
    shutil.copytree(secret, served)
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto((served / "index.html").as_uri())
        page.fill("#password", "not the password")
        page.press("#password", "Enter")
        page.wait_for_function("document.getElementById('unlock-message').textContent"
                               ".includes('Wrong password')", timeout=20000)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_selector("text=Overdue", timeout=20000)
        assert "Maya Okafor" in page.inner_text("body")
        page.click("a.contact >> nth=0")  # to a contact's page, opened with the kept key
        page.wait_for_selector("h1 bdi", timeout=20000)
        assert page.locator("#password").count() == 0
    finally:
        page.close()


def test_the_journals_own_theme_files_are_not_published_plain(tmp_path: Path) -> None:
    root = tmp_path / "journal"
    shutil.copytree(REPO / "journal", root)
    (root / "theme" / "static").mkdir(parents=True)
    (root / "theme" / "static" / "jane-doe-acme.css").write_text("/* Jane Doe */\n")
    result = build(root, tmp_path / "site", TODAY, password=PASSWORD)
    assert not result.written and not (tmp_path / "site").exists()
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert problem.path == "theme/static/jane-doe-acme.css"
    assert "unencrypted" in problem.message


@pytest.mark.browser
def test_pages_open_where_the_host_drops_html_and_remember_keeps_the_key(
        sites: tuple[Path, Path], browser: object) -> None:  # noqa: F811
    """Cloudflare Pages serves `x.html` at `x`; the page must still open under its name."""
    import functools
    import http.server
    import threading

    _, secret = sites

    class PrettyUrls(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            real = super().translate_path(path)
            return real + ".html" if not Path(real).exists() else real

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(PrettyUrls, directory=str(secret)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    name = next(p.stem for p in secret.glob("*.html") if p.name != "index.html")
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/{name}")
        page.fill("#password", PASSWORD)
        page.check("#remember")
        page.press("#password", "Enter")
        page.wait_for_selector("nav", timeout=20000)
        assert page.locator("#password").count() == 0
        kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith("
                             "'refjournal-key-')).length")
        assert kept == 1
    finally:
        page.close()
        server.shutdown()
