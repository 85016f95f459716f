"""What astroid can tell about an expression that one file's syntax cannot (the pylint plugin's half).

The engine resolves names inside one file.  This module follows them into the other modules of
the checked project through astroid's scopes and module cache: imports and re-exports,
assignments, function returns, ``self.`` attributes set in any method of a class or of its project
ancestors, and base classes.

Names imported from LangChain are never loaded: they become their dotted import path and are
matched against the catalog (``lookup.BY_PATH``).  The answer is therefore the same whether or not
LangChain is installed, the catalog stays the only judge of what LangChain deprecated, and pylint
never parses LangChain's (large) sources on our behalf.  Standard-library and third-party modules
are not followed either: only modules of the checked project are.

Every answer records the project modules it was read from (``Ref.modules``), so that the checker
can keep the findings that needed another module and leave single-file reasoning to the engine.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import PurePath

from astroid import nodes
from astroid.exceptions import AstroidError
from astroid.manager import AstroidManager

from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup
from lint_memory.catalog.entries import Entry


def _langchain_roots() -> frozenset[str]:
    """Top-level packages whose names are matched by path, never loaded."""
    paths = [*lookup.BY_PATH, *catalog.MEMORY_CONSUMERS, *catalog.MOVED_MODULES, *catalog.MOVED_MODULES.values()]
    return frozenset(path.split(".", 1)[0] for path in paths)


LANGCHAIN_ROOTS = _langchain_roots()
_NOT_FOLLOWED = LANGCHAIN_ROOTS | sys.stdlib_module_names
_INSTALLED_DIRS = frozenset({"site-packages", "dist-packages"})
_SOURCE_SPECS = frozenset({"PY_SOURCE", "PKG_DIRECTORY", "PY_NAMESPACE"})  # astroid ModuleType names
_NESTED_SCOPES = (nodes.FunctionDef, nodes.ClassDef, nodes.Lambda)
_MAX_DEPTH = 40  # nested resolutions before giving up (each is a few Python frames)

# Ref kinds
PATH = "path"  # a qualified name below a LangChain package: `path`
MODULE = "module"  # a module of the checked project: `path`
CLASS = "class"  # a class of the project: `node`; `entry` is its deprecated ancestor, `via` the base it came through
OBJECT = "object"  # an instance of a project class that is not a memory class: `node`
MEMORY = "memory"  # a deprecated memory object: `entry`
FUNCTION = "function"  # a function or method of the project: `node`


@dataclass(frozen=True)
class Ref:
    """What an expression denotes, as far as lint-memory cares."""

    kind: str
    path: str | None = None
    node: nodes.NodeNG | None = None
    entry: Entry | None = None
    via: str | None = None
    modules: frozenset[str] = frozenset()  # project modules the answer was read from

    def through(self, modules: frozenset[str]) -> Ref:
        return replace(self, modules=self.modules | modules) if modules - self.modules else self

    @property
    def catalog_entry(self) -> Entry | None:
        """The catalog entry this names: a LangChain path, or a project class's deprecated ancestor."""
        if self.kind == PATH:
            return lookup.BY_PATH.get(self.path) if self.path is not None else None
        return self.entry if self.kind == CLASS else None

    @property
    def memory_class(self) -> Entry | None:
        entry = self.catalog_entry
        return entry if entry is not None and entry.memory else None

    def needs_other_module(self, module: str) -> bool:
        """True when the answer was read from a project module other than ``module``."""
        return bool(self.modules - {module})


