"""Autofixes for LCM400 (moved imports): applicability, planning edits, libcst rewrites, applying and diffing.

- ``applicability``: which findings have a fix and how safe it is on the targeted LangChain line;
- ``imports`` / ``layout``: the import statements of a module, and one statement rewritten with libcst;
- ``references``: what ``import a.b`` provides, rewritten along with the import;
- ``planner``: ``plan_fixes`` attaches a ``Fix`` to each fixable finding;
- ``apply`` / ``diff``: the fixes applied to a text, a notebook or a file; the unified diff;
- ``text`` / ``cells`` / ``notebook``: positions and splices; notebook cells <-> module rows; cell sources in JSON.

Imports libcst: only a run that fixes, shows or serialises fixes imports this package.
"""

from lint_memory.fix.applicability import applicability
from lint_memory.fix.apply import CHANGED, FileFix, FixResult, fix_file, fix_notebook, fix_text
from lint_memory.fix.diff import unified_diff
from lint_memory.fix.planner import plan_fixes

__all__ = [
    "CHANGED",
    "FileFix",
    "FixResult",
    "applicability",
    "fix_file",
    "fix_notebook",
    "fix_text",
    "plan_fixes",
    "unified_diff",
]
