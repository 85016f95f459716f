"""The ``full`` format (the default): each finding with its source lines and a caret, as ruff
prints it::

    LCM100 `ConversationBufferMemory` is deprecated ...
     --> app.py:3:30
      |
    1 | import os
    2 |
    3 | from langchain.memory import ConversationBufferMemory
      |                              ^^^^^^^^^^^^^^^^^^^^^^^^
    4 |
      |

Notebook findings show the lines of their cell.  Columns count characters; tabs and wide
characters are measured as a terminal shows them, so the caret sits under the name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from lint_memory.model import FileReport, Finding
from lint_memory.output.common import DEFAULT_OPTIONS, Options, fix_marker, located, paint, position
from lint_memory.source.lines import split_lines

CONTEXT = 2  # lines shown before and after the finding's line
TAB = 4


def render(reports: Sequence[FileReport], options: Options = DEFAULT_OPTIONS) -> str:
    blocks = []
    lines_of: dict[tuple[str, int | None], list[str]] = {}
    for report, finding in located(reports):
        key = (report.path, finding.cell)
        if key not in lines_of:
            lines_of[key] = _lines(report, finding.cell)
        blocks.append(frame(report.path, finding, lines_of[key], options.colour))
    return "".join(blocks)


def _lines(report: FileReport, cell: int | None) -> list[str]:
    if report.notebook is not None and cell is not None:
        return report.notebook.cell_sources.get(cell, [])
    if report.notebook is None and report.source is not None:
        return split_lines(report.source)
    return []


def frame(path: str, finding: Finding, lines: list[str], colour: bool = False) -> str:
    header = f"{paint(finding.code, 'red', colour)} {fix_marker(finding)}{paint(finding.message, 'bold', colour)}"
    if not 0 < finding.line <= len(lines):
        return f"{header}\n {paint('-->', 'blue', colour)} {path}:{position(finding)}\n\n"
    first = max(1, finding.line - CONTEXT)
    last = min(len(lines), finding.line + CONTEXT)
    width = len(str(last))
    gutter = paint(" " * width + " |", "blue", colour)
    out = [header, f"{' ' * width}{paint('-->', 'blue', colour)} {path}:{position(finding)}", gutter]
    for row in range(first, last + 1):
        text = lines[row - 1].expandtabs(TAB)
        number = paint(f"{row:>{width}} |", "blue", colour)
        out.append(f"{number} {text}".rstrip() if text.strip() else number)
        if row == finding.line:
            line = lines[row - 1]
            start = _width(line[: finding.col])
            end_col = finding.end_col if finding.end_line == finding.line else len(line)
            carets = max(1, _width(line[: max(end_col, finding.col)]) - start)
            out.append(f"{gutter} {' ' * start}{paint('^' * carets, 'red', colour)}")
    out.append(gutter)
    return "\n".join(out) + "\n\n"


def _width(text: str) -> int:
    """Terminal columns taken by ``text``: tabs to the next stop, East Asian wide characters 2."""
    if text.isascii() and "\t" not in text:
        return len(text)  # most lines: one column per character
    column = 0
    for char in text:
        if char == "\t":
            column += TAB - column % TAB
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            column += 2
        elif not unicodedata.combining(char):
            column += 1
    return column
