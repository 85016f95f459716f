"""Bad input never crashes a run: one LCM9xx diagnostic for the file, the others still checked, no
traceback.  And the byte pre-filter never hides a finding Python would see."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory import runner
from lint_memory.frontends import cli
from lint_memory.project.settings import Settings

LEGACY = "from langchain.memory import ConversationBufferMemory\n"
SETTINGS = Settings()


def check(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lint_memory", "check", "--isolated", "--output-format", "json", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def marks(result: subprocess.CompletedProcess[str]) -> set[tuple]:
    return {
        (Path(r["filename"]).name, r["cell"], r["location"]["row"], r["location"]["column"], r["code"])
        for r in json.loads(result.stdout)
    }


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_every_kind_of_bad_input_in_one_run(tmp_path):
    write(tmp_path / "legacy.py", LEGACY)
    write(tmp_path / "syntax.py", LEGACY + "def broken(:\n")
    write(tmp_path / "latin1.py", b"# caf\xe9\n" + LEGACY.encode())  # no coding cookie: not UTF-8
    write(tmp_path / "nulls.py", b"x = 1\n\x00\n")
    write(tmp_path / "deep.py", LEGACY + "x = " + "[" * 300 + "]" * 300 + "\n")
    write(tmp_path / "deeper.py", "import langchain.memory\nx = langchain.memory" + ".b" * 900 + "\n")
    nested = "".join("    " * depth + "if x:\n" for depth in range(101)) + "    " * 101 + "pass\n"
    write(tmp_path / "indent.py", LEGACY + nested)
    write(tmp_path / "broken.ipynb", '{"cells": [{"cell_type": "code", "source": ["import langchain.memory"]')
    write(tmp_path / "notcells.ipynb", '{"cells": {"langchain": "memory"}}')
    write(tmp_path / "binary.ipynb", b'{"cells": []}\xff\xfe langchain')
    result = check(tmp_path, ".", "missing.py")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr == ""
    assert marks(result) == {
        ("legacy.py", None, 1, 30, "LCM100"),
        ("legacy.py", None, 1, 30, "LCM400"),
        ("syntax.py", None, 2, 12, "LCM901"),
        ("latin1.py", None, 1, 1, "LCM902"),
        ("nulls.py", None, 2, 1, "LCM902"),
        ("deep.py", None, 2, 1, "LCM904"),
        ("deeper.py", None, 1, 8, "LCM400"),  # merely long (a 900-name chain): checked as any file
        ("indent.py", None, 102, 1, "LCM904"),
        ("broken.ipynb", None, 1, 1, "LCM903"),
        ("notcells.ipynb", None, 1, 1, "LCM903"),
        ("binary.ipynb", None, 1, 1, "LCM903"),
        ("missing.py", None, 1, 1, "LCM902"),
    }
    messages = {Path(r["filename"]).name: r["message"] for r in json.loads(result.stdout) if r["code"] >= "LCM9"}
    assert messages["missing.py"] == "cannot read the file: No such file or directory"
    assert messages["nulls.py"] == "the file contains null bytes"
    assert messages["latin1.py"].startswith("the file is not valid utf-8")
    assert messages["broken.ipynb"].startswith("invalid notebook: not valid JSON")


def test_a_folder_that_cannot_be_read(tmp_path):
    write(tmp_path / "ok.py", LEGACY)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user who can read anything (root)")
        result = check(tmp_path, ".")
    finally:
        locked.chmod(0o755)
    assert ("locked", None, 1, 1, "LCM902") in marks(result)
    assert ("ok.py", None, 1, 30, "LCM100") in marks(result)


def test_a_declared_encoding_is_honoured(tmp_path):
    write(tmp_path / "latin1.py", b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + LEGACY.encode())
    write(tmp_path / "bad_cookie.py", b"# -*- coding: klingon -*-\n" + LEGACY.encode())
    assert marks(check(tmp_path, ".")) == {
        ("latin1.py", None, 3, 30, "LCM100"),
        ("latin1.py", None, 3, 30, "LCM400"),
        ("bad_cookie.py", None, 1, 1, "LCM902"),
    }


def test_files_without_langchain_are_not_parsed(tmp_path):
    """The pre-filter's documented trade: a file that cannot mention LangChain memory is not parsed,
    so its syntax errors are not ours to report (undecodable bytes and null bytes still are)."""
    write(tmp_path / "syntax.py", "def broken(:\n")
    write(tmp_path / "latin1.py", b"# caf\xe9\n")
    assert marks(check(tmp_path, ".")) == {("latin1.py", None, 1, 1, "LCM902")}
    assert marks(check(tmp_path, "--no-prefilter", ".")) == {
        ("syntax.py", None, 1, 12, "LCM901"),
        ("latin1.py", None, 1, 1, "LCM902"),
    }


def test_broken_notebooks_are_reported_even_without_langchain(tmp_path):
    """Loading a notebook costs little next to parsing it, so a broken one is always reported,
    whether the run screens files here or in the worker processes."""
    write(tmp_path / "truncated.ipynb", '{"cells": [')
    write(tmp_path / "no_cells.ipynb", '{"metadata": {}}')
    write(tmp_path / "fine.ipynb", '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    expected = {("truncated.ipynb", None, 1, 1, "LCM903"), ("no_cells.ipynb", None, 1, 1, "LCM903")}
    assert marks(check(tmp_path, ".")) == expected
    for index in range(runner.SCREEN_IN_POOL):  # enough files for the pooled path
        write(tmp_path / f"plain_{index}.py", "x = 1\n")
    assert marks(check(tmp_path, ".")) == expected


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # Python NFKC-normalises identifiers: fullwidth and mathematical letters spell `langchain`
        ("fullwidth.py", "from ｌａｎｇｃｈａｉｎ.memory import ConversationBufferMemory\n".encode()),
        ("math.py", "from 𝐥angchain.memory import ConversationBufferMemory\n".encode()),
        ("ligature.py", "from langchain.memory import ConversationBuﬀerMemory\n".encode()),
        # UTF-7 spells letters with other ASCII letters
        ("utf7.py", b"# coding: utf-7\nfrom +AGw-angchain.memory import ConversationBufferMemory\n"),
        # a BOM and other non-ASCII text that changes nothing
        ("bom.py", "\ufeff# café ✓\n".encode() + LEGACY.encode()),
    ],
)
def test_prefilter_never_hides_a_finding(tmp_path, name, data):
    path = write(tmp_path / name, data)
    with_filter = runner.check_file(str(path), SETTINGS)
    without = runner.check_file(str(path), Settings(prefilter=False))
    assert [f.code for f in without.findings][:1] == ["LCM100"]
    assert [(f.line, f.code) for f in with_filter.findings] == [(f.line, f.code) for f in without.findings]


def test_non_ascii_files_without_lookalikes_are_skipped_unparsed(tmp_path):
    path = write(
        tmp_path / "plain.py",
        "# Grüße, 日本語, ✓ — “quotes”\nfrom langchain.chains import LLMChain\nLLMChain(memory=None)\n".encode(),
    )
    report = runner.check_file(str(path), SETTINGS)
    assert (report.parsed, report.findings) == (True, [])  # `langchain` and `memory` are there: parsed
    other = write(tmp_path / "other.py", "# Grüße, 日本語 ✓\nx = 1\n".encode())
    assert runner.check_file(str(other), SETTINGS).parsed is False


def test_an_internal_error_costs_one_file_and_exits_two(tmp_path, monkeypatch, capsys):
    write(tmp_path / "a.py", LEGACY)
    write(tmp_path / "b.py", LEGACY + "memory = 1\n")
    real = runner.engine.check_tree

    def flaky(tree, lines=None):
        if len(lines or []) == 2:
            raise KeyError("boom")
        return real(tree, lines)

    monkeypatch.setattr(runner.engine, "check_tree", flaky)
    monkeypatch.chdir(tmp_path)
    status = cli.main(["check", "--isolated", "--output-format", "concise", "a.py", "b.py"])
    out, err = capsys.readouterr()
    assert status == 2
    assert "a.py:1:30: LCM100" in out and "b.py" not in out
    assert err == (
        "lint-memory: error: lint-memory crashed while checking b.py: KeyError: 'boom'. "
        "This is a bug in lint-memory; please report it at https://github.com/lint-memory/lint-memory/issues\n"
    )
