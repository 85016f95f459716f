"""``python -m lint_memory`` and the ``lint-memory`` command."""

import os
import sys

from lint_memory.frontends.cli import main


def run() -> None:
    """Run the command, then leave without the interpreter's teardown, as mypy does: freeing every
    object one by one costs a large run about 10 ms, and nothing is left to do once the output is
    flushed (files a fix wrote are closed and renamed into place by then; a worker process is
    reaped before its results are used).  A usage error, ``--help`` and ``--version`` leave the
    ordinary way (``SystemExit``)."""
    status = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # the reader left (`| head`), or closed the stream
        pass
    os._exit(status)


if __name__ == "__main__":
    run()
