"""Rewriting one import statement with libcst, keeping its layout.

The new statement is generated from the old statement's own syntax tree, so comments,
parentheses, commas and line breaks inside it survive, and nothing outside it is touched.  A
mixed ``from m import a, b`` whose names move to different modules becomes one statement per
module, in the order the names were written, on lines of their own (or joined by ``;`` when the
statement shared its line); names with no fix stay in a statement of the old module.  Aliases
are kept, and a name that changed (``Memory`` is now ``BaseMemory``) is imported ``as`` the old
name.
"""

from __future__ import annotations

import libcst as cst

from lint_memory.fix.imports import Statement
from lint_memory.fix.text import Text


def rewrite(statement: Statement, moves: dict[int, str], text: Text) -> str | None:
    """The statement's new source, with the names at ``moves``' indexes imported from their
    new path; None when libcst cannot read the statement."""
    try:
        module = cst.parse_module(statement.code)
        (line,) = module.body
        (node,) = line.body  # type: ignore[misc]
    except Exception:  # libcst rejects a few statements Python accepts: no fix
        return None
    if not isinstance(node, (cst.Import, cst.ImportFrom)):
        return None
    if isinstance(node, cst.Import):
        names = [
            alias.with_changes(name=_dotted(moves[i])) if i in moves else alias for i, alias in enumerate(node.names)
        ]
        return _render(module, node.with_changes(names=names))
    if isinstance(node.names, cst.ImportStar):
        return _render(module, node.with_changes(module=_dotted(moves[-1])))
    aliases = list(node.names)
    groups: dict[str | None, list[int]] = {}  # new module (None: stays) -> indexes, in source order
    for index, alias in enumerate(aliases):
        new_module = None
        if index in moves:
            new_module, _, name = moves[index].rpartition(".")
            aliases[index] = _renamed(alias, name)
        groups.setdefault(new_module, []).append(index)
    indent = _indent(text.line(statement.start[0]))
    parts = []
    for number, (new_module, indexes) in enumerate(groups.items()):
        if len(groups) == 1:
            new = node.with_changes(names=aliases)
        else:
            new = _subset(node, aliases, indexes, first=number == 0, indent=indent)
        parts.append(_render(module, new.with_changes(module=_dotted(new_module) if new_module else node.module)))
    separator = statement.pragma + text.ending(statement.end[0]) + indent if statement.own_line else "; "
    return separator.join(parts)


def _render(module: cst.Module, node: cst.Import | cst.ImportFrom) -> str:
    """The statement's code.  It was parsed on its own, starting at column 0: continuation lines
    keep their indentation as written, and the file's line endings are the module's."""
    line = cst.SimpleStatementLine(body=[node.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)])
    return module.with_changes(body=[line], has_trailing_newline=False).code


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t\f"))]


def _dotted(path: str) -> cst.Attribute | cst.Name:
    return cst.parse_expression(path)  # type: ignore[return-value]


def _renamed(alias: cst.ImportAlias, name: str) -> cst.ImportAlias:
    """``alias`` importing ``name``, still bound to the name it bound before."""
    old = alias.name.value if isinstance(alias.name, cst.Name) else None
    if old == name:
        return alias
    return alias.with_changes(name=cst.Name(name), asname=alias.asname or cst.AsName(name=cst.Name(old or name)))


def _subset(
    node: cst.ImportFrom, aliases: list[cst.ImportAlias], indexes: list[int], *, first: bool, indent: str
) -> cst.ImportFrom:
    """The statement importing only ``aliases[indexes]``, laid out like the original.

    The comment after a name's comma stays with that name; comment lines between two names go
    with the name that follows them; the closing of the statement (trailing comma or not, the
    line the ``)`` is on) is the original's.  Only the first statement keeps a comment written
    after its ``(``.
    """
    picked = [
        _followed_by(aliases[i], aliases, indexes[k + 1]) if k + 1 < len(indexes) else aliases[i]
        for k, i in enumerate(indexes)
    ]
    rpar = node.rpar
    if indexes[-1] != len(aliases) - 1:
        picked[-1], rpar = _close(picked[-1], aliases[-1], node, indent)
    lpar = node.lpar
    if not first and lpar is not None:
        lpar = lpar.with_changes(whitespace_after=_opening(lpar.whitespace_after, aliases, indexes[0]))
    return node.with_changes(names=picked, lpar=lpar, rpar=rpar)


