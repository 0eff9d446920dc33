"""Links to the journal's git host (`repo_url`): "Log a meeting" on the dashboard and each
contact's page, "Edit this note" on each note's page, for every host we know; the note a
link fills in reads clean; the links follow the reader's day, keep out of an encrypted
site's password page, and rebuild when what they are made of changes."""

from __future__ import annotations

import base64
import datetime as dt
import re
import shutil
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from refjournal.authoring import write_meeting
from refjournal.build import build
from refjournal.incremental.cache import ParseCache
from refjournal.journal.load import load
from refjournal.journal.naming import default_title, meeting_path
from refjournal.journal.repository import address, folder_in_repository
from refjournal.publish.encrypt import decrypt_page, derive_keys, opaque_name

from .conftest import TODAY, tree, write_journal
from .test_browser import browser, open_page  # noqa: F401  (a fixture)

DAY = "2026-11-24"  # TODAY
JOURNAL = {
    "contacts/sofia-marchetti.md": "---\nname: Sofia Marchetti\n---\nMet at the chapter.\n",
    "contacts/José Núñez.md": "---\nname: José Núñez\n---\n",
    "meetings/2026/2026-11-02-coffee.md": "---\nwith: sofia-marchetti\nkind: coffee\n---\n",
}
SOFIA = "contacts/sofia-marchetti/index.html"
MEETING = "meetings/2026/2026-11-02-coffee/index.html"
# The note "Log a meeting" fills in on Sofia's page, and on the dashboard, as the host's
# new-file page gets it (percent-encoded).
SOFIA_NOTE = ("---%0Adate%3A%202026-11-24%0Awith%3A%20sofia-marchetti%0Akind%3A%20coffee%0A"
              "title%3A%20Coffee%20with%20Sofia%20Marchetti%0Agave%3A%0Agot%3A%0A"
              "follow_ups%3A%0A---%0A%0A")
OPEN_NOTE = ("---%0Adate%3A%202026-11-24%0Awith%3A%0Akind%3A%20coffee%0Atitle%3A%0A"
             "gave%3A%0Agot%3A%0Afollow_ups%3A%0A---%0A%0A")
SOFIA_FILE = "2026-11-24-coffee-with-sofia-marchetti.md"


def journal_in_repo(tmp_path: Path, settings: str, folder: str = "") -> Path:
    """The journal at `folder` of a git work tree (its top holds `.git`)."""
    top = tmp_path / "repo"
    (top / ".git").mkdir(parents=True)
    root = top / folder if folder else top
    return write_journal(root, {**JOURNAL, "refjournal.yaml": settings})


def links(page: Path) -> dict[str, str]:
    """The page's links to the git host, by what they say."""
    html = page.read_text(encoding="utf-8")
    return {text: unescape(href) for href, text
            in re.findall(r'<a class="action" href="([^"]*)"[^>]*>([^<]*)</a>', html)}


def built(root: Path, out: Path, **kwargs) -> Path:
    result = build(root, out, TODAY, strict_mode=True, **kwargs)
    assert result.written and result.problems == [], [p.format() for p in result.problems]
    return out


