"""The walk's shortcuts answer what the long way answers.

``engine.check_tree`` is kept cheap by a few shortcuts (see ``checker``, ``semantic.model``,
``semantic.syntax`` and ``fix.migrate.status``); each is checked here against the plain computation
it replaces, on the repository's own sources and fixtures, and the walk leaves no reference cycle
behind (the module's tree is freed without the cyclic collector).
"""

from __future__ import annotations

import ast
import gc
import sys
import textwrap
from pathlib import Path

import pytest

from lint_memory import engine
from lint_memory.engine import check_tree
from lint_memory.fix.migrate.detect import Matcher
from lint_memory.fix.migrate.status import _walk_around
from lint_memory.semantic.bindings import Binding, BindingKind
from lint_memory.semantic.model import MAX_CHAIN, SemanticModel
from lint_memory.semantic.syntax import children, is_generator
from lint_memory.source.lines import split_lines

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    [*(ROOT / "lint_memory").rglob("*.py"), *(ROOT / "tests" / "fixtures" / "migrate").glob("*.before.py")],
    key=str,
)


def _parsed(path: Path) -> tuple[ast.Module, list[str]]:
    text = path.read_text(encoding="utf-8")
    return ast.parse(text), split_lines(text)


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def test_children_are_iter_child_nodes_without_contexts_and_operators() -> None:
    inert = (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)
    for path in SOURCES[:40]:
        tree, _ = _parsed(path)
        for node in ast.walk(tree):
            expected = [child for child in ast.iter_child_nodes(node) if not isinstance(child, inert)]
            assert children(node) == expected, (path, ast.dump(node)[:80])


def test_is_generator_from_the_lines_is_the_walk() -> None:
    source = textwrap.dedent(
        """\
        def plain():
            return "yield"  # the word alone: the body is walked, and does not yield
        def gen():
            yield 1
        def outer():
            def inner():
                yield 2
            return inner
        async def agen():
            yield
        def lam():
            return lambda: (yield)
        """
    )
    tree, lines = ast.parse(source), split_lines(source)
    found = {f.name: (is_generator(f, lines), is_generator(f)) for f in _functions(tree)}
    assert found == {
        "plain": (False, False),
        "gen": (True, True),
        "outer": (False, False),
        "inner": (True, True),
        "agen": (True, True),
        "lam": (False, False),
    }
    checked = 0
    for path in SOURCES:
        tree, lines = _parsed(path)
        for function in _functions(tree):
            assert is_generator(function, lines) == is_generator(function), (path, function.name)
            checked += 1
    assert checked > 500


def _chain(length: int) -> tuple[list[ast.Attribute], ast.Name]:
    node = ast.parse("root" + "".join(f".a{index}" for index in range(length)), mode="eval").body
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.append(node)
        node = node.value
    assert isinstance(node, ast.Name)
    return attributes, node


@pytest.mark.parametrize("length", [1, 2, 7, MAX_CHAIN - 1, MAX_CHAIN, MAX_CHAIN + 1, MAX_CHAIN + 5])
@pytest.mark.parametrize(
    "binding",
    [Binding(BindingKind.PATH, "langchain"), Binding(BindingKind.OTHER), Binding(BindingKind.PATH), None],
    ids=["path", "other", "pathless", "unbound"],
)
def test_chain_paths_are_the_qualified_path_of_each_link(length: int, binding: Binding | None) -> None:
    model = SemanticModel()
    if binding is not None:
        model.bind("root", binding)
    attributes, root = _chain(length)
    expected = [model.qualified_path(attribute) for attribute in attributes]
    assert model.chain_paths(attributes, model.lookup(root.id)) == expected
    if binding is not None and binding.path == "langchain":
        assert expected[-1] == "langchain.a0" and (expected[0] is None) == (length > MAX_CHAIN)


def _calls_by_walk(tree: ast.AST, rows: set[int]) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and any(node.lineno <= row <= (node.end_lineno or 0) for row in rows)
    ]


def test_the_walk_around_rows_meets_the_calls_of_the_whole_walk_in_its_order() -> None:
    checked = 0
    for path in SOURCES:
        tree, _ = _parsed(path)
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        for rows in ({call.lineno} for call in calls[::7]):
            found = [node for node in _walk_around(tree, rows) if isinstance(node, ast.Call)]
            assert [node for node in found if node in _calls_by_walk(tree, rows)] == _calls_by_walk(tree, rows)
            checked += 1
    assert checked > 200


