"""Autofixes for LCM400 (moved imports): applicability, planning edits, libcst rewrites, applying and diffing.

- ``applicability``: which findings have a fix and how safe it is on the targeted LangChain line;
- ``imports`` / ``layout``: the import statements of a module, and one statement rewritten with libcst;
- ``references``: what ``import a.b`` provides, rewritten along with the import;
- ``planner``: ``plan_fixes`` attaches a ``Fix`` to each fixable finding;
- ``apply`` / ``diff``: the fixes applied to a text, a notebook or a file; the unified diff;
- ``text`` / ``cells`` / ``notebook``: positions and splices; notebook cells <-> module rows; cell sources in JSON.

Imports libcst: only a run that fixes, shows or serialises fixes imports this package's planner.
``migrate/`` is the structural migrations (issue 12); its ``status`` is read by the engine (every front end).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# eager: the function shares its name with its module, which would shadow it once the planner imports that module
from lint_memory.fix.applicability import applicability

if TYPE_CHECKING:
    from lint_memory.fix.apply import CHANGED, FileFix, FixResult, fix_file, fix_notebook, fix_text
    from lint_memory.fix.diff import unified_diff
    from lint_memory.fix.planner import plan_fixes

# name -> the module it comes from, imported on first use: the engine reads ``fix.migrate.status`` (why a chain is
# not migrated) for every front end, and flake8 or pylint should not pay for importing the planner and the fixer
_LAZY = {
    "CHANGED": "apply",
    "FileFix": "apply",
    "FixResult": "apply",
    "fix_file": "apply",
    "fix_notebook": "apply",
    "fix_text": "apply",
    "plan_fixes": "planner",
    "unified_diff": "diff",
}

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


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value
