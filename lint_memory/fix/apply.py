"""Applying planned fixes to a file's text, to a notebook's cells and to the file itself.

``fix_text``, ``fix_notebook`` and ``fix_file`` apply what ``planner.plan_fixes`` planned, asking
the ``changes.Planner`` again for the same rewrites.  Whatever is applied is re-parsed; a result that does
not parse is thrown away and the input left as it was.  Files are replaced atomically.  Fixed
code has no LCM400 left for these fixes to act on, so a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lint_memory.fix.applicability import applies
from lint_memory.fix.cells import in_cell, module_code, module_position, one_cell
from lint_memory.fix.changes import Change, Planner
from lint_memory.fix.migrate.edits import apply as migrated_text
from lint_memory.fix.migrate.plan import is_migration
from lint_memory.fix.notebook import replace_sources
from lint_memory.fix.text import Replacement, Text, parse_problem
from lint_memory.model import FileReport, Finding, Notebook
from lint_memory.source import atomic, notebook
from lint_memory.source.lines import split_lines, split_lines_keepends

CHANGED = "the file changed since it was checked; not fixed"


@dataclass
class FixResult:
    text: str
    fixed: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)  # with their positions before the fix
    error: str | None = None  # why nothing was changed although fixes were asked for


@dataclass
class FileFix:
    """What fixing one file did.  Both texts are empty when there was nothing to fix."""

    path: str
    old_text: str
    new_text: str
    fixed: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    error: str | None = None  # the file could not be read, fixed or written: it is unchanged

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text


def fix_text(source: str, findings: Sequence[Finding], *, unsafe: bool) -> FixResult:
    """``source`` with the planned safe (and with ``unsafe``, unsafe) fixes of ``findings`` applied.

    Needs ``plan_fixes`` first.  If the result would not parse, nothing is applied.
    """
    migrations = [f for f in findings if unsafe and is_migration(f.fix)]
    if migrations:
        return _migrate(source, findings, migrations)
    chosen = [(f, (f.line, f.col)) for f in findings if applies(f, unsafe)]
    if not chosen:
        return FixResult(source, [], list(findings))
    planner = Planner(source)
    changes = planner.changes(chosen)
    try:
        text = planner.text.splice(e for change in changes for e in change.edits)
    except ValueError as error:
        return FixResult(source, [], list(findings), f"no fix applied: {error}")
    problem = parse_problem(text)
    if problem:
        return FixResult(source, [], list(findings), f"no fix applied: the result would not parse ({problem})")
    return _result(text, findings, changes)


def _migrate(source: str, findings: Sequence[Finding], migrations: list[Finding]) -> FixResult:
    """Every chain migration of the file at once (each fix carries the whole file's edits); the moved imports
    left are applied by the next pass (their positions changed; `lint-memory check --fix` passes until nothing changes)."""
    try:
        text = migrated_text(source, [edit for f in migrations for edit in f.fix.edits])  # type: ignore[union-attr]
    except ValueError as error:
        return FixResult(source, [], list(findings), f"no fix applied: {error}")
    problem = parse_problem(text)
    if problem:
        return FixResult(source, [], list(findings), f"no fix applied: the result would not parse ({problem})")
    done = {id(f) for f in migrations}
    return FixResult(text, list(migrations), [f for f in findings if id(f) not in done])


def fix_notebook(text: str, report: FileReport, *, unsafe: bool) -> FixResult:
    """The notebook JSON ``text`` with the planned fixes of ``report`` applied to its code cells.

    Only the changed cells' ``source`` values change in the file; every other byte (outputs,
    metadata, ids, indentation, key order, the final newline) stays.  A changed cell must parse.
    """
    book = report.notebook
    findings = report.findings
    migrations = [f for f in findings if unsafe and is_migration(f.fix) and f.cell is not None]
    if book is not None and migrations:
        return _migrate_cells(text, report, migrations)
    chosen = [(f, module_position(book, f)) for f in findings if applies(f, unsafe) and f.cell is not None]
    if book is None or not chosen:
        return FixResult(text, [], list(findings))
    current = _as_checked(text, book, findings)
    if isinstance(current, FixResult):
        return current
    changes = Planner(module_code(book)).changes(chosen, one_cell(book))
    per_cell: dict[int, list[Replacement]] = {}
    for change in changes:
        for replacement in change.edits:
            cell, moved = in_cell(book, replacement)
            per_cell.setdefault(cell, []).append(moved)
    code_cells = current.data["cells"]
    sources: dict[int, str | list[str]] = {}
    try:
        for cell, replacements in per_cell.items():
            old = notebook.cell_text(code_cells[cell - 1])
            newline = Text(old).newline  # the planner's module joined the cells with \n
            new = Text(old).splice(Replacement(r.start, r.end, r.text.replace("\n", newline)) for r in replacements)
            problem = parse_problem("\n".join(notebook.mask(split_lines(new))))
            if problem:
                return FixResult(text, [], list(findings), f"no fix applied: cell {cell} would not parse ({problem})")
            sources[cell] = split_lines_keepends(new) if isinstance(code_cells[cell - 1].get("source"), list) else new
        new_text = replace_sources(text, sources)
    except ValueError as error:
        return FixResult(text, [], list(findings), f"no fix applied: {error}")
    return _result(new_text, findings, changes)


def _as_checked(text: str, book: Notebook, findings: Sequence[Finding]) -> Notebook | FixResult:
    """The notebook ``text`` holds, or the unchanged result when it does not load or is not the one checked."""
    try:
        current = notebook.load(text)
    except notebook.NotebookError as error:
        return FixResult(text, [], list(findings), f"no fix applied: {error}")
    if current.source != book.source:
        return FixResult(text, [], list(findings), CHANGED)
    return current


def _migrate_cells(text: str, report: FileReport, migrations: list[Finding]) -> FixResult:
    """The chain migrations of a notebook, each planned on its own cell (``migrate.plan``)."""
    book, findings = report.notebook, report.findings
    assert book is not None
    current = _as_checked(text, book, findings)
    if isinstance(current, FixResult):
        return current
    code_cells = current.data["cells"]
    sources: dict[int, str | list[str]] = {}
    for cell in sorted({f.cell for f in migrations if f.cell is not None}):
        old = notebook.cell_text(code_cells[cell - 1])
        newline = Text(old).newline
        try:
            new = migrated_text(old, [e for f in migrations if f.cell == cell for e in f.fix.edits])  # type: ignore
        except ValueError as error:
            return FixResult(text, [], list(findings), f"no fix applied: {error}")
        new = new.replace("\n", newline) if newline != "\n" else new
        if not old.endswith(("\n", "\r")) and new.endswith("\n"):
            new = new.rstrip("\r\n")
        problem = parse_problem(new)
        if problem:
            return FixResult(text, [], list(findings), f"no fix applied: cell {cell} would not parse ({problem})")
        sources[cell] = split_lines_keepends(new) if isinstance(code_cells[cell - 1].get("source"), list) else new
    try:
        new_text = replace_sources(text, sources)
    except ValueError as error:
        return FixResult(text, [], list(findings), f"no fix applied: {error}")
    done = {id(f) for f in migrations}
    return FixResult(new_text, list(migrations), [f for f in findings if id(f) not in done])


def _result(text: str, findings: Sequence[Finding], changes: list[Change]) -> FixResult:
    fixed_ids = {id(f) for change in changes for f in change.findings}
    fixed = [f for f in findings if id(f) in fixed_ids]
    return FixResult(text, fixed, [f for f in findings if id(f) not in fixed_ids])


def fix_file(path: str, report: FileReport, *, unsafe: bool, write: bool) -> FileFix:
    """Fix one checked file; with ``write``, replace it atomically when something changed.

    Never raises for a problem with the file: it is reported in ``error`` and the file is left
    as it was (unreadable, changed since it was checked, the result would not parse, not writable).
    """
    findings = list(report.findings)
    if not any(applies(f, unsafe) or (unsafe and is_migration(f.fix)) for f in findings):
        return FileFix(path, "", "", [], findings)  # nothing to do: the file is not even read
    is_notebook = report.notebook is not None
    try:
        text, stored = atomic.read_text(path, notebook=is_notebook)
    except (OSError, UnicodeError, SyntaxError) as error:
        return FileFix(path, "", "", [], findings, f"cannot read the file: {error}")
    if not is_notebook and text != report.source:
        return FileFix(path, text, text, [], findings, CHANGED)
    result = fix_notebook(text, report, unsafe=unsafe) if is_notebook else fix_text(text, findings, unsafe=unsafe)
    done = FileFix(path, text, result.text, result.fixed, result.remaining, result.error)
    if write and done.changed:
        try:
            atomic.write_text(path, result.text, stored)
        except (OSError, UnicodeError) as error:
            return FileFix(path, text, text, [], findings, f"cannot write the file: {error}")
    return done
