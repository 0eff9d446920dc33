"""The site on a phone's home screen: the web app manifest and its icons, made at build time.

The manifest (`manifest.webmanifest`, at the site's top) names the journal and opens it
full-screen (`standalone`); its addresses are relative, so the site may sit under any
sub-path. The icons are the favicon's mark (themes/default/static/favicon.svg: two arrows,
given and got, on the theme's blue), drawn here into PNGs: a rounded square for where an
icon is shown as it is, a full square for the masks of Android (`maskable`) and iOS (the
apple-touch-icon). They are written under `assets/`, so a journal's own theme may replace
any of them by a file of the same name in `theme/static/`.
"""

from __future__ import annotations

import functools
import json
import math
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MANIFEST = "manifest.webmanifest"
# The default theme's colours (themes/default/static/style.css): the page's background,
# the header bar (light and dark: base.html's theme-color), and the accent of the mark.
BACKGROUND = "#fbfaf7"
BAR = "#ffffff"
BAR_DARK = "#1c2127"
ACCENT = (0x1D, 0x5F, 0xA8)
WHITE = (0xFF, 0xFF, 0xFF)
# The mark, in the favicon's 32-unit box: six strokes with round ends, and the corner of
# its rounded square.
STROKES = (((8.0, 11.5), (23.0, 11.5)), ((18.5, 7.0), (23.0, 11.5)), ((23.0, 11.5), (18.5, 16.0)),
           ((24.0, 20.5), (9.0, 20.5)), ((13.5, 16.0), (9.0, 20.5)), ((9.0, 20.5), (13.5, 25.0)))
STROKE_WIDTH = 2.6
CORNER = 7.0
BOX = 32.0


@dataclass(frozen=True)
class Icon:
    path: str
    size: int
    full: bool  # a full square, for a mask to cut (else a rounded one, corners clear)
    purpose: str  # in the manifest ("" for an icon only a <link> names)


ICONS = (
    Icon("assets/icon-192.png", 192, False, "any"),
    Icon("assets/icon-512.png", 512, False, "any"),
    Icon("assets/icon-maskable-512.png", 512, True, "maskable"),
    Icon("assets/apple-touch-icon.png", 180, True, ""),  # base.html links it, for iOS
)


def home_screen_files(title: str) -> dict[str, bytes]:
    """The manifest, for a journal of this title, and the icons it names."""
    files = {MANIFEST: manifest(title)}
    files.update({icon.path: icon_png(icon.size, icon.full) for icon in ICONS})
    return files


