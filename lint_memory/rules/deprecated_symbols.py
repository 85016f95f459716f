"""Deprecated symbols (LCM100-LCM105, LCM200, LCM500, LCM501): every reference to a catalog class.

A reference is an import of the name, a read of a name bound to it, or an attribute chain on an
import that names it (``langchain.memory.ConversationBufferMemory``), in any position: calls, base
classes, annotations (string annotations too), ``isinstance`` arguments.  Each catalog entry says
which rule its references get (``Entry.rule``); this module reports every entry's references
whatever its code, so a rule of this kind may live in a module of its own that holds only the ``Rule``
(``rules/conversation_chain.py``).
"""

from __future__ import annotations

import ast

from lint_memory.catalog import entries as c
from lint_memory.catalog import index as lookup
from lint_memory.catalog.entries import Entry
from lint_memory.rules.base import Context, Rule
from lint_memory.rules.messages import reference
from lint_memory.semantic.bindings import Binding, BindingKind
from lint_memory.semantic.syntax import dotted

AGENT_EXAMPLE = """\
from langchain.agents import create_agent
from langgraph.checkpoint.memory import InMemorySaver

agent = create_agent(model, tools, checkpointer=InMemorySaver())
agent.invoke({"messages": [("user", "hi")]}, {"configurable": {"thread_id": "1"}})
"""

EVERY_REFERENCE = (
    "under any of its import paths (the catalog's, listed under Symbols): imports, calls, base classes, "
    "annotations (string ones too) and `isinstance` arguments."
)

