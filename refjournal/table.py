"""Text tables for the terminal: columns that fit its width, the least useful shortened first.

A table printed to a terminal fits its width (or `$COLUMNS`): the columns that may shrink
give up room in the order given, each down to its least width, and a shortened cell ends
(or, for paths, begins) with `…`. When a column that wants room still gets too little, a
column that may move goes on a line of its own under each row. Printed into a pipe or a
file, nothing is shortened.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

GAP = "  "


@dataclass(frozen=True)
class Column:
    title: str
    shrink: int = 0  # 0: never; else the order in which columns give up room (1 first)
    least: int = 0  # the narrowest it may become
    keep_end: bool = False  # shortened from the start (a path: the file's name stays)
    want: int = 0  # below this width, the columns that may move make room for it
    moves: bool = False  # may go on a line of its own under the row


def terminal_width() -> int | None:
    """The width to fit: `$COLUMNS`, else the terminal's; None when output goes elsewhere."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def layout(columns: Sequence[Column], rows: Sequence[Sequence[Any]], width: int | None
           ) -> list[str]:
    """The lines of the table, header first, fitted to `width` when it is given."""
    cells = [[str(cell) for cell in row] for row in rows]
    natural = [max([len(column.title), *(len(row[i]) for row in cells)])
               for i, column in enumerate(columns)]
    shown = list(range(len(columns)))
    widths = _fitted(columns, natural, shown, width)
    if width is not None and any(widths[i] < min(c.want, natural[i])
                                 for i, c in enumerate(columns)):
        shown = [i for i, c in enumerate(columns) if not c.moves]
        widths = _fitted(columns, natural, shown, width)
    below = [i for i in range(len(columns)) if i not in shown]
    indent = " " * (widths[shown[0]] + len(GAP)) if below else ""
    lines = []
    for n, row in enumerate([[c.title for c in columns], *cells]):
        line = GAP.join(_fit(row[i], widths[i], columns[i].keep_end).ljust(widths[i])
                        for i in shown)
        lines.append(line.rstrip())
        if n:  # a moved column's cell, under its row
            room = max(1, (width or 0) - len(indent))
            lines.extend(indent + _fit(row[i], room, columns[i].keep_end) for i in below)
    return lines


def _fitted(columns: Sequence[Column], natural: list[int], shown: list[int],
            width: int | None) -> list[int]:
    """Each column's width: its natural one, less what it gives up to fit `width`."""
    widths = list(natural)
    if width is None:
        return widths
    excess = sum(widths[i] for i in shown) + len(GAP) * (len(shown) - 1) - width
    for i in sorted((i for i in shown if columns[i].shrink), key=lambda i: columns[i].shrink):
        if excess <= 0:
            break
        least = max(columns[i].least, len(columns[i].title))
        given = max(0, min(excess, widths[i] - least))
        widths[i] -= given
        excess -= given
    return widths


def _fit(text: str, width: int, keep_end: bool) -> str:
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    return "…" + text[len(text) - width + 1:] if keep_end else text[:width - 1] + "…"
