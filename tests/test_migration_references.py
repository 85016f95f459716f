"""A rewrite never leaves a reference whose import it moved (issue 15, for the LCM400 fix and the migration).

Each module below is fixed with ``--fix --unsafe-fixes`` semantics (fixes applied in passes until nothing changes,
as the CLI does) for LangChain 1.x, then RUN on the installed LangChain 1.x (``langchain_classic``): importing it and
calling its functions must work, which a reference left to a moved or removed import would not. The cases: ``import
langchain`` and ``import langchain.memory...`` side by side, imports written after the code that reads them, a
qualified ``langchain.chains.ConversationChain`` whose module import the migration leaves unread.
"""

from __future__ import annotations

import runpy
import warnings
from pathlib import Path

import pytest

from lint_memory import fix as fixes
from lint_memory import runner
from lint_memory.project.settings import Settings

pytestmark = pytest.mark.langchain
pytest.importorskip("langchain_classic")
pytest.importorskip("langgraph")
pytest.importorskip("langchain.agents")

from migration.recording import RecordingChatModel  # noqa: E402

SETTINGS = Settings()

MOVED = {
    # `import langchain` binds the root; the moved import's references are rewritten, the root's are not
    "root and submodule": (
        "import langchain\n"
        "import langchain.memory\n\n"
        "def make():\n"
        "    return langchain.memory.ConversationBufferMemory(), langchain.__name__\n"
    ),
    "submodule before root": (
        "import langchain.memory\nimport langchain\n\ndef make():\n    return langchain.memory.ConversationBufferMemory()\n"
    ),
    # the import comes after the function that reads it
    "import after use": (
        "def make():\n    return langchain.memory.ConversationBufferMemory()\n\n\nimport langchain.memory\n"
    ),
    "root first, submodule after use": (
        "import langchain\n\n"
        "def make():\n"
        "    return langchain.memory.ConversationBufferMemory(), langchain.__name__\n\n"
        "import langchain.memory\n"
    ),
    # a module-level use between the moved import and a later `import langchain`
    "use between": (
        "import langchain.memory\n\n"
        "FIRST = langchain.memory.ConversationBufferMemory\n\n"
        "import langchain\n\n"
        "def make():\n"
        "    return FIRST(), langchain.memory.ConversationBufferWindowMemory(k=1)\n"
    ),
    # two moved imports under one root, to different packages
    "two moved imports": (
        "import langchain\n"
        "import langchain.memory.chat_message_histories\n"
        "import langchain.memory\n\n"
        "def make():\n"
        "    return langchain.memory.chat_message_histories.RedisChatMessageHistory, "
        "langchain.memory.ConversationBufferMemory()\n"
    ),
}

CHAIN = (
    "def build(model):\n"
    "    chain = {chain}(llm=model, memory={memory}(k=1))\n\n"
    "    def say(text: str) -> str:\n"
    "        return chain.predict(input=text)\n\n"
    "    return say\n"
)
MIGRATED = {
    # the chain and its memory written through `import langchain.chains` / `import langchain.memory`, beside
    # `import langchain`; another function still reads langchain.memory
    "qualified chain": (
        "import langchain\nimport langchain.chains\nimport langchain.memory\n\n\n"
        + CHAIN.format(
            chain="langchain.chains.ConversationChain", memory="langchain.memory.ConversationBufferWindowMemory"
        )
        + "\n\ndef make():\n    return langchain.memory.ConversationBufferMemory(), langchain.__name__\n"
    ),
    # the legacy imports come after the code that reads them
    "imports after use": (
        CHAIN.format(chain="ConversationChain", memory="ConversationBufferWindowMemory")
        + "\n\nfrom langchain.chains import ConversationChain  # noqa: E402\n"
        "from langchain.memory import ConversationBufferWindowMemory  # noqa: E402\n"
    ),
    # a from-import and a module import of the same legacy package
    "from and module imports": (
        "from langchain.chains import ConversationChain\n"
        "from langchain.memory import ConversationBufferWindowMemory\n"
        "import langchain.memory\n\n\n"
        + CHAIN.format(chain="ConversationChain", memory="ConversationBufferWindowMemory")
        + "\n\ndef make():\n    return langchain.memory.ConversationBufferMemory()\n"
    ),
    # a template of another shape bound to a `self.` attribute over several lines: the middleware that renders it
    # binds it to a local of its own (a module-level function has no `self`)
    "self prompt over several lines": (
        "from langchain.chains import LLMChain\n"
        "from langchain.memory import ConversationBufferMemory\n"
        "from langchain.prompts import PromptTemplate\n\n\n"
        "class Shop:\n"
        "    def __init__(self, model) -> None:\n"
        "        self.prompt = PromptTemplate(\n"
        '            input_variables=["history", "input"],\n'
        '            template="{history}\\nHuman: {input}\\n(be brief)\\nAI:",\n'
        "        )\n"
        "        self.chain = LLMChain(llm=model, prompt=self.prompt, memory=ConversationBufferMemory())\n\n"
        "    def ask(self, text: str) -> str:\n"
        "        return self.chain.run(text)\n\n\n"
        "def build(model):\n"
        "    return Shop(model).ask\n"
    ),
    # the chain's module import is read only by the chain: it goes with it (langchain.chains is gone in 1.x)
    "module import read only by the chain": (
        "import langchain.chains as chains\n"
        "from langchain.memory import ConversationBufferWindowMemory\n\n\n"
        + CHAIN.format(chain="chains.ConversationChain", memory="ConversationBufferWindowMemory")
    ),
}


def fixed(text: str) -> str:
    for _ in range(4):
        report = runner.check_text(text, "module.py", SETTINGS)
        fixes.plan_fixes(report, "1")
        new = fixes.fix_text(text, report.findings, unsafe=True).text
        if new == text:
            return text
        text = new
    raise AssertionError("the fixes do not converge")


def run(text: str, tmp_path: Path) -> dict:
    path = tmp_path / "module.py"
    path.write_text(text, "utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return runpy.run_path(str(path))


@pytest.mark.parametrize("name", sorted(MOVED))
def test_moved_imports_leave_no_reference_behind(name: str, tmp_path: Path):
    after = fixed(MOVED[name])
    namespace = run(after, tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        namespace["make"]()
    assert "langchain.memory" not in after, after


def test_an_import_that_alone_binds_a_root_read_otherwise_stays():
    """Moving ``import langchain.memory`` would unbind ``langchain``, which ``langchain.__name__`` reads."""
    before = "import langchain.memory\n\n\ndef make():\n    return langchain.__name__\n"
    assert fixed(before) == before


@pytest.mark.parametrize("name", sorted(MIGRATED))
def test_migrations_leave_no_reference_behind(name: str, tmp_path: Path):
    after = fixed(MIGRATED[name])
    assert "create_agent(" in after and "ConversationChain" not in after and "LLMChain" not in after, after
    assert "langchain.chains" not in after and "langchain.memory" not in after, after
    assert after.endswith("\n") and not after.endswith("\n\n")
    namespace = run(after, tmp_path)
    model = RecordingChatModel(script={"hi": "hello"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert namespace["build"](model)("hi") == "hello"
        if "make" in namespace:
            namespace["make"]()