RULES: tuple[Rule, ...] = (
    Rule(
        code="LCM100",
        name="buffer-memory",
        summary="Conversation buffer memory (buffer, string buffer, window, token buffer) is deprecated",
        url=c.SHORT_TERM_URL,
        what="Flags every reference to a conversation buffer memory class (the whole buffer, a window of the "
        "last turns, or a token-limited buffer, for chat or agent use), " + EVERY_REFERENCE,
        why="LangChain deprecated these classes in 0.3.1 and moved them to `langchain-classic`, which removes "
        "them in 2.0. Short-term memory now lives in LangGraph persistence: a checkpointer stores the "
        "messages of each thread. Subclasses never emit LangChain's runtime warning, so a static check is "
        "the only reliable signal.",
        example="from langchain.memory import ConversationBufferWindowMemory\n\n"
        "memory = ConversationBufferWindowMemory(k=3)\n",
        use_instead=AGENT_EXAMPLE + '# window: trim_messages(..., strategy="last") in a @before_model middleware\n',
        references=(c.SHORT_TERM_URL, c.OLD_BUFFER_GUIDE, c.OLD_WINDOW_GUIDE),
        pylint_number="10",
    ),
    Rule(
        code="LCM101",
        name="summary-memory",
        summary="Summary memory (ConversationSummaryMemory, ConversationSummaryBufferMemory) is deprecated",
        url=c.SUMMARY_URL,
        what="Flags every reference to a memory class that keeps a running summary of the conversation (alone "
        "or next to a buffer of recent turns) and to the mixin that writes the summaries, " + EVERY_REFERENCE,
        why="Deprecated since langchain 0.3.1 (the mixin since 0.2.12). Summaries now belong inside the agent "
        "or graph, where they are stored with the rest of the thread state.",
        example="from langchain.memory import ConversationSummaryMemory\n\n"
        "memory = ConversationSummaryMemory(llm=llm)\n",
        use_instead="from langchain.agents import create_agent\n"
        "from langchain.agents.middleware import SummarizationMiddleware\n"
        "from langgraph.checkpoint.memory import InMemorySaver\n\n"
        "agent = create_agent(model, tools, middleware=[SummarizationMiddleware(model=model)],\n"
        "                     checkpointer=InMemorySaver())\n",
        references=(c.SUMMARY_URL, c.OLD_SUMMARY_GUIDE),
        pylint_number="11",
    ),
    Rule(
        code="LCM102",
        name="extraction-memory",
        summary="Entity and knowledge-graph memory and the entity stores are deprecated",
        url=c.LONG_TERM_URL,
        what="Flags every reference to a memory class that extracts facts from the conversation with a model "
        "(entities, a knowledge graph) and to the entity stores behind them (in memory, Redis, SQLite, "
        "Upstash), " + EVERY_REFERENCE,
        why="LangChain has no drop-in successor: facts that outlive a thread belong in a LangGraph `Store`, "
        "written by tools or nodes that extract them with a tool-calling model.",
        example="from langchain.memory import ConversationEntityMemory\n\nmemory = ConversationEntityMemory(llm=llm)\n",
        use_instead="from langchain.agents import create_agent\n"
        "from langgraph.store.memory import InMemoryStore\n\n"
        "agent = create_agent(model, tools, store=InMemoryStore())\n",
        references=(c.LONG_TERM_URL, c.OLD_LONG_TERM_GUIDE),
        pylint_number="12",
    ),
    Rule(
        code="LCM103",
        name="vectorstore-memory",
        summary="Vector-store backed memory is deprecated",
        url=c.LONG_TERM_URL,
        what="Flags every reference to a memory class that recalls past turns through a vector-store "
        "retriever, " + EVERY_REFERENCE,
        why="Deprecated with the rest of `langchain.memory`. Semantic recall across threads is what a "
        "LangGraph `Store` with an index does; recent turns stay in the checkpointer.",
        example="from langchain.memory import VectorStoreRetrieverMemory\n\n"
        "memory = VectorStoreRetrieverMemory(retriever=retriever)\n",
        use_instead="from langgraph.store.memory import InMemoryStore\n\n"
        'store = InMemoryStore(index={"embed": embeddings, "dims": 1536})\n',
        references=(c.LONG_TERM_URL, c.OLD_LONG_TERM_GUIDE),
        pylint_number="13",
    ),
    Rule(
        code="LCM104",
        name="composite-memory",
        summary="CombinedMemory, ReadOnlySharedMemory and SimpleMemory are deprecated",
        url=c.SHORT_TERM_URL,
        what="Flags every reference to a memory class that combines other memories, wraps one read-only, or "
        "holds fixed values, " + EVERY_REFERENCE,
        why="They compose or wrap `BaseMemory`, which is deprecated; in LangGraph the same data is a few extra "
        "keys in the graph state.",
        example='from langchain.memory import SimpleMemory\n\nmemory = SimpleMemory(memories={"user": "Bob"})\n',
        use_instead="from langchain.agents import AgentState\n\n\nclass State(AgentState):\n    user: str\n",
        references=(c.SHORT_TERM_URL, c.OLD_GUIDE),
        pylint_number="14",
    ),
    Rule(
        code="LCM105",
        name="service-memory",
        summary="Memory classes backed by an external service (Zep, Motorhead) are deprecated",
        url=c.SHORT_TERM_URL,
        what="Flags every reference to a memory class that keeps the conversation in an external memory "
        "service, " + EVERY_REFERENCE,
        why="They subclass the deprecated buffer memory. Durable short-term memory is a checkpointer on a "
        "database; the services ship their own LangGraph integrations.",
        example="from langchain_community.memory.zep_memory import ZepMemory\n\n"
        'memory = ZepMemory(session_id="s1", url="http://localhost:8000")\n',
        use_instead="from langgraph.checkpoint.postgres import PostgresSaver\n\n"
        "agent = create_agent(model, tools, checkpointer=PostgresSaver.from_conn_string(url))\n",
        references=(c.SHORT_TERM_URL,),
        pylint_number="15",
    ),
    Rule(
        code="LCM200",
        name="custom-memory",
        summary="BaseMemory and BaseChatMemory are deprecated: custom memory classes need a redesign",
        url=c.SHORT_TERM_URL,
        what="Flags every reference to the memory base classes (including the old `langchain.schema` alias), "
        "which custom memory classes derive from, " + EVERY_REFERENCE,
        why="`langchain_core.memory` was deleted in langchain-core 1.0 and `BaseMemory` lives on only in "
        "`langchain-classic`. A custom memory becomes graph state plus a checkpointer, or a `Store`.",
        example="from langchain.schema import BaseMemory\n\n\nclass KeyValueMemory(BaseMemory):\n    ...\n",
        use_instead="from langchain.agents import AgentState\n\n\nclass State(AgentState):\n    facts: dict\n",
        references=(c.SHORT_TERM_URL, c.LONG_TERM_URL),
        pylint_number="20",
    ),
    Rule(
        code="LCM500",
        name="history-runnable",
        summary="RunnableWithMessageHistory is deprecated (opt-in)",
        url=c.SHORT_TERM_URL,
        what="Flags every reference to the runnable that wraps a chain with a per-session message history, "
        + EVERY_REFERENCE
        + " Off by default: select it (`--select LCM500`) once LCM1xx-LCM4xx are gone.",
        why="langchain-core 1.3.3 deprecated it (removal in 2.0): \"Use LangGraph's built-in persistence "
        'instead." It was the 0.3-era bridge away from memory classes.',
        example="from langchain_core.runnables.history import RunnableWithMessageHistory\n\n"
        "chain = RunnableWithMessageHistory(runnable, get_session_history)\n",
        use_instead=AGENT_EXAMPLE,
        default=False,
        references=(c.SHORT_TERM_URL, c.OLD_HISTORY_GUIDE),
        pylint_number="50",
    ),
    Rule(
        code="LCM501",
        name="chat-message-history",
        summary="BaseChatMessageHistory and the in-memory chat history are deprecated (opt-in)",
        url=c.SHORT_TERM_URL,
        what="Flags every reference to the chat message history base class and the in-memory chat history "
        "(with its old alias), "
        + EVERY_REFERENCE
        + " Off by default: select it (`--select LCM501`) once LCM1xx-LCM4xx are gone.",
        why="langchain-core 1.6.4 deprecated them (removal in 2.0). A checkpointer keeps the messages of each thread.",
        example="from langchain_core.chat_history import InMemoryChatMessageHistory\n\n"
        "history = InMemoryChatMessageHistory()\n",
        use_instead=AGENT_EXAMPLE,
        default=False,
        references=(c.SHORT_TERM_URL, c.OLD_HISTORY_GUIDE),
        pylint_number="51",
    ),
)