@pytest.mark.parametrize(("url", "log", "edit", "edit_meeting", "log_open"), [
    ("https://github.com/maya/journal",
     f"https://github.com/maya/journal/new/main?filename=meetings/2026/{SOFIA_FILE}"
     f"&value={SOFIA_NOTE}",
     "https://github.com/maya/journal/edit/main/contacts/sofia-marchetti.md",
     "https://github.com/maya/journal/edit/main/meetings/2026/2026-11-02-coffee.md",
     "https://github.com/maya/journal/new/main?filename=meetings/2026/2026-11-24-coffee.md"
     f"&value={OPEN_NOTE}"),
    ("https://gitlab.com/maya/private/journal.git",  # a clone address, a sub-group
     f"https://gitlab.com/maya/private/journal/-/new/main/meetings/2026?file_name={SOFIA_FILE}"
     f"&content={SOFIA_NOTE}",
     "https://gitlab.com/maya/private/journal/-/edit/main/contacts/sofia-marchetti.md",
     "https://gitlab.com/maya/private/journal/-/edit/main/meetings/2026/2026-11-02-coffee.md",
     "https://gitlab.com/maya/private/journal/-/new/main/meetings/2026?file_name="
     f"2026-11-24-coffee.md&content={OPEN_NOTE}"),
    ("https://codeberg.org/maya/journal/",
     f"https://codeberg.org/maya/journal/_new/main/meetings/2026?filename={SOFIA_FILE}"
     f"&value={SOFIA_NOTE}",
     "https://codeberg.org/maya/journal/_edit/main/contacts/sofia-marchetti.md",
     "https://codeberg.org/maya/journal/_edit/main/meetings/2026/2026-11-02-coffee.md",
     "https://codeberg.org/maya/journal/_new/main/meetings/2026?filename=2026-11-24-coffee.md"
     f"&value={OPEN_NOTE}"),
    ("https://bitbucket.org/maya/journal",
     "https://bitbucket.org/maya/journal/create-file/main/meetings/2026?at=main",
     "https://bitbucket.org/maya/journal/src/main/contacts/sofia-marchetti.md?mode=edit&at=main",
     "https://bitbucket.org/maya/journal/src/main/meetings/2026/2026-11-02-coffee.md"
     "?mode=edit&at=main",
     "https://bitbucket.org/maya/journal/create-file/main/meetings/2026?at=main"),
])
def test_the_links_of_each_host(tmp_path, url, log, edit, edit_meeting, log_open):
    root = journal_in_repo(tmp_path, f"repo_url: {url}\n")
    out = built(root, tmp_path / "site")
    assert links(out / SOFIA) == {"Log a meeting": log, "Edit this note": edit}
    assert links(out / MEETING) == {"Edit this note": edit_meeting}
    assert links(out / "index.html") == {"Log a meeting": log_open}
    # Where the host's page leaves the note out, the page shows it, to paste.
    pasted = "The note to paste" in (out / SOFIA).read_text(encoding="utf-8")
    assert pasted == ("github" not in url and "codeberg" not in url)


@pytest.mark.parametrize(("url", "host"), [
    ("https://gitea.com/maya/journal", "gitea"),
    ("https://forgejo.example.org/maya/journal", "gitea"),  # Forgejo has Gitea's addresses
    ("https://git.gitea.example.org/maya/journal", "gitea"),
    ("https://gitlab.example.com/team/notes/journal", "gitlab"),
    ("https://github.example.com/maya/journal", "github"),  # GitHub Enterprise Server
    ("https://www.github.com/maya/journal", "github"),
    ("https://GitHub.com/maya/journal", "github"),
])
def test_hosts_are_told_by_their_names(url, host):
    assert address(url).host == host


def test_a_self_hosted_forge_and_a_branch_of_ones_own(tmp_path):
    root = journal_in_repo(tmp_path, "repo_url: https://forgejo.example.org/maya/journal\n"
                                     "edit_branch: notes/live\n")
    out = built(root, tmp_path / "site")
    assert links(out / MEETING) == {"Edit this note": "https://forgejo.example.org/maya/journal/"
                                    "_edit/notes/live/meetings/2026/2026-11-02-coffee.md"}


def test_a_journal_in_a_folder_of_its_repository(tmp_path):
    root = journal_in_repo(tmp_path, "repo_url: https://github.com/maya/notes\n",
                           folder="notes/my journal")
    assert folder_in_repository(root) == "notes/my journal"
    out = built(root, tmp_path / "site")
    found = links(out / SOFIA)
    assert found["Edit this note"] == ("https://github.com/maya/notes/edit/main/"
                                       "notes/my%20journal/contacts/sofia-marchetti.md")
    assert found["Log a meeting"].startswith("https://github.com/maya/notes/new/main?filename="
                                             f"notes/my%20journal/meetings/2026/{SOFIA_FILE}&")
    assert links(out / MEETING)["Edit this note"].endswith(
        "/edit/main/notes/my%20journal/meetings/2026/2026-11-02-coffee.md")


