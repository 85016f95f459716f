"""LCM300 memory-argument: ``memory=`` given to a legacy chain or agent.

A call gives memory through ``memory=``, through a ``"memory"`` key of a dict passed as
``**{...}`` / ``**dict(...)`` or as one of the nested keyword dicts (``chain_type_kwargs={...}``,
``agent_kwargs={...}``, ...); ``memory=None`` asks for no memory and is never flagged.  Given to a
known memory consumer (a chain or agent, or its factory), any value is flagged; given to anything
else, only a value that holds a deprecated memory object.

The keyword search (``memory_arguments``) is written once for both syntax trees that read it: the
engine's ``ast`` (``AstCalls``) and the pylint checker's astroid (its own ``CallSyntax``).  Only how
to read a node differs, never what is searched, so the front ends cannot drift apart; whether the
value is a memory object, or the callee a legacy chain, is each front end's answer (astroid
inference may follow names into other modules).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

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
        fix_safety=(
            "For `memory=` on an `LLMChain` whose `PromptTemplate` is `PREFIX{history}\\nHuman: {input}\\nAI:` "
            "with a buffer memory, a structural migration to `create_agent(..., system_prompt=PREFIX, "
            "checkpointer=InMemorySaver())` is offered as an unsafe fix (`--fix --unsafe-fixes`), only when the "
            "project targets LangChain 1.x; the fix of a `ConversationChain` is on its LCM301 finding. Elsewhere the "
            "message says why it is not migrated, naming the blocking line. Other uses of `memory=` have no "
            "automatic fix: the change is a redesign."
        ),
        fixable="sometimes",
        references=(c.SHORT_TERM_URL, c.OLD_AGENT_GUIDE),
        pylint_number="30",
    ),
)

_HANDLED = "LCM300.handled"  # ids of `dict(memory=...)` keywords already checked for an outer call


Node = TypeVar("Node")


class CallSyntax(Protocol[Node]):
    """How one kind of syntax tree spells the parts of a call that the search reads."""

    def keywords(self, call: Node) -> Iterable[tuple[str | None, Node, Node]]:
        """(name, keyword node, value) of each keyword argument of ``call``; name None for ``**value``."""
        ...

    def dict_display(self, node: Node) -> Iterable[tuple[object, Node, Node]] | None:
        """(key, key node, value) of each entry when ``node`` is a dict display (``{...}``), else None;
        the key is the constant written there, or None when it is not a constant."""
        ...

    def is_dict_call(self, node: Node) -> bool:
        """Is ``node`` a call of the builtin ``dict`` (not of something that shadows it)?"""
        ...

    def is_none(self, node: Node) -> bool:
        """Is ``node`` the constant ``None``?"""
        ...


def passes_memory(name: str | None) -> bool:
    """May a keyword argument named ``name`` (None: ``**``) give a call memory?"""
    return name is None or name in c.MEMORY_KEYWORDS or name in c.NESTED_KWARGS


def memory_arguments(call: Node, syntax: CallSyntax[Node]) -> list[tuple[Node, Node]]:
    """(where to report, value) for each memory given to ``call``, in source order; ``memory=None`` left out."""
    given: list[tuple[Node, Node]] = []
    for name, keyword, value in syntax.keywords(call):
        if name in c.MEMORY_KEYWORDS:
            given.append((keyword, value))
        elif passes_memory(name):  # **{...}, **dict(...), chain_type_kwargs={...}
            given += _dict_entries(value, syntax)
    return [(where, value) for where, value in given if not syntax.is_none(value)]


def _dict_entries(node: Node, syntax: CallSyntax[Node]) -> list[tuple[Node, Node]]:
    """The ``memory`` entries of a dict display or of a ``dict(...)`` call."""
    display = syntax.dict_display(node)
    if display is not None:
        return [(where, value) for key, where, value in display if isinstance(key, str) and key in c.MEMORY_KEYWORDS]
    if syntax.is_dict_call(node):
        return [(keyword, value) for name, keyword, value in syntax.keywords(node) if name in c.MEMORY_KEYWORDS]
    return []


class AstCalls:
    """``CallSyntax`` for the standard library's ``ast``.

    ``dict_is_builtin`` says whether the name ``dict`` is unbound where the call is (the semantic
    model knows); keywords whose id is in ``skip`` were already searched as part of an outer call.
    """

    def __init__(self, dict_is_builtin: Callable[[], bool], skip: set[int]) -> None:
        self.dict_is_builtin = dict_is_builtin
        self.skip = skip

    def keywords(self, call: ast.AST) -> list[tuple[str | None, ast.AST, ast.AST]]:
        keywords = call.keywords if isinstance(call, ast.Call) else []
        return [(k.arg, k, k.value) for k in keywords if id(k) not in self.skip]

    def dict_display(self, node: ast.AST) -> list[tuple[object, ast.AST, ast.AST]] | None:
        if not isinstance(node, ast.Dict):
            return None
        return [
            (key.value if isinstance(key, ast.Constant) else None, key, value)
            for key, value in zip(node.keys, node.values, strict=True)
            if key is not None  # `**other` inside the display
        ]

    def is_dict_call(self, node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "dict"
            and self.dict_is_builtin()
        )

    def is_none(self, node: ast.AST) -> bool:
        return is_none(node)


def on_call(ctx: Context, node: ast.Call) -> None:
    if not any(passes_memory(keyword.arg) for keyword in node.keywords):
        return  # no keyword that may give memory (most calls): nothing to search
    if ctx.values.memory_class(node.func) is not None:
        return  # a memory class taking `memory=` (ReadOnlySharedMemory): LCM1xx says it
    handled: set[int] = ctx.memo.setdefault(_HANDLED, set())
    syntax = AstCalls(lambda: ctx.model.lookup("dict") is None, handled)
    given = memory_arguments(node, syntax)
    if not given:
        return
    callee = ctx.model.qualified_path(node.func)
    consumer = callee is not None and lookup.is_memory_consumer(callee)
    shown = short(node.func)
    own = {id(keyword) for keyword in node.keywords}
    for where, value in given:
        if isinstance(where, ast.keyword) and id(where) not in own:
            handled.add(id(where))  # the `dict(memory=...)` call itself must not report it again
        _check(ctx, where, value, consumer, shown)


def _check(ctx: Context, where: ast.AST, value: ast.AST, consumer: bool, callee: str) -> None:
    url = RULES[0].url

    def report(entry: Entry | None) -> None:
        ctx.report("LCM300", where, memory_argument(callee, entry, c.MEMORY_ARGUMENT, url), "memory")

    if consumer:
        report(ctx.values.memory_value(value))
    else:
        ctx.values.when_memory(value, report)
