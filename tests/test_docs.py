"""docs/rules.md and the README's rules table are generated from the rules and the catalog; they must never be stale."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory.catalog.entries import ENTRIES
from lint_memory.output import docs
from lint_memory.rules import LINT_RULES, RULES

ROOT = Path(__file__).resolve().parent.parent
STALE = "run `python -m lint_memory.docs`"


def test_rules_md_is_up_to_date():
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == docs.render(), f"docs/rules.md is stale: {STALE}"


def test_readme_rules_table_is_up_to_date():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count(docs.README_START) == 1 and readme.count(docs.README_END) == 1
    assert docs.readme_table() in readme, f"the README's rules table is stale: {STALE}"


def test_every_rule_has_every_section():
    text = docs.render()
    for rule in RULES:
        section = docs.rule_section(rule)
        for heading in ("What it does", "Why is this bad?", "Example", "Use instead:", "Fix safety", "References"):
            assert heading in section, (rule.code, heading)
        assert f"## {rule.code} {rule.name}" in text


def _table_rows(table: str) -> dict[str, list[str]]:
    rows = {}
    for line in table.splitlines():
        match = re.match(r"\| \[(LCM\d+)\]\(docs/rules\.md#([\w-]+)\) \| (.*) \|$", line)
        if match:
            rows[match.group(1)] = [match.group(2), *match.group(3).split(" | ")]
    return rows


def test_readme_table_lists_every_lint_rule_and_every_catalog_class():
    rows = _table_rows(docs.readme_table())
    assert list(rows) == [rule.code for rule in LINT_RULES]  # diagnostics (LCM9xx) are described below it
    for rule in LINT_RULES:
        anchor, name, flags = rows[rule.code]
        assert anchor == f"{rule.code.lower()}-{rule.name}"
        assert f"## {rule.code} {rule.name}" in docs.render()  # the anchor's heading exists
        assert name.startswith(rule.name)
        assert ("(opt-in" in name) == (not rule.default)
        assert ("fixable" in name) == (rule.fixable != "never")
        for entry in ENTRIES:
            assert (f"`{entry.name}`" in flags) == (entry.rule == rule.code), (rule.code, entry.name)
    assert "`langchain.memory`" in rows["LCM400"][2] and "`langchain_core.memory`" in rows["LCM400"][2]


def test_readme_table_follows_the_catalog():
    """A class added to the catalog shows up in the table without touching the README by hand."""
    script = (
        "from lint_memory.catalog import entries as catalog\n"
        "catalog.ENTRIES += (catalog.Entry('GraphRecall', 'LCM102', ('langchain.recall.GraphRecall',), "
        "catalog.LONG_TERM, catalog.LONG_TERM_URL, '9.9', '10.0'),)\n"
        "from lint_memory.output import docs\n"
        "print([line for line in docs.readme_table().splitlines() if 'GraphRecall' in line])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "[LCM102](docs/rules.md#lcm102-extraction-memory)" in done.stdout


def test_with_readme_table_replaces_only_between_the_markers():
    readme = f"# x\n\nbefore\n\n{docs.README_START}\n| old | table |\n{docs.README_END}\n\nafter\n"
    new = docs.with_readme_table(readme)
    assert new == f"# x\n\nbefore\n\n{docs.readme_table()}\n\nafter\n"
    assert docs.with_readme_table(new) == new
    with pytest.raises(ValueError, match="no rules table markers"):
        docs.with_readme_table("# a README without markers\n")


def test_main_writes_both_files(tmp_path):
    rules_md, readme = tmp_path / "docs" / "rules.md", tmp_path / "README.md"
    readme.write_bytes(f"top\r\n{docs.README_START}\r\n{docs.README_END}\r\nbottom\r\n".encode())
    assert docs.main([str(rules_md), str(readme)]) == 0
    assert rules_md.read_text(encoding="utf-8") == docs.render()
    written = readme.read_bytes().decode()
    assert written.startswith("top\r\n") and written.endswith("\r\nbottom\r\n")  # the rest is kept byte for byte
    assert docs.readme_table().replace("\n", "\r\n") in written  # in the README's own line endings
    readme.write_text("no markers\n", encoding="utf-8")
    assert docs.main([str(rules_md), str(readme)]) == 1


def test_readme_first_screen_starts_with_the_two_commands():
    """The first two commands are: run on the bundled example, run the tests (what CI runs)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[: readme.index("## Rules")]
    commands = re.findall(r"```console\n(.*?)\n```", head, re.DOTALL)
    assert commands == [
        "python -m pip install -e . && lint-memory check examples/legacy_chat_app",
        "python -m pip install -e '.[dev,langchain]' && python -m pytest -q",
    ]
