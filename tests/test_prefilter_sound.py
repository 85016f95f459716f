"""The pre-filter never hides a finding: every rule fixture, every example and every acceptance case.

Each file is checked twice, with the pre-filter and without it, for every code on its own, the
default selection and all codes: the findings must be the same.  The acceptance cases of
``../shared/cases`` are included when that folder exists (the repository's own fixtures always
are).  Then sources that only look like LangChain memory code must be cleared, and the ways
Python lets a needed word be written (line continuations, comments inside brackets, aliases)
must still pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_memory import runner
from lint_memory.engine import check_source
from lint_memory.prefilter import might_match, might_match_text
from lint_memory.project.settings import Settings
from lint_memory.rules import DEFAULT_CODES, LINT_RULES, RULES

TESTS = Path(__file__).resolve().parent
SHARED_CASES = TESTS / "fixtures" / "cases"  # vendored from shared/cases
if not SHARED_CASES.is_dir():
    SHARED_CASES = TESTS.parent.parent / "shared" / "cases"
ALL_CODES = frozenset(rule.code for rule in RULES)
LINT_CODES = sorted(rule.code for rule in LINT_RULES)
SELECTIONS = [frozenset({code}) for code in LINT_CODES] + [frozenset(DEFAULT_CODES), ALL_CODES]


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix in (".py", ".ipynb") and p.is_file())


def _lint_findings(report) -> set[tuple]:
    return {(f.cell, f.line, f.col, f.code) for f in report.findings if not f.code.startswith("LCM9")}


def _same_with_and_without(path: Path) -> None:
    data = path.read_bytes()
    for codes in SELECTIONS:
        unfiltered = runner.check_bytes(str(path), data, Settings(codes=codes, prefilter=False))
        filtered = runner.check_bytes(str(path), data, Settings(codes=codes))
        assert _lint_findings(filtered) == _lint_findings(unfiltered), (path, sorted(codes))


OWN = _files(TESTS / "fixtures")


def test_the_fixtures_have_findings_of_every_code():
    found = set()
    for path in OWN:
        report = runner.check_bytes(str(path), path.read_bytes(), Settings(codes=ALL_CODES, prefilter=False))
        found |= {code for *_, code in _lint_findings(report)}
    assert found == set(LINT_CODES)


@pytest.mark.parametrize("path", OWN, ids=lambda p: p.relative_to(TESTS).as_posix())
def test_every_fixture_passes(path):
    _same_with_and_without(path)


@pytest.mark.skipif(not SHARED_CASES.is_dir(), reason=f"the shared acceptance cases are not at {SHARED_CASES}")
def test_every_acceptance_case_passes():
    cases = _files(SHARED_CASES)
    assert cases
    for path in cases:
        _same_with_and_without(path)


@pytest.mark.parametrize("rule", LINT_RULES, ids=lambda rule: rule.code)
def test_every_rule_example_passes(rule):
    assert {f.code for f in check_source(rule.example)} >= {rule.code}
    for codes in SELECTIONS:
        if any(f.code in codes for f in check_source(rule.example)):
            assert might_match(rule.example.encode(), codes), sorted(codes)


# --- what is cleared now ---------------------------------------------------------------------------
IMPORTS = "from langchain_core.vectorstores import InMemoryVectorStore\nfrom langchain.chains import LLMChain\n"


@pytest.mark.parametrize(
    "source",
    [
        IMPORTS + '"""An in-memory vector store: the memory of a process, lost when it ends."""\n',
        IMPORTS + "store = InMemoryVectorStore(embedding)\n",
        IMPORTS + "chain = LLMChain(llm=llm, prompt=prompt, output_key='memory_key')\n",
        IMPORTS + "# the memory is kept by the caller\nchain = LLMChain(llm=llm)\n",
        "from langchain.chains import ConversationalRetrievalChain\nConversationalRetrievalChain.from_llm(llm)\n",
        "from langchain_core.memory_utils import helper  # memory\n",
        # a class name that nothing imports: only prose, which the engine never resolves
        '"""Memory stays in the process."""\nfrom langchain_core.caches import BaseCache\n'
        "class Cache(BaseCache):\n    def clear(self): ...\n",
        # `memory` as a word, and an import from `langchain.schema` that does not import it
        "from langchain.schema import Document  # memory\nmemory = {}\n",
        "from langchain.chains import LLMChain\nconversation = LLMChain(llm=llm)\n",
    ],
)
def test_words_that_only_look_like_memory_code_are_cleared(source):
    assert check_source(source) == []
    assert not might_match(source.encode())


def test_opt_in_names_count_only_when_their_codes_are_selected():
    source = "from langchain_core.chat_history import BaseChatMessageHistory\nclass H(BaseChatMessageHistory): ...\n"
    assert {f.code for f in check_source(source)} == {"LCM501"}
    assert might_match(source.encode())
    assert might_match(source.encode(), ALL_CODES)
    assert not might_match(source.encode(), DEFAULT_CODES)
    assert might_match_text(source, {"LCM501"})


# --- what must still pass --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source",
    [
        "import langchain \\\n    . memory\n",
        "from langchain import (  # the old home\n    memory,\n)\n",
        "from langchain \\\n    import memory as m\n",
        "import langchain_core . memory as m\n",
        "from langchain.chains import LLMChain\nLLMChain(llm=llm, memory  # kept\n    = m)\n",
        "import langchain as lc\nlc.chains.LLMChain(memory=m)\n",
        "from langchain.chains import RetrievalQA\nRetrievalQA.from_chain_type(chain_type_kwargs={'memory': m})\n",
        "from langchain.chains import LLMChain\nLLMChain(**dict(memory=m))\n",
        "import langchain.memory as m\nx = m.ConversationBufferMemory()\nx.save_context({}, {})\n",
        "from langchain.schema import (\n    Memory,  # an alias\n)\n",
        "from langchain.schema import *\nclass M(Memory): ...\n",
        "from langchain import (\n    chains,  # ## a comment\n    memory as m,\n)\n",
        "from langchain import chains as c, \\\n    memory\n",
        "from langchain.memory import (ConversationBufferMemory as B,\n    ChatMessageHistory)\nB().clear()\n",
        "import langchain.schema as s\nclass M(s . \\\n    Memory): ...\n",
        'import langchain.schema\nx: "langchain.schema.Memory" = None\n',
    ],
)
def test_every_way_of_writing_the_words_passes(source):
    assert [f.code for f in check_source(source)]
    assert might_match(source.encode())
    codes = {f.code for f in check_source(source)}
    for code in codes:
        assert might_match(source.encode(), {code}), code


def test_comments_full_of_hashes_are_read_in_linear_time():
    """A comment may stand between the tokens of a dotted path; one with many ``#`` in it used to
    be matched in exponentially many ways when the path did not follow (this never finished)."""
    comment = "x = langchain . " + "#" * 80 + "\nother\n"
    assert might_match((comment + "import langchain.memory\n").encode())
    assert not might_match((comment + "memory = 1\n").encode())
