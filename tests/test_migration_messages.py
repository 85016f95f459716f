"""Every front end says the same about a legacy chain (issue 12): why it is not migrated automatically, naming the
blocking line, on a blocked site, and the plain message on a migratable one. Real ``lint-memory``, ``flake8`` and
``pylint`` runs in subprocesses, on a project that targets LangChain 1.x (where the CLI also plans the fix) and on
one that does not (the reason is a fact about the code, said on any target)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory.rules import BY_CODE

SOURCE = """from langchain.chains import ConversationChain, LLMChain
from langchain.memory import ConversationBufferMemory
from langchain.prompts import PromptTemplate


def make(llm):
    chain = ConversationChain(llm=llm, memory=ConversationBufferMemory())
    return chain


def ok(llm, text):
    chain = ConversationChain(llm=llm)
    return chain.predict(input=text)


def template(llm, text):
    prompt = PromptTemplate.from_template("{history}\\nHuman: {input}\\nAI:")
    chain = LLMChain(llm=llm, prompt=prompt, memory=ConversationBufferMemory(), output_key="answer")
    return chain.invoke({"input": text})["answer"]
"""
RETURNED = "(not migrated automatically: `chain` is returned at line 8)"
OUTPUT_KEY = "(not migrated automatically: `output_key=` at line 18 changes the chain's keys or message format)"
CHAIN_CODES = ("LCM300", "LCM301")


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}


def _run(*command: str, cwd: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True, env=_environment(), timeout=300
    )
    assert done.returncode in (0, 1, 4, 16), done.stdout + done.stderr  # pylint: warnings are bit 4, conventions 16
    return done.stdout


def cli(root: Path) -> dict[tuple[int, str], str]:
    found = json.loads(_run("lint_memory", "check", "--output-format", "json", "--select", "LCM", "app.py", cwd=root))
    return {(f["location"]["row"], f["code"]): f["message"] for f in found if f["code"] in CHAIN_CODES}


def flake8(root: Path) -> dict[tuple[int, str], str]:
    out = _run("flake8", "--select", "LCM", "--format", "%(row)d|%(code)s|%(text)s", "app.py", cwd=root)
    rows = [line.split("|", 2) for line in out.splitlines()]
    return {(int(row), code): text for row, code, text in rows if code in CHAIN_CODES}


def pylint(root: Path) -> dict[tuple[int, str], str]:
    symbols = ",".join(str(BY_CODE[code].pylint_symbol) for code in CHAIN_CODES)
    by_symbol = {BY_CODE[code].pylint_symbol: code for code in CHAIN_CODES}
    out = _run(
        "pylint",
        "--load-plugins",
        "lint_memory.pylint_plugin",
        "--disable=all",
        f"--enable={symbols}",
        "--output-format=json2",
        "--score=n",
        "--persistent=n",
        "app.py",
        cwd=root,
    )
    found = json.loads(out)["messages"]
    return {(m["line"], by_symbol[m["symbol"]]): m["message"] for m in found}


@pytest.fixture(params=["langchain>=1.0", "langchain>=0.3,<0.4"])
def root(request, tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "app"\ndependencies = ["{request.param}"]\n', "utf-8")
    (tmp_path / "app.py").write_text(SOURCE, "utf-8")
    return tmp_path


def test_cli_flake8_and_pylint_say_the_same_about_each_chain(root: Path):
    from_cli, from_flake8, from_pylint = cli(root), flake8(root), pylint(root)
    assert from_cli == from_flake8 == from_pylint
    blocked = from_cli[(7, "LCM301")]
    assert RETURNED in blocked and blocked.count("not migrated") == 1
    assert OUTPUT_KEY in from_cli[(18, "LCM300")]
    migratable = from_cli[(12, "LCM301")]
    assert "not migrated" not in migratable
    assert migratable == blocked.replace(" " + RETURNED, "")
    assert blocked.endswith("; see " + BY_CODE["LCM301"].url)  # the doc URL stays last


def test_a_bug_in_the_matcher_costs_the_reason_not_the_findings(monkeypatch):
    from lint_memory import engine
    from lint_memory.fix.migrate import status

    plain = engine.check_source(SOURCE)

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(status, "match", broken)
    found = engine.check_source(SOURCE)
    assert [(f.code, f.line) for f in found] == [(f.code, f.line) for f in plain]
    assert not any("not migrated" in f.message for f in found)
    assert any("not migrated" in f.message for f in plain)
