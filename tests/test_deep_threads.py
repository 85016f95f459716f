"""Threads that check while another runs a deep call: ``deep.use_large_stacks`` (what the server calls).

``call_deep`` raises the interpreter's recursion limit while it runs.  On Python 3.10 and 3.11 C frames
count against that limit, so another thread recursing through C code could run past an ordinary thread's
stack before the limit stops it, and the process dies.  Each case runs in its own process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import sys, threading, time
    from concurrent.futures import ThreadPoolExecutor
    from lint_memory import deep
    if sys.argv[1] == "large":
        deep.use_large_stacks()
    elif sys.argv[1] == "server":
        from lint_memory.frontends.server import build_server
        build_server()

    def down(n):  # each level goes through C code (map, sum), which counts on 3.10 and 3.11
        return 0 if n == 0 else sum(map(down, [n - 1]))

    pool = ThreadPoolExecutor(max_workers=1)
    holder = threading.Thread(target=deep.call_deep, args=(time.sleep, 3))
    holder.start()
    time.sleep(0.5)  # the limit is raised now
    try:
        print(pool.submit(down, 30_000).result())
    except RecursionError:  # Python 3.12+: C recursion stops at its own fixed limit, cleanly
        print("RecursionError")
    holder.join()
    """
)


def run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("mode", ["large", "server"])
def test_a_thread_recursing_while_the_limit_is_raised_survives(mode: str) -> None:
    result = run(mode)
    expected = "0\n" if sys.version_info < (3, 12) else "RecursionError\n"
    assert (result.returncode, result.stdout) == (0, expected), result.stderr[-2000:]


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="from 3.12 C recursion has its own fixed limit")
def test_without_large_stacks_the_same_recursion_kills_the_process() -> None:
    """The case above is not vacuous: with ordinary stacks the process dies."""
    result = run("small")
    assert result.returncode < 0  # killed by a signal (SIGSEGV), not an exception
    assert result.stdout == ""
