"""Rendering a run's reports: concise and JSON formats, the summary line, ``--statistics``, and
what the other formats share (``formats.py`` lists them all).

The text formats (``full``, ``concise``) are for people and may be coloured; every other format
is for machines and is exactly its documented schema, nothing before or after it.  The record
fields follow ruff's, so tools that read ruff's output read ours.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from lint_memory.model import FileReport, Finding
from lint_memory.rules import BY_CODE, is_diagnostic
from lint_memory.runner import display_path


@dataclass(frozen=True)
class Options:
    codes: frozenset[str] = frozenset()  # the selected codes: SARIF describes their rules
    colour: bool = False


DEFAULT_OPTIONS = Options()


def located(reports: Iterable[FileReport]) -> list[tuple[FileReport, Finding]]:
    return [(report, finding) for report in reports for finding in report.findings]


def severity(code: str) -> str:
    """Deprecations are warnings; a file that could not be checked is an error."""
    return "error" if is_diagnostic(code) else "warning"


def fixable(finding: Finding) -> bool:
    """Does ``--fix`` fix it: a safe fix.  An unsafe one needs ``--unsafe-fixes`` as well."""
    return finding.fix is not None and finding.fix.applicability == "safe" and bool(finding.fix.edits)


def fix_marker(finding: Finding) -> str:
    """ruff's ``[*]``: a fix that ``--fix`` applies (a safe one)."""
    return "[*] " if fixable(finding) else ""


def position(finding: Finding) -> str:
    """``row:col``, or ``cell N:row:col`` in a notebook (ruff's spelling)."""
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{cell}{finding.line}:{finding.col + 1}"


# --- streams -----------------------------------------------------------------------------------


def never_fail_to_print(*streams: TextIO) -> None:
    """Make ``streams`` (default: stdout and stderr) write what their encoding cannot show as
    backslash escapes (``\\U0001f600``, ``\\udcff`` for a byte of a file name that is not UTF-8)
    instead of raising: a cp1252 or ASCII console must not end the run.  The JSON formats and
    SARIF are pure ASCII (``\\u`` escapes), so they stay valid on any stream."""
    for stream in streams or (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot change (closed)
                continue


# --- colour ------------------------------------------------------------------------------------

_STYLES = {"bold": "1", "red": "1;31", "blue": "1;34", "cyan": "36"}


def colour_enabled(stream: TextIO) -> bool:
    """On a terminal, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR forces it."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, style: str, colour: bool) -> str:
    return f"\033[{_STYLES[style]}m{text}\033[0m" if colour and text else text


# --- concise and JSON ------------------------------------------------------------------------


def concise(reports: Sequence[FileReport], options: Options = DEFAULT_OPTIONS) -> str:
    lines = []
    for report, finding in located(reports):
        where = paint(f"{report.path}:{position(finding)}:", "bold", options.colour)
        code = paint(finding.code, "red", options.colour)
        lines.append(f"{where} {code} {fix_marker(finding)}{finding.message}")
    return "".join(line + "\n" for line in lines)


def fix_json(finding: Finding) -> dict | None:
    if finding.fix is None:
        return None
    return {
        "applicability": finding.fix.applicability,
        "edits": [
            {
                "content": edit.content,
                "end_location": {"column": edit.end_col + 1, "row": edit.end_row},
                "location": {"column": edit.col + 1, "row": edit.row},
            }
            for edit in finding.fix.edits
        ],
        "message": finding.fix.message,
    }


def json_record(report: FileReport, finding: Finding) -> dict:
    rule = BY_CODE[finding.code]
    return {
        "cell": finding.cell,
        "code": finding.code,
        "end_location": {"column": finding.end_col + 1, "row": finding.end_line},
        "filename": display_path(report.path),
        "fix": fix_json(finding),
        "location": {"column": finding.col + 1, "row": finding.line},
        "message": finding.message,
        "name": rule.name,
        "noqa_row": finding.line,
        "url": rule.url,
    }


def as_json(reports: Sequence[FileReport], options: Options = DEFAULT_OPTIONS) -> str:
    import json  # the JSON formats only: a millisecond of start-up for the others

    return json.dumps([json_record(r, f) for r, f in located(reports)], indent=2) + "\n"


def json_lines(reports: Sequence[FileReport], options: Options = DEFAULT_OPTIONS) -> str:
    import json

    return "".join(json.dumps(json_record(r, f), separators=(",", ":")) + "\n" for r, f in located(reports))


# --- summary and statistics -------------------------------------------------------------------


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(reports: Sequence[FileReport]) -> str:
    """``Found 12 findings in 5 files (3 fixable).`` or ``All checks passed!``; "fixable" counts
    what ``--fix`` fixes (safe fixes), as ruff's ``[*] 3 fixable with the --fix option``."""
    found = located(reports)
    if not found:
        return "All checks passed!"
    files = sum(1 for report in reports if report.findings)
    count = sum(1 for _, finding in found if fixable(finding))
    tail = f" ({count} fixable)" if count else ""
    return f"Found {_plural(len(found), 'finding')} in {_plural(files, 'file')}{tail}."


def fix_summary(reports: Sequence[FileReport], fixed: int, *, unsafe_fixes: bool = False) -> str:
    """After ``--fix``, as ruff: ``Found 5 findings (3 fixed, 2 remaining).``, plus a line for
    the unsafe fixes left to ``--unsafe-fixes``.  Nothing fixed: the usual summary."""
    remaining = len(located(reports))
    lines = [
        f"Found {_plural(fixed + remaining, 'finding')} ({fixed} fixed, {remaining} remaining)."
        if fixed
        else summary(reports)
    ]
    hidden = (
        0
        if unsafe_fixes
        else sum(
            1 for _, finding in located(reports) if finding.fix is not None and finding.fix.applicability == "unsafe"
        )
    )
    if hidden:
        fixes = "fix" if hidden == 1 else "fixes"
        lines.append(f"{hidden} hidden {fixes} can be enabled with the `--unsafe-fixes` option.")
    return "\n".join(lines)


@dataclass(frozen=True)
class Statistic:
    code: str
    name: str
    count: int
    fixable: int


def statistics(reports: Sequence[FileReport]) -> list[Statistic]:
    """Counts per code, most frequent first (then by code), as ruff's ``--statistics``."""
    counts = Counter(finding.code for _, finding in located(reports))
    fixable_count = Counter(finding.code for _, finding in located(reports) if fixable(finding))
    order = sorted(counts, key=lambda code: (-counts[code], code))
    return [Statistic(code, BY_CODE[code].name, counts[code], fixable_count[code]) for code in order]


def statistics_text(stats: Sequence[Statistic], options: Options = DEFAULT_OPTIONS) -> str:
    if not stats:
        return ""
    count_width = max(len(str(stat.count)) for stat in stats)
    code_width = max(len(stat.code) for stat in stats)
    any_fixable = any(stat.fixable for stat in stats)
    lines = []
    for stat in stats:
        marker = ("[*] " if stat.fixable else "[ ] ") if any_fixable else ""
        code = paint(f"{stat.code:<{code_width}}", "red", options.colour)
        lines.append(f"{stat.count:>{count_width}}\t{code}\t{marker}{stat.name}")
    return "".join(line + "\n" for line in lines)


def statistics_json(stats: Sequence[Statistic]) -> str:
    import json

    records = [
        {"code": s.code, "name": s.name, "count": s.count, "fixable": s.fixable > 0, "fixable_count": s.fixable}
        for s in stats
    ]
    return json.dumps(records, indent=2) + "\n"
