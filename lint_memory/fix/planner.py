"""Planning the fixes: ``plan_fixes`` attaches a ``Fix`` to every fixable finding.

The LCM400 fixes (moved imports) are planned with ``fix.changes.Planner``, which ``fix.apply`` asks
again for the same rewrites, so a finding's JSON ``fix`` is exactly what ``--fix`` does to its
statement: the fix of a safe finding rewrites its statement with every safe fix of that statement,
the fix of an unsafe finding with all of them (what ``--fix --unsafe-fixes`` does).  The chain
migrations (LCM300/LCM301 on a LangChain 1.x target) are ``fix.migrate``'s.

Output that only marks what is fixable (the full and concise formats, ``--statistics``, ``report``)
plans without rendering (``render=False``): no libcst, and each fix's edit is its statement's own
text, so it never changes anything if applied; such fixes are never serialised or applied.  Most
files then need no planner at all: ``fix.marks`` gives the same fixes from the import statements
that hold the findings, and the planner and the migrations are imported only where it cannot.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from lint_memory.fix.applicability import applicability, fixable
from lint_memory.fix.marks import fix_message, mark_fixes
from lint_memory.model import Applicability, FileReport, Finding, Fix
from lint_memory.project import target as targets

if TYPE_CHECKING:
    from lint_memory.fix.imports import Site


def plan_fixes(
    report: FileReport, target: str | None = None, *, tree: ast.Module | None = None, render: bool = True
) -> None:
    """Attach a ``Fix`` to every fixable LCM400 finding of ``report``.

    ``target`` is the ``target-langchain`` setting; without it, the project's declared
    ``langchain`` requirement is looked up from ``report.path``.  ``tree`` is the Python file's
    ``report.source`` as the check parsed it (parsing it again costs as much as the planning).
    Findings that cannot be fixed keep ``fix = None``.  ``render=False`` plans without libcst: the
    fixes say which findings are fixable and how safely, but their edits change nothing.
    Raises ``target.TargetError`` for a malformed ``target``.
    """
    if not render and mark_fixes(report, target, tree):
        return
    _plan_imports(report, target, tree, render)
    from lint_memory.fix.migrate.plan import plan_migrations  # only a file whose chains may migrate

    plan_migrations(report, target, tree)


def _plan_imports(report: FileReport, target: str | None, tree: ast.Module | None, render: bool) -> None:
    found = [f for f in report.findings if fixable(f)]
    if not found or report.source is None:
        return
    from lint_memory.fix.cells import edit, module_code, module_position, one_cell
    from lint_memory.fix.changes import Planner

    line = targets.parse_setting(target) if target is not None else targets.for_path(report.path)
    book = report.notebook
    positions = [(f, module_position(book, f)) for f in found]
    levels = {id(f): applicability(f.target or "", line) for f in found}
    planner = Planner(module_code(book), None, render=render) if book else Planner(report.source, tree, render=render)
    for finding in found:
        finding.fix = None
    for level in (Applicability.SAFE, Applicability.UNSAFE):
        chosen = [(f, where) for f, where in positions if level == Applicability.UNSAFE or levels[id(f)] == level]
        for change in planner.changes(chosen, one_cell(book) if book else None):
            edits = [edit(replacement, book) for replacement in sorted(change.edits, key=lambda r: r.start)]
            for finding, site in zip(change.findings, change.sites, strict=True):
                if levels[id(finding)] == level:
                    finding.fix = Fix(_message(finding, site), level, edits)


def _message(finding: Finding, site: Site) -> str:
    return fix_message(finding, site.module, site.index)
