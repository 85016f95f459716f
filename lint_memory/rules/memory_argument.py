"""LCM300 memory-argument: ``memory=`` given to a legacy chain or agent.

The keyword search is plain functions over ``ast`` nodes (``memory_keyword``, ``nested_kwargs``,
``dict_items``): ``memory=``, ``**{"memory": ...}``, ``memory`` keys of nested ``*_kwargs`` dicts
(``chain_type_kwargs={...}``), dict displays or ``dict(...)`` calls.  ``memory=None`` asks for no
memory and is never flagged.  Given to a known memory consumer (a chain or agent, or its factory),
any value is flagged; given to anything else, only a value that holds a deprecated memory object.
"""

from __future__ import annotations

import ast

from lint_memory.catalog import entries as c
from lint_memory.catalog import index as lookup
from lint_memory.catalog.entries import Entry
from lint_memory.rules.base import Context, Rule
from lint_memory.rules.deprecated_symbols import AGENT_EXAMPLE
from lint_memory.rules.messages import memory_argument
from lint_memory.semantic.syntax import is_none, short

RULES: tuple[Rule, ...] = (
    Rule(
        code="LCM300",
        name="memory-argument",
        summary="`memory=` passed to a legacy chain or agent",
        url=c.SHORT_TERM_URL,
        what="Flags `memory=` given to a LangChain chain or agent constructor or factory (`ConversationChain`, "
        "`LLMChain`, `AgentExecutor`, `initialize_agent`, `ConversationalRetrievalChain.from_llm`, ...), "
        "`memory` keys in `chain_type_kwargs` / `agent_executor_kwargs` / `**{...}` (dict displays or `dict(...)`), "
        "and `memory=` given anything a deprecated memory object. `memory=None` asks for no memory and is not "
        "flagged.",
        why="The `memory` field of legacy chains is the deprecated `BaseMemory` protocol. Agents and graphs "
        "take a `checkpointer=` instead and restore each thread by its `thread_id`.",
        example="from langchain.agents import AgentExecutor\n\n"
        "executor = AgentExecutor(agent=agent, tools=tools, memory=memory)\n",
        use_instead=AGENT_EXAMPLE,
        references=(c.SHORT_TERM_URL, c.OLD_AGENT_GUIDE),
        pylint_number="30",
    ),
)

_HANDLED = "LCM300.handled"  # ids of `dict(memory=...)` keywords already checked for an outer call


def memory_keyword(keyword: ast.keyword) -> bool:
    """``memory=...``."""
    return keyword.arg in c.MEMORY_KEYWORDS


def nested_kwargs(keyword: ast.keyword) -> bool:
    """``**{...}`` or ``chain_type_kwargs={...}``: a dict whose ``memory`` entries are arguments too."""
    return keyword.arg is None or keyword.arg in c.NESTED_KWARGS


def dict_items(node: ast.AST, dict_is_builtin: bool = True) -> list[tuple[ast.AST, ast.expr]]:
    """The ``memory`` entries of a dict display (key node, value) or of a ``dict(...)`` call
    (keyword node, value); ``dict_is_builtin`` tells whether the name ``dict`` is the builtin."""
    if isinstance(node, ast.Dict):
        return [
            (key, value)
            for key, value in zip(node.keys, node.values)
            if isinstance(key, ast.Constant) and key.value in c.MEMORY_KEYWORDS
        ]
    if dict_is_builtin and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return [(keyword, keyword.value) for keyword in node.keywords if keyword.arg in c.MEMORY_KEYWORDS]
    return []


def on_call(ctx: Context, node: ast.Call) -> None:
    if not node.keywords or ctx.values.memory_class(node.func) is not None:
        return  # a memory class taking `memory=` (ReadOnlySharedMemory): LCM1xx says it
    callee = ctx.model.qualified_path(node.func)
    consumer = callee is not None and lookup.is_memory_consumer(callee)
    shown = short(node.func)
    handled: set[int] = ctx.memo.setdefault(_HANDLED, set())
    for keyword in node.keywords:
        if id(keyword) in handled:
            continue
        if memory_keyword(keyword):
            _check(ctx, keyword, keyword.value, consumer, shown)
        elif nested_kwargs(keyword):
            value = keyword.value
            is_dict_call = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict"
            items = dict_items(value, dict_is_builtin=is_dict_call and ctx.model.lookup("dict") is None)
            if is_dict_call:
                handled.update(id(where) for where, _ in items)  # the `dict(...)` call must not report them again
            for where, item in items:
                _check(ctx, where, item, consumer, shown)


def _check(ctx: Context, where: ast.AST, value: ast.expr, consumer: bool, callee: str) -> None:
    if is_none(value):
        return  # `memory=None` asks for no memory
    url = RULES[0].url

    def report(entry: Entry | None) -> None:
        ctx.report("LCM300", where, memory_argument(callee, entry, c.MEMORY_ARGUMENT, url), "memory")

    if consumer:
        report(ctx.values.memory_value(value))
    else:
        ctx.values.when_memory(value, report)
