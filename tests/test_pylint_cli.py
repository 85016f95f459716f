"""The pylint plugin through real ``pylint`` runs (subprocesses), compared with ``flake8`` on the same files.

Fixture marks: ``# expect: CODES`` is what the engine reports (flake8 and pylint alike),
``# inferred: CODES`` what only pylint finds (the answer is in another module), and
``# inferred-all: CODES`` what pylint adds with ``--lint-memory-inference=all``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory import engine
from lint_memory.rules import LINT_RULES

ROOT = Path(__file__).resolve().parent.parent
PROJECT = Path(__file__).resolve().parent / "fixtures" / "pylint_project"
SHARED_CASES = ROOT / "tests" / "fixtures" / "cases" / "python"  # vendored from shared/cases
if not SHARED_CASES.is_dir():
    SHARED_CASES = ROOT.parent / "shared" / "cases" / "python"
PLUGIN = "lint_memory.pylint_plugin"
CODE_OF = {rule.pylint_symbol: rule.code for rule in LINT_RULES}
ALL_SYMBOLS = ",".join(CODE_OF)
DEFAULT_SYMBOLS = ",".join(rule.pylint_symbol for rule in LINT_RULES if rule.default)
MARK = re.compile(r"#\s*(expect|inferred|inferred-all):\s*([A-Z0-9, ]+)")

Found = set[tuple[str, int, str]]  # (path relative to the run's directory, line, code)


def marks(root: Path, *kinds: str) -> Found:
    found = set()
    for path in sorted(root.rglob("*.py")):
        for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for kind, codes in MARK.findall(line):
                if kind in kinds:
                    name = path.relative_to(root).as_posix()
                    found |= {(name, row, code.strip()) for code in codes.split(",") if code.strip()}
    return found


def pylint(cwd: Path, *args: str, stdin: str | None = None, env: dict | None = None, plugin: bool = True) -> list[dict]:
    """Run pylint with JSON output (the messages of ``json2``); fail on a crash, a fatal message or a usage error."""
    command = [sys.executable, "-m", "pylint", "--output-format=json2", "--score=n", "--persistent=n"]
    if plugin:
        command += ["--load-plugins", PLUGIN]
    done = subprocess.run(
        [*command, *args], cwd=cwd, capture_output=True, text=True, input=stdin, timeout=600, env=env, check=False
    )
    assert done.returncode & (1 | 32) == 0, done.stderr[-3000:]  # bit 1: fatal, bit 32: usage error
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    items = json.loads(done.stdout)["messages"]
    assert not [item for item in items if item["symbol"] in ("astroid-error", "fatal")], items
    return items


def ours(items: list[dict]) -> Found:
    return {
        (Path(item["path"]).as_posix(), item["line"], CODE_OF[item["symbol"]])
        for item in items
        if item["symbol"] in CODE_OF
    }


def flake8(cwd: Path, *args: str) -> list[tuple[str, int, int, str, str]]:
    """(path, line, 0-based column, code, message) for every LCM finding, the opt-in LCM5xx included."""
    fmt = "%(path)s\t%(row)d\t%(col)d\t%(code)s\t%(text)s"
    done = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "LCM,LCM5", "--format", fmt, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    rows = []
    for line in done.stdout.splitlines():
        path, row, col, code, text = line.split("\t")
        rows.append((Path(path).as_posix().removeprefix("./"), int(row), int(col) - 1, code, text))
    return rows


def _copy_project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(PROJECT, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


# --- shared acceptance cases -------------------------------------------------------------------
@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> Path:
    if not SHARED_CASES.is_dir():
        pytest.skip("the shared acceptance cases are not next to the project")
    target = tmp_path_factory.mktemp("cases") / "python"
    shutil.copytree(SHARED_CASES, target)
    return target


def test_shared_cases_pylint_and_flake8_report_the_same_findings(cases):
    files = sorted(p.name for p in cases.glob("*.py"))
    from_flake8 = flake8(cases, *files)
    items = pylint(cases, "--disable=all", f"--enable={ALL_SYMBOLS}", *files)
    from_pylint = [
        (Path(i["path"]).as_posix(), i["line"], i["column"], CODE_OF[i["symbol"]], i["message"]) for i in items
    ]
    # Same codes, lines, columns and one-line messages, the opt-in rules included.
    assert sorted(from_pylint) == sorted(from_flake8)
    assert len(from_pylint) > 100


def test_shared_cases_pylint_reports_every_expectation_and_nothing_else(cases):
    files = sorted(p.name for p in cases.glob("*.py"))
    assert ours(pylint(cases, "--disable=all", f"--enable={DEFAULT_SYMBOLS}", *files)) == marks(cases, "expect")


# --- the multi-module fixture project ----------------------------------------------------------
def test_fixture_project_flake8_reports_only_the_engine_marks():
    found = {(path, row, code) for path, row, _, code, _ in flake8(PROJECT, "myapp")}
    assert found == marks(PROJECT, "expect")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fixture_project_pylint_adds_the_inferred_marks(jobs):
    found = ours(pylint(PROJECT, "--disable=all", f"--enable={DEFAULT_SYMBOLS}", f"--jobs={jobs}", "myapp"))
    assert found == marks(PROJECT, "expect", "inferred")
    assert marks(PROJECT, "inferred") - marks(PROJECT, "expect")  # pylint really finds more than flake8


def test_inferred_findings_have_confidence_inference_and_engine_findings_high():
    items = pylint(PROJECT, "--disable=all", f"--enable={DEFAULT_SYMBOLS}", "myapp")
    inferred = {
        (Path(i["path"]).as_posix(), i["line"], CODE_OF[i["symbol"]]) for i in items if i["confidence"] == "INFERENCE"
    }
    assert inferred == marks(PROJECT, "inferred") - marks(PROJECT, "expect")
    assert {i["confidence"] for i in items} == {"HIGH", "INFERENCE"}


@pytest.mark.parametrize(
    ("scope", "kinds"),
    [("all", ("expect", "inferred", "inferred-all")), ("off", ("expect",)), ("cross-module", ("expect", "inferred"))],
)
def test_inference_scope_option(scope, kinds):
    found = ours(
        pylint(PROJECT, "--disable=all", f"--enable={DEFAULT_SYMBOLS}", f"--lint-memory-inference={scope}", "myapp")
    )
    assert found == marks(PROJECT, *kinds)


def _fake_langchain(root: Path) -> Path:
    """A `langchain` with real class definitions, and empty packages hiding the installed LangChain."""
    site = root / "site"
    for package in ("langchain_classic", "langchain_core", "langchain_community"):
        (site / package).mkdir(parents=True)
        (site / package / "__init__.py").write_text("", encoding="utf-8")
    memory = site / "langchain" / "memory"
    memory.mkdir(parents=True)
    (site / "langchain" / "__init__.py").write_text("", encoding="utf-8")
    (memory / "chat_memory.py").write_text(
        "class BaseChatMemory:\n    def clear(self):\n        pass\n", encoding="utf-8"
    )
    (memory / "buffer.py").write_text(
        "from langchain.memory.chat_memory import BaseChatMemory\n\n\nclass ConversationBufferMemory(BaseChatMemory):"
        "\n    pass\n",
        encoding="utf-8",
    )
    (memory / "__init__.py").write_text(
        "from langchain.memory.buffer import ConversationBufferMemory\n", encoding="utf-8"
    )
    return site


def test_results_do_not_depend_on_which_langchain_is_installed(tmp_path):
    args = ("--disable=all", f"--enable={DEFAULT_SYMBOLS}", "myapp")
    installed = ours(pylint(PROJECT, *args))
    env = {**os.environ, "PYTHONPATH": str(_fake_langchain(tmp_path))}
    probe = subprocess.run(
        [sys.executable, "-c", "import langchain.memory, langchain_classic.memory"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "No module named 'langchain_classic.memory'" in probe.stderr  # the fake really hides the real one
    assert ours(pylint(PROJECT, *args, env=env)) == installed


def test_from_stdin_reports_what_the_file_run_reports():
    args = ("--disable=all", f"--enable={DEFAULT_SYMBOLS}")
    for name in ("myapp/plain.py", "myapp/chat.py", "myapp/factory.py"):
        from_file = ours(pylint(PROJECT, *args, name))
        text = (PROJECT / name).read_text(encoding="utf-8")
        from_stdin = ours(pylint(PROJECT, *args, "--from-stdin", name, stdin=text))
        assert from_stdin == from_file == {m for m in marks(PROJECT, "expect", "inferred") if m[0] == name}


def test_from_stdin_checks_the_editor_buffer_not_the_file_on_disk(tmp_path):
    project = _copy_project(tmp_path)
    edited = (project / "myapp" / "plain.py").read_text(encoding="utf-8") + "\n\ndef again():\n    return Buffer()\n"
    found = ours(
        pylint(project, "--disable=all", f"--enable={DEFAULT_SYMBOLS}", "--from-stdin", "myapp/plain.py", stdin=edited)
    )
    assert ("myapp/plain.py", len(edited.splitlines()), "LCM100") in found


# --- switching messages on and off ----------------------------------------------------------------
def test_pylint_disable_comments_by_symbol_and_by_msgid(tmp_path):
    project = _copy_project(tmp_path)
    chat = project / "myapp" / "chat.py"
    lines = chat.read_text(encoding="utf-8").splitlines()
    lines[10] += "  # pylint: disable=langchain-memory-api"  # an inferred finding (line 11)
    lines[11] += "  # pylint: disable=W5230"  # an engine finding (line 12)
    chat.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = ours(pylint(project, "--disable=all", f"--enable={DEFAULT_SYMBOLS}", "myapp"))
    assert found == marks(PROJECT, "expect", "inferred") - {
        ("myapp/chat.py", 11, "LCM302"),
        ("myapp/chat.py", 12, "LCM300"),
    }


@pytest.mark.parametrize("spelling", ["W5240", "langchain-moved-import"])
def test_disable_option_by_msgid_or_symbol(spelling):
    items = pylint(PROJECT, f"--disable={spelling}", "myapp")
    expected = {m for m in marks(PROJECT, "expect", "inferred") if m[2] != "LCM400"}
    assert ours(items) == expected
    assert any(item["symbol"] not in CODE_OF for item in items)  # pylint's own checks ran alongside


@pytest.mark.parametrize("spelling", ["W5210", "langchain-buffer-memory"])
def test_enable_option_by_msgid_or_symbol(spelling):
    found = ours(pylint(PROJECT, "--disable=all", f"--enable={spelling}", "myapp"))
    assert found == {m for m in marks(PROJECT, "expect", "inferred") if m[2] == "LCM100"}


def test_opt_in_rules_are_disabled_by_default(tmp_path):
    (tmp_path / "histories.py").write_text(
        "from langchain.memory import ChatMessageHistory\n"
        "from langchain.schema.runnable import RunnableWithMessageHistory\n\n"
        "chain = RunnableWithMessageHistory(runnable, lambda session: ChatMessageHistory())\n",
        encoding="utf-8",
    )
    default = ours(pylint(tmp_path, "histories.py"))  # pylint's defaults: no --enable, no --disable
    assert default == {("histories.py", 1, "LCM400"), ("histories.py", 2, "LCM400")}
    enabled = ours(pylint(tmp_path, "--enable=langchain-history-runnable,W5251", "histories.py"))
    assert enabled == default | {
        ("histories.py", 1, "LCM501"),
        ("histories.py", 2, "LCM500"),
        ("histories.py", 4, "LCM500"),
        ("histories.py", 4, "LCM501"),
    }
    assert enabled == {(p, r, code) for p, r, _, code, _ in flake8(tmp_path, "histories.py")}  # LCM,LCM5: all


def test_load_plugins_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pylint.main]\nload-plugins = ["lint_memory.pylint_plugin"]\n'
        '[tool.pylint."messages control"]\ndisable = ["all"]\nenable = ["langchain-buffer-memory"]\n',
        encoding="utf-8",
    )
    app = "from langchain_classic.memory import ConversationBufferMemory\n"
    (tmp_path / "app.py").write_text(app, encoding="utf-8")
    assert ours(pylint(tmp_path, "app.py", plugin=False)) == {("app.py", 1, "LCM100")}


# --- bad input ---------------------------------------------------------------------------------
def test_bad_input_never_crashes_pylint(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "broken.py").write_text("from langchain.memory import (\n", encoding="utf-8")
    (app / "latin.py").write_bytes(
        b"# -*- coding: latin-1 -*-\n# caf\xe9\nfrom langchain.memory import ConversationBufferMemory\n"
    )
    (app / "deep.py").write_text(
        "from langchain.memory import ConversationBufferMemory\nx = " + "[" * 90 + "]" * 90 + "\n", encoding="utf-8"
    )
    (app / "cycle_a.py").write_text(
        "from app.cycle_b import B, make\n\n\nclass A(B):\n    pass\n\n\ndef use():\n    make().clear()\n",
        encoding="utf-8",
    )
    (app / "cycle_b.py").write_text(
        "from app.cycle_a import A\n\n\nclass B(A):\n    pass\n\n\ndef make():\n    return make()\n", encoding="utf-8"
    )
    (app / "relative.py").write_text(
        "from ...nowhere import thing\nfrom .missing import Memory\n\nthing.clear()\nMemory().save_context({}, {})\n",
        encoding="utf-8",
    )
    items = pylint(tmp_path, "--disable=all", f"--enable={ALL_SYMBOLS},syntax-error", "app")
    assert ours(items) == {
        ("app/latin.py", 3, "LCM100"),
        ("app/latin.py", 3, "LCM400"),
        ("app/deep.py", 1, "LCM100"),
        ("app/deep.py", 1, "LCM400"),
    }
    assert [(i["path"], i["symbol"]) for i in items if i["symbol"] not in CODE_OF] == [
        ("app/broken.py", "syntax-error")
    ]


# --- one keyword search: `memory=` through a re-exported chain -----------------------------------
ANSWERS = "myapp/answers.py"  # takes `LLMChain` from `myapp/chains.py`, which re-exports LangChain's
DIRECT = "myapp/answers_direct.py"  # the same code importing `LLMChain` from LangChain itself
CLI = [str(Path(sys.executable).with_name("lint-memory"))]


def cli(cwd: Path, *args: str) -> Found:
    """(path, line, code) of every finding of ``lint-memory check`` (JSON output)."""
    done = subprocess.run(
        [*CLI, "check", "--output-format", "json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return {
        (Path(r["filename"]).relative_to(cwd).as_posix(), r["location"]["row"], r["code"])
        for r in json.loads(done.stdout)
    }


def test_memory_argument_through_a_reexported_chain_is_reported_as_with_a_direct_import(tmp_path):
    """pylint, flake8 and the CLI report `memory=` on the lines the engine reports when the same code
    imports `LLMChain` directly, and never `memory=None`; only pylint sees that a value made in another
    module (a parameter here) reaches a legacy chain, which a direct import tells the engine too."""
    project = _copy_project(tmp_path)
    code = (project / ANSWERS).read_text(encoding="utf-8")
    direct = code.replace("from myapp.chains import LLMChain", "from langchain_classic.chains import LLMChain")
    assert direct != code
    (project / DIRECT).write_text(direct, encoding="utf-8")
    engine_lines = {f.line for f in engine.check_source(direct, DIRECT) if f.code == "LCM300"}
    none_lines = {
        row
        for row, line in enumerate(code.splitlines(), start=1)
        if "LLMChain(" in line and ("memory=None" in line or '"memory": None' in line)
    }
    assert len(none_lines) == 2 and not none_lines & engine_lines
    inferred = {line for path, line, code in marks(project, "inferred") if path == ANSWERS and code == "LCM300"}
    assert inferred and inferred < engine_lines

    from_pylint = ours(pylint(project, "--disable=all", f"--enable={DEFAULT_SYMBOLS}", ANSWERS, DIRECT))
    from_flake8 = {(path, row, code) for path, row, _, code, _ in flake8(project, ANSWERS, DIRECT)}
    from_cli = cli(project, ANSWERS, DIRECT)

    def lines(found: Found, path: str) -> set[int]:
        return {line for name, line, code in found if name == path and code == "LCM300"}

    for found in (from_pylint, from_flake8, from_cli):  # with a direct import: the engine's lines, everywhere
        assert lines(found, DIRECT) == engine_lines
    assert lines(from_pylint, ANSWERS) == engine_lines  # through the re-export: the same lines
    assert lines(from_flake8, ANSWERS) == lines(from_cli, ANSWERS) == engine_lines - inferred
    # Exact codes and lines of everything else, as the marks say.
    answers_marks = {item for item in marks(project, "expect", "inferred") if item[0] == ANSWERS}
    assert {item for item in from_pylint if item[0] == ANSWERS} == answers_marks
    expected_by_engine = answers_marks - {(ANSWERS, line, "LCM300") for line in inferred}
    assert {item for item in from_flake8 if item[0] == ANSWERS} == expected_by_engine
    assert {item for item in from_cli if item[0] == ANSWERS} == expected_by_engine
    direct_findings = {(DIRECT, f.line, f.code) for f in engine.check_source(direct, DIRECT)}
    assert {item for item in from_pylint if item[0] == DIRECT} == direct_findings
    assert {item for item in from_flake8 if item[0] == DIRECT} == direct_findings
    assert {item for item in from_cli if item[0] == DIRECT} == direct_findings


# --- the README table -----------------------------------------------------------------------------
def test_docs_table_lists_exactly_what_only_pylint_finds():
    text = (ROOT / "docs" / "pylint.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(myapp/[\w/]+\.py):(\d+)` \| ([A-Z0-9, ]+) \|", text, re.MULTILINE)
    documented = {(path, int(line), code.strip()) for path, line, codes in rows for code in codes.split(",")}
    assert documented == marks(PROJECT, "inferred") - marks(PROJECT, "expect")
