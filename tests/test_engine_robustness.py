"""The engine never crashes on odd input: it raises only what ``check_source`` promises.

Deeply nested but valid code is checked like any other (on a large stack, ``lint_memory.deep``);
only a tree deeper than even that raises RecursionError (the CLI turns it into LCM904, flake8 gets
LCM904 from the plugin); odd but valid sources return well-formed findings.  Random inputs are in
``test_engine_properties.py``.
"""

from __future__ import annotations

import ast
import sys

import pytest

from lint_memory.deep import RECURSION_LIMIT
from lint_memory.engine import check_source, check_tree
from lint_memory.frontends.flake8 import MemoryChecker

LEGACY = "from langchain.memory import ConversationBufferMemory\n"
USE = "\nmemory = ConversationBufferMemory()\n"
DEEP = {
    "lambdas": "x = " + "lambda: " * 600 + "memory",
    "sums": "x = " + " + ".join(["a"] * 600),
    "subscripts": "x = a" + "[0]" * 600,
    "attributes": "x = a" + ".b" * 700,
    "negations": "x = " + "-" * 700 + "a",
}


@pytest.mark.parametrize("source", DEEP.values(), ids=DEEP.keys())
def test_deep_but_valid_code_is_checked_like_any_other(source):
    source = LEGACY + source + USE
    tree = ast.parse(source)  # 600-700 levels: the default recursion limit is too low for the visitor
    expected = [("LCM100", 1), ("LCM400", 1), ("LCM100", 3)]
    assert [(f.code, f.line) for f in check_tree(tree, source.splitlines())] == expected
    # flake8 gets the same findings, not an LCM904.
    found = [(text.split()[0], row) for row, _, text, _ in MemoryChecker(tree, source.splitlines(keepends=True)).run()]
    assert found == expected


def _chain(depth: int) -> ast.Module:
    """``x = - - ... - a`` nested ``depth`` deep, built without the parser (which refuses far earlier)."""
    where = {"lineno": 1, "col_offset": 4, "end_lineno": 1, "end_col_offset": 5}
    node: ast.expr = ast.Name("a", ast.Load(), **where)
    for _ in range(depth):
        node = ast.UnaryOp(ast.USub(), node, **where)
    target = ast.Name("x", ast.Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)
    return ast.Module([ast.Assign([target], node, lineno=1, col_offset=0, end_lineno=1, end_col_offset=5)], [])


def test_beyond_the_large_stack_is_a_recursion_error_and_flake8_gets_lcm904():
    tree = _chain(RECURSION_LIMIT + 1)
    with pytest.raises(RecursionError):
        check_tree(tree, ["x = a"])
    (result,) = MemoryChecker(tree, ["from langchain.memory import ConversationBufferMemory\n"]).run()
    assert result[:2] == (1, 0) and result[2].startswith("LCM904 ")


def test_engine_recovers_after_a_recursion_error():
    assert sys.getrecursionlimit() < RECURSION_LIMIT
    with pytest.raises(RecursionError):
        check_tree(_chain(RECURSION_LIMIT + 1), ["x = a"])
    assert sys.getrecursionlimit() < RECURSION_LIMIT  # put back
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