def test_a_journal_outside_any_repository_is_taken_as_its_top(tmp_path):
    root = write_journal(tmp_path / "loose", JOURNAL)
    if any((folder / ".git").exists() for folder in (root, *root.parents)):
        pytest.skip("the temporary folder is inside a git work tree")
    assert folder_in_repository(root) == ""


def test_a_worktree_or_submodule_has_a_git_file(tmp_path):
    (tmp_path / "top").mkdir()
    (tmp_path / "top" / ".git").write_text("gitdir: /elsewhere\n")
    (tmp_path / "top" / ".hidden" / "journal").mkdir(parents=True)
    assert folder_in_repository(tmp_path / "top" / ".hidden" / "journal") == ".hidden/journal"
    assert folder_in_repository(tmp_path / "top") == ""


def test_a_contact_without_a_note_gets_no_links(tmp_path):
    root = journal_in_repo(tmp_path, "repo_url: https://github.com/maya/journal\n")
    write_journal(root, {"meetings/2026/2026-11-03-call.md": "---\nwith: Cy Gone\n---\n"})
    assert build(root, tmp_path / "site", TODAY).written
    assert links(tmp_path / "site" / "contacts/cy-gone/index.html") == {}


def test_without_repo_url_there_are_no_links(tmp_path):
    root = journal_in_repo(tmp_path, "owner: Maya\n")
    out = built(root, tmp_path / "site")
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'class="action"' not in html and "data-log-day" not in html, page


@pytest.mark.parametrize(("url", "says"), [
    ("https://git.example.com/maya/journal", "cannot tell which git host `git.example.com` is"),
    ("https://github.com/maya", "is not the address of a repository"),
    ("https://github.com/maya/journal/tree/main/journal", "is not the address of a repository"),
    ("https://gitlab.com/maya/journal/-/tree/main", "is not the address of a repository"),
])
def test_an_address_that_makes_no_links_is_a_warning(tmp_path, url, says):
    root = journal_in_repo(tmp_path, f"owner: Maya\nrepo_url: {url}\n")
    problems = load(root).problems
    assert [(p.path, p.line, p.severity) for p in problems] == [
        ("refjournal.yaml", 2, "warning")]
    assert says in problems[0].message and problems[0].source == f"repo_url: {url}"
    result = build(root, tmp_path / "site", TODAY)
    assert result.written and links(tmp_path / "site" / SOFIA) == {}


# --- the note a link fills in ----------------------------------------------------------

def note_of(href: str) -> tuple[str, str]:
    """The path and the text a GitHub new-file link fills in."""
    query = parse_qs(urlsplit(href).query)
    return query["filename"][0], query["value"][0]


@pytest.mark.parametrize("page", [SOFIA, "contacts/jose-nunez/index.html", "index.html"])
def test_the_note_a_link_fills_in_reads_clean(tmp_path, page):
    root = journal_in_repo(tmp_path, "repo_url: https://github.com/maya/journal\n")
    out = built(root, tmp_path / "site")
    path, text = note_of(links(out / page)["Log a meeting"])
    write_journal(root, {path: text + "Talked about the spring referral round.\n"})
    loaded = load(root, strict_mode=True)
    assert loaded.problems == []
    (meeting,) = [m for m in loaded.journal.meetings if m.source.path == path]
    assert meeting.date == TODAY and meeting.kind == "coffee"
    assert [ref.slug for ref in meeting.with_] == (
        [] if page == "index.html" else [page.split("/")[1]])
    assert meeting.gave == meeting.got == meeting.follow_ups == ()


