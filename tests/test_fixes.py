"""LCM400 autofixes: before/after fixtures, the planned edits, safety, and never losing data."""

from __future__ import annotations

import ast
import itertools
import json
from collections import Counter
from pathlib import Path

import pytest

from lint_memory import fix as fixes
from lint_memory import runner
from lint_memory.fix import layout
from lint_memory.model import Applicability, FileReport, Finding, Fix
from lint_memory.output import common as output
from lint_memory.project.settings import Settings
from lint_memory.source import atomic

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fixes"
PYTHON_CASES = sorted(p.name[: -len(".before.py")] for p in FIXTURES.glob("*.before.py"))
NOTEBOOK_CASES = sorted(p.name[: -len(".before.ipynb")] for p in FIXTURES.glob("*.before.ipynb"))
OPTIONS = {"safe_only": ("0.3", False)}  # fixture -> (target-langchain, unsafe); the others: ("1", True)
SETTINGS = Settings()


def checked(text: str, target: str | None = "1", path: str = "module.py") -> FileReport:
    report = runner.check_text(text, path, SETTINGS)
    fixes.plan_fixes(report, target)
    return report


def fixed(text: str, target: str | None = "1", *, unsafe: bool = True) -> fixes.FixResult:
    report = checked(text, target)
    return fixes.fix_text(text, report.findings, unsafe=unsafe)


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def apply_edits(text: str, chosen: list[Fix]) -> str:
    """Apply the JSON edits of ``chosen`` the way an editor would: each distinct edit once."""
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    edits = {(e.row, e.col, e.end_row, e.end_col, e.content) for fix in chosen for e in fix.edits}
    spans = sorted((starts[r - 1] + c, starts[er - 1] + ec, content) for r, c, er, ec, content in edits)
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        assert end <= start, "the planned edits overlap"
    for start, end, content in reversed(spans):
        text = text[:start] + content + text[end:]
    return text


def codes(findings: list[Finding]) -> Counter:
    return Counter(f.code for f in findings if f.code != "LCM400")


# --- before/after fixtures ---------------------------------------------------------------------
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("name", PYTHON_CASES)
def test_python_fixture(name, newline):
    target, unsafe = OPTIONS.get(name, ("1", True))
    before = read(f"{name}.before.py").replace("\n", newline)
    after = read(f"{name}.after.py").replace("\n", newline)
    report = checked(before, target)
    result = fixes.fix_text(before, report.findings, unsafe=unsafe)
    assert result.error is None
    assert result.text == after
    ast.parse(result.text)
    again = checked(result.text, target)
    assert codes(again.findings) == codes(report.findings), "a fix changed another finding"
    assert fixes.fix_text(result.text, again.findings, unsafe=unsafe).fixed == []


@pytest.mark.parametrize("name", PYTHON_CASES)
def test_planned_edits_are_what_fixing_does(name):
    target, unsafe = OPTIONS.get(name, ("1", True))
    before = read(f"{name}.before.py")
    report = checked(before, target)
    chosen = [f.fix for f in report.findings if f.fix and (f.fix.applicability == "safe" or unsafe)]
    assert apply_edits(before, chosen) == read(f"{name}.after.py")


def test_fixture_findings_fixed_and_remaining():
    report = checked(read("unchanged.before.py"))
    lcm400 = [(f.line, f.fix) for f in report.findings if f.code == "LCM400"]
    assert lcm400 == [(2, None), (3, None)]  # line 4 is suppressed for LCM400; line 19 is a shim
    result = fixes.fix_text(read("unchanged.before.py"), report.findings, unsafe=True)
    assert result.fixed == [] and result.remaining == report.findings

    report = checked(read("safe_only.before.py"), "0.3")
    plan = [(f.line, f.symbol.rsplit(".", 1)[-1], f.fix.applicability) for f in report.findings if f.code == "LCM400"]
    assert plan == [
        (2, "ChatMessageHistory", "safe"),
        (2, "ConversationBufferMemory", "unsafe"),
        (4, "FileChatMessageHistory", "safe"),
        (5, "ConversationSummaryMemory", "unsafe"),
        (6, "SQLChatMessageHistory", "safe"),
        (8, "RedisChatMessageHistory", "safe"),
        (9, "ConversationBufferWindowMemory", "unsafe"),
        (10, "chat_message_histories", "safe"),
    ]
    result = fixes.fix_text(read("safe_only.before.py"), report.findings, unsafe=False)
    assert [(f.code, f.line) for f in result.remaining if f.code == "LCM400"] == [
        ("LCM400", 2),
        ("LCM400", 5),
        ("LCM400", 9),
    ]
    assert len(result.fixed) == 5


