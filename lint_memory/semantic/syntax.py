"""Small helpers over ``ast`` nodes, shared by the model, the value analysis, the checker and the rules."""

from __future__ import annotations

import ast
import copy

# Fields that hold no node worth walking to: the context of a name (``Load``, ``Store``, ``Del``) and
# the operators, shared instances with no field of their own.
INERT_FIELDS = frozenset({"ctx", "op", "ops"})


class _ChildFields(dict):  # type: ignore[type-arg]
    """Node class -> the fields that may hold child nodes, in field order, ``INERT_FIELDS`` left out."""

    def __missing__(self, kind: type) -> tuple[str, ...]:
        fields = tuple(name for name in getattr(kind, "_fields", ()) if name not in INERT_FIELDS)
        self[kind] = fields
        return fields


CHILD_FIELDS: dict[type, tuple[str, ...]] = _ChildFields()  # filled on first sight of each class


def children(node: ast.AST) -> list[ast.AST]:
    """The child nodes of ``node`` in the order of ``ast.iter_child_nodes``, without the contexts of
    names and the operators (see ``INERT_FIELDS``): a list, cheaper than that generator."""
    found: list[ast.AST] = []
    for name in CHILD_FIELDS[node.__class__]:
        value = getattr(node, name, None)
        if value.__class__ is list:
            for item in value:
                if isinstance(item, ast.AST):
                    found.append(item)
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


def first_row(node: ast.AST) -> int | None:
    """The first line of a node, the decorators of a definition included (None when it has no location)."""
    rows = [getattr(node, "lineno", None), *(d.lineno for d in getattr(node, "decorator_list", ()))]
    return min(rows) if None not in rows else None  # type: ignore[type-var]


def parameters(args: ast.arguments) -> list[tuple[ast.arg, ast.expr | None]]:
    """Every parameter with its default value, if any."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults))
    pairs += list(zip(args.kwonlyargs, args.kw_defaults))
    pairs += [(a, None) for a in (args.vararg, args.kwarg) if a is not None]
    return pairs


def is_staticmethod(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)


def is_generator(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str] | None = None) -> bool:
    """Does a function's own body (not a nested scope's) yield?  Calling it gives a generator.

    ``lines``: the module's source lines, when known.  A ``yield`` is spelled out in the source (the
    keyword is never an escaped or normalised identifier), so a function whose lines do not contain
    the word is answered without walking its body."""
    first, last = node.lineno, node.end_lineno or 0
    if lines is not None and 0 < first <= last <= len(lines) and not any("yield" in x for x in lines[first - 1 : last]):
        return False
    todo: list[ast.AST] = list(node.body)
    while todo:
        child = todo.pop()
        if isinstance(child, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(children(child))
    return False


def outcomes(node: ast.AST) -> list[ast.AST]:
    """The values an expression may give: both arms of ``a if test else b``, nested."""
    todo, found = [node], []
    while todo:
        node = todo.pop()
        if isinstance(node, ast.IfExp):
            todo += [node.orelse, node.body]
        else:
            found.append(node)
    return found


def is_call(node: ast.AST) -> bool:
    """A call, or an awaited call."""
    return isinstance(node.value if isinstance(node, ast.Await) else node, ast.Call)


def typing_form(node: ast.AST) -> str | None:
    """The typing form a subscript applies: ``Optional`` for ``typing.Optional[...]``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def elements(node: ast.AST) -> list[ast.AST]:
    """The elements of a subscript's slice: several for a tuple, else the one."""
    return list(node.elts) if isinstance(node, ast.Tuple) else [node]


def is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a plain attribute chain on a name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def short(node: ast.AST, limit: int = 60) -> str:
    """The source of an expression for a message, cut to ``limit`` characters.

    An expression is written from its outer ``_CLIP_DEPTH`` levels only (what lies deeper reads
    ``...``): only the end of the text is kept, and writing all of a receiver chain of thousands
    of calls for each call in it would take the square of its length."""
    text = dotted(node)
    if text is None:
        try:
            text = ast.unparse(_clip(node, _CLIP_DEPTH))
        except Exception:  # pragma: no cover - unparse handles every node the parser makes
            text = "..."
    return text if len(text) <= limit else "..." + text[-(limit - 3) :]


_CLIP_DEPTH = 20  # levels of an expression ``short`` writes


def _clip(node: ast.AST, depth: int) -> ast.AST:
    """A copy of ``node`` whose expressions deeper than ``depth`` levels are replaced by ``...``."""
    if isinstance(node, ast.expr) and depth <= 0:
        return ast.Name("...", ast.Load())
    clone = copy.copy(node)
    for field, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            setattr(clone, field, _clip(value, depth - 1))
        elif isinstance(value, list):
            setattr(clone, field, [_clip(item, depth - 1) if isinstance(item, ast.AST) else item for item in value])
    return clone
