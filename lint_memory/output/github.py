"""The ``github`` format: GitHub Actions workflow commands, one annotation per finding.

``::warning title=lint-memory (LCM100),file=...,line=3,col=30,endLine=3,endColumn=54::message``
(``::error`` for a file that could not be checked).  Notebook findings are annotated on the
notebook's first line, since a cell row is not a line of the ``.ipynb`` file; the message says
which cell and row (as ruff does).
"""

from __future__ import annotations

from collections.abc import Sequence

from lint_memory.model import FileReport
from lint_memory.output.common import DEFAULT_OPTIONS, Options, located, position, severity
from lint_memory.runner import display_path


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(reports: Sequence[FileReport], options: Options = DEFAULT_OPTIONS) -> str:
    lines = []
    for report, finding in located(reports):
        if finding.cell is None:
            span = (finding.line, finding.col + 1, finding.end_line, finding.end_col + 1)
        else:
            span = (1, 1, 1, 1)
        fields = ",".join(
            [
                f"title={_property(f'lint-memory ({finding.code})')}",
                f"file={_property(display_path(report.path))}",
                f"line={span[0]}",
                f"col={span[1]}",
                f"endLine={span[2]}",
                f"endColumn={span[3]}",
            ]
        )
        message = f"{report.path}:{position(finding)}: {finding.code} {finding.message}"
        lines.append(f"::{severity(finding.code)} {fields}::{_data(message)}\n")
    return "".join(lines)
