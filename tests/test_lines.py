"""The one line index (``lint_memory.source.lines``): lines as Python counts them, offsets, columns."""

from __future__ import annotations

import ast
import io
import tokenize

import pytest

from lint_memory.source.lines import (
    UTF8,
    UTF16,
    UTF32,
    LineIndex,
    byte_column,
    char_column,
    from_units,
    split_lines,
    split_lines_keepends,
    to_units,
)

# Edge cases: (text, physical lines, editor rows)
CASES = [
    ("", [], [""]),
    ("a", ["a"], ["a"]),
    ("a\n", ["a"], ["a", ""]),
    ("a\n\n", ["a", ""], ["a", "", ""]),
    ("\n", [""], ["", ""]),
    ("a\r\nb\rc\n", ["a", "b", "c"], ["a", "b", "c", ""]),
    ("a\rb", ["a", "b"], ["a", "b"]),  # a lone CR ends a line
    ("\r", [""], ["", ""]),
    ("\r\r\n", ["", ""], ["", "", ""]),  # CR, then CRLF: two endings, not three
    ("a\x0cb\n", ["a\x0cb"], ["a\x0cb", ""]),  # a form feed does not end a line
    ("a\x0bb\x1cc\x85d\u2028e\u2029f", ["a\x0bb\x1cc\x85d\u2028e\u2029f"], ["a\x0bb\x1cc\x85d\u2028e\u2029f"]),
]


@pytest.mark.parametrize(("text", "lines", "rows"), CASES)
def test_split_lines_and_rows(text, lines, rows):
    assert split_lines(text) == lines
    assert LineIndex(text).lines == rows
    assert len(LineIndex(text)) == len(rows)
    assert [LineIndex(text).line(row) for row in range(1, len(rows) + 1)] == rows


@pytest.mark.parametrize(("text", "lines", "rows"), CASES)
def test_keepends_joins_back_to_the_text(text, lines, rows):
    kept = split_lines_keepends(text)
    assert "".join(kept) == text
    assert [line.rstrip("\r\n") for line in kept] == lines


@pytest.mark.parametrize("text", ["", "a", "a\n", "a\n\n", "\n", "a\x0cb\n", 'x = """\n\x0c\n"""\n'])
def test_physical_lines_are_the_tokenizers(text):
    """Python's tokenizer ends each physical line with a NEWLINE or NL token, or inside a string."""
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    ends = sum(token.type in (tokenize.NEWLINE, tokenize.NL) for token in tokens)
    inside_strings = sum(token.string.count("\n") for token in tokens if token.type == tokenize.STRING)
    assert len(split_lines(text)) == ends + inside_strings


def test_lines_match_ast_rows_with_form_feeds_and_carriage_returns():
    text = "x = 1\x0c\ny = 2\rz = 'é'\r\nw = 3\n"
    tree = ast.parse(text)
    lines = split_lines(text)
    for node in tree.body:
        assert lines[node.lineno - 1].startswith(node.targets[0].id)


def test_line_outside_the_text_is_empty():
    index = LineIndex("a\nb")
    assert (index.line(0), index.line(3), index.line(-1)) == ("", "", "")


def test_endings_and_first_newline():
    index = LineIndex("a\r\nb\rc\nd")
    assert [index.ending(row) for row in range(1, 5)] == ["\r\n", "\r", "\n", "\r\n"]  # last: the first ending
    assert index.newline == "\r\n"
    assert LineIndex("no ending").newline == "\n"


def test_offsets_and_positions_round_trip():
    text = "ab\r\ncdé\rf\n"
    index = LineIndex(text)
    assert index.starts == [0, 4, 8, 10]
    for offset in range(len(text) + 1):
        if text[offset - 1 : offset + 1] == "\r\n":
            continue  # between CR and LF: no position of its own
        row, col = index.position(offset)
        assert index.offset(row, col) == offset
    assert index.position(6) == (2, 2)
    assert index.offset(2, 3) == 7 and text[7] == "\r"


