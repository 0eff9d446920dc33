"""A brief for every one-to-one: `refjournal brief`, the contact's page, the calendar feed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result
from icalendar import Calendar

from refjournal.build import build
from refjournal.cli import main
from refjournal.incremental.cache import ParseCache

from .conftest import TODAY, rendered_pages, tree, write_journal

JOURNAL = {
    "refjournal.yaml": "loop_since: 2026-01-01\n",
    "contacts/priya.md": """
        ---
        name: Priya Raman
        role: Partner
        company: Raman Hale
        goals: [Open a second office, Hire a tax manager]
        interests: sailing
        skills: [R&D tax credits]
        needs: Owner-managed firms outgrowing their bookkeeper
        offers: Year-end clients whose insurance lags
        ---
        """,
    "contacts/bo.md": "---\nname: Bo Chen\n---\n",
    "meetings/2026-09-01.md": "---\nwith: priya\ntitle: First coffee\n---\nToo old to recall.\n",
    "meetings/2026-10-01.md": """
        ---
        with: priya
        title: Chapter breakfast
        gave:
          - prospect: Harbour Gin
        ---
        # Notes

        Gave Priya **Harbour Gin**, moving into a bonded warehouse.

        A second paragraph the brief does not show.
        """,
    "meetings/2026-11-02.md": """
        ---
        with: [priya, bo]
        title: Referral review
        got:
          - from: priya
            prospect: Tidewater Brewing
            status: won
            value: 2400
            closed_on: 2026-11-10
            contacted: 2026-11-03
            thanked: 2026-11-03
        follow_ups:
          - due: 2026-11-30
            what: Send the year-end list
        ---
        Tidewater came back round: a taproom in the yard.
        """,
    "meetings/2026-11-20.md": "---\nwith: priya\ntitle: Quick call\nkind: call\n---\n",
    "meetings/2026-12-03.md": "---\nwith: priya\ntitle: One-to-one at the Quay\nlocation: Quay "
                              "Cafe\nkind: 1-2-1\n---\n",
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_the_brief_in_a_terminal(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    result = run("brief", "Priya", "--journal", str(root), "--today", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Priya Raman (Partner, Raman Hale)",
        "Goals: Open a second office; Hire a tax manager",
        "Interests: sailing",
        "Skills: R&D tax credits",
        "Needs: Owner-managed firms outgrowing their bookkeeper",
        "Offers: Year-end clients whose insurance lags",
        "Referrals: you gave 1, they gave 1 (+0)",
        "Last you gave: 2026-10-01, Harbour Gin, open",
        "Last they gave: 2026-11-02, Tidewater Brewing, won",
        "Open: 2026-10-31 referral check: Ask Priya Raman how the referral went (Harbour Gin)",
        "Open: 2026-11-10 report back: Tell Priya Raman the referral was won "
        "(Tidewater Brewing)",
        "Open: 2026-11-30 follow-up: Send the year-end list",
        "Met 2026-11-20, Quick call",
        "Met 2026-11-02, Referral review: Tidewater came back round: a taproom in the yard.",
        "Met 2026-10-01, Chapter breakfast: Gave Priya Harbour Gin, moving into a bonded "
        "warehouse.",
    ]


def test_the_brief_as_json(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    result = run("brief", "priya", "--journal", str(root), "--today", "2026-11-24", "--json")
    data = json.loads(result.stdout)
    assert data["profile"] == {"goals": ["Open a second office", "Hire a tax manager"],
                               "interests": ["sailing"], "skills": ["R&D tax credits"]}
    assert data["balance"]["gave"] == 1 and data["balance"]["got_value"] == 2400
    assert data["last_got"] == {"date": "2026-11-02", "prospect": "Tidewater Brewing",
                                "status": "won", "value": 2400, "meeting": "2026-11-02"}
    assert [m["date"] for m in data["meetings"]] == ["2026-11-20", "2026-11-02", "2026-10-01"]
    assert [item["kind"] for item in data["open"]] == ["referral-check", "report-back",
                                                       "follow-up"]


def test_a_ref_that_names_nobody_suggests_the_nearest(tmp_path: Path) -> None:
    root = write_journal(tmp_path / "j", JOURNAL)
    result = run("brief", "Priya Ramen", "--journal", str(root))
    assert result.exit_code == 1 and "did you mean `Priya Raman`?" in result.stderr


def site(tmp_path: Path) -> Path:
    root = write_journal(tmp_path / "j", JOURNAL)
    result = build(root, tmp_path / "site", TODAY)
    assert result.written, result.problems
    return tmp_path / "site"


def test_the_contact_page_shows_the_brief_and_where_a_referral_received_stands(
        tmp_path: Path) -> None:
    html = (site(tmp_path) / "contacts/priya/index.html").read_text(encoding="utf-8")
    brief = html[html.index('<section class="brief">'):]
    brief = brief[:brief.index("</section>")]
    assert "<dt>Goals</dt><dd>Open a second office; Hire a tax manager</dd>" in brief
    assert "(called, thanked, won, not yet told)" in brief
    assert ('<a href="../../meetings/2026-10-01/index.html">Chapter breakfast</a>: Gave Priya '
            "Harbour Gin, moving into a bonded warehouse.") in brief
    assert "Too old to recall" not in brief and "second paragraph" not in brief


def test_the_feed_holds_each_booked_meeting_with_its_brief(tmp_path: Path) -> None:
    feed = Calendar.from_ical((site(tmp_path) / "follow-ups.ics").read_bytes())
    booked = [e for e in feed.walk("VEVENT") if e["categories"].cats == ["Booked meeting"]]
    [event] = booked
    assert event["summary"] == "One-to-one at the Quay" and event["location"] == "Quay Cafe"
    assert event.decoded("dtstart").isoformat() == "2026-12-03"
    description = str(event["description"])
    assert description.startswith("Priya Raman (Partner, Raman Hale)\nGoals: ")
    assert "Last they gave: 2026-11-02, Tidewater Brewing, won" in description
    assert description.endswith("From your note meetings/2026-12-03.md.")


def test_an_edit_of_a_meeting_s_gist_renews_the_briefs_that_show_it(tmp_path, monkeypatch):
    root = write_journal(tmp_path / "j", JOURNAL)
    out, cache = tmp_path / "site", ParseCache(tmp_path / "cache", root)
    assert build(root, out, TODAY, cache=cache).written
    note = root / "meetings/2026-10-01.md"
    # below the gist: the quick way puts the text into the meeting's page alone
    note.write_text(note.read_text().replace("does not show", "never shows"))
    paths = rendered_pages(monkeypatch)
    again = build(root, out, TODAY, cache=ParseCache(tmp_path / "cache", root))
    # (and the service worker, which names the build)
    assert again.changed == ("meetings/2026-10-01/index.html", "sw.js") and paths == []
    # the gist itself: the contact pages that show it, and the feed, are made again
    note.write_text(note.read_text().replace("bonded warehouse", "bonded store"))
    again = build(root, out, TODAY, cache=ParseCache(tmp_path / "cache", root))
    assert "contacts/priya/index.html" in paths and "meetings/index.html" not in paths
    feed = Calendar.from_ical((out / "follow-ups.ics").read_bytes())
    assert any("bonded store" in str(e.get("description")) for e in feed.walk("VEVENT"))
    assert tree(out) == tree(build_fresh(root, tmp_path / "fresh"))


def build_fresh(root: Path, out: Path) -> Path:
    assert build(root, out, TODAY).written
    return out
