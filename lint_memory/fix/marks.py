"""Which findings are fixable, and how safely, without planning their edits: ruff's ``[*]`` marks.

The text formats, ``--statistics`` and ``report`` only mark what ``--fix`` would fix.  For a Python
file whose fixes are all moved imports (LCM400) written with ``from m import name`` or ``import m as
alias``, the planner's answer needs no rewrite: a finding has a fix exactly when its name is a name of
an absolute import statement (``fix.imports.sites``), at the level ``applicability`` gives it; the
planner that does not render gives each such fix the statement's own text as its edit, and so does
``mark_fixes``.  It finds the statement by descending only into the statements whose lines hold the
finding, instead of indexing every import of the file.

The planner is still needed (``mark_fixes`` returns False and changes nothing) for a notebook (a fix
must stay in its cell), an ``import a.b`` without an alias (its references move with it:
``fix.references``) and a chain migration on a LangChain 1.x target (``fix.migrate``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from lint_memory.fix.applicability import applicability, fixable
from lint_memory.model import Edit, FileReport, Finding, Fix
from lint_memory.project import target as targets
from lint_memory.rules import MIGRATION_CODES
from lint_memory.source.lines import LINE_BREAK, LineIndex, char_column

_INNER = ("body", "orelse", "finalbody", "handlers", "cases")  # the statement lists of fix.imports.statements


def mark_fixes(report: FileReport, target: str | None, tree: ast.Module | None) -> bool:
    """Attach to ``report``'s findings the fixes a planner that does not render would attach
    (``plan_fixes(report, target, tree=tree, render=False)``); False, with nothing changed, where
    only that planner can tell."""
    found = [f for f in report.findings if fixable(f)]
    migrating = any(f.code in MIGRATION_CODES for f in report.findings)
    if report.source is None or not (found or migrating):
        return True
    if report.notebook is not None or tree is None:
        return False
    line = targets.parse_setting(target) if target is not None else targets.for_path(report.path)
    if migrating and targets.is_v1(line):
        return False
    text = _Rows(report.source)
    located = [(finding, _site(tree, text, finding)) for finding in found]
    if any(site is not None and site[1] for _, site in located):
        return False  # an unaliased `import a.b`: its references move with it
    for finding, site in located:
        finding.fix = None
        if site is None:
            continue
        statement, _, index = site
        (row, col), (end_row, end_col) = _span(text, statement)
        code = report.source[text.offset(row, col) : text.offset(end_row, end_col)]
        edit = Edit(code, row, col, end_row, end_col)
        module = isinstance(statement, ast.Import)
        level = applicability(finding.target or "", line)
        finding.fix = Fix(fix_message(finding, module, index), level, [edit])
    return True


def fix_message(finding: Finding, module: bool, index: int) -> str:
    """The fix's title: ``module``, the name is a module path (``import a.b as c``); ``index`` -1 for ``*``."""
    new = finding.target or ""
    if module:
        return f"Import `{new}` instead of `{finding.symbol}`"
    path, _, name = new.rpartition(".")
    if index < 0:
        return f"Import `*` from `{new}`"
    return f"Import `{name}` from `{path}`"


Site = tuple[ast.Import | ast.ImportFrom, bool, int]  # the statement, binds its root (`import a.b`), index


def _span(text: _Rows, node: ast.stmt) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where ``node`` starts and ends, in characters (``fix.text.Text.span``)."""
    end_row = node.end_lineno or node.lineno
    start = (node.lineno, char_column(text.line(node.lineno), node.col_offset))
    return start, (end_row, char_column(text.line(end_row), node.end_col_offset or 0))


def _site(tree: ast.Module, text: _Rows, finding: Finding) -> Site | None:
    """The absolute import statement that names something where ``finding`` starts, whether it is an
    ``import a.b`` without an alias (which binds ``a``), and the name's index (-1 for ``*``): what
    ``fix.imports.sites`` records at that position."""
    row = finding.line
    for statement in _imports_on(tree.body, row):
        if isinstance(statement, ast.ImportFrom) and (statement.level or not statement.module):
            continue
        for index, alias in enumerate(statement.names):
            if alias.lineno == row and char_column(text.line(row), alias.col_offset) == finding.col:
                binds_root = isinstance(statement, ast.Import) and alias.asname is None
                return statement, binds_root, -1 if alias.name == "*" else index
    return None


def _imports_on(body: list[ast.stmt], row: int) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements (nested ones included, in ``fix.imports.statements``' order) whose lines
    hold ``row``: only statements that span ``row`` are descended into."""
    for node in body:
        first = getattr(node, "lineno", None)  # a `case` has none: its statements are looked at
        if first is not None and not first <= row <= (node.end_lineno or first):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        for name in _INNER:
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                yield from _imports_on(inner, row)


class _Rows(LineIndex):
    """A ``LineIndex`` whose line endings are found only up to the last row asked for: the imports a fix
    changes sit near the top of a file, and indexing a whole large file cost more than the rest of its
    marks.  ``line`` and ``offset`` are the index's own, once the rows they read are found."""

    def __init__(self, text: str) -> None:  # not the index's: its rows are found on demand
        self.text = text
        self.starts = [0]  # offset where each row found so far starts
        self._breaks = LINE_BREAK.finditer(text)
        self._complete = False

    def _reach(self, row: int) -> None:
        """Find the start of row ``row + 1`` (or the end of the text): the index then reads ``row`` as a whole one."""
        while len(self.starts) <= row and not self._complete:
            found = next(self._breaks, None)
            if found is None:
                self._complete = True
            else:
                self.starts.append(found.end())

    def line(self, row: int) -> str:
        self._reach(row)
        return super().line(row)

    def offset(self, row: int, col: int) -> int:
        self._reach(row)
        return super().offset(row, col)
