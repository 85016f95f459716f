"""``lint_memory.pool``: forked workers sharing one queue of task numbers.  Every task's result arrives
exactly once, whichever process ran it; a worker that dies costs the one task it was on; stopping
early leaves no worker behind."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from lint_memory import pool

pytestmark = pytest.mark.skipif(not pool.can_fork(), reason="workers are forked only where the system allows it")


def _lost(number: int, why: str) -> tuple[str, int, str]:
    return ("lost", number, why)


def _pid_of(number: int) -> tuple[int, int]:
    return (number, os.getpid())


@pytest.mark.parametrize("jobs", [1, 2, 3])
@pytest.mark.parametrize("count", [0, 1, 2, 7, 300])
def test_every_task_once_with_its_own_result(jobs, count):
    done = list(pool.map_unordered(lambda number: number * number, count, jobs, _lost))
    assert sorted(number for number, _ in done) == list(range(count))
    assert all(result == number * number for number, result in done)


def test_one_job_or_one_task_runs_here():
    here = os.getpid()
    assert {pid for _, (_, pid) in pool.map_unordered(_pid_of, 5, 1, _lost)} == {here}
    assert [pid for _, (_, pid) in pool.map_unordered(_pid_of, 1, 4, _lost)] == [here]


def test_this_process_and_the_workers_share_the_tasks():
    """A slow task does not hold up the others: whoever is free takes the next one."""

    def slow(number: int) -> tuple[int, int]:
        time.sleep(0.02)
        return _pid_of(number)

    done = dict(pool.map_unordered(slow, 12, 3, _lost))
    pids = {pid for _, pid in done.values()}
    assert os.getpid() in pids
    assert len(pids) == 3  # both workers took tasks too


def test_results_larger_than_a_pipe_arrive_whole():
    big = {number: bytes([number]) * (300_000 + number) for number in range(6)}
    done = dict(pool.map_unordered(lambda number: big[number], 6, 2, _lost))
    assert done == big


def test_a_worker_that_dies_costs_the_task_it_was_on():
    here = os.getpid()

    def deadly(number: int) -> tuple[int, int]:
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)  # the worker dies on its first task
        time.sleep(0.01)
        return _pid_of(number)

    done = list(pool.map_unordered(deadly, 20, 2, _lost))
    assert sorted(number for number, _ in done) == list(range(20))
    lost = [result for _, result in done if result[0] == "lost"]
    assert [why for _, _, why in lost] == ["the worker process checking it died"]
    assert all(result == (number, here) for number, result in done if result[0] != "lost")


def test_a_result_that_cannot_be_pickled_costs_its_task_only():
    here = os.getpid()

    def unpicklable(number: int) -> object:
        return (lambda: number) if os.getpid() != here else number

    done = dict(pool.map_unordered(unpicklable, 30, 2, _lost))
    assert sorted(done) == list(range(30))
    for number, result in done.items():
        if isinstance(result, tuple):
            assert result[:2] == ("lost", number)
            assert result[2].startswith("its result could not be sent back: ")
        else:
            assert result == number


def test_more_tasks_than_the_queue_holds():
    """The numbers that do not fit in the pipe are taken by this process after the queue is empty."""
    count = 40_000  # 160 kB of numbers: more than a pipe holds
    done = list(pool.map_unordered(lambda number: number, count, 2, _lost))
    assert sorted(number for number, _ in done) == list(range(count))


def test_stopping_early_leaves_no_worker_behind():
    def slow(number: int) -> tuple[int, int]:
        time.sleep(0.01)
        return _pid_of(number)

    results = pool.map_unordered(slow, 200, 3, _lost)
    next(results)
    workers = set()
    for _, (_, pid) in results:
        if pid != os.getpid():
            workers.add(pid)
            break
    results.close()
    assert workers
    for pid in workers:
        with pytest.raises(ChildProcessError):  # reaped: not even a zombie is left
            os.waitpid(pid, os.WNOHANG)


def test_no_forking_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not pool.can_fork()
    finally:
        stop.set()
        thread.join()
    assert pool.can_fork()
