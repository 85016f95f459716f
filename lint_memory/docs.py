"""``python -m lint_memory.docs``: regenerate ``docs/rules.md`` and the README's rules table
(see ``lint_memory.output.docs``)."""

import sys

from lint_memory.output.docs import main, render, rule_section

__all__ = ["main", "render", "rule_section"]

if __name__ == "__main__":
    sys.exit(main())
