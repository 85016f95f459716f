"""What a fix changes, shown as a unified diff (``--diff``)."""

from __future__ import annotations

import difflib

from lint_memory.fix.apply import FileFix
from lint_memory.fix.notebook import changed_cells
from lint_memory.source.lines import split_lines_keepends


def unified_diff(fixed: FileFix) -> str:
    """What the fix changes, as a unified diff (per changed cell for a notebook)."""
    if not fixed.changed:
        return ""
    if fixed.path.endswith(".ipynb"):
        return "".join(
            _diff(old, new, f"{fixed.path}:cell {cell}")
            for cell, old, new in changed_cells(fixed.old_text, fixed.new_text)
        )
    return _diff(fixed.old_text, fixed.new_text, fixed.path)


def _diff(old: str, new: str, name: str) -> str:
    out = []
    for line in difflib.unified_diff(split_lines_keepends(old), split_lines_keepends(new), fromfile=name, tofile=name):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
