"""Suppressions tokenize a file only as far as the lines asked about: the answers must be those of
the whole file's ``line_mapping`` (flake8's), whatever order the lines are asked in."""

from __future__ import annotations

import pytest

from lint_memory.source.lines import split_lines
from lint_memory.source.noqa import NOQA_INLINE, Suppressions, line_mapping, parse_codes

SOURCES = [
    "import os  # noqa\nx = 1\n",
    "x = '''\nline\n'''  # noqa: LCM100\ny = 2\nz = (\n    3,  # noqa: LCM4\n)\n",
    "from langchain.memory import (\n    ConversationBufferMemory,\n)  # noqa\nm = ConversationBufferMemory()\n",
    "a = 1 \\\n    + 2  # noqa: LCM302\nb = 3\n",
    "def f(:\n    pass  # noqa\n",  # a syntax error: lines after it keep their own text
    "x = 1\r# noqa\ry = f'''{x\n# noqa\n}'''\n",
    "if 1:\n\tpass\n \\\n\n\x0c \\\n\x0c# noqa\n",
    "s = '''\n# noqa\n",  # an unterminated string
]


def _expected(source: str, line: int) -> tuple[str, ...] | None:
    lines = split_lines(source)
    text = line_mapping(source).get(line)
    if text is None:
        text = lines[line - 1] if 0 < line <= len(lines) else ""
    match = NOQA_INLINE.search(text)
    return None if match is None else parse_codes(match.group("codes"))


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("order", ["ascending", "descending", "middle first"])
def test_lines_asked_in_any_order_get_the_whole_files_answer(source, order):
    rows = list(range(0, len(split_lines(source)) + 3))
    if order == "descending":
        rows.reverse()
    elif order == "middle first":
        rows = rows[len(rows) // 2 :] + rows[: len(rows) // 2]
    suppressions = Suppressions(source)
    assert [suppressions.inline_codes(row) for row in rows] == [_expected(source, row) for row in rows]


def test_the_cases_have_suppressed_lines():
    assert all(any(_expected(s, row) is not None for row in range(1, 12)) for s in SOURCES)