def report_reference(ctx: Context, entry: Entry, node: ast.AST, written: str) -> None:
    """Report a reference to a catalog entry with the rule the entry names (none: nothing)."""
    if entry.rule:
        ctx.report(entry.rule, node, reference(entry, written), entry.name)


def on_import_from(ctx: Context, node: ast.ImportFrom, alias: ast.alias, path: str | None) -> None:
    """``from m import X``: the import of a catalog name is a reference (``path`` is None for ``*``)."""
    if path is None:
        return
    entry = lookup.BY_PATH.get(path)
    if entry is not None:
        report_reference(ctx, entry, alias, alias.asname or alias.name)


ON_NAME_KINDS = frozenset({BindingKind.PATH})  # the bindings whose reads ``on_name`` looks at


def on_name(ctx: Context, node: ast.Name, binding: Binding) -> None:
    """A read name bound to a catalog path."""
    if binding.kind is BindingKind.PATH:
        entry = lookup.BY_PATH.get(binding.path)  # type: ignore[arg-type]
        if entry is not None:
            report_reference(ctx, entry, node, node.id)


def on_attribute(ctx: Context, node: ast.Attribute, path: str | None) -> bool:
    """An attribute chain naming a catalog path (``langchain.memory.X``): reported, and the walk
    does not look inside it any further (True)."""
    if path is None:
        return False
    entry = lookup.BY_PATH.get(path)
    if entry is None:
        return False
    report_reference(ctx, entry, node, dotted(node) or entry.name)
    return True