def test_the_note_is_named_and_titled_as_new_meeting_names_it(tmp_path):
    for names in (["Sofia Marchetti"], ["José Núñez"], ["山田 太郎"], ["A", "B"],
                  ["Ann", "Bo", "Cy", "Di", "Ed"], ["Dr. O'Brien: the \"boss\""]):
        for kind in ("coffee", "1:1", ""):
            title = default_title(kind, names)
            written = write_meeting(tmp_path, TODAY, title, {}, dry_run=True)
            assert written.path.relative_to(tmp_path).as_posix() == meeting_path(TODAY, title)
    assert default_title("coffee", []) == "Coffee"  # the dashboard's, with nobody named yet


def test_a_name_yaml_would_misread_is_quoted(tmp_path):
    root = journal_in_repo(tmp_path, "repo_url: https://github.com/maya/journal\n")
    write_journal(root, {"contacts/yes.md": "---\nname: 'No: maybe #1'\n---\n"})
    out = built(root, tmp_path / "site")
    path, text = note_of(links(out / "contacts/yes/index.html")["Log a meeting"])
    assert "with: 'yes'\n" in text and "title: 'Coffee with No: maybe #1'\n" in text
    write_journal(root, {path: text})
    loaded = load(root, strict_mode=True)
    assert loaded.problems == []
    (meeting,) = [m for m in loaded.journal.meetings if m.source.path == path]
    assert [ref.slug for ref in meeting.with_] == ["yes"]
    assert meeting.title == "Coffee with No: maybe #1"


def test_the_note_to_paste_is_the_note_the_link_names(tmp_path):
    root = journal_in_repo(tmp_path, "repo_url: https://gitlab.com/maya/journal\n")
    out = built(root, tmp_path / "site")
    html = (out / SOFIA).read_text(encoding="utf-8")
    paste = re.search(r'<details class="paste-note"[^>]*>.*?</details>', html, re.S).group(0)
    assert f"<code>meetings/2026/{SOFIA_FILE}</code>" in paste
    text = unescape(re.search(r"<pre>(.*?)</pre>", paste, re.S).group(1))
    assert text == unquote(SOFIA_NOTE)


# --- an encrypted site -----------------------------------------------------------------

PASSWORD = "correct horse battery staple"


def test_an_encrypted_site_shows_nothing_of_the_repository_before_the_password(tmp_path):
    root = journal_in_repo(tmp_path, "repo_url: https://github.com/maya/secret-journal\n")
    out = built(root, tmp_path / "secret", password=PASSWORD)
    for file in out.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert b"secret-journal" not in data and b"github" not in data.lower(), file
    shell = (out / "index.html").read_bytes()
    salt = re.search(rb'"salt":"([^"]+)"', shell).group(1)
    keys = derive_keys(PASSWORD, base64.b64decode(salt))
    name = opaque_name(keys, SOFIA)
    page = decrypt_page(PASSWORD, (out / name).read_bytes(), name, keys)
    assert b"https://github.com/maya/secret-journal/edit/main/contacts/sofia-marchetti.md" in page


# --- rebuilds --------------------------------------------------------------------------

def incremental(root: Path, out: Path, cache: Path, day: dt.date = TODAY):
    result = build(root, out, day, cache=ParseCache(cache, root))
    assert result.written, result.problems
    return result


def fresh(root: Path, folder: Path, day: dt.date = TODAY) -> dict[str, bytes]:
    assert build(root, folder, day).written
    return tree(folder)


