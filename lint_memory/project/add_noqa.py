"""``--add-noqa``: put ``# noqa: LCMxxx`` on every current finding, where flake8 will honour it.

flake8 reads a noqa comment from the whole token group around a line (its ``_noqa_line_mapping``):
physical lines joined by a multi-line string or a backslash continuation form one group, while
the lines of a parenthesised statement are separate groups.  So the comment goes at the end of
the group's last line: the finding's own line in a parenthesised import or call, the closing line
of a multi-line string, the last line of a ``\\`` continuation (a comment cannot follow the ``\\``).
When that group already has ``# noqa: CODES``, the missing codes are appended in its own style
(``# noqa: LCM100`` + LCM400 -> ``# noqa: LCM100, LCM400``); a blanket ``# noqa`` covers
everything and stays as it is.

Every edit only inserts text, so line endings, the source encoding and a notebook's JSON layout
are kept byte for byte everywhere else, and a second run finds nothing left to add.
"""

from __future__ import annotations

import json
import re
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]

from lint_memory.model import FileReport, Finding
from lint_memory.rules import is_diagnostic
from lint_memory.source import atomic, notebook
from lint_memory.source.lines import split_lines_keepends
from lint_memory.source.noqa import NOQA_INLINE, parse_codes

_CODE_SEPARATOR = re.compile(r"[0-9]([,\s]+)[A-Z]", re.IGNORECASE)
_JSON_SPACE = re.compile(r"[ \t\n\r]*")
_JSON_DECODER = json.JSONDecoder()


class AddNoqaError(Exception):
    """A file could not be edited; nothing was written to it."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


@dataclass(frozen=True)
class Insertion:
    row: int  # 1-based
    col: int  # characters into the row
    text: str
    covered: int  # findings the inserted codes silence


@dataclass
class Layout:
    """Where flake8 looks for a line's noqa comment, and where the comments are."""

    lines: list[str]  # physical lines, with their endings
    groups: dict[int, tuple[int, int]] = field(default_factory=dict)  # row -> (first, last) row of its group
    comments: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # row -> [(col, end_col)]

    def group(self, row: int) -> tuple[int, int]:
        return self.groups.get(row, (row, row))

    def comment_start(self, row: int) -> int | None:
        spans = self.comments.get(row)
        return spans[0][0] if spans else None


