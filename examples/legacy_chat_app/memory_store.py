"""Custom memory on the deprecated BaseMemory protocol."""
from typing import Any

from langchain.memory import ConversationSummaryBufferMemory
from langchain.schema import BaseMemory


class SessionMemory(BaseMemory):
    user: str
    facts: dict = {}

    @property
    def memory_variables(self) -> list[str]:
        return ["facts"]

    def load_memory_variables(self, inputs: dict[str, Any]) -> dict[str, Any]:
        return {"facts": self.facts}

    def save_context(self, inputs: dict[str, Any], outputs: dict[str, str]) -> None:
        self.facts[self.user] = inputs.get("input")

    def clear(self) -> None:
        self.facts.clear()


def summarising_memory(llm) -> ConversationSummaryBufferMemory:
    memory = ConversationSummaryBufferMemory(llm=llm, max_token_limit=300)
    memory.save_context({"input": "hello"}, {"output": "hi, how can I help?"})
    return memory
