"""Jupyter notebooks as one Python module: code cells joined, IPython syntax masked in place.

Masking replaces a magic or shell line with ``pass`` at the same indentation, so rows never
shift and every position maps back to (cell, row) as ruff reports it: ``cell`` is the 1-based
index among all cells, ``row`` the line inside that cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

# Cell magics whose body is Python; any other cell magic (%%bash, %%html, ...) hides the cell.
PYTHON_CELL_MAGICS = frozenset({"capture", "time", "timeit", "prun", "debug", "pypy"})
_MAGIC_LINE = re.compile(r"^\s*(?:[%!]|[\w.,\s]+=\s*[%!])")
_HELP_LINE = re.compile(r"^\s*[\w.]+\?{1,2}\s*$|^\s*\?")


class NotebookError(ValueError):
    """The file is not a notebook we can read."""


@dataclass
class Notebook:
    data: dict
    source: str  # the joined, masked code
    rows: list[tuple[int, int]] = field(default_factory=list)  # module line -> (cell, row)
    cell_sources: dict[int, list[str]] = field(default_factory=dict)  # cell -> original lines

    def position(self, line: int) -> tuple[int, int]:
        if 0 < line <= len(self.rows):
            return self.rows[line - 1]
        return self.rows[-1] if self.rows else (1, line)

    def module_line(self, cell: int, row: int) -> int:
        return self.rows.index((cell, row)) + 1


def cell_text(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        if not all(isinstance(part, str) for part in source):
            raise NotebookError("a cell's source is not text")
        return "".join(source)
    if not isinstance(source, str):
        raise NotebookError("a cell's source is not text")
    return source


def mask(lines: list[str]) -> list[str]:
    """Replace IPython-only lines with ``pass``; hide the whole cell for non-Python cell magics."""
    if lines and lines[0].lstrip().startswith("%%"):
        name = lines[0].lstrip()[2:].split(maxsplit=1)[0] if lines[0].strip()[2:] else ""
        if name not in PYTHON_CELL_MAGICS:
            return ["" for _ in lines]
        lines = ["", *lines[1:]]
    masked = []
    continued = False
    for line in lines:
        if continued or _MAGIC_LINE.match(line) or _HELP_LINE.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            masked.append("" if continued else f"{indent}pass")
            continued = line.rstrip().endswith("\\")
        else:
            masked.append(line)
    return masked


def load(text: str, *, skip_cells: frozenset[int] = frozenset()) -> Notebook:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise NotebookError(f"not valid JSON: {error}") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        raise NotebookError("no `cells` list (nbformat 4 expected)")
    parts: list[str] = []
    notebook = Notebook(data, "")
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotebookError(f"cell {index} is not a cell object")
        if cell["cell_type"] != "code":
            continue
        lines = cell_text(cell).splitlines()
        notebook.cell_sources[index] = lines
        code = [""] * len(lines) if index in skip_cells else mask(lines)
        for row, line in enumerate(code, start=1):
            parts.append(line)
            notebook.rows.append((index, row))
    notebook.source = "\n".join(parts) + ("\n" if parts else "")
    return notebook
