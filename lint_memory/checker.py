"""The checker: one walk over a module that keeps the semantic model current and calls the rules.

It resolves names the way Python does, through the ``SemanticModel``: a chain of scopes (module,
class, function, lambda, comprehension) whose bindings are qualified names from imports, memory
instances, local memory subclasses, or "something else" (which shadows an import).  Function bodies
are walked after the module, as ruff does, so they see the module's final bindings.  Alternative
blocks (if/else, try/except, loop bodies, match cases) are merged by the model.

At each event it calls the functions of the enabled rule families (``lint_memory.rules.FAMILIES``),
in the manner of ruff's checker:

* ``on_import(ctx, node, alias)`` after ``import a.b`` bound its name;
* ``on_import_from(ctx, node, alias, path)`` after ``from m import X`` (``path`` is ``m.X``, None for
  ``*``; relative imports are not LangChain's and get no event);
* ``on_name(ctx, node, binding)`` for a read name that is bound (to a binding of a kind in the family's
  ``ON_NAME_KINDS``, when it has one: the walk then calls it for those only);
* ``on_attribute(ctx, node, path) -> bool`` for each attribute of a chain, outermost first (``path``:
  its qualified name through imports, or None); True stops the walk inside the chain;
* ``on_call(ctx, node)`` before the call's children are walked.

``ctx`` is the checker (``rules.base.Context``): ``model``, ``values``, ``memo``, ``report``.  A
function body read for what it returns (``semantic.values``) is walked by a checker with no rule
family and a ``ReturnCollector``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection
from functools import partial
from types import ModuleType
from typing import Any

from lint_memory.catalog import index as lookup
from lint_memory.model import Finding
from lint_memory.rules import FAMILIES, LINT_RULES, moved_import
from lint_memory.semantic.bindings import Binding, BindingKind, ClassContext, FunctionBody, Scope, ScopeKind
from lint_memory.semantic.model import SemanticModel
from lint_memory.semantic.syntax import CHILD_FIELDS, elements, is_staticmethod, parameters, typing_form
from lint_memory.semantic.values import ReturnCollector, Values

ALL_CODES: frozenset[str] = frozenset(rule.code for rule in LINT_RULES)


def _hooks(families: tuple[ModuleType, ...], event: str) -> tuple[Callable[..., Any], ...]:
    return tuple(getattr(family, event) for family in families if hasattr(family, event))


class _Hooks:
    """The functions of the rule families that a set of enabled codes needs, per event."""

    def __init__(self, enabled: frozenset[str]) -> None:
        families = tuple(f for f in FAMILIES if any(rule.code in enabled for rule in f.RULES))
        self.guards = moved_import in families
        self.on_import = _hooks(families, "on_import")
        self.on_import_from = _hooks(families, "on_import_from")
        self.on_name = _hooks(families, "on_name")
        named = [family for family in families if hasattr(family, "on_name")]
        kinds = [getattr(family, "ON_NAME_KINDS", frozenset(BindingKind)) for family in named]
        # the kinds of the reads some on_name looks at: a tuple (``in`` compares enum members by identity first,
        # where a set would hash them through Enum.__hash__, a Python function)
        self.name_kinds: tuple[BindingKind, ...] = tuple(kind for kind in BindingKind if any(kind in k for k in kinds))
        self.on_attribute = _hooks(families, "on_attribute")
        self.on_call = _hooks(families, "on_call")


_HOOKS: dict[frozenset[str], _Hooks] = {}  # by the enabled codes: a checker is made per module and per probe


def semantic_model(tree: ast.AST, lines: list[str] | None = None) -> SemanticModel:
    """The semantic model of a module after a walk with no rule enabled: every binding, with its
    references (``model.imports()``, ``model.references(binding)``, ``model.bindings_of(name)``)."""
    checker = Checker(lines, codes=())
    checker.model.reads = []  # for ``model.runtime_bindings``: when a load runs, not when the walk reads it
    checker.run(tree)
    return checker.model


def _read_returns(lines: list[str] | None, item: FunctionBody, values: Values, collector: ReturnCollector) -> None:
    """The ``Values.reader`` (``lines`` bound): walk a body with no rule enabled, its returns given to
    ``collector``.  A function, not a method: the checker's values then hold no reference back to it."""
    Checker(lines, values=values, returns=collector).run_function(item)


