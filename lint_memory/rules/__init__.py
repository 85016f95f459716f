"""The rule table, as data: codes, names, pylint ids, documentation and examples.

Codes (``LCM###``) and pylint msgids / symbols are public interface: never renumber them.
Each rule carries its own invalid and valid example; the test-suite runs both through the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from lint_memory.catalog import entries as c

DOCS_URL = "https://github.com/lint-memory/lint-memory/blob/main/docs/rules.md"
PYLINT_BASE = "52"  # pylint's custom-checker range is 51-99; pylint-django holds 51


class RuleKind(Enum):
    LINT = "lint"  # a finding about the checked code
    DIAGNOSTIC = "diagnostic"  # the input itself could not be checked (LCM9xx): never suppressed, an error


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    url: str
    what: str
    why: str
    example: str  # invalid code: the rule fires on it
    use_instead: str  # valid code: the rule stays silent
    fix_safety: str = "This rule has no automatic fix: the change is a redesign, not a rename."
    fixable: str = "never"  # "never" | "sometimes"
    default: bool = True  # on unless selected
    pylint_number: str | None = None  # last two digits of the pylint msgid
    references: tuple[str, ...] = ()
    kind: RuleKind = RuleKind.LINT

    @property
    def pylint_msgid(self) -> str | None:
        return f"W{PYLINT_BASE}{self.pylint_number}" if self.pylint_number else None

    @property
    def pylint_symbol(self) -> str | None:
        return f"langchain-{self.name}" if self.pylint_number else None

    @property
    def anchor(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"


_IMPORT_CLASSIC = "from langchain_classic.memory import {}"
_AGENT = """\
from langchain.agents import create_agent
from langgraph.checkpoint.memory import InMemorySaver

agent = create_agent(model, tools, checkpointer=InMemorySaver())
agent.invoke({"messages": [("user", "hi")]}, {"configurable": {"thread_id": "1"}})
"""

RULES: tuple[Rule, ...] = (
    Rule(
        "LCM100", "buffer-memory",
        "Conversation buffer memory (buffer, string buffer, window, token buffer) is deprecated",
        c.SHORT_TERM_URL,
        "Flags every reference to `ConversationBufferMemory`, `ConversationStringBufferMemory`, "
        "`ConversationBufferWindowMemory`, `ConversationTokenBufferMemory` and `AgentTokenBufferMemory`, "
        "under any import path: imports, calls, base classes, annotations, `isinstance` arguments.",
        "LangChain deprecated these classes in 0.3.1 and moved them to `langchain-classic`, which removes "
        "them in 2.0. Short-term memory now lives in LangGraph persistence: a checkpointer stores the "
        "messages of each thread. Subclasses never emit LangChain's runtime warning, so a static check is "
        "the only reliable signal.",
        "from langchain.memory import ConversationBufferWindowMemory\n\n"
        "memory = ConversationBufferWindowMemory(k=3)\n",
        _AGENT + "# window: trim_messages(..., strategy=\"last\") in a @before_model middleware\n",
        references=(c.SHORT_TERM_URL, c.OLD_BUFFER_GUIDE, c.OLD_WINDOW_GUIDE),
        pylint_number="10",
    ),
    Rule(
        "LCM101", "summary-memory",
        "Summary memory (ConversationSummaryMemory, ConversationSummaryBufferMemory) is deprecated",
        c.SUMMARY_URL,
        "Flags every reference to `ConversationSummaryMemory`, `ConversationSummaryBufferMemory` and "
        "`SummarizerMixin`.",
        "Deprecated since langchain 0.3.1 (the mixin since 0.2.12). Summaries now belong inside the agent "
        "or graph, where they are stored with the rest of the thread state.",
        "from langchain.memory import ConversationSummaryMemory\n\n"
        "memory = ConversationSummaryMemory(llm=llm)\n",
        "from langchain.agents import create_agent\n"
        "from langchain.agents.middleware import SummarizationMiddleware\n"
        "from langgraph.checkpoint.memory import InMemorySaver\n\n"
        "agent = create_agent(model, tools, middleware=[SummarizationMiddleware(model=model)],\n"
        "                     checkpointer=InMemorySaver())\n",
        references=(c.SUMMARY_URL, c.OLD_SUMMARY_GUIDE),
        pylint_number="11",
    ),
    Rule(
        "LCM102", "extraction-memory",
        "Entity and knowledge-graph memory and the entity stores are deprecated",
        c.LONG_TERM_URL,
        "Flags `ConversationEntityMemory`, `ConversationKGMemory` and the entity stores "
        "(`BaseEntityStore`, `InMemoryEntityStore`, `RedisEntityStore`, `SQLiteEntityStore`, "
        "`UpstashRedisEntityStore`).",
        "LangChain has no drop-in successor: facts that outlive a thread belong in a LangGraph `Store`, "
        "written by tools or nodes that extract them with a tool-calling model.",
        "from langchain.memory import ConversationEntityMemory\n\n"
        "memory = ConversationEntityMemory(llm=llm)\n",
        "from langchain.agents import create_agent\n"
        "from langgraph.store.memory import InMemoryStore\n\n"
        "agent = create_agent(model, tools, store=InMemoryStore())\n",
        references=(c.LONG_TERM_URL, c.OLD_LONG_TERM_GUIDE),
        pylint_number="12",
    ),
    Rule(
        "LCM103", "vectorstore-memory",
        "Vector-store backed memory is deprecated",
        c.LONG_TERM_URL,
        "Flags `VectorStoreRetrieverMemory` and `ConversationVectorStoreTokenBufferMemory`.",
        "Deprecated with the rest of `langchain.memory`. Semantic recall across threads is what a "
        "LangGraph `Store` with an index does; recent turns stay in the checkpointer.",
        "from langchain.memory import VectorStoreRetrieverMemory\n\n"
        "memory = VectorStoreRetrieverMemory(retriever=retriever)\n",
        "from langgraph.store.memory import InMemoryStore\n\n"
        "store = InMemoryStore(index={\"embed\": embeddings, \"dims\": 1536})\n",
        references=(c.LONG_TERM_URL, c.OLD_LONG_TERM_GUIDE),
        pylint_number="13",
    ),
    Rule(
        "LCM104", "composite-memory",
        "CombinedMemory, ReadOnlySharedMemory and SimpleMemory are deprecated",
        c.SHORT_TERM_URL,
        "Flags `CombinedMemory`, `ReadOnlySharedMemory` and `SimpleMemory`.",
        "They compose or wrap `BaseMemory`, which is deprecated; in LangGraph the same data is a few extra "
        "keys in the graph state.",
        "from langchain.memory import SimpleMemory\n\n"
        "memory = SimpleMemory(memories={\"user\": \"Bob\"})\n",
        "from langchain.agents import AgentState\n\n\nclass State(AgentState):\n    user: str\n",
        references=(c.SHORT_TERM_URL, c.OLD_GUIDE),
        pylint_number="14",
    ),
    Rule(
        "LCM105", "service-memory",
        "Memory classes backed by an external service (Zep, Motorhead) are deprecated",
        c.SHORT_TERM_URL,
        "Flags `ZepMemory`, `ZepCloudMemory` and `MotorheadMemory`.",
        "They subclass the deprecated buffer memory. Durable short-term memory is a checkpointer on a "
        "database; the services ship their own LangGraph integrations.",
        "from langchain_community.memory.zep_memory import ZepMemory\n\n"
        "memory = ZepMemory(session_id=\"s1\", url=\"http://localhost:8000\")\n",
        "from langgraph.checkpoint.postgres import PostgresSaver\n\n"
        "agent = create_agent(model, tools, checkpointer=PostgresSaver.from_conn_string(url))\n",
        references=(c.SHORT_TERM_URL,),
        pylint_number="15",
    ),
    Rule(
        "LCM200", "custom-memory",
        "BaseMemory and BaseChatMemory are deprecated: custom memory classes need a redesign",
        c.SHORT_TERM_URL,
        "Flags every reference to `BaseMemory` (including the old `langchain.schema.Memory` alias) and "
        "`BaseChatMemory`: imports, base classes, annotations and `isinstance` checks.",
        "`langchain_core.memory` was deleted in langchain-core 1.0 and `BaseMemory` lives on only in "
        "`langchain-classic`. A custom memory becomes graph state plus a checkpointer, or a `Store`.",
        "from langchain.schema import BaseMemory\n\n\nclass KeyValueMemory(BaseMemory):\n    ...\n",
        "from langchain.agents import AgentState\n\n\nclass State(AgentState):\n    facts: dict\n",
        references=(c.SHORT_TERM_URL, c.LONG_TERM_URL),
        pylint_number="20",
    ),
    Rule(
        "LCM300", "memory-argument",
        "`memory=` passed to a legacy chain or agent",
        c.SHORT_TERM_URL,
        "Flags `memory=` given to a LangChain chain or agent constructor or factory (`ConversationChain`, "
        "`LLMChain`, `AgentExecutor`, `initialize_agent`, `ConversationalRetrievalChain.from_llm`, ...), "
        "`memory` keys in `chain_type_kwargs` / `agent_executor_kwargs` / `**{...}` (dict displays or `dict(...)`), "
        "and `memory=` given anything a deprecated memory object. `memory=None` asks for no memory and is not "
        "flagged.",
        "The `memory` field of legacy chains is the deprecated `BaseMemory` protocol. Agents and graphs "
        "take a `checkpointer=` instead and restore each thread by its `thread_id`.",
        "from langchain.agents import AgentExecutor\n\n"
        "executor = AgentExecutor(agent=agent, tools=tools, memory=memory)\n",
        _AGENT,
        references=(c.SHORT_TERM_URL, c.OLD_AGENT_GUIDE),
        pylint_number="30",
    ),
    Rule(
        "LCM301", "conversation-chain",
        "ConversationChain is deprecated (and creates a buffer memory even when none is passed)",
        c.SHORT_TERM_URL,
        "Flags every reference to `ConversationChain`.",
        "Deprecated since langchain 0.2.7. Even without `memory=` it builds a `ConversationBufferMemory`, "
        "so removing the memory argument alone does not migrate it.",
        "from langchain.chains import ConversationChain\n\nchain = ConversationChain(llm=llm)\n",
        "from langchain.agents import create_agent\n"
        "from langgraph.checkpoint.memory import InMemorySaver\n\n"
        "agent = create_agent(model, tools=[], checkpointer=InMemorySaver())\n",
        references=(c.SHORT_TERM_URL, c.OLD_BUFFER_GUIDE),
        pylint_number="31",
    ),
    Rule(
        "LCM302", "memory-api",
        "The BaseMemory API (save_context, load_memory_variables, chat_memory, buffer, ...) is used",
        c.SHORT_TERM_URL,
        "Flags `save_context`, `load_memory_variables`, their async forms, `chat_memory`, `buffer`, "
        "`clear` and the other memory attributes when they are used on an object that holds a deprecated "
        "memory: a local or module name, a parameter annotated with a memory class (or defaulting to one), the "
        "result of a function annotated to return one, or an attribute set on `self`, on the class or on a local "
        "base class.",
        "Once the memory object is gone these calls have no counterpart with the same shape: state is read "
        "with `graph.get_state(config)` and written with `graph.update_state(config, ...)` or by the graph "
        "itself.",
        "from langchain_classic.memory import ConversationBufferMemory\n\n"
        "memory = ConversationBufferMemory()\n"
        "memory.save_context({\"input\": \"hi\"}, {\"output\": \"hello\"})\n",
        "config = {\"configurable\": {\"thread_id\": \"1\"}}\n"
        "agent.update_state(config, {\"messages\": [(\"user\", \"hi\"), (\"ai\", \"hello\")]})\n"
        "history = agent.get_state(config).values[\"messages\"]\n",
        references=(c.SHORT_TERM_URL,),
        pylint_number="32",
    ),
    Rule(
        "LCM400", "moved-import",
        "Import of a memory path that no longer exists in current LangChain",
        c.V1_MIGRATION_URL,
        "Flags imports of `langchain.memory` and its submodules, `langchain.schema` / `langchain_core.memory` "
        "`BaseMemory`, `ConversationChain` from `langchain.chains` or `langchain`, and the chat message "
        "histories once served from `langchain.memory`. The message names the exact new path. An import "
        "inside `except ImportError:` whose `try:` body already imports the new home is a compatibility "
        "shim and is not flagged.",
        "langchain 1.0 removed `langchain.memory`, `langchain.chains` and `langchain.schema`, and "
        "langchain-core 1.0 removed `langchain_core.memory`: these imports fail with `ModuleNotFoundError` "
        "on a current install. The code now lives in `langchain-classic` (memory classes, "
        "`ConversationChain`, `BaseMemory`) and `langchain-community` (chat message histories, Zep, "
        "Motorhead and knowledge-graph memory).",
        "from langchain.memory import ChatMessageHistory, ConversationBufferMemory\n",
        "from langchain_community.chat_message_histories import ChatMessageHistory\n"
        "from langchain_classic.memory import ConversationBufferMemory\n",
        fix_safety=(
            "A fix is safe when it cannot break code that runs today, and the old paths import only on "
            "langchain 0.x. Moves to `langchain_community` (chat message histories; Zep, Motorhead and "
            "knowledge-graph memory) and to `langchain_core` are safe: the old paths re-exported exactly these "
            "classes and needed those packages installed (only a project that targets langchain 0.0.x gets them "
            "as unsafe). Moves to `langchain-classic` (memory classes, `BaseMemory`, `ConversationChain`, the `*` "
            "import of `langchain.memory`) are safe only when the project targets langchain 1.x: "
            "`target-langchain = \"1\"` in `[tool.lint-memory]`, or, when that is not set, a `langchain` "
            "requirement declared by the project (pyproject.toml, requirements*.txt, setup.cfg) that admits only "
            "versions >= 1. Otherwise they are unsafe, because on langchain 0.x `langchain-classic` is not "
            "installed and the new import fails. Moves to a partner package (`langchain_mongodb`, "
            "`langchain_astradb`, `langchain_neo4j`) are always unsafe: the package may not be installed and its "
            "class may take other arguments. An unaliased `import langchain.memory` is fixed together with every "
            "`langchain.memory...` reference it provides, and not at all when a reference cannot be rewritten "
            "safely."
        ),
        fixable="sometimes",
        references=(c.V1_MIGRATION_URL, "https://python.langchain.com/docs/versions/v0_2/"),
        pylint_number="40",
    ),
    Rule(
        "LCM500", "history-runnable",
        "RunnableWithMessageHistory is deprecated (opt-in)",
        c.SHORT_TERM_URL,
        "Flags every reference to `RunnableWithMessageHistory`. Off by default: select it "
        "(`--select LCM500`) once LCM1xx-LCM4xx are gone.",
        "langchain-core 1.3.3 deprecated it (removal in 2.0): \"Use LangGraph's built-in persistence "
        "instead.\" It was the 0.3-era bridge away from memory classes.",
        "from langchain_core.runnables.history import RunnableWithMessageHistory\n\n"
        "chain = RunnableWithMessageHistory(runnable, get_session_history)\n",
        _AGENT,
        default=False,
        references=(c.SHORT_TERM_URL, c.OLD_HISTORY_GUIDE),
        pylint_number="50",
    ),
    Rule(
        "LCM501", "chat-message-history",
        "BaseChatMessageHistory and the in-memory chat history are deprecated (opt-in)",
        c.SHORT_TERM_URL,
        "Flags `BaseChatMessageHistory`, `InMemoryChatMessageHistory` and its alias `ChatMessageHistory`. "
        "Off by default: select it (`--select LCM501`) once LCM1xx-LCM4xx are gone.",
        "langchain-core 1.6.4 deprecated them (removal in 2.0). A checkpointer keeps the messages of each "
        "thread.",
        "from langchain_core.chat_history import InMemoryChatMessageHistory\n\n"
        "history = InMemoryChatMessageHistory()\n",
        _AGENT,
        default=False,
        references=(c.SHORT_TERM_URL, c.OLD_HISTORY_GUIDE),
        pylint_number="51",
    ),
    # Diagnostics about the input itself (CLI and server; flake8 and pylint report their own syntax
    # errors, and the flake8 plugin reports LCM904 when the engine runs out of recursion depth).
    Rule(
        "LCM901", "syntax-error", "The file could not be parsed", DOCS_URL + "#lcm901-syntax-error",
        "Reports a file (or notebook cell) that is not valid Python; nothing else in it is checked.",
        "A file that does not parse cannot be checked; the run goes on with the other files.",
        "def broken(:\n", "def fixed():\n    pass\n", fix_safety="No fix.", kind=RuleKind.DIAGNOSTIC,
    ),
    Rule(
        "LCM902", "unreadable-file", "The file could not be read or decoded", DOCS_URL + "#lcm902-unreadable-file",
        "Reports a path that cannot be opened, or whose bytes are not text in its declared encoding "
        "(UTF-8 by default, or a PEP 263 coding cookie), or that contains null bytes.",
        "The run goes on with the other files; fix the file or exclude it.",
        "b'\\xff\\xfe not utf-8'\n", "# a UTF-8 file\n", fix_safety="No fix.", kind=RuleKind.DIAGNOSTIC,
    ),
    Rule(
        "LCM903", "invalid-notebook", "The notebook is not valid nbformat JSON", DOCS_URL + "#lcm903-invalid-notebook",
        "Reports an `.ipynb` file that is not JSON, or whose cells are not in nbformat 4 shape.",
        "A broken notebook cannot be checked; the run goes on with the other files.",
        "{\"cells\": [\n", "{\"cells\": [], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n",
        fix_safety="No fix.", kind=RuleKind.DIAGNOSTIC,
    ),
    Rule(
        "LCM904", "too-complex", "The file is nested too deeply to check", DOCS_URL + "#lcm904-too-complex",
        "Reports a file whose syntax tree is nested beyond Python's recursion limit.",
        "Such files are almost always generated; exclude them.",
        "x = " + "[" * 300 + "]" * 300 + "\n", "x = []\n", fix_safety="No fix.", kind=RuleKind.DIAGNOSTIC,
    ),
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
LINT_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.kind is RuleKind.LINT)
DIAGNOSTIC_CODES: frozenset[str] = frozenset(r.code for r in RULES if r.kind is RuleKind.DIAGNOSTIC)
DEFAULT_CODES: frozenset[str] = frozenset(r.code for r in LINT_RULES if r.default)
OPT_IN_CODES: frozenset[str] = frozenset(r.code for r in LINT_RULES if not r.default)


def is_diagnostic(code: str) -> bool:
    """An LCM9xx code: the input could not be checked (never suppressed, reported as an error)."""
    return code in DIAGNOSTIC_CODES


# --- rule knowledge asked for by code (front ends and outputs ask here instead of testing literals) ---
MOVED_IMPORT: Rule = BY_CODE["LCM400"]
"""The rule that reports imports of removed paths: its findings carry ``target`` (the new import path),
its fixes rewrite those imports, and its symbols are the catalog's removed paths, not its classes."""

SHARED_REPLACEMENTS: dict[str, str] = {"LCM300": c.MEMORY_ARGUMENT, "LCM302": c.MEMORY_API_USE}
"""What replaces the code a rule flags when that does not depend on the flagged class (for the other
rules the catalog entry of the class says it)."""


def has_fixes(code: str) -> bool:
    """Can a finding of ``code`` come with an automatic fix (its rule's ``fixable`` is not "never")."""
    rule = BY_CODE.get(code)
    return rule is not None and rule.fixable != "never"
