"""Suggestions on the site and in the data files: the suggestions page, the dashboard's
"Give this week", a contact's introductions to make, the search index, `stats --json` and
`journal.json`; and a change of needs or offers renders the pages that show them again."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from refjournal.build import build
from refjournal.cli import main
from refjournal.incremental.cache import ParseCache
from refjournal.insights.suggest import Suggestion
from refjournal.site.pages import give_this_week

from .conftest import TODAY, rendered_pages, tree, write_journal


def contact(name: str, **keys: str) -> str:
    lines = [f"name: {name}"] + [f"{key}: {json.dumps(value)}" for key, value in keys.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


# Six needs that each name a trade one other contact practises, and one nobody offers.
JOURNAL = {
    "contacts/ada.md": contact("Ada Byron", needs="A solicitor for the lease of our new shop"),
    "contacts/bo.md": contact("Bo Quayle", role="Solicitor", company="Quayle Law",
                              offers="Commercial leases & property law"),
    "contacts/cy.md": contact("Cy Dunn", needs="An accountant for our year-end"),
    "contacts/di.md": contact("Di Patel", role="Accountant", offers="Year-end accounts"),
    "contacts/ed.md": contact("Ed Moss", needs="A plumber for the new office"),
    "contacts/fa.md": contact("Fa Lin", role="Plumber", offers="Plumbing and heating"),
    "contacts/gu.md": contact("Gu Ortiz", needs="An electrician for rewiring the warehouse"),
    "contacts/ha.md": contact("Ha Kim", role="Electrician", offers="Rewiring and EV chargers"),
    "contacts/io.md": contact("Io Rossi", needs="A photographer for the new product range"),
    "contacts/ju.md": contact("Ju Park", role="Photographer", offers="Product photography"),
    "contacts/ka.md": contact("Ka Mehta", needs="A roofer for a leaking flat roof"),
    "contacts/lu.md": contact("Lu Grant", role="Roofer", offers="Flat roofs and repairs"),
    "contacts/mo.md": contact("Mo Adeyemi", needs="A helicopter pilot for the summer fair"),
}


def site(tmp_path: Path, files: dict[str, str] = JOURNAL) -> Path:
    root = write_journal(tmp_path / "journal", files)
    out = tmp_path / "site"
    result = build(root, out, TODAY)
    assert result.written, [p.format() for p in result.problems]
    return out


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def section(html: str, heading_id: str) -> str:
    """The `<section>` labelled by the heading with this id."""
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert found is not None, heading_id
    return found[0]


def rows(html: str) -> list[str]:
    return re.findall(r"<tr>\s*<td class=\"candidate\">.*?</tr>", html, re.S)


def test_the_page_lists_each_suggestion_with_its_reason_and_both_contacts(tmp_path):
    out = site(tmp_path)
    html = read(out, "suggestions/index.html")
    found = rows(html)
    assert len(found) == 6
    ada = next(row for row in found if "contacts/ada/index.html" in row)
    # relative links to both contacts, the one who could help first
    assert re.search(r'<td class="candidate"><a dir="auto" class="contact" '
                     r'href="\.\./contacts/bo/index\.html">Bo Quayle</a></td>', ada)
    assert '<td class="for"><a dir="auto" class="contact" href="../contacts/ada/index.html">' \
           "Ada Byron</a></td>" in ada
    assert re.search(r'<td class="reason">Bo Quayle offers commercial leases &amp; property law; '
                     r"Ada Byron needs a solicitor for the lease of our new shop \(both speak "
                     r"of [^)]*solicitor", ada)
    scores = [float(s) for s in re.findall(r'<td class="num" data-sort="([0-9.]+)">', html)]
    assert scores == sorted(scores, reverse=True) and len(scores) == 6  # best first
    assert 'aria-current="page"' in re.search(r'<a href="\.\./suggestions/index\.html"[^>]*>',
                                              html)[0]  # in the navigation, marked


def test_the_needs_nobody_offers_have_a_section_of_their_own(tmp_path):
    out = site(tmp_path)
    unanswered = section(read(out, "suggestions/index.html"), "unanswered")
    assert "nobody in your journal offers this yet" in unanswered
    assert re.findall(r"<li>(.*?)</li>", unanswered) == [
        '<a dir="auto" class="contact" href="../contacts/mo/index.html">Mo Adeyemi</a>: '
        "A helicopter pilot for the summer fair"]
    assert "contacts/mo/" not in "".join(rows(read(out, "suggestions/index.html")))


def test_a_journal_without_needs_says_what_to_write(tmp_path):
    out = site(tmp_path, {"contacts/ada.md": contact("Ada Byron")})
    html = read(out, "suggestions/index.html")
    assert "Nothing to suggest yet" in html and "<table" not in html
    assert "Every need written in your journal matches" in section(html, "unanswered")
    assert "No introduction to suggest yet" in section(read(out, "index.html"), "give")


def test_the_dashboard_gives_the_best_five_and_links_to_the_page(tmp_path):
    out = site(tmp_path)
    give = section(read(out, "index.html"), "give")
    items = re.findall(r"<li>(.*?)</li>", give, re.S)
    assert len(items) == 5
    page = rows(read(out, "suggestions/index.html"))
    pair = re.compile(r'href="[./]*contacts/(\w+)/index\.html"')
    # the first five of the page, in its order (six people, each once: none left out for
    # another's sake)
    assert [pair.findall(item) for item in items] == [pair.findall(row)[:2] for row in page[:5]]
    assert '<a href="suggestions/index.html">All 6 suggestions' in give
    assert "could help" in items[0] and "offers" in items[0]  # with its reason


def test_the_dashboard_spreads_one_generous_contacts_suggestions():
    def s(for_: str, candidate: str, score: float) -> Suggestion:
        return Suggestion(for_, candidate, "a need", "a reason", score, ())

    best = (s("a", "bo", 9), s("b", "bo", 8), s("c", "bo", 7), s("d", "di", 6), s("e", "fa", 5),
            s("f", "bo", 4), s("g", "ha", 3))
    # one of Bo's first, then a new pair each time, then the best of the rest: best first
    assert give_this_week(best) == (best[0], best[1], best[3], best[4], best[6])
    assert give_this_week(best) == give_this_week(best)
    assert give_this_week(best[:3]) == best[:3]  # fewer than five: all of them
    assert give_this_week(()) == ()


def test_a_contacts_page_says_who_could_help_them_and_whom_they_could_help(tmp_path):
    files = {**JOURNAL, "contacts/bo.md": contact(
        "Bo Quayle", role="Solicitor", offers="Commercial leases & property law",
        needs="An accountant for the firm's year-end")}
    out = site(tmp_path, files)
    bo = read(out, "contacts/bo/index.html")
    give = re.search(r'<section class="give".*?</section>', bo, re.S)[0]
    helpers, helped = re.findall(r'<ol class="people">(.*?)</ol>', give, re.S)
    assert "Who could help them" in give and "Whom they could help" in give
    assert 'href="../../contacts/di/index.html">Di Patel</a>' in helpers  # his own need
    assert "both speak of accountant" in helpers
    assert 'href="../../contacts/ada/index.html">Ada Byron</a>' in helped  # he answers hers
    assert "A solicitor for the lease of our new shop" in helped
    ada = read(out, "contacts/ada/index.html")
    assert re.findall(r'<h3>(.*?) <small>', re.search(r'<section class="give".*?</section>',
                                                       ada, re.S)[0]) == ["Who could help them"]
    assert '<section class="give"' not in read(out, "contacts/mo/index.html")  # nobody


def test_the_search_index_has_what_each_contact_offers(tmp_path):
    out = site(tmp_path)
    index = json.loads(read(out, "search.json"))
    by_link = {entry[-1]: entry for entry in index["contacts"]}
    assert by_link["contacts/bo/index.html"] == [
        "Bo Quayle", "Quayle Law", "Solicitor", "", "", "Commercial leases & property law",
        "contacts/bo/index.html"]  # needs, then offers; the page last
    assert by_link["contacts/ada/index.html"][4:6] == [
        "A solicitor for the lease of our new shop", ""]
    # a trade finds both who needs it and who offers it
    found = [entry[0] for entry in index["contacts"]
             if "lease" in " ".join(entry[:-1]).lower()]
    assert found == ["Ada Byron", "Bo Quayle"]


def test_stats_json_and_journal_json_carry_the_suggestions(tmp_path):
    root = write_journal(tmp_path / "journal", JOURNAL)
    done = CliRunner().invoke(main, ["stats", "--json", "--journal", str(root), "--today",
                                     TODAY.isoformat()])
    assert done.exit_code == 0, done.output
    stats = json.loads(done.output)["suggestions"]
    first = next(s for s in stats["suggestions"] if s["for"] == "ada")
    assert first["candidate"] == "bo" and first["need"] == (
        "A solicitor for the lease of our new shop")
    assert first["reason"].startswith("Bo Quayle offers commercial leases")
    assert "solicitor" in first["matched"] and first["score"] > 0
    assert stats["unanswered"] == [{"for": "mo", "need": "A helicopter pilot for the summer fair",
                                    "reason": "nobody in your journal offers this yet"}]
    out = tmp_path / "site"
    assert build(root, out, TODAY).written
    assert json.loads(read(out, "journal.json"))["insights"]["suggestions"] == stats


def test_a_change_of_offers_renders_the_pages_that_show_the_suggestions(tmp_path, monkeypatch):
    root = write_journal(tmp_path / "journal", JOURNAL)
    out, cache = tmp_path / "site", tmp_path / "cache"
    assert build(root, out, TODAY, cache=ParseCache(cache, root)).written
    write_journal(root, {"contacts/lu.md": contact(
        "Lu Grant", role="Roofer", offers="Flat roofs, repairs, and helicopter pilot training")})
    paths = rendered_pages(monkeypatch)
    assert build(root, out, TODAY, cache=ParseCache(cache, root)).written
    # Lu's page, the contacts' list and the connector's graph (they show her note), the
    # suggestions page and the dashboard (a new suggestion, for Mo), and Mo's page: not
    # Ka's, whom Lu could help as before (though with another score), nor any other
    assert sorted(paths) == ["connections/index.html", "contacts/index.html",
                             "contacts/lu/index.html",
                             "contacts/mo/index.html", "index.html", "suggestions/index.html"]
    html = read(out, "suggestions/index.html")
    assert "Every need written in your journal matches" in section(html, "unanswered")
    assert any("contacts/mo/" in row and "contacts/lu/" in row for row in rows(html))
    assert tree(out) == tree(_fresh(root, tmp_path / "fresh"))


def _fresh(root: Path, out: Path) -> Path:
    assert build(root, out, TODAY).written
    return out