class Resolver:
    """Resolves astroid expressions to ``Ref``s, memoising per definition for the whole pylint run."""

    def __init__(self, manager: AstroidManager | None = None) -> None:
        self._manager = manager or AstroidManager()
        self._modules: dict[str, nodes.Module | None] = {}
        self._attributes: dict[tuple[str, str], Ref | None] = {}
        self._classes: dict[nodes.ClassDef, Ref] = {}
        self._parents: dict[nodes.ClassDef, tuple[Ref, ...]] = {}
        self._returns: dict[nodes.FunctionDef, Ref | None] = {}
        self._reading: set[nodes.FunctionDef] = set()  # functions whose returns are being read
        self._depth = 0

    # --- public ------------------------------------------------------------------------------
    def expression(self, node: nodes.NodeNG) -> Ref | None:
        """What an expression evaluates to, or None when it is nothing lint-memory knows."""
        if self._depth >= _MAX_DEPTH:
            return None
        self._depth += 1
        try:
            return self._expression(node)
        finally:
            self._depth -= 1

    def class_def(self, node: nodes.ClassDef) -> Ref:
        """A project class, with its nearest deprecated ancestor if it has one (bases left to right)."""
        known = self._classes.get(node)
        if known is not None:
            return known
        self._classes[node] = Ref(CLASS, node=node)  # provisional: a cyclic hierarchy ends here
        entry = via = None
        modules: frozenset[str] = frozenset()
        parents = []
        for base in node.bases:
            ref = self.expression(base)
            if ref is None:
                continue
            if ref.kind == CLASS:
                parents.append(ref)
            found = ref.catalog_entry
            if entry is None and found is not None and found.rule:
                entry, modules = found, ref.modules
                via = ref.node.qname() if ref.kind == CLASS and ref.node is not None else None
        result = Ref(CLASS, node=node, entry=entry, via=via, modules=modules)
        self._classes[node], self._parents[node] = result, tuple(parents)
        return result

    def imported(self, node: nodes.ImportFrom, name: str) -> Ref | None:
        """What the name ``name`` (as written in the statement, before ``as``) of a from-import denotes."""
        try:
            module = node.root().relative_to_absolute_name(node.modname, node.level)
        except AstroidError:
            return None
        return self.module_attribute(module, name)

    def module_attribute(self, module: str, name: str) -> Ref | None:
        """``module.name``: a LangChain path, or a project module's binding (or submodule)."""
        if module.split(".", 1)[0] in LANGCHAIN_ROOTS:
            return Ref(PATH, path=f"{module}.{name}")
        key = (module, name)
        if key in self._attributes:
            return self._attributes[key]
        self._attributes[key] = None  # provisional: circular re-exports end here
        result = None
        tree = self.project_module(module)
        if tree is not None:
            for binding in reversed(tree.locals.get(name, ())):
                result = self._binding(binding, name)
                if result is not None:
                    break
            if result is None and self.project_module(f"{module}.{name}") is not None:
                result = Ref(MODULE, path=f"{module}.{name}")
            if result is not None:
                result = result.through(frozenset({module}))
        self._attributes[key] = result
        return result

    def project_module(self, name: str) -> nodes.Module | None:
        """The astroid module for a module of the checked project; None for LangChain, the standard
        library, installed packages and modules that cannot be found or parsed."""
        if name in self._modules:
            return self._modules[name]
        tree = None
        if name and name.split(".", 1)[0] not in _NOT_FOLLOWED:
            cached = self._manager.astroid_cache.get(name)  # pylint's own modules, and modules built from text
            if cached is not None:
                tree = None if cached.file and _installed_path(cached.file) else cached
            else:
                try:
                    spec = self._manager.file_from_module_name(name, None)
                    if spec.type.name in _SOURCE_SPECS and not _installed(spec):
                        tree = self._manager.ast_from_module_name(name)
                except (AstroidError, SyntaxError, ValueError, OSError):
                    tree = None
        self._modules[name] = tree
        return tree

    # --- expressions -------------------------------------------------------------------------
    def _expression(self, node: nodes.NodeNG) -> Ref | None:
        if isinstance(node, nodes.Name):
            return self._name(node)
        if isinstance(node, nodes.Attribute):
            return self._attribute(self.expression(node.expr), node.attrname)
        if isinstance(node, nodes.Call):
            return self._call(node)
        if isinstance(node, nodes.Await) and isinstance(node.value, nodes.Call):
            return self._call(node.value, awaited=True)
        if isinstance(node, (nodes.NamedExpr, nodes.Await)):
            return self.expression(node.value)
        return None

    def _name(self, node: nodes.Name) -> Ref | None:
        scope, bindings = node.lookup(node.name)
        if isinstance(scope, nodes.Module) and scope.name == "builtins":
            return None
        for binding in bindings:
            ref = self._binding(binding, node.name)
            if ref is not None:
                return ref
        return None

    def _binding(self, binding: nodes.NodeNG, name: str) -> Ref | None:
        """What a name bound by ``binding`` (an import, a definition or an assignment target) denotes."""
        if isinstance(binding, nodes.ImportFrom):
            try:
                real = binding.real_name(name)
            except AstroidError:
                return None
            return self.imported(binding, real)
        if isinstance(binding, nodes.Import):
            return self._import(binding, name)
        if isinstance(binding, nodes.ClassDef):
            return self.class_def(binding)
        if isinstance(binding, nodes.FunctionDef):
            return Ref(FUNCTION, node=binding)
        if isinstance(binding, (nodes.AssignName, nodes.AssignAttr)):
            return self._assigned(binding)
        return None

    def _import(self, node: nodes.Import, name: str) -> Ref | None:
        for dotted, alias in node.names:
            if alias == name or (alias is None and dotted.split(".", 1)[0] == name):
                target = dotted if alias else name  # `import a.b` binds `a`
                if target.split(".", 1)[0] in LANGCHAIN_ROOTS:
                    return Ref(PATH, path=target)
                return Ref(MODULE, path=target) if self.project_module(target) is not None else None
        return None

    def _assigned(self, target: nodes.AssignName | nodes.AssignAttr) -> Ref | None:
        parent = target.parent
        if isinstance(parent, nodes.Arguments):
            return self._parameter(parent, target)
        if isinstance(parent, (nodes.Assign, nodes.NamedExpr)):
            return self.expression(parent.value)
        if isinstance(parent, nodes.AnnAssign):
            found = self.expression(parent.value) if parent.value is not None else None
            return found or self._instance_of(self._annotation(parent.annotation))
        return None  # loop targets, unpacking, `with ... as`, augmented assignment: unknown

    def _parameter(self, arguments: nodes.Arguments, target: nodes.AssignName) -> Ref | None:
        function = arguments.parent
        positional = [*(arguments.posonlyargs or ()), *(arguments.args or ())]
        if (
            isinstance(function, nodes.FunctionDef)
            and isinstance(function.parent, nodes.ClassDef)
            and positional
            and positional[0] is target
        ):
            kind = function.type
            if kind == "method":  # `self`: an instance of the enclosing class, memory subclass or not
                return Ref(OBJECT, node=function.parent)
            if kind == "classmethod":
                return self.class_def(function.parent)
        annotation = _annotation_of(arguments, target)
        return self._instance_of(self._annotation(annotation)) if annotation is not None else None

    def _annotation(self, node: nodes.NodeNG) -> Ref | None:
        """The class an annotation names: ``X``, ``X | None``, ``Optional[X]``, ``Annotated[X, ...]``."""
        if isinstance(node, nodes.BinOp) and node.op == "|":
            return self._annotation(node.left) or self._annotation(node.right)
        if isinstance(node, nodes.Subscript):
            inner = node.slice
            if isinstance(inner, nodes.Tuple) and inner.elts:
                inner = inner.elts[0]
            return self._annotation(inner)
        return self.expression(node)

    def _instance_of(self, klass: Ref | None) -> Ref | None:
        """What calling a class gives: a memory object, or an instance of a project class."""
        if klass is None:
            return None
        entry = klass.memory_class
        if entry is not None:
            return Ref(MEMORY, entry=entry, modules=klass.modules)
        return Ref(OBJECT, node=klass.node, modules=klass.modules) if klass.kind == CLASS else None

    def _attribute(self, base: Ref | None, name: str) -> Ref | None:
        if base is None:
            return None
        if base.kind == PATH:
            return Ref(PATH, path=f"{base.path}.{name}", modules=base.modules)
        if base.kind == MODULE and base.path is not None:
            found = self.module_attribute(base.path, name)
        elif base.kind in (CLASS, OBJECT) and base.node is not None:
            found = self._member(base.node, name, instance=base.kind == OBJECT)
        else:
            return None
        return found.through(base.modules) if found is not None else None

    def _member(self, klass: nodes.ClassDef, name: str, *, instance: bool) -> Ref | None:
        """An attribute of a project class or of its instances, looked up along its project ancestors."""
        for owner, modules in self._lineage(klass):
            bindings = [*(owner.instance_attrs.get(name, ()) if instance else ()), *owner.locals.get(name, ())]
            for binding in bindings:
                found = self._binding(binding, name)
                if found is not None:
                    return found.through(modules)
        return None

    def _lineage(self, klass: nodes.ClassDef) -> list[tuple[nodes.ClassDef, frozenset[str]]]:
        """The class and its project ancestors, depth first, each with the modules it was found in."""
        self.class_def(klass)
        order: list[tuple[nodes.ClassDef, frozenset[str]]] = []
        seen: set[nodes.ClassDef] = set()
        pending: list[tuple[nodes.ClassDef, frozenset[str]]] = [(klass, frozenset())]
        while pending:
            owner, modules = pending.pop(0)
            if owner in seen:
                continue
            seen.add(owner)
            order.append((owner, modules))
            self.class_def(owner)
            pending[:0] = [(parent.node, modules | parent.modules) for parent in self._parents.get(owner, ())]
        return order

    def _call(self, node: nodes.Call, awaited: bool = False) -> Ref | None:
        callee = self.expression(node.func)
        if callee is not None and callee.kind == FUNCTION:
            if isinstance(callee.node, nodes.AsyncFunctionDef) and not awaited:
                return None  # a coroutine: `await` gives what the function returns
            returned = self._returned(callee.node)
            return returned.through(callee.modules) if returned is not None else None
        made = self._instance_of(callee)
        func = node.func
        constructor = isinstance(func, nodes.Attribute) and func.attrname.startswith(catalog.CONSTRUCTOR_PREFIXES)
        if made is None and constructor:
            owner = self.expression(func.expr)  # Memory.from_messages(...)
            if owner is not None and owner.memory_class is not None:
                made = self._instance_of(owner)
        return made

    def _returned(self, function: nodes.FunctionDef) -> Ref | None:
        """What a call of a project function gives: from its return annotation, else its returns."""
        if function in self._returns:
            return self._returns[function]
        self._returns[function] = None  # provisional: recursion ends here
        result = None
        if function.returns is not None:
            result = self._instance_of(self._annotation(function.returns))
        if result is None and not function.is_generator():
            self._reading.add(function)
            try:
                result = self._returned_values(function)
            finally:
                self._reading.discard(function)
        self._returns[function] = result
        return result

    def _returned_values(self, function: nodes.FunctionDef) -> Ref | None:
        """A memory object when every ``return`` gives one, as the engine decides for a local helper
        (``return None``, a bare ``return`` and a recursive call set aside); else the first project
        object returned (its attributes may hold memory)."""
        memory = instance = None
        other = False
        for statement in function.nodes_of_class(nodes.Return, skip_klass=_NESTED_SCOPES):
            for value in _outcomes(statement.value):
                if value is None or (isinstance(value, nodes.Const) and value.value is None):
                    continue
                found = self.expression(value)
                if found is not None and found.kind == MEMORY:
                    memory = memory or found
                    continue
                if found is not None and found.kind == OBJECT:
                    instance = instance or found
                if found is not None or not self._recursive(value):
                    other = True
        return memory if memory is not None and not other else instance

    def _recursive(self, value: nodes.NodeNG) -> bool:
        """Is ``value`` a call of a function whose returns are being read (recursion)?"""
        call = value.value if isinstance(value, nodes.Await) else value
        if not isinstance(call, nodes.Call):
            return False
        callee = self.expression(call.func)
        return callee is not None and callee.kind == FUNCTION and callee.node in self._reading


def _outcomes(node: nodes.NodeNG | None) -> list[nodes.NodeNG | None]:
    """The values an expression may give: both arms of ``a if test else b``, nested."""
    todo, found = [node], []
    while todo:
        node = todo.pop()
        if isinstance(node, nodes.IfExp):
            todo += [node.orelse, node.body]
        else:
            found.append(node)
    return found


def _annotation_of(arguments: nodes.Arguments, target: nodes.AssignName) -> nodes.NodeNG | None:
    groups = (
        (arguments.posonlyargs, arguments.posonlyargs_annotations),
        (arguments.args, arguments.annotations),
        (arguments.kwonlyargs, arguments.kwonlyargs_annotations),
    )
    for params, hints in groups:
        for param, annotation in zip(params or (), hints or ()):
            if param is target:
                return annotation
    return None


def _installed(spec) -> bool:
    """True for a module that pip installed (site-packages), as opposed to the project's own code."""
    locations = [spec.location, *(spec.submodule_search_locations or ())]
    return any(location and _installed_path(location) for location in locations)


def _installed_path(path: str) -> bool:
    return bool(_INSTALLED_DIRS & set(PurePath(path).parts))
