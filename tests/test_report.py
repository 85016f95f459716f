"""The migration report, checked for exact content on tests/fixtures/ci/project (copied to a
temporary folder and checked with ``runner.check_paths``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lint_memory import runner
from lint_memory.model import FileReport, Fix
from lint_memory.output.report import build_report, package_of, render_markdown, render_table
from lint_memory.project.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ci"
DOCS = "https://github.com/lint-memory/lint-memory/blob/main/docs/rules.md"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    return root


def check(root: Path) -> list[FileReport]:
    return runner.check_paths([str(root)], Settings())


def test_markdown_report_of_the_fixture_tree(project):
    assert (
        render_markdown(build_report(check(project), str(project)))
        == f"""\
## LangChain memory migration

**21** findings remain in **5** of 7 checked files; **0** fixable.

| Rule | Files | Remaining | Fixable |
| :--- | ---: | ---: | ---: |
| [LCM100]({DOCS}#lcm100-buffer-memory) buffer-memory | 4 | 10 | 0 |
| [LCM101]({DOCS}#lcm101-summary-memory) summary-memory | 1 | 3 | 0 |
| [LCM200]({DOCS}#lcm200-custom-memory) custom-memory | 1 | 2 | 0 |
| [LCM300]({DOCS}#lcm300-memory-argument) memory-argument | 1 | 1 | 0 |
| [LCM301]({DOCS}#lcm301-conversation-chain) conversation-chain | 1 | 2 | 0 |
| [LCM302]({DOCS}#lcm302-memory-api) memory-api | 2 | 3 | 0 |
| **Total** | **5** | **21** | **0** |

| Package | Files | Remaining | Fixable |
| :--- | ---: | ---: | ---: |
| `chat` | 2 | 14 | 0 |
| `notebooks` | 1 | 3 | 0 |
| `manage.py` | 1 | 2 | 0 |
| `src/billing` | 1 | 2 | 0 |
"""
    )


def test_terminal_table_of_the_fixture_tree(project):
    assert (
        render_table(build_report(check(project), str(project)))
        == """\
Rule                       Files  Remaining  Fixable
LCM100 buffer-memory           4         10        0
LCM101 summary-memory          1          3        0
LCM200 custom-memory           1          2        0
LCM300 memory-argument         1          1        0
LCM301 conversation-chain      1          2        0
LCM302 memory-api              2          3        0
Total                          5         21        0

Package      Files  Remaining  Fixable
chat             2         14        0
notebooks        1          3        0
manage.py        1          2        0
src/billing      1          2        0

21 findings remain in 5 of 7 checked files; 0 fixable.
"""
    )


def test_fixable_counts_safe_fixes_and_mentions_unsafe_ones(project):
    """Fixes come from the fixes module; here two findings get a safe fix and one an unsafe one."""
    reports = check(project)
    by_name = {Path(report.path).relative_to(project).as_posix(): report for report in reports}
    manage, agent = by_name["manage.py"].findings, by_name["src/billing/agent.py"].findings
    manage[0].fix = Fix("Import from `langchain_classic`", "safe")
    manage[1].fix = Fix("Use a checkpointer", "safe")
    agent[0].fix = Fix("Import from `langchain_classic`", "unsafe")
    text = render_markdown(build_report(reports, str(project)))
    assert "**21** findings remain in **5** of 7 checked files; **2** fixable, 1 more with an unsafe fix." in text
    assert f"| [LCM100]({DOCS}#lcm100-buffer-memory) buffer-memory | 4 | 10 | 2 |" in text
    assert "| **Total** | **5** | **21** | **2** |" in text
    assert "| `manage.py` | 1 | 2 | 2 |" in text
    assert "| `src/billing` | 1 | 2 | 0 |" in text


def test_files_that_cannot_be_checked_are_counted_apart(project):
    (project / "broken.py").write_text("from langchain.memory import X\ndef f(:\n", encoding="utf-8")
    (project / "chat" / "service.py").unlink()
    (project / "chat" / "legacy.py").unlink()
    assert (
        render_table(build_report(check(project), str(project)))
        == """\
Rule                  Files  Remaining  Fixable
LCM100 buffer-memory      3          6        0
LCM302 memory-api         1          1        0
Total                     3          7        0

Package      Files  Remaining  Fixable
notebooks        1          3        0
manage.py        1          2        0
src/billing      1          2        0

7 findings remain in 3 of 6 checked files; 0 fixable.
1 file could not be checked (LCM9xx) and is not counted.
"""
    )


def test_a_finished_migration(project):
    reports = runner.check_paths([str(project / "utils")], Settings())
    report = build_report(reports, str(project))
    assert render_table(report) == "No deprecated LangChain memory code left in 1 checked file.\n"
    assert render_markdown(report) == (
        "## LangChain memory migration\n\nNo deprecated LangChain memory code left in 1 checked file.\n"
    )


def test_one_finding_reads_in_the_singular(project):
    reports = runner.check_paths([str(project / "chat" / "service.py")], Settings())
    reports[0].findings = reports[0].findings[:1]
    assert render_table(build_report(reports, str(project))).splitlines()[-1] == (
        "1 finding remains in 1 of 1 checked file; 0 fixable."
    )


@pytest.mark.parametrize(
    ("file", "package"),
    [
        ("manage.py", "manage.py"),
        ("chat/service.py", "chat"),
        ("chat/sub/deep.py", "chat"),
        ("src/billing/agent.py", "src/billing"),
        ("src/tool.py", "src"),
        ("notebooks/demo.ipynb", "notebooks"),
    ],
)
def test_top_level_packages(file, package):
    assert package_of(file) == package


def test_package_names_are_escaped_in_markdown(tmp_path):
    odd = tmp_path / "a|b`c"
    odd.mkdir()
    (odd / "m.py").write_text("from langchain_classic.memory import ConversationBufferMemory\n", encoding="utf-8")
    text = render_markdown(build_report(check(tmp_path), str(tmp_path)))
    assert "| ``a\\|b`c`` | 1 | 1 | 0 |" in text
