"""What the model saw, call by call, in a form where a legacy one-string prompt and a message list compare equal.

A legacy chain sends ONE human message: a preamble, the history as ``Human:`` / ``AI:`` lines, the new input as
the last ``Human:`` line and a cue such as ``AI:``. ``create_agent`` sends a system message, then the history
as messages, then the new input. ``view`` reduces both to a ``CallView``: the preamble / system text, the
earlier utterances with their roles in order, the new input, any text after it other than the bare speaker
cue, and the reply the model gave.

Summaries (see ``recording``) are expanded to the utterances they stand for and kept apart, so a summary
memory can be compared on "a summary plus the current input": ``coverage`` is what the model had of the
conversation so far, summarised or verbatim, in order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from .recording import MIDDLEWARE_SUMMARY_HEADER, SUMMARY_MARKER, TURN_LINE, Call, message_text, summary_items

# The line that cues the model to speak ("AI:", "Pirate:"): the turn itself, not an instruction.
SPEAKER_CUE = re.compile(r"^[A-Za-z][\w -]*:$")


@dataclass(frozen=True)
class CallView:
    """What one model call showed the model, and what it answered."""

    preamble: str
    history: tuple[tuple[str, str], ...]
    summarized: tuple[tuple[str, str], ...] | None
    current: str
    suffix: str
    reply: str

    @property
    def coverage(self) -> tuple[tuple[str, str], ...]:
        """Every earlier utterance the model had, summarised first, then verbatim."""
        return (self.summarized or ()) + self.history

    def as_summary_view(self) -> tuple[str, tuple[tuple[str, str], ...], str, str, str]:
        """The comparison for summary memories: "a summary plus the current input".

        Where the summary ends and the verbatim turns begin is left out: the legacy memories and
        SummarizationMiddleware count tokens differently and summarise at different moments.
        """
        return (self.preamble, self.coverage, self.current, self.suffix, self.reply)


def _from_string_prompt(text: str, reply: str) -> CallView:
    """A legacy one-string prompt, split into preamble, turns, current input and suffix."""
    lines = text.splitlines()
    turns = [(index, TURN_LINE.match(line)) for index, line in enumerate(lines)]
    turns = [(index, found) for index, found in turns if found]
    human = [index for index, found in turns if found.group(1) == "Human"]
    if not human:
        raise AssertionError(f"no `Human:` line in the prompt: {text!r}")
    last = human[-1]
    summarized: list[tuple[str, str]] | None = None
    preamble_lines: list[str] = []
    history: list[tuple[str, str]] = []
    first_turn = turns[0][0]
    for index, line in enumerate(lines[:last]):
        items = summary_items(line)
        if items is not None:
            summarized = (summarized or []) + items
        elif index < first_turn:
            preamble_lines.append(line)
        else:
            found = TURN_LINE.match(line)
            if found is None or found.group(1) == "System":
                raise AssertionError(f"unexpected line in the history of a prompt: {line!r}")
            history.append(({"Human": "human", "AI": "ai"}[found.group(1)], found.group(2)))
    after_input = last + 1
    suffix = lines[after_input:]
    if suffix and SPEAKER_CUE.match(suffix[-1].strip()):
        suffix = suffix[:-1]
    return CallView(
        preamble="\n".join(preamble_lines).strip(),
        history=tuple(history),
        summarized=tuple(summarized) if summarized is not None else None,
        current=TURN_LINE.match(lines[last]).group(2),
        suffix="\n".join(suffix).strip(),
        reply=reply,
    )


def _from_messages(messages: Sequence[BaseMessage], reply: str) -> CallView:
    """A message list: system text, history messages, the last human message as the current input."""
    system = [message_text(message) for message in messages if isinstance(message, SystemMessage)]
    rest = [message for message in messages if not isinstance(message, SystemMessage)]
    if not rest or not isinstance(rest[-1], HumanMessage):
        raise AssertionError(f"the call does not end with a human message: {messages!r}")
    summarized: list[tuple[str, str]] | None = None
    history: list[tuple[str, str]] = []
    for message in rest[:-1]:
        text = message_text(message)
        items = summary_items(text)
        if items is not None:
            if text.split(SUMMARY_MARKER)[0].strip() not in ("", MIDDLEWARE_SUMMARY_HEADER):
                raise AssertionError(f"unexpected text around a summary: {text!r}")
            summarized = (summarized or []) + items
        elif isinstance(message, HumanMessage):
            history.append(("human", text))
        elif isinstance(message, AIMessage):
            history.append(("ai", text))
        else:
            raise AssertionError(f"unexpected message in the history: {message!r}")
    return CallView(
        preamble="\n\n".join(system).strip(),
        history=tuple(history),
        summarized=tuple(summarized) if summarized is not None else None,
        current=message_text(rest[-1]),
        suffix="",
        reply=reply,
    )


def view(call: Call) -> CallView:
    """The ``CallView`` of a recorded call, whichever way its prompt was sent."""
    messages = call.messages
    if len(messages) == 1 and isinstance(messages[0], HumanMessage) and "\n" in message_text(messages[0]):
        return _from_string_prompt(message_text(messages[0]), call.reply)
    return _from_messages(messages, call.reply)
