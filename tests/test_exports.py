"""Feeds and exports: follow-ups.ics, referrals.csv, contacts.csv, journal.json and vCards,
read back with the same libraries a user's tools use."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import textwrap
from pathlib import Path

from click.testing import CliRunner
from icalendar import Calendar

from refjournal.build import build
from refjournal.cli import main
from refjournal.journal.load import load
from refjournal.publish.encrypt import decrypt_file, derive_keys, opaque_name

from .conftest import REPO, TODAY, write_journal

JOURNAL = {
    "refjournal.yaml": "title: Test journal\nreferral_check_days: 30\nbirthday_days: 14\n",
    "contacts/ada.md": "---\nname: Ada Lovelace\ncadence: 30\nbirthday: 12-01\n"
                       "company: Analytical Ltd\nneeds: engineers\n---\n",
    "contacts/bob.md": "---\nname: Bob Builder\nfollow_up: 2026-11-20\ntags: [trades]\n---\n",
    "contacts/cy.md": "---\nname: Cy\npaused: true\ncadence: 7\n---\n",
    "meetings/2026-11-10-coffee.md": """\
        ---
        with: [ada, bob]
        kind: coffee
        gave:
          - to: ada
            prospect: "Acme, Inc. \\"the big one\\""
            heat: hot
          - to: [ada, bob]
            type: introduction
        got:
          - from: bob
            status: won
            value: 1250.5
            closed_on: 2026-11-12
        follow_ups:
          - due: 2026-11-30
            what: Send the deck
          - due: 2026-11-01
            what: Already done
            done: true
        ---
        """,
}
# Due as of 24 Nov: Bob's follow-up (20 Nov), Ada's keep-in-touch (10 Nov + 30 = 10 Dec),
# the meeting's open follow-up (30 Nov), the referral check (10 Nov + 30 = 10 Dec) and
# Ada's birthday (1 Dec, within 14 days). Cy is paused; the done follow-up is done.
EXPECTED = {("follow-up", "2026-11-20"), ("keep-in-touch", "2026-12-10"),
            ("follow-up", "2026-11-30"), ("referral-check", "2026-12-10"),
            ("birthday", "2026-12-01"),
            # the loop on the referral Bob gave on the 10th, won: thank him, tell him
            ("thank", "2026-11-12"), ("report-back", "2026-11-12")}


def export(root: Path, *args: str, today: str = "2026-11-24") -> bytes:
    result = CliRunner().invoke(main, ["export", *args, "--journal", str(root), "--today",
                                       today])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def events(data: bytes) -> list:
    return [c for c in Calendar.from_ical(data).walk() if c.name == "VEVENT"]


def test_ics_has_one_all_day_event_per_open_due_item(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    found = events(export(root, "ics"))
    kinds = {"Follow-up": "follow-up", "Keep in touch": "keep-in-touch",
             "Thank the referrer": "thank", "Report back": "report-back",
             "Referral check": "referral-check", "Birthday": "birthday"}
    assert {(kinds[str(e["categories"].cats[0])], e.decoded("dtstart").isoformat())
            for e in found} == EXPECTED
    assert len(found) == len(EXPECTED)
    for event in found:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is dt.date and end - start == dt.timedelta(days=1)
        assert event.decoded("dtstamp") == dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
        assert str(event["uid"]).endswith("@refjournal")
        assert "From your note " in str(event["description"])
    summaries = sorted(str(e["summary"]) for e in found)
    assert "Send the deck (Ada Lovelace, Bob Builder)" in summaries
    assert "Ask Ada Lovelace how the referral went (Acme, Inc. \"the big one\")" in summaries
    assert len({str(e["uid"]) for e in found}) == len(found)


def test_uids_stay_when_a_date_moves_and_the_bytes_repeat(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    first = export(root, "ics")
    assert export(root, "ics") == first  # the same day: the same bytes
    uids = {str(e["summary"]): str(e["uid"]) for e in events(first)}
    # A new meeting with Ada moves her keep-in-touch date; lines above the follow-ups move.
    coffee = textwrap.dedent(JOURNAL["meetings/2026-11-10-coffee.md"])
    write_journal(root, {"meetings/2026-11-20-call.md": "---\nwith: ada\nkind: call\n---\n",
                         "meetings/2026-11-10-coffee.md": coffee.replace(
                             "---\n", "---\n# a comment that moves lines\n", 1)})
    later = {str(e["summary"]): (str(e["uid"]), e.decoded("dtstart"))
             for e in events(export(root, "ics", today="2026-11-25"))}
    assert later["Keep in touch with Ada Lovelace"] == (
        uids["Keep in touch with Ada Lovelace"], dt.date(2026, 12, 20))
    assert later["Send the deck (Ada Lovelace, Bob Builder)"][0] == uids[
        "Send the deck (Ada Lovelace, Bob Builder)"]


def test_referrals_and_contacts_csv_read_back(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    data = export(root, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert [(r["date"], r["direction"], r["contact"], r["type"]) for r in rows] == [
        ("2026-11-10", "gave", "Ada Lovelace", "referral"),
        ("2026-11-10", "gave", "Ada Lovelace; Bob Builder", "introduction"),
        ("2026-11-10", "got", "Bob Builder", "referral")]
    assert rows[0]["prospect"] == 'Acme, Inc. "the big one"' and rows[0]["heat"] == "hot"
    assert (rows[2]["status"], rows[2]["value"], rows[2]["closed_on"]) == (
        "won", "1250.5", "2026-11-12")
    assert rows[0]["source"] == "meetings/2026-11-10-coffee.md:5"
    contacts = list(csv.DictReader(io.StringIO(
        export(root, "csv", "--what", "contacts").decode("utf-8-sig"), newline="")))
    by_slug = {r["slug"]: r for r in contacts}
    assert set(by_slug) == {"ada", "bob", "cy"}
    ada, bob = by_slug["ada"], by_slug["bob"]
    assert (ada["last_contact"], ada["next_due"], ada["gave"], ada["got"], ada["balance"]) == (
        "2026-11-10", "2026-11-30", "2", "0", "2")
    assert (bob["next_due"], bob["got_value"], bob["tags"]) == ("2026-11-12", "1250.5",
                                                                 "trades")


def test_json_export_is_the_whole_model(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    data = json.loads(export(root, "json"))
    assert data["format_version"] == 1 and data["today"] == "2026-11-24"
    assert [c["slug"] for c in data["contacts"]] == ["ada", "bob", "cy"]
    assert data["contacts"][0]["birthday"] == {"month": 12, "day": 1, "year": None}
    assert len(data["meetings"]) == 1 and len(data["exchanges"]) == 3
    assert {(d["kind"], d["due"]) for d in data["due"]} == EXPECTED
    assert {b["contact"]: b["balance"] for b in data["balances"]} == {"ada": 2, "bob": 0,
                                                                      "cy": 0}
    assert data["insights"]["reciprocity"]["given_to"] == 1


def test_journal_json_in_pieces_is_the_model_as_json_dumps_writes_it(tmp_path):
    """journal.json is put together from pieces (a meeting, an exchange each), kept from
    one build to the next by a resident process: the bytes are the whole document's, also
    when an amount changes (1250.5, then 1200, then 1200.00: a whole amount is an int)."""
    from refjournal.exchange import export_json
    from refjournal.insights.derive import derive

    zoe = '---\nname: Zoë "Zed" Ørsted\nneeds: "tabs\\tand\\u2028lines"\n---\n'
    files = {**JOURNAL, "contacts/zoe.md": zoe}
    root = write_journal(tmp_path / "j", files)
    memo: dict = {}
    coffee = root / "meetings/2026-11-10-coffee.md"
    for value in ("1250.5", "1200", "1200.00"):
        coffee.write_text(coffee.read_text().replace("value: 1250.5", f"value: {value}")
                          .replace("value: 1200", f"value: {value}"))
        site = derive(load(root).journal, TODAY)
        whole = json.dumps(export_json.model_json(site), ensure_ascii=False,
                           separators=(",", ":")) + "\n"
        assert export_json.json_bytes(site) == whole.encode()  # made whole
        assert export_json.json_bytes(site, memo) == whole.encode()  # with the last pieces
    assert '"value":1200,"closed_on"' in whole  # not 1200.0


def test_every_build_writes_the_exports_and_an_encrypted_one_seals_them(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    assert build(root, tmp_path / "site", TODAY).written
    site = tmp_path / "site"
    assert (site / "follow-ups.ics").read_bytes() == export(root, "ics")
    assert (site / "referrals.csv").read_bytes() == export(root, "csv")
    assert (site / "contacts.csv").read_bytes() == export(root, "csv", "--what", "contacts")
    assert json.loads((site / "journal.json").read_bytes()) == json.loads(export(root, "json"))
    assert 'href="../follow-ups.ics"' in (site / "follow-ups" / "index.html").read_text()
    assert 'href="../contacts.csv" download="contacts.csv"' in (
        site / "contacts" / "index.html").read_text()
    assert build(root, tmp_path / "secret", TODAY, password="pw").written
    secret = tmp_path / "secret"
    assert not list(secret.glob("*.ics")) and not list(secret.glob("*.csv"))
    payload = json.loads((secret / "index.html").read_text().split(
        '<script id="payload" type="application/json">')[1].split("</script>")[0])
    import base64
    keys = derive_keys("pw", base64.b64decode(payload["salt"]), payload["iterations"])
    name = opaque_name(keys, "follow-ups.ics").removesuffix(".html") + ".bin"
    assert decrypt_file((secret / name).read_bytes(), name, keys) == export(root, "ics")


def test_vcard_round_trip_into_an_empty_journal(tmp_path):
    original = load(REPO / "journal").journal
    data = export(REPO / "journal", "vcard")
    assert data.count(b"BEGIN:VCARD") == len(original.contacts)
    (tmp_path / "all.vcf").write_bytes(data)
    empty = write_journal(tmp_path / "empty", {"refjournal.yaml": ""})
    result = CliRunner().invoke(main, ["import", "vcard", str(tmp_path / "all.vcf"),
                                       "--journal", str(empty)])
    assert result.exit_code == 0, result.output
    again = load(empty, strict_mode=True)
    assert again.problems == []
    assert set(again.journal.contacts) == set(original.contacts)
    for slug, before in original.contacts.items():
        after = again.journal.contacts[slug]
        for key in ("slug", "name", "aliases", "company", "role", "email", "phone", "website",
                    "location", "birthday", "tags", "needs", "offers", "met", "tier",
                    "cadence", "introduced_by", "last_contacted", "follow_up", "snooze_until",
                    "paused", "referral_partner", "archived"):
            if key == "introduced_by":
                before_ref, after_ref = before.introduced_by, after.introduced_by
                assert (before_ref and before_ref.slug) == (after_ref and after_ref.slug), slug
                continue
            assert getattr(after, key) == getattr(before, key), (slug, key)
        assert after.body.strip() == before.body.strip(), slug
    # And once more: what came in goes out the same.
    assert export(empty, "vcard") == data
    assert any(c.archived for c in again.journal.contacts.values())  # the test means it
    assert sum(bool(c.aliases) for c in again.journal.contacts.values()) > 5


def test_a_title_that_spells_the_calendars_end_is_only_text(tmp_path):
    root = write_journal(tmp_path / "j", {**JOURNAL,
                                          "refjournal.yaml": 'title: "Team END:VCALENDAR"\n'})
    calendar = Calendar.from_ical(export(root, "ics"))
    assert str(calendar["x-wr-calname"]) == "Team END:VCALENDAR: follow-ups"
    assert len(events(export(root, "ics"))) == len(EXPECTED)


def test_exporting_writes_nothing_into_the_journal(tmp_path):
    root = write_journal(tmp_path / "j", JOURNAL)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    for args in (("ics",), ("csv",), ("csv", "--what", "contacts"), ("json",), ("vcard",)):
        export(root, *args)
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
