"""A bounded fuzz run (the long one is ``python scripts/fuzz.py --minutes N``).

Programs from hypothesmith and the rule fixtures, with legacy LangChain memory code inserted in every
syntactic context (scripts/fuzz.py says how).  Properties: the engine never raises on valid Python; the
CLI, flake8 and pylint report the same (line, code) set on every program; ``--fix --unsafe-fixes`` leaves
code that compiles and a second run changes nothing.
"""

from __future__ import annotations

import ast
import importlib.util
import random
import sys
from pathlib import Path

import pytest

hypothesmith = pytest.importorskip("hypothesmith")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from lint_memory import engine  # noqa: E402

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fuzz.py"
_spec = importlib.util.spec_from_file_location("lint_memory_fuzz", SCRIPT)
fuzz = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = fuzz  # dataclasses look the module up by name
_spec.loader.exec_module(fuzz)

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
QUICK = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- the generator itself -------------------------------------------------------------------------
@pytest.mark.parametrize("context", sorted(fuzz.CONTEXTS))
@pytest.mark.parametrize("indent", ["", "    "])
def test_every_context_compiles_and_is_reported(context, indent):
    rng = random.Random(context)
    block = ["from langchain.memory import ConversationBufferMemory", "memory = ConversationBufferMemory()"]
    lines = fuzz.CONTEXTS[context](block, rng)
    body = "\n".join(indent + line if line else line for line in lines)
    source = f"def host():\n{body}\n" if indent else body + "\n"
    compile(source, "<context>", "exec", dont_inherit=True)
    codes = {finding.code for finding in engine.check_source(source)}
    assert "LCM100" in codes, (context, codes)


def test_insertion_points_keep_decorators_future_imports_and_one_line_blocks():
    source = (
        "from __future__ import annotations\n"  # 1: nothing may go before a future import
        "import os\n"  # 2
        "@dec\n"  # 3: before the decorator, not between it and the def
        "def f():\n"  # 4
        "    a = 1; b = 2\n"  # 5: `b` is not first on its line
        "    if a: pass\n"  # 6: `pass` is not either
    )
    assert fuzz.insertion_points(source) == [(1, ""), (2, ""), (4, "    "), (5, "    "), (6, "")]


@given(st.randoms(use_true_random=False), st.sampled_from(fuzz.FIXTURES))
@QUICK
def test_mutated_fixtures_compile_and_never_crash_the_engine(rng, path):
    program = fuzz.mutate(path.read_text(encoding="utf-8"), rng, insertions=3)
    assert program is not None
    compile(program, path.name, "exec", dont_inherit=True)
    findings = engine.check_source(program, path.name)
    assert any(finding.code == "LCM100" or finding.code == "LCM400" for finding in findings)


@given(st.randoms(use_true_random=False), hypothesmith.from_grammar())
@QUICK
def test_hypothesmith_programs_with_legacy_code_never_crash_the_engine(rng, source):
    for program in (source, fuzz.mutate(source, rng) or source):
        try:
            ast.parse(program)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # hypothesmith targets the grammar; CPython may still refuse a few
        engine.check_source(program)


# --- the three front ends and the fixer on one batch -------------------------------------------------
def test_front_ends_agree_and_fixes_are_stable_on_a_batch(tmp_path):
    rng = random.Random(20261130)
    programs = fuzz.make_batch(rng, size=12, seed=20261130, nodes=False)  # pylint's plugin: ~1 s a file
    assert len(programs) == 12
    failures, agreed = fuzz.check_batch(programs, workdir=tmp_path)
    assert not failures, "\n".join(str(failure) for failure in failures)
    assert agreed >= 60  # the legacy code inserted is found, by all three
