"""Problems found in a journal: small records, collected and returned, never raised."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

ERROR = "error"
WARNING = "warning"
SOURCE_WIDTH = 160  # a source line longer than this is cut in messages


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a journal, located at `path:line` (path relative to the journal)."""

    path: str
    line: int | None
    severity: str
    message: str
    source: str | None = None  # the offending source line, when known
    column: int | None = None  # 1-based column for the caret, when known

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def format(self) -> str:
        """Render as `path:line: severity: message`, then the source line and a caret."""
        text = f"{self.location()}: {self.severity}: {self.message}"
        if self.source is not None and self.source.strip():
            gutter = f"{self.line} | " if self.line else "  | "
            # A tab shown as one visible character keeps the caret under its column.
            source = self.source.rstrip().replace("\t", "→")
            if len(source) > SOURCE_WIDTH:
                source = source[:SOURCE_WIDTH] + " …"
            text += f"\n    {gutter}{source}"
            if self.column and self.column <= SOURCE_WIDTH:
                text += "\n    " + " " * len(gutter) + " " * (self.column - 1) + "^"
        return text


def error(path: str, line: int | None, message: str, source: str | None = None,
          column: int | None = None) -> Problem:
    return Problem(path, line, ERROR, message, source, column)


def warning(path: str, line: int | None, message: str, source: str | None = None,
            column: int | None = None) -> Problem:
    return Problem(path, line, WARNING, message, source, column)


def strict(problems: Iterable[Problem]) -> list[Problem]:
    """Turn every warning into an error (`--strict`)."""
    return [replace(p, severity=ERROR) for p in problems]


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


def sort_key(problem: Problem) -> tuple[str, int, str]:
    return (problem.path, problem.line or 0, problem.message)


def summary(problems: list[Problem]) -> str:
    """Say how many errors and warnings there are, e.g. `2 errors, 1 warning`."""
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts) if parts else "no problems"
