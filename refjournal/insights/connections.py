"""Derive the connector view: every introduction I made, and a graph of the people linked
by introductions (mine, and who introduced me to whom), laid out here so that the render
stage only draws it.

The layout is a force-directed one (Fruchterman and Reingold), started from fixed places
and run a fixed number of steps: the same journal always gives the same picture.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass

from ..model import Journal

MAX_NODES = 48  # the most connected people; the table below the graph lists everyone
STEPS = 120
GRAVITY = 1.0
INTRODUCED = "introduced"  # I introduced them to each other
INTRODUCED_ME = "introduced-me"  # the first introduced me to the second


@dataclass(frozen=True)
class Introduction:
    date: dt.date
    meeting: str  # the meeting's id
    contacts: tuple[str, ...]
    prospect: str

    def as_json(self) -> dict[str, object]:
        return {"date": self.date.isoformat(), "meeting": self.meeting,
                "contacts": list(self.contacts), "prospect": self.prospect}


@dataclass(frozen=True)
class Node:
    contact: str
    x: float  # 0..1
    y: float  # 0..1
    degree: int


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    kind: str  # INTRODUCED or INTRODUCED_ME
    count: int


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    people: int  # everyone linked, when more than MAX_NODES are drawn


def introductions(journal: Journal, today: dt.date) -> tuple[Introduction, ...]:
    """Every `gave` entry of type `introduction` dated up to today, latest first."""
    found = [Introduction(m.date, m.id, ex.contacts, ex.prospect)
             for m in journal.held(today)
             for ex in m.gave if ex.type == "introduction"]
    return tuple(reversed(found))


def graph(journal: Journal, made: tuple[Introduction, ...]) -> Graph:
    links: Counter[tuple[str, str, str]] = Counter()
    for intro in made:
        people = intro.contacts
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                first, second = sorted((a, b))
                links[(first, second, INTRODUCED)] += 1
    for contact in journal.contacts.values():
        if contact.introduced_by is not None and contact.introduced_by.slug != contact.slug:
            links[(contact.introduced_by.slug, contact.slug, INTRODUCED_ME)] += 1
    degree: Counter[str] = Counter()
    for a, b, _ in links:
        degree[a] += 1
        degree[b] += 1
    shown = sorted(degree, key=lambda slug: (-degree[slug], slug))[:MAX_NODES]
    keep = set(shown)
    edges = tuple(Edge(a, b, kind, count) for (a, b, kind), count in sorted(links.items())
                  if a in keep and b in keep)
    places = layout(shown, [(e.a, e.b) for e in edges])
    nodes = tuple(Node(slug, x, y, degree[slug]) for slug, (x, y) in zip(shown, places,
                                                                        strict=True))
    return Graph(nodes, edges, len(degree))


def layout(names: list[str], edges: list[tuple[str, str]]) -> list[tuple[float, float]]:
    """Places in the unit square for `names`, so that linked names sit close together and
    the rest spread out."""
    n = len(names)
    if n == 0:
        return []
    index = {name: i for i, name in enumerate(names)}
    pairs = [(index[a], index[b]) for a, b in edges]
    golden = math.pi * (3 - math.sqrt(5))
    xs = [math.sqrt((i + 0.5) / n) * math.cos(i * golden) for i in range(n)]
    ys = [math.sqrt((i + 0.5) / n) * math.sin(i * golden) for i in range(n)]
    k = 1.6 / math.sqrt(n)  # the ideal distance in a disc of radius 1
    for step in range(STEPS):
        heat = 0.12 * (1 - step / STEPS) + 0.005
        # A pull to the middle, as strong as the push of everyone else at the rim, keeps
        # the separate groups near each other instead of at the corners.
        dx = [-GRAVITY * n * k * k * x for x in xs]
        dy = [-GRAVITY * n * k * k * y for y in ys]
        for i in range(n):
            xi, yi = xs[i], ys[i]
            for j in range(i + 1, n):
                ex, ey = xi - xs[j], yi - ys[j]
                d2 = ex * ex + ey * ey or 1e-9
                push = k * k / d2
                dx[i] += ex * push
                dy[i] += ey * push
                dx[j] -= ex * push
                dy[j] -= ey * push
        for i, j in pairs:
            ex, ey = xs[i] - xs[j], ys[i] - ys[j]
            pull = math.sqrt(ex * ex + ey * ey) / k
            dx[i] -= ex * pull
            dy[i] -= ey * pull
            dx[j] += ex * pull
            dy[j] += ey * pull
        for i in range(n):
            length = math.hypot(dx[i], dy[i]) or 1e-9
            move = min(length, heat)
            xs[i] += dx[i] / length * move
            ys[i] += dy[i] / length * move
    return _fit(xs, ys)


def _fit(xs: list[float], ys: list[float]) -> list[tuple[float, float]]:
    """Scale into the unit square, keeping the proportions."""
    left, top = min(xs), min(ys)
    span = max(max(xs) - left, max(ys) - top) or 1.0
    width, height = (max(xs) - left) / span, (max(ys) - top) / span
    return [(round((x - left) / span + (1 - width) / 2, 4),
             round((y - top) / span + (1 - height) / 2, 4)) for x, y in zip(xs, ys, strict=True)]
