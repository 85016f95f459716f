"""Structural migrations (issue 12), proven by running: each legacy fixture and its hand-written migration.

``tests/fixtures/migrate/NAME.before.py`` is legacy code on LangChain 1.x (``langchain_classic``);
``NAME.after.py`` is the code the planned fixer is to write (``create_agent`` + ``InMemorySaver``, one thread per
chain object). Both run under the recording fake chat model (``tests/migration``) through two interleaved
conversations, and what the model saw on every call is compared. Deliberately broken migrations show that the
comparison catches a missing checkpointer, a shared thread and an off-by-one window.
"""

from __future__ import annotations

import re
import sys

import pytest

pytestmark = pytest.mark.langchain
pytest.importorskip("langchain_classic")
pytest.importorskip("langgraph")
pytest.importorskip("langchain.agents")

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage  # noqa: E402
from migration import harness  # noqa: E402
from migration.compare import view  # noqa: E402
from migration.recording import Call, RecordingChatModel, UnscriptedUtterance, summary_text  # noqa: E402

# name -> (pattern, compared on "a summary plus the current input"); pattern 3 and 4 by their sub-forms: the exact
# shape (system_prompt) or another template (a middleware renders it); a summary or a summary-buffer memory
PAIRS = {
    "buffer_predict_function": ("1", False),
    "buffer_run_function": ("1", False),
    "buffer_invoke_class": ("1", False),
    "buffer_apredict_class": ("1", False),
    "buffer_arun_function": ("1", False),
    "buffer_ainvoke_class": ("1", False),
    "buffer_sync_class": ("1", False),
    "buffer_async_function": ("1", False),
    "string_buffer_sync_function": ("1", False),
    "callbacks_predict_function": ("1", False),
    "string_buffer_run_class": ("1", False),
    "string_buffer_ainvoke_function": ("1", False),
    "no_memory_predict_function": ("1", False),
    "no_memory_arun_class": ("1", False),
    "window_predict_class": ("2", False),
    "window_ainvoke_function": ("2", False),
    "callbacks_window_ainvoke_class": ("2", False),
    "llm_prefix_invoke_function": ("3 prefix", False),
    "llm_prefix_apredict_class": ("3 prefix", False),
    "llm_template_run_class": ("3 template", False),
    "llm_template_ainvoke_function": ("3 template", False),
    "summary_predict_function": ("4 summary", True),
    "summary_run_class": ("4 summary", True),
    "summary_buffer_invoke_class": ("4 summary buffer", True),
    "summary_buffer_apredict_function": ("4 summary buffer", True),
}
# The cross product (each pattern x {function, class} x every call style): each fixture drives three call styles in
# turn (`next(turns) % 3`), so each conversation of the harness (four turns) calls every one of them.
for _pattern, _stem, _summary in (
    ("2", "window", False),
    ("3 prefix", "prefix", False),
    ("3 template", "template", False),
    ("4 summary", "summary", True),
    ("4 summary buffer", "summary_buffer", True),
):
    for _form in ("function", "class"):
        PAIRS[f"{_stem}_sync_{_form}"] = (_pattern, _summary)
        if _stem != "summary":
            PAIRS[f"{_stem}_async_{_form}"] = (_pattern, _summary)
# Legacy async ConversationSummaryMemory never summarises (see test_async_summary_memory_forgets_in_legacy): these
# are compared with the legacy run of their synchronous twin -> (pattern, the twin)
KNOWN_LEGACY_DIFFERENCE = {
    "summary_arun_class": ("4 summary", "summary_run_class"),
    "summary_async_function": ("4 summary", "summary_sync_function"),
    "summary_async_class": ("4 summary", "summary_sync_class"),
}
# broken migration -> the legacy fixture it claims to migrate
BROKEN = {
    "broken_no_checkpointer": "buffer_predict_function",
    "broken_shared_thread": "buffer_predict_function",
    "broken_window_off_by_one": "window_predict_class",
}
# equivalent variant that the fixer does not write -> the legacy fixture it migrates
VARIANTS = {"variant_constant_thread": "buffer_predict_function"}
CALL_STYLES = {
    ".predict(input=": "predict",
    ".run(": "run",
    '.invoke({"input":': "invoke",
    ".apredict(input=": "apredict",
    ".arun(": "arun",
    '.ainvoke({"input":': "ainvoke",
}


