"""docs/rules.md is generated from the catalog; it must never be stale."""
from pathlib import Path

from lint_memory.output import docs
from lint_memory.rules import RULES


def test_rules_md_is_up_to_date():
    committed = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == docs.render(), "docs/rules.md is stale: run `python -m lint_memory.docs`"


def test_every_rule_has_every_section():
    text = docs.render()
    for rule in RULES:
        section = docs.rule_section(rule)
        for heading in ("What it does", "Why is this bad?", "Example", "Use instead:", "Fix safety", "References"):
            assert heading in section, (rule.code, heading)
        assert f"## {rule.code} {rule.name}" in text
