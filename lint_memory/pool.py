"""Running numbered tasks over several processes: ``map_unordered(call, count, jobs)``.

Where the system can fork (Linux and the BSDs; not Windows, and not macOS, whose system libraries
are not safe to use in a forked child), the workers are forked from this process once everything
the tasks need is in memory: nothing is pickled on the way in, the workers start in about a
millisecond instead of importing everything again, and each result comes back pickled through
its worker's own pipe.  The tasks are shared out through one more pipe holding their numbers
(four bytes each): every process, this one included, reads the next number when it is free, so a
slow task never leaves the others idle, and the run ends when the pipe is empty.  A worker that
dies (killed, out of memory) takes down the one task it was on: that task's result is
``lost(number)``, and the other processes finish the rest.

Elsewhere ``concurrent.futures``' process pool does the same job (its workers import what they
need, so ``call`` and the tasks travel pickled): see ``runner``, which chooses.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import sys
from collections.abc import Callable, Iterator
from typing import TypeVar

__all__ = ["can_fork", "map_unordered"]

R = TypeVar("R")

_NUMBER = 4  # bytes per task number in the queue
# Writes of at most PIPE_BUF bytes (512 at the least, by POSIX) are atomic: every chunk of the queue
# lands whole, so the pipe always holds whole numbers, and every read of four bytes gets one.
_CHUNK = 512
_HEADER = 8  # bytes of a result frame's length


def can_fork() -> bool:
    """Can ``map_unordered`` fork its workers here: a system whose forked children may keep running
    Python, and no other thread in this process (a thread holding a lock would hold it for ever in
    the child, and Python 3.12+ warns about forking then)."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def map_unordered(
    call: Callable[[int], R], count: int, jobs: int, lost: Callable[[int, str], R]
) -> Iterator[tuple[int, R]]:
    """``(number, call(number))`` for each number below ``count``, as they finish, over ``jobs``
    processes: this one and ``jobs - 1`` forked workers (``can_fork()`` must hold).  ``call`` must
    not raise (a task's failure is its result); a task whose result never came back gives
    ``lost(number, why)``: its worker died on it, or the result could not be pickled."""
    workers = max(0, min(jobs, count) - 1)
    if not workers:
        for number in range(count):
            yield number, call(number)
        return
    queue_read, queue_write = os.pipe()
    overflow = _fill(queue_write, count)  # the numbers that did not fit: this process takes them
    os.close(queue_write)
    children: dict[int, int] = {}  # result pipe's read end -> pid
    buffers: dict[int, bytearray] = {}
    done: set[int] = set()
    gc.freeze()  # what the workers inherit: collecting would touch, and so copy, every page of it
    try:
        for _ in range(workers):
            result_read, result_write = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no more processes for now: those there are do the work
                os.close(result_read)
                os.close(result_write)
                break
            if pid == 0:  # the worker: never returns
                os.close(result_read)
                for other in children:
                    os.close(other)
                _work(call, lost, queue_read, result_write)
            os.close(result_write)
            os.set_blocking(result_read, False)
            _widen(result_read)
            children[result_read] = pid
            buffers[result_read] = bytearray()
        while (taken := _take(queue_read)) is not None:
            done.add(taken)
            yield taken, call(taken)
            yield from _collect(children, buffers, done, wait=False)
        for number in overflow:
            done.add(number)
            yield number, call(number)
        yield from _collect(children, buffers, done, wait=True)
        for number in range(count):
            if number not in done:  # its worker died on it
                yield number, lost(number, "the worker process checking it died")
    finally:
        gc.unfreeze()
        os.close(queue_read)
        for fd, pid in children.items():
            if fd in buffers:  # the run stopped early (an interrupt, or the caller gave up): stop the worker too
                _kill(pid)
                os.close(fd)
            _reap(pid)


def _fill(queue: int, count: int) -> list[int]:
    """Write the task numbers into the queue as far as it holds them; returns the rest."""
    os.set_blocking(queue, False)
    numbers = b"".join(number.to_bytes(_NUMBER, "little") for number in range(count))
    written = 0
    while written < len(numbers):
        try:
            written += os.write(queue, numbers[written : written + _CHUNK])
        except BlockingIOError:
            break
    return list(range(written // _NUMBER, count))


def _take(queue: int) -> int | None:
    """The next task number, or None once the queue is empty (all write ends are closed first)."""
    data = os.read(queue, _NUMBER)
    return int.from_bytes(data, "little") if data else None


def _work(call: Callable[[int], R], lost: Callable[[int, str], R], queue: int, results: int) -> None:
    """A worker's life: take numbers until the queue is empty, send each result; then exit."""
    status = 1
    try:
        while (number := _take(queue)) is not None:
            result = call(number)
            try:
                payload = pickle.dumps((number, result), pickle.HIGHEST_PROTOCOL)
            except Exception as error:  # a result that cannot travel costs its task only
                why = f"its result could not be sent back: {type(error).__name__}: {error}"
                payload = pickle.dumps((number, lost(number, why)), pickle.HIGHEST_PROTOCOL)
            _write_all(results, len(payload).to_bytes(_HEADER, "little") + payload)
        status = 0
    finally:
        os._exit(status)  # no cleanup of the parent's: its atexit handlers, buffers and finally blocks are its own


def _widen(pipe: int) -> None:
    """Let the pipe hold a large result (Linux): a worker waits less for this process to read."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass  # the system's size, or a limit the user set: results just wait a little longer


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _collect(
    children: dict[int, int], buffers: dict[int, bytearray], done: set[int], *, wait: bool
) -> Iterator[tuple[int, R]]:
    """The results the workers have sent: those already there, or (``wait``) all until each worker
    has closed its pipe.  A pipe at its end is closed and leaves ``buffers``."""
    while buffers:
        poller = select.poll()
        for fd in buffers:
            poller.register(fd, select.POLLIN)
        ready = poller.poll(None if wait else 0)
        if not ready:
            return
        for fd, _ in ready:
            buffer = buffers[fd]
            while True:
                try:
                    chunk = os.read(fd, 1 << 20)
                except BlockingIOError:
                    break
                if not chunk:  # the worker is done (or dead): what it sent in full is all there is
                    os.close(fd)
                    del buffers[fd]
                    break
                buffer += chunk
            while len(buffer) >= _HEADER:
                size = int.from_bytes(buffer[:_HEADER], "little")
                if len(buffer) < _HEADER + size:
                    break
                number, result = pickle.loads(buffer[_HEADER : _HEADER + size])
                del buffer[: _HEADER + size]
                done.add(number)
                yield number, result


def _kill(pid: int) -> None:
    import signal

    with contextlib.suppress(OSError):  # it has just ended on its own
        os.kill(pid, signal.SIGKILL)


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):  # someone else waited for it
        os.waitpid(pid, 0)
