"""The import statements of a module, by the position of each name they import.

Statements are found with ast (only statement lists are walked, so this is quick on a large
file); a statement is parsed with libcst (``fix.layout``) only when it is rewritten.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lint_memory.fix.text import Position, Text

# Trailing comments that tell a tool something about their line: copied onto every line of a split.
_PRAGMA = re.compile(r"#\s*(?:noqa|type:\s*ignore|pyright:|mypy:|pylint:|isort:|fmt:|nosec|pragma)", re.IGNORECASE)


@dataclass(eq=False)
class Statement:
    start: Position
    end: Position
    own_line: bool  # alone on its line: a split puts each new statement on a line of its own
    pragma: str  # the line's trailing pragma comment (with its leading space), repeated on split lines
    code: str  # the statement's source, from its first character to its last


@dataclass(frozen=True, eq=False)
class Site:
    """One imported name: the ``index``-th name of ``statement`` (-1 for ``*``)."""

    statement: Statement
    index: int
    module: bool = False  # `import a.b [as c]`: the name is a module path
    binds_root: bool = False  # `import a.b` without an alias: it binds `a`


def sites(tree: ast.Module | None, text: Text) -> dict[Position, Site]:
    """Every name of every absolute import statement of ``tree``, by where the name is written."""
    found: dict[Position, Site] = {}
    for node in statements(tree.body if tree else []):
        if isinstance(node, ast.ImportFrom) and (node.level or not node.module):
            continue
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        start, end = text.span(node)
        before, after = text.line(start[0])[: start[1]], text.line(end[0])[end[1] :]
        comment = after.lstrip()
        own_line = not before.strip(" \t\f") and (not comment or comment.startswith("#"))
        pragma = after.rstrip() if own_line and _PRAGMA.search(comment) else ""
        statement = Statement(start, end, own_line, pragma, text.slice(start, end))
        module = isinstance(node, ast.Import)
        for index, alias in enumerate(node.names):
            where = (alias.lineno, text.char_column(alias.lineno, alias.col_offset))
            position = -1 if alias.name == "*" else index
            found[where] = Site(statement, position, module, module and alias.asname is None)
    return found


def statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones included, without walking into expressions."""
    for node in body:
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                yield from statements(inner)
