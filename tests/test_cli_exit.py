"""The command leaves without the interpreter's teardown (``cli.exit_now``): whatever it
printed must still arrive whole, buffered or not, and the exit status must be the command's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LEGACY = "from langchain.memory import ConversationBufferMemory\nmemory = ConversationBufferMemory()\n"


def _environment(buffered: bool) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    if not buffered:
        environment["PYTHONUNBUFFERED"] = "1"
    return environment


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("entry", ["module", "script"])
def test_every_byte_of_a_large_output_arrives_with_the_status(tmp_path, buffered, entry):
    for number in range(150):  # 450 findings: far more JSON than one buffer holds
        (tmp_path / f"m{number:03}.py").write_text(LEGACY)
    script = shutil.which("lint-memory", path=os.path.dirname(sys.executable))
    if entry == "script" and script is None:
        pytest.skip("the lint-memory script is not installed beside this interpreter")
    command = [sys.executable, "-m", "lint_memory"] if entry == "module" else [str(script)]
    done = subprocess.run(
        [*command, "check", "--isolated", "--output-format", "json", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=_environment(buffered),
    )
    assert done.returncode == 1, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 450
    assert {Path(row["filename"]).name for row in rows} == {f"m{number:03}.py" for number in range(150)}


@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
def test_a_short_output_arrives_too_and_a_usage_error_exits_2(tmp_path, buffered):
    """A line or two stays in the stream's buffer until it is flushed: leaving must flush it."""
    (tmp_path / "clean.py").write_text("x = 1\n")
    (tmp_path / "legacy.py").write_text(LEGACY)
    lint_memory = [sys.executable, "-m", "lint_memory", "check", "--isolated"]
    environment = _environment(buffered)
    clean = subprocess.run([*lint_memory, "clean.py"], cwd=tmp_path, capture_output=True, text=True, env=environment)
    assert (clean.returncode, clean.stdout) == (0, "All checks passed!\n")
    found = subprocess.run(
        [*lint_memory, "--output-format", "concise", "legacy.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment,
    )
    assert found.returncode == 1
    assert [line.split(" ")[:2] for line in found.stdout.splitlines()] == [
        ["legacy.py:1:30:", "LCM100"],
        ["legacy.py:1:30:", "LCM400"],
        ["legacy.py:2:10:", "LCM100"],
        ["Found", "3"],
    ]
    usage = subprocess.run(
        [*lint_memory, "--no-such-option"], cwd=tmp_path, capture_output=True, text=True, env=environment
    )
    assert usage.returncode == 2
    assert "unrecognized arguments: --no-such-option" in usage.stderr
