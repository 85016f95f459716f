"""``lint-memory report``, run for real (the installed script in a subprocess) on fixture trees,
compared with the exact table and Markdown it must print.

The tree below has safe and unsafe LCM400 fixes (so "Fixable" comes from the planned fixes), a
notebook, a src layout, a file that cannot be parsed and a clean one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ci"
SCRIPT = Path(sys.executable).with_name("lint-memory")
COMMAND = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "lint_memory"]
DOCS = "https://github.com/lint-memory/lint-memory/blob/main/docs/rules.md"

NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Demo\n"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": [
                "from langchain.memory.chat_message_histories import RedisChatMessageHistory\n",  # safe fix
                'history = RedisChatMessageHistory(session_id="1")',
            ],
        },
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}
TREE = {
    # LCM400 with a safe fix (ChatMessageHistory) and an unsafe one (to langchain_classic); LCM100 twice
    "app/chat.py": (
        "from langchain.memory import ChatMessageHistory, ConversationBufferMemory\n\n"
        "history = ChatMessageHistory()\nmemory = ConversationBufferMemory()\n"
    ),
    "app/__init__.py": "",
    # an aliased import: LCM100 twice, LCM400 with an unsafe fix
    "src/billing/agent.py": (
        "from langchain.memory import ConversationBufferWindowMemory as Window\n\nWINDOW = Window(k=3)\n"
    ),
    # already on langchain_classic: LCM100 twice, nothing to fix
    "manage.py": (
        "from langchain_classic.memory import ConversationBufferMemory\n\nmemory = ConversationBufferMemory()\n"
    ),
    "broken.py": "from langchain.memory import ConversationBufferMemory\ndef broken(:\n",
    "notebooks/demo.ipynb": json.dumps(NOTEBOOK, indent=1) + "\n",
}

TABLE = """\
Rule                  Files  Remaining  Fixable
LCM100 buffer-memory      3          6        0
LCM400 moved-import       3          4        2
Total                     4         10        2

Package      Files  Remaining  Fixable
app              1          4        1
src/billing      1          3        0
manage.py        1          2        0
notebooks        1          1        1

10 findings remain in 4 of 6 checked files; 2 fixable, 2 more with an unsafe fix.
1 file could not be checked (LCM9xx) and is not counted.
"""

MARKDOWN = f"""\
## LangChain memory migration

**10** findings remain in **4** of 6 checked files; **2** fixable, 2 more with an unsafe fix.

1 file could not be checked (LCM9xx) and is not counted.

| Rule | Files | Remaining | Fixable |
| :--- | ---: | ---: | ---: |
| [LCM100]({DOCS}#lcm100-buffer-memory) buffer-memory | 3 | 6 | 0 |
| [LCM400]({DOCS}#lcm400-moved-import) moved-import | 3 | 4 | 2 |
| **Total** | **4** | **10** | **2** |

| Package | Files | Remaining | Fixable |
| :--- | ---: | ---: | ---: |
| `app` | 1 | 4 | 1 |
| `src/billing` | 1 | 3 | 0 |
| `manage.py` | 1 | 2 | 0 |
| `notebooks` | 1 | 1 | 1 |
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    return subprocess.run(
        [*COMMAND, *args], check=False, cwd=cwd, capture_output=True, text=True, env=environ, timeout=300
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for name, text in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_terminal_table(project):
    result = run("report", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, TABLE, "")


def test_markdown(project):
    result = run("report", "--output-format", "markdown", cwd=project)
    assert (result.returncode, result.stdout, result.stderr) == (0, MARKDOWN, "")


def test_fixable_follows_the_targeted_langchain_line(project):
    """With a 1.x target the moves to langchain_classic are safe too: all four LCM400 are fixable."""
    (project / "pyproject.toml").write_text('[tool.lint-memory]\ntarget-langchain = "1"\n', encoding="utf-8")
    lines = run("report", cwd=project).stdout.splitlines()
    assert lines[2:4] == [
        "LCM400 moved-import       3          4        4",
        "Total                     4         10        4",
    ]
    assert lines[-2] == "10 findings remain in 4 of 6 checked files; 4 fixable."
    # and that is what --fix then fixes
    fixed = run("check", "--fix", "--output-format", "concise", cwd=project)
    assert fixed.stdout.splitlines()[-1] == "Found 11 findings (4 fixed, 7 remaining)."


def test_baselined_findings_still_count_as_work_left(project):
    (project / "pyproject.toml").write_text('[tool.lint-memory]\nbaseline = "known.json"\n', encoding="utf-8")
    assert run("check", "--write-baseline", "known.json", cwd=project).returncode == 0
    assert run("check", cwd=project).stdout == "All checks passed!\n"
    result = run("report", cwd=project)
    assert (result.returncode, result.stdout) == (0, TABLE)


def test_paths_and_packages(project, tmp_path):
    only_app = run("report", "app", cwd=project).stdout
    assert only_app.splitlines()[-1] == (
        "4 findings remain in 1 of 2 checked files; 1 fixable, 1 more with an unsafe fix."
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # a tree outside the current folder: packages are named from the folder holding the paths
    assert run("report", str(project), cwd=elsewhere).stdout == TABLE


def test_the_ci_fixture_tree_as_documented(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    result = run("report", cwd=root)
    assert result.returncode == 0
    assert (
        result.stdout
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


def test_a_clean_tree_and_a_configuration_error(tmp_path):
    (tmp_path / "clean.py").write_text("x = 1\n", encoding="utf-8")
    result = run("report", "--output-format", "markdown", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (
        0,
        "## LangChain memory migration\n\nNo deprecated LangChain memory code left in 1 checked file.\n",
    )
    (tmp_path / "lint-memory.toml").write_text('selct = ["LCM1"]\n', encoding="utf-8")
    broken = run("report", cwd=tmp_path)
    assert (broken.returncode, broken.stdout) == (2, "")
    config = tmp_path / "lint-memory.toml"
    assert broken.stderr == f"lint-memory: error: {config}: unknown key `selct` (did you mean `select`?)\n"
