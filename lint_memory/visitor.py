"""The detection mechanism: one ``ast.NodeVisitor`` that resolves names the way Python does.

It keeps a chain of scopes (module, class, function, lambda, comprehension) whose bindings are
qualified names from imports, memory instances, local memory subclasses, or "something else"
(which shadows an import).  Function bodies are visited after the module, as ruff does, so they
see the module's final bindings.  Everything it knows about LangChain comes from the catalog.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from lint_memory import catalog, findings, lookup
from lint_memory.catalog import Entry
from lint_memory.findings import Finding
from lint_memory.rules import BY_CODE

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class Binding:
    kind: str  # "path" | "instance" | "memclass" | "other"
    path: str | None = None
    entry: Entry | None = None


OTHER = Binding("other")


@dataclass
class Scope:
    kind: str  # "module" | "class" | "function" | "lambda" | "comprehension"
    names: dict[str, Binding] = field(default_factory=dict)


@dataclass
class ClassContext:
    """What the methods of one class store on ``self``."""

    attrs: dict[str, Entry] = field(default_factory=dict)
    pending: list[tuple[str, object]] = field(default_factory=list)  # (attr, callback(entry))


@dataclass
class _Deferred:
    node: ast.AST
    scopes: list[Scope]
    klass: ClassContext | None  # set when node is a method
    guard: frozenset[str]


class MemoryVisitor(ast.NodeVisitor):
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.scopes: list[Scope] = [Scope("module")]
        self.deferred: list[_Deferred] = []
        self.classes: list[ClassContext] = []
        self.klass: ClassContext | None = None  # the class whose body is being visited
        self.method: tuple[ClassContext, str] | None = None  # (class, name of `self`) inside a method
        self.guard: frozenset[str] = frozenset()  # new homes imported by the enclosing `try:`

    # --- driving -----------------------------------------------------------------------------
    def run(self, tree: ast.AST) -> list[Finding]:
        self.visit(tree)
        while self.deferred:
            self._run_deferred(self.deferred.pop(0))
        for klass in self.classes:
            for attr, callback in klass.pending:
                if attr in klass.attrs:
                    callback(klass.attrs[attr])
        return self.findings

    def _run_deferred(self, item: _Deferred) -> None:
        node = item.node
        self.scopes = [*item.scopes, Scope("function")]
        self.klass, self.guard = None, item.guard
        args = node.args
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        params += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in params:
            entry = self._memory_class(arg.annotation) if arg.annotation is not None else None
            self._bind(arg.arg, Binding("instance", entry=entry) if entry else OTHER)
        self.method = None
        positional = [*args.posonlyargs, *args.args]
        if item.klass is not None and positional and not self._is_static(node):
            self.method = (item.klass, positional[0].arg)
        for statement in node.body:
            self.visit(statement)

    @staticmethod
    def _is_static(node: ast.AST) -> bool:
        return any(
            isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in node.decorator_list
        )

    # --- scopes ------------------------------------------------------------------------------
    def _bind(self, name: str, binding: Binding) -> None:
        self.scopes[-1].names[name] = binding

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
            node = _parse_annotation(node)
            if node is None:
                return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._memory_class(node.left) or self._memory_class(node.right)
        if isinstance(node, ast.Subscript):  # Optional[X], Annotated[X, ...]
            inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and node.slice.elts else node.slice
            return self._memory_class(inner)
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
            return entry
        if isinstance(node, ast.Name):
            binding = self._lookup(node.id)
            return binding.entry if binding is not None and binding.kind == "instance" else None
        if isinstance(node, ast.NamedExpr):
            return self._memory_value(node.value)
        attr = self._self_attr(node)
        if attr is not None:
            return self.method[0].attrs.get(attr)
        return None

    def _self_attr(self, node: ast.AST) -> str | None:
        """``X`` when node is ``self.X`` inside a method."""
        if (
            self.method is not None
            and isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == self.method[1]
        ):
            return node.attr
        return None

    def _when_memory(self, node: ast.AST, callback) -> None:
        """Call ``callback(entry)`` if node holds a memory object, now or once its class is complete."""
        entry = self._memory_value(node)
        if entry is not None:
            callback(entry)
            return
        attr = self._self_attr(node)
        if attr is not None:
            self.method[0].pending.append((attr, callback))

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
            self._report(entry.rule, node, findings.reference(entry, written), entry.name)

    def _report_moved(self, old: str, node: ast.AST, *, module: bool) -> None:
        new = lookup.new_home(old)
        if new is None or self._guarded(new, lookup.BY_PATH.get(old)):
            return
        url = BY_CODE["LCM400"].url
        self._report("LCM400", node, findings.moved(old, new, url, module=module), old, target=new)

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
        for statement in node.body:
            self.visit(statement)
        for handler in node.handlers:
            outer = self.guard
            if imported and _catches_import_error(handler.type):
                self.guard = outer | imported
            self.visit(handler)
            self.guard = outer
        for statement in [*node.orelse, *node.finalbody]:
            self.visit(statement)

    visit_TryStar = visit_Try

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
        self._bind(node.name, OTHER)
        klass = self.klass if self.scopes[-1].kind == "class" else None
        self.deferred.append(_Deferred(node, list(self.scopes), klass, self.guard))

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
        context = ClassContext()
        self.classes.append(context)
        outer_class, outer_method = self.klass, self.method
        self.klass, self.method = context, None
        self.scopes.append(Scope("class"))
        for statement in node.body:
            self.visit(statement)
        self.scopes.pop()
        self.klass, self.method = outer_class, outer_method
        self._bind(node.name, Binding("memclass", entry=base) if base else OTHER)

    def _visit_annotation(self, node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parsed = _parse_annotation(node)
            if parsed is not None:
                self.visit(parsed)
            return
        self.visit(node)

    # --- assignments -------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        entry = self._memory_value(node.value)
        for target in node.targets:
            self._assign(target, entry)

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
            attr = self._self_attr(target)
            if attr is not None and entry is not None:
                self.method[0].attrs[attr] = entry
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
                findings.memory_api(shown, entry, catalog.MEMORY_API_USE, BY_CODE["LCM302"].url),
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
            if keyword.arg in catalog.MEMORY_KEYWORDS:
                self._check_memory_argument(keyword, keyword.value, consumer, shown)
            elif keyword.arg in catalog.NESTED_KWARGS and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values):
                    if isinstance(key, ast.Constant) and key.value in catalog.MEMORY_KEYWORDS:
                        self._check_memory_argument(key, value, consumer, shown)
        self.generic_visit(node)

    def _check_memory_argument(self, where: ast.AST, value: ast.AST, consumer: bool, callee: str) -> None:
        rule = BY_CODE["LCM300"]

        def report(entry: Entry | None) -> None:
            message = findings.memory_argument(callee, entry, catalog.MEMORY_ARGUMENT, rule.url)
            self._report("LCM300", where, message, "memory")

        if consumer:
            report(self._memory_value(value))
        else:
            self._when_memory(value, report)


def _catches_import_error(node: ast.AST | None) -> bool:
    if node is None:
        return True
    names = node.elts if isinstance(node, ast.Tuple) else [node]
    return any(isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS for n in names)


def _parse_annotation(node: ast.Constant) -> ast.AST | None:
    try:
        parsed = ast.parse(node.value.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return None
    for child in ast.walk(parsed):
        if "lineno" in child._attributes:
            ast.copy_location(child, node)
            child.end_lineno, child.end_col_offset = node.end_lineno, node.end_col_offset
    return parsed


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
