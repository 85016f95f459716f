"""Jupyter notebooks as Python: code cells masked in place, then joined into one module.

Masking replaces a magic or shell line with ``pass`` at the same indentation, so rows never
shift and every position maps back to (cell, row) as ruff reports it: ``cell`` is the 1-based
index among all cells, ``row`` the line inside that cell.  Each cell is parsed on its own (as
IPython runs it), so a syntax error stays in its cell; the module they form together lets a
name imported in one cell resolve in the later ones.
"""

from __future__ import annotations

import json
import re

from lint_memory.model import Cell, Notebook
from lint_memory.source.lines import split_lines

__all__ = ["Cell", "Notebook", "NotebookError", "cell_text", "load", "mask"]

# Cell magics whose body is Python; any other cell magic (%%bash, %%html, ...) hides the cell.
PYTHON_CELL_MAGICS = frozenset({"capture", "time", "timeit", "prun", "debug", "pypy"})
# `%magic`, `!shell`, `x = %magic`, `x = !shell`; only where a statement starts.
_MAGIC_LINE = re.compile(r"^\s*(?:[%!]|[\w.,\s]+=\s*[%!])")
# `obj?`, `obj??`, `?obj`: IPython help.
_HELP_LINE = re.compile(r"^\s*[\w.]+\?{1,2}\s*$|^\s*\?")
_OPEN, _CLOSE = "([{", ")]}"


class NotebookError(ValueError):
    """The file is not a notebook we can read."""


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
    """Replace IPython-only lines with ``pass``; hide the whole cell for non-Python cell magics.

    Only a line where a statement starts can be IPython syntax: a ``%`` that continues an
    expression in brackets (``("%s"\\n % x)``) or sits in a triple-quoted string stays as it is.
    """
    if lines and lines[0].lstrip().startswith("%%"):
        words = lines[0].lstrip()[2:].split(maxsplit=1)
        if not words or words[0] not in PYTHON_CELL_MAGICS:
            return ["" for _ in lines]
        lines = ["", *lines[1:]]
    masked = []
    scanner = _Scanner()
    continued_magic = False
    for line in lines:
        if continued_magic:
            masked.append("")
            continued_magic = line.rstrip().endswith("\\")
        elif scanner.at_statement_start() and (_MAGIC_LINE.match(line) or _HELP_LINE.match(line)):
            masked.append(f"{line[: len(line) - len(line.lstrip())]}pass")
            continued_magic = line.rstrip().endswith("\\")
        else:
            masked.append(line)
            scanner.feed(line)
    return masked


class _Scanner:
    """Just enough of Python's tokenizer to know whether the next line starts a statement:
    open brackets, an open triple-quoted string, a backslash continuation."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None  # the open string's delimiter, across lines
        self.continued = False

    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        self.continued = False
        i, n = 0, len(line)
        while i < n:
            if self.quote is not None:
                end = self._string_end(line, i)
                if end < 0:
                    if len(self.quote) == 1:  # a one-line string goes on only after a backslash
                        self.continued = line.endswith("\\")
                        self.quote = self.quote if self.continued else None
                    return
                self.quote, i = None, end
                continue
            char = line[i]
            if char == "#":
                return
            if char in "'\"":
                self.quote = char * 3 if line.startswith(char * 3, i) else char
                i += len(self.quote)
            elif char in _OPEN:
                self.depth += 1
                i += 1
            elif char in _CLOSE:
                self.depth = max(self.depth - 1, 0)
                i += 1
            elif char == "\\" and i == n - 1:
                self.continued = True
                i += 1
            else:
                i += 1

    def _string_end(self, line: str, i: int) -> int:
        """Index just past the open string's closing delimiter on this line, or -1."""
        quote = self.quote or ""
        while i < len(line):
            if line[i] == "\\":
                i += 2
            elif line.startswith(quote, i):
                return i + len(quote)
            else:
                i += 1
        return -1


def load(text: str) -> Notebook:
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
        lines = split_lines(cell_text(cell))
        notebook.cell_sources[index] = lines
        code = mask(lines)
        notebook.cells.append(Cell(index, len(parts) + 1, code))
        parts += code
        notebook.rows += [(index, row) for row in range(1, len(code) + 1)]
    notebook.source = "\n".join(parts) + ("\n" if parts else "")
    return notebook
