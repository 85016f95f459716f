"""What a name is bound to: bindings, scopes, class contexts, and the merging of alternative branches.

Plain data with no knowledge of the rules.  A ``Binding`` is one binding site (an import alias, an
assignment target, a ``def``, a parameter, ...); the ``SemanticModel`` creates them, keeps them in
``Scope`` dicts and records, for every binding, the load nodes that resolve to it (``references``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from lint_memory.catalog.entries import Entry


class BindingKind(Enum):
    """What a binding holds, as far as the rules care."""

    PATH = "path"  # a qualified name: an import (``import a.b`` binds ``a`` to the path ``a``)
    INSTANCE = "instance"  # a value; ``entry`` is the memory it is an instance of, when known
    MEMORY_CLASS = "memclass"  # a local class deriving from a memory class (``entry``)
    CLASS = "class"  # any other local class
    FUNCTION = "function"  # a ``def``; ``entry`` is the memory its annotation says it returns
    COROUTINE = "coroutine"  # an ``async def``
    OTHER = "other"  # anything else (an assignment, a parameter, ``except ... as e``): shadows an import


class ScopeKind(Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"


@dataclass(eq=False)
class ClassContext:
    """What a class stores on itself or on ``self``: class-body attributes and ``self.X = ...``;
    attributes of local base classes are inherited."""

    attrs: dict[str, Entry] = field(default_factory=dict)
    pending: list[tuple[str, Callable[[Entry], None]]] = field(default_factory=list)  # (attr, callback)
    bases: list[ClassContext] = field(default_factory=list)  # the local classes it derives from
    methods: dict[str, Binding] = field(default_factory=dict)  # the functions its body defines

    def find(self, attr: str) -> Entry | None:
        """The memory stored under ``attr`` on the class or a local base."""
        return self._first(lambda klass: klass.attrs.get(attr))  # type: ignore[return-value]

    def method(self, name: str) -> Binding | None:
        """The function binding of method ``name`` on the class or a local base."""
        return self._first(lambda klass: klass.methods.get(name))  # type: ignore[return-value]

    def _first(self, get: Callable[[ClassContext], object]) -> object:
        """What ``get`` finds on the class, else on its local bases (breadth first)."""
        seen: set[int] = set()
        todo = [self]
        while todo:
            klass = todo.pop(0)
            if id(klass) in seen:
                continue
            seen.add(id(klass))
            found = get(klass)
            if found is not None:
                return found
            todo += klass.bases
        return None


@dataclass
class Scope:
    kind: ScopeKind
    names: dict[str, Binding] = field(default_factory=dict)


@dataclass(eq=False)
class FunctionBody:
    """A function whose body is visited after the module (or read on demand for its returns),
    with the scope chain and the context it was defined in."""

    node: ast.FunctionDef | ast.AsyncFunctionDef
    scopes: list[Scope]
    klass: ClassContext | None  # set when node is a method
    guard: frozenset[str]  # the import guard around the definition (see ``SemanticModel.guard``)
    method: tuple[ClassContext, str] | None  # the enclosing method of a nested function: its `self`
    returns: dict[bool, Entry | None] = field(default_factory=dict)  # probe results by `final` (see values)
    probing: bool = False  # its body is being probed: a recursive call


class Binding:
    """One binding of a name: what it holds, where it was made and where it is read.

    ``node`` is the binding site: the ``ast.alias`` of an import, the ``ast.Name`` store target,
    the ``ast.FunctionDef`` / ``ast.ClassDef``, the ``ast.arg`` of a parameter, ... (None for the
    synthetic bindings that ``SemanticModel.resolve`` makes for attribute paths).  ``references``
    are the ``Reference`` objects of the loads that resolved to it; ``shadowed`` is the binding of
    the same name in the same scope that it replaced, if any (``import a.b`` then ``import a.c``).
    """

    __slots__ = ("body", "entry", "kind", "klass", "name", "node", "path", "references", "scope", "shadowed")

    def __init__(
        self,
        kind: BindingKind,
        path: str | None = None,
        entry: Entry | None = None,
        klass: ClassContext | None = None,
        body: FunctionBody | None = None,
    ) -> None:
        self.kind = kind
        self.path = path  # kind PATH: the qualified name
        self.entry = entry  # the memory an instance, a memory subclass or a function's result is
        self.klass = klass  # kinds CLASS and MEMORY_CLASS
        self.body = body  # kinds FUNCTION and COROUTINE
        self.name: str | None = None
        self.node: ast.AST | None = None
        self.scope: Scope | None = None
        self.references: list[Reference] = []
        self.shadowed: Binding | None = None

    @property
    def is_import(self) -> bool:
        """Made by an ``import`` / ``from ... import`` statement."""
        return isinstance(self.node, ast.alias)

    def __repr__(self) -> str:
        where = f" line {self.node.lineno}" if self.node is not None and hasattr(self.node, "lineno") else ""
        return f"<Binding {self.name} {self.kind.value} {self.path or ''}{where}>"


class Reference:
    """A load of a bound name.

    ``node`` is the ``ast.Name`` read; ``expression`` the attribute chain it starts, as far as the
    walk took it as one (``a.b.c`` for the ``a`` of ``a.b.c``, the outermost ``Attribute`` of the
    chain; the name itself when it is not the root of an attribute chain); ``scope`` the scope the
    read happens in; ``in_string`` tells that the name was read from a string annotation (its
    location is the string's).
    """

    __slots__ = ("expression", "in_string", "node", "scope")

    def __init__(self, node: ast.Name, expression: ast.expr, scope: Scope, in_string: bool = False) -> None:
        self.node = node
        self.expression = expression
        self.scope = scope
        self.in_string = in_string

    def __repr__(self) -> str:
        return f"<Reference {self.dotted} line {self.node.lineno}>"

    @property
    def dotted(self) -> str:
        """``a.b.c`` for an expression that is a plain attribute chain on the name."""
        parts: list[str] = []
        current: ast.AST = self.expression
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        parts.append(self.node.id)
        return ".".join(reversed(parts))


class Branch(dict):  # type: ignore[type-arg]
    """The bindings inside one branch: a copy of those it started from (reads stay plain dict
    reads, the hot path) that remembers which names the branch rebinds."""

    __slots__ = ("changed",)

    def __init__(self, start: dict[str, Binding]) -> None:
        super().__init__(start)
        self.changed: set[str] = set()

    def __setitem__(self, name: str, binding: Binding) -> None:
        self.changed.add(name)
        super().__setitem__(name, binding)


def relevance(binding: Binding) -> int:
    """How much a binding matters to the rules: LangChain names and memory objects first."""
    if binding.entry is not None:
        return 2
    if binding.kind is BindingKind.PATH:
        return 2 if binding.path is not None and binding.path.startswith("langchain") else 1
    return 1 if binding.kind is BindingKind.CLASS else 0


def merge(start: dict[str, Binding], outcomes: list[Branch]) -> None:
    """Fold alternative outcomes into ``start``: per name, the most relevant binding any may leave.
    A handler starts from a copy of the try body's bindings, whose changes are an outcome too."""
    for name in {name for outcome in outcomes for name in outcome.changed}:
        options = [outcome.get(name) for outcome in outcomes]
        best = max((b for b in options if b is not None), key=relevance, default=None)
        if best is not None:
            start[name] = best
