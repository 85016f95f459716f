"""LCM301 conversation-chain: every reference to ``ConversationChain``.

The catalog gives its entry ``rule="LCM301"``; ``deprecated_symbols`` reports the references of
every catalog entry, so this rule is its ``Rule`` alone.
"""

from __future__ import annotations

from lint_memory.catalog import entries as c
from lint_memory.rules.base import Rule
from lint_memory.rules.deprecated_symbols import EVERY_REFERENCE

RULES: tuple[Rule, ...] = (
    Rule(
        code="LCM301",
        name="conversation-chain",
        summary="ConversationChain is deprecated (and creates a buffer memory even when none is passed)",
        url=c.SHORT_TERM_URL,
        what="Flags every reference to the legacy conversation chain, " + EVERY_REFERENCE,
        why="Deprecated since langchain 0.2.7. Even without `memory=` it builds a `ConversationBufferMemory`, "
        "so removing the memory argument alone does not migrate it.",
        example="from langchain.chains import ConversationChain\n\nchain = ConversationChain(llm=llm)\n",
        use_instead="from langchain.agents import create_agent\n"
        "from langgraph.checkpoint.memory import InMemorySaver\n\n"
        "agent = create_agent(model, tools=[], checkpointer=InMemorySaver())\n",
        fix_safety=(
            "A structural migration is offered as an unsafe fix (`--fix --unsafe-fixes`), only when the project "
            "targets LangChain 1.x, for a `ConversationChain` with a buffer, string-buffer, window or summary memory "
            "(or none) bound to a local name or a `self.` attribute that is only called (`predict`, `run`, `invoke`, "
            "`apredict`, `arun`, `ainvoke`): it becomes `create_agent(..., checkpointer=InMemorySaver())` with the "
            "default preamble as `system_prompt` and a thread config per chain object. Unsafe because the prompt "
            "framing changes (messages instead of one string). Elsewhere the message says why it is not migrated, "
            "naming the blocking line (see docs/fixes.md, Structural migrations)."
        ),
        fixable="sometimes",
        references=(c.SHORT_TERM_URL, c.OLD_BUFFER_GUIDE),
        pylint_number="31",
    ),
)
