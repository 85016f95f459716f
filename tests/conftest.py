"""Shared test helpers: the ``# expect: CODE, CODE`` marks of fixture files, and the shape every
finding has.

The marks follow the shared acceptance cases: a line ending with ``# expect: LCM100, LCM400``
must be reported with exactly those codes, every other line must stay silent.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from lint_memory.rules import BY_CODE

try:
    from hypothesis import settings as hypothesis_settings
except ImportError:  # pragma: no cover - hypothesis is in the dev extra
    hypothesis_settings = None

if hypothesis_settings is not None:
    # CI checks the same generated examples on every run (a red CI means a change broke something);
    # a developer's run explores new ones, and scripts/fuzz.py explores for as long as it is asked to.
    hypothesis_settings.register_profile("ci", derandomize=True, database=None)
    if os.environ.get("CI"):
        hypothesis_settings.load_profile("ci")

EXPECT = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")
URL_LAST = re.compile(r"; see https://\S+$")


def read_marks(path: Path) -> set[tuple[int, str]]:
    """{(row, code)} promised by the file's ``# expect:`` comments."""
    marks = set()
    for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found = EXPECT.search(line)
        if found:
            marks |= {(row, code.strip()) for code in found.group(1).split(",") if code.strip()}
    return marks


@pytest.fixture
def expected_marks():
    return read_marks


def check_well_formed(source: str, findings) -> None:
    """Known lint codes, rows inside the source, one-line messages that end with a URL."""
    rows = len(source.splitlines())
    for finding in findings:
        assert finding.code in BY_CODE and not finding.code.startswith("LCM9")
        assert 1 <= finding.line <= finding.end_line <= rows
        assert finding.col >= 0 and finding.end_col >= 0
        assert "\n" not in finding.message and URL_LAST.search(finding.message), finding.message


@pytest.fixture
def well_formed():
    return check_well_formed
