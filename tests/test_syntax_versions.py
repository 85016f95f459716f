"""Syntax only newer Pythons parse (tests/fixtures/syntax/pyXYZ_*.py needs Python X.YZ or later): on every
interpreter that can parse a file, the engine and the three front ends report exactly its ``# expect:`` marks;
on an older one the CLI reports the file as unparsable (LCM901) and flake8 and pylint report none of our
codes, nothing crashes.  ``nox -s tests`` runs the suite on 3.10 to 3.13.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory import engine
from lint_memory.rules import LINT_RULES

SYNTAX = Path(__file__).resolve().parent / "fixtures" / "syntax"
FILES = sorted(SYNTAX.glob("py3*.py"))
SCRIPT = Path(sys.executable).with_name("lint-memory")
CLI = [str(SCRIPT)] if SCRIPT.is_file() else [sys.executable, "-m", "lint_memory"]
# Known engine bugs, recorded in the hardening findings: strict, so a fix turns them into failures to remove.
KNOWN: dict[str, str] = {}


def minimum(path: Path) -> tuple[int, int]:
    digits = re.match(r"py3(\d+)_", path.name)
    assert digits, path.name
    return 3, int(digits.group(1))


def runs_here(path: Path) -> bool:
    return sys.version_info[:2] >= minimum(path)


def cases() -> list:
    params = []
    for path in FILES:
        known = path.name in KNOWN and runs_here(path)  # where it cannot parse, the file is refused as it should be
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN[path.name])] if known else []
        params.append(pytest.param(path, id=path.stem, marks=marks))
    return params


def test_each_fixture_needs_its_version():
    assert len(FILES) == 5
    for path in FILES:
        source = path.read_text(encoding="utf-8")
        parses = True
        try:
            compile(source, path.name, "exec", dont_inherit=True)
        except SyntaxError:
            parses = False
        assert parses == runs_here(path), path.name  # a fixture that parses earlier is named for the wrong version
        older = (3, minimum(path)[1] - 1)
        assert older >= (3, 10), path.name  # the oldest Python the project claims cannot parse it


@pytest.mark.parametrize("path", cases())
def test_engine_reports_the_marks(path, expected_marks):
    source = path.read_text(encoding="utf-8")
    if not runs_here(path):
        with pytest.raises(SyntaxError):
            engine.check_source(source)
        return
    found = {(finding.line, finding.code) for finding in engine.check_source(source)}
    assert found == expected_marks(path)


@pytest.fixture(scope="module")
def front_ends(tmp_path_factory) -> dict[str, dict[str, set[tuple[int, str]]]]:
    """Each front end's (line, code) per file, one run per tool over all the fixtures."""
    root = tmp_path_factory.mktemp("syntax")
    names = [path.name for path in FILES]
    for name in names:
        shutil.copyfile(SYNTAX / name, root / name)
    found: dict[str, dict[str, set[tuple[int, str]]]] = {"cli": {}, "flake8": {}, "pylint": {}}
    done = subprocess.run(
        [*CLI, "check", "--isolated", "--output-format", "json", *names],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    for item in json.loads(done.stdout):
        found["cli"].setdefault(Path(item["filename"]).name, set()).add((item["location"]["row"], item["code"]))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "flake8",
            "--isolated",
            "--select",
            "LCM",
            "--format",
            "%(path)s\t%(row)d\t%(code)s",
            *names,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode in (0, 1), done.stderr
    for line in done.stdout.splitlines():
        name, row, code = line.split("\t")
        found["flake8"].setdefault(Path(name).name, set()).add((int(row), code))
    code_of = {rule.pylint_symbol: rule.code for rule in LINT_RULES if rule.default}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--load-plugins",
            "lint_memory.pylint_plugin",
            "--disable=all",
            f"--enable={','.join(code_of)}",
            "--output-format=json2",
            "--score=n",
            "--persistent=n",
            *names,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode & (1 | 32) == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    for item in json.loads(done.stdout)["messages"]:
        if item["symbol"] != "syntax-error":  # pylint's own message for a file this Python cannot parse
            found["pylint"].setdefault(Path(item["path"]).name, set()).add((item["line"], code_of[item["symbol"]]))
    return found


@pytest.mark.parametrize("tool", ["cli", "flake8", "pylint"])
@pytest.mark.parametrize("path", cases())
def test_front_ends_report_the_marks(path, tool, front_ends, expected_marks):
    found = front_ends[tool].get(path.name, set())
    if runs_here(path):
        assert found == expected_marks(path)
    elif tool == "cli":
        assert [code for _, code in found] == ["LCM901"]
    else:
        assert found == set()  # flake8 says E999 and pylint syntax-error, which are not ours
