"""The process pool of ``runner._pool_map``: this process and the workers share the tasks; every task's
result arrives exactly once, and a task that fails as a whole costs its own files only, wherever it ran,
as does a worker that dies."""

from __future__ import annotations

import os
import signal
import time

import pytest

from lint_memory import engine, pool, runner
from lint_memory.model import FileReport
from lint_memory.project.settings import Settings


def _report_pids(paths, settings):
    """One report per path, its error naming the process that checked it; ``boom`` fails the task."""
    if "boom" in paths:
        raise ValueError("injected")
    time.sleep(0.002)  # slow enough that every process gets tasks
    return [FileReport(path, error=str(os.getpid())) for path in paths]


@pytest.mark.parametrize("forked", [True, False], ids=["forked", "concurrent.futures"])
def test_every_task_once_and_a_failed_task_costs_its_files_only(monkeypatch, forked):
    if forked and not pool.can_fork():
        pytest.skip("workers are forked only where the system allows it")
    monkeypatch.setattr(pool, "can_fork", lambda: forked)
    settings = Settings()
    tasks = [(settings, [f"t{number}a", f"t{number}b"]) for number in range(40)]
    tasks[0] = (settings, ["boom", "t0b"])
    tasks[25] = (settings, ["t25a", "boom"])
    done = dict(runner._pool_map(_report_pids, tasks, 2))
    assert sorted(done) == list(range(40))
    for number, reports in done.items():
        assert [report.path for report in reports] == tasks[number][1]
    for number in (0, 25):
        assert {report.error for report in done[number]} == {"ValueError: injected"}
    pids = {report.error for number, reports in done.items() if number not in (0, 25) for report in reports}
    assert str(os.getpid()) in pids  # this process took tasks
    assert len(pids) == 2  # and so did the worker


def test_one_task_runs_here_without_a_pool():
    settings = Settings()
    done = list(runner._pool_map(_report_pids, [(settings, ["a.py"])], 2))
    assert [(number, [report.error for report in reports]) for number, reports in done] == [(0, [str(os.getpid())])]
    assert list(runner._pool_map(_report_pids, [], 2)) == []


LEGACY = "from langchain.memory import ConversationBufferMemory\nmemory = ConversationBufferMemory()\n"


@pytest.mark.skipif(not pool.can_fork(), reason="a forked worker is what dies here")
def test_a_worker_that_dies_costs_the_files_of_its_task_only(tmp_path, monkeypatch):
    names = [f"m{number:03}.py" for number in range(runner.SCREEN_IN_POOL)]
    for name in names:
        (tmp_path / name).write_text(LEGACY)
    here = os.getpid()
    real = engine.check_tree
    first = []

    def check_tree(tree, lines=None):
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)  # the worker dies on its first file
        if not first:
            first.append(time.sleep(0.05))  # this process's first file takes long: the worker gets a task
        return real(tree, lines)

    monkeypatch.setattr(engine, "check_tree", check_tree)
    monkeypatch.setattr(runner, "SCREEN_BATCH", 10)
    reports = runner.check_paths([str(tmp_path)], Settings(jobs=2))
    assert [os.path.basename(report.path) for report in reports] == names
    died = [index for index, report in enumerate(reports) if report.error]
    assert {reports[index].error for index in died} == {"the worker process checking it died"}
    assert len(died) == 10 and died == list(range(died[0], died[0] + 10))  # the one task it was on
    for report in reports:
        if not report.error:
            assert [f.code for f in report.findings] == ["LCM100", "LCM400", "LCM100"]