# --- what a fix looks like ---------------------------------------------------------------------
def test_fix_json_is_ruff_shaped():
    report = checked("x = 1\nfrom langchain.memory import ChatMessageHistory, ConversationBufferMemory  # both\n")
    first, second = [f for f in report.findings if f.code == "LCM400"]
    content = (
        "from langchain_community.chat_message_histories import ChatMessageHistory\n"
        "from langchain_classic.memory import ConversationBufferMemory"
    )
    edit = {"content": content, "end_location": {"column": 74, "row": 2}, "location": {"column": 1, "row": 2}}
    assert output.fix_json(first) == {
        "applicability": "safe",
        "edits": [edit],
        "message": "Import `ChatMessageHistory` from `langchain_community.chat_message_histories`",
    }
    assert output.fix_json(second)["message"] == "Import `ConversationBufferMemory` from `langchain_classic.memory`"


def test_fix_messages_for_module_and_star_imports():
    report = checked(
        "import langchain.memory as lcm\nfrom langchain.memory import *\nfrom langchain.schema import Memory\n"
    )
    assert [f.fix.message for f in report.findings if f.code == "LCM400"] == [
        "Import `langchain_classic.memory` instead of `langchain.memory`",
        "Import `*` from `langchain_classic.memory`",
        "Import `BaseMemory` from `langchain_classic.base_memory`",
    ]


def test_safe_and_unsafe_fixes_of_one_statement():
    """A safe finding's edit is the statement with the safe fixes only; an unsafe one's has all."""
    report = checked("from langchain.memory import ChatMessageHistory, ConversationBufferMemory\n", "0.3")
    safe, unsafe = [f.fix for f in report.findings if f.code == "LCM400"]
    assert (safe.applicability, unsafe.applicability) == (Applicability.SAFE, Applicability.UNSAFE)
    assert isinstance(safe.applicability, Applicability) and isinstance(unsafe.applicability, Applicability)
    assert [e.content for e in safe.edits] == [
        (
            "from langchain_community.chat_message_histories import ChatMessageHistory\n"
            "from langchain.memory import ConversationBufferMemory"
        )
    ]
    assert [e.content for e in unsafe.edits] == [
        (
            "from langchain_community.chat_message_histories import ChatMessageHistory\n"
            "from langchain_classic.memory import ConversationBufferMemory"
        )
    ]


@pytest.mark.parametrize(
    ("new_path", "target", "expected"),
    [
        ("langchain_classic.memory.ConversationBufferMemory", "1", "safe"),
        ("langchain_classic.memory.ConversationBufferMemory", "1.2", "safe"),
        ("langchain_classic.memory.ConversationBufferMemory", "2", "safe"),
        ("langchain_classic.memory.ConversationBufferMemory", "0.3", "unsafe"),
        ("langchain_classic.memory.ConversationBufferMemory", None, "unsafe"),
        ("langchain_community.chat_message_histories.ChatMessageHistory", None, "safe"),
        ("langchain_community.chat_message_histories.ChatMessageHistory", "0.3", "safe"),
        ("langchain_community.chat_message_histories.ChatMessageHistory", "0.0", "unsafe"),
        ("langchain_community.memory.kg.ConversationKGMemory", "1", "safe"),
        ("langchain_core.runnables.history.RunnableWithMessageHistory", None, "safe"),
        ("langchain_mongodb.MongoDBChatMessageHistory", "1", "unsafe"),
    ],
)
def test_applicability(new_path, target, expected):
    level = fixes.applicability(new_path, target)
    assert level is Applicability(expected)


