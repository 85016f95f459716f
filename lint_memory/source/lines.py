"""Lines, offsets and columns of a source text: the one line index every part shares.

Lines end where Python ends them: at ``\\n``, ``\\r\\n`` or ``\\r`` only.  ``str.splitlines``
also breaks at form feeds, ``\\v``, ``\\x1c``-``\\x1e``, ``\\x85``, ``\\u2028`` and ``\\u2029``,
which occur in real sources (the standard library has ``^L`` page breaks) and would shift every
later row.

Two views of the same text, which differ only after a final line ending:

* ``split_lines`` gives the *physical lines* as Python, flake8 and the tokenizer count them: a
  final line ending ends the last line, it does not start another one (``"a\\n"`` is one line).
* ``LineIndex`` gives the *rows* an editor shows: a final line ending opens an empty last row
  where a cursor or an insertion can sit (``"a\\n"`` has rows ``"a"`` and ``""``).

Columns: ``ast`` counts UTF-8 bytes, findings and libcst count characters (code points), and an
LSP client counts in its negotiated encoding (UTF-16 unless it chose UTF-8 or UTF-32).
``to_units`` and ``from_units`` convert a character column of one line to and from any of them.
"""

from __future__ import annotations

import bisect
import io
import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"  # the LSP's PositionEncodingKind values


def split_lines(text: str) -> list[str]:
    """The physical lines of ``text`` without their endings, as Python counts them.

    ``""`` has no line; a final line ending does not start an empty last line; a lone ``\\r``
    ends a line; a form feed does not."""
    lines = LINE_BREAK.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def split_lines_keepends(text: str) -> list[str]:
    """The physical lines of ``text`` with their endings (``"".join`` gives ``text`` back)."""
    return io.StringIO(text, newline="").readlines()


class LineIndex:
    """Rows (1-based) and their start offsets in one text, for converting positions to offsets.

    There is one row more than there are line endings: after a final line ending comes an empty
    row (see the module docstring)."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = list(LINE_BREAK.finditer(text))
        self.starts = [0] + [match.end() for match in breaks]  # offset where each row starts
        self.newline = breaks[0].group() if breaks else "\n"  # the text's first line ending

    def __len__(self) -> int:
        return len(self.starts)

    @property
    def lines(self) -> list[str]:
        """Every row's text, without line endings (the editor's view: ``"a\\n"`` gives ``["a", ""]``)."""
        return LINE_BREAK.split(self.text)

    def line(self, row: int) -> str:
        """Row ``row``'s text without its line ending; ``""`` for a row outside the text."""
        if not 0 < row <= len(self.starts):
            return ""
        start = self.starts[row - 1]
        if row == len(self.starts):
            return self.text[start:]
        return self.text[start : self.starts[row]].rstrip("\r\n")  # only the ending can hold these

    def ending(self, row: int) -> str:
        """Row ``row``'s line ending; the text's first one for the last row, which has none."""
        if 0 < row < len(self.starts):
            return self.text[self.starts[row - 1] + len(self.line(row)) : self.starts[row]]
        return self.newline

    def offset(self, row: int, col: int) -> int:
        """The offset of character column ``col`` of row ``row``, clamped to the row and the text:
        a column past a row's end is its end, a row past the last one is the end of the text."""
        if row < 1:
            return 0
        if row > len(self.starts):
            return len(self.text)
        return self.starts[row - 1] + min(max(col, 0), len(self.line(row)))

    def position(self, offset: int) -> tuple[int, int]:
        """(1-based row, character column) of ``offset``, clamped to the text."""
        offset = min(max(offset, 0), len(self.text))
        row = bisect.bisect_right(self.starts, offset)
        return row, offset - self.starts[row - 1]


# --- columns ------------------------------------------------------------------------------------
def _width(char: str, encoding: str) -> int:
    """Code units of ``char`` in ``encoding`` (a lone surrogate counts as it would be written)."""
    point = ord(char)
    if encoding == UTF8:
        return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
    if encoding == UTF32:
        return 1
    return 2 if point > 0xFFFF else 1


def to_units(line: str, col: int, encoding: str) -> int:
    """The column, in ``encoding``'s code units, of character column ``col`` of ``line`` (clamped to it)."""
    col = min(max(col, 0), len(line))
    if encoding == UTF32 or line.isascii():
        return col
    return sum(_width(char, encoding) for char in line[:col])


def from_units(line: str, units: int, encoding: str) -> int:
    """The character column of column ``units`` (in ``encoding``'s code units) of ``line``.

    A column inside a character (the second half of a surrogate pair, a byte inside a UTF-8
    sequence) rounds up to the next character; a column past the end is the end."""
    if encoding == UTF32 or line.isascii():
        return min(max(units, 0), len(line))
    total = 0
    for index, char in enumerate(line):
        if total >= units:
            return index
        total += _width(char, encoding)
    return len(line)


def char_column(line: str, byte_col: int) -> int:
    """The character column of an ``ast`` column (UTF-8 bytes) on ``line``; on an ASCII line
    they are the same number, kept as it is."""
    return byte_col if line.isascii() else from_units(line, byte_col, UTF8)


def byte_column(line: str, col: int) -> int:
    """The ``ast`` column (UTF-8 bytes) of character column ``col`` on ``line``."""
    return to_units(line, col, UTF8)
