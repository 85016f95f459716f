"""Rewriting cell sources inside a notebook's JSON text, leaving every other byte as it was.

Loading the notebook and dumping it again would re-indent it, re-order or re-escape keys and
drop or add the final newline, depending on which tool wrote it.  Instead the ``source`` value
of each changed cell is located in the text and only that value is replaced.  A list source
stays a list laid out as before (same indentation and separators; unchanged lines keep their
exact escaping); a string source stays a string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lint_memory.source.notebook import cell_text

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

Span = tuple[int, int]  # [start, end) offsets in the JSON text


def replace_sources(text: str, sources: dict[int, str | list[str]]) -> str:
    """``text`` with the source of each cell in ``sources`` (1-based cell index) replaced.

    Raises ValueError when the text is not a notebook or the result would differ from the
    original in anything but those sources.
    """
    spans = _source_spans(text)
    ensure_ascii = text.isascii()  # a file of pure ASCII spells other characters as \\u escapes
    parts, position = [], 0
    for cell in sorted(sources):
        if cell not in spans:
            raise ValueError(f"cell {cell} has no source")
        start, end = spans[cell]
        parts += [text[position:start], _value(text, start, end, sources[cell], ensure_ascii)]
        position = end
    parts.append(text[position:])
    result = "".join(parts)
    expected = json.loads(text)
    for cell, source in sources.items():
        expected["cells"][cell - 1]["source"] = source
    if json.loads(result) != expected:
        raise ValueError("rewriting the cell sources would change the notebook elsewhere")
    return result


def changed_cells(old: str, new: str) -> list[tuple[int, str, str]]:
    """(cell index, old source, new source) of each cell whose source differs."""
    old_cells, new_cells = json.loads(old)["cells"], json.loads(new)["cells"]
    return [
        (index, cell_text(a), cell_text(b))
        for index, (a, b) in enumerate(zip(old_cells, new_cells, strict=True), start=1)
        if cell_text(a) != cell_text(b)
    ]


def _value(text: str, start: int, end: int, source: str | list[str], ensure_ascii: bool) -> str:
    if isinstance(source, str) or text[start] != "[":
        return json.dumps(source if isinstance(source, str) else "".join(source), ensure_ascii=ensure_ascii)
    elements = list(_elements(text, start))
    if not elements:
        return json.dumps(source, ensure_ascii=ensure_ascii)
    opening = text[start + 1 : elements[0][0]]
    separator = text[elements[0][1] : elements[1][0]] if len(elements) > 1 else "," + opening
    closing = text[elements[-1][1] : end - 1]
    spelled: dict[str, list[str]] = {}  # each old line's exact JSON, to reuse for unchanged lines
    for first, last in elements:
        spelled.setdefault(json.loads(text[first:last]), []).append(text[first:last])
    items = [
        spelled[line].pop(0) if spelled.get(line) else json.dumps(line, ensure_ascii=ensure_ascii) for line in source
    ]
    return "[" + opening + separator.join(items) + closing + "]"


def _source_spans(text: str) -> dict[int, Span]:
    """The span of each cell's ``source`` value, by 1-based cell index."""
    cells = None
    for key, start, end in _members(text, _skip(text, 0)):
        if key == "cells":
            cells = (start, end)  # the last duplicate key wins, as in json.loads
    if cells is None or text[cells[0]] != "[":
        raise ValueError("no `cells` list")
    spans: dict[int, Span] = {}
    for index, (start, _) in enumerate(_elements(text, cells[0]), start=1):
        if text[start] != "{":
            raise ValueError(f"cell {index} is not an object")
        for key, value_start, value_end in _members(text, start):
            if key == "source":
                spans[index] = (value_start, value_end)
    return spans


def _skip(text: str, index: int) -> int:
    return _WHITESPACE.match(text, index).end()  # type: ignore[union-attr]


def _members(text: str, index: int) -> Iterator[tuple[str, int, int]]:
    """(key, value start, value end) for each member of the object that starts at ``index``."""
    if text[index : index + 1] != "{":
        raise ValueError("a JSON object was expected")
    index = _skip(text, index + 1)
    if text[index : index + 1] == "}":
        return
    while True:
        if text[index : index + 1] != '"':
            raise ValueError("a JSON key was expected")
        key, index = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
        index = _skip(text, index)
        if text[index : index + 1] != ":":
            raise ValueError("`:` was expected")
        start = _skip(text, index + 1)
        _, end = _DECODER.raw_decode(text, start)
        yield key, start, end
        index = _skip(text, end)
        if text[index : index + 1] == ",":
            index = _skip(text, index + 1)
        elif text[index : index + 1] == "}":
            return
        else:
            raise ValueError("`,` or `}` was expected")


def _elements(text: str, index: int) -> Iterator[Span]:
    """The span of each element of the array that starts at ``index``."""
    index = _skip(text, index + 1)
    if text[index : index + 1] == "]":
        return
    while True:
        _, end = _DECODER.raw_decode(text, index)
        yield index, end
        index = _skip(text, end)
        if text[index : index + 1] == ",":
            index = _skip(text, index + 1)
        elif text[index : index + 1] == "]":
            return
        else:
            raise ValueError("`,` or `]` was expected")
