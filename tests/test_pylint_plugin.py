"""The pylint checker, unit by unit (``pylint.testutils``): the message table, each rule through the
engine, and each inference case on small projects written to a temporary directory."""

from __future__ import annotations

import sys
import textwrap
import uuid

import astroid
import pytest
from astroid.manager import AstroidManager
from pylint.interfaces import HIGH, INFERENCE
from pylint.lint import PyLinter
from pylint.testutils import CheckerTestCase, MessageTest

from lint_memory import engine
from lint_memory.frontends import pylint_checker as pylint_plugin
from lint_memory.frontends.astroid_resolver import LANGCHAIN_ROOTS
from lint_memory.frontends.pylint_checker import MemoryChecker
from lint_memory.rules import BY_CODE, LINT_RULES, RULES

CODE_OF = {rule.pylint_symbol: rule.code for rule in LINT_RULES}

# One snippet per rule, with every (code, line) the engine must report on it, in report order.
RULE_CASES: dict[str, tuple[str, list[tuple[str, int]]]] = {
    "LCM100": (
        "from langchain.memory import ConversationBufferWindowMemory\n\nmemory = ConversationBufferWindowMemory(k=3)\n",
        [("LCM100", 1), ("LCM400", 1), ("LCM100", 3)],
    ),
    "LCM101": (
        "from langchain_classic.memory import ConversationSummaryMemory\n\n"
        + "memory = ConversationSummaryMemory(llm=None)\n",
        [("LCM101", 1), ("LCM101", 3)],
    ),
    "LCM102": (
        "from langchain_community.memory.kg import ConversationKGMemory\n\nkg = ConversationKGMemory(llm=None)\n",
        [("LCM102", 1), ("LCM102", 3)],
    ),
    "LCM103": (
        "from langchain.memory import VectorStoreRetrieverMemory\n\nrecall = VectorStoreRetrieverMemory(retriever=r)\n",
        [("LCM103", 1), ("LCM400", 1), ("LCM103", 3)],
    ),
    "LCM104": (
        "from langchain_classic.memory import SimpleMemory\n\nsimple = SimpleMemory(memories={})\n",
        [("LCM104", 1), ("LCM104", 3)],
    ),
    "LCM105": (
        "from langchain_community.memory.zep_memory import ZepMemory\n\nzep = ZepMemory(session_id='s')\n",
        [("LCM105", 1), ("LCM105", 3)],
    ),
    "LCM200": (
        "from langchain_core.memory import BaseMemory\n\n\nclass Facts(BaseMemory):\n    pass\n",
        [("LCM200", 1), ("LCM400", 1), ("LCM200", 4)],
    ),
    "LCM300": (
        "from langchain.agents import AgentExecutor\n\nexecutor = AgentExecutor(agent=a, tools=[], memory=m)\n",
        [("LCM300", 3)],
    ),
    "LCM301": (
        "from langchain_classic.chains import ConversationChain\n\nchain = ConversationChain(llm=llm)\n",
        [("LCM301", 1), ("LCM301", 3)],
    ),
    "LCM302": (
        "from langchain_classic.memory import ConversationBufferMemory\n\nmemory = ConversationBufferMemory()\n"
        + "memory.save_context({}, {})\n",
        [("LCM100", 1), ("LCM100", 3), ("LCM302", 4)],
    ),
    "LCM400": (
        "from langchain.memory import FileChatMessageHistory\n",
        [("LCM400", 1)],
    ),
    "LCM500": (
        "from langchain_core.runnables.history import RunnableWithMessageHistory\n\n"
        + "chain = RunnableWithMessageHistory(runnable, get_history)\n",
        [("LCM500", 1), ("LCM500", 3)],
    ),
    "LCM501": (
        "from langchain_core.chat_history import InMemoryChatMessageHistory\n\n"
        + "history = InMemoryChatMessageHistory()\n",
        [("LCM501", 1), ("LCM501", 3)],
    ),
}