class _Visits(dict):  # type: ignore[type-arg]
    """Node class -> the ``Checker`` method that visits it, or None when nothing is to be done (a
    class with no method of its own and no child: ``Load``, ``Add``, ``Pass``; anything not a node,
    as a field's ``str``, ``int`` or ``None`` is).  Filled on first sight of each class."""

    def __missing__(self, kind: type) -> Callable[..., Any] | None:
        method: Callable[..., Any] | None = None
        if issubclass(kind, ast.AST) and kind not in _LEAVES:
            method = getattr(Checker, "visit_" + kind.__name__, None)
            if method is None and CHILD_FIELDS[kind]:
                method = Checker.generic_visit
        self[kind] = method
        return method


# Node classes whose visit does nothing: a constant, a name's context, ``global`` (see their methods).
_LEAVES = frozenset({ast.Constant, ast.Load, ast.Global})


_VISITS = _Visits()
_LOAD = ast.Load


class Checker(ast.NodeVisitor):
    """Walks one module; ``run(tree)`` returns the findings of the enabled rules (unsorted)."""

    def __init__(
        self,
        lines: list[str] | None = None,
        codes: Collection[str] | None = None,
        *,
        values: Values | None = None,
        returns: ReturnCollector | None = None,
        track: bool = True,
    ) -> None:
        """``lines``: the source, split as Python counts lines (checks string annotations);
        ``codes``: the enabled rules (default: every lint rule).  ``values`` and ``returns`` make a
        checker that reads one function body for its returns (no rule is then enabled).  ``track``:
        the model records every binding and its references (no rule asks for them: a walk for the
        findings alone, as ``engine.check_tree``'s, passes False)."""
        self.enabled = frozenset(ALL_CODES if codes is None else codes) if returns is None else frozenset()
        if values is None:
            values = Values(SemanticModel(track=track), lines, partial(_read_returns, lines))
        self.values = values
        self.model = self.values.model
        self.lines = lines
        self.returns = returns
        self.memo: dict[str, Any] = {}
        self.findings: list[Finding] = []
        hooks = _HOOKS.get(self.enabled)
        if hooks is None:
            hooks = _HOOKS[self.enabled] = _Hooks(self.enabled)
        self._guards = hooks.guards
        self._on_import = hooks.on_import
        self._on_import_from = hooks.on_import_from
        self._on_name = hooks.on_name
        self._name_kinds = hooks.name_kinds
        self._on_attribute = hooks.on_attribute
        self._on_call = hooks.on_call

    # --- driving -----------------------------------------------------------------------------
    def visit(self, node: ast.AST) -> Any:
        """``ast.NodeVisitor.visit`` with the method looked up once per node class (``_VISITS``)."""
        method = _VISITS[node.__class__]
        return method(self, node) if method is not None else None

    def generic_visit(self, node: ast.AST) -> None:
        """``ast.NodeVisitor.generic_visit`` without its generators: the children of ``node``, in
        field order (most of the walk's nodes have no method of their own and pass through here).
        Each child goes straight to its method; children with nothing to visit are passed over."""
        visits = _VISITS
        for name in CHILD_FIELDS[node.__class__]:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    method = visits[item.__class__]
                    if method is not None:
                        method(self, item)
            else:
                method = visits[value.__class__]
                if method is not None:
                    method(self, value)

    def visit_Constant(self, node: ast.Constant) -> None:
        return None  # no child node (NodeVisitor's own visit_Constant looks for legacy methods)

    def visit_Load(self, node: ast.Load) -> None:
        return None  # no child node: the context of every name and attribute

    def run(self, tree: ast.AST) -> list[Finding]:
        """Walk the module, then the function bodies, then report what classes completed."""
        model = self.model
        self.visit(tree)
        model.final = True
        index = 0
        while index < len(model.deferred):  # bodies walked here may defer nested functions
            self.run_function(model.deferred[index])
            index += 1
        model.bodies, model.deferred = model.deferred, []
        for klass in model.classes:
            for attr, callback in klass.pending:
                entry = klass.find(attr)
                if entry is not None:
                    callback(entry)
        return self.findings

    def run_function(self, item: FunctionBody) -> None:
        """Walk a function body in a new scope on the chain it was defined in, parameters bound."""
        model, values, node = self.model, self.values, item.node
        model.scopes = [*item.scopes, Scope(ScopeKind.FUNCTION)]
        model.klass, model.guard = None, item.guard
        args = node.args
        params = parameters(args)
        for arg, default in params:
            entry = values.memory_class(arg.annotation) if arg.annotation is not None else None
            if entry is None and default is not None:
                entry = values.memory_value(default)
            binding = Binding(BindingKind.INSTANCE, entry=entry) if entry else Binding(BindingKind.OTHER)
            model.bind(arg.arg, binding, arg)
        model.method = None
        positional = [*args.posonlyargs, *args.args]
        if item.klass is not None and positional and not is_staticmethod(node):
            model.method = (item.klass, positional[0].arg)  # `self`, or `cls` in a classmethod
        elif item.method is not None and item.method[1] not in {arg.arg for arg, _ in params}:
            model.method = item.method  # a closure inside a method still sees its `self`
        self._visit_block(node.body)

    # --- reporting (for the rules) -----------------------------------------------------------
    def report(self, code: str, node: ast.AST, message: str, symbol: str, target: str | None = None) -> None:
        if code not in self.enabled:
            return
        self.findings.append(
            Finding(
                code=code,
                message=message,
                line=node.lineno,  # type: ignore[attr-defined]
                col=node.col_offset,  # type: ignore[attr-defined]
                end_line=getattr(node, "end_lineno", None) or node.lineno,  # type: ignore[attr-defined]
                end_col=getattr(node, "end_col_offset", None) or node.col_offset,  # type: ignore[attr-defined]
                symbol=symbol,
                target=target,
            )
        )

    # --- imports -----------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        model = self.model
        for alias in node.names:
            if alias.asname:
                model.bind(alias.asname, Binding(BindingKind.PATH, alias.name), alias)
            else:
                root = alias.name.split(".", 1)[0]
                model.bind(root, Binding(BindingKind.PATH, root), alias)
            for hook in self._on_import:
                hook(self, node, alias)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        model = self.model
        if node.level or not node.module:
            for alias in node.names:
                if alias.name != "*":
                    model.bind_other(alias.asname or alias.name, alias)
            return
        module = node.module
        for alias in node.names:
            if alias.name == "*":
                for name, path in lookup.EXPORTS.get(module, {}).items():
                    model.bind(name, Binding(BindingKind.PATH, path), alias)
                for hook in self._on_import_from:
                    hook(self, node, alias, None)
                continue
            path = f"{module}.{alias.name}"
            model.bind(alias.asname or alias.name, Binding(BindingKind.PATH, path), alias)
            for hook in self._on_import_from:
                hook(self, node, alias, path)

    def visit_Try(self, node: ast.Try) -> None:
        model = self.model
        guard = moved_import.import_guard(node.body) if self._guards else frozenset()

        def handler(clause: ast.ExceptHandler) -> Callable[[], None]:
            def run() -> None:
                outer = model.guard
                if guard and moved_import.catches_import_error(clause.type):
                    model.guard = outer | guard
                self.visit(clause)
                model.guard = outer

            return run

        model.try_except(
            lambda: self._visit_block(node.body),
            [handler(clause) for clause in node.handlers],
            lambda: self._visit_block(node.orelse),
        )
        self._visit_block(node.finalbody)

    visit_TryStar = visit_Try  # type: ignore[assignment]

    # --- control flow ------------------------------------------------------------------------
    def _visit_block(self, statements: list[ast.stmt]) -> None:
        visits = _VISITS
        for statement in statements:
            method = visits[statement.__class__]
            if method is not None:
                method(self, statement)

    def visit_Expr(self, node: ast.Expr) -> None:
        """An expression statement (a call, a docstring): its value, the one child."""
        value = node.value
        method = _VISITS[value.__class__]
        if method is not None:
            method(self, value)

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        self.model.alternatives(lambda: self._visit_block(node.body), lambda: self._visit_block(node.orelse))

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)

        def loop() -> None:
            self.visit(node.target)
            self._visit_block(node.body)
            self._visit_block(node.orelse)

        self.model.alternatives(loop, lambda: None)  # the body may run no time at all

    visit_AsyncFor = visit_For

    def visit_While(self, node: ast.While) -> None:
        self.visit(node.test)
        self.model.alternatives(lambda: self._visit_block([*node.body, *node.orelse]), lambda: None)

    def visit_Match(self, node: ast.Match) -> None:
        self.visit(node.subject)

        def case(branch: ast.match_case) -> Callable[[], None]:
            def run() -> None:
                self.visit(branch.pattern)
                if branch.guard is not None:
                    self.visit(branch.guard)
                self._visit_block(branch.body)

            return run

        self.model.alternatives(*map(case, node.cases), lambda: None)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.pattern is not None:
            self.visit(node.pattern)
        if node.name:
            self.model.bind_other(node.name, node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.model.bind_other(node.name, node)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        for child in [*node.keys, *node.patterns]:
            self.visit(child)
        if node.rest:
            self.model.bind_other(node.rest, node)

    def visit_Return(self, node: ast.Return) -> None:
        collector = self.returns
        if collector is None:
            if node.value is not None:
                self.visit(node.value)
        elif collector.wants(node):
            self.visit(node.value)  # type: ignore[arg-type]
            collector.collect(node.value)  # type: ignore[arg-type]

    # --- definitions -------------------------------------------------------------------------
    def _visit_type_params(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        """PEP 695 / 696 type parameters (``def f[T: Bound = Default]``, ``class C[T: (A, B)]``): their
        bounds, constraints and defaults are type expressions of the enclosing scope."""
        for param in getattr(node, "type_params", ()):  # Python >= 3.12
            bound = getattr(param, "bound", None)
            default = getattr(param, "default_value", None)  # Python >= 3.13
            for expression in (bound, default):
                if isinstance(expression, ast.Tuple):  # constraints: each is a type
                    for element in expression.elts:
                        self._visit_annotation(element)
                elif expression is not None:
                    self._visit_annotation(expression)

    def _visit_signature(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._visit_type_params(node)
        args = node.args
        for default in [*args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            self.visit(default)
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None and arg.annotation is not None:
                self._visit_annotation(arg.annotation)
        if node.returns is not None:
            self._visit_annotation(node.returns)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        model = self.model
        self._visit_signature(node)
        returns = self.values.memory_class(node.returns) if node.returns is not None else None
        kind = BindingKind.COROUTINE if isinstance(node, ast.AsyncFunctionDef) else BindingKind.FUNCTION
        klass = model.klass if model.in_class_body else None
        outer = model.method if klass is None else None
        item = FunctionBody(node, list(model.scopes), klass, model.guard, outer)
        binding = model.bind(node.name, Binding(kind, entry=returns, body=item), node)
        if klass is not None:
            klass.methods[node.name] = binding
        model.deferred.append(item)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        model = self.model
        args = node.args
        for default in [*args.defaults, *[d for d in args.kw_defaults if d is not None]]:
            self.visit(default)
        model.push_scope(ScopeKind.LAMBDA)
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
            if arg is not None:
                model.bind_other(arg.arg, arg)
        self.visit(node.body)
        model.pop_scope()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        model, values = self.model, self.values
        for decorator in node.decorator_list:
            self.visit(decorator)
        self._visit_type_params(node)
        for expression in [*node.bases, *node.keywords]:
            self.visit(expression)
        base = next((e for e in map(values.memory_class, node.bases) if e is not None), None)
        bases = [model.resolve(b) for b in node.bases]
        context = ClassContext(bases=[b.klass for b in bases if b is not None and b.klass is not None])
        model.classes.append(context)
        outer_class, outer_method = model.klass, model.method
        model.klass, model.method = context, None
        model.push_scope(ScopeKind.CLASS)
        self._visit_block(node.body)
        model.pop_scope()
        model.klass, model.method = outer_class, outer_method
        kind = BindingKind.MEMORY_CLASS if base else BindingKind.CLASS
        model.bind(node.name, Binding(kind, entry=base, klass=context), node)

    def _visit_annotation(self, node: ast.expr) -> None:
        """Visit a type expression, reading the forward references (strings) nested in it."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parsed = self.values.parse_annotation(node)
            if parsed is not None:
                self.model.enter_string()
                try:
                    self._visit_annotation(parsed)
                finally:
                    self.model.leave_string()
        elif isinstance(node, ast.Subscript):
            self.visit(node.value)
            form = typing_form(node.value)
            arguments = elements(node.slice)
            if form == "Literal":  # its strings are values, not types
                self.visit(node.slice)
            elif form == "Annotated" and arguments:  # only the first argument is a type
                self._visit_annotation(arguments[0])  # type: ignore[arg-type]
                for metadata in arguments[1:]:
                    self.visit(metadata)
            else:
                for argument in arguments:
                    self._visit_annotation(argument)  # type: ignore[arg-type]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            self._visit_annotation(node.left)
            self._visit_annotation(node.right)
        elif isinstance(node, (ast.List, ast.Tuple)):  # Callable[[A, B], R]
            for element in node.elts:
                self._visit_annotation(element)
        else:
            self.visit(node)

    # --- assignments -------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            self._assign_value(target, node.value)

    def _assign_value(self, target: ast.expr, value: ast.expr) -> None:
        """Bind a target to a value; ``a, b = X(), Y()`` pairs its elements up."""
        if (
            isinstance(target, (ast.Tuple, ast.List))
            and isinstance(value, (ast.Tuple, ast.List))
            and len(target.elts) == len(value.elts)
            and not any(isinstance(e, ast.Starred) for e in [*target.elts, *value.elts])
        ):
            for element, item in zip(target.elts, value.elts):
                self._assign_value(element, item)
            return
        self._assign(target, self.values.memory_value(value))

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._visit_annotation(node.annotation)
        if node.value is not None:
            self.visit(node.value)
        values = self.values
        entry = (values.memory_value(node.value) if node.value is not None else None) or values.memory_class(
            node.annotation
        )
        self._assign(node.target, entry)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self._assign(node.target, self.values.memory_value(node.value))

    def _assign(self, target: ast.expr, entry: Any) -> None:
        model = self.model
        if isinstance(target, ast.Name):
            binding = Binding(BindingKind.INSTANCE, entry=entry) if entry else Binding(BindingKind.OTHER)
            model.bind(target.id, binding, target)
            if entry is not None and model.in_class_body and model.klass is not None:
                model.klass.attrs[target.id] = entry
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self._assign(element, None)
        elif isinstance(target, ast.Starred):
            self._assign(target.value, None)
        else:
            owner = self.values.owner_attr(target)
            if owner is not None and entry is not None:
                owner[0].attrs[owner[1]] = entry
            self.visit(target)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.type is not None:
            self.visit(node.type)
        if node.name:
            self.model.bind_other(node.name, node)
        for statement in node.body:
            self.visit(statement)

    def visit_Global(self, node: ast.Global) -> None:
        return None

    # --- comprehensions ----------------------------------------------------------------------
    def _visit_comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, *results: ast.expr
    ) -> None:
        self.model.push_scope(ScopeKind.COMPREHENSION)
        for generator in node.generators:
            self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for result in results:
            self.visit(result)
        self.model.pop_scope()

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp) -> None:
        self._visit_comprehension(node, node.elt)

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._visit_comprehension(node, node.key, node.value)

    # --- uses --------------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        if node.ctx.__class__ is not _LOAD:
            self.model.bind_other(node.id, node)
            return
        binding = self.model.load(node)
        if binding is not None and binding.kind in self._name_kinds:
            for hook in self._on_name:
                hook(self, node, binding)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """An attribute chain: each attribute, outermost first, then what the innermost is taken of.
        The root name of the chain is read once, as the reference of the whole chain (``node``).
        A loop over the chain, whose paths come from one lookup of the root (``chain_paths``): a
        long chain costs no recursion and no walk back to its root per link.  The rules bind
        nothing, so the root's binding holds for the whole chain."""
        attributes: list[ast.Attribute] = [node]
        value = node.value
        while isinstance(value, ast.Attribute):
            attributes.append(value)
            value = value.value
        model, hooks = self.model, self._on_attribute
        name = value if isinstance(value, ast.Name) else None
        binding = model.lookup(name.id) if name is not None else None
        if hooks:
            for attribute, path in zip(attributes, model.chain_paths(attributes, binding)):
                for hook in hooks:
                    if hook(self, attribute, path):  # the chain names what a rule reported: nothing inside is looked at
                        if name is not None:
                            model.loaded(name, node, binding)
                        return
        if name is None:
            self.visit(value)
            return
        model.loaded(name, node, binding)
        if binding is not None and binding.kind in self._name_kinds:
            for hook in self._on_name:
                hook(self, name, binding)

    def visit_Call(self, node: ast.Call) -> None:
        for hook in self._on_call:
            hook(self, node)
        self.generic_visit(node)
