"""`lint-memory check | rules | explain`, run for real as a subprocess on the fixture project."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

from lint_memory.catalog.entries import MOVED_MODULES
from lint_memory.catalog.index import BY_PATH, is_removed
from lint_memory.rules import OPT_IN_CODES

PROJECT = Path(__file__).resolve().parent / "fixtures" / "cli" / "project"

# (file, cell, row, column, code): every finding in the fixture project, nothing else.
EXPECTED = {
    ("app.py", None, 2, 30, "LCM100"),
    ("app.py", None, 2, 30, "LCM400"),
    ("app.py", None, 4, 10, "LCM100"),
    ("notebook.ipynb", 2, 2, 30, "LCM100"),  # after `%pip install`, before `!ls`
    ("notebook.ipynb", 2, 2, 30, "LCM400"),
    ("notebook.ipynb", 3, 2, 10, "LCM100"),  # the body of a %%capture cell
    ("notebook.ipynb", 4, 1, 12, "LCM901"),  # only this cell is lost to its syntax error
    ("notebook.ipynb", 5, 2, 11, "LCM302"),  # `memory` from cell 3; `%time memory.clear()` is masked
    ("suppressed.py", None, 1, 30, "LCM100"),  # `# noqa: LCM400` keeps LCM100
    ("suppressed.py", None, 4, 11, "LCM101"),  # `# noqa: E501` suppresses nothing of ours
}


def run(*args: str, cwd: Path = PROJECT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "lint_memory", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
    )


def found(result: subprocess.CompletedProcess[str]) -> set[tuple]:
    return {
        (Path(r["filename"]).name, r["cell"], r["location"]["row"], r["location"]["column"], r["code"])
        for r in json.loads(result.stdout)
    }


def test_json_reports_exactly_the_expected_findings():
    result = run("check", "--isolated", "--output-format", "json")
    assert result.returncode == 1, result.stderr
    assert found(result) == EXPECTED
    assert result.stderr == ""


def test_default_format_is_full_with_summary_line():
    result = run("check", "--isolated", "app.py", "clean.py")
    assert result.returncode == 1
    assert " --> app.py:2:30" in result.stdout
    assert " --> app.py:4:10" in result.stdout
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    assert result.stdout.splitlines()[-1] == "Found 3 findings in 1 file."


def test_concise_lines_and_summary():
    result = run("check", "--isolated", "--output-format", "concise")
    lines = result.stdout.splitlines()
    assert lines[-1] == "Found 10 findings in 3 files."
    prefixes = sorted(re.match(r"^(.*?: LCM\d{3}) ", line).group(1) for line in lines[:-1])
    assert prefixes == sorted(
        [
            "app.py:2:30: LCM100",
            "app.py:2:30: LCM400",
            "app.py:4:10: LCM100",
            "notebook.ipynb:cell 2:2:30: LCM100",
            "notebook.ipynb:cell 2:2:30: LCM400",
            "notebook.ipynb:cell 3:2:10: LCM100",
            "notebook.ipynb:cell 4:1:12: LCM901",
            "notebook.ipynb:cell 5:2:11: LCM302",
            "suppressed.py:1:30: LCM100",
            "suppressed.py:4:11: LCM101",
        ]
    )


def test_clean_file_exits_zero():
    result = run("check", "--isolated", "clean.py")
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")


def test_exit_zero_keeps_the_output():
    result = run("check", "--isolated", "--exit-zero", "--output-format", "concise", "app.py")
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "Found 3 findings in 1 file."


def test_statistics_text_and_json():
    text = run("check", "--isolated", "--statistics")
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert lines == [
        "5\tLCM100\tbuffer-memory",
        "2\tLCM400\tmoved-import",
        "1\tLCM101\tsummary-memory",
        "1\tLCM302\tmemory-api",
        "1\tLCM901\tsyntax-error",
        "Found 10 findings in 3 files.",
    ]
    data = json.loads(run("check", "--isolated", "--statistics", "--output-format", "json").stdout)
    assert [(s["code"], s["count"], s["fixable"]) for s in data] == [
        ("LCM100", 5, False),
        ("LCM400", 2, False),
        ("LCM101", 1, False),
        ("LCM302", 1, False),
        ("LCM901", 1, False),
    ]


def test_select_keeps_input_diagnostics_unless_ignored():
    selected = found(run("check", "--isolated", "--output-format", "json", "--select", "LCM400"))
    assert {mark[4] for mark in selected} == {"LCM400", "LCM901"}
    ignored = found(run("check", "--isolated", "--output-format", "json", "--select", "LCM400", "--ignore", "LCM9"))
    assert ignored == {mark for mark in EXPECTED if mark[4] == "LCM400"}


def test_ignore_and_extend_select_flags():
    result = found(run("check", "--isolated", "--output-format", "json", "--ignore", "LCM1,LCM400"))
    assert result == {mark for mark in EXPECTED if mark[4] in ("LCM302", "LCM901")}
    opt_in = found(run("check", "--isolated", "--output-format", "json", "--extend-select", "LCM5", "app.py"))
    assert opt_in == {mark for mark in EXPECTED if mark[0] == "app.py"}  # no LCM5xx use in app.py


@pytest.mark.parametrize("flag", ["--select", "--ignore", "--extend-select"])
def test_unknown_code_on_the_command_line_is_a_usage_error(flag):
    result = run("check", "--isolated", flag, "LCM100,LCM999", "app.py")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"lint-memory: error: `{flag}`: unknown rule selector `LCM999`\n"


def test_bad_usage_exits_two():
    result = run("check", "--output-format", "xml")
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


def test_noqa_is_honoured_as_flake8_does(tmp_path):
    (tmp_path / "multiline.py").write_text(
        "from langchain.memory import (\n"
        "    ConversationBufferMemory,  # noqa: LCM100,LCM400\n"
        "    ConversationSummaryMemory,\n"
        ")\n"
        'PROMPT = """\n'
        '{}""".format(ConversationBufferMemory)  # noqa: LCM1\n'
        "memory = ConversationBufferMemory()  # NOQA:LCM100\n"
        "summary = ConversationSummaryMemory(llm=None)  # noqa:LCM400\n",
        encoding="utf-8",
    )
    (tmp_path / "whole.py").write_text(
        "# flake8: noqa\nfrom langchain.memory import ConversationBufferMemory\n", encoding="utf-8"
    )
    result = run("check", "--isolated", "--output-format", "json", ".", cwd=tmp_path)
    assert found(result) == {
        ("multiline.py", None, 3, 5, "LCM101"),
        ("multiline.py", None, 3, 5, "LCM400"),
        ("multiline.py", None, 8, 11, "LCM101"),
    }


