"""The module's leading import block, rewritten where isort (ruff's ``I001``) would put the migration's imports.

The block is the run of import statements at the top of the module (after the docstring), in groups separated by
one blank line. A group's section is that of its modules, in isort's order: ``__future__``, the standard library,
third-party, first-party, relative. Which non-standard group is first-party cannot be told from one file; as isort
puts third-party first, the first such group is taken as third-party. A new ``import x`` goes among the straight
imports of its section and a new ``from m import ...`` among the ``from`` imports, in module order
(case-insensitive); its names in isort's order-by-type (CONSTANTS, Classes, functions). A ``from m import`` of a module
the block imports from already is merged into that statement. A section with no group yet gets a new group in
its place. A statement that loses all its names goes, and so does a group left empty.

Only a block that is plain (each statement on lines of its own, nothing but blank lines between them) is rebuilt;
``rebuild`` returns None otherwise, and the caller adds its imports as one block instead.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass

from lint_memory.fix.text import Text

WIDTH = 120
FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = range(5)


@dataclass
class Line:
    """One statement of the block: its text (whole lines, trailing comment included) and how isort sorts it."""

    text: str
    section: int
    key: tuple[int, str, str]  # (0 straight import / 1 from import, module lowercased, module)
    module: str | None = None  # `from` imports: the module, for merging
    names: list[str] | None = None  # `from` imports written on one line without comment: their names


def section_of(module: str, level: int = 0) -> int:
    if level:
        return LOCAL
    root = module.split(".", 1)[0]
    if root == "__future__":
        return FUTURE
    return STDLIB if root in sys.stdlib_module_names else THIRD_PARTY


def member_key(name: str) -> tuple[int, str, str]:
    """isort's order-by-type: CONSTANTS, then Classes, then the rest; case-insensitive within each."""
    bare = name.split(" as ", 1)[0]
    kind = 0 if bare.isupper() and len(bare) > 1 else 1 if bare[:1].isupper() else 2
    return (kind, bare.lower(), bare)


def from_import(module: str, names: list[str]) -> str:
    """``from module import a, b`` (sorted), wrapped as ruff formats it when longer than the line."""
    ordered = sorted(dict.fromkeys(names), key=member_key)
    one = f"from {module} import {', '.join(ordered)}"
    if len(one) <= WIDTH:
        return one + "\n"
    return f"from {module} import (\n" + "".join(f"    {name},\n" for name in ordered) + ")\n"


def straight_key(module: str) -> tuple[int, str, str]:
    return (0, module.lower(), module)


def from_key(module: str) -> tuple[int, str, str]:
    return (1, module.lower(), module)


def leading_block(tree: ast.Module) -> list[ast.stmt]:
    """The import statements at the top of the module, after its docstring."""
    body = list(tree.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    block: list[ast.stmt] = []
    for statement in body:
        if not isinstance(statement, ast.Import | ast.ImportFrom):
            break
        block.append(statement)
    return block


def rebuild(
    text: str, tree: ast.Module, changed: dict[int, str | None], straight: list[str], froms: dict[str, list[str]]
) -> tuple[tuple[int, int], str] | None:
    """The leading block's lines ``(first row, row after the last)`` and their new text, with the statements in
    ``changed`` (id of the statement -> its new text, None to remove it) changed, and ``import m`` for each of
    ``straight`` and ``from m import ...`` for each of ``froms`` added; None when the block is not plain."""
    block = leading_block(tree)
    if not block:
        return None
    index = Text(text)
    groups: list[list[Line]] = [[]]
    previous_end = None
    for statement in block:
        start, end = index.span(statement)
        if start[1] != 0 or (previous_end is not None and statement.lineno <= previous_end):
            return None  # shares a line with another statement
        if previous_end is not None:
            between = [index.line(row) for row in range(previous_end + 1, statement.lineno)]
            if any(line.strip() for line in between):
                return None  # a comment between statements: keep the block as written
            if between:
                groups.append([])
        after = index.line(end[0])[end[1] :].strip()
        if after and not after.startswith("#"):
            return None
        previous_end = end[0]
        new = changed.get(id(statement), index.slice(start, (end[0] + 1, 0)))
        if new is None:
            continue
        groups[-1].append(_line(statement, new, after))
    sections = _sections(groups)
    for module in straight:
        _insert(groups, sections, Line(f"import {module}\n", section_of(module), straight_key(module)))
    for module, names in froms.items():
        merged = next((line for group in groups for line in group if line.module == module and line.names), None)
        if merged is not None:
            merged.names = [*(merged.names or []), *names]
            merged.text = from_import(module, merged.names)
            continue
        _insert(groups, sections, Line(from_import(module, names), section_of(module), from_key(module)))
    kept = [group for group in groups if group]
    new_text = "\n".join("".join(line.text for line in group) for group in kept)
    first, last = block[0].lineno, index.span(block[-1])[1][0] + 1
    return (first, last), new_text


def _line(statement: ast.stmt, text: str, comment: str) -> Line:
    if isinstance(statement, ast.Import):
        module = statement.names[0].name
        return Line(text, section_of(module), straight_key(module))
    assert isinstance(statement, ast.ImportFrom)
    module = statement.module or ""
    line = Line(text, section_of(module, statement.level), from_key("." * statement.level + module))
    one_line = "\n" not in text.rstrip("\n") and not comment
    if not statement.level and one_line and not any(alias.name == "*" for alias in statement.names):
        line.module = module
        line.names = [alias.name + (f" as {alias.asname}" if alias.asname else "") for alias in statement.names]
    return line


def _sections(groups: list[list[Line]]) -> list[int]:
    """Each group's section; the first group of non-standard modules is third-party, later ones first-party."""
    found = []
    seen_third = False
    for group in groups:
        if not group:  # all its statements removed: it goes
            found.append(-1)
            continue
        section = min(line.section for line in group)
        if section == THIRD_PARTY:
            section = FIRST_PARTY if seen_third else THIRD_PARTY
            seen_third = True
        found.append(section)
    return found


def _insert(groups: list[list[Line]], sections: list[int], line: Line) -> None:
    for group, section in zip(groups, sections):
        if section == line.section:
            at = next((i for i, other in enumerate(group) if other.key > line.key), len(group))
            group.insert(at, line)
            return
    at = next((i for i, section in enumerate(sections) if section > line.section), len(groups))
    groups.insert(at, [line])
    sections.insert(at, line.section)
