"""Planning the structural migrations of one file (see the package docstring)."""

from __future__ import annotations

import ast

from lint_memory.fix.migrate.detect import Site
from lint_memory.fix.migrate.edits import hunks, migrated
from lint_memory.fix.migrate.reasons import unsupported
from lint_memory.fix.migrate.status import NOT_IDENTIFIED, match, pattern, with_reason
from lint_memory.fix.text import parse_problem
from lint_memory.model import Applicability, FileReport, Finding, Fix
from lint_memory.project import target as targets
from lint_memory.rules import MIGRATION_CODES
from lint_memory.source.lines import split_lines

TITLE = "Migrate to `create_agent` with a checkpointer"
REVIEW = "; review the summarisation: `SummarizationMiddleware` words its summaries differently"
ASYNC_SUMMARY = " (and the legacy async path of `ConversationSummaryMemory` never summarised: this one does)"


def is_migration(fix: Fix | None) -> bool:
    return fix is not None and fix.message.startswith(TITLE)


def plan_migrations(report: FileReport, target: str | None, tree: ast.Module | None = None) -> None:
    """Attach the migration fix to the chain findings of ``report`` when the project targets LangChain 1.x, and
    tally each chain's outcome (``Finding.migration``) for ``lint-memory report``.

    Why a chain is not migrated is in its message already (the engine says it: ``status``). A notebook is
    migrated cell by cell: a chain lives in a function or a class (a module-level chain is not migrated), so its
    cell is the module the migration reads; the new imports go to the top of that cell and a legacy import
    another cell still reads stays. The reasons are then said again per cell, so their lines are the cell's rows
    (on any target)."""
    if report.source is None or not any(f.code in MIGRATION_CODES for f in report.findings):
        return
    line = targets.parse_setting(target) if target is not None else targets.for_path(report.path)
    fixes = targets.is_v1(line)
    book = report.notebook
    if book is None:
        if fixes:
            _plan_module(report.source, tree, report.findings, set(), fixes)
        return
    for cell in book.cells:
        mine = [f for f in report.findings if f.cell == cell.index]
        if not any(f.code in MIGRATION_CODES for f in mine):
            continue
        if book.cell_sources.get(cell.index, cell.code) != cell.code:
            for finding in mine:
                if finding.code == "LCM301":
                    reason = unsupported(finding.line, "a notebook cell with magics or shell commands")
                    finding.message = with_reason(finding.message, reason)
                    finding.migration = (NOT_IDENTIFIED, reason.kind) if fixes else None
            continue
        others = "\n".join(line for other in book.cells if other is not cell for line in other.code)
        _plan_module("\n".join(cell.code) + "\n", None, mine, _loaded(others), fixes)


def _loaded(text: str) -> set[str]:
    try:
        return {node.id for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Name)}
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()


def _plan_module(text: str, tree: ast.Module | None, findings: list[Finding], keep: set[str], fixes: bool) -> None:
    """Plan the migrations of one module (a file, or a notebook cell whose findings' rows are its rows)."""
    if tree is None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
    sites: list[tuple[Finding, Site]] = []
    for finding, _, site, reason in match(tree, split_lines(text), findings):
        finding.message = with_reason(finding.message, reason)
        if reason is not None:
            finding.migration = (pattern(site), reason.kind) if fixes else None
        elif site is not None:
            sites.append((finding, site))
    if not sites or not fixes:
        return
    new = migrated(text, [site for _, site in sites], keep)
    if parse_problem(new) is not None:
        for finding, site in sites:
            finding.migration = (pattern(site), "would-not-parse")
        return
    changes = hunks(text, new)
    for finding, site in sites:
        message = TITLE + (REVIEW if site.summary is not None else "")
        if site.summary is not None and site.summary[1] is None and site.asynchronous:
            message += ASYNC_SUMMARY
        finding.fix = Fix(message, Applicability.UNSAFE, changes)
        finding.migration = (pattern(site), "fixed")
