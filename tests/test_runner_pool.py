"""The process pool of ``runner._pool_map``: this process takes the first task and the tasks no worker
has started, the workers the rest; every task's result arrives exactly once, and a task that fails as a
whole costs its own files only, wherever it ran."""

from __future__ import annotations

import os

from lint_memory import runner
from lint_memory.model import FileReport
from lint_memory.project.settings import Settings


def _report_pids(paths, settings):
    """One report per path, its error naming the process that checked it; ``boom`` fails the task."""
    if "boom" in paths:
        raise ValueError("injected")
    return [FileReport(path, error=str(os.getpid())) for path in paths]


def test_every_task_once_and_a_failed_task_costs_its_files_only():
    settings = Settings()
    tasks = [(settings, [f"t{number}a", f"t{number}b"]) for number in range(40)]
    tasks[0] = (settings, ["boom", "t0b"])  # checked in this process, before any worker exists
    tasks[25] = (settings, ["t25a", "boom"])
    done = dict(runner._pool_map(_report_pids, tasks, 2))
    assert sorted(done) == list(range(40))
    for number, reports in done.items():
        assert [report.path for report in reports] == tasks[number][1]
    for number in (0, 25):
        assert {report.error for report in done[number]} == {"ValueError: injected"}
    pids = {report.error for number, reports in done.items() if number not in (0, 25) for report in reports}
    assert str(os.getpid()) in pids  # this process took tasks no worker had started


def test_one_task_runs_here_without_a_pool():
    settings = Settings()
    done = list(runner._pool_map(_report_pids, [(settings, ["a.py"])], 2))
    assert [(number, [report.error for report in reports]) for number, reports in done] == [(0, [str(os.getpid())])]
    assert list(runner._pool_map(_report_pids, [], 2)) == []
