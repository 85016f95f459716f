"""Positions in a module's text, and replacing spans of it.

``Text`` is the shared line index (``source.lines.LineIndex``: rows 1-based, columns 0-based
characters, lines ending as Python ends them) with what the fixes add: the span of an ``ast`` node
in characters (ast columns are UTF-8 byte offsets), slices, and splicing replacements in.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from lint_memory.source.lines import LineIndex, char_column

Position = tuple[int, int]  # (1-based row, 0-based character column) in the module's text


@dataclass(frozen=True)
class Replacement:
    """Replace [start, end) with ``text``."""

    start: Position
    end: Position
    text: str


class Text(LineIndex):
    """A module's text with its line index."""

    def char_column(self, row: int, byte_col: int) -> int:
        """ast columns are UTF-8 byte offsets; findings and libcst count characters."""
        return char_column(self.line(row), byte_col)

    def span(self, node: ast.AST) -> tuple[Position, Position]:
        """Where an ast node starts and ends, in characters."""
        start = (node.lineno, self.char_column(node.lineno, node.col_offset))  # type: ignore[attr-defined]
        end_row = node.end_lineno or node.lineno  # type: ignore[attr-defined]
        return start, (end_row, self.char_column(end_row, node.end_col_offset or 0))  # type: ignore[attr-defined]

    def slice(self, start: Position, end: Position) -> str:
        return self.text[self.offset(*start) : self.offset(*end)]

    def splice(self, replacements: Iterable[Replacement]) -> str:
        """The text with ``replacements`` made; raises ValueError when two of them overlap."""
        parts, position = [], 0
        for replacement in sorted(replacements, key=lambda r: (r.start, r.end)):
            start, end = self.offset(*replacement.start), self.offset(*replacement.end)
            if start < position:
                raise ValueError("overlapping edits")  # a planning bug: never write a mangled file
            parts += [self.text[position:start], replacement.text]
            position = end
        parts.append(self.text[position:])
        return "".join(parts)


def parse_problem(text: str) -> str | None:
    """Why ``text`` does not parse as Python, or None when it does."""
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return getattr(error, "msg", None) or type(error).__name__
    return None
