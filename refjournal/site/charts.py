"""Charts as inline SVG, drawn at build time (no script, nothing fetched).

Colours come from the theme's stylesheet through class names (`bar`, `gave`, `got`,
`goal`, ...), so a chart follows light and dark mode. Every chart is an image with a title
and a description that says its numbers; the pages also show them as a table.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup, escape

from ..insights.activity import Month, Week
from ..insights.balances import Number
from ..insights.business import Closed, amount_text
from ..insights.connections import INTRODUCED_ME, Graph
from ..insights.goals import GoalProgress
from .pages import Name

MONTH_ABBR = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
              "Nov", "Dec")


def _svg(name: str, size: tuple[int, int], title: str, desc: str, body: str,
         css: str = "chart", role: str = "img", described_by: str = "") -> Markup:
    """An image (or, for the graph with its links, a group) named by its title and
    described by its numbers, and by the page's elements `described_by` (the ids of the
    tables that hold the same numbers), when given."""
    more = f" {escape(described_by)}" if described_by else ""
    width, height = size
    return Markup(
        f'<svg class="{css}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="{role}" aria-labelledby="{name}-title" aria-describedby="{name}-desc{more}" '
        f'preserveAspectRatio="xMinYMin meet">'
        f'<title id="{name}-title">{escape(title)}</title>'
        f'<desc id="{name}-desc">{escape(desc)}</desc>{body}</svg>')


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def goal_chart(goal: GoalProgress, currency: str = "") -> Markup:
    """The last 12 weeks (or months) as small bars, with the goal as a dashed line; an
    amount (closed business) written with the journal's `currency`."""
    width, height, gap = 180, 48, 3
    top = max([goal.goal, *(p.count for p in goal.history)]) or 1
    bar = (width - gap * (len(goal.history) - 1)) / len(goal.history)
    parts = []
    for i, period in enumerate(goal.history):
        h = period.count / top * (height - 4)
        met = " met" if goal.goal and period.count >= goal.goal else ""
        now = " now" if i == len(goal.history) - 1 else ""
        parts.append(f'<rect class="bar{met}{now}" x="{_n(i * (bar + gap))}" '
                     f'y="{_n(height - h)}" width="{_n(bar)}" height="{_n(max(h, 0))}"/>')
    if goal.goal:
        y = _n(height - goal.goal / top * (height - 4))
        parts.append(f'<line class="goal" x1="0" x2="{width}" y1="{y}" y2="{y}"/>')
    unit = goal.unit

    def shown(value: Number) -> str:
        return amount_text(value, currency) if goal.amount else str(value)

    desc = "; ".join(f"{p.label}: {shown(p.count)}" for p in goal.history)
    title = (f"{goal.title} per {unit}, the last {len(goal.history)} {unit}s"
             + (f", against a goal of {shown(goal.goal)}" if goal.goal else ""))
    return _svg(f"goal-{goal.key}", (width, height), title, desc, "".join(parts), "chart spark")


def gave_got_chart(months: Sequence[Month], name: str = "gave-got",
                   described_by: str = "") -> Markup:
    """Exchanges given and received per month: given solid, received outlined."""
    width, height, left, bottom, top_pad = 640, 200, 28, 22, 14
    top = max([1, *(m.gave for m in months), *(m.got for m in months)])
    scale = (height - bottom - top_pad) / top
    parts = [_axis(left, width, height - bottom, top, scale)]
    parts += _pairs([(m.start, m.gave, m.got) for m in months], (width, height, left, bottom),
                    scale, str)
    desc = "; ".join(f"{m.label}: gave {m.gave}, got {m.got}" for m in months)
    return _svg(name, (width, height), "Referrals, introductions and tips given and received "
                "per month", desc, "".join(parts), described_by=described_by)


def closed_chart(months: Sequence[Closed], currency: str = "",
                 name: str = "closed-business", described_by: str = "") -> Markup:
    """Business closed per month, the value given (solid) and received (outlined); the
    values are on the axis and in the description, not over each bar, where a dozen
    amounts would overlap."""
    width, height, left, bottom, top_pad = 640, 200, 40, 22, 14
    top = max([1, *(m.gave for m in months), *(m.got for m in months)])
    step = _nice_step(top)
    scale = (height - bottom - top_pad) / top
    parts = [_axis(left, width, height - bottom, top, scale, step, _short_amount)]
    parts += _pairs([(m.start, m.gave, m.got) for m in months], (width, height, left, bottom),
                    scale, None)
    desc = "; ".join(f"{m.label}: passed {amount_text(m.gave, currency)}, received "
                     f"{amount_text(m.got, currency)}" for m in months)
    unit = f", in {currency}" if currency else ""
    return _svg(name, (width, height), f"Business closed per month{unit}: the value you passed "
                "and the value you received", desc, "".join(parts), described_by=described_by)


