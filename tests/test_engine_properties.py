"""Property tests: any text, any bytes and generated programs never crash the engine, and the
pre-filter agrees with the engine on every generated program (a finding implies ``might_match``).

Generated programs mix LangChain names, lookalikes, scopes and control flow.
"""

from __future__ import annotations

import ast

import pytest

pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup
from lint_memory.engine import check_source, might_match, might_match_text
from lint_memory.source.noqa import Suppressions

pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning")  # generated code calls literals
PROMISED = (SyntaxError, ValueError, RecursionError, MemoryError)
# `well_formed` is a pure function handed out by a fixture: sharing it across examples is safe.
SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)

_MODULES = sorted({path.rpartition(".")[0] for path in lookup.BY_PATH} | set(catalog.MOVED_MODULES))
_MODULES += ["langchain", "langchain_classic", "langgraph.checkpoint.memory", "llama_index.core.memory", "typing"]
_NAMES = sorted({entry.name for entry in catalog.ENTRIES})[:12] + [
    "ConversationBufferMemory",
    "ConversationChain",
    "LLMChain",
    "AgentExecutor",
    "Optional",
    "TYPE_CHECKING",
    "memory",
    "chain",
    "llm",
    "m",
    "x",
    "self",
    "cls",
    "dict",
    "InMemorySaver",
    "ChatMemoryBuffer",
]
_ATTRS = sorted(catalog.MEMORY_API)[:10] + ["memory", "chains", "ConversationBufferMemory", "from_llm", "invoke"]

names = st.sampled_from(_NAMES)
modules = st.sampled_from(_MODULES)


def _expressions() -> st.SearchStrategy[str]:
    leaves = st.one_of(
        names,
        st.builds("{}.{}".format, names, st.sampled_from(_ATTRS)),
        st.sampled_from(["None", "1", "'memory'", '"ConversationBufferMemory"', "{}", "[]"]),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.builds("{}({})".format, inner, st.sampled_from(["", "llm", "memory=x", "k=3"])),
            st.builds("{}({}={})".format, inner, st.sampled_from(["memory", "chain_type_kwargs", "llm"]), inner),
            st.builds("{}(**{{'memory': {}}})".format, inner, inner),
            st.builds("{}.{}".format, inner, st.sampled_from(_ATTRS)),
            st.builds("{}[{}]".format, st.sampled_from(["Optional", "list", "Annotated", "Union"]), inner),
            st.builds("{} | {}".format, inner, inner),
            st.builds("(lambda {}: {})".format, names, inner),
            st.builds("[{} for {} in {}]".format, inner, names, inner),
            st.builds("isinstance({}, {})".format, inner, inner),
            st.builds("{{'memory': {}}}".format, inner),
        )

    return st.recursive(leaves, extend, max_leaves=4)


expressions = _expressions()
annotations = st.one_of(expressions, st.builds("'{}'".format, names), st.builds("'Optional[{}]'".format, names))


simple_statements = st.one_of(
    st.builds("from {} import {}".format, modules, names),
    st.builds("from {} import {} as {}".format, modules, names, names),
    st.builds("from {} import *".format, modules),
    st.builds("import {}".format, modules),
    st.builds("import {} as {}".format, modules, names),
    st.builds("{} = {}".format, names, expressions),
    st.builds("{}: {} = {}".format, names, annotations, expressions),
    st.builds("self.{} = {}".format, st.sampled_from(_ATTRS), expressions),
    expressions,
    st.just("pass"),
)


parameters = st.sampled_from(["", "self", "self, memory", "memory: Optional[ConversationBufferMemory] = None"])


@st.composite
def programs(draw, depth: int = 0) -> str:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["simple"] * 4 + (["def", "class", "if", "try", "for"] if depth < 2 else [])))
        if kind == "simple":
            lines.append(draw(simple_statements))
            continue
        body = draw(programs(depth + 1)).replace("\n", "\n    ")
        if kind == "def":
            lines.append(f"def {draw(names)}({draw(parameters)}):\n    {body}")
        elif kind == "class":
            lines.append(f"class {draw(names)}({draw(expressions)}):\n    {body}")
        elif kind == "if":
            other = draw(programs(depth + 1)).replace("\n", "\n    ")
            lines.append(f"if {draw(expressions)}:\n    {body}\nelse:\n    {other}")
        elif kind == "try":
            other = draw(programs(depth + 1)).replace("\n", "\n    ")
            lines.append(f"try:\n    {body}\nexcept ImportError:\n    {other}")
        else:
            lines.append(f"for {draw(names)} in {draw(expressions)}:\n    {body}")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(source=programs())
def test_generated_programs(source, well_formed):
    try:
        ast.parse(source)
    except SyntaxError:
        return  # e.g. `x: ... = ` on a starred target; the grammar is loose on purpose
    found = check_source(source)
    well_formed(source, found)
    if found:  # the pre-filter must never hide a finding
        assert might_match(source.encode("utf-8")), source
        assert might_match_text(source), source


@SETTINGS
@given(text=st.text())
def test_arbitrary_text(text, well_formed):
    try:
        found = check_source(text)
    except PROMISED:
        pass
    else:
        well_formed(text, found)
        if found:
            assert might_match_text(text)
    might_match_text(text)
    suppressions = Suppressions(text)
    for row in (1, 2, len(text.splitlines()) + 1):
        suppressions.is_suppressed("LCM100", row)


@SETTINGS
@given(st.binary())
def test_arbitrary_bytes(data):
    assert might_match(data) in (True, False)
