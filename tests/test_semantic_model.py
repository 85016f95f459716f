"""The semantic model on its own: bindings, shadowing, scopes, branch merging and references."""

from __future__ import annotations

import ast
import textwrap

from lint_memory.checker import Checker, semantic_model
from lint_memory.semantic.bindings import Binding, BindingKind, ScopeKind
from lint_memory.semantic.model import SemanticModel
from lint_memory.source.decode import split_lines


def model_of(source: str) -> SemanticModel:
    source = textwrap.dedent(source)
    checker = Checker(split_lines(source))
    checker.run(ast.parse(source))
    return checker.model


def only(bindings: list[Binding]) -> Binding:
    assert len(bindings) == 1, bindings
    return bindings[0]


def lines_of(binding: Binding) -> list[int]:
    return [reference.node.lineno for reference in binding.references]


def test_import_binding_and_its_references() -> None:
    model = model_of(
        """\
        import langchain.memory as lm
        lm.ConversationBufferMemory()
        def f():
            return lm.chat_message_histories.RedisChatMessageHistory
        """
    )
    binding = only(model.imports())
    assert binding.name == "lm" and binding.kind is BindingKind.PATH and binding.path == "langchain.memory"
    assert isinstance(binding.node, ast.alias) and binding.is_import
    assert binding.scope is not None and binding.scope.kind is ScopeKind.MODULE
    references = model.references(binding)
    assert lines_of(binding) == [2, 4]
    assert [r.dotted for r in references] == [
        "lm.ConversationBufferMemory",
        "lm.chat_message_histories.RedisChatMessageHistory",
    ]
    assert [r.scope.kind for r in references] == [ScopeKind.MODULE, ScopeKind.FUNCTION]
    assert not any(r.in_string for r in references)


def test_unaliased_import_binds_the_root_and_a_second_import_shadows_the_first() -> None:
    model = model_of(
        """\
        import langchain.memory
        import langchain.chains
        langchain.memory.ConversationBufferMemory
        """
    )
    first, second = model.imports()
    assert (first.name, first.path, second.name, second.path) == ("langchain", "langchain", "langchain", "langchain")
    assert second.shadowed is first and first.shadowed is None
    assert lines_of(first) == [] and lines_of(second) == [3]
    assert only(second.references).dotted == "langchain.memory.ConversationBufferMemory"


def test_assignment_shadows_an_import() -> None:
    model = model_of(
        """\
        from langchain.memory import ConversationBufferMemory
        ConversationBufferMemory = None
        ConversationBufferMemory
        """
    )
    imported, assigned = model.bindings_of("ConversationBufferMemory")
    assert imported.is_import and assigned.kind is BindingKind.OTHER and assigned.shadowed is imported
    assert lines_of(imported) == [] and lines_of(assigned) == [3]


def test_function_bodies_see_the_final_module_bindings() -> None:
    model = model_of(
        """\
        def make():
            return ConversationBufferMemory()
        from langchain.memory import ConversationBufferMemory
        """
    )
    assert lines_of(only(model.imports())) == [2]


def test_parameters_shadow_module_names_and_class_bodies_are_invisible_from_methods() -> None:
    model = model_of(
        """\
        from langchain.memory import SimpleMemory as x
        class C:
            x = 1
            y = x
            def f(self):
                return x
            def g(self, x):
                return x
        """
    )
    imported, class_attr, parameter = model.bindings_of("x")
    assert imported.is_import and class_attr.scope.kind is ScopeKind.CLASS
    assert parameter.kind is BindingKind.OTHER and isinstance(parameter.node, ast.arg)
    assert lines_of(imported) == [6]  # the method skips the class body
    assert lines_of(class_attr) == [4]
    assert lines_of(parameter) == [8]


def test_comprehension_and_lambda_scopes() -> None:
    model = model_of(
        """\
        from langchain.memory import SimpleMemory as m
        [m for m in range(3)]
        (lambda m: m)(1)
        m
        """
    )
    imported = only(model.imports())
    assert lines_of(imported) == [4]
    scopes = [b.scope.kind for b in model.bindings_of("m")]
    assert scopes == [ScopeKind.MODULE, ScopeKind.COMPREHENSION, ScopeKind.LAMBDA]


