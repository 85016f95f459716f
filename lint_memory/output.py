"""Rendering findings: concise text and ruff's JSON schema."""

from __future__ import annotations

import json
from collections.abc import Iterable

from lint_memory.findings import Finding
from lint_memory.rules import BY_CODE
from lint_memory.runner import FileReport, display_path


def located(reports: Iterable[FileReport]) -> list[tuple[FileReport, Finding]]:
    return [(report, finding) for report in reports for finding in report.findings]


def concise(reports: Iterable[FileReport]) -> str:
    lines = []
    for report, finding in located(reports):
        where = f"{report.path}:"
        if finding.cell is not None:
            where += f"cell {finding.cell}:"
        lines.append(f"{where}{finding.line}:{finding.col + 1}: {finding.code} {finding.message}")
    return "\n".join(lines) + ("\n" if lines else "")


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


def as_json(reports: Iterable[FileReport]) -> str:
    return json.dumps([json_record(r, f) for r, f in located(reports)], indent=2) + "\n"