def _codes(messages) -> list[tuple[str, int]]:
    return [(CODE_OF[message.msg_id], message.line) for message in messages]


class TestMessageTable:
    def test_one_message_per_rule_with_the_rule_tables_id_and_symbol(self):
        table = {msgid: definition[1] for msgid, definition in MemoryChecker.msgs.items()}
        assert table == {rule.pylint_msgid: rule.pylint_symbol for rule in RULES if rule.pylint_msgid}
        assert sorted(pylint_plugin.SYMBOLS) == sorted(rule.code for rule in RULES if rule.pylint_msgid)
        # every lint rule, and the diagnostics pylint can meet in a file it parsed: LCM902 and LCM904 (errors)
        assert {rule.code for rule in RULES if rule.pylint_msgid} == {rule.code for rule in LINT_RULES} | {
            "LCM902",
            "LCM904",
        }
        assert {rule.pylint_msgid for rule in RULES if rule.code in ("LCM902", "LCM904")} == {"E5292", "E5294"}

    def test_only_the_opt_in_rules_are_disabled_by_default(self):
        disabled = {
            definition[1] for definition in MemoryChecker.msgs.values() if definition[3].get("default_enabled") is False
        }
        assert disabled == {"langchain-history-runnable", "langchain-chat-message-history"}

    def test_every_rule_has_a_unit_case(self):
        assert sorted(RULE_CASES) == sorted(rule.code for rule in LINT_RULES)


