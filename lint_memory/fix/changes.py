"""Which import statements the LCM400 fixes change, and how: ``Planner.changes``.

``plan_fixes`` (``fix.planner``) and ``fix.apply`` both ask ``Planner.changes`` for the rewrite, so
a finding's JSON ``fix`` is exactly what ``--fix`` does to its statement.  Statements are rewritten
one at a time (``fix.layout``, the only module that imports libcst); a planner that does not render
(``render=False``) decides the same changes without libcst and gives each the statement's own text
as its edit.  ``import langchain.memory`` (no alias) binds ``langchain``: its change also rewrites
every ``langchain.memory...`` reference the import provides (``fix.references``); when one cannot be
rewritten the import gets no change.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lint_memory.fix.imports import Site, sites
from lint_memory.fix.references import References
from lint_memory.fix.text import Position, Replacement, Text
from lint_memory.model import Finding


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
