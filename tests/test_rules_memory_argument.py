"""The LCM300 keyword search (``rules.memory_argument``) read on ``ast`` (the engine) and on astroid (the
pylint checker): the same arguments, at the same positions, for every way of passing memory."""

from __future__ import annotations

import ast

import astroid
import pytest
from astroid import nodes

from lint_memory.frontends.pylint_checker import ASTROID_CALLS
from lint_memory.rules.memory_api import is_memory_api
from lint_memory.rules.memory_argument import AstCalls, memory_arguments, passes_memory

# (the call, with `f` the callee; the source of each place a memory is reported, in order)
CASES = [
    ("f(llm, memory=m)", ["memory=m"]),
    ("f(llm, memory=None)", []),
    ("f(**{'memory': m})", ["'memory'"]),
    ("f(**{'memory': None})", []),
    ("f(**{**base, 'memory': m, 1: m, key: m})", ["'memory'"]),
    ("f(**dict(memory=m, k=3))", ["memory=m"]),
    ("f(**dict(memory=None))", []),
    ("f(chain_type_kwargs={'prompt': p, 'memory': m})", ["'memory'"]),
    ("f(agent_kwargs=dict(memory=m))", ["memory=m"]),
    ("f(agent_executor_kwargs={'memory': None})", []),
    ("f(other_kwargs={'memory': m})", []),  # not a keyword dict that legacy chains read
    ("f(**kwargs, memory=m)", ["memory=m"]),  # a `**` that is no display: nothing to read
    ("f(memory=m, **{'memory': n})", ["memory=m", "'memory'"]),
    ("f(**{b'memory': m})", []),  # a bytes key is not the keyword
]


def _ast_call(source: str, dict_is_builtin: bool = True) -> tuple[list[str], list[tuple[int, int]]]:
    tree = ast.parse(source)
    call = next(node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "f")
    found = memory_arguments(call, AstCalls(lambda: dict_is_builtin, set()))
    return [ast.get_source_segment(source, where) for where, _ in found], [
        (where.lineno, where.col_offset) for where, _ in found
    ]


def _astroid_positions(source: str) -> list[tuple[int, int]]:
    module = astroid.parse(source)
    call = next(n for n in module.nodes_of_class(nodes.Call) if isinstance(n.func, nodes.Name) and n.func.name == "f")
    return [(where.lineno, where.col_offset) for where, _ in memory_arguments(call, ASTROID_CALLS)]


@pytest.mark.parametrize(("source", "reported"), CASES)
def test_both_trees_find_the_same_memory_arguments(source, reported):
    segments, positions = _ast_call(source)
    assert segments == reported
    assert _astroid_positions(source) == positions


def test_a_shadowed_dict_is_not_the_builtin_in_either_tree():
    source = "def g(dict, m):\n    return f(**dict(memory=m))\n"
    assert _ast_call(source, dict_is_builtin=False) == ([], [])
    assert _astroid_positions(source) == []
    builtin = "def g(m):\n    return f(**dict(memory=m))\n"
    assert _ast_call(builtin)[1] == _astroid_positions(builtin) == [(2, 20)]


def test_which_keywords_and_attributes_the_rules_read():
    assert [name for name in ("memory", None, "chain_type_kwargs", "llm", "memory_key") if passes_memory(name)] == [
        "memory",
        None,
        "chain_type_kwargs",
    ]
    assert is_memory_api("save_context") and is_memory_api("chat_memory") and not is_memory_api("invoke")
