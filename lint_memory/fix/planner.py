"""Planning the LCM400 fixes: which import statements change, and how.

``plan_fixes`` attaches a ``Fix`` to every fixable LCM400 finding; ``fix.apply`` applies them.
Both ask ``Planner.changes`` for the rewrite, so a finding's JSON ``fix`` is exactly what
``--fix`` does to its statement: the fix of a safe finding rewrites its statement with every safe
fix of that statement, the fix of an unsafe finding with all of them (what ``--fix
--unsafe-fixes`` does).

Statements are rewritten one at a time (``fix.layout``, the only module that imports libcst).
A planner that does not render (``render=False``, for output that only marks what is fixable:
the full and concise formats, ``--statistics``, ``report``) decides the same fixes without libcst
and gives each the statement's own text as its edit, so it never changes anything if applied;
such fixes are never serialised or applied.  ``import langchain.memory`` (no alias)
binds ``langchain``, so its fix also rewrites every ``langchain.memory...`` reference that the
import provides (``fix.references``); when one cannot be rewritten the import gets no fix.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lint_memory.fix.applicability import applicability, fixable
from lint_memory.fix.cells import edit, module_code, module_position, one_cell
from lint_memory.fix.imports import Site, sites
from lint_memory.fix.migrate.plan import plan_migrations
from lint_memory.fix.references import References
from lint_memory.fix.text import Position, Replacement, Text
from lint_memory.model import Applicability, FileReport, Finding, Fix
from lint_memory.project import target as targets


@dataclass
class Change:
    """One statement's rewrite and the references it carries along."""

    findings: list[Finding]
    sites: list[Site]
    edits: list[Replacement]


class Planner:
    def __init__(self, text: str, tree: ast.Module | None = None, *, render: bool = True) -> None:
        """``tree``: ``text`` already parsed (by the check), to save parsing it again; ``render``:
        write each statement's new source (with libcst), or only decide which fixes there are."""
        self.text = Text(text)
        self.render = render
        self.tree: ast.Module | None = tree
        if tree is None:
            try:
                self.tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self.tree = None  # nothing to fix in what does not parse
        self.sites = sites(self.tree, self.text)
        self._references: References | None = None

    def changes(
        self,
        chosen: Sequence[tuple[Finding, Position]],
        allowed: Callable[[list[Replacement]], bool] | None = None,
    ) -> list[Change]:
        """The rewrites that apply the fixes of ``chosen`` (findings at module positions); a change
        whose edits ``allowed`` refuses is left out, with the findings it would have fixed."""
        active = [(f, where, site) for f, where in chosen if f.target and (site := self.sites.get(where)) is not None]
        while True:
            unaliased = {where: f.target for f, where, site in active if site.binds_root}
            rewrites: dict[Position, list[Replacement]] = {}
            if unaliased:
                valid, rewrites = self._reference_plan().plan(unaliased)  # type: ignore[arg-type]
                active = [item for item in active if item[1] not in unaliased or item[1] in valid]
            changes = self._build(active, rewrites)
            refused = [c for c in changes if not c.edits or (allowed is not None and not allowed(c.edits))]
            if not refused:
                return changes
            dropped = {id(f) for change in refused for f in change.findings}
            active = [item for item in active if id(item[0]) not in dropped]

    def _reference_plan(self) -> References:
        if self._references is None:
            self._references = References(self.tree, self.text)
        return self._references

    def _build(
        self, active: list[tuple[Finding, Position, Site]], rewrites: dict[Position, list[Replacement]]
    ) -> list[Change]:
        by_statement: dict[int, Change] = {}
        moves: dict[int, dict[int, str]] = {}
        for finding, where, site in active:
            key = id(site.statement)
            change = by_statement.setdefault(key, Change([], [], []))
            change.findings.append(finding)
            change.sites.append(site)
            moves.setdefault(key, {})[site.index] = finding.target  # type: ignore[assignment]
            change.edits += rewrites.get(where, [])
        for key, change in by_statement.items():
            statement = change.sites[0].statement
            if self.render:
                from lint_memory.fix.layout import rewrite  # libcst: only when the new source is needed

                new = rewrite(statement, moves[key], self.text)
            else:
                new = self.text.slice(statement.start, statement.end)
            change.edits = [Replacement(statement.start, statement.end, new), *change.edits] if new is not None else []
        return list(by_statement.values())


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
    _plan_imports(report, target, tree, render)
    plan_migrations(report, target, tree)


def _plan_imports(report: FileReport, target: str | None, tree: ast.Module | None, render: bool) -> None:
    found = [f for f in report.findings if fixable(f)]
    if not found or report.source is None:
        return
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
    new = finding.target or ""
    if site.module:
        return f"Import `{new}` instead of `{finding.symbol}`"
    module, _, name = new.rpartition(".")
    if site.index < 0:
        return f"Import `*` from `{new}`"
    return f"Import `{name}` from `{module}`"
