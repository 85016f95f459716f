"""Planning the structural migrations of one file (see the package docstring)."""

from __future__ import annotations

import ast

from lint_memory.checker import semantic_model
from lint_memory.fix.migrate.detect import Matcher, Site, callee
from lint_memory.fix.migrate.edits import hunks, migrated
from lint_memory.fix.migrate.reasons import Blocked, unsupported
from lint_memory.fix.text import Text, parse_problem
from lint_memory.model import Applicability, FileReport, Finding, Fix
from lint_memory.project import target as targets
from lint_memory.source.lines import split_lines

TITLE = "Migrate to `create_agent` with a checkpointer"
REVIEW = "; review the summarisation: `SummarizationMiddleware` words its summaries differently"
ASYNC_SUMMARY = " (and the legacy async path of `ConversationSummaryMemory` never summarised: this one does)"
CHAIN_CODES = frozenset(
    {"LCM300", "LCM301"}
)  # the findings a migration attaches to: LLMChain memory=, ConversationChain
PATTERNS = {"buffer": "1 buffer", "window": "2 window", "prefix": "3 prompt template", "summary": "4 summary"}


def is_migration(fix: Fix | None) -> bool:
    return fix is not None and fix.message.startswith(TITLE)


def _chain_calls(tree: ast.Module, text: str, findings: list[Finding]) -> list[tuple[Finding, ast.Call, str]]:
    """The findings a migration attaches to, each with its chain call (ast columns are bytes, findings' characters)."""
    index = Text(text)
    wanted = {(f.line, f.col, f.code): f for f in findings if f.code in CHAIN_CODES}
    found = []
    text_columns = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = callee(node)
        if name == "ConversationChain":
            row, byte = node.func.lineno, node.func.col_offset
            if isinstance(node.func, ast.Attribute):
                row, byte = node.func.end_lineno or row, (node.func.end_col_offset or 0) - len(name)
            where = (row, index.char_column(row, byte), "LCM301")
        elif name == "LLMChain":
            memory = [k for k in node.keywords if k.arg == "memory"]
            if not memory:
                continue
            where = (memory[0].lineno, index.char_column(memory[0].lineno, memory[0].col_offset), "LCM300")
        else:
            continue
        text_columns[where] = (node, name)
    for where, (node, name) in text_columns.items():
        finding = wanted.get(where)
        if finding is not None:
            found.append((finding, node, name))
    return found


def plan_migrations(report: FileReport, target: str | None, tree: ast.Module | None = None) -> None:
    """Attach the migration fix (or the reason there is none) to the chain findings of ``report``.

    A notebook is migrated cell by cell: a chain lives in a function or a class (a module-level chain is not
    migrated), so its cell is the module the migration reads; the new imports go to the top of that cell and a
    legacy import another cell still reads stays."""
    if report.source is None or not any(f.code in CHAIN_CODES for f in report.findings):
        return
    line = targets.parse_setting(target) if target is not None else targets.for_path(report.path)
    if not targets.is_v1(line):
        return
    book = report.notebook
    if book is None:
        _plan_module(report.source, tree, report.findings, set())
        return
    for cell in book.cells:
        mine = [f for f in report.findings if f.cell == cell.index]
        if not any(f.code in CHAIN_CODES for f in mine):
            continue
        if book.cell_sources.get(cell.index, cell.code) != cell.code:
            for finding in _chain_findings(mine):
                reason = unsupported(finding.line, "a notebook cell with magics or shell commands")
                finding.message = f"{finding.message} ({reason.message()})"
                finding.migration = (_pattern(None, "ConversationChain"), reason.kind)
            continue
        others = "\n".join(line for other in book.cells if other is not cell for line in other.code)
        _plan_module("\n".join(cell.code) + "\n", None, mine, _loaded(others))


def _chain_findings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.code == "LCM301"]


def _loaded(text: str) -> set[str]:
    try:
        return {node.id for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Name)}
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()


def _plan_module(text: str, tree: ast.Module | None, findings: list[Finding], keep: set[str]) -> None:
    """Plan the migrations of one module (a file, or a notebook cell whose findings' rows are its rows)."""
    if tree is None:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return
    calls = _chain_calls(tree, text, findings)
    if not calls:
        return
    matcher = Matcher(tree, semantic_model(tree, split_lines(text)))
    sites: list[tuple[Finding, Site]] = []
    for finding, call, name in calls:
        try:
            sites.append((finding, matcher.match(call, name)))
        except Blocked as reason:
            finding.message = f"{finding.message} ({reason.message()})"
            finding.migration = (_pattern(matcher.last, name), reason.kind)
    if not sites:
        return
    new = migrated(text, [site for _, site in sites], keep)
    if parse_problem(new) is not None:
        for finding, site in sites:
            finding.migration = (_pattern(site, site.chain), "would-not-parse")
        return
    changes = hunks(text, new)
    for finding, site in sites:
        message = TITLE + (REVIEW if site.summary is not None else "")
        if site.summary is not None and site.summary[1] is None and site.asynchronous:
            message += ASYNC_SUMMARY
        finding.fix = Fix(message, Applicability.UNSAFE, changes)
        finding.migration = (_pattern(site, site.chain), "fixed")


def _pattern(site: Site | None, chain: str) -> str:
    """The report's pattern label, as far as matching got."""
    if chain == "LLMChain" and (site is None or site.pattern in ("buffer", "prefix")):
        return PATTERNS["prefix"]
    return PATTERNS[site.pattern if site is not None else "buffer"]
