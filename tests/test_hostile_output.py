"""Output that cannot fail (issue 15), through the command line as a subprocess.

A standard output that cannot encode a character of a flagged line or of a path (cp1252, ASCII)
gets a backslash escape for it (``\\U0001f600``; a byte of a file name that is not UTF-8 shows as
``\\udcff``); the JSON formats, SARIF and GitLab are pure ASCII (``\\u`` escapes), so they stay
valid JSON on any stream; SARIF URIs percent-encode a name's bytes.  A closed pipe ends the run
quietly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory.output import formats

LEGACY = "from langchain.memory import ConversationBufferMemory  # 😀 中文 prompt\n"
ENCODINGS = ["cp1252", "ascii", "utf-8"]
MACHINE = {"json", "json-lines", "sarif", "gitlab"}


def run(args: list[str], cwd: Path, encoding: str) -> subprocess.CompletedProcess[bytes]:
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    environ["PYTHONIOENCODING"] = encoding
    return subprocess.run(
        [sys.executable, "-m", "lint_memory", *args], cwd=cwd, capture_output=True, env=environ, timeout=120
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "中😀.py").write_text(LEGACY, encoding="utf-8")
    if sys.platform.startswith("linux"):
        with open(os.path.join(os.fsencode(tmp_path), b"\xff\xfe.py"), "w", encoding="utf-8") as handle:
            handle.write(LEGACY)
    (tmp_path / "pyproject.toml").write_text('[tool.lint-memory]\nper-file-ignores = { "x😀" = ["LCM1"] }\n')
    return tmp_path


def _names(tree: Path) -> int:
    return len([name for name in os.listdir(tree) if name.endswith(".py")])


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("output_format", list(formats.FORMATS))
def test_every_format_survives_any_stream_encoding_and_names_that_are_not_utf8(tree, encoding, output_format):
    result = run(["check", ".", "--output-format", output_format], tree, encoding)
    assert result.returncode == 1, result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr and result.stderr == b""
    text = result.stdout.decode(encoding if encoding != "ascii" else "ascii")  # exactly the stream's encoding
    files = _names(tree)
    if output_format in ("json", "gitlab"):
        assert len(json.loads(text)) == 2 * files
    elif output_format == "json-lines":
        assert len([json.loads(line) for line in text.splitlines()]) == 2 * files
    elif output_format == "sarif":
        results = json.loads(text)["runs"][0]["results"]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        assert "%E4%B8%AD%F0%9F%98%80.py" in uris
        if files == 2:
            assert "%FF%FE.py" in uris
    if output_format in MACHINE:
        assert text.isascii()
    if output_format in ("full", "concise") and encoding != "utf-8":
        assert "\\u4e2d\\U0001f600.py" in text
        if files == 2:
            assert "\\udcff\\udcfe.py" in text
    if output_format == "concise" and encoding == "utf-8":
        assert "中😀.py:1:30: LCM100" in text


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
@pytest.mark.parametrize(
    "args",
    [
        ["check", ".", "--statistics"],
        ["check", ".", "--statistics", "--output-format", "json"],
        ["check", ".", "--show-settings"],
        ["check", "中😀.py", "--show-settings"],
        ["report", "."],
        ["report", ".", "--output-format", "markdown"],
        ["rules"],
        ["rules", "--output-format", "json"],
        ["rules", "--output-format", "ruff"],
        ["explain", "LCM100"],
    ],
    ids=lambda args: " ".join(args),
)
def test_the_other_outputs_survive_a_narrow_stream(tree, encoding, args):
    result = run(args, tree, encoding)
    assert b"Traceback" not in result.stderr, result.stderr.decode("utf-8", "replace")
    assert result.returncode in (0, 1)
    result.stdout.decode(encoding)
    if "json" in args:
        json.loads(result.stdout)


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_messages_on_stderr_naming_a_path_survive_a_narrow_stream(tmp_path, encoding):
    folder = tmp_path / "配置😀"
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[tool.lint-memory]\nselect = 3\n", encoding="utf-8")
    (folder / "a.py").write_text(LEGACY, encoding="utf-8")
    result = run(["check", "."], folder, encoding)
    assert result.returncode == 2
    message = result.stderr.decode(encoding)
    assert message.startswith("lint-memory: error: ") and "\\u914d\\u7f6e\\U0001f600" in message


def test_a_closed_pipe_exits_quietly(tmp_path):
    for index in range(300):
        (tmp_path / f"m{index}.py").write_text(LEGACY, encoding="utf-8")
    environ = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR", "CI")}
    process = subprocess.Popen(
        [sys.executable, "-m", "lint_memory", "check", ".", "--output-format", "concise"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environ,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # `| head -1`
    errors = process.stderr.read()
    process.wait(timeout=120)
    assert first.startswith(b"m") and b"LCM" in first
    assert b"Traceback" not in errors and b"BrokenPipe" not in errors and b"Exception ignored" not in errors
    assert process.returncode in (0, 1)
