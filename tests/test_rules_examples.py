"""Each rule's own documented example fires it; its "use instead" code keeps it silent (Fixit style)."""

from __future__ import annotations

import pytest

from lint_memory.engine import check_source
from lint_memory.rules import LINT_RULES

# (row, code) of the example and of the "use instead" code, written out by hand.
EXPECTED = {
    "LCM100": ({(1, "LCM100"), (1, "LCM400"), (3, "LCM100")}, set()),
    "LCM101": ({(1, "LCM101"), (1, "LCM400"), (3, "LCM101")}, set()),
    "LCM102": ({(1, "LCM102"), (1, "LCM400"), (3, "LCM102")}, set()),
    "LCM103": ({(1, "LCM103"), (1, "LCM400"), (3, "LCM103")}, set()),
    "LCM104": ({(1, "LCM104"), (1, "LCM400"), (3, "LCM104")}, set()),
    "LCM105": ({(1, "LCM105"), (3, "LCM105")}, set()),
    "LCM200": ({(1, "LCM200"), (1, "LCM400"), (4, "LCM200")}, set()),
    "LCM300": ({(3, "LCM300")}, set()),
    "LCM301": ({(1, "LCM301"), (1, "LCM400"), (3, "LCM301")}, set()),
    "LCM302": ({(1, "LCM100"), (3, "LCM100"), (4, "LCM302")}, set()),
    # The new homes still hold deprecated classes: moving the import leaves LCM100 / LCM501 to do.
    "LCM400": ({(1, "LCM100"), (1, "LCM400"), (1, "LCM501")}, {(1, "LCM501"), (2, "LCM100")}),
    "LCM500": ({(1, "LCM500"), (3, "LCM500")}, set()),
    "LCM501": ({(1, "LCM501"), (3, "LCM501")}, set()),
}


def _found(source: str) -> set[tuple[int, str]]:
    return {(f.line, f.code) for f in check_source(source)}


def test_every_rule_has_expectations():
    assert set(EXPECTED) == {rule.code for rule in LINT_RULES}


@pytest.mark.parametrize("rule", LINT_RULES, ids=[r.code for r in LINT_RULES])
def test_example_fires_the_rule(rule):
    found = _found(rule.example)
    assert rule.code in {code for _, code in found}
    assert found == EXPECTED[rule.code][0]


@pytest.mark.parametrize("rule", LINT_RULES, ids=[r.code for r in LINT_RULES])
def test_use_instead_keeps_the_rule_silent(rule):
    found = _found(rule.use_instead)
    assert rule.code not in {code for _, code in found}
    assert found == EXPECTED[rule.code][1]
