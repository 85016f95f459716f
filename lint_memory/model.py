"""The data every part of lint-memory passes around: findings, fixes and a checked file's report.

This module imports nothing else of ours, so that nothing cycles through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Applicability(str, Enum):
    """How safe a fix is, as ruff says it: ``safe`` fixes apply with ``--fix``, ``unsafe`` ones
    need ``--unsafe-fixes``.  A ``str`` enum, so it compares equal to and serialises as its value."""

    SAFE = "safe"
    UNSAFE = "unsafe"

    def __str__(self) -> str:
        return self.value


@dataclass
class Edit:
    """Replace [start, end) with content; rows 1-based, columns 0-based characters (as in the finding)."""

    content: str
    row: int
    col: int
    end_row: int
    end_col: int


@dataclass
class Fix:
    message: str
    applicability: str  # an Applicability ("safe" | "unsafe")
    edits: list[Edit] = field(default_factory=list)


@dataclass
class Finding:
    code: str
    message: str
    line: int  # 1-based
    col: int  # 0-based, in characters
    end_line: int
    end_col: int
    symbol: str  # what is flagged: the catalog name, a module path or a keyword
    target: str | None = None  # LCM400: the exact new import path
    fix: Fix | None = None
    cell: int | None = None  # notebooks: 1-based cell index; line and end_line are then cell rows
    migration: tuple[str, str] | None = None  # LCM300/LCM301 with fixes planned: (pattern, "fixed" or why not)

    def sort_key(self) -> tuple:
        return (self.cell or 0, self.line, self.col, self.code)


@dataclass
class Cell:
    index: int  # 1-based among all cells, markdown included (ruff's `cell`)
    start: int  # module line of the cell's first row
    code: list[str]  # the masked lines


@dataclass
class Notebook:
    data: dict
    source: str  # the code cells' masked lines, joined
    rows: list[tuple[int, int]] = field(default_factory=list)  # module line -> (cell, row)
    cell_sources: dict[int, list[str]] = field(default_factory=dict)  # cell -> original lines
    cells: list[Cell] = field(default_factory=list)  # the code cells, in order

    def position(self, line: int) -> tuple[int, int]:
        if 0 < line <= len(self.rows):
            return self.rows[line - 1]
        return self.rows[-1] if self.rows else (1, line)

    def module_line(self, cell: int, row: int) -> int:
        for code_cell in self.cells:
            if code_cell.index == cell:
                return code_cell.start + row - 1
        raise ValueError(f"no code cell {cell}")


@dataclass
class FileReport:
    path: str
    findings: list[Finding] = field(default_factory=list)
    source: str | None = None  # the checked text (a notebook's joined, masked code)
    notebook: Notebook | None = None
    suppressed: int = 0
    parsed: bool = False  # False when the pre-filter proved the file clean
    error: str | None = None  # an internal error (a bug in lint-memory), never a problem with the input
