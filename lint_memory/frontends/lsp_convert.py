"""Findings as Language Server Protocol objects: diagnostics, hover text, edits.

Pure functions over text and findings, so that the server (``server.py``) only moves documents
and messages around, and everything here can be tested without a client.  Findings count rows
from 1 and columns in code points; LSP counts both from 0 and columns in the client's position
encoding (UTF-16 unless the client negotiated UTF-8 or UTF-32).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lsprotocol import types

from lint_memory.catalog import entries as catalog
from lint_memory.model import Edit, Finding, Fix
from lint_memory.rules import BY_CODE, SHARED_REPLACEMENTS, is_diagnostic
from lint_memory.source.lines import LineIndex, from_units, to_units

SOURCE = "lint-memory"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"  # source.fixAll.lint-memory

_ENTRIES = {entry.name: entry for entry in catalog.ENTRIES}


class Columns:
    """Converts positions between the engine (1-based rows, code points) and one client document.

    The document's rows are its ``LineIndex`` rows: after a final line ending comes an empty row
    where the cursor can sit."""

    def __init__(self, text: str, encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.index = LineIndex(text)
        self.encoding = encoding

    def position(self, line: int, col: int) -> types.Position:
        """The client position of engine row ``line`` (1-based), code-point column ``col``; a row past
        the last one is the last row, a column past a row's end is its end."""
        row = min(max(line, 1), len(self.index))
        return types.Position(row - 1, to_units(self.index.line(row), col, self.encoding))

    def range(self, line: int, col: int, end_line: int, end_col: int) -> types.Range:
        return types.Range(self.position(line, col), self.position(end_line, end_col))

    def engine(self, position: types.Position) -> tuple[int, int]:
        """(1-based row, code-point column) of a client position; past the end clamps to the end."""
        row = position.line + 1
        return row, from_units(self.index.line(row), position.character, self.encoding)


def diagnostic(finding: Finding, columns: Columns) -> types.Diagnostic:
    rule = BY_CODE[finding.code]
    return types.Diagnostic(
        range=columns.range(finding.line, finding.col, finding.end_line, finding.end_col),
        message=finding.message,
        severity=types.DiagnosticSeverity.Warning,
        code=finding.code,
        code_description=types.CodeDescription(href=rule.url),
        source=SOURCE,
        tags=None if is_diagnostic(finding.code) else [types.DiagnosticTag.Deprecated],
    )


def contains(finding: Finding, row: int, col: int) -> bool:
    """True when (row, col) lies on the finding, both ends included (the cursor may sit right after it)."""
    return (finding.line, finding.col) <= (row, col) <= (finding.end_line, finding.end_col)


def overlaps(finding: Finding, start: tuple[int, int], end: tuple[int, int]) -> bool:
    """True when the finding lies (partly) in the range from ``start`` to ``end``.  An empty range is
    the cursor, which may sit at either end of the finding; a selection must share a character with
    it, so that a whole-row range (from column 0 to column 0 of the next row) leaves the next row out."""
    finding_start, finding_end = (finding.line, finding.col), (finding.end_line, finding.end_col)
    if start == end:
        return finding_start <= start <= finding_end
    return (finding_start < end and start < finding_end) or start <= finding_start < end


def named(finding: Finding, columns: Columns, diagnostics: Iterable[types.Diagnostic]) -> bool:
    """Is ``finding`` one of the client's ``diagnostics`` (the ``context.diagnostics`` of a code action
    request): same code and range, published by lint-memory (or with the source left out)?"""
    wanted = columns.range(finding.line, finding.col, finding.end_line, finding.end_col)
    return any(
        diagnostic.code == finding.code and diagnostic.range == wanted and diagnostic.source in (None, SOURCE)
        for diagnostic in diagnostics
    )


def for_code_action(
    findings: Iterable[Finding], columns: Columns, where: types.Range, diagnostics: Sequence[types.Diagnostic]
) -> list[Finding]:
    """The findings a code action request is about: those in its range, and those the client names in
    ``context.diagnostics`` wherever they are (Neovim 0.7-0.9 sends the cursor position as the range,
    with the diagnostics of the cursor's line), in the order of ``findings``."""
    start, end = columns.engine(where.start), columns.engine(where.end)
    return [finding for finding in findings if overlaps(finding, start, end) or named(finding, columns, diagnostics)]


# --- hover -----------------------------------------------------------------------------------
def _use_instead(finding: Finding) -> tuple[str | None, str]:
    """What replaces the flagged code, and the guide to open first."""
    rule = BY_CODE[finding.code]
    if finding.target:  # the exact new import path
        return f"import it from its new home, `{finding.target}`", rule.url
    if finding.code in SHARED_REPLACEMENTS:
        return SHARED_REPLACEMENTS[finding.code], rule.url
    entry = _ENTRIES.get(finding.symbol)
    if entry is not None and not is_diagnostic(finding.code):
        return entry.replacement, entry.url
    return None, rule.url


def hover_markdown(findings: Iterable[Finding]) -> str:
    """The explanation of each distinct rule among ``findings``: summary, replacement, reason, links."""
    sections = []
    seen: set[tuple[str, str]] = set()
    for finding in findings:
        if (finding.code, finding.symbol) in seen:
            continue
        seen.add((finding.code, finding.symbol))
        rule = BY_CODE[finding.code]
        use, guide = _use_instead(finding)
        parts = [f"**{rule.code}** `{rule.name}`: {rule.summary}"]
        if use:
            parts.append(f"**Use instead:** {use}")
        parts.append(rule.why)
        links = [] if is_diagnostic(finding.code) else [f"[Migration guide]({guide})"]
        links.append(f"[{rule.code} documentation]({rule.anchor})")
        parts.append(" · ".join(links))
        sections.append("\n\n".join(parts))
    return "\n\n---\n\n".join(sections)


# --- edits -----------------------------------------------------------------------------------
def text_edit(edit: Edit, columns: Columns) -> types.TextEdit:
    return types.TextEdit(columns.range(edit.row, edit.col, edit.end_row, edit.end_col), edit.content)


def combined_edits(fixes: Iterable[Fix]) -> list[Edit]:
    """The edits of all ``fixes`` as one set an editor can apply at once (LSP forbids overlaps).

    Every fix of one import statement rewrites the whole statement, so they repeat the same edits:
    duplicates collapse.  A fix that overlaps (or inserts where) an edit of another one is left out
    whole, as ``--fix`` would leave it for a second run.
    """
    taken: list[Edit] = []
    seen: set[tuple] = set()
    for fix in fixes:
        edits = [edit for edit in fix.edits if _key(edit) not in seen]
        if any(_clash(edit, other) for edit in edits for other in taken):
            continue
        taken += edits
        seen.update(_key(edit) for edit in edits)
    return sorted(taken, key=_key)


def _key(edit: Edit) -> tuple:
    return (edit.row, edit.col, edit.end_row, edit.end_col, edit.content)


def _clash(one: Edit, other: Edit) -> bool:
    start, end = (one.row, one.col), (one.end_row, one.end_col)
    other_start, other_end = (other.row, other.col), (other.end_row, other.end_col)
    return (start < other_end and other_start < end) or start == other_start


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied, as the editor will apply them."""
    index = LineIndex(text)
    parts, position = [], 0
    for edit in sorted(edits, key=_key):
        start = index.offset(edit.row, edit.col)
        parts += [text[position:start], edit.content]
        position = index.offset(edit.end_row, edit.end_col)
    parts.append(text[position:])
    return "".join(parts)