def _pairs(months: Sequence[tuple[dt.date, Number, Number]], frame: tuple[int, int, int, int],
           scale: float, text: Callable[[Number], str] | None) -> list[str]:
    """Two bars a month (given solid, received outlined) in a `frame` of width, height and
    the left and bottom margins; each bar's value over it, written by `text`."""
    width, height, left, bottom = frame
    slot = (width - left) / max(len(months), 1)
    bar = slot * 0.34
    parts = []
    for i, (start, gave, got) in enumerate(months):
        x = left + i * slot + slot * 0.14
        for j, (css, value) in enumerate((("gave", gave), ("got", got))):
            h = value * scale
            bx = x + j * (bar + 2)
            y = height - bottom - h
            parts.append(f'<rect class="bar {css}" x="{_n(bx)}" y="{_n(y)}" width="{_n(bar)}" '
                         f'height="{_n(h)}"/>')
            if value and text is not None:
                parts.append(f'<text class="value" x="{_n(bx + bar / 2)}" y="{_n(y - 3)}" '
                             f'text-anchor="middle">{text(value)}</text>')
        label = MONTH_ABBR[start.month]
        if start.month == 1 or i == 0:
            label += f" {start.year % 100:02d}"
        parts.append(f'<text class="label" x="{_n(left + i * slot + slot / 2)}" '
                     f'y="{height - 6}" text-anchor="middle">{label}</text>')
    return parts


def _nice_step(top: Number) -> Number:
    """A round step between level lines (1, 2, 2.5 or 5 times a power of ten), so that
    two to four of them fit under `top`."""
    power = 10 ** max(0, math.floor(math.log10(top / 3))) if top >= 3 else 1
    return next(step for step in (power, 2 * power, 2.5 * power, 5 * power, 10 * power)
                if top / step <= 4)


def _short_amount(value: Number) -> str:
    """An axis label: `950`, `2.5k`, `12k`, `1.2M`."""
    if value >= 1_000_000:
        return f"{_n(value / 1_000_000)}M"
    if value >= 1000:
        return f"{_n(value / 1000)}k" if value < 100_000 else f"{value / 1000:.0f}k"
    return _n(value)


def weeks_chart(weeks: Sequence[Week], name: str = "meetings-per-week",
                described_by: str = "") -> Markup:
    width, height, left, bottom, top_pad = 640, 160, 28, 22, 14
    top = max([1, *(w.meetings for w in weeks)])
    slot = (width - left) / max(len(weeks), 1)
    scale = (height - bottom - top_pad) / top
    parts = [_axis(left, width, height - bottom, top, scale)]
    for i, week in enumerate(weeks):
        h = week.meetings * scale
        x = left + i * slot + slot * 0.15
        parts.append(f'<rect class="bar meetings" x="{_n(x)}" y="{_n(height - bottom - h)}" '
                     f'width="{_n(slot * 0.7)}" height="{_n(h)}"/>')
        if i % 4 == len(weeks) % 4 - 1 or (len(weeks) % 4 == 0 and i % 4 == 3):
            parts.append(f'<text class="label" x="{_n(x + slot * 0.35)}" y="{height - 6}" '
                         f'text-anchor="middle">{week.start.day} '
                         f'{MONTH_ABBR[week.start.month]}</text>')
    desc = "; ".join(f"week of {w.start.isoformat()}: {w.meetings}" for w in weeks)
    return _svg(name, (width, height), f"Meetings per week, the last {len(weeks)} weeks", desc,
                "".join(parts), described_by=described_by)


def _axis(left: int, width: int, base: int, top: Number, scale: float,
          step: Number | None = None, text: Callable[[Number], str] = str) -> str:
    """A base line and two or three level lines, labelled."""
    step = step or max(1, -(-int(top) // 3))
    lines = [f'<line class="axis" x1="{left}" x2="{width}" y1="{base}" y2="{base}"/>']
    level = step
    while level <= top:
        y = _n(base - level * scale)
        lines.append(f'<line class="grid" x1="{left}" x2="{width}" y1="{y}" y2="{y}"/>'
                     f'<text class="label" x="{left - 4}" y="{y}" text-anchor="end" '
                     f'dominant-baseline="middle">{text(level)}</text>')
        level += step
    return "".join(lines)


def graph_chart(graph: Graph, contacts: Mapping[str, Name], root: str,
                described_by: str = "") -> Markup:
    """People as labelled dots linked to their pages; a solid line where I introduced two
    people, a dashed one from whoever introduced me to someone."""
    width, height, pad = 720, 480, 60
    place = {n.contact: (pad + n.x * (width - 2 * pad), 24 + n.y * (height - 48))
             for n in graph.nodes}
    parts = []
    for edge in graph.edges:
        (x1, y1), (x2, y2) = place[edge.a], place[edge.b]
        css = "edge intro-me" if edge.kind == INTRODUCED_ME else "edge"
        parts.append(f'<line class="{css}" x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" '
                     f'y2="{_n(y2)}" stroke-width="{min(1.5 + edge.count, 5)}"/>')
    for node in graph.nodes:
        x, y = place[node.contact]
        name = contacts[node.contact].name
        parts.append(f'<a href="{escape(root)}contacts/{escape(node.contact)}/index.html">'
                     f'<circle class="node" cx="{_n(x)}" cy="{_n(y)}" '
                     f'r="{_n(4 + min(node.degree, 6))}"/>'
                     f'<text class="name" x="{_n(x)}" y="{_n(y - 9 - min(node.degree, 6))}" '
                     f'text-anchor="middle">{escape(name)}</text></a>')
    names = {slug: contacts[slug].name for slug in place}
    desc = "; ".join(
        f"{names[e.a]} introduced you to {names[e.b]}" if e.kind == INTRODUCED_ME
        else f"you introduced {names[e.a]} and {names[e.b]}"
        + (f" ({e.count} times)" if e.count > 1 else "") for e in graph.edges)
    return _svg("connections", (width, height), "Who is linked to whom by introductions", desc,
                "".join(parts), "chart graph", "group", described_by)
