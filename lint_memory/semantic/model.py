"""The semantic model of one module: scopes, bindings and the references to each binding.

The checker (``lint_memory.checker``) drives it while it walks the tree: it pushes and pops scopes,
binds names, runs alternative blocks through ``alternatives`` / ``try_except`` and reads names
through ``load``.  Lookups follow Python: the innermost scope first, class bodies invisible from
the scopes nested in them.  Alternative blocks (if/else, loops, try/except, match cases) start from
the same bindings and are merged afterwards, keeping per name the binding that may still refer to
LangChain (``bindings.merge``).

After the walk the model answers queries about the whole module:

* ``model.bindings``: every binding made, in the order of the walk (module level first, function
  bodies after the module, as they are visited);
* ``model.references(binding)``: the loads that resolved to a binding (``Reference`` objects with
  the ``ast.Name`` node, the attribute chain it starts and the scope of the read);
* ``model.imports()``: the import bindings; ``model.bindings_of(name)``: every binding of a name;
* ``binding.shadowed``: the binding of the same name and scope that a binding replaced.

A model built for reading a function's returns (``values``) shares the defining scopes with the
module's model and is created with ``track=False``: it records no bindings and no references; so is
the model of a walk for findings alone (``engine.check_tree``): the rules ask where the walk is, never
for the bindings or the references of the whole module.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

from lint_memory.semantic.bindings import (
    Binding,
    BindingKind,
    Branch,
    ClassContext,
    FunctionBody,
    Reference,
    Scope,
    ScopeKind,
    merge,
)

MAX_CHAIN = 64  # attributes ``qualified_path`` follows; catalogued names have at most 7 parts


class SemanticModel:
    """Scopes, bindings and references of one module (see the module docstring)."""

    def __init__(self, scopes: Sequence[Scope] | None = None, *, track: bool = True) -> None:
        self.scopes: list[Scope] = list(scopes) if scopes is not None else [Scope(ScopeKind.MODULE)]
        self.track = track  # record bindings and references (off for a function read for its returns)
        self.bindings: list[Binding] = []
        self.deferred: list[FunctionBody] = []  # function bodies to visit after the module
        self.bodies: list[FunctionBody] = []  # the function bodies the walk visited (``release``)
        self.classes: list[ClassContext] = []  # every class context made, in order
        self.klass: ClassContext | None = None  # the class whose body is being visited
        self.method: tuple[ClassContext, str] | None = None  # (class, name of `self`) inside a method
        # What the `try:` body around an `except ImportError:` handler being visited imports
        # (its meaning belongs to the rule that sets it: see ``rules.moved_import.guard``).
        self.guard: frozenset[str] = frozenset()
        self.final = False  # the module has been visited: its bindings are final
        self._in_string = 0  # > 0 while reading a string annotation
        # Every load with the scopes around it and the binding the walk found: kept only when set to
        # a list (``checker.semantic_model`` does), for ``runtime_bindings``.
        self.reads: list[tuple[Reference, tuple[Scope, ...], Binding | None]] | None = None

    # --- scopes ------------------------------------------------------------------------------
    @property
    def scope(self) -> Scope:
        """The innermost scope."""
        return self.scopes[-1]

    def push_scope(self, kind: ScopeKind) -> Scope:
        scope = Scope(kind)
        self.scopes.append(scope)
        return scope

    def pop_scope(self) -> Scope:
        return self.scopes.pop()

    @property
    def in_class_body(self) -> bool:
        return self.scopes[-1].kind is ScopeKind.CLASS

    # --- bindings ----------------------------------------------------------------------------
    def bind(self, name: str, binding: Binding, node: ast.AST | None = None) -> Binding:
        """Bind ``name`` in the innermost scope; ``node`` is the binding site."""
        names = self.scopes[-1].names
        if self.track:
            binding.name, binding.node, binding.scope = name, node, self.scopes[-1]
            binding.shadowed = names.get(name)
            self.bindings.append(binding)
        names[name] = binding
        return binding

    def bind_other(self, name: str, node: ast.AST | None = None) -> Binding:
        """Bind ``name`` to something that is not LangChain's (it shadows an import)."""
        return self.bind(name, Binding(BindingKind.OTHER), node)

    def lookup(self, name: str) -> Binding | None:
        """The binding ``name`` has where the walk is, as Python looks it up."""
        scopes = self.scopes
        binding = scopes[-1].names.get(name)  # the innermost scope first: most names are found there
        return binding if binding is not None or len(scopes) == 1 else _lookup(scopes, name)

    def load(self, node: ast.Name, expression: ast.expr | None = None) -> Binding | None:
        """Look up a read name and record the reference (``expression``: the attribute chain it starts)."""
        scopes = self.scopes
        binding = scopes[-1].names.get(node.id)  # the innermost scope first: most names are found there
        if binding is None and len(scopes) > 1:
            binding = _lookup(scopes, node.id)
        if self.track and (binding is not None or self.reads is not None):
            self.loaded(node, expression or node, binding)
        return binding

    def loaded(self, node: ast.Name, expression: ast.expr, binding: Binding | None) -> None:
        """Record the read of a name whose binding was just looked up (``lookup``, nothing bound since)."""
        if self.track and (binding is not None or self.reads is not None):
            reference = Reference(node, expression, self.scopes[-1], self._in_string > 0)
            if binding is not None:
                binding.references.append(reference)
            if self.reads is not None:
                self.reads.append((reference, tuple(self.scopes), binding))

    def resolve(self, node: ast.AST) -> Binding | None:
        """The binding a name or an attribute chain on an import refers to (without recording a
        reference); an attribute of a path binding gives a new path binding (``a.b`` -> ``a.b.c``)."""
        if isinstance(node, ast.Name):
            return _lookup(self.scopes, node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            if base is not None and base.kind is BindingKind.PATH:
                return Binding(BindingKind.PATH, f"{base.path}.{node.attr}")
        return None

    def qualified_path(self, node: ast.AST) -> str | None:
        """``langchain.memory.ConversationBufferMemory`` for an expression naming it through imports.

        A loop, and no further than ``MAX_CHAIN`` attributes: a generated ``a.b.b...`` of 50,000
        names costs no recursion, and no catalogued name is anywhere near that long (the checker,
        which asks for every attribute of a chain, gets them all from ``chain_paths``)."""
        attributes: list[str] = []
        while isinstance(node, ast.Attribute):
            if len(attributes) == MAX_CHAIN:
                return None
            attributes.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        binding = _lookup(self.scopes, node.id)
        if binding is None or binding.kind is not BindingKind.PATH or binding.path is None:
            return None
        return ".".join([binding.path, *reversed(attributes)])

    @staticmethod
    def chain_paths(attributes: Sequence[ast.Attribute], root: Binding | None) -> list[str | None]:
        """``qualified_path`` of each attribute of one chain, outermost first, from the binding of its root
        name (``root``, looked up once: the checker asks for every link of a chain)."""
        count = len(attributes)
        if root is None or root.kind is not BindingKind.PATH or root.path is None:
            return [None] * count
        names = [root.path, *(attribute.attr for attribute in reversed(attributes))]
        return [".".join(names[: count - index + 1]) if count - index <= MAX_CHAIN else None for index in range(count)]

    # --- alternative blocks ------------------------------------------------------------------
    def alternatives(self, *branches: Callable[[], None]) -> None:
        """Run blocks of which one runs (or none: pass an empty branch), each from the current
        bindings, then keep for each name rebound in any of them the most relevant binding."""
        scope = self.scopes[-1]
        start = scope.names
        outcomes: list[Branch] = []
        for branch in branches:
            scope.names = Branch(start)
            branch()
            outcomes.append(scope.names)  # type: ignore[arg-type]
        scope.names = start
        merge(start, outcomes)

    def try_except(
        self, body: Callable[[], None], handlers: Sequence[Callable[[], None]], orelse: Callable[[], None]
    ) -> None:
        """A ``try`` statement (without its ``finally``): the body and each handler are alternatives;
        a handler runs after part of the body, so it starts from the body's bindings, and ``else``
        continues the body."""
        scope = self.scopes[-1]
        start = scope.names
        after_body = scope.names = Branch(start)
        body()
        outcomes = [after_body]
        for handler in handlers:
            scope.names = Branch(after_body)
            handler()
            outcomes.append(scope.names)  # type: ignore[arg-type]
        scope.names = after_body
        orelse()
        scope.names = start
        merge(start, outcomes)

    # --- string annotations ------------------------------------------------------------------
    def enter_string(self) -> None:
        """Names loaded until ``leave_string`` are read from a string annotation."""
        self._in_string += 1

    def leave_string(self) -> None:
        self._in_string -= 1

    def release(self) -> None:
        """Break the references that make the model a cycle (a function body holds the scopes that bind it, a
        class its methods, whose bodies hold the class), for a model nobody asks once the walk is over: the
        module's tree is then freed as soon as the walk's findings are taken, without the cyclic collector."""
        for body in self.bodies:
            body.scopes, body.klass, body.method = [], None, None
            body.returns.clear()
        for klass in self.classes:
            klass.pending.clear()
            klass.methods.clear()
            klass.bases.clear()
        self.scopes, self.bodies, self.classes = [], [], []

    # --- queries after the walk --------------------------------------------------------------
    @staticmethod
    def references(binding: Binding) -> list[Reference]:
        """The loads that resolved to ``binding``, in the order of the walk."""
        return binding.references

    def imports(self) -> list[Binding]:
        """Every binding made by an import statement, in the order of the walk."""
        return [binding for binding in self.bindings if binding.is_import]

    def bindings_of(self, name: str) -> list[Binding]:
        """Every binding of ``name``, in any scope, in the order of the walk."""
        return [binding for binding in self.bindings if binding.name == name]

    def runtime_bindings(self) -> list[tuple[Reference, Binding | None]]:
        """Every load (kept when ``reads`` is a list) with the binding it reads when it runs: the one
        the walk found, except for a load no binding answered yet or one inside a lambda body, which
        runs later: those get the binding their name has at the end of the walk in the scopes around
        them (a lambda defined in a function reads the function's import below it)."""
        found = []
        for reference, scopes, binding in self.reads or ():
            if binding is None or any(scope.kind is ScopeKind.LAMBDA for scope in scopes):
                binding = _lookup(scopes, reference.node.id)
            found.append((reference, binding))
        return found


def _lookup(scopes: Sequence[Scope], name: str) -> Binding | None:
    """The binding of ``name`` in a chain of scopes, innermost first, class bodies invisible from
    the scopes nested in them."""
    innermost = len(scopes) - 1
    binding = scopes[innermost].names.get(name)
    if binding is not None or not innermost:
        return binding
    for index in range(innermost - 1, -1, -1):
        scope = scopes[index]
        if scope.kind is not _CLASS:  # class bodies are not visible from nested scopes
            binding = scope.names.get(name)
            if binding is not None:
                return binding
    return None


_CLASS = ScopeKind.CLASS
