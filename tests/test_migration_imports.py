"""The structural migration's imports (issue 12): added where isort puts them, checked by ruff's own ``I001``.

Each module below is isort-clean (``ruff check --select I``) before the migration; after ``--fix --unsafe-fixes``
(the migration, then the moved imports it leaves, in passes until nothing changes, as the CLI does) it must still
be. Every migrated fixture of ``tests/fixtures/migrate`` is checked the same way.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lint_memory import fix as fixes
from lint_memory import runner
from lint_memory.project.settings import Settings

RUFF = Path(sys.executable).with_name("ruff")
MIGRATE = Path(__file__).resolve().parent / "fixtures" / "migrate"
SETTINGS = Settings()

BODY = """

def build(model):
    chain = ConversationChain(llm=model, memory=ConversationBufferWindowMemory(k=2))

    def say(text: str) -> str:
        return chain.predict(input=text)

    return say
"""
# every section: future, stdlib (a straight and a from import), third-party, first-party
SECTIONS = (
    '"""Every isort section."""\n\n'
    "from __future__ import annotations\n\n"
    "import os\n"
    "from typing import Any\n\n"
    "from langchain_classic.chains import ConversationChain\n"
    "from langchain_classic.memory import ConversationBufferWindowMemory\n"
    "from langchain_core.messages import HumanMessage\n"
    "from pydantic import BaseModel\n\n"
    "from myapp.settings import MODEL_NAME\n\n"
    "EXPORTS: list[Any] = [os, HumanMessage, BaseModel, MODEL_NAME]\n" + BODY
)
SECTIONS_AFTER = (
    '"""Every isort section."""\n\n'
    "from __future__ import annotations\n\n"
    "import os\n"
    "import uuid\n"
    "from typing import Any\n\n"
    "from langchain.agents import create_agent\n"
    "from langchain.agents.middleware import wrap_model_call\n"
    "from langchain_core.messages import HumanMessage, trim_messages\n"
    "from langgraph.checkpoint.memory import InMemorySaver\n"
    "from pydantic import BaseModel\n\n"
    "from myapp.settings import MODEL_NAME\n\n"
    "EXPORTS: list[Any] = [os, HumanMessage, BaseModel, MODEL_NAME]\n"
)
CASES = {
    "every section": SECTIONS,
    # no standard-library group yet: `import uuid` opens one after __future__
    "no stdlib group": (
        "from __future__ import annotations\n\n"
        "from langchain_classic.chains import ConversationChain\n"
        "from langchain_classic.memory import ConversationBufferWindowMemory\n" + BODY
    ),
    # `import uuid` is there already; the legacy imports sit among other third-party ones (one line keeps a name)
    "uuid already imported": (
        "import uuid\n\n"
        "from langchain_classic.chains import ConversationChain, LLMChain\n"
        "from langchain_classic.memory import ConversationBufferWindowMemory\n"
        "from langgraph.graph import StateGraph\n\n"
        "IDS = [uuid.uuid4(), LLMChain, StateGraph]\n" + BODY
    ),
    # no docstring, no __future__, removed paths (`langchain.chains`) that the same run moves
    "removed paths": (
        "import itertools\n\n"
        "from langchain.chains import ConversationChain\n"
        "from langchain.memory import ConversationBufferWindowMemory\n\n"
        "COUNTER = itertools.count()\n" + BODY
    ),
}


def migrate(text: str) -> str:
    for _ in range(4):
        report = runner.check_text(text, "module.py", SETTINGS)
        fixes.plan_fixes(report, "1")
        new = fixes.fix_text(text, report.findings, unsafe=True).text
        if new == text:
            return text
        text = new
    raise AssertionError("the fixes do not converge")


def isort_problems(text: str, root: Path) -> str:
    """ruff's isort findings on ``text`` (``myapp`` is the first-party package)."""
    first_party = "lint.isort.known-first-party = ['myapp']"
    done = subprocess.run(
        [str(RUFF), "check", "--isolated", "--select", "I", "--line-length", "120", "--config", first_party]
        + ["--stdin-filename", "module.py", "-"],
        input=text,
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return "" if done.returncode == 0 else done.stdout + done.stderr


@pytest.mark.parametrize("name", sorted(CASES))
def test_migrated_imports_stay_isort_clean(name: str, tmp_path: Path):
    before = CASES[name]
    assert isort_problems(before, tmp_path) == ""
    after = migrate(before)
    assert "create_agent(" in after and "ConversationChain" not in after
    assert isort_problems(after, tmp_path) == "", after
    assert after.count("import uuid\n") == 1


def test_each_import_goes_to_its_section():
    after = migrate(SECTIONS)
    assert after.startswith(SECTIONS_AFTER), after


def test_a_block_with_comments_is_left_as_written_and_the_imports_added_as_one_block():
    before = (
        "from __future__ import annotations\n\n"
        "# the chain\n"
        "from langchain_classic.chains import ConversationChain\n"
        "# its memory\n"
        "from langchain_classic.memory import ConversationBufferWindowMemory\n" + BODY
    )
    after = migrate(before)
    assert after.startswith(
        "from __future__ import annotations\n\n"
        "# the chain\n"
        "import uuid\n\n"
        "from langchain.agents import create_agent\n"
        "from langchain.agents.middleware import wrap_model_call\n"
        "from langchain_core.messages import trim_messages\n"
        "from langgraph.checkpoint.memory import InMemorySaver\n"
        "# its memory\n"
    ), after


@pytest.mark.parametrize("name", sorted(p.name[: -len(".before.py")] for p in MIGRATE.glob("*.before.py")))
def test_every_migrated_fixture_is_isort_clean(name: str, tmp_path: Path):
    before = (MIGRATE / f"{name}.before.py").read_text("utf-8")
    assert isort_problems(before, tmp_path) == ""
    assert isort_problems(migrate(before), tmp_path) == ""
