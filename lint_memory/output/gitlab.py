"""The ``gitlab`` format: a GitLab Code Quality report (a JSON list of issues).

Paths are relative to ``CI_PROJECT_DIR`` when GitLab CI sets it (else the current folder).
The fingerprint hashes the code, path and message but not the line, so an issue keeps its
identity when code above it moves; repeats in one file are told apart by a counter.  Notebook
findings point at the notebook's first line (as ruff's do); the description names the cell.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence

from lint_memory.model import FileReport
from lint_memory.output.common import DEFAULT_OPTIONS, Options, located
from lint_memory.rules import is_diagnostic


def _relative(path: str) -> str:
    base = os.environ.get("CI_PROJECT_DIR") or os.getcwd()
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive (Windows)
        return absolute.replace(os.sep, "/")
    return (absolute if relative.startswith("..") else relative).replace(os.sep, "/")


def render(reports: Sequence[FileReport], options: Options = DEFAULT_OPTIONS) -> str:
    issues = []
    seen: Counter[str] = Counter()
    for report, finding in located(reports):
        path = _relative(report.path)
        identity = f"{finding.code}\0{path}\0{finding.message}"
        seen[identity] += 1
        fingerprint = hashlib.sha256(f"{identity}\0{seen[identity]}".encode("utf-8", "surrogateescape")).hexdigest()[
            :16
        ]
        if finding.cell is None:
            begin = {"line": finding.line, "column": finding.col + 1}
            end = {"line": finding.end_line, "column": finding.end_col + 1}
            where = ""
        else:
            begin = end = {"line": 1, "column": 1}
            where = f" (cell {finding.cell}, row {finding.line})"
        issues.append(
            {
                "check_name": finding.code,
                "description": f"{finding.code}: {finding.message}{where}",
                "severity": "critical" if is_diagnostic(finding.code) else "major",
                "fingerprint": fingerprint,
                "location": {"path": path, "positions": {"begin": begin, "end": end}},
            }
        )
    return json.dumps(issues, indent=2) + "\n"