def test_the_matcher_maps_parents_on_demand_as_the_whole_walk_does() -> None:
    for path in SOURCES[:60]:
        tree, _ = _parsed(path)
        parents: dict[int, ast.AST] = {}
        tops: dict[int, ast.stmt] = {}
        for top in tree.body:
            for node in ast.walk(top):
                tops[id(node)] = top
                for child in children(node):
                    parents[id(child)] = node
        matcher = Matcher(tree, SemanticModel)
        nodes = list(ast.walk(tree))
        for node in reversed(nodes):  # from the leaves: each asks for a statement not mapped yet
            assert matcher.parent(node) is parents.get(id(node)), (path, ast.dump(node)[:80])
            if not isinstance(node, (ast.expr_context, ast.operator, ast.boolop, ast.unaryop, ast.cmpop)):
                assert matcher.top(node) is tops.get(id(node))


def test_the_matcher_builds_the_model_only_when_a_match_needs_it() -> None:
    source = "from langchain.chains import LLMChain\nprint(LLMChain(llm=llm, memory=memory))\n"
    tree = ast.parse(source)
    built: list[SemanticModel] = []

    def model() -> SemanticModel:
        built.append(SemanticModel())
        return built[-1]

    matcher = Matcher(tree, model)
    call = tree.body[1].value.args[0]  # type: ignore[attr-defined]
    with pytest.raises(Exception, match="not assigned"):
        matcher.match(call, "LLMChain")
    assert built == []
    assert matcher.model is matcher.model and len(built) == 1


def test_the_rules_walk_leaves_no_reference_cycle() -> None:
    """A module with no legacy chain (a chain's status, ``fix.migrate.status``, builds a model of its own)."""
    source = textwrap.dedent(
        """\
        from langchain.memory import ConversationBufferMemory

        def helper():
            return ConversationBufferMemory()

        class Bot:
            memory = helper()

            def __init__(self):
                self.agent = make_agent(llm=llm, memory=self.memory)

            def ask(self, text):
                def inner():
                    return self.memory.load_memory_variables({})
                return self.helper2().save_context({}, {}) or inner()

            def helper2(self):
                return self.memory

        memory = helper()
        memory.load_memory_variables({})
        """
    )
    lines = split_lines(source)
    check_tree(ast.parse(source), lines)  # imports and caches first
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        found = check_tree(ast.parse(source), lines)
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()
    assert {finding.code for finding in found} >= {"LCM100", "LCM300", "LCM302"}


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="from 3.12 the parser refuses such depths itself (LCM904)")
def test_a_sum_of_100_000_terms_is_checked() -> None:
    """The walk spends one frame per level of a nested expression (children go straight to their method), so
    a nesting the large stack parses is checked: no RecursionError (LCM904) for it."""
    from lint_memory.engine import check_source

    source = "from langchain.memory import ConversationBufferMemory\nx = 1" + " + 1" * 100_000 + "\n"
    assert [(f.code, f.line) for f in check_source(source)] == [("LCM100", 1), ("LCM400", 1)]


HEADER = (
    "from langchain.chains import ConversationChain\n"
    "from langchain.memory import ConversationBufferMemory, ConversationSummaryMemory\n"
)
BLOCK = """

class Session{n}:
    def __init__(self) -> None:
        self.memory = ConversationBufferMemory(return_messages=True)
        self.chain = ConversationChain(llm=llm, memory=self.memory)

    def reply(self, text: str) -> str:
        return self.chain.predict(input=text)

    def remember(self, question: str, answer: str) -> None:
        self.memory.save_context({{"input": question}}, {{"output": answer}})


def summarising_{n}():
    memory = ConversationSummaryMemory(llm=llm)
    return ConversationChain(llm=llm, memory=memory)
"""


def _status_work(blocks: int, monkeypatch) -> tuple[int, int]:
    """Calls of the node helpers while the chains' status is worked out for ``blocks`` legacy blocks (two
    chain findings each), and how many findings got a reason."""
    from lint_memory.fix.migrate import detect, status

    calls = [0]

    def counted(function):
        def wrapper(*args):
            calls[0] += 1
            return function(*args)

        return wrapper

    for module in (detect, status):
        for name in ("children", "first_row", "spans"):  # whichever of the node helpers they use
            if hasattr(module, name):
                monkeypatch.setattr(module, name, counted(getattr(module, name)))
    source = HEADER + "".join(BLOCK.format(n=n) for n in range(blocks))
    findings = engine.check_source(source)
    monkeypatch.undo()
    return calls[0], sum(1 for finding in findings if "not migrated automatically" in finding.message)


def test_the_chain_status_grows_with_the_module_not_with_its_square(monkeypatch):
    """Many chain findings in one module (an editor's dense file): the status walks each node a bounded
    number of times, not once per finding (it had looked every finding's line up in every statement)."""
    small, small_reasons = _status_work(50, monkeypatch)
    large, large_reasons = _status_work(200, monkeypatch)
    assert (small_reasons, large_reasons) == (100, 400)  # every chain gets its reason
    assert large < 5 * small  # four times the code: about four times the work (it was sixteen)
