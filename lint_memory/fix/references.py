"""The references an ``import a.b`` (no alias) provides, and their rewrites when the import moves.

``import langchain.memory`` binds ``langchain``: moving it to ``langchain_classic.memory`` must
rewrite every ``langchain.memory...`` it provides.  Which load reads which import is the semantic
model's answer (``SemanticModel.runtime_bindings``, from a walk with no rule enabled:
``checker.semantic_model``); this module only decides what may move.  An import is not moved when
a reference cannot be rewritten safely: the name is also bound by something else (a local, a
parameter, an alias), declared ``global`` / ``nonlocal``, read in a string annotation, or a read
relies on a binding that the move would take away.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from lint_memory.catalog import index as lookup
from lint_memory.checker import semantic_model
from lint_memory.fix.imports import statements
from lint_memory.fix.text import Position, Replacement, Text
from lint_memory.semantic.bindings import Binding, BindingKind, Reference
from lint_memory.source.lines import split_lines

Key = tuple[int, str]  # (id of the scope, name): the unaliased imports that bind one name in one scope


@dataclass(frozen=True, eq=False)
class _Load:
    """A read of a name bound by unaliased imports, with the attribute chain read through it."""

    key: Key
    chain: tuple[ast.expr, ...]  # the Name, then each enclosing Attribute
    dotted: tuple[str, ...]  # "langchain", "langchain.memory", ...


class References:
    """The rewrites that keep ``import a.b`` users working when the import moves."""

    def __init__(self, tree: ast.Module | None, text: Text) -> None:
        self.text = text
        self.imports: dict[Key, list[Position]] = {}  # the unaliased imports binding a name in a scope
        self.modules: dict[Position, str] = {}  # unaliased import -> the module it imports
        self.blocked: set[str] = set()  # names whose imports are left alone
        self.loads: list[_Load] = []
        self.ready = False
        if tree is None:
            return
        moved = {
            alias.name
            for node in statements(tree.body)
            if isinstance(node, ast.Import)
            for alias in node.names
            if alias.asname is None and lookup.new_home(alias.name) is not None
        }
        if not moved:
            return
        roots = {name.split(".", 1)[0] for name in moved}
        watched = roots | {str(lookup.new_home(name)).split(".", 1)[0] for name in moved}
        try:
            model = semantic_model(tree, split_lines(text.text))
        except RecursionError:
            return
        self.blocked = _unmodelled(tree, roots, watched)
        for name in watched:
            for bound in model.bindings_of(name):
                self._bind(bound, name)
        for reference, binding in model.runtime_bindings():
            name = reference.node.id
            if name not in watched or binding is None or not _unaliased_import(binding):
                continue  # not bound by an import here, or the name is blocked
            if reference.in_string:
                self.blocked.add(name)  # a string annotation: not rewritten
            else:
                self.loads.append(_load((id(binding.scope), name), reference))
        self.ready = True

    def _bind(self, binding: Binding, name: str) -> None:
        alias = binding.node
        if not _unaliased_import(binding) or not isinstance(alias, ast.alias):
            self.blocked.add(name)  # an assignment, a parameter, `import x as name`, ...: leave it
            return
        where = (alias.lineno, self.text.char_column(alias.lineno, alias.col_offset))
        self.imports.setdefault((id(binding.scope), name), []).append(where)
        self.modules[where] = alias.name

    def plan(self, chosen: dict[Position, str]) -> tuple[set[Position], dict[Position, list[Replacement]]]:
        """Of the unaliased imports in ``chosen`` (position -> new module), those that can move,
        and the reference rewrites each brings."""
        if not self.ready:
            return set(), {}
        moved = {where: module for where, module in self.modules.items() if lookup.new_home(module) is not None}
        active = {
            where
            for where, new in chosen.items()
            if where in moved
            and moved[where].split(".", 1)[0] not in self.blocked
            and new.split(".", 1)[0] not in self.blocked
        }
        while True:
            invalid: set[Position] = set()
            rewrites: dict[Position, list[Replacement]] = {}
            for load in self.loads:
                bound = self.imports[load.key]
                prefixes = set(load.dotted)
                covering = [where for where in bound if moved.get(where) in prefixes]
                if covering:
                    where = max(covering, key=lambda w: (len(moved[w]), w in active))
                    if where in active:
                        replacement = self._replacement(load, moved[where], chosen[where])
                        if replacement is None:
                            invalid.add(where)
                        else:
                            rewrites.setdefault(where, []).append(replacement)
                    continue  # an import that stays keeps the binding
                relied_on = {where for where in active if moved[where] in prefixes}
                if relied_on:  # the module is imported (and moved) elsewhere
                    invalid |= relied_on
                elif all(where in active for where in bound):  # nothing would bind the name any more
                    invalid |= set(bound)
            if not invalid:
                return active, rewrites
            active -= invalid

    def _replacement(self, load: _Load, module: str, new: str) -> Replacement | None:
        start, end = self.text.span(load.chain[module.count(".")])
        if self.text.slice(start, end) != module:  # spaces, comments or an f-string: leave it
            return None
        return Replacement(start, end, new)


def _unaliased_import(binding: Binding) -> bool:
    """``import a.b`` (or ``import a``), which binds ``a`` to the path ``a``."""
    alias = binding.node
    return (
        binding.is_import
        and binding.kind is BindingKind.PATH
        and isinstance(alias, ast.alias)
        and alias.asname is None
        and binding.path == alias.name.split(".", 1)[0]
    )


def _load(key: Key, reference: Reference) -> _Load:
    attributes: list[ast.Attribute] = []
    current: ast.expr = reference.expression
    while isinstance(current, ast.Attribute):
        attributes.append(current)
        current = current.value
    dotted = [reference.node.id]
    for attribute in reversed(attributes):
        dotted.append(f"{dotted[-1]}.{attribute.attr}")
    return _Load(key, (reference.node, *reversed(attributes)), tuple(dotted))


def _unmodelled(tree: ast.Module, roots: set[str], names: set[str]) -> set[str]:
    """What the semantic model does not tell: the ``names`` that a ``global`` or ``nonlocal``
    statement declares (they bind in another scope than the one they are written in), and the
    ``roots`` that a string in an annotation mentions, whether the model reads it or not
    (``'langchain.memory' '.X'`` is not read)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            found.update(name for name in node.names if name in names)
        elif isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            found |= _named_in_strings(node.annotation, roots)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            found |= _named_in_strings(node.returns, roots)
    return found


def _named_in_strings(annotation: ast.expr, roots: set[str]) -> set[str]:
    strings = [c.value for c in ast.walk(annotation) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return {root for root in roots for text in strings if re.search(rf"\b{re.escape(root)}\b", text)}
