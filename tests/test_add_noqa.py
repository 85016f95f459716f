"""``--add-noqa``: the fixture files in tests/fixtures/ci/noqa are copied, checked with
``runner.check_paths``, edited, compared byte for byte with the expected files, and checked again
(by us and by flake8 as a subprocess)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory import runner
from lint_memory.model import FileReport, Finding
from lint_memory.project.add_noqa import AddNoqaError, add_noqa_file, add_noqa_text
from lint_memory.project.settings import Settings
from lint_memory.source import atomic

NOQA = Path(__file__).resolve().parent / "fixtures" / "ci" / "noqa"


def check(path: Path) -> FileReport:
    (report,) = runner.check_paths([str(path)], Settings())
    return report


def codes(report: FileReport) -> list[tuple[int | None, int, str]]:
    return [(finding.cell, finding.line, finding.code) for finding in report.findings]


def flake8(path: Path) -> list[tuple[int, str]]:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LCM", "--format", "%(row)d %(code)s", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return [(int(row), code) for row, code in (line.split() for line in result.stdout.splitlines())]


@pytest.fixture
def copied(tmp_path: Path):
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(NOQA / name, target)
        return target

    return copy


BEFORE_PY = [
    (None, 3, "LCM100"), (None, 3, "LCM400"),  # a parenthesised import: each name on its own line
    (None, 4, "LCM101"), (None, 4, "LCM400"),  # ... after an ordinary comment
    (None, 6, "LCM301"),  # an E501 suppression
    (None, 7, "LCM100"),  # E402,F401 without spaces
    (None, 8, "LCM400"),  # LCM100 is suppressed already
    (None, 10, "LCM100"), (None, 11, "LCM100"),  # a comment, trailing spaces
    (None, 13, "LCM301"), (None, 15, "LCM300"),  # a multi-line call: line 1 and line 3
    (None, 17, "LCM301"), (None, 17, "LCM300"),  # a call closed after a multi-line string
    (None, 21, "LCM101"),  # inside a multi-line f-string
    (None, 24, "LCM100"),  # a backslash continuation
    (None, 25, "LCM100"), (None, 25, "LCM100"),  # two on one line
]  # fmt: skip


def test_every_finding_gets_its_comment_where_flake8_reads_it(copied):
    path = copied("before.py")
    report = check(path)
    assert codes(report) == BEFORE_PY
    assert flake8(path) == [(line, code) for _, line, code in BEFORE_PY]
    assert add_noqa_file(report) == 17
    assert path.read_bytes() == (NOQA / "after.py").read_bytes()
    assert codes(check(path)) == []
    assert flake8(path) == []


def test_a_second_run_adds_nothing(copied):
    path = copied("before.py")
    first = check(path)
    add_noqa_file(first)
    edited = path.read_bytes()
    assert add_noqa_file(check(path)) == 0
    assert path.read_bytes() == edited
    # the first run's findings, given again, are all covered already
    assert add_noqa_text(edited.decode("utf-8"), first.findings) is None


def test_notebooks_get_only_their_affected_cells_edited(copied):
    path = copied("before.ipynb")
    report = check(path)
    assert codes(report) == [
        (2, 2, "LCM100"), (2, 2, "LCM400"), (2, 3, "LCM301"), (2, 5, "LCM100"),  # a list source, after a magic
        (3, 1, "LCM301"), (3, 3, "LCM300"),  # a string source
        (4, 1, "LCM302"),  # an E501 suppression
    ]  # fmt: skip
    assert add_noqa_file(report) == 7
    # the JSON layout is untouched: indent, the literal "é", the escaped "\u00e9", key order
    assert path.read_bytes() == (NOQA / "after.ipynb").read_bytes()
    assert codes(check(path)) == []
    assert add_noqa_file(check(path)) == 0
    assert path.read_bytes() == (NOQA / "after.ipynb").read_bytes()


def test_notebook_cells_keep_their_own_layout(tmp_path):
    """A cell split into pieces that are not one line each, and a BOM, stay as they are."""
    book = {
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                   "source": ["from langchain_classic.memory import ", "ConversationBufferMemory\n", "x = 1"]}],
        "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    path = tmp_path / "pieces.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(book, indent=2).encode("utf-8"))
    report = check(path)
    assert codes(report) == [(1, 1, "LCM100")]
    assert add_noqa_file(report) == 1
    book["cells"][0]["source"][1] = "ConversationBufferMemory  # noqa: LCM100\n"
    assert path.read_bytes() == b"\xef\xbb\xbf" + json.dumps(book, indent=2).encode("utf-8")


def test_line_endings_encoding_and_bom_are_kept(tmp_path):
    source = (
        "# -*- coding: latin-1 -*-\r\n"
        "from langchain_classic.memory import ConversationBufferMemory\r\n"
        "\r\n"
        "name = 'caf\xe9'\r\n"
        "memory = ConversationBufferMemory()\r\n"
    )
    path = tmp_path / "latin.py"
    path.write_bytes(source.encode("latin-1"))
    assert add_noqa_file(check(path)) == 2
    assert path.read_bytes() == (
        source.replace("ConversationBufferMemory\r\n", "ConversationBufferMemory  # noqa: LCM100\r\n")
        .replace("ConversationBufferMemory()\r\n", "ConversationBufferMemory()  # noqa: LCM100\r\n")
        .encode("latin-1")
    )
    assert (codes(check(path)), flake8(path)) == ([], [])
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbfimport langchain.memory\rx = langchain.memory.ConversationBufferMemory()")
    assert codes(check(bom)) == [(None, 1, "LCM400"), (None, 2, "LCM100")]
    assert add_noqa_file(check(bom)) == 2
    assert bom.read_bytes() == (
        b"\xef\xbb\xbfimport langchain.memory  # noqa: LCM400\r"
        b"x = langchain.memory.ConversationBufferMemory()  # noqa: LCM100"
    )
    assert (codes(check(bom)), flake8(bom)) == ([], [])  # flake8 ends a line at a lone "\r" too


def finding(code: str, line: int) -> Finding:
    return Finding(code, "message", line, 0, line, 1, "ConversationBufferMemory")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("x = ConversationBufferMemory()  # noqa", None),  # a blanket noqa already covers it
        ("x = ConversationBufferMemory()  # NOQA:lcm1", None),  # a prefix, any case
        ("x = ConversationBufferMemory()  # noqa: LCM100 because legacy",  None),
        ("x = ConversationBufferMemory()  # noqa: E501 because legacy",
         "x = ConversationBufferMemory()  # noqa: E501, LCM100 because legacy"),
        ("x = ConversationBufferMemory()  # noqa: E501 W291",
         "x = ConversationBufferMemory()  # noqa: E501 W291 LCM100"),
        ("x = ConversationBufferMemory()  # type: ignore[misc]",
         "x = ConversationBufferMemory()  # type: ignore[misc]  # noqa: LCM100"),
        ("x = ConversationBufferMemory() ", "x = ConversationBufferMemory()  # noqa: LCM100"),
        # flake8 reads the first directive of the line, here inside a string: no comment can change that
        ("x = (ConversationBufferMemory(), '# noqa: E501')", None),
    ],
)  # fmt: skip
def test_existing_comments_are_kept(line, expected):
    result = add_noqa_text(f"{line}\n", [finding("LCM100", 1)])
    assert result == (None if expected is None else f"{expected}\n")


def test_diagnostics_about_unreadable_input_get_no_comment():
    assert add_noqa_text("def f(:\n", [Finding("LCM901", "syntax error", 1, 6, 1, 6, "syntax-error")]) is None


def test_form_feeds_do_not_shift_rows():
    text = "a = 1\x0c\nx = ConversationBufferMemory()\n"
    assert add_noqa_text(text, [finding("LCM100", 2)]) == "a = 1\x0c\nx = ConversationBufferMemory()  # noqa: LCM100\n"


def test_a_file_changed_since_it_was_checked_is_left_alone(copied):
    path = copied("before.py")
    report = check(path)
    path.write_text("# edited meanwhile\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    edited = path.read_bytes()
    with pytest.raises(AddNoqaError) as caught:
        add_noqa_file(report)
    assert str(caught.value) == f"{path}: the file changed since it was checked; run again"
    assert path.read_bytes() == edited


def test_an_unwritable_file_is_a_clear_error(copied, monkeypatch):
    path = copied("before.py")
    report = check(path)

    def refuse(target: str, data: bytes) -> None:
        raise PermissionError(13, "Permission denied", target)

    monkeypatch.setattr(atomic, "write_bytes", refuse)
    with pytest.raises(AddNoqaError) as caught:
        add_noqa_file(report)
    assert str(caught.value) == f"{path}: cannot write the file: Permission denied"
    assert path.read_bytes() == (NOQA / "before.py").read_bytes()


def test_an_unreadable_file_is_a_clear_error(copied):
    path = copied("before.py")
    report = check(path)
    path.unlink()
    with pytest.raises(AddNoqaError) as caught:
        add_noqa_file(report)
    assert str(caught.value) == f"{path}: cannot read the file: No such file or directory"
