"""The ``sarif`` format: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; the driver describes every selected rule (``helpUri`` is the rule's URL, the same as
the JSON ``url``; ``help.markdown`` its documentation).  Paths under the current folder are
relative to ``%SRCROOT%``, which is how code scanning matches them to the repository.  A
notebook finding's region is its cell row (SARIF has no cells), and ``properties.cell`` says
which cell.  Columns count Unicode code points, as ``columnKind`` declares.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from lint_memory import __version__
from lint_memory.model import FileReport, Finding
from lint_memory.output.common import DEFAULT_OPTIONS, Options, located, severity
from lint_memory.output.docs import rule_section
from lint_memory.rules import DOCS_URL, RULES, Rule, RuleKind

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = DOCS_URL.split("/blob/")[0]  # the repository
SRCROOT = "%SRCROOT%"


def _rule(rule: Rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.what},
        "help": {"text": f"{rule.summary}. See {rule.url}", "markdown": rule_section(rule, level=2)},
        "helpUri": rule.url,
        "defaultConfiguration": {"level": severity(rule.code), "enabled": rule.default},
        "properties": {"tags": ["input" if rule.kind is RuleKind.DIAGNOSTIC else "deprecation"]},
    }


def _location(path: str, cwd: str) -> dict:
    absolute = os.path.abspath(path)
    if absolute.startswith(cwd + os.sep):
        relative = os.path.relpath(absolute, cwd).replace(os.sep, "/")
        return {"uri": quote(os.fsencode(relative)), "uriBaseId": SRCROOT}  # a name's bytes, even if not UTF-8
    return {"uri": Path(absolute).as_uri()}


def _region(row: int, col: int, end_row: int, end_col: int) -> dict:
    return {"startLine": row, "startColumn": col + 1, "endLine": end_row, "endColumn": end_col + 1}


def _result(finding: Finding, artifact: dict, index: dict[str, int]) -> dict:
    result: dict = {
        "ruleId": finding.code,
        "level": severity(finding.code),
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact,
                    "region": _region(finding.line, finding.col, finding.end_line, finding.end_col),
                }
            }
        ],
    }
    if finding.code in index:
        result["ruleIndex"] = index[finding.code]
    if finding.cell is not None:
        result["properties"] = {"cell": finding.cell}
    if finding.fix is not None:
        result["fixes"] = [
            {
                "description": {"text": finding.fix.message},
                "artifactChanges": [
                    {
                        "artifactLocation": artifact,
                        "replacements": [
                            {
                                "deletedRegion": _region(edit.row, edit.col, edit.end_row, edit.end_col),
                                "insertedContent": {"text": edit.content},
                            }
                            for edit in finding.fix.edits
                        ],
                    }
                ],
            }
        ]
    return result


def document(reports: Sequence[FileReport], options: Options = DEFAULT_OPTIONS) -> dict:
    cwd = os.getcwd()
    reported = {finding.code for _, finding in located(reports)}
    rules = [rule for rule in RULES if rule.code in options.codes or rule.code in reported]
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = [_result(finding, _location(report.path, cwd), index) for report, finding in located(reports)]
    failures = [f"{report.path}: {report.error}" for report in reports if report.error]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "lint-memory",
                        "informationUri": INFORMATION_URI,
                        "version": __version__,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": Path(cwd).as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {
                        "executionSuccessful": not failures,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": failure}} for failure in failures
                        ],
                    }
                ],
                "results": results,
            }
        ],
    }


def render(reports: Sequence[FileReport], options: Options = DEFAULT_OPTIONS) -> str:
    return json.dumps(document(reports, options), indent=2) + "\n"
