"""A notebook's code cells as one module for the planner, and the planner's answers back in cells.

The check joins the code cells into one module (``Notebook.source``); a finding's ``line`` is a
row of its ``cell``.  The planner works on the module, so positions go to module rows and back.
"""

from __future__ import annotations

from collections.abc import Callable

from lint_memory.fix.text import Position, Replacement, parse_problem
from lint_memory.model import Edit, Finding, Notebook


def module_code(book: Notebook) -> str:
    """The notebook's module with the cells that do not parse blanked out (rows kept): one broken
    cell must not stop the fixes in the others."""
    lines: list[str] = []
    for cell in book.cells:
        lines += [""] * len(cell.code) if parse_problem("\n".join(cell.code)) else cell.code
    return "\n".join(lines) + ("\n" if lines else "")


def module_position(book: Notebook | None, finding: Finding) -> Position:
    """Where ``finding`` starts in the module the planner sees."""
    if book is None or finding.cell is None:
        return finding.line, finding.col
    return book.module_line(finding.cell, finding.line), finding.col


def edit(replacement: Replacement, book: Notebook | None) -> Edit:
    """A planned replacement as a finding's ``Edit``: rows of its cell in a notebook."""
    (row, col), (end_row, end_col) = replacement.start, replacement.end
    if book is not None:
        row, end_row = book.position(row)[1], book.position(end_row)[1]
    return Edit(replacement.text, row, col, end_row, end_col)


def in_cell(book: Notebook, replacement: Replacement) -> tuple[int, Replacement]:
    """The cell ``replacement`` is in, and the replacement in that cell's rows."""
    (cell, row), end_row = book.position(replacement.start[0]), book.position(replacement.end[0])[1]
    return cell, Replacement((row, replacement.start[1]), (end_row, replacement.end[1]), replacement.text)


def one_cell(book: Notebook) -> Callable[[list[Replacement]], bool]:
    """A notebook fix must stay inside one cell: an edit carries no cell of its own."""

    def allowed(edits: list[Replacement]) -> bool:
        return len({book.position(row)[0] for r in edits for row in (r.start[0], r.end[0])}) == 1

    return allowed
