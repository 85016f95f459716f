"""Findings as Language Server Protocol objects: diagnostics, hover text, edits.

Pure functions over text and findings, so that the server (``server.py``) only moves documents
and messages around, and everything here can be tested without a client.  Findings count rows
from 1 and columns in code points; LSP counts both from 0 and columns in the client's position
encoding (UTF-16 unless the client negotiated UTF-8 or UTF-32).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from lsprotocol import types

from lint_memory.catalog import entries as catalog
from lint_memory.model import Edit, Finding, Fix
from lint_memory.rules import BY_CODE

SOURCE = "lint-memory"
FIX_ALL_KIND = f"{types.CodeActionKind.SourceFixAll.value}.{SOURCE}"  # source.fixAll.lint-memory

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ENTRIES = {entry.name: entry for entry in catalog.ENTRIES}
# Rules whose replacement does not depend on the flagged class.
_RULE_REPLACEMENTS = {"LCM300": catalog.MEMORY_ARGUMENT, "LCM302": catalog.MEMORY_API_USE}


def split_lines(text: str) -> list[str]:
    """Lines as LSP and Python's tokenizer count them: only ``\\n``, ``\\r\\n`` and ``\\r`` end a line
    (``str.splitlines`` also breaks at form feeds and ``\\u2028``, which would shift every row)."""
    return _LINE_BREAK.split(text)


def _width(char: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(char.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return 1
    return 2 if ord(char) > 0xFFFF else 1


class Columns:
    """Converts positions between the engine (1-based rows, code points) and one client document."""

    def __init__(self, lines: Sequence[str], encoding: str = types.PositionEncodingKind.Utf16) -> None:
        self.lines = lines
        self.encoding = encoding

    def _line(self, row: int) -> str:
        return self.lines[row] if 0 <= row < len(self.lines) else ""

    def position(self, line: int, col: int) -> types.Position:
        """The client position of engine row ``line`` (1-based), code-point column ``col``."""
        row = min(max(line - 1, 0), max(len(self.lines) - 1, 0))
        text = self._line(row)
        col = min(max(col, 0), len(text))
        if text.isascii() or self.encoding == types.PositionEncodingKind.Utf32:
            return types.Position(row, col)
        return types.Position(row, sum(_width(char, self.encoding) for char in text[:col]))

    def range(self, line: int, col: int, end_line: int, end_col: int) -> types.Range:
        return types.Range(self.position(line, col), self.position(end_line, end_col))

    def engine(self, position: types.Position) -> tuple[int, int]:
        """(1-based row, code-point column) of a client position; past the end clamps to the end."""
        text = self._line(position.line)
        if text.isascii() or self.encoding == types.PositionEncodingKind.Utf32:
            return position.line + 1, min(position.character, len(text))
        units = 0
        for index, char in enumerate(text):
            if units >= position.character:
                return position.line + 1, index
            units += _width(char, self.encoding)
        return position.line + 1, len(text)


def is_lint(code: str) -> bool:
    """A rule about deprecated code, as opposed to an LCM9xx report about unreadable input."""
    return not code.startswith("LCM9")


def diagnostic(finding: Finding, columns: Columns) -> types.Diagnostic:
    rule = BY_CODE[finding.code]
    return types.Diagnostic(
        range=columns.range(finding.line, finding.col, finding.end_line, finding.end_col),
        message=finding.message,
        severity=types.DiagnosticSeverity.Warning,
        code=finding.code,
        code_description=types.CodeDescription(href=rule.url),
        source=SOURCE,
        tags=[types.DiagnosticTag.Deprecated] if is_lint(finding.code) else None,
    )


def contains(finding: Finding, row: int, col: int) -> bool:
    """True when (row, col) lies on the finding, both ends included (the cursor may sit right after it)."""
    return (finding.line, finding.col) <= (row, col) <= (finding.end_line, finding.end_col)


def overlaps(finding: Finding, start: tuple[int, int], end: tuple[int, int]) -> bool:
    return (finding.line, finding.col) <= end and start <= (finding.end_line, finding.end_col)


# --- hover -----------------------------------------------------------------------------------
def _use_instead(finding: Finding) -> tuple[str | None, str]:
    """What replaces the flagged code, and the guide to open first."""
    rule = BY_CODE[finding.code]
    if finding.code == "LCM400" and finding.target:
        return f"import it from its new home, `{finding.target}`", rule.url
    if finding.code in _RULE_REPLACEMENTS:
        return _RULE_REPLACEMENTS[finding.code], rule.url
    entry = _ENTRIES.get(finding.symbol)
    if entry is not None and is_lint(finding.code):
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
        links = [f"[Migration guide]({guide})"] if is_lint(finding.code) else []
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
    return start < other_end and other_start < end or start == other_start


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied, as the editor will apply them."""
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]

    def offset(row: int, col: int) -> int:
        return len(text) if row > len(starts) else min(starts[row - 1] + col, len(text))

    parts, position = [], 0
    for edit in sorted(edits, key=_key):
        start = offset(edit.row, edit.col)
        parts += [text[position:start], edit.content]
        position = offset(edit.end_row, edit.end_col)
    parts.append(text[position:])
    return "".join(parts)
