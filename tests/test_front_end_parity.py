"""The CLI, flake8 and pylint give the same answer on files the engine cannot check as it checks others.

- undecodable bytes (invalid UTF-8 without a cookie, an unknown coding cookie, a cookie contradicting
  the BOM): LCM902 from the CLI and from the flake8 plugin (flake8 itself would read the file as
  Latin-1 and check mojibake), and nothing of ours from pylint, which refuses such a file itself
  (``syntax-error`` / ``parse-error``) before any plugin runs; a valid Latin-1 file with its cookie is
  checked by all three;
- depth: a long ``elif`` chain gets the same answer from pylint as from the CLI (findings, or LCM904
  where the engine runs out of depth), never silence.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pylint.lint import Run
from pylint.reporters import CollectingReporter

from lint_memory.frontends import pylint_checker
from lint_memory.rules import RULES

CODE_OF = {rule.pylint_symbol: rule.code for rule in RULES if rule.pylint_symbol}
IMPORT = b"from langchain.memory import ConversationBufferMemory\nmemory = ConversationBufferMemory()\n"
UNDECODABLE = {
    "invalid_utf8.py": IMPORT + b"x = '\xff'\n",
    "invalid_utf8_alone.py": b"x = '\xff'\n",
    "unknown_cookie.py": b"# -*- coding: bogus -*-\n" + IMPORT,
    "cookie_against_bom.py": b"\xef\xbb\xbf# coding: latin-1\n" + IMPORT,
}
LATIN1 = {"latin1_with_cookie.py": b"# coding: latin-1\n" + IMPORT + b"x = '\xe9'\n"}


def long_elif(branches: int) -> str:
    lines = ["from langchain.memory import ConversationBufferMemory", "x = 0", "if x == 0:"]
    lines.append("    m = ConversationBufferMemory()")
    for branch in range(1, branches):
        lines += [f"elif x == {branch}:", f"    m = {branch}"]
    lines.append("m.save_context({}, {})")
    return "\n".join(lines) + "\n"


def cli(folder: Path) -> dict[str, set[tuple[int, str]]]:
    done = subprocess.run(
        [sys.executable, "-m", "lint_memory", "check", "--isolated", "--output-format", "json", "--exit-zero", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, set[tuple[int, str]]] = {}
    for item in json.loads(done.stdout):
        found.setdefault(Path(item["filename"]).name, set()).add((item["location"]["row"], item["code"]))
    return found


def flake8(folder: Path) -> dict[str, set[tuple[int, str]]]:
    command = [
        sys.executable,
        "-m",
        "flake8",
        "--isolated",
        "--select",
        "LCM",
        "--format",
        "%(path)s\t%(row)d\t%(code)s",
    ]
    done = subprocess.run([*command, "."], cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    found: dict[str, set[tuple[int, str]]] = {}
    for line in done.stdout.splitlines():
        path, row, code = line.split("\t")
        found.setdefault(Path(path).name, set()).add((int(row), code))
    return found


def pylint(folder: Path, names: list[str]) -> dict[str, set[tuple[int, str]]]:
    """Our codes per file, plus pylint's own refusals (``syntax-error``, ``parse-error``) by symbol.
    Only those messages are on: pylint's own checkers crash on some long code (its variables checker
    runs out of recursion depth on a 200-branch ``elif``), which is not what is tested here."""
    command = [sys.executable, "-m", "pylint", "--load-plugins", "lint_memory.pylint_plugin"]
    command += ["--output-format=json2", "--score=n", "--persistent=n", "--disable=all"]
    command += [f"--enable={','.join(CODE_OF)},syntax-error,parse-error", *names]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    found: dict[str, set[tuple[int, str]]] = {}
    for item in json.loads(done.stdout)["messages"]:
        symbol = item["symbol"]
        if symbol in CODE_OF or symbol in ("syntax-error", "parse-error"):
            found.setdefault(Path(item["path"]).name, set()).add((item["line"], CODE_OF.get(symbol, symbol)))
    return found


@pytest.fixture(scope="module")
def encodings(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("encodings")
    for name, data in {**UNDECODABLE, **LATIN1}.items():
        (folder / name).write_bytes(data)
    return folder


def test_undecodable_files_get_lcm902_from_the_cli_and_flake8_and_no_finding_anywhere(encodings):
    from_cli, from_flake8 = cli(encodings), flake8(encodings)
    for name in UNDECODABLE:
        assert {code for _, code in from_cli[name]} == {"LCM902"}, name
        assert from_flake8[name] == from_cli[name], name  # the same line too
    from_pylint = pylint(encodings, sorted(UNDECODABLE))
    for name in UNDECODABLE:  # pylint's own refusal, nothing of ours
        assert {code for _, code in from_pylint[name]} <= {"syntax-error", "parse-error"}, name
        assert from_pylint[name], name


def test_a_file_in_its_declared_encoding_is_checked_alike(encodings):
    expected = {(2, "LCM100"), (2, "LCM400"), (3, "LCM100")}
    assert cli(encodings)["latin1_with_cookie.py"] == expected
    assert flake8(encodings)["latin1_with_cookie.py"] == expected
    assert pylint(encodings, ["latin1_with_cookie.py"])["latin1_with_cookie.py"] == expected


@pytest.mark.parametrize("branches", [20, 200])
def test_pylint_answers_a_long_elif_chain_as_the_cli_does(tmp_path, branches):
    (tmp_path / "chain.py").write_text(long_elif(branches), encoding="utf-8")
    expected = cli(tmp_path)["chain.py"]
    last = 3 + 2 * branches
    findings = {(1, "LCM100"), (1, "LCM400"), (4, "LCM100"), (last, "LCM302")}
    # The findings; or, where the engine runs out of depth (200 branches until the engine checks merely
    # long code on a large stack), LCM904: never silence, and the same from every front end.
    assert expected == findings or (branches > 100 and expected == {(1, "LCM904")})
    assert pylint(tmp_path, ["chain.py"])["chain.py"] == expected
    assert flake8(tmp_path)["chain.py"] == expected


def test_pylint_reports_lcm904_where_the_engine_runs_out_of_depth(tmp_path, monkeypatch):
    def too_deep(source: str, filename: str = "<unknown>"):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pylint_checker.engine, "check_source", too_deep)
    path = tmp_path / "app.py"
    path.write_text(IMPORT.decode(), encoding="utf-8")
    reporter = CollectingReporter()
    args = ["--load-plugins", "lint_memory.pylint_plugin", "--persistent=n", "--disable=all"]
    args += ["--enable=langchain-too-complex,langchain-buffer-memory", str(path)]
    Run(args, reporter=reporter, exit=False)
    assert [(m.line, m.symbol, m.msg_id) for m in reporter.messages] == [(1, "langchain-too-complex", "E5294")]
    assert reporter.messages[0].msg.startswith("the file is nested too deeply to check; see https://")