def test_bad_target_setting_is_an_error():
    report = runner.check_text("from langchain.memory import ConversationBufferMemory\n", "m.py", SETTINGS)
    with pytest.raises(ValueError, match="target-langchain"):
        fixes.plan_fixes(report, "latest")


# --- `import a.b` and the references it provides -----------------------------------------------
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (  # another import keeps binding `langchain` for the other use
            (
                "import langchain.memory\nimport langchain.agents\nx = langchain.agents.AgentType\n"
                "y = langchain.memory.ConversationBufferMemory\n"
            ),
            (
                "import langchain_classic.memory\nimport langchain.agents\nx = langchain.agents.AgentType\n"
                "y = langchain_classic.memory.ConversationBufferMemory\n"
            ),
        ),
        (  # the longest imported module wins; each import rewrites its own references
            (
                "import langchain.memory, langchain.memory.chat_message_histories\n"
                "a = langchain.memory.chat_message_histories.RedisChatMessageHistory\n"
                "b = langchain.memory.ConversationBufferMemory\n"
            ),
            (
                "import langchain_classic.memory, langchain_community.chat_message_histories\n"
                "a = langchain_community.chat_message_histories.RedisChatMessageHistory\n"
                "b = langchain_classic.memory.ConversationBufferMemory\n"
            ),
        ),
        (  # a function's own import and its uses
            "def f():\n    import langchain.memory\n    return [langchain.memory.X for _ in ()]\n",
            "def f():\n    import langchain_classic.memory\n    return [langchain_classic.memory.X for _ in ()]\n",
        ),
        (  # a lambda runs after the import below it: it reads the function's `langchain`, not the module's
            "import langchain\ndef f():\n    q = lambda: langchain.memory.X\n    import langchain.memory\n    return q\n",
            (
                "import langchain\ndef f():\n    q = lambda: langchain_classic.memory.X\n"
                "    import langchain_classic.memory\n    return q\n"
            ),
        ),
    ],
)
def test_unaliased_import_moves_with_its_references(source, expected):
    result = fixed(source)
    assert result.text == expected
    assert {f.code for f in result.remaining} <= {"LCM100"}


@pytest.mark.parametrize(
    "source",
    [
        "import langchain.memory\ndef f(langchain):\n    return langchain.memory\n",  # a parameter shadows it
        "import langchain.memory\ndef f():\n    langchain = g()\n    return langchain.memory\n",  # so does a local
        "import langchain.memory\nfor langchain in ():\n    pass\n",  # and a loop variable
        "import langchain.memory\ny = langchain.agents.AgentType\n",  # this use would lose its binding
        "import langchain.memory\ndef f(m: 'langchain.memory.ConversationBufferMemory'): pass\n",  # string annotation
        "import langchain.memory\ndef f(m: 'langchain.memory' '.X'): pass\n",  # one the engine does not read
        "import langchain\ndef f():\n    import langchain.memory\nx = langchain.memory.SimpleMemory\n",  # other scope's
        "import langchain.memory\nx = langchain . memory.SimpleMemory\n",  # spelled with spaces
        "import langchain.memory\nglobal_name = 1\ndef f():\n    global langchain\n",  # `global`
    ],
)
def test_unaliased_import_left_alone_when_a_reference_is_unsafe(source):
    report = checked(source)
    assert [f.fix for f in report.findings if f.code == "LCM400"] == [None]
    assert fixes.fix_text(source, report.findings, unsafe=True).text == source


# --- notebooks ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NOTEBOOK_CASES)
def test_notebook_fixture(tmp_path, name):
    path = tmp_path / f"{name}.ipynb"
    before = (FIXTURES / f"{name}.before.ipynb").read_bytes()
    path.write_bytes(before)
    report = runner.check_file(str(path), SETTINGS)
    fixes.plan_fixes(report, "1")
    result = fixes.fix_file(str(path), report, unsafe=True, write=True)
    assert result.error is None
    assert path.read_bytes() == (FIXTURES / f"{name}.after.ipynb").read_bytes()
    old, new = json.loads(before), json.loads(path.read_bytes())
    changed = {index for index, (a, b) in enumerate(zip(old["cells"], new["cells"], strict=True)) if a != b}
    for index in changed:  # only the source of a changed cell differs, and its kind (list / str) is kept
        assert {**old["cells"][index], "source": None} == {**new["cells"][index], "source": None}
        assert type(old["cells"][index]["source"]) is type(new["cells"][index]["source"])
    assert {k: v for k, v in old.items() if k != "cells"} == {k: v for k, v in new.items() if k != "cells"}
    again = runner.check_file(str(path), SETTINGS)
    fixes.plan_fixes(again, "1")
    assert not fixes.fix_file(str(path), again, unsafe=True, write=True).changed
    assert codes(again.findings) == codes(report.findings)


def test_notebook_edits_use_cell_rows_and_stay_in_one_cell():
    text = (FIXTURES / "notebook.before.ipynb").read_text(encoding="utf-8")
    report = runner.check_text(text, "nb.ipynb", SETTINGS, is_notebook=True)
    fixes.plan_fixes(report, "1")
    plan = [
        (f.cell, f.line, f.fix and [(e.row, e.col, e.end_row, e.end_col) for e in f.fix.edits])
        for f in report.findings
        if f.code == "LCM400"
    ]
    assert plan == [
        (2, 2, [(2, 0, 2, 73)]),
        (2, 2, [(2, 0, 2, 73)]),
        (3, 1, [(1, 0, 1, 30), (2, 9, 2, 32)]),
        (4, 1, None),  # `import langchain.memory` is used in cell 5: an edit cannot name its cell
    ]
    assert [(f.code, f.cell) for f in report.findings if f.code.startswith("LCM9")] == [("LCM901", 6)]


def test_notebook_fix_in_place_of_a_string_source_without_final_newline(tmp_path):
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "x",
        "metadata": {},
        "outputs": [],
        "source": "from langchain.memory import ChatMessageHistory",
    }
    text = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=4)
    path = tmp_path / "nb.ipynb"
    path.write_text(text, encoding="utf-8")
    report = runner.check_file(str(path), SETTINGS)
    fixes.plan_fixes(report, None)
    assert fixes.fix_file(str(path), report, unsafe=False, write=True).error is None
    assert path.read_text(encoding="utf-8") == text.replace(
        "from langchain.memory import", "from langchain_community.chat_message_histories import"
    )


# --- files: never lose data --------------------------------------------------------------------
def test_fix_file_keeps_encoding_bom_and_newlines(tmp_path):
    cookie = tmp_path / "latin.py"
    cookie.write_bytes(
        b"# -*- coding: latin-1 -*-\r\nfrom langchain.memory import ChatMessageHistory, ConversationBufferMemory\r\n"
        b"NAME = '\xe9t\xe9'\r\n"
    )
    bom = tmp_path / "bom.py"
    bom.write_bytes(b"\xef\xbb\xbffrom langchain.memory import ChatMessageHistory  # \xc3\xa9\n")
    for path in (cookie, bom):
        report = runner.check_file(str(path), SETTINGS)
        fixes.plan_fixes(report, "1")
        assert fixes.fix_file(str(path), report, unsafe=True, write=True).error is None
    assert cookie.read_bytes() == (
        b"# -*- coding: latin-1 -*-\r\nfrom langchain_community.chat_message_histories import ChatMessageHistory\r\n"
        b"from langchain_classic.memory import ConversationBufferMemory\r\nNAME = '\xe9t\xe9'\r\n"
    )
    assert bom.read_bytes() == (
        b"\xef\xbb\xbffrom langchain_community.chat_message_histories import ChatMessageHistory  # \xc3\xa9\n"
    )