def test_offsets_clamp_outside_the_text():
    index = LineIndex("ab\ncd")
    assert index.offset(1, 99) == 2  # past a row's end: its end, never into the next row
    assert index.offset(9, 0) == 5  # past the last row: the end of the text
    assert index.offset(0, 3) == 0
    assert index.position(-4) == (1, 0) and index.position(99) == (2, 2)


LINE = 'x = ("😀é", m)'  # 😀 is 4 UTF-8 bytes and 2 UTF-16 units, é 2 bytes and 1 unit


@pytest.mark.parametrize(("encoding", "units"), [(UTF32, 11), (UTF16, 12), (UTF8, 15)])
def test_columns_in_each_encoding(encoding, units):
    assert to_units(LINE, 11, encoding) == units  # the `m`
    assert from_units(LINE, units, encoding) == 11
    assert to_units(LINE, 99, encoding) == to_units(LINE, len(LINE), encoding)  # clamped to the line
    assert from_units(LINE, 999, encoding) == len(LINE)


def test_a_column_inside_a_character_rounds_up():
    assert from_units(LINE, 7, UTF16) == 7  # the second half of 😀's surrogate pair: just after it
    assert from_units(LINE, 6, UTF8) == 6  # inside 😀's bytes
    assert from_units(LINE, 5, UTF8) == 5  # just before it


def test_byte_and_char_columns_agree_with_ast():
    text = 'name = "😀é" + ConversationBufferMemory\n'
    node = ast.parse(text).body[0].value.right
    line = split_lines(text)[0]
    col = char_column(line, node.col_offset)
    assert line[col:].startswith("ConversationBufferMemory")
    assert byte_column(line, col) == node.col_offset
    assert char_column(line, node.end_col_offset) == len(line)


def test_ascii_lines_need_no_conversion():
    assert char_column("abc", 7) == 7  # kept as given, as the engine did
    assert to_units("abc", 2, UTF16) == 2 and from_units("abc", 9, UTF8) == 3


def test_lone_surrogates_count_as_written():
    line = "a\udcffb"  # from a client that sent one; never from decoded source
    assert to_units(line, 2, UTF8) == 4 and to_units(line, 2, UTF16) == 2
    assert from_units(line, 4, UTF8) == 2


def test_every_consumer_counts_the_same_rows_and_columns():
    """Engine, noqa, the full format, the LSP conversion and --add-noqa all use this index: a form
    feed, a lone CR, a CRLF and a wide character move nothing."""
    from lsprotocol import types

    from lint_memory import runner
    from lint_memory.frontends.lsp_convert import Columns
    from lint_memory.output import full
    from lint_memory.project import add_noqa
    from lint_memory.project.settings import Settings

    text = (
        "a = 1\x0c\rimport os\r\n"
        "from langchain.memory import ConversationBufferMemory  # noqa: LCM400\n"
        'x = ("😀", ConversationBufferMemory())\n'
    )
    report = runner.check_text(text, "app.py", Settings())
    assert [(f.code, f.line, f.col, f.end_col) for f in report.findings] == [
        ("LCM100", 3, 29, 53),
        ("LCM100", 4, 10, 34),
    ]
    assert report.suppressed == 1  # the LCM400 on row 3, after the lone CR
    assert '4 | x = ("😀", ConversationBufferMemory())\n  |            ' + "^" * 24 in full.render([report])
    wide = report.findings[1]
    assert Columns(text, UTF16).position(wide.line, wide.col) == types.Position(3, 11)
    assert Columns(text, UTF8).position(wide.line, wide.col) == types.Position(3, 13)
    assert Columns(text, UTF16).engine(types.Position(3, 11)) == (4, 10)
    [insertion] = add_noqa.plan(text, [wide])
    assert (insertion.row, LineIndex(text).line(insertion.row)[: insertion.col]) == (4, LineIndex(text).line(4))
