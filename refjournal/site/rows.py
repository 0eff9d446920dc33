"""Rows of the tables that list every meeting and every exchange, built in Python: a
lifetime of notes puts tens of thousands of them on the index pages, and a Jinja macro per
row would cost most of a rebuild. The theme's macros call these and keep the tables'
heads, so a theme can still replace a whole table. Every value is escaped."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import jinja2
from markupsafe import Markup, escape

from ..exchange.pieces import Pieces
from ..insights.business import amount_text
from ..insights.due import loop_state
from ..model import Exchange, Meeting
from .pages import Name

BOOKED_ROW = ' class="booked"'
BOOKED_BADGE = ' <span class="badge booked">booked</span>'


def short_date(value: dt.date | None) -> str:
    return value.isoformat() if value is not None else "—"


def money(value: int | float | None, currency: str = "") -> str:
    """An amount as the site writes it: `1,200`, `1,200.50`, and with the journal's
    currency, `GBP 1,200` (a no-break space between: the two never part)."""
    return amount_text(value, currency, "\u00a0")


def heat_dots(heat: int | str | None) -> str:
    """The heat as plain text: five dots for 1 to 5, the word for cold, warm or hot."""
    if heat is None:
        return ""
    if isinstance(heat, str):
        return heat
    return "●" * heat + "○" * (5 - heat)


def heat_words(heat: int | str) -> str:
    """What the heat says to a screen reader and in its tooltip."""
    return f"heat {heat} of 5" if isinstance(heat, int) else f"heat: {heat}"


# Where a word sorts among the numbers (docs/journal-format.md: 3 is warm, 4-5 hot).
HEAT_RANK = {"cold": 1.5, "warm": 3, "hot": 4.5}


@functools.lru_cache(maxsize=16)
def heat_html(heat: int | str | None) -> Markup:
    """A referral's heat, the one way every page shows it: the dots (or the word), labelled
    alike for the eye (title) and for a screen reader (aria-label), which reads the label
    instead of five "black circle"s."""
    if heat is None:
        return Markup("")
    words = escape(heat_words(heat))
    return Markup(f'<span class="heat" role="img" aria-label="{words}" title="{words}">'
                  f"{escape(heat_dots(heat))}</span>")


def meeting_link(root: str, meeting: Meeting) -> Markup:
    return _link(root, meeting.id, meeting.heading)


def _link(root: str, meeting_id: str, heading: str) -> Markup:
    return Markup(f'<a href="{escape(root)}meetings/{escape(meeting_id)}/index.html">'
                  f"{escape(heading)}</a>")


@functools.lru_cache(maxsize=65536)
def anchor(root: str, slug: str, name: str, unresolved: bool) -> Markup:
    """A link to a contact's page. Built by hand, not with Markup.format, which is ten times
    slower; every part escaped."""
    if unresolved:
        return Markup(f'<a dir="auto" class="contact unresolved" href="{escape(root)}contacts/'
                      f'{escape(slug)}/index.html" title="no contact note matches this name">'
                      f"{escape(name)}</a>")
    return Markup(f'<a dir="auto" class="contact" href="{escape(root)}contacts/{escape(slug)}'
                  f'/index.html">{escape(name)}</a>')


def contact_links(root: str, contacts: Mapping[str, Name], slugs: Sequence[str]) -> str:
    return _links(root, slugs, [contacts[slug] for slug in slugs])


def _links(root: str, slugs: Iterable[str], names: Iterable[Name]) -> str:
    """Links to the contacts `slugs`, with their names looked up already."""
    return ", ".join(anchor(root, slug, n.name, n.unresolved)
                     for slug, n in zip(slugs, names, strict=True))


@jinja2.pass_context
def timeline_items(context: Any, meetings: Iterable[Meeting]) -> Markup:
    """The items of a contact's list of meetings, a line each: a contact met weekly for
    years has hundreds."""
    root, today = context["root"], context["today"]
    out = []
    for m in meetings:
        booked = m.date > today
        kind = f' <span class="kind">{escape(m.kind)}</span>' if m.kind else ""
        out.append(f"    <li{BOOKED_ROW if booked else ''}><time datetime=\"{m.date.isoformat()}\">"
                   f"{short_date(m.date)}</time> {meeting_link(root, m)}{kind}"
                   f"{BOOKED_BADGE if booked else ''}</li>\n")
    return Markup("".join(out))


@jinja2.pass_context
def meeting_rows(context: Any, meetings: Iterable[Meeting]) -> Markup:
    root, today, contacts = context["root"], context["today"], context["names"]
    pieces = _kept_rows(context, "meetings")
    out = "".join(pieces.piece(m, (root, m.date > today, *[contacts[s] for s in m.contacts]),
                               _meeting_row) for m in meetings)
    return Markup(out)


def _meeting_row(m: Meeting, rest: tuple[Any, ...]) -> str:
    root, booked, names = rest[0], rest[1], rest[2:]
    return (f"  <tr{BOOKED_ROW if booked else ''}>\n"
            f'    <td class="date" data-sort="{m.date.isoformat()}">{m.date.isoformat()}</td>\n'
            f"    <td>{meeting_link(root, m)}"
            f"{BOOKED_BADGE if booked else ''}</td>\n"
            f"    <td>{escape(m.kind)}</td>\n"
            f"    <td>{_links(root, m.contacts, names)}</td>\n"
            f'    <td class="num">{len(m.gave) or ""}</td>\n'
            f'    <td class="num">{len(m.got) or ""}</td>\n'
            f"  </tr>\n")


def keep_rows(env: jinja2.Environment) -> None:
    """Have the tables of every meeting and exchange in `env`'s templates keep their rows
    from one build to the next (a resident process's environment): a row is made again
    only for a record that is not the very same object, or that shows other names, links
    or flags. `turn_rows` starts each build."""
    env.extend(kept_rows={})


def turn_rows(env: jinja2.Environment) -> None:
    """A new build: the rows the last one made are those to reuse."""
    for pieces in (getattr(env, "kept_rows", None) or {}).values():
        pieces.done()


@contextmanager
def rows_made_again(env: jinja2.Environment) -> Iterator[None]:
    """Meanwhile, `env`'s templates make every row, keeping none (the verify mode's renders,
    which must be what a build from nothing makes)."""
    kept = getattr(env, "kept_rows", None)
    if kept is None:
        yield
        return
    env.kept_rows = None  # type: ignore[attr-defined]
    try:
        yield
    finally:
        env.kept_rows = kept  # type: ignore[attr-defined]


def _kept_rows(context: Any, table: str) -> Pieces:
    """The rows of `table` kept by the environment, if it keeps them: one memo for each
    depth of page, as a row's links start with the way up to the site's root (the same
    meeting is listed on the dashboard and on the list of meetings)."""
    kept = getattr(context.environment, "kept_rows", None)
    if kept is None:
        return Pieces(None)
    key = (table, context["root"])
    pieces: Pieces | None = kept.get(key)
    if pieces is None:
        pieces = kept[key] = Pieces({})
    return pieces


@jinja2.pass_context
def exchange_rows(context: Any, exchanges: Iterable[Exchange], show_contacts: bool = True,
                  show_meeting: bool = True) -> Markup:
    root, contacts, currency = context["root"], context["names"], context["config"].currency
    meetings = context["site"].meetings_by_id if show_meeting else {}
    pieces = _kept_rows(context, "exchanges")
    out = "".join(pieces.piece(ex, (
        root, currency, _heading(meetings[ex.meeting]) if show_meeting else None,
        show_contacts, *([contacts[s] for s in ex.contacts] if show_contacts else ())),
        _exchange_row) for ex in exchanges)
    return Markup(out)


def _heading(meeting: Meeting) -> tuple[str, str]:
    return meeting.id, meeting.heading


def _exchange_row(ex: Exchange, rest: tuple[Any, ...]) -> str:
    root, currency, meeting, show_contacts, names = rest[0], rest[1], rest[2], rest[3], rest[4:]
    heat_sort = (HEAT_RANK.get(ex.heat, "") if isinstance(ex.heat, str)
                 else ex.heat if ex.heat is not None else "")
    closed = f"<br><small>{short_date(ex.closed_on)}</small>" if ex.closed_on else ""
    if ex.direction == "got" and ex.type == "referral":  # where the loop on it stands
        closed += f'<br><small class="loop">{escape(loop_state(ex))}</small>'
    value_sort = ex.value if ex.value is not None else ""
    return (f"  <tr>\n"
            f'    <td class="date" data-sort="{ex.date.isoformat() if ex.date else ""}">'
            f"{short_date(ex.date)}</td>\n"
            f'    <td><span class="dir dir-{escape(ex.direction)}">'
            f'{"I gave" if ex.direction == "gave" else "I got"}</span></td>\n'
            + (f"    <td>{_links(root, ex.contacts, names)}</td>\n" if show_contacts else "")
            + f"    <td>{escape(ex.type)}</td>\n"
            f'    <td class="prospect">{escape(ex.prospect)}</td>\n'
            f'    <td data-sort="{heat_sort}">{heat_html(ex.heat)}</td>\n'
            f'    <td><span class="badge status-{escape(ex.status)}">{escape(ex.status)}</span>'
            f"{closed}</td>\n"
            f'    <td class="num" data-sort="{value_sort}">{money(ex.value, currency)}</td>\n'
            + (f"    <td>{_link(root, *meeting)}</td>\n" if meeting is not None else "")
            + "  </tr>\n")
