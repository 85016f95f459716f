"""Messages: one line, the symbol named, what replaces it named, the doc URL last."""

from __future__ import annotations

import re

import pytest

from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup
from lint_memory.engine import check_source
from lint_memory.rules import BY_CODE, LINT_RULES

URL_LAST = re.compile(r"; see (https://\S+)$")
REFERENCE_ENTRIES = [entry for entry in catalog.ENTRIES if entry.rule]
REMOVED_PATHS = sorted(path for path in lookup.BY_PATH if lookup.is_removed(path))


def _one_line_with_url(message: str) -> str:
    assert "\n" not in message and "\r" not in message
    found = URL_LAST.search(message)
    assert found, message
    return found.group(1)


@pytest.mark.parametrize("rule", LINT_RULES, ids=[r.code for r in LINT_RULES])
def test_every_rule_message_names_symbol_replacement_and_url(rule):
    findings = [f for f in check_source(rule.example) if f.code == rule.code]
    assert findings
    for finding in findings:
        url = _one_line_with_url(finding.message)
        if rule.code == "LCM300":
            assert finding.symbol == "memory" and "`memory=` given to `AgentExecutor`" in finding.message
            assert catalog.MEMORY_ARGUMENT in finding.message
        elif rule.code == "LCM302":
            assert "`memory.save_context` is the deprecated `ConversationBufferMemory` API" in finding.message
            assert catalog.MEMORY_API_USE in finding.message
        elif rule.code == "LCM400":
            assert f"`{finding.symbol}` no longer exists" in finding.message
            module, _, name = finding.target.rpartition(".")
            assert f"use `from {module} import {name}`" in finding.message
        else:
            entry = next(e for e in catalog.ENTRIES if e.name == finding.symbol)
            assert finding.message.startswith(f"`{entry.name}`")
            assert entry.replacement in finding.message
            assert url == entry.url
        if rule.code in ("LCM300", "LCM302", "LCM400"):
            assert url == rule.url


@pytest.mark.parametrize("entry", REFERENCE_ENTRIES, ids=[e.name for e in REFERENCE_ENTRIES])
def test_every_catalog_entry_reference_message(entry):
    path = entry.all_paths[0]
    module, _, name = path.rpartition(".")
    source = f"from {module} import {name} as Alias\nAlias()\n"
    (finding,) = [f for f in check_source(source) if f.line == 2]
    assert finding.code == entry.rule and finding.symbol == entry.name
    assert finding.message.startswith(f"`{entry.name}` (as `Alias`) is deprecated")
    if entry.since and entry.removal:
        assert f"(since {entry.since}, removal in {entry.removal})" in finding.message
    assert f": use {entry.replacement}; see {entry.url}" in finding.message
    assert _one_line_with_url(finding.message) == entry.url


@pytest.mark.parametrize("path", REMOVED_PATHS)
def test_every_removed_path_names_its_exact_new_home(path):
    module, _, name = path.rpartition(".")
    (finding,) = [f for f in check_source(f"from {module} import {name}\n") if f.code == "LCM400"]
    new = lookup.new_home(path)
    assert finding.target == new and finding.symbol == path
    new_module, _, new_name = new.rpartition(".")
    assert f"`{path}` no longer exists in LangChain 1.x: use `from {new_module} import {new_name}`" in finding.message
    assert _one_line_with_url(finding.message) == BY_CODE["LCM400"].url


def test_new_homes_are_current_paths():
    for path in REMOVED_PATHS:
        new = lookup.new_home(path)
        assert new and not lookup.is_removed(new), (path, new)


def test_module_import_message():
    (finding,) = check_source("import langchain.memory.chat_message_histories.redis as r\n")
    assert finding.code == "LCM400"
    assert finding.message.startswith(
        "module `langchain.memory.chat_message_histories.redis` no longer exists in LangChain 1.x: use "
        "`langchain_community.chat_message_histories.redis` (package `langchain-community`)"
    )
    assert _one_line_with_url(finding.message) == BY_CODE["LCM400"].url


def test_memory_argument_without_known_memory_names_the_callee():
    source = "from langchain.chains import LLMChain\n\nLLMChain(llm=llm, memory=make_memory())\n"
    (finding,) = check_source(source)
    assert finding.message.startswith("`memory=` given to `LLMChain`: legacy chain memory is deprecated; use ")
