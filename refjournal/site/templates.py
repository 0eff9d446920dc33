"""The templates' world: the Jinja environment over the themes, and the helpers that
templates call (links, badges, labels, the rows of big tables, made in Python because index
pages show thousands of them).

Templates come from the journal's own `theme/` folder first, then the default theme, so a
user can restyle by shadowing one file by name. Every link is relative to its page.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .. import __version__
from ..insights.due import KIND_NAMES, STATES, DueItem, loop_state
from ..insights.scorecard import Score
from ..journal.read import inside
from ..model import Meeting
from ..slug import slugify
from .charts import closed_chart, gave_got_chart, goal_chart, graph_chart, weeks_chart
from .rows import (
    anchor,
    contact_links,
    exchange_rows,
    heat_dots,
    heat_html,
    meeting_link,
    meeting_rows,
    money,
    short_date,
    timeline_items,
)


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A theme's templates, without following a symlink out of the folder that holds the
    theme (the journal, for its own theme): such a file falls back to the default theme's,
    and the walk of the theme reports it."""

    def __init__(self, theme: Path) -> None:
        super().__init__(theme / "templates")
        self.boundary = os.path.realpath(theme.parent)

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename)
        if real == self.boundary or not inside(real, self.boundary):
            raise jinja2.TemplateNotFound(template)
        return source, filename, uptodate