def _source(path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def transcripts():
    """Every fixture program run once (a run takes a moment; several tests read the same one)."""
    cache = {}

    def get(name: str, side: str) -> harness.Transcript:
        if (name, side) not in cache:
            cache[(name, side)] = harness.run(harness.FIXTURES / f"{name}.{side}.py")
        return cache[(name, side)]

    return get


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_migration_shows_the_model_the_same_conversation(name, transcripts):
    _, summary = PAIRS[name]
    legacy, migrated = transcripts(name, "before"), transcripts(name, "after")
    assert harness.differences(legacy, migrated, summary=summary) == []
    if summary:
        assert legacy.summaries > 0 and migrated.summaries > 0


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_legacy_program_remembers_and_keeps_conversations_apart(name, transcripts):
    """The comparison is not vacuous: legacy history reaches the model, and only the speaker's own."""
    legacy = transcripts(name, "before")
    assert len(legacy.views) == len(harness.TURNS)
    own = {speaker: [] for speaker, _ in harness.TURNS}
    for (speaker, said), seen in zip(harness.TURNS, legacy.views):
        assert seen.current == said
        assert set(seen.coverage) <= set(own[speaker])
        own[speaker] += [("human", said), ("ai", harness.SCRIPT[said])]
    assert any(seen.coverage for seen in legacy.views)


@pytest.mark.parametrize("name", ["llm_template_run_class", "llm_template_ainvoke_function"])
def test_rendered_template_sends_the_same_text(name, transcripts):
    """A template of another shape is rendered by a middleware: the model gets the legacy prompt verbatim."""
    assert transcripts(name, "before").prompts == transcripts(name, "after").prompts


@pytest.mark.parametrize("name", sorted(name for name in PAIRS if name.startswith("callbacks_")))
def test_callbacks_still_fire_per_model_call(name, transcripts):
    """The chain's `callbacks=` are kept (in the thread config): the handler hears of every model call and its
    top-level runs end with the same replies, in the same order, as the legacy chain's did (one run per call)."""
    legacy, migrated = transcripts(name, "before"), transcripts(name, "after")
    replies = tuple(reply for _, reply in legacy.replies)
    assert len(replies) == len(harness.TURNS) == len(legacy.views)
    assert legacy.callback_replies == replies
    assert migrated.callback_replies == replies
    if sys.version_info < (3, 11) and "_a" in name.removeprefix("callbacks_"):
        # LangChain cannot hand the config to child runs of async code before Python 3.11 (no context
        # argument to asyncio.create_task): the handler hears of the agent's runs, not of its model calls.
        assert migrated.callback_model_calls == 0
        return
    assert migrated.callback_model_calls == len(migrated.views) == len(harness.TURNS)


def test_a_migration_that_drops_the_callbacks_is_caught(transcripts, tmp_path):
    """The comparison is not vacuous: without the callbacks in the config the handler hears nothing."""
    after = _source(harness.FIXTURES / "callbacks_predict_function.after.py")
    dropped = after.replace(', "callbacks": [handler]}', "}")
    assert dropped != after
    (tmp_path / "dropped.py").write_text(dropped, "utf-8")
    run = harness.run(tmp_path / "dropped.py")
    assert run.callback_replies == () and run.callback_model_calls == 0
    assert harness.differences(transcripts("callbacks_predict_function", "before"), run) == []  # only callbacks differ


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_comparison_catches_a_broken_migration(broken, transcripts):
    reference = BROKEN[broken]
    assert harness.differences(transcripts(reference, "before"), transcripts(broken, "after"))


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_constant_thread_id_with_its_own_checkpointer_is_still_equivalent(variant, transcripts):
    reference = VARIANTS[variant]
    assert harness.differences(transcripts(reference, "before"), transcripts(variant, "after")) == []


def test_no_checkpointer_forgets_everything(transcripts):
    migrated = transcripts("broken_no_checkpointer", "after")
    assert [seen.history for seen in migrated.views] == [()] * len(harness.TURNS)


def test_shared_thread_merges_the_conversations(transcripts):
    migrated = transcripts("broken_shared_thread", "after")
    first_of_b = migrated.views[1]
    assert first_of_b.current == harness.TURNS[1][1]
    assert first_of_b.history == (("human", harness.TURNS[0][1]), ("ai", harness.SCRIPT[harness.TURNS[0][1]]))


def test_window_off_by_one_shows_one_exchange_too_few(transcripts):
    legacy, migrated = transcripts("window_predict_class", "before"), transcripts("broken_window_off_by_one", "after")
    assert [len(seen.history) for seen in legacy.views] == [0, 0, 2, 2, 4, 4, 4, 4]
    assert [len(seen.history) for seen in migrated.views] == [0, 0, 2, 2, 2, 2, 2, 2]


def test_async_summary_memory_forgets_in_legacy(transcripts):
    """langchain_classic's ConversationSummaryMemory overrides only save_context: the async chain path saves the
    messages but never summarises, and the prompt shows the (empty) summary. The migration does summarise, so it
    changes behaviour here; the fixer's message has to say so."""
    legacy, migrated = transcripts("summary_arun_class", "before"), transcripts("summary_arun_class", "after")
    assert legacy.summaries == 0
    assert all(seen.coverage == () for seen in legacy.views)
    assert harness.differences(legacy, migrated, summary=True)


@pytest.mark.parametrize("name", sorted(KNOWN_LEGACY_DIFFERENCE))
def test_async_summary_migration_matches_the_legacy_sync_path(name, transcripts):
    """What the legacy chain does when it works (its sync path): a summary plus the current input."""
    _, twin = KNOWN_LEGACY_DIFFERENCE[name]
    legacy, migrated, sync = transcripts(name, "before"), transcripts(name, "after"), transcripts(twin, "before")
    assert legacy.summaries == 0 and migrated.summaries > 0 and sync.summaries > 0
    assert [seen.as_summary_view() for seen in migrated.views] == [seen.as_summary_view() for seen in sync.views]
    assert migrated.replies == sync.replies


def test_every_fixture_is_used():
    files = {path.name for path in harness.FIXTURES.glob("*.py")}
    used = {f"{name}.{side}.py" for name in [*PAIRS, *KNOWN_LEGACY_DIFFERENCE] for side in ("before", "after")}
    used |= {f"{name}.after.py" for name in [*BROKEN, *VARIANTS]}
    assert files == used


def test_every_pattern_in_a_function_and_a_class_and_every_call_style():
    """The cross product of issue 12: every pattern (3 and 4 in both sub-forms) x {function, class} x the six call
    styles has a fixture pair the equivalence tests run."""
    styles: dict[tuple[str, str], set[str]] = {}
    compared = {name: pattern for name, (pattern, _) in PAIRS.items()}
    compared |= {name: pattern for name, (pattern, _) in KNOWN_LEGACY_DIFFERENCE.items()}
    for name, pattern in compared.items():
        text = _source(harness.FIXTURES / f"{name}.before.py")
        form = "class" if "self.chain = " in text else "function"
        assert form in name, name
        styles.setdefault((pattern, form), set()).update(
            style for marker, style in CALL_STYLES.items() if marker in text
        )
    patterns = ["1", "2", "3 prefix", "3 template", "4 summary", "4 summary buffer"]
    assert sorted(styles) == sorted((pattern, form) for pattern in patterns for form in ("class", "function"))
    assert {key: found for key, found in styles.items() if found != set(CALL_STYLES.values())} == {}


def test_rotating_fixtures_drive_every_call_style_in_each_conversation():
    """Two conversations of four turns each: the third style of a rotation is reached in both."""
    speakers = [speaker for speaker, _ in harness.TURNS]
    assert all(speakers.count(speaker) >= 3 for speaker in set(speakers))
    for name in PAIRS:
        if "_sync_" in name or "_async_" in name:
            text = _source(harness.FIXTURES / f"{name}.before.py")
            assert "% 3" in text and text.count("if style == ") == 2, name


@pytest.mark.parametrize("name", sorted(PAIRS) + sorted(KNOWN_LEGACY_DIFFERENCE))
def test_fixture_shapes(name):
    """Before: legacy imports from langchain_classic. After: no legacy import, a checkpointer per agent and a
    fresh thread per chain object, next to the chain, and the reply read from the last message."""
    before = _source(harness.FIXTURES / f"{name}.before.py")
    after = _source(harness.FIXTURES / f"{name}.after.py")
    assert "from langchain_classic" in before and "langchain_classic" not in after
    assert re.search(r"\bchain = (ConversationChain|LLMChain)\(", before)
    assert after.count("checkpointer=InMemorySaver()") == 1
    thread = (
        r'\n( +)(self\.)?chain_config = \{"configurable": \{"thread_id": str\(uuid\.uuid4\(\)\)\}(\}|, "callbacks": )'
    )
    config = re.search(thread, after)
    assert config and re.search(rf"\n{config.group(1)}{re.escape(config.group(2) or '')}chain = create_agent\(", after)
    assert '["messages"][-1].text' in re.sub(r"\s", "", after)


def test_replies_follow_the_latest_utterance_not_the_call_order():
    model = RecordingChatModel(script={"first": "one", "second": "two"})
    assert model.invoke("second").text == "two"
    assert model.invoke([HumanMessage("first"), AIMessage("one"), HumanMessage("second")]).text == "two"
    assert model.invoke("Preamble.\n\nHuman: second\nAI: two\nHuman: first\nAI:").text == "one"
    with pytest.raises(UnscriptedUtterance):
        model.invoke("third")
    assert [call.reply for call in model.calls] == ["two", "two", "one"]


def test_a_string_prompt_and_a_message_list_compare_the_same_way():
    prompt = "Be kind.\n\nCurrent conversation:\nHuman: hi\nAI: hello\nHuman: bye\nAI:"
    string = Call((HumanMessage(prompt),), "x", False)
    system = SystemMessage("Be kind.\n\nCurrent conversation:")
    messages = Call((system, HumanMessage("hi"), AIMessage("hello"), HumanMessage("bye")), "x", False)
    assert view(string) == view(messages)
    assert view(string).history == (("human", "hi"), ("ai", "hello"))
    swapped = Call((SystemMessage("Be kind."), AIMessage("hello"), HumanMessage("hi"), HumanMessage("bye")), "x", False)
    assert view(swapped).history != view(messages).history


def test_summaries_expand_to_the_utterances_they_stand_for():
    summary = summary_text([("human", "hi"), ("ai", "hello")])
    legacy = Call((HumanMessage(f"Preamble.\n{summary}\nHuman: bye\nAI:"),), "x", False)
    middleware = Call(
        (
            SystemMessage("Preamble."),
            HumanMessage(f"Here is a summary of the conversation to date:\n\n{summary}"),
            HumanMessage("bye"),
        ),
        "x",
        False,
    )
    assert view(legacy).as_summary_view() == view(middleware).as_summary_view()
    assert view(legacy).coverage == (("human", "hi"), ("ai", "hello"))
