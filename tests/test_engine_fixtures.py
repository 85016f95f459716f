"""Per-rule and per-semantics fixtures: the engine reports exactly the marked (row, code) pairs.

Each ``tests/fixtures/rules/lcmNNN_*.py`` holds positive lines (marked ``# expect: LCMNNN``) and
negative ones (unmarked, so they must stay silent) for one rule; ``semantics_*.py`` pin down name
resolution: scoping and shadowing, try/except shims, TYPE_CHECKING, annotations, lookalikes,
positions.  The engine reports every code, opt-in ones included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_memory.engine import check_source
from lint_memory.rules import LINT_RULES

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
FILES = sorted(FIXTURES.glob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_fixture_reports_exactly_the_marked_lines(path, expected_marks):
    found = {(f.line, f.code) for f in check_source(path.read_text(encoding="utf-8"), str(path))}
    expected = expected_marks(path)
    assert sorted(found - expected) == [], "reported but not marked"
    assert sorted(expected - found) == [], "marked but not reported"


@pytest.mark.parametrize("rule", LINT_RULES, ids=[r.code for r in LINT_RULES])
def test_every_rule_has_a_fixture_with_positive_and_negative_lines(rule, expected_marks):
    (path,) = FIXTURES.glob(f"{rule.code.lower()}_*.py")
    marks = expected_marks(path)
    assert any(code == rule.code for _, code in marks), "no positive line"
    text = path.read_text(encoding="utf-8").splitlines()
    silent = [row for row, line in enumerate(text, start=1) if line.strip() and row not in {r for r, _ in marks}]
    assert silent, "no negative line"


def test_fixtures_cover_every_rule(expected_marks):
    codes = {code for path in FILES for _, code in expected_marks(path)}
    assert codes == {rule.code for rule in LINT_RULES}


def _helper_chain(length: int) -> str:
    """``f0`` returns a memory object, each ``fN`` returns ``fN-1()``."""
    lines = ["from langchain.memory import ConversationBufferMemory"]
    lines += ["def f0():", "    return ConversationBufferMemory()"]
    for index in range(1, length):
        lines += [f"def f{index}():", f"    return f{index - 1}()"]
    return "\n".join(lines) + "\n"


def test_helper_chains_are_followed_to_a_bounded_depth():
    source = _helper_chain(3000) + "f5().clear()\nf2999().clear()\n"
    found = [(f.line, f.code) for f in check_source(source)]
    last = len(source.splitlines())
    # f5 is followed; f2999 is too deep to follow (no crash, no finding)
    assert found == [(1, "LCM100"), (1, "LCM400"), (3, "LCM100"), (last - 1, "LCM302")]


def test_mutually_recursive_helpers_end():
    lines = ["from langchain.memory import ConversationBufferMemory"]
    for index in range(30):  # every helper may call every other one: the budget of probes bounds the work
        lines.append(f"def f{index}(x):")
        lines += [f"    if x == {other}:\n        return f{other}(x)" for other in range(30)]
        lines.append("    return 1")
    lines.append("f0(1).clear()")
    found = [(f.line, f.code) for f in check_source("\n".join(lines) + "\n")]
    assert found == [(1, "LCM100"), (1, "LCM400")]
