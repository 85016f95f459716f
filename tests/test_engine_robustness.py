"""The engine never crashes on odd input: it raises only what ``check_source`` promises.

Deeply nested trees raise RecursionError (the CLI turns it into LCM904, flake8 gets LCM904 from the
plugin); odd but valid sources return well-formed findings.  Random inputs are in
``test_engine_properties.py``.
"""

from __future__ import annotations

import ast

import pytest

from lint_memory.engine import check_source, check_tree
from lint_memory.frontends.flake8 import MemoryChecker

DEEP = {
    "lambdas": "x = " + "lambda: " * 600 + "memory",
    "sums": "x = " + " + ".join(["a"] * 600),
    "subscripts": "x = a" + "[0]" * 600,
    "attributes": "x = a" + ".b" * 700,
    "negations": "x = " + "-" * 700 + "a",
}


@pytest.mark.parametrize("source", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_raises_recursion_error_as_documented(source):
    source = "from langchain.memory import ConversationBufferMemory\n" + source + "\n"
    try:
        tree = ast.parse(source)
    except (RecursionError, MemoryError, SyntaxError):
        pytest.skip("Python itself refuses to parse this depth here")
    with pytest.raises(RecursionError):
        check_tree(tree, source.splitlines())
    # flake8 gets one LCM904 at the top of the file instead of a crash.
    (result,) = MemoryChecker(tree, source.splitlines(keepends=True)).run()
    assert result[:2] == (1, 0) and result[2].startswith("LCM904 ")


def test_engine_recovers_after_a_recursion_error():
    deep = "import langchain\nx = " + "lambda: " * 600 + "memory\n"
    with pytest.raises(RecursionError):
        check_source(deep)
    assert [f.code for f in check_source("from langchain_classic.memory import SimpleMemory\n")] == ["LCM104"]


@pytest.mark.parametrize(
    "source",
    [
        "",
        "\n\n\n",
        "x = 1\r\ny = 2\rz = 3\n",
        "\x0c\nfrom langchain.memory import SimpleMemory\n",  # a form feed line shifts nothing
        "from langchain.memory import (\\\n    SimpleMemory)\n",
        "def f[T](x: T) -> T: ...\n" if hasattr(ast, "TypeVar") else "def f(x): ...\n",
        "match x:\n    case {'memory': m, **rest}: pass\n    case [a, *others]: pass\n",
        "async def f():\n    async for a in b:\n        pass\n    async with c as d:\n        pass\n",
        "x: 'not valid python(' = 1\n",
        "x: '\\x00' = 1\n",
        "x: '''\nmultiline\n''' = 1\n",
        "global_name: int\n",
    ],
)
def test_odd_but_valid_sources(source, well_formed):
    well_formed(source, check_source(source))


def test_form_feed_keeps_rows():
    (simple, moved) = check_source("\x0c\nfrom langchain.memory import SimpleMemory\n")
    assert (simple.line, moved.line) == (2, 2)