def manifest(title: str) -> bytes:
    """The web app manifest: addresses relative to it, at the site's top."""
    data = {
        "name": title, "short_name": title, "lang": "en",
        "start_url": "./", "scope": "./", "display": "standalone",
        "background_color": BACKGROUND, "theme_color": BAR,
        "icons": [{"src": icon.path, "sizes": f"{icon.size}x{icon.size}", "type": "image/png",
                   "purpose": icon.purpose} for icon in ICONS if icon.purpose],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@functools.cache
def icon_png(size: int, full: bool) -> bytes:
    """The mark as a PNG of `size` pixels square: the full square, or a rounded one with
    clear corners (the same bytes every time: made once a process)."""
    if full:
        return png(size, size, _mark(size), PALETTE, None)
    return png(size, size, _rounded(size, _mark(size)), PALETTE, CLEAR)


# --- drawing ---------------------------------------------------------------------------
# Shapes are drawn by their distance: a pixel whose centre lies within half a pixel of an
# edge gets the share of it that the distance says (anti-aliasing), the others are wholly
# in or out. Rows are filled by spans, so that only the pixels along an edge are worked
# out one by one: an icon takes milliseconds, not seconds. The pixels are indices into a
# palette of two ramps: the blue from clear to opaque (the rounded square's edge), and
# from the blue to white (the strokes' edges), in `LEVELS` steps each.

LEVELS = 127
PALETTE = b"".join(bytes(ACCENT) for _ in range(LEVELS + 1)) + b"".join(
    bytes(round(c + (w - c) * level / LEVELS) for c, w in zip(ACCENT, WHITE, strict=True))
    for level in range(LEVELS + 1))
CLEAR = bytes(round(255 * level / LEVELS) for level in range(LEVELS + 1))  # the first ramp
TO_WHITE = LEVELS + 1  # where the second ramp starts: at the opaque blue

Point = tuple[float, float]
Span = tuple[float, float]
Stroke = tuple[float, float, float, float, float]  # start x, y; run x, y; 1 / length²


@functools.cache
def _mark(size: int) -> tuple[bytes, ...]:
    """The rows of the whole square, blue, with the white strokes on it."""
    scale = size / BOX
    ends = [((a[0] * scale, a[1] * scale), (b[0] * scale, b[1] * scale)) for a, b in STROKES]
    radius = STROKE_WIDTH / 2 * scale
    rows = []
    for y in range(size):
        centre = y + 0.5
        row = bytearray(bytes((TO_WHITE,)) * size)
        crossed = [(s, (a[0], a[1], b[0] - a[0], b[1] - a[1], 1 / math.dist(a, b) ** 2))
                   for a, b in ends if (s := _capsule_spans(a, b, radius, centre)) is not None]
        done = bytearray(size)
        for (_, inner), _ in crossed:  # covered: white
            if inner is None:
                continue
            first, last = _pixels(inner, size)
            if first <= last:
                row[first:last + 1] = bytes((TO_WHITE + LEVELS,)) * (last - first + 1)
                done[first:last + 1] = b"\x01" * (last - first + 1)
        strokes = [stroke for _, stroke in crossed]
        for x in _edge_pixels([spans for spans, _ in crossed], done):
            share = radius + 0.5 - _distance(strokes, x + 0.5, centre)
            if share > 0.0:
                row[x] = TO_WHITE + round(min(1.0, share) * LEVELS)
        rows.append(bytes(row))
    return tuple(rows)


def _rounded(size: int, rows: tuple[bytes, ...]) -> Iterator[bytes]:
    """The rows with the square's corners rounded: clear outside, partly clear along
    the edge (where the square is blue: the strokes keep off its corners)."""
    corner = CORNER * size / BOX
    reach = size / 2 - corner  # of the square shrunk by `corner`, from its centre
    for y, mark in enumerate(rows):
        centre = y + 0.5
        rise = max(0.0, abs(centre - size / 2) - reach)
        if rise == 0.0:
            yield mark
            continue
        row = bytearray(size)  # clear
        spans = [_box_span(size, reach, corner + grow, rise) for grow in (0.5, -0.5)]
        if spans[1] is not None:
            first, last = _pixels(spans[1], size)
            row[first:last + 1] = mark[first:last + 1]
        if spans[0] is not None:
            for x in _edge_pixels([(spans[0], spans[1])], bytearray(size)):
                run = max(0.0, abs(x + 0.5 - size / 2) - reach)
                share = corner + 0.5 - math.hypot(run, rise)
                if share > 0.0:
                    row[x] = round(min(1.0, share) * LEVELS)
        yield bytes(row)


def _box_span(size: int, reach: float, radius: float, rise: float) -> Span | None:
    """Where a row `rise` beyond the shrunk square crosses it grown by `radius`."""
    if rise > radius:
        return None
    half = reach + math.sqrt(radius * radius - rise * rise)
    return size / 2 - half, size / 2 + half


def _edge_pixels(spans: list[tuple[Span, Span | None]], done: bytearray) -> Iterator[int]:
    """The pixels between each outer span and its inner one that are not `done`, each
    once."""
    size = len(done)
    for outer, inner in spans:
        first, last = _pixels(outer, size)
        edges = [range(first, last + 1)]
        if inner is not None:
            inner_first, inner_last = _pixels(inner, size)
            edges = [range(first, min(inner_first, last + 1)),
                     range(max(inner_last + 1, first), last + 1)]
        for edge in edges:
            for x in edge:
                if not done[x]:
                    done[x] = 1
                    yield x


def _pixels(span: Span, size: int) -> tuple[int, int]:
    """The first and last pixel whose centre lies in `span`."""
    return max(0, math.ceil(span[0] - 0.5)), min(size - 1, math.floor(span[1] - 0.5))


def _distance(strokes: list[Stroke], x: float, y: float) -> float:
    """From (x, y) to the nearest of the strokes' segments."""
    nearest = math.inf
    for ax, ay, dx, dy, inverse in strokes:
        along = ((x - ax) * dx + (y - ay) * dy) * inverse
        along = 0.0 if along < 0.0 else 1.0 if along > 1.0 else along
        ex, ey = x - ax - along * dx, y - ay - along * dy
        nearest = min(nearest, ex * ex + ey * ey)
    return math.sqrt(nearest)


def _capsule_spans(a: Point, b: Point, radius: float, y: float) -> tuple[Span, Span | None] | None:
    """Where the row at `y` crosses the stroke from `a` to `b`: the span of the pixels it
    touches (half a pixel wider) and of those it covers (half a pixel narrower)."""
    if not min(a[1], b[1]) - radius - 0.5 <= y <= max(a[1], b[1]) + radius + 0.5:
        return None
    outer = _capsule_span(a, b, radius + 0.5, y)
    return None if outer is None else (outer, _capsule_span(a, b, radius - 0.5, y))


def _capsule_span(a: Point, b: Point, radius: float, y: float) -> Span | None:
    """The span of x where (x, y) lies within `radius` of the segment from `a` to `b`: the
    hull of where the row crosses its two round ends and the band between them (the
    shape is convex, so it crosses a row in one span)."""
    low, high = math.inf, -math.inf
    for px, py in (a, b):
        rise = y - py
        if abs(rise) <= radius:
            half = math.sqrt(radius * radius - rise * rise)
            low, high = min(low, px - half), max(high, px + half)
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    # Along the segment, 0 <= t <= 1; across it, within the radius: both linear in x.
    band = _between((-math.inf, math.inf), dx / length**2,
                    ((y - a[1]) * dy - a[0] * dx) / length**2, 0.0, 1.0)
    band = _between(band, dy / length, (-(y - a[1]) * dx - a[0] * dy) / length, -radius, radius)
    if band[0] <= band[1]:
        low, high = min(low, band[0]), max(high, band[1])
    return (low, high) if low <= high else None


def _between(span: Span, slope: float, offset: float, low: float, high: float) -> Span:
    """`span` narrowed to the x where low <= slope * x + offset <= high."""
    if slope == 0:
        return span if low <= offset <= high else (math.inf, -math.inf)
    ends = sorted(((low - offset) / slope, (high - offset) / slope))
    return max(span[0], ends[0]), min(span[1], ends[1])


def png(width: int, height: int, rows: Iterable[bytes], palette: bytes,
        alphas: bytes | None) -> bytes:
    """A PNG of 8-bit palette indices (`palette`: RGB triples; `alphas`: the alpha of the
    first entries, the others opaque), each row unfiltered."""
    raw = b"".join(b"\x00" + row for row in rows)
    chunks = [_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)),
              _chunk(b"PLTE", palette)]
    if alphas is not None:
        chunks.append(_chunk(b"tRNS", alphas))
    # Run-length matching only: the rows are long runs of a few values, and it is many
    # times faster than the default strategy for the same size.
    deflate = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    chunks += [_chunk(b"IDAT", deflate.compress(raw) + deflate.flush()), _chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
