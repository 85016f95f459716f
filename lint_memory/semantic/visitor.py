"""The detection mechanism: one ``ast.NodeVisitor`` that resolves names the way Python does.

It keeps a chain of scopes (module, class, function, lambda, comprehension) whose bindings are
qualified names from imports, memory instances, local memory subclasses, or "something else"
(which shadows an import).  Function bodies are visited after the module, as ruff does, so they
see the module's final bindings.  Alternative blocks (if/else, try/except, loop bodies, match
cases) start from the same bindings and are merged afterwards, keeping per name the binding that
may still refer to LangChain: a fallback ``else: X = None`` does not hide the import of ``X``.
Everything it knows about LangChain comes from the catalog.

A call of a function (or ``self.`` method) of the same module gives a memory object when the
function is annotated to return one, or when every ``return`` of its body gives one (``return
None`` and a bare ``return`` aside).  The body is read on demand by a ``_ReturnProbe``, a visitor
that reports nothing, from the function's own scope chain, once per function.

Every name the visitor resolves is spelled out in the source: string annotations are read only
when they are one plain literal (no escapes, no implicit concatenation), which is what keeps the
byte pre-filter in ``engine.might_match`` sound.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup
from lint_memory.catalog.entries import Entry
from lint_memory.model import Finding
from lint_memory.rules import BY_CODE, messages

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
# Typing forms whose instances are instances of (one of) their arguments.
_UNION_FORMS = frozenset({"Optional", "Union"})
_WRAPPER_FORMS = frozenset({"Annotated", "ClassVar", "Final", "Required", "NotRequired", "ReadOnly", "InitVar"})
_CASTS = frozenset({"typing.cast", "typing_extensions.cast"})


@dataclass(eq=False)
class ClassContext:
    """What a class stores on itself or on ``self``: class-body attributes and ``self.X = ...``;
    attributes of local base classes are inherited."""

    attrs: dict[str, Entry] = field(default_factory=dict)
    pending: list[tuple[str, Callable[[Entry], None]]] = field(default_factory=list)  # (attr, callback)
    bases: list[ClassContext] = field(default_factory=list)  # the local classes it derives from
    methods: dict[str, Binding] = field(default_factory=dict)  # the functions its body defines

    def find(self, attr: str) -> Entry | None:
        return self._first(lambda klass: klass.attrs.get(attr))

    def method(self, name: str) -> Binding | None:
        return self._first(lambda klass: klass.methods.get(name))

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


@dataclass(frozen=True)
class Binding:
    kind: str  # "path" | "instance" | "memclass" | "class" | "function" | "coroutine" | "other"
    path: str | None = None
    entry: Entry | None = None  # the memory an instance, a memory subclass or a function's result is
    klass: ClassContext | None = field(default=None, compare=False)  # kinds "class" and "memclass"
    body: _Deferred | None = field(default=None, compare=False)  # kinds "function" and "coroutine"


OTHER = Binding("other")


class _Branch(dict):
    """The bindings inside one branch: a copy of those it started from (reads stay plain dict
    reads, the hot path) that remembers which names the branch rebinds."""

    __slots__ = ("changed",)

    def __init__(self, start: dict[str, Binding]) -> None:
        super().__init__(start)
        self.changed: set[str] = set()

    def __setitem__(self, name: str, binding: Binding) -> None:
        self.changed.add(name)
        super().__setitem__(name, binding)


@dataclass
class Scope:
    kind: str  # "module" | "class" | "function" | "lambda" | "comprehension"
    names: dict[str, Binding] = field(default_factory=dict)


@dataclass(eq=False)
class _Deferred:
    node: ast.AST
    scopes: list[Scope]
    klass: ClassContext | None  # set when node is a method
    guard: frozenset[str]
    method: tuple[ClassContext, str] | None  # the enclosing method of a nested function: its `self`
    returns: dict[bool, Entry | None] = field(default_factory=dict)  # probe results by `final` (see `_probe`)
    probing: bool = False  # its body is being probed: a recursive call


_MAX_PROBES = 16  # helpers probed inside one another (each nests a visitor) before giving up
_PROBE_BUDGET = 1000  # probes per module: results that lean on recursion or a cut are not kept, so cap them


class MemoryVisitor(ast.NodeVisitor):
    def __init__(self, lines: list[str] | None = None, parent: MemoryVisitor | None = None) -> None:
        self.lines = lines  # the source, split as Python counts lines; checks string annotations
        self.findings: list[Finding] = []
        self.scopes: list[Scope] = [Scope("module")]
        self.deferred: list[_Deferred] = []
        self.classes: list[ClassContext] = []
        self.klass: ClassContext | None = None  # the class whose body is being visited
        self.method: tuple[ClassContext, str] | None = None  # (class, name of `self`) inside a method
        self.guard: frozenset[str] = frozenset()  # new homes imported by the enclosing `try:`
        self.handled: set[int] = set()  # ids of `memory=` keywords already checked for an outer call
        self.final = parent is not None and parent.final  # the module has been visited: its bindings are final
        self.root: MemoryVisitor = self if parent is None else parent.root  # holds the probe budget
        self.depth = 0 if parent is None else parent.depth + 1  # how many probes enclose this visitor
        self.probes_left = _PROBE_BUDGET  # counted on the root only
        self.assumed: set[_Deferred] = set()  # functions whose probe was unfinished when a call needed it
        self.recursions = 0  # calls answered None because of such an unfinished probe
        self.cut = False  # a probe was refused (too deep, or the budget is spent)

    # --- driving -----------------------------------------------------------------------------
    def run(self, tree: ast.AST) -> list[Finding]:
        self.visit(tree)
        self.final = True
        while self.deferred:
            self._run_deferred(self.deferred.pop(0))
        for klass in self.classes:
            for attr, callback in klass.pending:
                entry = klass.find(attr)
                if entry is not None:
                    callback(entry)
        return self.findings

    def _run_deferred(self, item: _Deferred) -> None:
        node = item.node
        self.scopes = [*item.scopes, Scope("function")]
        self.klass, self.guard = None, item.guard
        args = node.args
        parameters = _parameters(args)
        for arg, default in parameters:
            entry = self._memory_class(arg.annotation) if arg.annotation is not None else None
            if entry is None and default is not None:
                entry = self._memory_value(default)
            self._bind(arg.arg, Binding("instance", entry=entry) if entry else OTHER)
        self.method = None
        positional = [*args.posonlyargs, *args.args]
        if item.klass is not None and positional and not self._is_static(node):
            self.method = (item.klass, positional[0].arg)  # `self`, or `cls` in a classmethod
        elif item.method is not None and item.method[1] not in {arg.arg for arg, _ in parameters}:
            self.method = item.method  # a closure inside a method still sees its `self`
        for statement in node.body:
            self.visit(statement)

    @staticmethod
    def _is_static(node: ast.AST) -> bool:
        return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)

    # --- scopes ------------------------------------------------------------------------------
    def _bind(self, name: str, binding: Binding) -> None:
        self.scopes[-1].names[name] = binding

    def _alternatives(self, *branches: Callable[[], None]) -> None:
        """Visit blocks of which one runs (or none: pass an empty branch), each from the current
        bindings, then keep for each name rebound in any of them the most relevant binding."""
        scope = self.scopes[-1]
        start = scope.names
        outcomes: list[_Branch] = []
        for branch in branches:
            scope.names = _Branch(start)
            branch()
            outcomes.append(scope.names)
        scope.names = start
        _merge(start, outcomes)

    def _lookup(self, name: str) -> Binding | None:
        innermost = len(self.scopes) - 1
        for index in range(innermost, -1, -1):
            scope = self.scopes[index]
            if scope.kind == "class" and index != innermost:
                continue  # class bodies are not visible from nested scopes
            binding = scope.names.get(name)
            if binding is not None:
                return binding
        return None

    def _resolve(self, node: ast.AST) -> Binding | None:
        if isinstance(node, ast.Name):
            return self._lookup(node.id)
        if isinstance(node, ast.Attribute):
            base = self._resolve(node.value)
            if base is not None and base.kind == "path":
                return Binding("path", f"{base.path}.{node.attr}")
        return None

    def _path(self, node: ast.AST) -> str | None:
        binding = self._resolve(node)
        return binding.path if binding is not None and binding.kind == "path" else None

    def _memory_class(self, node: ast.AST | None) -> Entry | None:
        """The memory entry a class expression (or annotation) names."""
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node = self._parse_annotation(node)
            if node is None:
                return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._memory_class(node.left) or self._memory_class(node.right)
        if isinstance(node, ast.Subscript):
            form = _form(node.value)
            arguments = _elements(node.slice)
            if form in _UNION_FORMS:  # Optional[X], Union[int, X]
                return next((e for e in map(self._memory_class, arguments) if e is not None), None)
            if form in _WRAPPER_FORMS and arguments:  # Annotated[X, ...], ClassVar[X]
                return self._memory_class(arguments[0])
            return None  # list[X] holds memories but is not one
        binding = self._resolve(node)
        if binding is None:
            return None
        if binding.kind == "memclass":
            return binding.entry
        entry = lookup.BY_PATH.get(binding.path) if binding.kind == "path" else None
        return entry if entry is not None and entry.memory else None

    def _memory_value(self, node: ast.AST) -> Entry | None:
        """The memory entry an expression evaluates to an instance of, if known."""
        if isinstance(node, ast.Call):
            entry = self._memory_class(node.func)
            if entry is None and isinstance(node.func, ast.Attribute):
                if node.func.attr.startswith(catalog.CONSTRUCTOR_PREFIXES):
                    entry = self._memory_class(node.func.value)
            if entry is None and node.args and self._path(node.func) in _CASTS:
                entry = self._memory_class(node.args[0])
            if entry is None:
                entry = self._returns(node.func, "function")
            return entry
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            return self._returns(node.value.func, "coroutine")
        if isinstance(node, ast.Name):
            binding = self._lookup(node.id)
            return binding.entry if binding is not None and binding.kind == "instance" else None
        if isinstance(node, ast.NamedExpr):
            return self._memory_value(node.value)
        owner = self._owner_attr(node)
        if owner is not None:
            return owner[0].find(owner[1])
        return None

    def _returns(self, callee: ast.AST, kind: str) -> Entry | None:
        """The memory a call of a local function (or ``self.`` method) gives: the one it is
        annotated to return (``-> ConversationBufferMemory``), else the one its body returns."""
        binding = self._callee(callee)
        if binding is None or binding.kind != kind:
            return None
        if binding.entry is not None or binding.body is None:
            return binding.entry
        return self._probe(binding.body)

    def _callee(self, callee: ast.AST) -> Binding | None:
        if isinstance(callee, ast.Name):
            return self._lookup(callee.id)
        owner = self._owner_attr(callee)
        if owner is None or owner[0].find(owner[1]) is not None:
            return None
        return owner[0].method(owner[1])

    def _probe(self, item: _Deferred) -> Entry | None:
        """The memory every ``return`` of a function's body gives, read once per function (and once
        more after the module's visit, when a module-level call saw the bindings of that moment)."""
        if self.final in item.returns:
            return item.returns[self.final]
        if item.probing:
            self.assumed.add(item)
            self.recursions += 1
            return None
        if _is_generator(item.node):
            item.returns[self.final] = None
            return None
        if self.depth >= _MAX_PROBES or self.root.probes_left <= 0:
            self.cut = True  # unknown here, maybe not from a shallower call
            return None
        self.root.probes_left -= 1
        item.probing = True
        try:
            probe = _ReturnProbe(self.lines, self)
            probe._run_deferred(item)
        finally:
            item.probing = False
        probe.assumed.discard(item)
        if probe.assumed:
            self.assumed |= probe.assumed
            self.recursions += 1
        self.cut = self.cut or probe.cut
        if not (probe.assumed or probe.cut):  # leaning on an unfinished or cut probe, it may change: not kept
            item.returns[self.final] = probe.result
        return probe.result

    def _owner_attr(self, node: ast.AST) -> tuple[ClassContext, str] | None:
        """(class, ``X``) when node is ``self.X`` / ``cls.X`` inside a method or ``SomeClass.X``."""
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            return None
        if self.method is not None and node.value.id == self.method[1]:
            return self.method[0], node.attr
        binding = self._lookup(node.value.id)
        if binding is not None and binding.klass is not None:
            return binding.klass, node.attr
        return None

    def _when_memory(self, node: ast.AST, callback: Callable[[Entry], None]) -> None:
        """Call ``callback(entry)`` if node holds a memory object, now or once its class is complete."""
        entry = self._memory_value(node)
        if entry is not None:
            callback(entry)
            return
        owner = self._owner_attr(node)
        if owner is not None:
            owner[0].pending.append((owner[1], callback))

    # --- reporting ---------------------------------------------------------------------------
    def _report(self, code: str, node: ast.AST, message: str, symbol: str, target: str | None = None) -> None:
        self.findings.append(
            Finding(
                code=code,
                message=message,
                line=node.lineno,
                col=node.col_offset,
                end_line=getattr(node, "end_lineno", None) or node.lineno,
                end_col=getattr(node, "end_col_offset", None) or node.col_offset,
                symbol=symbol,
                target=target,
            )
        )

    def _report_reference(self, entry: Entry, node: ast.AST, written: str) -> None:
        if entry.rule:
            self._report(entry.rule, node, messages.reference(entry, written), entry.name)

    def _report_moved(self, old: str, node: ast.AST, *, module: bool) -> None:
        new = lookup.new_home(old)
        if new is None or self._guarded(new, lookup.BY_PATH.get(old)):
            return
        url = BY_CODE["LCM400"].url
        self._report("LCM400", node, messages.moved(old, new, url, module=module), old, target=new)

    def _guarded(self, new: str, entry: Entry | None) -> bool:
        if not self.guard:
            return False
        if entry is not None and entry.name in self.guard:
            return True
        parts = new.split(".")
        return any(".".join(parts[:size]) in self.guard for size in range(1, len(parts) + 1))

    # --- imports -----------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self._bind(alias.asname, Binding("path", alias.name))
            else:
                root = alias.name.split(".", 1)[0]
                self._bind(root, Binding("path", root))
            self._report_moved(alias.name, alias, module=True)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            for alias in node.names:
                if alias.name != "*":
                    self._bind(alias.asname or alias.name, OTHER)
            return
        module = node.module
        for alias in node.names:
            if alias.name == "*":
                for name, path in lookup.EXPORTS.get(module, {}).items():
                    self._bind(name, Binding("path", path))
                self._report_moved(module, alias, module=True)
                continue
            path = f"{module}.{alias.name}"
            self._bind(alias.asname or alias.name, Binding("path", path))
            entry = lookup.BY_PATH.get(path)
            if entry is not None:
                self._report_reference(entry, alias, alias.asname or alias.name)
            is_module = entry is None and lookup.moved_module(module) is None
            self._report_moved(path, alias, module=is_module)

    def visit_Try(self, node: ast.Try) -> None:
        imported: set[str] = set()
        for statement in node.body:
            if isinstance(statement, ast.Import):
                imported.update(alias.name for alias in statement.names)
            elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
                for alias in statement.names:
                    path = f"{statement.module}.{alias.name}"
                    if lookup.is_removed(path) or lookup.moved_module(path):
                        continue
                    imported.add(path)
                    entry = lookup.BY_PATH.get(path)
                    if entry is not None:
                        imported.add(entry.name)
        scope = self.scopes[-1]
        start = scope.names
        body = scope.names = _Branch(start)
        self._visit_block(node.body)
        outcomes = [body]
        for handler in node.handlers:  # a handler runs after part of the body, so it sees its bindings
            scope.names = _Branch(body)
            outer = self.guard
            if imported and _catches_import_error(handler.type):
                self.guard = outer | imported
            self.visit(handler)
            self.guard = outer
            outcomes.append(scope.names)
        scope.names = body
        self._visit_block(node.orelse)
        scope.names = start
        _merge(start, outcomes)
        self._visit_block(node.finalbody)

    visit_TryStar = visit_Try

    # --- control flow ------------------------------------------------------------------------
    def _visit_block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.visit(statement)

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        self._alternatives(lambda: self._visit_block(node.body), lambda: self._visit_block(node.orelse))

    def visit_For(self, node: ast.For) -> None:
        self.visit(node.iter)

        def loop() -> None:
            self.visit(node.target)
            self._visit_block(node.body)
            self._visit_block(node.orelse)

        self._alternatives(loop, lambda: None)  # the body may run no time at all

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        self.visit(node.test)
        self._alternatives(lambda: self._visit_block([*node.body, *node.orelse]), lambda: None)

    def visit_Match(self, node: ast.Match) -> None:
        self.visit(node.subject)

        def case(branch: ast.match_case) -> Callable[[], None]:
            def run() -> None:
                self.visit(branch.pattern)
                if branch.guard is not None:
                    self.visit(branch.guard)
                self._visit_block(branch.body)

            return run

        self._alternatives(*map(case, node.cases), lambda: None)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name:
            self._bind(node.name, OTHER)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self._bind(node.name, OTHER)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        for child in [*node.keys, *node.patterns]:
            self.visit(child)
        if node.rest:
            self._bind(node.rest, OTHER)

    # --- definitions -------------------------------------------------------------------------
    def _visit_signature(self, node: ast.AST) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        args = node.args
        for default in [*args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            self.visit(default)
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and arg.annotation is not None:
                self._visit_annotation(arg.annotation)
        if getattr(node, "returns", None) is not None:
            self._visit_annotation(node.returns)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._visit_signature(node)
        returns = self._memory_class(node.returns) if node.returns is not None else None
        kind = "coroutine" if isinstance(node, ast.AsyncFunctionDef) else "function"
        klass = self.klass if self.scopes[-1].kind == "class" else None
        outer = self.method if klass is None else None
        item = _Deferred(node, list(self.scopes), klass, self.guard, outer)
        binding = Binding(kind, entry=returns, body=item)
        self._bind(node.name, binding)
        if klass is not None:
            klass.methods[node.name] = binding
        self.deferred.append(item)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        args = node.args
        for default in [*args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            self.visit(default)
        self.scopes.append(Scope("lambda"))
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                self._bind(arg.arg, OTHER)
        self.visit(node.body)
        self.scopes.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expression in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(expression)
        base = next((e for e in map(self._memory_class, node.bases) if e is not None), None)
        bases = [self._resolve(b) for b in node.bases]
        context = ClassContext(bases=[b.klass for b in bases if b is not None and b.klass is not None])
        self.classes.append(context)
        outer_class, outer_method = self.klass, self.method
        self.klass, self.method = context, None
        self.scopes.append(Scope("class"))
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()
        self.klass, self.method = outer_class, outer_method
        self._bind(node.name, Binding("memclass" if base else "class", entry=base, klass=context))

    def _visit_annotation(self, node: ast.AST) -> None:
        """Visit a type expression, reading the forward references (strings) nested in it."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parsed = self._parse_annotation(node)
            if parsed is not None:
                self._visit_annotation(parsed)
        elif isinstance(node, ast.Subscript):
            self.visit(node.value)
            form = _form(node.value)
            arguments = _elements(node.slice)
            if form == "Literal":  # its strings are values, not types
                self.visit(node.slice)
            elif form == "Annotated" and arguments:  # only the first argument is a type
                self._visit_annotation(arguments[0])
                for metadata in arguments[1:]:
                    self.visit(metadata)
            else:
                for argument in arguments:
                    self._visit_annotation(argument)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            self._visit_annotation(node.left)
            self._visit_annotation(node.right)
        elif isinstance(node, (ast.List, ast.Tuple)):  # Callable[[A, B], R]
            for element in node.elts:
                self._visit_annotation(element)
        else:
            self.visit(node)

    def _parse_annotation(self, node: ast.Constant) -> ast.AST | None:
        """The expression a string annotation holds, located at the string; None when it is not
        one plain literal (escapes or implicit concatenation would hide names from the pre-filter)."""
        if self.lines is not None and _literal_body(self.lines, node) != node.value:
            return None
        try:
            parsed = ast.parse(node.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            return None
        for child in ast.walk(parsed):
            if "lineno" in child._attributes:
                ast.copy_location(child, node)
                child.end_lineno, child.end_col_offset = node.end_lineno, node.end_col_offset
        return parsed

    # --- assignments -------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self._assign_value(target, node.value)

    def _assign_value(self, target: ast.AST, value: ast.AST) -> None:
        """Bind a target to a value; ``a, b = X(), Y()`` pairs its elements up."""
        pairs = isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List))
        if pairs and len(target.elts) == len(value.elts):
            if not any(isinstance(e, ast.Starred) for e in [*target.elts, *value.elts]):
                for element, item in zip(target.elts, value.elts):
                    self._assign_value(element, item)
                return
        self._assign(target, self._memory_value(value))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._visit_annotation(node.annotation)
        if node.value is not None:
            self.visit(node.value)
        entry = (self._memory_value(node.value) if node.value is not None else None) or self._memory_class(
            node.annotation
        )
        self._assign(node.target, entry)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self._assign(node.target, self._memory_value(node.value))

    def _assign(self, target: ast.AST, entry: Entry | None) -> None:
        if isinstance(target, ast.Name):
            self._bind(target.id, Binding("instance", entry=entry) if entry else OTHER)
            if entry is not None and self.scopes[-1].kind == "class" and self.klass is not None:
                self.klass.attrs[target.id] = entry
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._assign(element, None)
        elif isinstance(target, ast.Starred):
            self._assign(target.value, None)
        else:
            owner = self._owner_attr(target)
            if owner is not None and entry is not None:
                owner[0].attrs[owner[1]] = entry
            self.visit(target)

    def visit_Name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            self._bind(node.id, OTHER)
            return
        binding = self._lookup(node.id)
        if binding is not None and binding.kind == "path":
            entry = lookup.BY_PATH.get(binding.path)
            if entry is not None:
                self._report_reference(entry, node, node.id)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self._bind(node.name, OTHER)
        for statement in node.body:
            self.visit(statement)

    def visit_Global(self, node: ast.Global) -> None:
        return None

    # --- comprehensions ----------------------------------------------------------------------
    def _visit_comprehension(self, node: ast.AST, *results: ast.AST) -> None:
        self.scopes.append(Scope("comprehension"))
        for generator in node.generators:
            self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for result in results:
            self.visit(result)
        self.scopes.pop()

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._visit_comprehension(node, node.elt)

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._visit_comprehension(node, node.key, node.value)

    # --- uses --------------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        binding = self._resolve(node)
        if binding is not None and binding.kind == "path":
            entry = lookup.BY_PATH.get(binding.path)
            if entry is not None:
                self._report_reference(entry, node, _dotted(node) or entry.name)
                return
        if node.attr in catalog.MEMORY_API and isinstance(node.ctx, ast.Load):
            shown = _short(node)
            self._when_memory(node.value, lambda entry: self._report(
                "LCM302", node,
                messages.memory_api(shown, entry, catalog.MEMORY_API_USE, BY_CODE["LCM302"].url),
                entry.name,
            ))
        self.visit(node.value)

    def visit_Call(self, node: ast.Call) -> None:
        callee = self._path(node.func)
        if self._memory_class(node.func) is not None:
            self.generic_visit(node)  # a memory class taking `memory=` (ReadOnlySharedMemory): LCM1xx says it
            return
        consumer = callee is not None and lookup.is_memory_consumer(callee)
        shown = _short(node.func)
        for keyword in node.keywords:
            if id(keyword) in self.handled:
                continue
            if keyword.arg in catalog.MEMORY_KEYWORDS:
                self._check_memory_argument(keyword, keyword.value, consumer, shown)
            elif keyword.arg is None or keyword.arg in catalog.NESTED_KWARGS:  # **{...}, chain_type_kwargs={...}
                for where, value in self._dict_items(keyword.value):
                    self._check_memory_argument(where, value, consumer, shown)
        self.generic_visit(node)

    def _dict_items(self, node: ast.AST) -> list[tuple[ast.AST, ast.AST]]:
        """The ``memory`` entries of a dict display or a ``dict(...)`` call."""
        if isinstance(node, ast.Dict):
            return [
                (key, value)
                for key, value in zip(node.keys, node.values)
                if isinstance(key, ast.Constant) and key.value in catalog.MEMORY_KEYWORDS
            ]
        builtin_dict = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict"
        if builtin_dict and self._lookup("dict") is None:
            keywords = [k for k in node.keywords if k.arg in catalog.MEMORY_KEYWORDS]
            self.handled.update(map(id, keywords))  # the `dict(...)` call itself must not report them again
            return [(keyword, keyword.value) for keyword in keywords]
        return []

    def _check_memory_argument(self, where: ast.AST, value: ast.AST, consumer: bool, callee: str) -> None:
        if isinstance(value, ast.Constant) and value.value is None:
            return  # `memory=None` asks for no memory
        rule = BY_CODE["LCM300"]

        def report(entry: Entry | None) -> None:
            message = messages.memory_argument(callee, entry, catalog.MEMORY_ARGUMENT, rule.url)
            self._report("LCM300", where, message, "memory")

        if consumer:
            report(self._memory_value(value))
        else:
            self._when_memory(value, report)


class _ReturnProbe(MemoryVisitor):
    """Reads one function's body for what its ``return`` statements give, reporting nothing.

    ``result`` is the memory every returned value is an instance of, ``return None``, a bare
    ``return`` and falling off the end aside (as ``Optional[X]`` is X); a call of a function whose
    probe is unfinished (recursion) is set aside too.  Any other value, or no memory value at all,
    leaves it None.
    """

    def __init__(self, lines: list[str] | None, parent: MemoryVisitor) -> None:
        super().__init__(lines, parent)
        self.result: Entry | None = None
        self.other = False  # some return gives something that is not a memory object

    def _report(self, *args: object, **kwargs: object) -> None:
        return None

    def _when_memory(self, node: ast.AST, callback: Callable[[Entry], None]) -> None:
        return None  # its callbacks only report

    def visit_Return(self, node: ast.Return) -> None:
        value = node.value
        if value is None or self.other:
            return
        self.visit(value)
        for returned in _outcomes(value):
            self._returned(returned)
        if self.other:
            self.result = None

    def _returned(self, value: ast.AST) -> None:
        if isinstance(value, ast.Constant) and value.value is None:
            return
        before = self.recursions
        entry = self._memory_value(value)
        if entry is not None:
            self.result = self.result or entry
        elif self.recursions == before or not _is_call(value):  # a recursive call alone is set aside
            self.other = True


def _outcomes(node: ast.AST) -> list[ast.AST]:
    """The values an expression may give: both arms of ``a if test else b``, nested."""
    todo, found = [node], []
    while todo:
        node = todo.pop()
        if isinstance(node, ast.IfExp):
            todo += [node.orelse, node.body]
        else:
            found.append(node)
    return found


def _is_call(node: ast.AST) -> bool:
    return isinstance(node.value if isinstance(node, ast.Await) else node, ast.Call)


def _is_generator(node: ast.AST) -> bool:
    """Does a function's own body (not a nested scope's) yield?  Calling it gives a generator."""
    todo = list(node.body)
    while todo:
        child = todo.pop()
        if isinstance(child, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(child))
    return False


def _catches_import_error(node: ast.AST | None) -> bool:
    if node is None:
        return True
    names = node.elts if isinstance(node, ast.Tuple) else [node]
    return any(isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS for n in names)


def _parameters(args: ast.arguments) -> list[tuple[ast.arg, ast.expr | None]]:
    """Every parameter with its default value, if any."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults))
    pairs += list(zip(args.kwonlyargs, args.kw_defaults))
    pairs += [(a, None) for a in (args.vararg, args.kwarg) if a is not None]
    return pairs


def _relevance(binding: Binding) -> int:
    """How much a binding matters to the rules: LangChain names and memory objects first."""
    if binding.entry is not None:
        return 2
    if binding.kind == "path":
        return 2 if binding.path.startswith("langchain") else 1
    return 1 if binding.kind == "class" else 0


def _merge(start: dict[str, Binding], outcomes: list[_Branch]) -> None:
    """Fold alternative outcomes into ``start``: per name, the most relevant binding any may leave.
    A handler starts from a copy of the try body's bindings, whose changes are an outcome too."""
    for name in {name for outcome in outcomes for name in outcome.changed}:
        options = [outcome.get(name) for outcome in outcomes]
        best = max((b for b in options if b is not None), key=_relevance, default=None)
        if best is not None:
            start[name] = best


def _form(node: ast.AST) -> str | None:
    """The typing form a subscript applies: ``Optional`` for ``typing.Optional[...]``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _elements(node: ast.AST) -> list[ast.AST]:
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


_STRING_PREFIXES = frozenset("rRuU")


def _literal_body(lines: list[str], node: ast.Constant) -> str | None:
    """The text between the quotes of a string literal, or None when the node's source is not a
    single literal (implicit concatenation) or cannot be located."""
    first, last = node.lineno, node.end_lineno or node.lineno
    if not 0 < first <= last <= len(lines) or node.end_col_offset is None:
        return None
    if first == last:
        raw = lines[first - 1].encode("utf-8")[node.col_offset : node.end_col_offset]
    else:
        head = lines[first - 1].encode("utf-8")[node.col_offset :]
        tail = lines[last - 1].encode("utf-8")[: node.end_col_offset]
        raw = b"\n".join([head, *(line.encode("utf-8") for line in lines[first : last - 1]), tail])
    text = raw.decode("utf-8", "replace")
    body = text.lstrip("".join(_STRING_PREFIXES))
    if len(text) - len(body) > 1:
        return None
    quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
    if quote not in ('"', "'", '"""', "'''") or len(body) < 2 * len(quote) or not body.endswith(quote):
        return None
    return body[len(quote) : -len(quote)]


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _short(node: ast.AST, limit: int = 60) -> str:
    text = _dotted(node)
    if text is None:
        try:
            text = ast.unparse(node)
        except Exception:  # pragma: no cover - unparse handles every node the parser makes
            text = "..."
    return text if len(text) <= limit else "..." + text[-(limit - 3) :]
