"""``python -m lint_memory``: the ``lint-memory`` command."""

import sys

from lint_memory.frontends.cli import main

if __name__ == "__main__":
    sys.exit(main())
