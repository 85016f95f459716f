"""A recording fake chat model: it writes down what the model saw on every call and answers from a script.

Replies are keyed by the LATEST user utterance of the call, never by call order, so a program that shows the
model the wrong history still gets the right reply and the difference shows up only in what was recorded.

Both kinds of caller are served:

- legacy chains (``ConversationChain``, ``LLMChain``) render their prompt to ONE string, which reaches a chat
  model as a single human message whose last ``Human: ...`` line is the new input;
- ``create_agent`` sends a message list whose last human message is the new input.

Summary requests are answered too, without a script: the legacy summariser (``ConversationSummaryMemory`` /
``ConversationSummaryBufferMemory``: "Progressively summarize the lines of conversation ...") and
``SummarizationMiddleware`` ("Messages to summarize:") both get a summary that lists, as JSON, every utterance
it covers (those of the previous summary first). That makes "which earlier utterances does this summary stand
for" checkable, while the wording of real summaries is free to differ.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

# A summary's text: this marker, then a JSON list of [role, text] pairs.
SUMMARY_MARKER = "SUMMARY:"
# Markers of the two summary requests (langchain_classic.memory.prompt.SUMMARY_PROMPT and
# langchain.agents.middleware.summarization.DEFAULT_SUMMARY_PROMPT).
LEGACY_SUMMARY_REQUEST = "Progressively summarize the lines of conversation provided"
MIDDLEWARE_SUMMARY_REQUEST = "Messages to summarize:"
# What SummarizationMiddleware puts before the summary in the human message that replaces the history.
MIDDLEWARE_SUMMARY_HEADER = "Here is a summary of the conversation to date:"

TURN_LINE = re.compile(r"^(Human|AI|System): ?(.*)$")
XML_MESSAGE = re.compile(r'<message type="(\w+)">(.*?)</message>', re.DOTALL)
ROLES = {"Human": "human", "AI": "ai", "System": "system", "human": "human", "ai": "ai", "system": "system"}


class UnscriptedUtterance(LookupError):
    """The model was asked to answer an utterance that its script does not have."""


def summary_text(items: Sequence[tuple[str, str]]) -> str:
    """The fake's summary of ``items`` ([role, text] pairs), as one line."""
    return SUMMARY_MARKER + json.dumps([list(item) for item in items])


def summary_items(text: str) -> list[tuple[str, str]] | None:
    """The [role, text] pairs a fake summary in ``text`` stands for, or None when ``text`` holds none."""
    start = text.find(SUMMARY_MARKER)
    if start < 0:
        return None
    decoder = json.JSONDecoder()
    items, _ = decoder.raw_decode(text, start + len(SUMMARY_MARKER))
    return [(role, said) for role, said in items]


def message_text(message: BaseMessage) -> str:
    """The text of a message (content blocks joined)."""
    return message.text if isinstance(message.text, str) else message.text()


def latest_utterance(messages: Sequence[BaseMessage]) -> str:
    """The newest thing the user said in a call: the last human message, or its last ``Human:`` line."""
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            text = message_text(message)
            if "\n" not in text:
                return text
            for line in reversed(text.splitlines()):
                found = TURN_LINE.match(line)
                if found and found.group(1) == "Human":
                    return found.group(2)
            return text
    raise UnscriptedUtterance("the call has no human message")


def is_summary_request(messages: Sequence[BaseMessage]) -> bool:
    """True for a call that asks for a summary (legacy summary memory or SummarizationMiddleware)."""
    text = "\n".join(message_text(message) for message in messages)
    return LEGACY_SUMMARY_REQUEST in text or MIDDLEWARE_SUMMARY_REQUEST in text


def summarize(messages: Sequence[BaseMessage]) -> str:
    """The fake summary of a summary request: every utterance the request covers, in order."""
    text = "\n".join(message_text(message) for message in messages)
    if MIDDLEWARE_SUMMARY_REQUEST in text:
        body = text.split(MIDDLEWARE_SUMMARY_REQUEST, 1)[1]
        pieces = [(ROLES[role], html.unescape(said)) for role, said in XML_MESSAGE.findall(body)]
    else:
        body = text.split("Current summary:")[-1]
        pieces = [("summary", line) for line in body.splitlines()]
    covered: list[tuple[str, str]] = []
    for role, said in pieces:
        previous = summary_items(said)
        if previous is not None:
            covered.extend(previous)
        elif role == "summary":
            found = TURN_LINE.match(said)
            if found and found.group(1) != "System":
                covered.append((ROLES[found.group(1)], found.group(2)))
        else:
            covered.append((role, said))
    return summary_text(covered)


@dataclass(frozen=True)
class Call:
    """One model call: the messages the model was given, what it answered, and whether it was a summary request."""

    messages: tuple[BaseMessage, ...]
    reply: str
    summary: bool


class RecordingChatModel(BaseChatModel):
    """A chat model that records every call and answers from ``script`` (latest utterance -> reply).

    No network, no API key. Token counts are word counts, so token-based memories work offline.
    """

    script: dict[str, str]
    calls: list[Call] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "recording-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: Any = None,
        **kwargs: Any,
    ) -> ChatResult:
        summary = is_summary_request(messages)
        if summary:
            reply = summarize(messages)
        else:
            utterance = latest_utterance(messages)
            if utterance not in self.script:
                raise UnscriptedUtterance(f"no scripted reply for {utterance!r}")
            reply = self.script[utterance]
        self.calls.append(Call(tuple(message.model_copy() for message in messages), reply, summary))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])

    def get_num_tokens(self, text: str) -> int:
        """Words, not model tokens: deterministic and offline."""
        return len(text.split())

    def get_num_tokens_from_messages(self, messages: list[BaseMessage], tools: Iterable[Any] | None = None) -> int:
        """Words of all messages (``ConversationSummaryBufferMemory`` prunes by this)."""
        return sum(self.get_num_tokens(message_text(message)) for message in messages)

    def conversation_calls(self) -> list[Call]:
        """The calls that answered the user (summary requests left out)."""
        return [call for call in self.calls if not call.summary]


class RecordingHandler(BaseCallbackHandler):
    """A callback handler that records what a program's ``callbacks=`` saw: each top-level run (a legacy chain call,
    or an agent invocation) with the reply it ended with, and each chat-model call it was told about.

    A legacy chain's constructor callbacks see the chain's own runs only (one per call, so one per model call);
    an agent's invoke-config callbacks are inherited, so they see the model calls too."""

    def __init__(self) -> None:
        self.replies: list[str] = []  # the reply each top-level run ended with, in order
        self.model_calls = 0

    def on_chain_end(self, outputs: Any, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any) -> None:
        if parent_run_id is None:
            self.replies.append(_reply_of(outputs))

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.model_calls += 1


def _reply_of(outputs: Any) -> str:
    """The reply in a top-level run's outputs: a legacy chain's ``response`` / ``text``, or an agent state's last
    message."""
    if isinstance(outputs, dict) and "messages" in outputs:
        return message_text(outputs["messages"][-1])
    if isinstance(outputs, dict):
        for key in ("response", "text"):
            if key in outputs:
                return str(outputs[key])
    raise AssertionError(f"no reply in the outputs of a top-level run: {outputs!r}")
