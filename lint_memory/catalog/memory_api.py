"""The memory API (LCM302) of each deprecated memory class, as data: its public methods and attributes.

Read from the classes langchain-classic 1.x and langchain-community 0.4 define (every public name of the
class and its bases below pydantic's ``BaseModel`` and LangChain's ``Serializable``), without what is
not memory API: pydantic validators (``validate_chains``, ``validate_prompt_input_variables``,
``check_input_key``) and the ``from_*`` constructors (``CONSTRUCTOR_PREFIXES`` makes those give a memory
object).  ``tests/test_langchain_catalog.py`` checks both ways against the installed classes: every name
listed exists on its class, and no public name of a class is missing.

A memory object of a class that is not listed (a subclass the project defines is judged by its
deprecated ancestor's entry) gets the ``BaseMemory`` API.
"""

from __future__ import annotations

# langchain_classic.base_memory.BaseMemory
BASE = frozenset(
    {
        "save_context",
        "asave_context",
        "load_memory_variables",
        "aload_memory_variables",
        "clear",
        "aclear",
        "memory_variables",
    }
)
# langchain_classic.memory.chat_memory.BaseChatMemory
CHAT = BASE | {"chat_memory", "input_key", "output_key", "return_messages"}
_PREFIXES = frozenset({"human_prefix", "ai_prefix"})
_CHAT_BUFFER = CHAT | _PREFIXES | {"memory_key", "buffer"}
_MESSAGES = frozenset({"buffer_as_messages", "buffer_as_str"})
_ASYNC_BUFFER = frozenset({"abuffer", "abuffer_as_messages", "abuffer_as_str"})
_SUMMARIZER = frozenset({"llm", "prompt", "summary_message_cls", "predict_new_summary", "apredict_new_summary"})

BY_CLASS: dict[str, frozenset[str]] = {
    "BaseMemory": BASE,
    "BaseChatMemory": CHAT,
    "ConversationBufferMemory": _CHAT_BUFFER | _MESSAGES | _ASYNC_BUFFER,
    "ConversationStringBufferMemory": BASE | _PREFIXES | {"input_key", "output_key", "memory_key", "buffer"},
    "ConversationBufferWindowMemory": _CHAT_BUFFER | _MESSAGES | {"k"},
    "ConversationTokenBufferMemory": _CHAT_BUFFER | _MESSAGES | {"llm", "max_token_limit"},
    "AgentTokenBufferMemory": _CHAT_BUFFER | {"llm", "max_token_limit", "intermediate_steps_key", "format_as_tools"},
    "ConversationSummaryMemory": _CHAT_BUFFER | _SUMMARIZER,
    "ConversationSummaryBufferMemory": _CHAT_BUFFER
    | _SUMMARIZER
    | {"abuffer", "max_token_limit", "moving_summary_buffer", "prune", "aprune"},
    "ConversationEntityMemory": CHAT
    | _PREFIXES
    | {
        "buffer",
        "llm",
        "k",
        "chat_history_key",
        "entity_cache",
        "entity_store",
        "entity_extraction_prompt",
        "entity_summarization_prompt",
    },
    "ConversationKGMemory": CHAT
    | _PREFIXES
    | {
        "memory_key",
        "llm",
        "k",
        "kg",
        "summary_message_cls",
        "entity_extraction_prompt",
        "knowledge_extraction_prompt",
        "get_current_entities",
        "get_knowledge_triplets",
    },
    "VectorStoreRetrieverMemory": BASE | {"retriever", "memory_key", "input_key", "return_docs", "exclude_input_keys"},
    "ConversationVectorStoreTokenBufferMemory": _CHAT_BUFFER
    | _MESSAGES
    | {
        "llm",
        "max_token_limit",
        "retriever",
        "memory_retriever",
        "previous_history_template",
        "split_chunk_size",
        "save_remainder",
    },
    "CombinedMemory": BASE | {"memories"},
    "ReadOnlySharedMemory": BASE | {"memory"},
    "SimpleMemory": BASE | {"memories"},
    "ZepMemory": _CHAT_BUFFER | _MESSAGES | _ASYNC_BUFFER,
    # a ConversationBufferMemory subclass (importable only with the `zep-cloud` package)
    "ZepCloudMemory": _CHAT_BUFFER | _MESSAGES | _ASYNC_BUFFER,
    "MotorheadMemory": CHAT
    | {"memory_key", "url", "api_key", "client_id", "session_id", "timeout", "context", "init", "delete_session"},
}

ALL: frozenset[str] = frozenset().union(*BY_CLASS.values())


def api_of(name: str) -> frozenset[str]:
    """The memory API of the deprecated memory class ``name`` (``BaseMemory``'s for any other)."""
    return BY_CLASS.get(name, BASE)