def _between(aliases: list[cst.ImportAlias], index: int) -> cst.ParenthesizedWhitespace | None:
    """The line break (with any comment lines) written before ``aliases[index]``; None when that
    name followed the previous one on the same line."""
    if index == 0:
        return None
    after = aliases[index - 1].comma.whitespace_after  # type: ignore[union-attr]
    return after if isinstance(after, cst.ParenthesizedWhitespace) else None


def _followed_by(alias: cst.ImportAlias, aliases: list[cst.ImportAlias], index: int) -> cst.ImportAlias:
    """``alias`` (which has a comma) followed by ``aliases[index]``, with the lines before that name."""
    before = _between(aliases, index)
    if before is None:
        return alias
    own = alias.comma.whitespace_after  # type: ignore[union-attr]
    if isinstance(own, cst.ParenthesizedWhitespace):
        after = own.with_changes(empty_lines=before.empty_lines, indent=before.indent, last_line=before.last_line)
    else:
        after = before.with_changes(first_line=cst.TrailingWhitespace())
    return alias.with_changes(comma=alias.comma.with_changes(whitespace_after=after))  # type: ignore[union-attr]


def _opening(after_lpar, aliases: list[cst.ImportAlias], index: int):
    """What follows ``(`` in a statement that starts with ``aliases[index]`` (not the first name):
    the original opening's layout, with the comment lines that were written before that name."""
    before = _between(aliases, index)
    comments = [line for line in before.empty_lines if line.comment is not None] if before else []
    if isinstance(after_lpar, cst.ParenthesizedWhitespace):
        return (before or after_lpar).with_changes(first_line=cst.TrailingWhitespace(), empty_lines=comments)
    if before is not None and comments:
        return before.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=comments)
    return after_lpar


def _close(alias: cst.ImportAlias, last: cst.ImportAlias, node: cst.ImportFrom, indent: str):
    """``alias`` (which had a comma) made the last name, and the closing parenthesis to go with it;
    a ``)`` that gets a line of its own is indented like the statement."""
    own = alias.comma.whitespace_after  # type: ignore[union-attr]
    if node.lpar is None or not isinstance(own, cst.ParenthesizedWhitespace):
        return alias.with_changes(comma=last.comma), node.rpar
    own = own.with_changes(empty_lines=[])  # comment lines here belong to the name that followed
    if isinstance(last.comma, cst.Comma):  # trailing-comma style: keep the comma and its comment
        layout = last.comma.whitespace_after
        comma = alias.comma.with_changes(whitespace_after=_relaid(own, layout, indent))  # type: ignore[union-attr]
        return alias.with_changes(comma=comma), node.rpar
    # no trailing comma: drop it, the comment moves before the ")"
    rpar = node.rpar.with_changes(whitespace_before=_relaid(own, node.rpar.whitespace_before, indent))  # type: ignore[union-attr]
    return alias.with_changes(comma=cst.MaybeSentinel.DEFAULT), rpar


def _relaid(own: cst.ParenthesizedWhitespace, layout, indent: str) -> cst.ParenthesizedWhitespace:
    """``own`` (a comment and line break) ending with the indentation ``layout`` ends with, or
    with ``indent`` when ``layout`` is not a line break."""
    if isinstance(layout, cst.ParenthesizedWhitespace):
        return own.with_changes(indent=layout.indent, last_line=layout.last_line)
    return own.with_changes(indent=False, last_line=cst.SimpleWhitespace(indent))