def environment(themes: list[Path], compiled: Path | None = None) -> jinja2.Environment:
    """A Jinja environment over `themes`, most specific first, with the helpers every
    template may call. Kept from one build to the next, its templates are compiled once
    (Jinja compiles a template again only when its file changes); with a folder for
    `compiled` templates, once for all processes."""
    env = jinja2.Environment(
        bytecode_cache=(jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None
                        else None),
        loader=jinja2.ChoiceLoader([_ConfinedLoader(theme) for theme in themes]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # A kept environment is made anew when a theme file changes (incremental/engine.py):
        # no template is checked for changes as it is used (three `stat`s a page).
        auto_reload=False,
    )
    env.filters.update(date=_format_date, money=_money, days=_days_word)
    # Helpers only: what a page shows comes from its context (pages.py).
    env.globals.update(
        version=__version__,
        states=STATES,
        relative=_relative_to_today,
        nav_links=_nav_links,
        link_contact=_link_contact,
        link_contacts=_link_contacts,
        link_meeting=_link_meeting,
        state_badge_html=_state_badge,
        kind_name=KIND_NAMES.__getitem__,
        heat_dots=heat_dots,
        heat_html=heat_html,
        loop_state=loop_state,
        balance_html=_balance_cell,
        health_html=_health,
        tag_link=_tag_link,
        goal_chart=_goal_chart,
        gave_got_chart=gave_got_chart,
        closed_chart=_closed_chart,
        score_figure=_score_figure,
        weeks_chart=weeks_chart,
        graph_chart=_graph_chart,
        due_label=_due_label,
        due_rows=_due_rows,
        meeting_rows=meeting_rows,
        exchange_rows=exchange_rows,
        timeline_items=timeline_items,
    )
    return env


SECTIONS = (("dashboard", "Dashboard", "index.html"),
            ("follow-ups", "Follow-ups", "follow-ups/index.html"),
            ("contacts", "Contacts", "contacts/index.html"),
            ("meetings", "Meetings", "meetings/index.html"),
            ("referrals", "Referrals", "referrals/index.html"),
            ("balances", "Balances", "balances/index.html"),
            ("insights", "Insights", "insights/index.html"),
            ("review", "Review", "review/index.html"),
            ("connections", "Connector", "connections/index.html"),
            ("suggestions", "Suggestions", "suggestions/index.html"),
            ("tags", "Tags", "tags/index.html"))


@functools.lru_cache(maxsize=256)
def _nav_links(root: str, current: str) -> Markup:
    """The links of the site's sections in every page's header, the current one marked;
    made once per depth and section, not once per page."""
    marked = ' aria-current="page"'
    return Markup("\n".join(
        f'    <a href="{escape(root)}{href}"{marked if key == current else ""}>{label}</a>'
        for key, label, href in SECTIONS))


@jinja2.pass_context
def _link_contact(context: Any, slug: str) -> Markup:
    """A link to a contact's page (what the theme's `contact_link` macro shows); in Python
    because index pages show thousands of them."""
    name = context["names"][slug]
    return anchor(context["root"], slug, name.name, name.unresolved)


@jinja2.pass_context
def _link_contacts(context: Any, slugs: Iterable[str]) -> Markup:
    root, names = context["root"], context["names"]
    return Markup(", ").join(anchor(root, slug, names[slug].name, names[slug].unresolved)
                             for slug in slugs)


@jinja2.pass_context
def _due_rows(context: Any, items: Iterable[DueItem], show_contacts: bool = True) -> Markup:
    """The rows of a table of due items (the theme's `due_table`): the dashboard and the
    follow-ups page of a big journal show thousands."""
    root, today, contacts = context["root"], context["today"], context["names"]
    out = []
    for item in items:
        due = item.due.isoformat()
        with_ = (f"<td>{contact_links(root, contacts, item.contacts)}</td>" if show_contacts
                 else "")
        # An item the days close (a birthday, the loop's): the script drops it after then.
        until = f' data-until="{item.until.isoformat()}"' if item.until is not None else ""
        out.append(
            f'  <tr class="row-{escape(item.state)}"{until}>\n'
            f'    <td class="date" data-sort="{due}"><time datetime="{due}">'
            f"{_format_date(item.due)}</time><br>{_due_label(item.due, today)}</td>\n"
            f"    <td>{_state_badge(item.state, item.due)}</td>\n"
            f'    <td class="what">{escape(item.what)}<br><small class="source">'
            f"{escape(str(item.source))}</small></td>\n"
            f'{with_}    <td class="kind">{escape(KIND_NAMES[item.kind])}</td>\n'
            f"  </tr>\n")
    return Markup("".join(out))


@jinja2.pass_context
def _link_meeting(context: Any, meeting: Meeting) -> Markup:
    return meeting_link(context["root"], meeting)


def _state_badge(state: str, due: dt.date | None = None) -> Markup:
    """A state's badge; with the due date, the site's script keeps it true after the
    build day."""
    when = f' data-due="{due.isoformat()}"' if due is not None else ""
    return Markup(f'<span class="badge state-{escape(state)}"{when}>{escape(state)}</span>')


def _health(health: Any) -> Markup:
    """The traffic light with its word: colour is never the only signal. With the
    keep-in-touch date it was read from, the site's script keeps it true after the
    build day."""
    when = f' data-due="{health.due.isoformat()}"' if health.due is not None else ""
    return Markup(f'<span class="health health-{escape(health.light)}"{when} title="relationship '
                  f'health">'
                  f'<span class="light" aria-hidden="true"></span><span class="word">'
                  f'{escape(health.word)}</span></span>')


@jinja2.pass_context
def _tag_link(context: Any, name: str) -> Markup:
    slug = slugify(name)
    if not slug:
        return Markup('<span class="tag">{}</span>').format(name)
    return Markup(f'<a class="tag" href="{escape(context["root"])}tags/{escape(slug)}/'
                  f'index.html">{escape(name)}</a>')


def _currency(context: Any) -> str:
    """The journal's currency, from the page's settings (every page has them)."""
    config = context.get("config")
    return config.currency if config is not None else ""


@jinja2.pass_context
def _money(context: Any, value: int | float | None) -> str:
    """`|money`: an amount with the journal's currency, `GBP 1,200`."""
    return money(value, _currency(context))


@jinja2.pass_context
def _goal_chart(context: Any, goal: Any) -> Markup:
    return goal_chart(goal, _currency(context))


@jinja2.pass_context
def _closed_chart(context: Any, months: Any, described_by: str = "") -> Markup:
    return closed_chart(months, _currency(context), described_by=described_by)


@jinja2.pass_context
def _score_figure(context: Any, score: Score, value: float | None = None) -> str:
    """A scorecard input's figure (`92%`, `1.1 a week`, `GBP 12,500`), or with a `value`,
    a threshold in its terms."""
    if value is None:
        return score.shown(_currency(context), "\u00a0")
    return score.bound(value, _currency(context), "\u00a0")


@jinja2.pass_context
def _graph_chart(context: Any, described_by: str = "") -> Markup:
    return graph_chart(context["site"].graph, context["names"], context["root"], described_by)


def _due_label(due: dt.date, today: dt.date) -> Markup:
    """`3 days overdue`, `due today`, `due in 2 days`; the site's script rewrites it against
    the reader's own date, so a page read days after the build still says the truth."""
    days = (due - today).days
    if days < 0:
        text = f"{_days_word(-days)} overdue"
    elif days == 0:
        text = "due today"
    else:
        text = f"due in {_days_word(days)}"
    return Markup(f'<small class="due-label" data-due="{due.isoformat()}">{text}</small>')


def _balance_cell(value: int) -> Markup:
    kind = "pos" if value > 0 else "neg" if value < 0 else "even"
    return Markup(f'<span class="balance {kind}">{"+" if value > 0 else ""}{value}</span>')


def _format_date(value: dt.date | None, style: str = "short") -> str:
    if value is None:
        return "—"
    if style == "long":
        return f"{value:%a} {value.day} {value:%b %Y}"
    return short_date(value)


@jinja2.pass_context
def _relative_to_today(context: Any, when: dt.date | None) -> str:
    """`3 days ago`, `tomorrow`: a date as the page's day sees it."""
    return _relative(when, context["today"])


def _relative(when: dt.date | None, today: dt.date) -> str:
    if when is None:
        return ""
    days = (when - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {_days_word(days)}" if days > 0 else f"{_days_word(-days)} ago"


def _days_word(days: int) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


