"""Notebooks: IPython syntax masked in place, cells parsed alone but resolved together, ruff's
(cell, row) positions."""

from __future__ import annotations

import json

import pytest

from lint_memory import runner
from lint_memory.project.settings import Settings
from lint_memory.source import notebook
from lint_memory.source.notebook import mask

SETTINGS = Settings()


def make(*cells: str | tuple[str, str]) -> str:
    """Notebook JSON: a string is a code cell, ("markdown", text) another kind."""
    out = []
    for cell in cells:
        kind, text = cell if isinstance(cell, tuple) else ("code", cell)
        out.append(
            {
                "cell_type": kind,
                "metadata": {},
                "source": text.splitlines(keepends=True),
                **({"outputs": [], "execution_count": None} if kind == "code" else {}),
            }
        )
    return json.dumps({"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)


def positions(text: str, settings: Settings = SETTINGS) -> list[tuple[int | None, int, int, str]]:
    report = runner.check_text(text, "t.ipynb", settings, is_notebook=True)
    return [(f.cell, f.line, f.col + 1, f.code) for f in report.findings]


IMPORT = "from langchain.memory import ConversationBufferMemory\n"


@pytest.mark.parametrize(
    ("lines", "masked"),
    [
        (["%pip install langchain", "x = 1"], ["pass", "x = 1"]),
        (["!ls -la", "files = !ls", "y = %env HOME"], ["pass", "pass", "pass"]),
        (["%time memory.clear()", "for i in x:", "    %timeit f(i)"], ["pass", "for i in x:", "    pass"]),
        (["obj?", "obj??", "?obj"], ["pass", "pass", "pass"]),
        (["!echo a \\", "  b", "x = 1"], ["pass", "", "x = 1"]),
        (["%%capture out", "x = 1"], ["", "x = 1"]),
        (["%%bash", "echo hi", "ls"], ["", "", ""]),
        # a `%` or `!` that continues an expression or sits in a string is Python, not IPython
        (['text = ("%s"', "        % name)"], ['text = ("%s"', "        % name)"]),
        (['doc = """', "%not a magic", '"""'], ['doc = """', "%not a magic", '"""']),
        (["x = 1 + \\", "    2", "!ls"], ["x = 1 + \\", "    2", "pass"]),
        (["s = 'a\\", "!b'"], ["s = 'a\\", "!b'"]),
        (["a != b", "x %= 3"], ["a != b", "x %= 3"]),
    ],
)
def test_mask_keeps_rows_and_only_masks_ipython(lines, masked):
    assert mask(lines) == masked


def test_positions_are_cell_and_row_counting_every_cell():
    text = make(
        ("markdown", "# Title\nUses `ConversationBufferMemory`.\n"),
        "import os\n",
        IMPORT,
        ("raw", "memory = ConversationBufferMemory()\n"),
        "x = 1\nmemory = ConversationBufferMemory()\n",
    )
    assert positions(text) == [(3, 1, 30, "LCM100"), (3, 1, 30, "LCM400"), (5, 2, 10, "LCM100")]


def test_names_imported_in_one_cell_resolve_in_later_cells():
    text = make(IMPORT, "memory = ConversationBufferMemory()\n", "memory.save_context({}, {})\n")
    assert positions(text) == [
        (1, 1, 30, "LCM100"),
        (1, 1, 30, "LCM400"),
        (2, 1, 10, "LCM100"),
        (3, 1, 1, "LCM302"),
    ]


def test_a_syntax_error_costs_only_its_cell():
    text = make(IMPORT, "def broken(:\n    pass\n", "%%capture\nmemory = ConversationBufferMemory()\n")
    assert positions(text) == [
        (1, 1, 30, "LCM100"),
        (1, 1, 30, "LCM400"),
        (2, 1, 12, "LCM901"),
        (3, 2, 10, "LCM100"),
    ]


def test_an_unclosed_block_at_the_end_of_a_cell_blames_that_cell():
    text = make(IMPORT, "for x in range(3):\n", "memory = ConversationBufferMemory()\n")
    found = positions(text)
    assert [(cell, code) for cell, _, _, code in found] == [(1, "LCM100"), (1, "LCM400"), (2, "LCM901"), (3, "LCM100")]


def test_magics_and_shell_lines_keep_later_rows():
    text = make("%load_ext autoreload\n!pip install x\n" + IMPORT + "%time y = 1\nm = ConversationBufferMemory()\n")
    assert positions(text) == [(1, 3, 30, "LCM100"), (1, 3, 30, "LCM400"), (1, 5, 5, "LCM100")]


def test_hidden_cell_magics_report_nothing():
    text = make("%%bash\nfrom langchain.memory import ConversationBufferMemory\n", IMPORT)
    assert positions(text) == [(2, 1, 30, "LCM100"), (2, 1, 30, "LCM400")]


def test_noqa_inside_a_cell():
    text = make(
        "from langchain.memory import ConversationBufferMemory  # noqa: LCM400\n",
        "m = ConversationBufferMemory()  # noqa\n",
    )
    assert positions(text) == [(1, 1, 30, "LCM100")]


def test_broken_notebooks_get_one_lcm903():
    for text in (
        '{"cells": [',
        '{"cells": {}}',
        "[1, 2]",
        json.dumps({"cells": [{"cell_type": "code", "source": [1]}]}),
    ):
        report = runner.check_text(text, "t.ipynb", SETTINGS, is_notebook=True)
        assert [(f.code, f.cell) for f in report.findings] == [("LCM903", None)], text


def test_prefilter_never_skips_a_json_escaped_notebook(tmp_path):
    escaped = make(IMPORT).replace("langchain", "\\u006cangchain")
    path = tmp_path / "escaped.ipynb"
    path.write_text(escaped, encoding="utf-8")
    report = runner.check_file(str(path), SETTINGS)
    assert [(f.cell, f.line, f.code) for f in report.findings] == [(1, 1, "LCM100"), (1, 1, "LCM400")]


def test_notebook_module_line_maps_back():
    book = notebook.load(make(("markdown", "x"), "a = 1\nb = 2\n", "c = 3\n"))
    assert [(cell.index, cell.start) for cell in book.cells] == [(2, 1), (3, 3)]
    assert book.module_line(3, 1) == 3 and book.position(3) == (3, 1)
    assert book.source == "a = 1\nb = 2\nc = 3\n"


def test_shared_case_notebooks_through_the_runner():
    from pathlib import Path

    cases = Path(__file__).resolve().parent / "fixtures" / "cases" / "notebooks"  # vendored from shared/cases
    if not cases.is_dir():
        cases = Path(__file__).resolve().parents[2] / "shared" / "cases" / "notebooks"
    if not cases.is_dir():
        pytest.skip(f"the shared acceptance cases are not at {cases}")
    for path in sorted(cases.glob("*.ipynb")):
        data = json.loads(path.read_text(encoding="utf-8"))
        expected = set()
        for index, cell in enumerate(data["cells"], start=1):
            if cell["cell_type"] != "code":
                continue
            for row, line in enumerate("".join(cell["source"]).splitlines(), start=1):
                if "# expect:" in line:
                    expected |= {(index, row, code.strip()) for code in line.split("# expect:")[1].split(",")}
        report = runner.check_file(str(path), SETTINGS)
        assert {(f.cell, f.line, f.code) for f in report.findings} == expected, path.name