def test_branch_merging_keeps_the_binding_that_may_be_langchain() -> None:
    model = model_of(
        """\
        if flag:
            from langchain.memory import ConversationBufferMemory as Memory
        else:
            Memory = None
        Memory()
        try:
            from langchain_classic.memory import SimpleMemory
        except ImportError:
            SimpleMemory = None
        SimpleMemory()
        """
    )
    memory = only([b for b in model.bindings_of("Memory") if b.is_import])
    simple = only([b for b in model.bindings_of("SimpleMemory") if b.is_import])
    assert lines_of(memory) == [5]
    assert lines_of(simple) == [10]
    assert all(lines_of(b) == [] for b in model.bindings if not b.is_import)


def test_a_handler_starts_from_the_try_body_and_loops_may_not_run() -> None:
    model = model_of(
        """\
        import os as memory
        for item in items:
            memory = item
        memory.path
        try:
            from langchain.memory import SimpleMemory as S
            S = 1
        except ImportError:
            S.x
        """
    )
    imported = only([b for b in model.bindings_of("memory") if b.is_import])
    assert lines_of(imported) == [4]  # a path binding outranks a loop variable
    other = only([b for b in model.bindings_of("S") if not b.is_import])
    assert lines_of(other) == [9]  # the handler sees the body's last binding


def test_string_annotations_are_references_located_at_the_string() -> None:
    model = model_of(
        """\
        from langchain.memory import ConversationBufferMemory
        def f(memory: "ConversationBufferMemory") -> None: ...
        """
    )
    (reference,) = only(model.imports()).references
    assert reference.in_string and (reference.node.lineno, reference.node.col_offset) == (2, 14)


def test_reading_helper_returns_records_nothing_twice() -> None:
    model = model_of(
        """\
        from langchain.memory import ConversationBufferMemory
        def make():
            return ConversationBufferMemory()
        memory = make()
        memory.save_context({}, {})
        """
    )
    # the body of `make` is read once for its returns (no references) and walked once (one reference)
    assert lines_of(only(model.imports())) == [3]
    memory = only(model.bindings_of("memory"))
    assert memory.kind is BindingKind.INSTANCE and memory.entry is not None
    assert memory.entry.name == "ConversationBufferMemory"
    assert lines_of(memory) == [5]


def test_resolve_and_qualified_path_at_the_end_of_the_module() -> None:
    model = model_of(
        """\
        import langchain.memory as lm
        from langchain_core.runnables import history
        """
    )
    expression = ast.parse("lm.buffer.ConversationBufferMemory", mode="eval").body
    assert model.qualified_path(expression) == "langchain.memory.buffer.ConversationBufferMemory"
    resolved = model.resolve(ast.parse("history.RunnableWithMessageHistory", mode="eval").body)
    assert resolved is not None and resolved.path == "langchain_core.runnables.history.RunnableWithMessageHistory"
    assert model.lookup("nothing") is None
    assert model.resolve(ast.parse("f().x", mode="eval").body) is None


def test_semantic_model_without_rules_records_the_same_references() -> None:
    source = "import langchain.memory\nlangchain.memory.ConversationBufferMemory()\nimport os\nos.path\n"
    model = semantic_model(ast.parse(source), split_lines(source))
    assert [(b.name, lines_of(b)) for b in model.imports()] == [("langchain", [2]), ("os", [4])]
    assert [r.dotted for r in model.imports()[0].references] == ["langchain.memory.ConversationBufferMemory"]


def test_runtime_bindings_read_a_lambda_body_when_it_runs() -> None:
    source = (
        "import langchain\n"
        "def f():\n"
        "    q = lambda: langchain.memory.X\n"  # runs after the import below: reads f's `langchain`
        "    y = langchain\n"  # runs now: the module's
        "    import langchain.memory\n"
        "    return q, y\n"
        "z = late.x\n"  # bound below: nothing at the walk, the assignment at the end
        "late = 1\n"
    )
    model = semantic_model(ast.parse(source), split_lines(source))
    found = [
        (r.node.id, r.node.lineno, b.node.lineno if b is not None and b.node is not None else None)
        for r, b in model.runtime_bindings()
        if r.node.id in ("langchain", "late")
    ]
    assert found == [("late", 7, 8), ("langchain", 3, 5), ("langchain", 4, 1)]  # function bodies are walked last
    assert Checker(split_lines(source)).model.reads is None  # only the planner's model keeps them
