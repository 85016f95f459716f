"""The pre-filter reads by hand what its clauses say as patterns, and answers as the patterns would.

``prefilter`` tests a clause's spellings without compiling them (a dotted path read backwards from its
last part, a use read backwards from the name, a ``from a import b`` only where ``b`` follows an import
list's ``import``, comma or bracket), tests words with ``bytes.find``, searches some seeds only where
the seed they wait for is, and tests a clause's groups in another order.  None of that may change an
answer: each spelling must match exactly where its pattern matches, and ``might_match`` must answer as
the clauses read literally do (every group of one clause of a selected code has a member in the
source, a word as a whole word, a spelling by its pattern), on every fixture and on generated sources
full of the near misses the hand reading has to get right (comments with ``#`` in them, line
continuations, ``\\r``, an ``import`` inside a comment, a name glued to ``import``).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from lint_memory import prefilter
from lint_memory.catalog import entries as catalog
from lint_memory.prefilter import Spelling, might_match, requirements
from lint_memory.rules import DEFAULT_CODES, RULES

TESTS = Path(__file__).resolve().parent
ALL_CODES = frozenset(rule.code for rule in RULES)
SPELLINGS = sorted(
    {member for clauses in requirements().values() for clause in clauses for group in clause for member in group}
    - {
        word
        for clauses in requirements().values()
        for clause in clauses
        for group in clause
        for word in group
        if isinstance(word, str)
    },
    key=lambda spelling: spelling.name,
)

GAPS = [
    b"",
    b" ",
    b"\t",
    b"\\\n",
    b" \\\n    ",
    b"  # a comment\n",
    b"#\n#\n",
    b" # a # b\n  ",
    b"\r\n",
    b"#.\r ",
    b"\n",
]
NEAR = [
    b".",
    b",",
    b"(",
    b"import",
    b"*",
    b"#",
    b"x",
    b"_",
    b"as",
    b"\xc3\xa9",
    b"import #",
    b"ximport",
    b"..",
    b"=",
    b"'",
]


def _holds_literally(member: str | Spelling, data: bytes) -> bool:
    if isinstance(member, str):
        return re.search(rb"(?<![A-Za-z0-9_])" + re.escape(member.encode()) + rb"(?![A-Za-z0-9_])", data) is not None
    return re.search(member.pattern, data) is not None


def _literally(data: bytes, codes: frozenset[str]) -> bool:
    """The clauses read as written: no seeds, no order, no memo, every member by a pattern."""
    needs = requirements()
    return any(
        all(any(_holds_literally(member, data) for member in group) for group in clause)
        for code in sorted(codes & needs.keys())
        for clause in needs[code]
    )


def _spelled(spelling: Spelling, rng: random.Random) -> bytes:
    """``spelling``'s text, pulled apart by gaps and near misses, often spoiled."""
    parts = [part for part in spelling.name.replace("use of ", "").replace("from ", "").split(" ") if part]
    texts: list[bytes] = []
    for part in parts:
        names = part.split("|")
        pieces = rng.choice(names).split(".")
        text = pieces[0].encode()
        for piece in pieces[1:]:
            text += rng.choice(GAPS) + rng.choice([b".", b".", b",", b""]) + rng.choice(GAPS) + piece.encode()
        texts.append(text)
    joined = b""
    for text in texts:
        joined += rng.choice([b" ", *GAPS]) + rng.choice(["(", "", "a as b, ", "x,"]).encode() + text
    return rng.choice(NEAR + [b""]) + rng.choice(GAPS) + joined + rng.choice(NEAR + [b"", b"\n"])


def _sources(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    words = sorted(
        {
            word
            for clauses in requirements().values()
            for clause in clauses
            for group in clause
            for word in group
            if isinstance(word, str)
        }
    )
    sources = []
    for _ in range(count):
        pieces = [_spelled(rng.choice(SPELLINGS), rng) for _ in range(rng.randint(1, 3))]
        pieces += [
            rng.choice(words).encode() + rng.choice(NEAR + [b" ", b"\n", b"=m"]) for _ in range(rng.randint(0, 6))
        ]
        rng.shuffle(pieces)
        sources.append(b"".join(piece + rng.choice(GAPS + NEAR) for piece in pieces))
    return sources


@pytest.mark.parametrize("spelling", SPELLINGS, ids=lambda spelling: spelling.name[:60])
def test_each_spelling_matches_where_its_pattern_does(spelling):
    rng = random.Random(spelling.name)
    own = [_spelled(spelling, rng) for _ in range(300)]
    others = [_spelled(rng.choice(SPELLINGS), rng) for _ in range(100)]
    matched = 0
    for data in own + others + [a + b for a, b in zip(own, others)]:
        expected = re.search(spelling.pattern, data) is not None
        assert spelling.search(data) == expected, data
        matched += expected
    assert matched, "the generated sources match the pattern somewhere"


@pytest.mark.parametrize(
    "data",
    [
        b"x = langchain . " + b"#" * 80 + b"\nmemory\n",  # a line of hashes, read once
        b"import langchain.  # see\n  # more\n  memory",
        b"import langchain.\\\r  memory",
        b"from langchain import (x,  # ## c\n memory)",
        b"import # import *\nfoo",  # the pattern does not know a comment: `import *` in one counts
        b"importMemory",  # nor a word's start: a name glued to `import` follows it
        b"x.# c\n  BaseMemory",
        b"langchain_core\n.memory",
        b"from langchain_core import memory",
        b"a, # x\r\nChatMessageHistory",
        b"memory = 1 # langchain.\nmemory",
    ],
)
def test_hand_reading_agrees_on_hard_cases(data):
    for spelling in SPELLINGS:
        assert spelling.search(data) == (re.search(spelling.pattern, data) is not None), spelling


def _fixtures() -> list[Path]:
    return sorted(p for p in (TESTS / "fixtures").rglob("*.py") if p.is_file())


@pytest.mark.parametrize("codes", [ALL_CODES, frozenset(DEFAULT_CODES)], ids=["all", "default"])
def test_might_match_answers_as_the_clauses_read_literally(codes):
    sources = [path.read_bytes() for path in _fixtures()]
    sources = [data for data in sources if data.isascii()] + _sources(400, 13)
    answers = [might_match(data, codes) for data in sources]
    assert answers == [_literally(data, codes) for data in sources]
    assert any(answers) and not all(answers)


def test_each_seed_waits_only_for_one_that_waits_for_none():
    plan = dict(prefilter._seed_plan())
    assert set(plan) == set(prefilter.seeds())
    assert all(plan[gate] is None for gate in plan.values() if gate is not None)
    # the catalog's rare seeds wait (their classes all live under `langchain.memory`), the common ones do not
    assert plan[b"emory"] is None and plan[b"onversation"] is None
    assert {seed for seed, gate in plan.items() if gate} >= {b"SummarizerMixin", b"EntityStore"}
    assert set(catalog.PREFILTER_SEEDS) <= {seed.decode() for seed in plan}


def test_prepare_builds_what_the_first_source_would(monkeypatch):
    prefilter.prepare(DEFAULT_CODES)
    compiled = prefilter._compiled.cache_info().currsize
    assert compiled >= 1 + sum(1 for spelling in SPELLINGS if isinstance(spelling, prefilter._FromParent))
    source = b"from langchain import memory\nfrom langchain.schema import *\n"
    monkeypatch.setattr(re, "compile", None)  # nothing is compiled after it: a forked worker inherits it all
    assert might_match(source, DEFAULT_CODES)
    assert prefilter._compiled.cache_info().currsize == compiled
