"""Internal errors: which file was being worked on, and the one line that reports a bug.

A problem with the input is a finding (LCM901-LCM904); anything else that goes wrong is a bug in
lint-memory.  The command never lets one look like findings (exit 1) or end in a traceback: it exits
2 with one line on standard error, as ruff does on a panic::

    lint-memory: error: lint-memory crashed while checking app.py: KeyError: 'x'. This is a bug in
    lint-memory; please report it at https://github.com/lint-memory/lint-memory/issues

(one line; wrapped here).  With ``LINT_MEMORY_DEBUG=1`` in the environment the traceback follows it.
A bug while checking one file costs that file only (``runner`` records it in the file's report, the
other files are still checked and reported, the line names the file and the run exits 2); a bug
outside a file's check ends the run, naming the file it was working on when there was one
(``working_on``).  Nothing here imports the rest of lint-memory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

__all__ = ["DEBUG_VARIABLE", "ISSUES_URL", "crash_line", "debug", "report", "working_on"]

ISSUES_URL = "https://github.com/lint-memory/lint-memory/issues"
DEBUG_VARIABLE = "LINT_MEMORY_DEBUG"

_PATH_ATTRIBUTE = "lint_memory_path"  # set on an exception that escaped ``working_on(path)``


@contextmanager
def working_on(path: str) -> Iterator[None]:
    """Name ``path`` in the crash report of an exception that escapes the block."""
    try:
        yield
    except Exception as error:
        if getattr(error, _PATH_ATTRIBUTE, None) is None:
            with suppress(AttributeError, TypeError):  # an exception type without a __dict__
                setattr(error, _PATH_ATTRIBUTE, path)
        raise


def crash_line(problem: BaseException | str, path: str | None = None) -> str:
    """The one line (no newline) that reports ``problem``, an exception or its description."""
    if isinstance(problem, BaseException):
        path = path or getattr(problem, _PATH_ATTRIBUTE, None)
        detail = f"{type(problem).__name__}: {problem}" if str(problem) else type(problem).__name__
    else:
        detail = problem
    where = f" while checking {_printable(path)}" if path else ""
    detail = " ".join(detail.split())  # one line, whatever the message holds
    return (
        f"lint-memory: error: lint-memory crashed{where}: {detail}. "
        f"This is a bug in lint-memory; please report it at {ISSUES_URL}"
    )


def debug() -> bool:
    """Is the traceback wanted (``LINT_MEMORY_DEBUG`` set to anything but empty or ``0``)?"""
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def report(error: BaseException) -> None:
    """Write ``error``'s crash line to standard error, and its traceback under ``LINT_MEMORY_DEBUG``."""
    try:
        print(crash_line(error), file=sys.stderr)
        if debug():
            import traceback  # only for the traceback asked for: it costs a millisecond of start-up

            traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)
        sys.stderr.flush()
    except (OSError, ValueError):  # standard error closed or gone: the exit status still says it
        pass


def _printable(path: str) -> str:
    """``path`` with undecodable bytes (surrogate escapes) shown as ``\\xff`` rather than failing to print."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
