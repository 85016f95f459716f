"""Suppression comments mean the same in every front end (docs/suppression.md), through the real tools.

One fixture file per comment form (``tests/fixtures/suppression/``); the CLI, flake8 and pylint run as
subprocesses over the folder and must each report exactly the (line, code) set written here, which is
what the documented table says the form means.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory import runner
from lint_memory.project.settings import Settings
from lint_memory.rules import LINT_RULES
from lint_memory.source.noqa import Suppressions

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "suppression"
TABLE = ROOT / "docs" / "suppression.md"
CODE_OF = {rule.pylint_symbol: rule.code for rule in LINT_RULES}
DEFAULT_SYMBOLS = ",".join(rule.pylint_symbol for rule in LINT_RULES if rule.default and rule.pylint_symbol)

Found = dict[str, set[tuple[int, str]]]
ALL = {(1, "LCM100"), (1, "LCM400"), (2, "LCM100")}  # the two lines every simple fixture has
SHIFTED = {(2, "LCM100"), (2, "LCM400"), (3, "LCM100")}  # the same after a file-level comment on line 1

# fixture -> (the comment form, as the table's first column spells it; what every front end reports)
CASES: dict[str, tuple[str, set[tuple[int, str]]]] = {
    "none.py": ("", ALL),
    "noqa_blanket.py": ("# noqa", {(2, "LCM100")}),
    "noqa_upper.py": ("# NOQA", {(2, "LCM100")}),
    "noqa_code.py": ("# noqa: LCM400", {(1, "LCM100"), (2, "LCM100")}),
    "noqa_codes_no_space.py": ("# noqa:LCM400,LCM100", {(2, "LCM100")}),
    "noqa_prefix.py": ("# noqa: LCM4", {(1, "LCM100"), (2, "LCM100")}),
    "noqa_other_tool.py": ("# noqa: E501", ALL),
    "lint_memory_file.py": ("# lint-memory: noqa", set()),
    "lint_memory_file_code.py": ("# lint-memory: noqa: LCM400", SHIFTED - {(2, "LCM400")}),
    "lint_memory_inline.py": ("code  # flake8: noqa", ALL),
    "flake8_file.py": ("# flake8: noqa", set()),
    "flake8_file_code.py": ("# flake8: noqa: LCM400", set()),
    "flake8_inline.py": ("code  # flake8: noqa", ALL),
    "ruff_file.py": ("# ruff: noqa", set()),
    "ruff_file_code.py": ("# ruff: noqa: LCM400", SHIFTED - {(2, "LCM400")}),
    # inside brackets a noqa covers its own line only: line 2's import and line 4's call stay
    "noqa_continuation.py": ("# noqa: LCM400", {(2, "LCM100"), (2, "LCM400"), (4, "LCM100"), (7, "LCM100")}),
    # a backslash joins the lines: the noqa on line 2 covers line 1's LCM400
    "noqa_backslash_continuation.py": ("# noqa: LCM400", {(1, "LCM100"), (2, "LCM100"), (3, "LCM100")}),
    # the line's text is searched, strings included (flake8's choice for its plugins)
    "noqa_in_string.py": ("# noqa", {(1, "LCM100"), (1, "LCM400"), (3, "LCM100")}),
    # a noqa line inside a docstring covers the docstring's lines only, not the code after it
    "noqa_in_docstring.py": ("# noqa", {(1, "LCM100"), (1, "LCM400"), (9, "LCM100")}),
}


def _run(command: list[str], cwd: Path) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done.stdout


def cli(folder: Path) -> Found:
    out = _run(
        [sys.executable, "-m", "lint_memory", "check", "--isolated", "--output-format", "json", "--exit-zero", "."],
        folder,
    )
    found: Found = {}
    for item in json.loads(out):
        found.setdefault(Path(item["filename"]).name, set()).add((item["location"]["row"], item["code"]))
    return found


def flake8(folder: Path, *extra: str) -> Found:
    fmt = "%(path)s\t%(row)d\t%(code)s"
    out = _run([sys.executable, "-m", "flake8", "--isolated", "--select", "LCM", "--format", fmt, *extra, "."], folder)
    found: Found = {}
    for line in out.splitlines():
        path, row, code = line.split("\t")
        found.setdefault(Path(path).name, set()).add((int(row), code))
    return found


def pylint(folder: Path, *extra: str) -> Found:
    command = [sys.executable, "-m", "pylint", "--load-plugins", "lint_memory.pylint_plugin", "--output-format=json2"]
    command += ["--score=n", "--persistent=n", "--disable=all", f"--enable={DEFAULT_SYMBOLS}", *extra]
    out = _run([*command, *sorted(CASES)], folder)
    found: Found = {}
    for item in json.loads(out)["messages"]:
        assert item["symbol"] in CODE_OF, item
        found.setdefault(Path(item["path"]).name, set()).add((item["line"], CODE_OF[item["symbol"]]))
    return found


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("suppression")
    for name in CASES:
        shutil.copy(FIXTURES / name, target / name)
    return target


def expected() -> Found:
    return {name: found for name, (_, found) in CASES.items() if found}


def test_every_fixture_has_a_case():
    assert sorted(p.name for p in FIXTURES.glob("*.py")) == sorted(CASES)


def test_cli_reports_what_the_table_says(folder):
    assert cli(folder) == expected()


def test_flake8_reports_what_the_table_says(folder):
    assert flake8(folder) == expected()


def test_pylint_reports_what_the_table_says(folder):
    assert pylint(folder) == expected()


def test_the_language_server_path_reports_what_the_table_says():
    """The server checks an editor's text with ``runner.check_text`` (as ``server.check`` does)."""
    found: Found = {}
    for name in CASES:
        report = runner.check_text((FIXTURES / name).read_text(encoding="utf-8"), name, Settings())
        for finding in report.findings:
            found.setdefault(name, set()).add((finding.line, finding.code))
    assert found == expected()


def test_flake8_disable_noqa_and_pylint_lint_memory_noqa_n_report_everything(folder):
    everything = {name: found for name, found in cli_without_comments(folder).items()}
    assert flake8(folder, "--disable-noqa") == everything
    assert pylint(folder, "--lint-memory-noqa=n") == everything


def cli_without_comments(folder: Path) -> Found:
    """What each fixture holds with no comment honoured: the engine's findings."""
    from lint_memory import engine

    found: Found = {}
    for name in CASES:
        for finding in engine.check_source((folder / name).read_text(encoding="utf-8")):
            found.setdefault(name, set()).add((finding.line, finding.code))
    return found


def test_every_form_is_a_row_of_the_documented_table():
    rows = set(re.findall(r"^\| `([^`]+)` \|", TABLE.read_text(encoding="utf-8"), re.M))
    forms = {form for form, _ in CASES.values() if form}
    assert forms <= rows, forms - rows
    # and the table's forms that have no fixture of their own are all checked below
    assert rows - forms == {"# pylint: disable=langchain-moved-import"}


@pytest.mark.parametrize(
    ("text", "silenced"),
    [
        ("# flake8: noqa: LCM400\n", ()),
        ("  # FLAKE8:NOQA anything\n", ()),
        ("#flake8: noqa\n", None),  # flake8 needs `# ` before it
        ("# lint-memory: noqa: LCM400, LCM1\n", ("LCM400", "LCM1")),
        ("# lint-memory: noqa: LCM400\n# lint-memory: noqa\n", ()),
        ("x = 1  # lint-memory: noqa\n", None),
        ("# ruff: noqa: LCM400\n", ("LCM400",)),
    ],
)
def test_file_level_forms(text, silenced):
    assert Suppressions(text).file_codes == silenced