def test_fix_file_leaves_the_file_alone_when_the_result_would_not_parse(tmp_path, monkeypatch):
    path = tmp_path / "app.py"
    path.write_text("from langchain.memory import ConversationBufferMemory\n", encoding="utf-8")
    report = runner.check_file(str(path), SETTINGS)
    fixes.plan_fixes(report, "1")
    monkeypatch.setattr(layout, "rewrite", lambda statement, moves, text: "from import (")
    result = fixes.fix_file(str(path), report, unsafe=True, write=True)
    assert result.error.startswith("no fix applied: the result would not parse")
    assert not result.changed and result.fixed == []
    assert path.read_text(encoding="utf-8") == "from langchain.memory import ConversationBufferMemory\n"
    assert [p.name for p in tmp_path.iterdir()] == ["app.py"]


def test_fix_file_refuses_a_file_changed_since_it_was_checked(tmp_path):
    path = tmp_path / "app.py"
    path.write_text("from langchain.memory import ConversationBufferMemory\n", encoding="utf-8")
    report = runner.check_file(str(path), SETTINGS)
    fixes.plan_fixes(report, "1")
    path.write_text("# edited\nfrom langchain.memory import ConversationBufferMemory\n", encoding="utf-8")
    result = fixes.fix_file(str(path), report, unsafe=True, write=True)
    assert result.error == "the file changed since it was checked; not fixed"
    assert path.read_text(encoding="utf-8") == "# edited\nfrom langchain.memory import ConversationBufferMemory\n"


def test_fix_file_with_nothing_to_fix_reads_nothing(tmp_path):
    missing = tmp_path / "gone.py"  # not even read: there is nothing to fix
    report = FileReport(str(missing), findings=[Finding("LCM100", "m", 1, 0, 1, 4, "ConversationBufferMemory")])
    result = fixes.fix_file(str(missing), report, unsafe=True, write=True)
    assert (result.error, result.changed, result.fixed, result.remaining) == (None, False, [], report.findings)


def test_fix_notebook_refuses_a_notebook_changed_since_it_was_checked():
    text = (FIXTURES / "notebook.before.ipynb").read_text(encoding="utf-8")
    report = runner.check_text(text, "nb.ipynb", SETTINGS, is_notebook=True)
    fixes.plan_fixes(report, "1")
    edited = text.replace("memory = ConversationBufferMemory()", "memory = None")
    result = fixes.fix_notebook(edited, report, unsafe=True)
    assert (result.text, result.error, result.fixed) == (edited, fixes.CHANGED, [])


@pytest.mark.parametrize(
    "source",
    ["from langchain.memory import ConversationBufferMemory\ndef f(:\n", "\x00", "from langchain.memory import (\n"],
)
def test_bad_input_gets_no_fix_and_no_crash(source):
    report = checked(source)
    assert [f.code for f in report.findings if not f.code.startswith("LCM9")] == []
    assert fixes.fix_text(source, report.findings, unsafe=True).text == source


def test_diff_writes_nothing_and_shows_the_change(tmp_path):
    path = tmp_path / "app.py"
    path.write_text("import os\nfrom langchain.memory import ConversationBufferMemory\nx = 1", encoding="utf-8")
    report = runner.check_file(str(path), SETTINGS)
    fixes.plan_fixes(report, "1")
    result = fixes.fix_file(str(path), report, unsafe=False, write=False)
    assert path.read_text(encoding="utf-8").startswith("import os\nfrom langchain.memory")
    name = str(path)
    assert fixes.unified_diff(result) == (
        f"--- {name}\n+++ {name}\n@@ -1,3 +1,3 @@\n import os\n"
        "-from langchain.memory import ConversationBufferMemory\n"
        "+from langchain_classic.memory import ConversationBufferMemory\n"
        " x = 1\n\\ No newline at end of file\n"
    )
    assert fixes.unified_diff(fixes.FileFix(name, "a\n", "a\n")) == ""


