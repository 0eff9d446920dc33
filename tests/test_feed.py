"""The calendar feed's events, written by refjournal (exchange/feed.py: `vevent`), are the
bytes the `icalendar` library writes for the same event, and the library reads them back
as they were meant."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar, Event

from refjournal.build import build
from refjournal.exchange.feed import vevent

from .conftest import REPO, TODAY

STAMP = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
# Text as notes have it: any character, escapes and line ends of every kind, long runs
# that must be folded, and characters of two, three and four octets.
TEXT = st.text(st.sampled_from(list("ab ;,:\\N^\"\r\n\té€𝄞") + [chr(c) for c in range(32, 127)]),
               max_size=300)
# ... and text of one octet a character, where long lines fold by slicing.
ASCII = st.text(st.sampled_from(list("a\\^;,\n N")), max_size=400)
DAY = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date.max)


def by_the_library(uid: str, day: dt.date, title: str, description: str, category: str,
                   location: str) -> bytes:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", STAMP)
    event.add("dtstart", day)
    if day < dt.date.max:
        event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", title)
    if location:
        event.add("location", location)
    event.add("description", description)
    event.add("categories", [category])
    event.add("transp", "TRANSPARENT")
    data: bytes = event.to_ical()
    return data


@given(uid=TEXT, day=DAY, title=TEXT | ASCII, description=TEXT | ASCII, category=TEXT,
       location=TEXT | ASCII)
def test_an_event_is_the_librarys_bytes(uid: str, day: dt.date, title: str,
                                        description: str, category: str,
                                        location: str) -> None:
    ours = vevent(uid, STAMP, day, title, description=description, category=category,
                  location=location)
    assert ours == by_the_library(uid, day, title, description, category, location)
    assert all(len(line) < 76 for line in ours.split(b"\r\n"))  # folded: 75 octets at most


def test_the_example_feed_reads_back_with_the_library(tmp_path) -> None:
    out = tmp_path / "site"
    assert build(REPO / "journal", out, TODAY).written
    feed = Calendar.from_ical((out / "follow-ups.ics").read_bytes())
    events = feed.walk("VEVENT")
    assert len(events) > 40
    booked = [e for e in events if str(e["categories"].cats[0]) == "Booked meeting"]
    assert booked and all("From your note meetings/" in str(e["description"]) for e in booked)
    for event in events:
        start = event.decoded("dtstart")
        assert event.decoded("dtend") == start + dt.timedelta(days=1)
        assert event.decoded("dtstamp") == dt.datetime.combine(TODAY, dt.time(0),
                                                               tzinfo=dt.UTC)
        assert str(event["transp"]) == "TRANSPARENT" and str(event["summary"])
    assert len({str(e["uid"]) for e in events}) == len(events)
