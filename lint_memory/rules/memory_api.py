"""LCM302 memory-api: the memory API of its class used on an object that holds a deprecated memory.

Each class has its own API (``catalog.memory_api``: ``memory.kg`` on a ``ConversationKGMemory``,
``memory.k`` on a window memory, ``memory.retriever`` on a ``VectorStoreRetrieverMemory``...).
``MEMORY_API`` (every class's names together), ``is_memory_api`` (the cheap test on a name alone) and
``is_api_of`` (the name against the class) are plain data and plain functions, for every front end.
"""

from __future__ import annotations

import ast

from lint_memory.catalog import entries as c
from lint_memory.catalog import memory_api as api
from lint_memory.catalog.entries import Entry
from lint_memory.rules.base import Context, Rule
from lint_memory.rules.messages import memory_api
from lint_memory.semantic.syntax import short

MEMORY_API: frozenset[str] = c.MEMORY_API

RULES: tuple[Rule, ...] = (
    Rule(
        code="LCM302",
        name="memory-api",
        summary="The BaseMemory API (save_context, load_memory_variables, chat_memory, buffer, ...) is used",
        url=c.SHORT_TERM_URL,
        what="Flags `save_context`, `load_memory_variables`, their async forms, `chat_memory`, `buffer`, "
        "`clear` and the other public attributes of the memory class (its own: `kg` of `ConversationKGMemory`, "
        "`k` of a window memory, `retriever` of `VectorStoreRetrieverMemory`, prefixes, keys...) when they are "
        "used on an object that holds a deprecated memory: a local or module name, a parameter annotated with a memory class (or defaulting to one), the "
        "result of a function annotated to return one, or an attribute set on `self`, on the class or on a local "
        "base class.",
        why="Once the memory object is gone these calls have no counterpart with the same shape: state is read "
        "with `graph.get_state(config)` and written with `graph.update_state(config, ...)` or by the graph "
        "itself.",
        example="from langchain_classic.memory import ConversationBufferMemory\n\n"
        "memory = ConversationBufferMemory()\n"
        'memory.save_context({"input": "hi"}, {"output": "hello"})\n',
        use_instead='config = {"configurable": {"thread_id": "1"}}\n'
        'agent.update_state(config, {"messages": [("user", "hi"), ("ai", "hello")]})\n'
        'history = agent.get_state(config).values["messages"]\n',
        references=(c.SHORT_TERM_URL,),
        pylint_number="32",
    ),
)


def is_memory_api(attribute: str) -> bool:
    """Is ``attribute`` a name of the memory API of some deprecated memory class?"""
    return attribute in MEMORY_API


def is_api_of(attribute: str, entry: Entry) -> bool:
    """Is ``attribute`` part of the memory API of ``entry``'s class?"""
    return attribute in api.api_of(entry.name)


def on_attribute(ctx: Context, node: ast.Attribute, path: str | None) -> bool:
    if is_memory_api(node.attr) and isinstance(node.ctx, ast.Load):
        shown = short(node)
        url = RULES[0].url

        def report(entry: Entry) -> None:
            if not is_api_of(node.attr, entry):
                return
            ctx.report("LCM302", node, memory_api(shown, entry, c.MEMORY_API_USE, url), entry.name)

        ctx.values.when_memory(node.value, report)
    return False