def test_plan_fixes_reads_the_declared_requirement(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = ["langchain>=1.0"]\n')
    source = tmp_path / "src" / "app.py"
    source.parent.mkdir()
    source.write_text("from langchain.memory import ConversationBufferMemory\n", encoding="utf-8")
    report = runner.check_file(str(source), SETTINGS)
    fixes.plan_fixes(report, None)
    assert [f.fix.applicability for f in report.findings if f.code == "LCM400"] == ["safe"]
    fixes.plan_fixes(report, "0.3")  # the setting wins over the declaration
    assert [f.fix.applicability for f in report.findings if f.code == "LCM400"] == ["unsafe"]


# --- the shared acceptance cases ---------------------------------------------------------------
SHARED_CASES = Path(__file__).resolve().parent / "fixtures" / "cases"  # vendored from shared/cases
if not SHARED_CASES.is_dir():
    SHARED_CASES = Path(__file__).resolve().parents[1].parent / "shared" / "cases"


def _line_map(old: str, new: str):
    """Old line -> the new lines it may be on: itself where nothing changed, the block it became
    where an import was split."""
    import difflib

    mapping: dict[int, range] = {}
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for i in range(i1, i2):
            if tag == "equal" or (i2 - i1) == (j2 - j1):
                mapping[i + 1] = range(j1 + i - i1 + 1, j1 + i - i1 + 2)
            else:
                mapping[i + 1] = range(j1 + 1, j2 + 1)
    return mapping


def _cells(path: Path) -> dict[int, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        i: "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for i, c in enumerate(data["cells"], start=1)
        if c["cell_type"] == "code"
    }


@pytest.mark.skipif(not SHARED_CASES.is_dir(), reason=f"the shared acceptance cases are not at {SHARED_CASES}")
def test_fixing_the_shared_cases(tmp_path):
    import shutil

    root = tmp_path / "cases"
    shutil.copytree(SHARED_CASES, root)
    files = sorted(p for p in root.rglob("*") if p.suffix in (".py", ".ipynb"))
    assert len(files) > 10
    total_fixed = 0
    for path in files:
        before_text = path.read_text(encoding="utf-8")
        before = runner.check_file(str(path), SETTINGS)
        fixes.plan_fixes(before, None)
        result = fixes.fix_file(str(path), before, unsafe=True, write=True)
        assert result.error is None, (path, result.error)
        total_fixed += len(result.fixed)
        assert [f for f in result.remaining if f.code == "LCM400"] == [], path
        if path.suffix == ".py":
            ast.parse(path.read_text(encoding="utf-8"))
        after = runner.check_file(str(path), SETTINGS)
        assert [f for f in after.findings if f.code.startswith("LCM9")] == [], path  # every cell still parses
        assert [f for f in after.findings if f.code == "LCM400"] == [], path
        assert codes(after.findings) == codes(before.findings), path
        if path.suffix == ".py":
            places = {(f.code, None, f.line) for f in after.findings}
            texts = {None: (before_text, path.read_text(encoding="utf-8"))}
        else:
            places = {(f.code, f.cell, f.line) for f in after.findings}
            old_cells, new_cells = _cells(SHARED_CASES / path.relative_to(root)), _cells(path)
            texts = {cell: (old_cells[cell], new_cells[cell]) for cell in old_cells}
        maps = {key: _line_map(*pair) for key, pair in texts.items()}
        for finding in before.findings:
            if finding.code != "LCM400":
                lines = maps[finding.cell][finding.line]
                assert any((finding.code, finding.cell, line) in places for line in lines), (path, finding)
        again = runner.check_file(str(path), SETTINGS)
        fixes.plan_fixes(again, None)
        second = fixes.fix_file(str(path), again, unsafe=True, write=True)
        assert not second.changed and second.fixed == [], path
    assert total_fixed >= 25
    assert not list(root.rglob(f"*{atomic.TEMP_SUFFIX}"))