class TestEngineRules(CheckerTestCase):
    """Each rule through the engine: exactly the engine's findings, with its messages and columns."""

    CHECKER_CLASS = MemoryChecker

    @pytest.mark.parametrize("code", sorted(RULE_CASES))
    def test_rule(self, code):
        source, expected = RULE_CASES[code]
        module = astroid.parse(source, module_name=f"rule_{code.lower()}")
        found = engine.check_source(source)
        messages = [
            MessageTest(
                pylint_plugin.SYMBOLS[f.code],
                line=f.line,
                args=f.message,
                confidence=HIGH,
                col_offset=f.col,
                end_line=f.end_line,
                end_col_offset=f.end_col,
            )
            for f in found
        ]
        assert [(f.code, f.line) for f in found] == expected
        with self.assertAddsMessages(*messages):
            self.walk(module)

    def test_messages_end_with_the_rules_documentation_url(self):
        source, _ = RULE_CASES["LCM100"]
        self.walk(astroid.parse(source, module_name="rule_urls"))
        messages = self.linter.release_messages()
        assert len(messages) == 3
        for message in messages:
            assert message.args.endswith("; see " + BY_CODE[CODE_OF[message.msg_id]].url), message.args

    def test_a_file_without_langchain_is_not_checked_by_the_engine(self):
        with self.assertNoMessages():
            self.walk(astroid.parse("memory = ConversationBufferMemory()\nmemory.save_context({}, {})\n"))

    def test_source_the_engine_cannot_parse_stays_silent(self):
        # The engine reads the module's bytes; when they do not parse (pylint reports syntax errors
        # itself), the checker reports nothing instead of crashing pylint.
        module = astroid.parse("from langchain.memory import ConversationBufferMemory\n")
        module.file_bytes = b"from langchain.memory import (\n"
        with self.assertNoMessages():
            self.walk(module)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Write a package of modules to disk and build them with astroid, as pylint would."""
    package = f"proj_{uuid.uuid4().hex[:8]}"
    root = tmp_path / package
    root.mkdir()
    (root / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    manager = AstroidManager()

    def write(**modules: str) -> dict[str, astroid.Module]:
        for name, text in modules.items():
            (root / f"{name}.py").write_text(textwrap.dedent(text).format(pkg=package), encoding="utf-8")
        return {
            name: manager.ast_from_file(str(root / f"{name}.py"), f"{package}.{name}", source=True) for name in modules
        }

    yield write
    for name in [n for n in manager.astroid_cache if n == package or n.startswith(package + ".")]:
        del manager.astroid_cache[name]
    manager._mod_file_cache.clear()
    sys.modules.pop(package, None)


class TestInference(CheckerTestCase):
    """Each inference case on a small project: only what needs another module, with confidence INFERENCE."""

    CHECKER_CLASS = MemoryChecker

    def found(self, module) -> list[tuple[str, int, object]]:
        self.walk(module)
        return [(CODE_OF[m.msg_id], m.line, m.confidence) for m in self.linter.release_messages()]

    def test_class_inheriting_through_an_intermediate_class_of_another_module(self, project):
        modules = project(
            base="""\
                from langchain.memory.chat_memory import BaseChatMemory
                from langchain_classic.memory import ConversationBufferMemory


                class AppMemory(BaseChatMemory):
                    pass


                class Buffered(ConversationBufferMemory):
                    pass
            """,
            custom="""\
                from {pkg} import base
                from {pkg}.base import AppMemory


                class Team(AppMemory):
                    pass


                class Audited(
                    Team,
                ):
                    pass


                class Longer(base.Buffered):
                    pass


                class Plain(object):
                    pass
            """,
        )
        assert self.found(modules["custom"]) == [
            ("LCM200", 5, INFERENCE),
            ("LCM200", 9, INFERENCE),
            ("LCM100", 15, INFERENCE),
        ]

    def test_inheritance_message_names_the_ancestor_and_the_intermediate_class(self, project):
        modules = project(
            base="from langchain.memory.chat_memory import BaseChatMemory\n\n\n"
            + "class AppMemory(BaseChatMemory):\n    pass\n",
            custom="from {pkg}.base import AppMemory\n\n\nclass Team(AppMemory):\n    pass\n",
        )
        self.walk(modules["custom"])
        [message] = self.linter.release_messages()
        package = modules["custom"].name.split(".")[0]
        assert message.args.startswith(
            f"`Team` inherits from `BaseChatMemory` through `{package}.base.AppMemory`: `BaseChatMemory` is deprecated"
        )
        assert (message.line, message.col_offset, message.end_line) == (4, 0, 4)

    def test_memory_object_from_a_helper_function_of_another_module(self, project):
        modules = project(
            factory="""\
                from langchain.memory import ConversationBufferMemory


                def make_memory():
                    return ConversationBufferMemory()


                def make_typed() -> "ConversationBufferMemory":
                    return build_somehow()
            """,
            chat="""\
                from {pkg}.factory import make_memory


                def answer(tool):
                    memory = make_memory()
                    memory.save_context({{}}, {{}})
                    tool.run(memory=memory)
                    return tool.run(chain_type_kwargs={{"memory": make_memory()}})
            """,
        )
        assert self.found(modules["chat"]) == [
            ("LCM302", 6, INFERENCE),
            ("LCM300", 7, INFERENCE),
            ("LCM300", 8, INFERENCE),
        ]

    def test_attribute_set_in_init_and_used_in_another_method(self, project):
        modules = project(
            factory="""\
                from langchain_classic.memory import ConversationSummaryMemory


                def make_memory(llm):
                    return ConversationSummaryMemory(llm=llm)
            """,
            bots="""\
                from {pkg}.factory import make_memory


                class Bot:
                    def __init__(self, llm):
                        self.memory = make_memory(llm)
                        self.name = "bot"

                    def forget(self):
                        self.memory.clear()
                        self.name.clear()
            """,
            support="""\
                from {pkg}.bots import Bot


                class Support(Bot):
                    def recall(self):
                        return self.memory.load_memory_variables({{}})
            """,
        )
        assert self.found(modules["bots"]) == [("LCM302", 10, INFERENCE)]
        assert self.found(modules["support"]) == [("LCM302", 6, INFERENCE)]

    def test_module_level_object_imported_from_another_module(self, project):
        modules = project(
            state="from langchain.memory import ConversationBufferMemory\n\nSHARED = ConversationBufferMemory()\n",
            app="""\
                from {pkg} import state
                from {pkg}.state import SHARED


                def history(llm, ConversationChain):
                    return SHARED.buffer, state.SHARED.chat_memory, ConversationChain(llm=llm, memory=SHARED)
            """,
        )
        assert self.found(modules["app"]) == [
            ("LCM302", 6, INFERENCE),
            ("LCM300", 6, INFERENCE),
        ]

    def test_reexported_names_are_reported_at_the_import_and_at_every_use(self, project):
        modules = project(
            llm="""\
                from langchain.memory import ConversationBufferMemory
                from langchain_classic.chains import ConversationChain as Chain

                Buffer = ConversationBufferMemory
            """,
            app="""\
                from {pkg}.llm import (
                    Buffer,
                    Chain,
                )


                def build(llm):
                    memory = Buffer()
                    memory.save_context({{}}, {{}})
                    return Chain(llm=llm, memory=memory)
            """,
        )
        assert self.found(modules["app"]) == [
            ("LCM100", 2, INFERENCE),
            ("LCM301", 3, INFERENCE),
            ("LCM100", 8, INFERENCE),
            ("LCM302", 9, INFERENCE),
            ("LCM301", 10, INFERENCE),
            ("LCM300", 10, INFERENCE),
        ]

    def test_reexport_message_is_the_engines_reference_message(self, project):
        modules = project(
            llm="from langchain.memory import ConversationBufferMemory\n",
            app="from .llm import ConversationBufferMemory as Buf\n",
        )
        self.walk(modules["app"])
        [message] = self.linter.release_messages()
        direct = engine.check_source("from langchain.memory import ConversationBufferMemory as Buf\n")[0]
        assert (message.args, message.line, message.col_offset) == (direct.message, 1, 17)

    def test_an_engine_finding_is_not_repeated_by_inference(self, project):
        modules = project(
            factory="from langchain.memory import ConversationBufferMemory\n\n\ndef make():\n"
            "    return ConversationBufferMemory()\n",
            app="""\
                from langchain.chains import LLMChain

                from {pkg}.factory import make


                def build(llm):
                    return LLMChain(llm=llm, memory=make())
            """,
        )
        assert self.found(modules["app"]) == [("LCM300", 7, HIGH)]

    def test_what_one_file_explains_is_left_to_the_engine(self, project):
        modules = project(
            settings="DEBUG = False\n",
            local="""\
                from langchain.memory import ConversationBufferMemory
                from langchain.memory.chat_memory import BaseChatMemory

                from {pkg}.settings import DEBUG


                def make():
                    return ConversationBufferMemory()


                def use():
                    memory = make()
                    memory.clear()
                    return DEBUG


                class Base(BaseChatMemory):
                    pass


                class Child(Base):
                    pass
            """,
        )
        engine_only = [
            (c, line, HIGH)
            for c, line in [
                ("LCM100", 1),
                ("LCM400", 1),
                ("LCM200", 2),
                ("LCM400", 2),
                ("LCM100", 8),
                ("LCM302", 13),
                ("LCM200", 17),
            ]
        ]
        assert self.found(modules["local"]) == engine_only

    def test_scope_all_adds_chains_inside_one_file(self, project):
        modules = project(
            local="""\
                from langchain.memory import ConversationBufferMemory
                from langchain.memory.chat_memory import BaseChatMemory


                def make():
                    return ConversationBufferMemory()


                def use():
                    memory = make()
                    memory.clear()


                class Base(BaseChatMemory):
                    pass


                class Child(Base):
                    pass
            """,
        )
        self.linter.config.lint_memory_inference = "all"
        found = self.found(modules["local"])
        assert [item for item in found if item[2] == INFERENCE] == [("LCM200", 18, INFERENCE)]
        # the local helper's memory object is the engine's now: reported once, not again by inference
        assert [item for item in found if item[0] == "LCM302"] == [("LCM302", 11, HIGH)]

    def test_scope_off_leaves_only_the_engine(self, project):
        modules = project(
            factory="from langchain.memory import ConversationBufferMemory\n\nSHARED = ConversationBufferMemory()\n",
            app="from {pkg}.factory import SHARED\n\nSHARED.clear()\n",
        )
        self.linter.config.lint_memory_inference = "off"
        with self.assertNoMessages():
            self.walk(modules["app"])

    def test_lookalikes_in_the_project_stay_silent(self, project):
        modules = project(
            memory="""\
                class ConversationBufferMemory:
                    def save_context(self, inputs, outputs):
                        return None


                def make():
                    return {{}}
            """,
            app="""\
                from {pkg}.memory import ConversationBufferMemory, make


                class Mine(ConversationBufferMemory):
                    pass


                def use(tool):
                    own = ConversationBufferMemory()
                    own.save_context({{}}, {{}})
                    make().clear()
                    return tool.run(memory=make())
            """,
        )
        with self.assertNoMessages():
            self.walk(modules["app"])

    def test_cycles_and_recursion_end_without_findings_or_errors(self, project):
        modules = project(
            first="""\
                from {pkg}.second import Second, again


                class First(Second):
                    pass


                def loop():
                    return loop()


                def use():
                    again().clear()
                    loop().clear()
            """,
            second="""\
                from {pkg}.first import First


                class Second(First):
                    pass


                def again():
                    return again()
            """,
        )
        with self.assertNoMessages():
            self.walk(modules["first"])

    def test_a_helper_of_another_module_follows_the_engines_rule_for_returns(self, project):
        modules = project(
            factory="""\
                from langchain.memory import ConversationBufferMemory

                from {pkg}.settings import FALLBACK


                def maybe(enabled):
                    if not enabled:
                        return None
                    return ConversationBufferMemory()


                def countdown(depth):
                    return countdown(depth - 1) if depth else maybe(True)


                def mixed(kind):
                    if kind:
                        return FALLBACK
                    return ConversationBufferMemory()


                async def amake():
                    return ConversationBufferMemory()
            """,
            settings="FALLBACK = object()\n",
            app="""\
                from {pkg}.factory import amake, countdown, maybe, mixed


                async def use():
                    maybe(True).clear()
                    countdown(3).clear()
                    mixed(1).clear()
                    amake().clear()
                    (await amake()).clear()
            """,
        )
        assert self.found(modules["app"]) == [
            ("LCM302", 5, INFERENCE),
            ("LCM302", 6, INFERENCE),
            ("LCM302", 9, INFERENCE),
        ]

    def test_langchain_modules_are_never_loaded(self, project):
        modules = project(
            factory="from langchain_classic.memory import ConversationBufferMemory\n\n\ndef make():\n"
            "    return ConversationBufferMemory()\n",
            app="from {pkg}.factory import make\n\nmake().clear()\n",
        )
        loaded_before = {n for n in AstroidManager().astroid_cache if n.split(".")[0] in LANGCHAIN_ROOTS}
        assert self.found(modules["app"]) == [("LCM302", 3, INFERENCE)]
        loaded_after = {n for n in AstroidManager().astroid_cache if n.split(".")[0] in LANGCHAIN_ROOTS}
        assert loaded_after == loaded_before


def test_register_adds_the_checker_and_its_messages():
    linter = PyLinter()
    pylint_plugin.register(linter)
    assert [checker.name for checker in linter.get_checkers()].count("lint-memory") == 1
    for rule in LINT_RULES:
        [definition] = linter.msgs_store.get_message_definitions(rule.pylint_msgid)
        assert definition.symbol == rule.pylint_symbol
