"""Run a fixture program under the recording model and compare a legacy program with its migration.

A fixture program (``tests/fixtures/migrate/NAME.before.py`` / ``NAME.after.py``) defines
``build(model)`` (or ``build(model, handler)``, handed a recording callback handler for its ``callbacks=``): it
starts ONE conversation (one chain object, or one agent thread) on ``model`` and returns
the callable that says one thing in it and returns the reply string (or an awaitable of it, for the async
call styles). The harness starts two conversations on the same model and interleaves them, so history that
leaks from one conversation into the other, or that is forgotten, changes what the model sees.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .compare import CallView, view
from .recording import RecordingChatModel, RecordingHandler, message_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "migrate"

# Two conversations, four turns each, interleaved A1 B1 A2 B2 ...; every utterance and reply is distinct.
TURNS: tuple[tuple[str, str], ...] = (
    ("A", "Hi, I am Ada and I collect maps."),
    ("B", "Hello, my name is Bo."),
    ("A", "Which map should I buy next?"),
    ("B", "I like jazz records."),
    ("A", "Is a 1700s map of Lisbon a good idea?"),
    ("B", "Recommend me an album."),
    ("A", "What was my name again?"),
    ("B", "And what do I like?"),
)
SCRIPT: dict[str, str] = {
    said: f"Reply {index} to {speaker}: noted ({len(said)} characters)." for index, (speaker, said) in enumerate(TURNS)
}


@dataclass(frozen=True)
class Transcript:
    """What a program showed the model, call by call, and what its callers got back.

    ``views`` are the comparable views of the conversation calls, ``prompts`` their raw text (messages joined by
    newlines), ``replies`` (conversation, reply) in the order the callers got them, ``summaries`` the number of
    summary requests; for a program that takes a callback handler, ``callback_replies`` the reply each top-level
    run the handler saw ended with, and ``callback_model_calls`` the chat-model calls it was told about.
    """

    views: tuple[CallView, ...]
    prompts: tuple[str, ...]
    replies: tuple[tuple[str, str], ...]
    summaries: int
    callback_replies: tuple[str, ...] | None = None
    callback_model_calls: int = 0


def load(path: Path) -> ModuleType:
    """Import a fixture program from its file (names like ``buffer.before.py`` are not importable by name)."""
    name = "migrate_fixture_" + re.sub(r"\W", "_", path.name)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spec.loader.exec_module(module)
    return module


async def _drive(
    build: Callable, model: RecordingChatModel, turns: Sequence[tuple[str, str]], handler: RecordingHandler | None
) -> list[tuple[str, str]]:
    conversations: dict[str, Callable] = {}
    replies = []
    for speaker, said in turns:
        if speaker not in conversations:
            conversations[speaker] = build(model) if handler is None else build(model, handler)
        reply = conversations[speaker](said)
        if inspect.isawaitable(reply):
            reply = await reply
        assert isinstance(reply, str), f"the program returned {type(reply).__name__}, not the reply string"
        replies.append((speaker, reply))
    return replies


def run(path: Path, turns: Sequence[tuple[str, str]] = TURNS, script: dict[str, str] | None = None) -> Transcript:
    """Run the program at ``path`` through ``turns`` (two or more interleaved conversations)."""
    module = load(path)
    model = RecordingChatModel(script=dict(SCRIPT if script is None else script))
    handler = RecordingHandler() if len(inspect.signature(module.build).parameters) == 2 else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        replies = asyncio.run(_drive(module.build, model, turns, handler))
    return Transcript(
        views=tuple(view(call) for call in model.conversation_calls()),
        prompts=tuple("\n".join(message_text(m) for m in call.messages) for call in model.conversation_calls()),
        replies=tuple(replies),
        summaries=sum(call.summary for call in model.calls),
        callback_replies=tuple(handler.replies) if handler is not None else None,
        callback_model_calls=handler.model_calls if handler is not None else 0,
    )


def differences(legacy: Transcript, migrated: Transcript, summary: bool = False) -> list[str]:
    """Where the migrated program differs from the legacy one; empty when they are equivalent.

    Compared per model call: the preamble / system text, the earlier utterances with roles and order, the current
    input, the text after it, the model's reply, and what every caller got back. With ``summary`` the history is
    compared as "a summary plus the current input": which utterances the summary and the verbatim history
    together stood for, in order (whether both programs summarised at all is ``Transcript.summaries``).
    """
    found = []
    if len(legacy.views) != len(migrated.views):
        found.append(f"{len(legacy.views)} model calls before, {len(migrated.views)} after")
    for number, (before, after) in enumerate(zip(legacy.views, migrated.views), start=1):
        same = before.as_summary_view() == after.as_summary_view() if summary else before == after
        if not same:
            found.append(f"call {number}: before {before!r}\n        after  {after!r}")
    if legacy.replies != migrated.replies:
        found.append(f"replies: before {legacy.replies!r}, after {migrated.replies!r}")
    return found


def pair(name: str) -> tuple[Path, Path]:
    """The before / after files of fixture ``name``."""
    return FIXTURES / f"{name}.before.py", FIXTURES / f"{name}.after.py"