def test_a_new_repo_url_a_new_day_and_a_new_place_rebuild_the_links(tmp_path):
    root = journal_in_repo(tmp_path, "repo_url: https://github.com/maya/journal\n")
    out, cache = tmp_path / "site", tmp_path / "cache"
    incremental(root, out, cache)
    (root / "refjournal.yaml").write_text("repo_url: https://gitlab.com/maya/journal\n")
    incremental(root, out, cache)
    assert tree(out) == fresh(root, tmp_path / "fresh1")
    assert links(out / MEETING)["Edit this note"].startswith("https://gitlab.com/")

    later = TODAY + dt.timedelta(days=40)  # in the next year: a new folder too
    changed = incremental(root, out, cache, later).changed
    assert tree(out) == fresh(root, tmp_path / "fresh2", later)
    assert SOFIA in changed and "index.html" in changed and MEETING not in changed
    assert "meetings/2027?file_name=2027-01-03-coffee-with" in links(out / SOFIA)["Log a meeting"]

    # The journal becomes a folder of a bigger repository: nothing in it changed.
    shutil.rmtree(root / ".git")
    (tmp_path / ".git").mkdir()
    assert not incremental(root, out, cache, later).up_to_date
    assert tree(out) == fresh(root, tmp_path / "fresh3", later)
    assert "/-/edit/main/repo/meetings/" in links(out / MEETING)["Edit this note"]


def test_a_serve_session_follows_the_repository_too(tmp_path):
    from refjournal.build import Session

    root = journal_in_repo(tmp_path, "repo_url: https://github.com/maya/journal\n")
    session = Session(root, tmp_path / "site", lambda: TODAY)
    assert session.build().written
    (root / "refjournal.yaml").write_text("repo_url: https://codeberg.org/maya/journal\n")
    assert session.build(["refjournal.yaml"]).written
    fresh(root, tmp_path / "fresh")
    assert tree(tmp_path / "site", marker=False) == tree(tmp_path / "fresh", marker=False)
    assert links(tmp_path / "site" / MEETING)["Edit this note"].startswith(
        "https://codeberg.org/maya/journal/_edit/main/")


# --- in a browser ----------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize(("reader", "day"), [
    (dt.datetime(2026, 11, 24, 9), "2026-11-24"),  # the build's day: nothing moves
    (dt.datetime(2026, 11, 26, 23, 30), "2026-11-26"),
    (dt.datetime(2027, 1, 2, 0, 5), "2027-01-02"),  # a new year: a new folder
])
def test_the_script_dates_the_note_the_readers_day(browser, tmp_path, reader, day):  # noqa: F811
    root = journal_in_repo(tmp_path, "repo_url: https://gitlab.com/maya/journal\n")
    out = built(root, tmp_path / "site")
    page = browser.new_page()
    page.clock.set_fixed_time(reader)
    page.goto((out / SOFIA).as_uri())
    href = page.locator("a.action", has_text="Log a meeting").get_attribute("href")
    year = day[:4]
    assert href == (f"https://gitlab.com/maya/journal/-/new/main/meetings/{year}?file_name="
                    f"{day}-coffee-with-sofia-marchetti.md&content="
                    + SOFIA_NOTE.replace(DAY, day))
    paste = page.locator("details.paste-note")
    assert paste.locator("code").text_content() == (
        f"meetings/{year}/{day}-coffee-with-sofia-marchetti.md")
    assert paste.locator("pre").text_content().startswith(f"---\ndate: {day}\nwith: sofia-")
    edit = page.locator("a.action", has_text="Edit this note").get_attribute("href")
    assert edit == "https://gitlab.com/maya/journal/-/edit/main/contacts/sofia-marchetti.md"
    page.close()


@pytest.mark.browser
def test_without_javascript_the_note_is_dated_the_build_day(browser, tmp_path):  # noqa: F811
    root = journal_in_repo(tmp_path, "repo_url: https://github.com/maya/journal\n")
    out = built(root, tmp_path / "site")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime(2027, 3, 1, 12))
    page.goto((out / "index.html").as_uri())
    href = page.locator("a.action", has_text="Log a meeting").get_attribute("href")
    assert href.startswith(f"https://github.com/maya/journal/new/main?filename=meetings/2026/"
                           f"{DAY}-coffee.md&value=")
    context.close()
