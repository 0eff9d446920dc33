"""The rendered site: pages, escaping, Markdown bodies, relative links and theme shadowing."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from refjournal.build import build

from .conftest import REPO, TODAY, write_journal

JOURNAL = {
    "refjournal.yaml": "title: Test journal\n",
    "contacts/ada.md": """
        ---
        name: Ada <script>alert(1)</script>
        aliases: [Countess]
        needs: "Engineers & <b>makers</b>"
        ---
        Raw <em>html</em> here. See [[bob|my builder]] and [[Nobody Known]].
        """,
    "contacts/bob.md": "",
    "meetings/2026/11/2026-11-01-coffee.md": """
        ---
        with: [Countess, "[[bob]]", Zed Unknown]
        title: Coffee & cake
        gave:
          - to: Zed Unknown
        ---
        # Notes
        Talked to [[Countess]].
        """,
}


def site(tmp_path: Path, files: dict[str, str] = JOURNAL) -> Path:
    root = write_journal(tmp_path / "journal", files)
    out = tmp_path / "site"
    result = build(root, out, TODAY)
    assert result.written, [p.format() for p in result.problems]
    return out


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def test_every_page_is_written_with_noindex(tmp_path: Path) -> None:
    out = site(tmp_path)
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert pages == [
        "balances/index.html", "connections/index.html", "contacts/ada/index.html",
        "contacts/bob/index.html", "contacts/index.html", "contacts/zed-unknown/index.html",
        "follow-ups/index.html", "index.html", "insights/index.html",
        "meetings/2026/11/2026-11-01-coffee/index.html", "meetings/index.html",
        "referrals/index.html", "review/index.html", "suggestions/index.html", "tags/index.html",
    ]
    for page in pages:
        assert '<meta name="robots" content="noindex' in read(out, page), page


def test_links_are_relative_and_resolve_on_disk(tmp_path: Path) -> None:
    out = site(tmp_path)
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for link in re.findall(r'(?:href|src)="([^"]+)"', html):
            if link.startswith(("mailto:", "tel:", "#")):
                continue
            assert not link.startswith(("/", "http:", "https:", "//")), (page, link)
            target = (page.parent / link.split("#")[0]).resolve()
            assert target.is_file(), f"{page.relative_to(out)} links to missing {link}"


def test_names_and_notes_are_escaped(tmp_path: Path) -> None:
    out = site(tmp_path)
    html = read(out, "contacts/ada/index.html")
    assert "<script>alert(1)</script>" not in html
    assert "Ada &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Engineers &amp; &lt;b&gt;makers&lt;/b&gt;" in html
    assert "Raw &lt;em&gt;html&lt;/em&gt; here." in html  # raw HTML off by default


def test_allow_html_lets_raw_html_through(tmp_path: Path) -> None:
    out = site(tmp_path, {**JOURNAL, "refjournal.yaml": "allow_html: true\n"})
    assert "Raw <em>html</em> here." in read(out, "contacts/ada/index.html")


def test_wikilinks_in_bodies(tmp_path: Path) -> None:
    out = site(tmp_path)
    ada = read(out, "contacts/ada/index.html")
    assert '<a class="wikilink" href="../../contacts/bob/index.html">my builder</a>' in ada
    assert '<span class="wikilink unresolved" title="no contact note">Nobody Known</span>' in ada
    meeting = read(out, "meetings/2026/11/2026-11-01-coffee/index.html")
    assert '<a class="wikilink" href="../../../../contacts/ada/index.html">Countess</a>' in meeting
    assert "<h1>Notes</h1>" in meeting


def test_unresolved_contact_has_a_page_that_says_so(tmp_path: Path) -> None:
    out = site(tmp_path)
    html = read(out, "contacts/zed-unknown/index.html")
    assert "No contact note matches <code>Zed Unknown</code>" in html
    assert "You gave <strong>1</strong>" in html


def test_a_journal_theme_shadows_default_files_by_name(tmp_path: Path) -> None:
    files = {
        **JOURNAL,
        "theme/static/style.css": "body { background: hotpink; }\n",
        "theme/static/extra.js": "// mine\n",
        "theme/templates/balances.html": (
            '{% extends "base.html" %}{% block title %}Mine{% endblock %}'
            "{% block content %}<p id=mine>{{ site.balances|length }} rows</p>{% endblock %}"),
    }
    out = site(tmp_path, files)
    assert read(out, "assets/style.css") == "body { background: hotpink; }\n"
    assert read(out, "assets/extra.js") == "// mine\n"
    assert (out / "assets" / "site.js").is_file()  # not shadowed: from the default theme
    assert "<p id=mine>3 rows</p>" in read(out, "balances/index.html")
    assert "<title>Mine · Test journal</title>" in read(out, "balances/index.html")
    assert "Contacts" in read(out, "contacts/index.html")  # default template still used


def test_a_broken_theme_template_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    files = {**JOURNAL, "theme/templates/balances.html": "{{ no_such_variable }}\n"}
    root = write_journal(tmp_path / "journal", files)
    result = build(root, tmp_path / "site", TODAY)
    assert not result.written
    assert not (tmp_path / "site").exists()
    [problem] = result.problems[-1:]
    assert problem.path.endswith("theme/templates/balances.html")
    assert problem.line == 1
    assert "no_such_variable" in problem.message


def test_contact_page_shows_profile_balance_and_timeline(tmp_path: Path) -> None:
    out = site(tmp_path)
    html = read(out, "contacts/ada/index.html")
    assert "Countess" in html
    assert '<a href="../../meetings/2026/11/2026-11-01-coffee/index.html">Coffee &amp; cake</a>' \
        in html


@pytest.mark.slow
def test_the_wheel_ships_the_default_theme_and_the_scripts(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    [wheel] = list(WheelBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"]))
    names = zipfile.ZipFile(wheel).namelist()
    for rel in ("templates/base.html", "templates/index.html", "static/style.css",
                "static/site.js", "static/favicon.svg"):
        assert f"refjournal/themes/default/{rel}" in names
    # and the scripts, and every part of the package, where the code finds them
    for rel in ("publish/unlock.js", "serve/live.js",
                *(f"{p.parent.name}/__init__.py" for p in REPO.glob("refjournal/*/__init__.py"))):
        assert f"refjournal/{rel}" in names
    from refjournal.site.theme import PACKAGE_THEMES

    assert PACKAGE_THEMES.relative_to(REPO / "refjournal") == Path("themes")


def test_a_theme_template_that_is_not_utf8_is_a_problem(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", JOURNAL)
    (root / "theme" / "templates").mkdir(parents=True)
    (root / "theme" / "templates" / "balances.html").write_bytes(b"caf\xe9\n")
    result = build(root, tmp_path / "site", TODAY)
    assert not result.written
    assert "theme template failed while rendering balances/index.html" in \
        result.problems[-1].message


def test_a_runtime_error_in_a_theme_template_is_a_problem(tmp_path: Path) -> None:
    files = {**JOURNAL, "theme/templates/balances.html": "line one\n{{ 1 + 'a' }}\n"}
    root = write_journal(tmp_path / "journal", files)
    result = build(root, tmp_path / "site", TODAY)
    assert not result.written
    problem = result.problems[-1]
    assert (problem.path, problem.line) == ("theme/templates/balances.html", 2)


def test_a_wikilink_in_the_text_may_be_the_note_s_path_as_obsidian_writes_it(
        tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", {
        "contacts/clients/acme.md": "---\nname: Acme Ltd\n---\n",
        "contacts/bob.md": "See [[Contacts/Clients/Acme|Acme]] and [[clients/acme.md]].\n"})
    result = build(root, tmp_path / "site", TODAY)
    assert result.problems == []
    html = read(tmp_path / "site", "contacts/bob/index.html")
    assert html.count('<a class="wikilink" href="../../contacts/acme/index.html">') == 2


def test_remote_images_in_notes_become_links(tmp_path: Path) -> None:
    files = {**JOURNAL, "contacts/bob.md": "![logo](https://example.com/l.png) ![me](me.png)\n"}
    html = read(site(tmp_path, files), "contacts/bob/index.html")
    assert '<a class="remote-image" href="https://example.com/l.png"' in html
    assert "<img" in html and 'src="https://' not in html


def test_values_are_summed_to_cents(tmp_path: Path) -> None:
    files = {**JOURNAL, "meetings/2026-11-02.md": (
        "---\nwith: bob\ngave:\n  - {status: won, value: 0.1}\n  - {status: won, value: 0.2}\n"
        "---\n")}
    root = write_journal(tmp_path / "journal", files)
    from refjournal.insights.balances import balances
    from refjournal.journal.load import load
    assert balances(load(root).journal)["bob"].gave_value == 0.3


def test_a_theme_file_linked_from_outside_the_journal_is_not_copied(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", {**JOURNAL, "theme/static/own.css": "a {}\n"})
    secret = tmp_path / "secret.txt"
    secret.write_text("private\n", encoding="utf-8")
    (root / "theme" / "static" / "leak.css").symlink_to(secret)
    result = build(root, tmp_path / "site", TODAY)
    assert result.written
    [problem] = [p for p in result.problems if "symlink" in p.message]
    assert (problem.path, problem.severity) == ("theme/static/leak.css", "warning")
    assert (tmp_path / "site" / "assets" / "own.css").is_file()
    assert not (tmp_path / "site" / "assets" / "leak.css").exists()
    assert not build(root, tmp_path / "strict", TODAY, strict_mode=True).written


def test_a_template_linked_from_outside_the_journal_is_not_used(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "journal", JOURNAL)
    outside = tmp_path / "elsewhere.html"
    outside.write_text("{{ journal.contacts }} leaked\n", encoding="utf-8")
    (root / "theme" / "templates").mkdir(parents=True)
    (root / "theme" / "templates" / "balances.html").symlink_to(outside)
    result = build(root, tmp_path / "site", TODAY)
    assert result.written
    [problem] = [p for p in result.problems if "symlink" in p.message]
    assert (problem.path, problem.severity) == ("theme/templates/balances.html", "warning")
    html = read(tmp_path / "site", "balances/index.html")
    assert "leaked" not in html and "Balances" in html  # the default theme's template


def test_the_site_keeps_search_engines_out(tmp_path: Path) -> None:
    out = site(tmp_path)
    assert read(out, "robots.txt").splitlines()[-2:] == ["User-agent: *", "Allow: /"]
    assert read(out, "_headers") == "/*\n  X-Robots-Tag: noindex, nofollow, noarchive\n"
    assert not list(out.rglob("sitemap*")) and not list(out.rglob("*.xml"))
    for page in out.rglob("*.html"):
        assert '<meta name="robots" content="noindex' in page.read_text(encoding="utf-8")


REFERRALS = {
    "contacts/ada.md": "---\nname: Ada Byron\n---\n",
    "contacts/bob.md": "---\nname: Bob Stone\n---\n",
    "meetings/2026-11-01-coffee.md": """
        ---
        with: [ada, bob]
        kind: coffee
        gave:
          - to: ada
            prospect: Harbour Gin Co.
            heat: 2
        got:
          - from: ada
            prospect: Tidewater   Brewing
            heat: 4
          - from: bob
            prospect: Harbour Gin Co.
            heat: hot
        follow_ups:
          - due: 2026-12-01
            what: Send Ada the flood checklist
          - due: 2026-12-02
        ---
        """,
    "meetings/2026-11-02-call.md": "---\nwith: bob\nkind: call\n---\n",
}


def test_the_search_index_holds_prospects_and_follow_up_texts(tmp_path: Path) -> None:
    out = site(tmp_path, REFERRALS)
    index = json.loads(read(out, "search.json"))
    assert index["meetings"] == [
        ["Call", "2026-11-02", "Bob Stone", "", "", "meetings/2026-11-02-call/index.html"],
        # each prospect once, its spaces as one; a follow-up without a text adds nothing
        ["Coffee", "2026-11-01", "Ada Byron, Bob Stone", "Harbour Gin Co.\nTidewater Brewing",
         "Send Ada the flood checklist", "meetings/2026-11-01-coffee/index.html"],
    ]
    assert index["contacts"][0] == ["Ada Byron", "", "", "", "", "", "contacts/ada/index.html"]
    script = read(out, "search.js")
    assert json.loads(script.removeprefix("window.refjournalSearchIndex = ").rstrip(";\n")) \
        == index


def _heat(n: int | str) -> str:
    label = f"heat {n} of 5" if isinstance(n, int) else f"heat: {n}"
    dots = "●" * n + "○" * (5 - n) if isinstance(n, int) else n
    return f'<span class="heat" role="img" aria-label="{label}" title="{label}">{dots}</span>'


def test_heat_shows_one_way_on_every_page(tmp_path: Path) -> None:
    out = site(tmp_path, REFERRALS)
    shown = {rel: read(out, rel) for rel in (
        "referrals/index.html", "contacts/ada/index.html", "contacts/bob/index.html",
        "meetings/2026-11-01-coffee/index.html", "review/index.html")}
    for rel, html in shown.items():
        # every heat is a label made one way, and no dot or "heat" title is outside one
        spans = re.findall(r'<span class="heat".*?</span>', html)
        assert spans and all(span in (_heat(n) for n in (2, 4, "hot")) for span in spans), rel
        rest = re.sub(r'<span class="heat".*?</span>', "", html)
        assert not re.search(r"[●○]|title=\"heat", rest), rel
    for rel in ("referrals/index.html", "contacts/ada/index.html",
                "meetings/2026-11-01-coffee/index.html"):
        assert _heat(2) in shown[rel] and _heat(4) in shown[rel]
    for rel in ("referrals/index.html", "contacts/bob/index.html",
                "meetings/2026-11-01-coffee/index.html", "review/index.html"):
        assert _heat("hot") in shown[rel], rel
    review = shown["review/index.html"]  # their last warm or hot referral to you
    assert _heat(4) in review and _heat(2) not in review
    # a word sorts among the numbers: hot as 4.5
    assert f'<td data-sort="4.5">{_heat("hot")}</td>' in shown["referrals/index.html"]


def test_every_page_links_the_favicon_relative_to_itself(tmp_path: Path) -> None:
    out = site(tmp_path)
    icon = out / "assets" / "favicon.svg"
    assert icon.read_bytes().startswith(b"<svg ") and icon.stat().st_size < 1024
    for page in out.rglob("*.html"):
        [link] = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">',
                            page.read_text(encoding="utf-8"))
        assert not link.startswith("/") and (page.parent / link).resolve() == icon.resolve()
