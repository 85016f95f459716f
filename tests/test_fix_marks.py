"""The ``[*]`` marks are decided without planning the edits (``fix.marks``), with the planner's answer.

For every finding of every fixture, every acceptance case and the real LangChain tree that
``benchmarks/bench_cli.py`` caches (when it is there), on each LangChain target: the output that only
marks fixes (``render_fixes=False``: ``fix.marks``, or the planner where it cannot tell) says a finding
is fixable, and how safely, exactly when the planned and rendered fix (``--fix``, ``--diff``, JSON)
has edits at that level; and ``fix.marks`` attaches the very fixes that the planner that does not
render attaches.
"""

from __future__ import annotations

import ast
import copy
import os
import random
from pathlib import Path

import pytest

from lint_memory import runner
from lint_memory.fix import marks, planner
from lint_memory.model import FileReport
from lint_memory.project.settings import Settings
from lint_memory.source.lines import LineIndex

TESTS = Path(__file__).parent
CASES = Path(os.environ.get("LINT_MEMORY_CASES", "/work/shared/cases"))
REAL_TREE = Path(os.environ.get("LINT_MEMORY_BENCH_CACHE", Path.home() / ".cache" / "lint-memory-bench")) / "tree"
TARGETS = (None, "0.0", "0.3", "1")


def fixture_files() -> list[str]:
    roots = [TESTS / "fixtures"] + ([CASES] if CASES.is_dir() else [])
    return sorted(str(path) for root in roots for path in root.rglob("*") if path.suffix in (".py", ".ipynb"))


def level(finding) -> str | None:
    fix = finding.fix
    return str(fix.applicability) if fix is not None and fix.edits else None


def checked(paths: list[str], target: str | None, *, render: bool) -> list[FileReport]:
    settings = Settings(target_langchain=target, plan_fixes=True, render_fixes=render)
    return [runner.check_file(path, settings) for path in paths]


def assert_same_marks(paths: list[str], target: str | None) -> int:
    """Marks and rendered fixes agree on every finding; returns how many findings carry a fix."""
    marked, rendered = checked(paths, target, render=False), checked(paths, target, render=True)
    fixes = 0
    for mark, render in zip(marked, rendered, strict=True):
        assert mark.error is None and render.error is None, (mark.path, mark.error, render.error)
        assert [(f.code, f.line, f.col) for f in mark.findings] == [(f.code, f.line, f.col) for f in render.findings]
        for shown, planned in zip(mark.findings, render.findings, strict=True):
            assert level(shown) == level(planned), (mark.path, target, shown.line, shown.code)
            assert shown.message == planned.message
            fixes += level(planned) is not None
    return fixes


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: f"target-{target}")
def test_marks_are_the_rendered_fixes_on_every_fixture(target):
    fixes = assert_same_marks(fixture_files(), target)
    assert fixes > 0  # the fixtures do hold fixable findings, on every target


def test_marks_attach_what_the_planner_without_rendering_attaches():
    """Where ``fix.marks`` decides (a Python file: no notebook, no `import a.b` whose references move, no
    chain to migrate), its fixes are the planner's, edits included; elsewhere it leaves the file alone."""
    decided = fallbacks = 0
    for path in fixture_files():
        for target in TARGETS:
            report = runner.check_file(path, Settings(target_langchain=target))
            if not report.findings or report.source is None:
                continue
            try:
                tree = None if report.notebook is not None else ast.parse(report.source)
            except SyntaxError:  # newer syntax than this Python's: the runner plans with no tree either
                continue
            mine, theirs = copy.deepcopy(report), copy.deepcopy(report)
            if marks.mark_fixes(mine, target, tree):
                decided += 1
                planner._plan_imports(theirs, target, tree, render=False)
                assert mine.findings == theirs.findings, (path, target)
            else:
                fallbacks += 1
                assert mine == report  # nothing changed: the planner takes it
    assert decided > 0 and fallbacks > 0


def test_an_unaliased_module_import_and_a_notebook_go_to_the_planner(tmp_path):
    source = "import langchain.memory\n\nmemory = langchain.memory.ConversationBufferMemory()\n"
    report = runner.check_text(source, "app.py", Settings())
    assert any(f.code == "LCM400" for f in report.findings)
    assert not marks.mark_fixes(report, None, ast.parse(source))
    aliased = "import langchain.memory.chat_message_histories as h\n"
    report = runner.check_text(aliased, "app.py", Settings())
    assert marks.mark_fixes(report, None, ast.parse(aliased))
    assert [str(f.fix.applicability) for f in report.findings if f.fix] == ["safe"]


@pytest.mark.skipif(not REAL_TREE.is_dir(), reason="the real LangChain tree is not cached (benchmarks/bench_cli.py)")
def test_marks_are_the_rendered_fixes_on_the_real_langchain_tree():
    settings = Settings()
    paths = [
        path
        for path in runner.discover([str(REAL_TREE)], settings)
        if runner._needs_check(Path(path).read_bytes(), path.endswith(".ipynb"))
    ]
    for target in (None, "1"):
        assert_same_marks(paths, target)


def test_rows_found_on_demand_are_the_line_index():
    """``fix.marks`` finds line endings only up to the rows it asks for; rows and offsets are the line index's,
    whatever the order of the questions (form feeds and a lone ``\\r`` included)."""
    rng = random.Random(1)
    pieces = ["a", "b", "\n", "\r", "\r\n", "\x0c", "é", " "]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        index = LineIndex(text)
        rows = list(range(-1, len(index) + 3))
        rng.shuffle(rows)
        found = marks._Rows(text)
        for row in rows:
            assert found.line(row) == index.line(row), (text, row)
            for col in (-1, 0, 2, 50):
                assert found.offset(row, col) == index.offset(row, col), (text, row, col)
