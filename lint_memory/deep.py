"""Running a recursive function on input that is merely long: a worker thread with a large stack.

CPython's ``ast.parse`` (building the tree's Python objects) and the engine's visitor recurse once
per level of nesting, so an ``if``/``elif`` chain of 200 branches, a 200-call method chain or
``a + a + ...`` with 10,000 terms exceed the default recursion limit of 1,000 though they are valid
Python.  ``call_deep`` runs such a call again in a thread whose stack is ``STACK_SIZE`` bytes, with
the recursion limit raised to ``RECURSION_LIMIT`` while it runs, so that the limit is reached (a
``RecursionError``, reported as LCM904) long before the stack would overflow.  The stack is
reserved, not used: only the pages the recursion touches cost memory.

Callers try the ordinary call first and use ``call_deep`` only on a ``RecursionError``
(``retry_deep``): a file of ordinary depth pays nothing, and the run itself stays on the main thread
(an interrupted run stops at once: the worker is a daemon thread, and the recursion limit is put
back, so it soon stops too).  What the parser itself refuses whatever the stack (its fixed limits:
"too many nested parentheses", "too complex", and, on Python 3.12 and later, the C recursion limit
when the tree's objects are built) still fails here, with the parser's own error.

The recursion limit is one per interpreter: it is raised only for the duration of a deep call, one
deep call at a time (a lock), and put back afterwards; the calling thread waits meanwhile.  On
Python 3.10 and 3.11 the limit also counts C frames, so a third thread recursing deeply through C
code at the same moment could run past its own (smaller) stack before the raised limit stops it.
The CLI's main thread only waits; the language server, which checks on two threads, calls
``use_large_stacks`` first, so every thread it starts has a stack as large as the deep one's.  From
Python 3.12 C recursion has its own fixed limit and the raised one is harmless.
"""

from __future__ import annotations

import _thread
import contextlib
import sys
from collections.abc import Callable
from typing import TypeVar

__all__ = ["RECURSION_LIMIT", "STACK_SIZE", "call_deep", "retry_deep", "use_large_stacks"]

STACK_SIZE = 512 * 1024 * 1024  # reserved address space; the pages touched are what count
RECURSION_LIMIT = 120_000  # frames; at most ~4 KiB of stack each, far below STACK_SIZE

T = TypeVar("T")

# threading's Lock and local are _thread's; threading itself is imported by the rare run that goes deep
_LOCK = _thread.allocate_lock()
_STATE = _thread._local()  # ``deep`` is true in a thread ``call_deep`` started


def call_deep(function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``function(*args, **kwargs)`` in a thread with a large stack and a raised recursion limit.

    Returns its result or raises its exception (a ``RecursionError`` if even this is not deep
    enough).  The worker is a daemon thread: an interrupted caller does not wait for it.  Called
    from such a thread already, it calls ``function`` there.
    """
    if getattr(_STATE, "deep", False):
        return function(*args, **kwargs)
    import threading

    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        _STATE.deep = True
        try:
            outcome.append(function(*args, **kwargs))
        except BaseException as error:  # handed to the caller, who raises it
            failure.append(error)

    with _LOCK:
        previous_stack = threading.stack_size()
        previous_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
        try:
            threading.stack_size(STACK_SIZE)
            try:
                worker = threading.Thread(target=run, name="lint-memory-deep", daemon=True)
                worker.start()
            finally:
                threading.stack_size(previous_stack)
            worker.join()
        finally:
            sys.setrecursionlimit(previous_limit)
    if failure:
        raise failure[0]
    return outcome[0]


def retry_deep(function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """``function(*args, **kwargs)``; if it runs out of recursion depth, again with ``call_deep``.

    Only for a function that can safely run twice: one that changes nothing before it returns.
    """
    try:
        return function(*args, **kwargs)
    except RecursionError:
        return call_deep(function, *args, **kwargs)


def use_large_stacks() -> None:
    """Give every thread started from now on a ``STACK_SIZE`` stack, for a process that checks on several threads.

    The recursion limit ``call_deep`` raises is the interpreter's, so while one thread runs a deep call another
    thread recursing through C code (Python 3.10 and 3.11 count those frames against the same limit) could run
    past an ordinary thread's stack before the limit stops it.  With this, no thread's stack is smaller than the
    deep one's; the stacks are reserved address space, not memory used.  Call it before starting those threads.
    """
    import threading

    with contextlib.suppress(ValueError, RuntimeError):  # a platform that cannot give such stacks: ordinary ones
        threading.stack_size(STACK_SIZE)
