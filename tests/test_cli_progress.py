"""The progress bar: on a terminal's stderr, for long runs only, never in CI or in piped output."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from lint_memory import runner
from lint_memory.frontends import progress
from lint_memory.project.settings import Settings


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_wanted_only_on_a_terminal_outside_ci():
    assert progress.wanted(Terminal(), {})
    assert not progress.wanted(io.StringIO(), {})
    assert not progress.wanted(Terminal(), {"CI": "true"})
    assert not progress.wanted(Terminal(), {"TERM": "dumb"})


def test_bar_waits_draws_throttled_and_erases_itself():
    stream, clock = Terminal(), Clock()
    bar = progress.Bar(stream, clock)
    bar.start(10)
    bar.advance(3)
    assert stream.getvalue() == ""  # a quick run stays silent
    clock.now += progress.DELAY
    bar.advance(2)
    assert stream.getvalue().endswith(f"\r\x1b[Kchecking [{'#' * 15}{'-' * 15}] 5/10 files")
    drawn = stream.getvalue()
    bar.advance(1)
    assert stream.getvalue() == drawn  # at most one redraw per interval
    clock.now += 2 * progress.INTERVAL
    bar.advance(4)
    assert stream.getvalue().endswith("10/10 files")
    bar.finish()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_runner_reports_progress_for_every_file(tmp_path):
    for index in range(30):
        (tmp_path / f"f{index}.py").write_text(
            "from langchain.memory import ConversationBufferMemory\n" if index % 3 == 0 else "x = 1\n",
            encoding="utf-8",
        )

    class Recorder:
        def __init__(self) -> None:
            self.events: list[tuple[str, int]] = []

        def start(self, total: int) -> None:
            self.events.append(("start", total))

        def advance(self, count: int = 1) -> None:
            self.events.append(("advance", count))

        def finish(self) -> None:
            self.events.append(("finish", 0))

    recorder = Recorder()
    reports = runner.check_paths([str(tmp_path)], Settings(jobs=1), progress=recorder)
    assert len(reports) == 30
    assert recorder.events[0] == ("start", 30) and recorder.events[-1] == ("finish", 0)
    assert sum(count for kind, count in recorder.events if kind == "advance") == 30


def test_no_bar_in_ci_even_on_a_terminal(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    leader, follower = pty.openpty()
    env = {**os.environ, "CI": "1"}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "lint_memory", "check", "--isolated", "."],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=120,
        )
        os.close(follower)
        follower = -1
        written = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(leader)
        if follower >= 0:
            os.close(follower)
    assert result.stdout == "All checks passed!\n"
    assert written == b""


def test_progress_module_is_used_by_the_cli_only_for_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert isinstance(progress.for_stderr(), progress.Bar)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert progress.for_stderr() is None
    assert Path(progress.__file__).name == "progress.py"