def layout(text: str) -> Layout:
    """Token groups as flake8 builds them (NL / NEWLINE close a group), plus comment positions."""
    result = Layout(split_lines_keepends(text))
    # Every ending as "\n", as flake8 reads files (universal newlines): tokenize alone would not
    # end a line at a lone "\r".  Rows and columns stay the same.
    normalised = iter([f"{_content(line)}\n" for line in result.lines])
    low = high = 0
    try:
        for token in tokenize.generate_tokens(lambda: next(normalised, "")):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            if token.type == tokenize.COMMENT:
                result.comments.setdefault(token.start[0], []).append((token.start[1], token.end[1]))
            low = min(low, token.start[0]) if low else token.start[0]
            high = max(high, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                result.groups.update(dict.fromkeys(range(low, high + 1), (low, high)))
                low = high = 0
    except (tokenize.TokenError, SyntaxError):
        pass  # rows after the error keep one-line groups
    return result


def plan(text: str, findings: Iterable[Finding]) -> list[Insertion]:
    """The insertions that silence ``findings`` (rows and columns relative to ``text``)."""
    wanted: dict[int, list[str]] = {}
    for finding in findings:
        if not is_diagnostic(finding.code):  # diagnostics about unreadable input cannot be silenced
            wanted.setdefault(finding.line, []).append(finding.code)
    if not wanted:
        return []
    source = layout(text)
    targets: dict[tuple[int, int], list[str]] = {}
    for row, codes in wanted.items():
        targets.setdefault(source.group(row), []).extend(codes)
    found = (_insertion(source, low, high, codes) for (low, high), codes in sorted(targets.items()))
    return [insertion for insertion in found if insertion is not None]


def _insertion(source: Layout, low: int, high: int, codes: list[str]) -> Insertion | None:
    rows = source.lines[low - 1 : high]
    if not rows or high > len(source.lines):
        return None
    match = NOQA_INLINE.search("".join(rows))
    if match is None:
        content = _content(rows[-1])
        if high not in source.groups and content.rstrip().endswith("\\"):
            return None  # tokenizing failed here, and a comment would end the continuation
        trailing = len(content) - len(content.rstrip(" \t"))
        gap = " " * max(0, 2 - trailing)
        return Insertion(high, len(content), f"{gap}# noqa: {', '.join(sorted(set(codes)))}", len(codes))
    present = parse_codes(match.group("codes"))
    if not present:
        return None  # a blanket suppression already silences every code
    missing = sorted({code for code in codes if not code.startswith(present)})
    if not missing:
        return None
    row, col = _position(rows, low, match.start())
    if not any(start <= col < end for start, end in source.comments.get(row, ())):
        return None  # the directive flake8 reads first is inside a string: no comment can win over it
    listed = match.group("codes").rstrip(", \t\r\n\f\v")
    row, col = _position(rows, low, match.start("codes") + len(listed))
    separator = _CODE_SEPARATOR.search(listed)
    joiner = separator.group(1) if separator else ", "
    covered = sum(1 for code in codes if code in missing)
    return Insertion(row, col, joiner + joiner.join(missing), covered)


def _content(line: str) -> str:
    return line.rstrip("\r\n")


def _position(rows: list[str], first_row: int, offset: int) -> tuple[int, int]:
    """(row, col) of an offset into the joined rows."""
    for number, line in enumerate(rows, start=first_row):
        if offset < len(line):
            return number, offset
        offset -= len(line)
    return first_row + len(rows) - 1, len(rows[-1]) + offset


def _apply(lines: list[str], insertions: list[Insertion]) -> str:
    edited = list(lines)
    for insertion in sorted(insertions, key=lambda i: (i.row, i.col), reverse=True):
        line = edited[insertion.row - 1]
        edited[insertion.row - 1] = line[: insertion.col] + insertion.text + line[insertion.col :]
    return "".join(edited)


def add_noqa_text(source: str, findings: Iterable[Finding]) -> str | None:
    """``source`` with a noqa comment for every finding, or None when nothing needs adding."""
    insertions = plan(source, findings)
    return _apply(split_lines_keepends(source), insertions) if insertions else None


def add_noqa_file(report: FileReport) -> int:
    """Edit ``report.path`` in place (atomically); returns how many findings the new codes silence.

    The report must come from checking the file as it is now: when the file changed since, it is
    left alone and AddNoqaError says so.  Notebooks get only their affected cells edited.
    """
    findings = [finding for finding in report.findings if not is_diagnostic(finding.code)]
    if not findings or report.source is None:
        return 0
    is_notebook = report.notebook is not None or report.path.endswith(".ipynb")
    try:
        text, stored = atomic.read_text(report.path, notebook=is_notebook)
    except OSError as error:
        raise AddNoqaError(report.path, f"cannot read the file: {error.strerror or error}") from None
    except (UnicodeError, SyntaxError) as error:
        raise AddNoqaError(report.path, f"cannot decode the file: {error}") from None
    if is_notebook:
        edited, covered = _edit_notebook(text, report, findings)
    else:
        edited, covered = _edit_python(text, report, findings)
    if edited is not None:
        try:
            atomic.write_text(report.path, edited, stored)
        except OSError as error:
            raise AddNoqaError(report.path, f"cannot write the file: {error.strerror or error}") from None
    return covered


def _edit_python(text: str, report: FileReport, findings: list[Finding]) -> tuple[str | None, int]:
    if text != report.source:
        raise AddNoqaError(report.path, "the file changed since it was checked; run again")
    insertions = plan(text, findings)
    if not insertions:
        return None, 0
    return _apply(split_lines_keepends(text), insertions), sum(insertion.covered for insertion in insertions)


def _edit_notebook(text: str, report: FileReport, findings: list[Finding]) -> tuple[str | None, int]:
    try:
        book = notebook.load(text)
    except notebook.NotebookError as error:
        raise AddNoqaError(report.path, f"cannot read the notebook: {error}") from None
    if book.source != report.source:
        raise AddNoqaError(report.path, "the notebook changed since it was checked; run again")
    by_cell: dict[int, list[Finding]] = {}
    for finding in findings:
        if finding.cell is not None:
            by_cell.setdefault(finding.cell, []).append(finding)
    try:
        spans = _source_spans(text)
    except (ValueError, IndexError) as error:
        raise AddNoqaError(report.path, f"cannot locate the cell sources: {error}") from None
    edits: list[tuple[int, str]] = []  # (offset in the JSON text, text to insert)
    covered = 0
    for cell, found in sorted(by_cell.items()):
        cell_edits, cell_covered = _cell_edits(book, cell, found, spans.get(cell, []), text)
        edits += cell_edits
        covered += cell_covered
    if not edits:
        return None, 0
    for offset, insert in sorted(edits, reverse=True):
        text = text[:offset] + insert + text[offset:]
    return text, covered


def _cell_edits(
    book: notebook.Notebook, cell: int, findings: list[Finding], spans: list[tuple[int, int]], text: str
) -> tuple[list[tuple[int, str]], int]:
    """Insertions into the raw JSON strings that hold one cell's source."""
    data = book.data["cells"][cell - 1]
    original = notebook.cell_text(data)
    rows = book.cell_sources.get(cell, [])  # the rows as notebook.load numbers them
    masked = notebook.mask(rows)
    starts = _row_offsets(original, rows)
    pieces = _source_pieces(data)
    if len(pieces) != len(spans):
        return [], 0
    edits = []
    covered = 0
    for insertion in plan("".join(f"{line}\n" for line in masked), findings):
        if insertion.row > len(rows) or masked[insertion.row - 1] != rows[insertion.row - 1]:
            continue  # a masked IPython line: never where a finding is, and never edited blindly
        piece, inner = _piece_at(pieces, starts[insertion.row - 1] + insertion.col)
        start, end = spans[piece]
        edits.append((start + _raw_offset(text[start:end], inner), insertion.text))
        covered += insertion.covered
    return edits, covered


def _row_offsets(text: str, rows: list[str]) -> list[int]:
    """Where each row starts in ``text``; rows are consecutive, each followed by one line ending."""
    offsets, position = [], 0
    for row in rows:
        offsets.append(position)
        position += len(row)
        position += 2 if text.startswith("\r\n", position) else 1
    return offsets


def _source_pieces(cell: dict) -> list[str]:
    source = cell.get("source", "")
    return [source] if isinstance(source, str) else list(source)


def _piece_at(pieces: list[str], offset: int) -> tuple[int, int]:
    """The piece holding the character before ``offset``, so that text lands before a line's ending."""
    position = 0
    for index, piece in enumerate(pieces):
        if position < offset <= position + len(piece):
            return index, offset - position
        position += len(piece)
    return 0, 0


def _raw_offset(raw: str, offset: int) -> int:
    """Position in a JSON string token (quotes included) of the ``offset``-th decoded character."""
    index = 1
    for _ in range(offset):
        if raw[index] != "\\":
            index += 1
        elif raw[index + 1] != "u":
            index += 2
        elif 0xD800 <= int(raw[index + 2 : index + 6], 16) < 0xDC00 and raw[index + 6 : index + 8] == "\\u":
            index += 12 if 0xDC00 <= int(raw[index + 8 : index + 12], 16) < 0xE000 else 6
        else:
            index += 6
    return index


def _source_spans(text: str) -> dict[int, list[tuple[int, int]]]:
    """Cell index (1-based, all cells) -> spans of the JSON string tokens of its ``source``."""
    spans: dict[int, list[tuple[int, int]]] = {}

    def strings(start: int) -> tuple[list[tuple[int, int]], int]:
        if text[start] == '"':
            end = scanstring(text, start + 1)[1]
            return [(start, end)], end
        found: list[tuple[int, int]] = []

        def item(_: int, at: int) -> int:
            end = scanstring(text, at + 1)[1]
            found.append((at, end))
            return end

        return found, _array(text, start, item)

    def cell(index: int, start: int) -> int:
        if text[start] != "{":
            return _value_end(text, start)

        def member(key: str, at: int) -> int:
            if key != "source":
                return _value_end(text, at)
            spans[index + 1], end = strings(at)
            return end

        return _object(text, start, member)

    def top(key: str, at: int) -> int:
        return _array(text, at, cell) if key == "cells" else _value_end(text, at)

    _object(text, _skip(text, 0), top)
    return spans


def _skip(text: str, index: int) -> int:
    space = _JSON_SPACE.match(text, index)
    return space.end() if space is not None else index


def _expect(text: str, index: int, char: str) -> None:
    if text[index] != char:
        raise ValueError(f"expected {char!r} at offset {index}")


def _value_end(text: str, index: int) -> int:
    return _JSON_DECODER.raw_decode(text, index)[1]


def _object(text: str, index: int, on_member: Callable[[str, int], int]) -> int:
    """Walk the object at ``index``; ``on_member(key, value_start)`` returns the value's end."""
    _expect(text, index, "{")
    index = _skip(text, index + 1)
    if text[index] == "}":
        return index + 1
    while True:
        _expect(text, index, '"')
        key, index = scanstring(text, index + 1)
        index = _skip(text, index)
        _expect(text, index, ":")
        index = _skip(text, on_member(key, _skip(text, index + 1)))
        if text[index] == "}":
            return index + 1
        _expect(text, index, ",")
        index = _skip(text, index + 1)


def _array(text: str, index: int, on_item: Callable[[int, int], int]) -> int:
    """Walk the array at ``index``; ``on_item(position, value_start)`` returns the value's end."""
    _expect(text, index, "[")
    index = _skip(text, index + 1)
    if text[index] == "]":
        return index + 1
    position = 0
    while True:
        index = _skip(text, on_item(position, index))
        position += 1
        if text[index] == "]":
            return index + 1
        _expect(text, index, ",")
        index = _skip(text, index + 1)