def test_rules_ruff_table_is_valid_toml_with_every_reported_catalog_path(tmp_path):
    result = run("rules", "--output-format", "ruff")
    assert result.returncode == 0
    table = tomllib.loads(result.stdout)["tool"]["ruff"]["lint"]["flake8-tidy-imports"]["banned-api"]
    commented = {line.split('"')[1] for line in result.stdout.splitlines() if line.startswith('# "')}
    reported = {path for path, entry in BY_PATH.items() if entry.rule or is_removed(path)} | set(MOVED_MODULES)
    assert set(table) | commented == reported
    assert not set(table) & commented
    for path in commented:  # only what an opt-in rule alone reports waits, commented out
        assert BY_PATH[path].rule in OPT_IN_CODES
    assert table["langchain.memory.ConversationBufferMemory"]["msg"].startswith(
        "[LCM100] `ConversationBufferMemory` is deprecated"
    )
    assert "[LCM400]" in table["langchain.memory.ConversationBufferMemory"]["msg"]
    assert table["langchain.memory"]["msg"].startswith("[LCM400] module `langchain.memory` no longer exists")
    # The paths left out are exactly those lint-memory says nothing about either.
    silent = sorted(set(BY_PATH) - reported)
    (tmp_path / "imports.py").write_text(
        "".join(f"from {path.rpartition('.')[0]} import {path.rpartition('.')[2]}\n" for path in silent),
        encoding="utf-8",
    )
    check = run("check", "--isolated", "--extend-select", "LCM5", "--output-format", "json", ".", cwd=tmp_path)
    assert (check.returncode, json.loads(check.stdout)) == (0, [])


def test_rules_ruff_table_works_in_ruff(tmp_path):
    table = run("rules", "--output-format", "ruff").stdout
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    (tmp_path / "app.py").write_bytes((PROJECT / "app.py").read_bytes())
    result = subprocess.run(
        ["ruff", "check", "--no-cache", "--select", "TID251", "--output-format", "json", "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    reported = {(d["location"]["row"], d["message"].split(" is banned")[0]) for d in json.loads(result.stdout)}
    assert reported == {
        (2, "`langchain.memory`"),
        (2, "`langchain.memory.ConversationBufferMemory`"),
    }


def test_rules_and_explain():
    listing = run("rules")
    assert listing.returncode == 0 and listing.stdout.startswith("LCM100  buffer-memory")
    assert "(opt-in)" in listing.stdout
    explained = run("explain", "buffer-memory")
    assert explained.returncode == 0 and explained.stdout.startswith("# LCM100 buffer-memory")
    assert run("explain", "LCM000").returncode == 2


def test_no_python_files_warns(tmp_path):
    result = run("check", "--isolated", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == "All checks passed!\n"
    assert result.stderr == "lint-memory: warning: no Python files or notebooks found under the given paths\n"


def test_output_to_a_closed_pipe_is_quiet():
    command = f"{sys.executable} -m lint_memory check --isolated --output-format concise . | head -n 1"
    result = subprocess.run(command, shell=True, cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr
