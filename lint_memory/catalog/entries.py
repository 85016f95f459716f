"""The catalog: every deprecated LangChain memory symbol, as data.

Adding a newly deprecated class is one ``Entry`` in ``ENTRIES`` and nothing else: the engine,
the message texts, the pre-filter, the generated docs and every front end read this table.

Facts (import paths, since / removal, replacements, guide URLs) come from LangChain's released
sources; see ``docs/rules.md`` for the references.  ``langchain.*`` paths are gone since
langchain 1.0 (the code moved verbatim to ``langchain-classic``), so each ``langchain.X`` path
gets its ``langchain_classic.X`` twin automatically unless ``classic=False``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lint_memory.catalog import memory_api

# --- Where the guides are --------------------------------------------------------------------
SHORT_TERM_URL = "https://docs.langchain.com/oss/python/langchain/short-term-memory"
LONG_TERM_URL = "https://docs.langchain.com/oss/python/langchain/long-term-memory"
SUMMARY_URL = "https://docs.langchain.com/oss/python/langgraph/add-memory#summarize-messages"
V1_MIGRATION_URL = "https://docs.langchain.com/oss/python/migrate/langchain-v1"
OLD_GUIDE = "https://python.langchain.com/docs/versions/migrating_memory/"
OLD_BUFFER_GUIDE = OLD_GUIDE + "conversation_buffer_memory/"
OLD_WINDOW_GUIDE = OLD_GUIDE + "conversation_buffer_window_memory/"
OLD_SUMMARY_GUIDE = OLD_GUIDE + "conversation_summary_memory/"
OLD_LONG_TERM_GUIDE = OLD_GUIDE + "long_term_memory_agent/"
OLD_HISTORY_GUIDE = OLD_GUIDE + "chat_history/"
OLD_AGENT_GUIDE = "https://python.langchain.com/docs/how_to/migrate_agent/"

# --- What to use instead (one phrase per family; messages append the URL) ---------------------
_LEGACY_RWMH = "`RunnableWithMessageHistory` only while on langchain-core < 1.3.3"
SHORT_TERM = (
    "LangGraph persistence: `create_agent(model, tools, checkpointer=InMemorySaver())` or "
    f"`StateGraph(...).compile(checkpointer=...)` with a `thread_id` ({_LEGACY_RWMH})"
)
WINDOW = (
    "LangGraph persistence (`create_agent(..., checkpointer=InMemorySaver())` or "
    "`StateGraph(...).compile(checkpointer=...)`) plus `trim_messages` to keep the last "
    f"messages or tokens ({_LEGACY_RWMH})"
)
SUMMARY = (
    "summarization inside the agent or graph: `create_agent(..., middleware=[SummarizationMiddleware(...)], "
    "checkpointer=...)` or a summarize node that keeps a running summary in graph state"
)
LONG_TERM = (
    "long-term memory in a LangGraph `Store`: `create_agent(..., store=InMemoryStore())`, "
    "read and written from tools or nodes"
)
VECTOR = (
    "a LangGraph `Store` with semantic search (`InMemoryStore(index=...)`) or retrieval "
    "exposed to the agent as a tool; thread history in a checkpointer"
)
COMPOSITE = "extra keys in the graph state (`state_schema=`), persisted by a checkpointer"
SERVICE = (
    "a LangGraph checkpointer backed by a durable store (e.g. `PostgresSaver`) via "
    "`create_agent(..., checkpointer=...)`, or the service's own LangGraph integration"
)
CUSTOM = (
    "graph state plus a checkpointer (`create_agent(..., checkpointer=...)`), and a `Store` "
    "for data shared across threads"
)
CONVERSATION_CHAIN = (
    "`create_agent(model, tools=[], checkpointer=InMemorySaver())` or a `StateGraph` compiled "
    f"with a checkpointer ({_LEGACY_RWMH})"
)
PERSISTENCE = (
    "LangGraph persistence: `create_agent(..., checkpointer=InMemorySaver())` or a graph compiled with a checkpointer"
)
THREAD_STATE = (
    "the checkpointer's thread state: `create_agent(..., checkpointer=...)` keeps the "
    "messages per `thread_id`; read them with `graph.get_state(config)`"
)
MEMORY_ARGUMENT = (
    "`checkpointer=` on the agent or graph: `create_agent(..., checkpointer=InMemorySaver())` or "
    f"`graph.compile(checkpointer=...)` ({_LEGACY_RWMH})"
)
MEMORY_API_USE = (
    "the checkpointed thread state: `graph.get_state(config)` to read, `graph.update_state(config, ...)` to write"
)


@dataclass(frozen=True)
class Entry:
    """One deprecated symbol under all the import paths it has had."""

    name: str
    rule: str | None  # the code every reference gets; None: only its moved imports are reported
    paths: tuple[str, ...]  # fully qualified names, e.g. "langchain.memory.buffer.ConversationBufferMemory"
    replacement: str  # what to use instead, one phrase
    url: str  # the page to open first
    since: str | None = None  # LangChain's own deprecation data (without a rule: its import shim's)
    removal: str | None = None
    guide: str | None = None  # the older per-class migration guide, if any
    memory: bool = False  # instances are memory objects (save_context, memory=...)
    moved_to: str | None = None  # new home of the removed `langchain.*` paths; default: the classic twin
    classic: bool = True  # add the `langchain_classic.*` twin of each `langchain.*` path
    gone: bool = False  # it left LangChain for a partner package: every path but `moved_to` fails to import
    all_paths: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        paths = list(self.paths)
        if self.classic:
            paths += [CLASSIC + p[len("langchain") :] for p in self.paths if p.startswith("langchain.")]
        object.__setattr__(self, "all_paths", tuple(dict.fromkeys(paths)))


CLASSIC = "langchain_classic"
_MEM = "langchain.memory"
_CCM = "langchain.chains.conversation.memory"


def _mem(name: str, module: str, *, conversation: bool = True, exported: bool = True) -> tuple[str, ...]:
    """Paths of a class defined in ``langchain.memory.<module>``."""
    paths = [f"{_MEM}.{name}"] if exported else []
    paths.append(f"{_MEM}.{module}.{name}")
    if conversation:
        paths.append(f"{_CCM}.{name}")
    return tuple(paths)


def _history(name: str, module: str, *, exported: bool = True) -> tuple[str, ...]:
    """Paths of a chat message history once served from ``langchain.memory``."""
    paths = [f"{_MEM}.{name}"] if exported else []
    paths += [f"{_MEM}.chat_message_histories.{name}", f"{_MEM}.chat_message_histories.{module}.{name}"]
    return tuple(paths)


_COMMUNITY_HISTORIES = "langchain_community.chat_message_histories"
_MEMORY_SINCE = "0.3.1"
_MEMORY_REMOVAL = "2.0.0"

ENTRIES: tuple[Entry, ...] = (
    # LCM100 buffer-memory
    Entry(
        "ConversationBufferMemory",
        "LCM100",
        _mem("ConversationBufferMemory", "buffer"),
        SHORT_TERM,
        SHORT_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_BUFFER_GUIDE,
        memory=True,
    ),
    Entry(
        "ConversationStringBufferMemory",
        "LCM100",
        _mem("ConversationStringBufferMemory", "buffer"),
        SHORT_TERM,
        SHORT_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_BUFFER_GUIDE,
        memory=True,
    ),
    Entry(
        "ConversationBufferWindowMemory",
        "LCM100",
        _mem("ConversationBufferWindowMemory", "buffer_window"),
        WINDOW,
        SHORT_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_WINDOW_GUIDE,
        memory=True,
    ),
    Entry(
        "ConversationTokenBufferMemory",
        "LCM100",
        _mem("ConversationTokenBufferMemory", "token_buffer", conversation=False),
        WINDOW,
        SHORT_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_WINDOW_GUIDE,
        memory=True,
    ),
    Entry(
        "AgentTokenBufferMemory",
        "LCM100",
        ("langchain.agents.openai_functions_agent.agent_token_buffer_memory.AgentTokenBufferMemory",),
        WINDOW,
        SHORT_TERM_URL,
        None,
        None,
        OLD_GUIDE,
        memory=True,
    ),
    # LCM101 summary-memory
    Entry(
        "ConversationSummaryMemory",
        "LCM101",
        _mem("ConversationSummaryMemory", "summary"),
        SUMMARY,
        SUMMARY_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_SUMMARY_GUIDE,
        memory=True,
    ),
    Entry(
        "ConversationSummaryBufferMemory",
        "LCM101",
        _mem("ConversationSummaryBufferMemory", "summary_buffer"),
        SUMMARY,
        SUMMARY_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_SUMMARY_GUIDE,
        memory=True,
    ),
    Entry(
        "SummarizerMixin",
        "LCM101",
        (f"{_MEM}.summary.SummarizerMixin",),
        SUMMARY,
        SUMMARY_URL,
        "0.2.12",
        _MEMORY_REMOVAL,
        OLD_SUMMARY_GUIDE,
    ),
    # LCM102 extraction-memory
    Entry(
        "ConversationEntityMemory",
        "LCM102",
        _mem("ConversationEntityMemory", "entity"),
        LONG_TERM,
        LONG_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_LONG_TERM_GUIDE,
        memory=True,
    ),
    Entry(
        "ConversationKGMemory",
        "LCM102",
        _mem("ConversationKGMemory", "kg") + ("langchain_community.memory.kg.ConversationKGMemory",),
        LONG_TERM,
        LONG_TERM_URL,
        None,
        None,
        OLD_LONG_TERM_GUIDE,
        memory=True,
        moved_to="langchain_community.memory.kg.ConversationKGMemory",
    ),
    Entry(
        "BaseEntityStore",
        "LCM102",
        (f"{_MEM}.entity.BaseEntityStore",),
        LONG_TERM,
        LONG_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_LONG_TERM_GUIDE,
    ),
    Entry(
        "InMemoryEntityStore",
        "LCM102",
        _mem("InMemoryEntityStore", "entity", conversation=False),
        LONG_TERM,
        LONG_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_LONG_TERM_GUIDE,
    ),
    Entry(
        "RedisEntityStore",
        "LCM102",
        _mem("RedisEntityStore", "entity", conversation=False),
        LONG_TERM,
        LONG_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_LONG_TERM_GUIDE,
    ),
    Entry(
        "SQLiteEntityStore",
        "LCM102",
        _mem("SQLiteEntityStore", "entity", conversation=False),
        LONG_TERM,
        LONG_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_LONG_TERM_GUIDE,
    ),
    Entry(
        "UpstashRedisEntityStore",
        "LCM102",
        _mem("UpstashRedisEntityStore", "entity", conversation=False),
        LONG_TERM,
        LONG_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_LONG_TERM_GUIDE,
    ),
    # LCM103 vectorstore-memory
    Entry(
        "VectorStoreRetrieverMemory",
        "LCM103",
        _mem("VectorStoreRetrieverMemory", "vectorstore", conversation=False),
        VECTOR,
        LONG_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_LONG_TERM_GUIDE,
        memory=True,
    ),
    Entry(
        "ConversationVectorStoreTokenBufferMemory",
        "LCM103",
        _mem("ConversationVectorStoreTokenBufferMemory", "vectorstore_token_buffer_memory", conversation=False),
        VECTOR,
        LONG_TERM_URL,
        None,
        None,
        OLD_GUIDE,
        memory=True,
    ),
    # LCM104 composite-memory
    Entry(
        "CombinedMemory",
        "LCM104",
        _mem("CombinedMemory", "combined"),
        COMPOSITE,
        SHORT_TERM_URL,
        None,
        None,
        OLD_GUIDE,
        memory=True,
    ),
    Entry(
        "ReadOnlySharedMemory",
        "LCM104",
        _mem("ReadOnlySharedMemory", "readonly", conversation=False),
        COMPOSITE,
        SHORT_TERM_URL,
        None,
        None,
        OLD_GUIDE,
        memory=True,
    ),
    Entry(
        "SimpleMemory",
        "LCM104",
        _mem("SimpleMemory", "simple", conversation=False),
        COMPOSITE,
        SHORT_TERM_URL,
        None,
        None,
        OLD_GUIDE,
        memory=True,
    ),
    # LCM105 service-memory
    Entry(
        "ZepMemory",
        "LCM105",
        _mem("ZepMemory", "zep_memory", conversation=False) + ("langchain_community.memory.zep_memory.ZepMemory",),
        SERVICE,
        SHORT_TERM_URL,
        None,
        None,
        OLD_BUFFER_GUIDE,
        memory=True,
        moved_to="langchain_community.memory.zep_memory.ZepMemory",
    ),
    Entry(
        "ZepCloudMemory",
        "LCM105",
        ("langchain_community.memory.zep_cloud_memory.ZepCloudMemory",),
        SERVICE,
        SHORT_TERM_URL,
        None,
        None,
        OLD_BUFFER_GUIDE,
        memory=True,
    ),
    Entry(
        "MotorheadMemory",
        "LCM105",
        _mem("MotorheadMemory", "motorhead_memory", conversation=False)
        + ("langchain_community.memory.motorhead_memory.MotorheadMemory",),
        SERVICE,
        SHORT_TERM_URL,
        None,
        None,
        OLD_GUIDE,
        memory=True,
        moved_to="langchain_community.memory.motorhead_memory.MotorheadMemory",
    ),
    # LCM200 custom-memory
    Entry(
        "BaseMemory",
        "LCM200",
        (
            "langchain_core.memory.BaseMemory",
            "langchain.schema.BaseMemory",
            "langchain.schema.Memory",
            "langchain.schema.memory.BaseMemory",
            "langchain_classic.base_memory.BaseMemory",
        ),
        CUSTOM,
        SHORT_TERM_URL,
        "0.3.3",
        _MEMORY_REMOVAL,
        OLD_GUIDE,
        memory=True,
        moved_to="langchain_classic.base_memory.BaseMemory",
    ),
    Entry(
        "BaseChatMemory",
        "LCM200",
        (f"{_MEM}.chat_memory.BaseChatMemory",),
        CUSTOM,
        SHORT_TERM_URL,
        _MEMORY_SINCE,
        _MEMORY_REMOVAL,
        OLD_GUIDE,
        memory=True,
    ),
    # LCM301 conversation-chain
    Entry(
        "ConversationChain",
        "LCM301",
        (
            "langchain.chains.ConversationChain",
            "langchain.chains.conversation.base.ConversationChain",
            "langchain.ConversationChain",
        ),
        CONVERSATION_CHAIN,
        SHORT_TERM_URL,
        "0.2.7",
        "2.0.0",
        OLD_BUFFER_GUIDE,
    ),
    # LCM500 history-runnable (opt-in)
    Entry(
        "RunnableWithMessageHistory",
        "LCM500",
        (
            "langchain_core.runnables.history.RunnableWithMessageHistory",
            "langchain_core.runnables.RunnableWithMessageHistory",
            "langchain.schema.runnable.history.RunnableWithMessageHistory",
            "langchain.schema.runnable.RunnableWithMessageHistory",
        ),
        PERSISTENCE,
        SHORT_TERM_URL,
        "1.3.3",
        "2.0.0",
        OLD_HISTORY_GUIDE,
        moved_to="langchain_core.runnables.history.RunnableWithMessageHistory",
        classic=False,
    ),
    # LCM501 chat-message-history (opt-in)
    Entry(
        "BaseChatMessageHistory",
        "LCM501",
        (
            "langchain_core.chat_history.BaseChatMessageHistory",
            "langchain.schema.BaseChatMessageHistory",
            "langchain.schema.chat_history.BaseChatMessageHistory",
        ),
        THREAD_STATE,
        SHORT_TERM_URL,
        "1.6.4",
        "2.0.0",
        OLD_HISTORY_GUIDE,
        moved_to="langchain_core.chat_history.BaseChatMessageHistory",
        classic=False,
    ),
    Entry(
        "InMemoryChatMessageHistory",
        "LCM501",
        ("langchain_core.chat_history.InMemoryChatMessageHistory",),
        THREAD_STATE,
        SHORT_TERM_URL,
        "1.6.4",
        "2.0.0",
        OLD_HISTORY_GUIDE,
        classic=False,
    ),
    Entry(
        "ChatMessageHistory",
        "LCM501",
        _history("ChatMessageHistory", "in_memory")
        + (f"{_COMMUNITY_HISTORIES}.ChatMessageHistory", f"{_COMMUNITY_HISTORIES}.in_memory.ChatMessageHistory"),
        THREAD_STATE,
        SHORT_TERM_URL,
        "1.6.4",
        "2.0.0",
        OLD_HISTORY_GUIDE,
        moved_to=f"{_COMMUNITY_HISTORIES}.ChatMessageHistory",
    ),
    # Chat message histories that only moved (LCM400)
    *(
        Entry(
            name,
            None,
            _history(name, module, exported=exported),
            THREAD_STATE,
            SHORT_TERM_URL,
            "0.1",
            "2.0.0",
            OLD_HISTORY_GUIDE,
            moved_to=f"{_COMMUNITY_HISTORIES}.{name}",
        )
        for name, module, exported in (
            ("CassandraChatMessageHistory", "cassandra", True),
            ("CosmosDBChatMessageHistory", "cosmos_db", True),
            ("DynamoDBChatMessageHistory", "dynamodb", True),
            ("ElasticsearchChatMessageHistory", "elasticsearch", True),
            ("FileChatMessageHistory", "file", True),
            ("FirestoreChatMessageHistory", "firestore", False),
            ("MomentoChatMessageHistory", "momento", True),
            ("PostgresChatMessageHistory", "postgres", True),
            ("RedisChatMessageHistory", "redis", True),
            ("RocksetChatMessageHistory", "rocksetdb", False),
            ("SingleStoreDBChatMessageHistory", "singlestoredb", True),
            ("SQLChatMessageHistory", "sql", True),
            ("StreamlitChatMessageHistory", "streamlit", True),
            ("UpstashRedisChatMessageHistory", "upstash_redis", True),
            ("XataChatMessageHistory", "xata", True),
            ("ZepChatMessageHistory", "zep", True),
        )
    ),
    # Removed from langchain-community 0.4.2: the `langchain(_classic).memory` shims fail too, so the
    # partner package is the only home left.
    *(
        Entry(
            name,
            None,
            _history(name, module, exported=exported)
            + (f"{_COMMUNITY_HISTORIES}.{name}", f"{_COMMUNITY_HISTORIES}.{module}.{name}"),
            THREAD_STATE,
            SHORT_TERM_URL,
            "0.1",
            "2.0.0",
            OLD_HISTORY_GUIDE,
            moved_to=f"{package}.{name}",
            gone=True,
        )
        for name, module, exported, package in (
            ("AstraDBChatMessageHistory", "astradb", True, "langchain_astradb"),
            ("MongoDBChatMessageHistory", "mongodb", True, "langchain_mongodb"),
            ("Neo4jChatMessageHistory", "neo4j", False, "langchain_neo4j"),
        )
    ),
    *(
        Entry(
            name,
            None,
            (f"{_MEM}.chat_message_histories.sql.{name}",),
            THREAD_STATE,
            SHORT_TERM_URL,
            "0.1",
            "2.0.0",
            OLD_HISTORY_GUIDE,
            moved_to=f"{_COMMUNITY_HISTORIES}.sql.{name}",
        )
        for name in ("BaseMessageConverter", "DefaultMessageConverter")
    ),
)

# Modules removed with langchain 1.0 (and langchain-core 1.0), mapped to their new home.  Any import
# of them, or of a name from them, is LCM400; submodules map by longest prefix.
MOVED_MODULES: dict[str, str] = {
    "langchain.memory": "langchain_classic.memory",
    "langchain.memory.chat_message_histories": _COMMUNITY_HISTORIES,
    "langchain.memory.kg": "langchain_community.memory.kg",
    "langchain.memory.motorhead_memory": "langchain_community.memory.motorhead_memory",
    "langchain.memory.zep_memory": "langchain_community.memory.zep_memory",
    "langchain.schema.memory": "langchain_classic.base_memory",
    "langchain_core.memory": "langchain_classic.base_memory",
    "langchain.chains.conversation": "langchain_classic.chains.conversation",
}

# A call whose callee resolves below one of these accepts the legacy `memory=` (LCM300).
MEMORY_CONSUMERS: tuple[str, ...] = (
    "langchain.chains.",
    "langchain.agents.",
    "langchain.ConversationChain",
    "langchain.LLMChain",
    "langchain_classic.chains.",
    "langchain_classic.agents.",
    "langchain_classic.ConversationChain",
    "langchain_classic.LLMChain",
    "langchain_community.chains.",
    "langchain_community.agent_toolkits.",
)
# Keyword names through which legacy chains receive memory; dict keys too (chain_type_kwargs={...}).
MEMORY_KEYWORDS: frozenset[str] = frozenset({"memory"})
NESTED_KWARGS: frozenset[str] = frozenset(
    {"chain_type_kwargs", "agent_kwargs", "agent_executor_kwargs", "combine_docs_chain_kwargs"}
)

# The memory API (LCM302): every attribute and method of a memory object, all classes together; each
# class's own list is ``catalog.memory_api.BY_CLASS``.
MEMORY_API: frozenset[str] = memory_api.ALL
# Class-level constructors that return an instance (`ConversationSummaryMemory.from_messages(...)`).
CONSTRUCTOR_PREFIXES: tuple[str, ...] = ("from_", "construct", "model_construct", "parse_obj", "model_validate")

# Pre-filter seeds (``lint_memory.prefilter``): case-sensitive substrings of the words that a finding
# needs first (class names, the removed modules' last parts, the memory keyword).  Words no seed
# covers are added by the pre-filter itself, so this list only affects speed, never soundness.
PREFILTER_SEEDS: tuple[str, ...] = (
    "emory",
    "onversation",
    "SummarizerMixin",
    "EntityStore",
    "MessageHistory",
    "MessageConverter",
)
