"""The catalog and the rule table as data: consistent, complete, and extensible by one entry."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import textwrap

import pytest

from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup
from lint_memory.rules import BY_CODE, LINT_RULES, RULES

DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")
ALIASES = {"langchain.schema.Memory", "langchain_classic.schema.Memory"}  # an old name of BaseMemory


def test_rule_codes_and_pylint_names_are_unique_and_well_formed():
    assert len({r.code for r in RULES}) == len(RULES)
    assert all(re.fullmatch(r"LCM\d{3}", r.code) for r in RULES)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name) for r in RULES)
    ids = [r.pylint_msgid for r in LINT_RULES]
    assert all(re.fullmatch(r"W52\d\d", i) for i in ids) and len(set(ids)) == len(ids)
    assert len({r.pylint_symbol for r in LINT_RULES}) == len(LINT_RULES)
    assert all(r.url.startswith("https://") for r in RULES)


def test_only_the_history_rules_are_opt_in():
    assert {r.code for r in LINT_RULES if not r.default} == {"LCM500", "LCM501"}


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_examples_are_python(rule):
    if rule.code in ("LCM901", "LCM902", "LCM903", "LCM904"):
        return  # their examples are bad input on purpose
    ast.parse(rule.example)
    ast.parse(rule.use_instead)


def test_every_reference_rule_has_entries():
    codes = {entry.rule for entry in catalog.ENTRIES if entry.rule}
    assert codes == {r.code for r in LINT_RULES} - {"LCM300", "LCM302", "LCM400"}


@pytest.mark.parametrize("entry", catalog.ENTRIES, ids=[e.name for e in catalog.ENTRIES])
def test_entry_data(entry):
    assert entry.rule is None or entry.rule in BY_CODE
    assert entry.url.startswith("https://") and (entry.guide is None or entry.guide.startswith("https://"))
    assert entry.replacement and not entry.replacement.endswith(".")
    assert (entry.since is None) == (entry.removal is None)
    for path in entry.all_paths:
        assert DOTTED.match(path), path
        assert path.rpartition(".")[2] == entry.name or path in ALIASES, path
    if entry.moved_to:
        assert not lookup.is_removed(entry.moved_to)
    if entry.classic:
        for path in entry.paths:
            if path.startswith("langchain."):
                assert catalog.CLASSIC + path[len("langchain") :] in entry.all_paths


def test_no_path_belongs_to_two_entries():
    paths = [path for entry in catalog.ENTRIES for path in entry.all_paths]
    assert len(paths) == len(set(paths))


def test_moved_modules_lead_to_current_modules():
    for old, new in catalog.MOVED_MODULES.items():
        assert lookup.is_removed(old + ".x") and not lookup.is_removed(new + ".x"), old
        assert lookup.moved_module(old + ".sub.Name") == new + ".sub.Name"


def test_every_removed_path_has_a_current_home():
    for path in lookup.BY_PATH:
        home = lookup.new_home(path)
        assert (home is not None) == lookup.is_removed(path), path
        if home:
            assert not lookup.is_removed(home), (path, home)


def test_gone_classes_point_at_partner_packages():
    gone = [e for e in catalog.ENTRIES if e.gone]
    names = {"AstraDBChatMessageHistory", "MongoDBChatMessageHistory", "Neo4jChatMessageHistory"}
    assert {e.name for e in gone} == names
    for entry in gone:
        assert not entry.moved_to.startswith(("langchain.", "langchain_classic.", "langchain_community."))
        assert all(lookup.is_removed(p) for p in entry.all_paths)


def test_prefilter_seeds_are_parts_of_names():
    """Seeds are case-sensitive, as identifiers are: each must occur in a word a finding needs."""
    words = {path.rsplit(".", 1)[-1] for path in lookup.BY_PATH} | set(catalog.MEMORY_KEYWORDS)
    words |= {module.rsplit(".", 1)[-1] for module in catalog.MOVED_MODULES}
    assert all(any(seed in word for word in words) for seed in catalog.PREFILTER_SEEDS)


def test_a_new_deprecated_class_is_one_entry(tmp_path):
    """Append one Entry, import nothing else: the engine, the pre-filter and the docs all know it."""
    script = textwrap.dedent(
        """
        from lint_memory.catalog import entries as catalog
        catalog.ENTRIES += (
            catalog.Entry("GraphRecall", "LCM102", ("langchain.recall.GraphRecall",), catalog.LONG_TERM,
                          catalog.LONG_TERM_URL, "9.9", "10.0", memory=True),
        )
        from lint_memory import engine
        from lint_memory.output import docs
        source = "from langchain.recall import GraphRecall\\nr = GraphRecall()\\nr.save_context({}, {})\\n"
        print(sorted((f.line, f.code) for f in engine.check_source(source)))
        print(engine.might_match(source.encode()))
        print("`GraphRecall` | 9.9 | 10.0" in docs.render())
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == [
        "[(1, 'LCM102'), (1, 'LCM400'), (2, 'LCM102'), (3, 'LCM302')]",
        "True",
        "True",
    ]


def test_every_memory_class_has_its_memory_api():
    """LCM302 is per class (``catalog.memory_api``): every memory entry has its row, every row an entry,
    and every class's API holds the ``BaseMemory`` API; the union is what the pre-filter and pylint test."""
    from lint_memory.catalog import memory_api

    names = {entry.name for entry in catalog.ENTRIES if entry.memory}
    assert set(memory_api.BY_CLASS) == names
    assert all(api >= memory_api.BASE for api in memory_api.BY_CLASS.values())
    assert catalog.MEMORY_API == memory_api.ALL == frozenset().union(*memory_api.BY_CLASS.values())
    assert "kg" in memory_api.api_of("ConversationKGMemory") and "kg" not in memory_api.api_of(
        "ConversationBufferMemory"
    )
    assert memory_api.api_of("SomeProjectMemory") == memory_api.BASE
