"""LCM400 autofixes: rewrite imports of removed LangChain paths to the path the finding names.

``plan_fixes`` attaches a ``Fix`` to every fixable LCM400 finding; ``fix_text``, ``fix_notebook``
and ``fix_file`` apply the planned fixes.  Both ask ``_Planner.changes`` for the rewrite, so a
finding's JSON ``fix`` is exactly what ``--fix`` does to its statement: the fix of a safe finding
rewrites its statement with every safe fix of that statement, the fix of an unsafe finding with
all of them (what ``--fix --unsafe-fixes`` does).

Statements are rewritten with libcst, one statement at a time: the new statement is generated
from the old statement's own syntax tree, so comments, parentheses, commas and line breaks inside
it survive, and nothing outside it is touched (blank lines, other imports and their order, quote
style).  A mixed ``from m import a, b`` whose names move to different modules becomes one
statement per module, in the order the names were written, on lines of their own (or joined by
``;`` when the statement shared its line); names with no fix stay in a statement of the old module.
Aliases are kept, and a name that changed (``Memory`` is now ``BaseMemory``) is imported ``as``
the old name.  ``import langchain.memory`` (no alias) binds ``langchain``, so its fix also rewrites
every ``langchain.memory...`` reference that the import provides; when a reference cannot be
rewritten safely (a local that shadows ``langchain``, a use that would lose its binding, a string
annotation) the import gets no fix.

A fix is safe when it cannot break code that runs today (see ``applicability``).  Whatever is
applied is re-parsed; a result that does not parse is thrown away and the input left as it was.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import libcst as cst

from lint_memory.catalog import index as lookup
from lint_memory.catalog.entries import CLASSIC
from lint_memory.fix import notebook as notebook_fix
from lint_memory.model import Edit, FileReport, Finding, Fix
from lint_memory.project import target as targets
from lint_memory.source import atomic, notebook
from lint_memory.source.decode import split_lines

SAFE, UNSAFE = "safe", "unsafe"
CODE = "LCM400"
CHANGED = "the file changed since it was checked; not fixed"
# Installed wherever an old `langchain.*` path still imports (see `applicability`).
_ALWAYS_INSTALLED = ("langchain_core", "langchain_community")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Trailing comments that tell a tool something about their line: copied onto every line of a split.
_PRAGMA = re.compile(r"#\s*(?:noqa|type:\s*ignore|pyright:|mypy:|pylint:|isort:|fmt:|nosec|pragma)", re.IGNORECASE)

Position = tuple[int, int]  # (1-based row, 0-based character column) in the module's text


# --- results -----------------------------------------------------------------------------------
@dataclass
class FixResult:
    text: str
    fixed: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)  # with their positions before the fix
    error: str | None = None  # why nothing was changed although fixes were asked for


@dataclass
class FileFix:
    """What fixing one file did.  Both texts are empty when there was nothing to fix."""

    path: str
    old_text: str
    new_text: str
    fixed: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)
    error: str | None = None  # the file could not be read, fixed or written: it is unchanged

    @property
    def changed(self) -> bool:
        return self.new_text != self.old_text


# --- safety ------------------------------------------------------------------------------------
def applicability(new_path: str, target: str | None) -> str:
    """``safe`` when the fix cannot break code that runs today on the targeted LangChain line.

    The old import only runs on langchain 0.x.  ``langchain-classic`` exists only for 1.x, so a
    move there is safe only for a project that targets 1.x.  ``langchain-core`` and
    ``langchain-community`` are installed wherever the old path works (langchain >= 0.1 depends
    on core, and the old paths re-exported community's classes, so they needed it), unless the
    project targets 0.0.x, which predates both.  A partner package (``langchain_mongodb``) may not
    be installed at all: always unsafe.
    """
    root = new_path.split(".", 1)[0]
    if root == CLASSIC:
        return SAFE if targets.is_v1(target) else UNSAFE
    if root in _ALWAYS_INSTALLED:
        return UNSAFE if targets.before_0_1(target) else SAFE
    return UNSAFE


def _message(finding: Finding, site: _Site) -> str:
    new = finding.target or ""
    if site.module:
        return f"Import `{new}` instead of `{finding.symbol}`"
    module, _, name = new.rpartition(".")
    if site.index < 0:
        return f"Import `*` from `{new}`"
    return f"Import `{name}` from `{module}`"


# --- text positions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Replacement:
    start: Position
    end: Position
    text: str


class _Text:
    """Rows and columns of a text, with lines ending as Python ends them."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = list(_LINE_BREAK.finditer(text))
        self.starts = [0] + [match.end() for match in breaks]
        self.newline = breaks[0].group() if breaks else "\n"

    def offset(self, position: Position) -> int:
        row, col = position
        return self.starts[row - 1] + col

    def row(self, row: int) -> str:
        """The row's text without its line ending."""
        start = self.starts[row - 1]
        end = self.starts[row] if row < len(self.starts) else len(self.text)
        return _LINE_BREAK.sub("", self.text[start:end])

    def ending(self, row: int) -> str:
        """The row's line ending; the text's first one for a last row that has none."""
        if row < len(self.starts):
            return self.text[self.starts[row - 1] + len(self.row(row)) : self.starts[row]]
        return self.newline

    def slice(self, start: Position, end: Position) -> str:
        return self.text[self.offset(start) : self.offset(end)]

    def char_column(self, row: int, byte_col: int) -> int:
        """ast columns are UTF-8 byte offsets; findings and libcst count characters."""
        line = self.row(row)
        return byte_col if line.isascii() else len(line.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def splice(self, replacements: Iterable[_Replacement]) -> str:
        parts, position = [], 0
        for replacement in sorted(replacements, key=lambda r: (r.start, r.end)):
            start, end = self.offset(replacement.start), self.offset(replacement.end)
            if start < position:
                raise ValueError("overlapping edits")  # a planning bug: never write a mangled file
            parts += [self.text[position:start], replacement.text]
            position = end
        parts.append(self.text[position:])
        return "".join(parts)


# --- import statements (found with ast, rewritten with libcst) ----------------------------------
@dataclass(eq=False)
class _Statement:
    start: Position
    end: Position
    own_line: bool  # alone on its line: a split puts each new statement on a line of its own
    pragma: str  # the line's trailing pragma comment (with its leading space), repeated on split lines
    code: str  # the statement's source, from its first character to its last


@dataclass(frozen=True, eq=False)
class _Site:
    """One imported name: the ``index``-th name of ``statement`` (-1 for ``*``)."""

    statement: _Statement
    index: int
    module: bool = False  # `import a.b [as c]`: the name is a module path
    binds_root: bool = False  # `import a.b` without an alias: it binds `a`


class _Imports:
    """Every absolute import statement of a module, by the position of each imported name.

    Statements are found with ast (only statement lists are walked, so this is quick on a large
    file); a statement is parsed with libcst only when it is rewritten.
    """

    def __init__(self, tree: ast.Module | None, text: _Text) -> None:
        self.sites: dict[Position, _Site] = {}
        for node in _statements(tree.body if tree else []):
            if isinstance(node, ast.ImportFrom) and (node.level or not node.module):
                continue
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            start = (node.lineno, text.char_column(node.lineno, node.col_offset))
            end_row = node.end_lineno or node.lineno
            end = (end_row, text.char_column(end_row, node.end_col_offset or 0))
            before, after = text.row(start[0])[: start[1]], text.row(end[0])[end[1] :]
            comment = after.lstrip()
            own_line = not before.strip(" \t\f") and (not comment or comment.startswith("#"))
            pragma = after.rstrip() if own_line and _PRAGMA.search(comment) else ""
            statement = _Statement(start, end, own_line, pragma, text.slice(start, end))
            module = isinstance(node, ast.Import)
            for index, alias in enumerate(node.names):
                where = (alias.lineno, text.char_column(alias.lineno, alias.col_offset))
                position = -1 if alias.name == "*" else index
                self.sites[where] = _Site(statement, position, module, module and alias.asname is None)

    def rewrite(self, statement: _Statement, moves: dict[int, str], text: _Text) -> str | None:
        """The statement's new source, with the names at ``moves``' indexes imported from their
        new path; None when libcst cannot read the statement."""
        try:
            module = cst.parse_module(statement.code)
            (line,) = module.body
            (node,) = line.body  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001  libcst rejects a few statements Python accepts: no fix
            return None
        if isinstance(node, cst.Import):
            names = [alias.with_changes(name=_dotted(moves[i])) if i in moves else alias for i, alias in enumerate(node.names)]
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
        indent = _indent(text.row(statement.start[0]))
        parts = []
        for number, (new_module, indexes) in enumerate(groups.items()):
            if len(groups) == 1:
                new = node.with_changes(names=aliases)
            else:
                new = _subset(node, aliases, indexes, first=number == 0, indent=indent)
            parts.append(_render(module, new.with_changes(module=_dotted(new_module) if new_module else node.module)))
        separator = statement.pragma + text.ending(statement.end[0]) + indent if statement.own_line else "; "
        return separator.join(parts)


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, nested ones included, without walking into expressions."""
    for node in body:
        yield node
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                yield from _statements(inner)


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


# --- references of `import a.b` (ast, with Python's scoping) ---------------------------------
@dataclass(frozen=True, eq=False)
class _Load:
    """A read of a tracked root name, with the attribute chain read through it."""

    root: str
    scopes: tuple[tuple[int, str], ...]  # (scope id, kind) from the module inwards
    chain: tuple[ast.expr, ...]  # the Name, then each enclosing Attribute
    dotted: tuple[str, ...]  # "langchain", "langchain.memory", ...


class _Scopes(ast.NodeVisitor):
    """Where the root names of ``import a.b`` statements are bound and read.

    Only what a fix of such an import needs: every binding of ``roots`` (and of ``others``, the
    roots that fixes would bind), by scope.  A binding that is not an unaliased import (an
    assignment, a parameter, ``global``, an alias, a string annotation naming it) puts the name in
    ``blocked``: imports of it are then left alone.
    """

    def __init__(self, roots: frozenset[str], others: frozenset[str], text: _Text) -> None:
        self.roots, self.watched, self.text = roots, roots | others, text
        self.chain: list[tuple[int, str]] = [(0, "module")]
        self.count = 0
        self.imports: dict[int, dict[str, list[Position]]] = {}  # scope -> root -> its `import root.x`
        self.modules: dict[Position, str] = {}  # unaliased import -> module
        self.blocked: set[str] = set()
        self.loads: list[_Load] = []

    def resolve(self, load: _Load) -> int | None:
        """The scope whose import binds ``load.root`` where it is read, as Python looks it up."""
        innermost = len(load.scopes) - 1
        for index in range(innermost, -1, -1):
            scope, kind = load.scopes[index]
            if kind == "class" and index != innermost:
                continue
            if load.root in self.imports.get(scope, {}):
                return scope
        return None

    def _other(self, name: str | None) -> None:
        if name in self.watched:
            self.blocked.add(name)

    def _push(self, kind: str) -> None:
        self.count += 1
        self.chain.append((self.count, kind))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            root = alias.name.split(".", 1)[0]
            if alias.asname is not None:
                self._other(alias.asname)
            elif root in self.watched:
                where = (alias.lineno, self.text.char_column(alias.lineno, alias.col_offset))
                self.imports.setdefault(self.chain[-1][0], {}).setdefault(root, []).append(where)
                self.modules[where] = alias.name

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            self._other(alias.asname or alias.name)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, name: str | None) -> None:
        for decorator in getattr(node, "decorator_list", ()):
            self.visit(decorator)
        args = node.args
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self.visit(default)
        params = [a for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a]
        for annotation in [*(a.annotation for a in params), getattr(node, "returns", None)]:
            if annotation is not None:
                self._annotation(annotation)
        for parameter in getattr(node, "type_params", ()):
            self._other(getattr(parameter, "name", None))
        self._other(name)
        self._push("function")
        for param in params:
            self._other(param.arg)
        for statement in node.body if isinstance(node.body, list) else [node.body]:
            self.visit(statement)
        self.chain.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._function(node, node.name)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._function(node, node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._function(node, None)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expression in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(expression)
        self._other(node.name)
        self._push("class")
        for statement in node.body:
            self.visit(statement)
        self.chain.pop()

    def _comprehension(self, node: ast.AST, *results: ast.AST) -> None:
        self._push("function")  # looked up like a function scope: class bodies are skipped
        for generator in node.generators:  # type: ignore[attr-defined]
            self.visit(generator.iter)
            self.visit(generator.target)
            for condition in generator.ifs:
                self.visit(condition)
        for result in results:
            self.visit(result)
        self.chain.pop()

    def visit_ListComp(self, node: ast.ListComp) -> None:
        self._comprehension(node, node.elt)

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node: ast.DictComp) -> None:
        self._comprehension(node, node.key, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._annotation(node.annotation)
        self.visit(node.target)
        if node.value is not None:
            self.visit(node.value)

    def _annotation(self, node: ast.expr) -> None:
        for child in ast.walk(node):
            if isinstance(child, ast.Constant) and isinstance(child.value, str):
                self.blocked.update(r for r in self.roots if re.search(rf"\b{re.escape(r)}\b", child.value))
        self.visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id not in self.watched:
            return
        if isinstance(node.ctx, ast.Load):
            self._load(node, [node])
        else:
            self._other(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain: list[ast.expr] = []
        current: ast.expr = node
        while isinstance(current, ast.Attribute):
            chain.append(current)
            current = current.value
        if isinstance(current, ast.Name) and current.id in self.watched and isinstance(current.ctx, ast.Load):
            self._load(current, [current, *reversed(chain)])
        else:
            self.generic_visit(node)

    def _load(self, name: ast.Name, chain: list[ast.expr]) -> None:
        dotted = [name.id]
        for attribute in chain[1:]:
            dotted.append(f"{dotted[-1]}.{attribute.attr}")  # type: ignore[attr-defined]
        self.loads.append(_Load(name.id, tuple(self.chain), tuple(chain), tuple(dotted)))

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self._other(name)

    visit_Nonlocal = visit_Global

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self._other(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.AST) -> None:
        self._other(getattr(node, "name", None))
        self.generic_visit(node)

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.AST) -> None:
        self._other(getattr(node, "rest", None))
        self.generic_visit(node)


class _References:
    """The rewrites that keep ``import a.b`` users working when the import moves."""

    def __init__(self, tree: ast.Module | None, text: _Text) -> None:
        self.text = text
        self.scopes: _Scopes | None = None
        if tree is None:
            return
        moved = {
            alias.name
            for node in _statements(tree.body)
            if isinstance(node, ast.Import)
            for alias in node.names
            if alias.asname is None and lookup.new_home(alias.name) is not None
        }
        roots = frozenset(name.split(".", 1)[0] for name in moved)
        others = frozenset(str(lookup.new_home(name)).split(".", 1)[0] for name in moved)
        scopes = _Scopes(roots, others, text)
        try:
            scopes.visit(tree)
        except RecursionError:
            return
        self.scopes = scopes

    def plan(self, chosen: dict[Position, str]) -> tuple[set[Position], dict[Position, list[_Replacement]]]:
        """Of the unaliased imports in ``chosen`` (position -> new module), those that can move,
        and the reference rewrites each brings."""
        scopes = self.scopes
        if scopes is None:
            return set(), {}
        moved = {where: module for where, module in scopes.modules.items() if lookup.new_home(module) is not None}
        active = {
            where
            for where, new in chosen.items()
            if where in moved
            and moved[where].split(".", 1)[0] not in scopes.blocked
            and new.split(".", 1)[0] not in scopes.blocked
        }
        while True:
            invalid: set[Position] = set()
            rewrites: dict[Position, list[_Replacement]] = {}
            for load in scopes.loads:
                scope = scopes.resolve(load)
                if scope is None:
                    continue  # not bound by an import here: nothing of ours
                bound = scopes.imports[scope][load.root]
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
                elif all(where in active for where in bound):  # nothing would bind the root any more
                    invalid |= set(bound)
            if not invalid:
                return active, rewrites
            active -= invalid

    def _replacement(self, load: _Load, module: str, new: str) -> _Replacement | None:
        node = load.chain[module.count(".")]
        start = (node.lineno, self.text.char_column(node.lineno, node.col_offset))
        end_row = node.end_lineno or node.lineno
        end = (end_row, self.text.char_column(end_row, node.end_col_offset or 0))
        if self.text.slice(start, end) != module:  # spaces, comments or an f-string: leave it
            return None
        return _Replacement(start, end, new)


# --- planning ------------------------------------------------------------------------------------
@dataclass
class _Change:
    """One statement's rewrite and the references it carries along."""

    findings: list[Finding]
    sites: list[_Site]
    edits: list[_Replacement]


class _Planner:
    def __init__(self, text: str, tree: ast.Module | None = None) -> None:
        """``tree``: ``text`` already parsed (by the check), to save parsing it again."""
        self.text = _Text(text)
        self.tree: ast.Module | None = tree
        if tree is None:
            try:
                self.tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self.tree = None  # nothing to fix in what does not parse
        self.imports = _Imports(self.tree, self.text)
        self._references: _References | None = None

    def site(self, position: Position) -> _Site | None:
        return self.imports.sites.get(position)

    def changes(
        self,
        chosen: Sequence[tuple[Finding, Position]],
        allowed: Callable[[_Change], bool] | None = None,
    ) -> list[_Change]:
        """The rewrites that apply the fixes of ``chosen`` (findings at module positions)."""
        active = [(f, where, site) for f, where in chosen if f.target and (site := self.site(where)) is not None]
        while True:
            unaliased = {
                where: f.target
                for f, where, site in active
                if site.binds_root
            }
            rewrites: dict[Position, list[_Replacement]] = {}
            if unaliased:
                valid, rewrites = self._reference_plan().plan(unaliased)  # type: ignore[arg-type]
                active = [item for item in active if item[1] not in unaliased or item[1] in valid]
            changes = self._build(active, rewrites)
            refused = [c for c in changes if not c.edits or (allowed is not None and not allowed(c))]
            if not refused:
                return changes
            dropped = {id(f) for change in refused for f in change.findings}
            active = [item for item in active if id(item[0]) not in dropped]

    def _reference_plan(self) -> _References:
        if self._references is None:
            self._references = _References(self.tree, self.text)
        return self._references

    def _build(self, active, rewrites: dict[Position, list[_Replacement]]) -> list[_Change]:
        by_statement: dict[int, _Change] = {}
        moves: dict[int, dict[int, str]] = {}
        for finding, where, site in active:
            key = id(site.statement)
            change = by_statement.setdefault(key, _Change([], [], []))
            change.findings.append(finding)
            change.sites.append(site)
            moves.setdefault(key, {})[site.index] = finding.target
            change.edits += rewrites.get(where, [])
        for key, change in by_statement.items():
            statement = change.sites[0].statement
            new = self.imports.rewrite(statement, moves[key], self.text)
            change.edits = [_Replacement(statement.start, statement.end, new), *change.edits] if new is not None else []
        return list(by_statement.values())


def _fixable(finding: Finding) -> bool:
    return finding.code == CODE and finding.target is not None


def _applies(finding: Finding, unsafe: bool) -> bool:
    fix = finding.fix
    return _fixable(finding) and fix is not None and bool(fix.edits) and (fix.applicability == SAFE or unsafe)


def plan_fixes(report: FileReport, target: str | None = None, *, tree: ast.Module | None = None) -> None:
    """Attach a ``Fix`` to every fixable LCM400 finding of ``report``.

    ``target`` is the ``target-langchain`` setting; without it, the project's declared
    ``langchain`` requirement is looked up from ``report.path``.  ``tree`` is the Python file's
    ``report.source`` as the check parsed it (parsing it again costs as much as the planning).
    Findings that cannot be fixed keep ``fix = None``.  Raises ``target.TargetError`` for a
    malformed ``target``.
    """
    found = [f for f in report.findings if _fixable(f)]
    if not found or report.source is None:
        return
    line = targets.parse_setting(target) if target is not None else targets.for_path(report.path)
    book = report.notebook
    positions = [(f, _module_position(book, f)) for f in found]
    levels = {id(f): applicability(f.target or "", line) for f in found}
    planner = _Planner(_code(book), None) if book else _Planner(report.source, tree)
    for finding in found:
        finding.fix = None
    for level in (SAFE, UNSAFE):
        chosen = [(f, where) for f, where in positions if level == UNSAFE or levels[id(f)] == SAFE]
        for change in planner.changes(chosen, _one_cell(book) if book else None):
            edits = [_edit(replacement, book) for replacement in sorted(change.edits, key=lambda r: r.start)]
            for finding, site in zip(change.findings, change.sites, strict=True):
                if levels[id(finding)] == level:
                    finding.fix = Fix(_message(finding, site), level, edits)


def _code(book: notebook.Notebook) -> str:
    """The notebook's module with the cells that do not parse blanked out (rows kept): one broken
    cell must not stop the fixes in the others."""
    lines: list[str] = []
    for cell in book.cells:
        lines += [""] * len(cell.code) if _parse_problem("\n".join(cell.code)) else cell.code
    return "\n".join(lines) + ("\n" if lines else "")


def _module_position(book: notebook.Notebook | None, finding: Finding) -> Position:
    if book is None or finding.cell is None:
        return finding.line, finding.col
    return book.module_line(finding.cell, finding.line), finding.col


def _edit(replacement: _Replacement, book: notebook.Notebook | None) -> Edit:
    (row, col), (end_row, end_col) = replacement.start, replacement.end
    if book is not None:
        row, end_row = book.position(row)[1], book.position(end_row)[1]
    return Edit(replacement.text, row, col, end_row, end_col)


def _one_cell(book: notebook.Notebook) -> Callable[[_Change], bool]:
    """A notebook fix must stay inside one cell: an edit carries no cell of its own."""

    def allowed(change: _Change) -> bool:
        cells = {book.position(row)[0] for r in change.edits for row in (r.start[0], r.end[0])}
        return len(cells) == 1

    return allowed


# --- applying ------------------------------------------------------------------------------------
def fix_text(source: str, findings: Sequence[Finding], *, unsafe: bool) -> FixResult:
    """``source`` with the planned safe (and with ``unsafe``, unsafe) fixes of ``findings`` applied.

    Needs ``plan_fixes`` first.  If the result would not parse, nothing is applied.
    """
    chosen = [(f, (f.line, f.col)) for f in findings if _applies(f, unsafe)]
    if not chosen:
        return FixResult(source, [], list(findings))
    planner = _Planner(source)
    changes = planner.changes(chosen)
    try:
        text = planner.text.splice(e for change in changes for e in change.edits)
    except ValueError as error:
        return FixResult(source, [], list(findings), f"no fix applied: {error}")
    problem = _parse_problem(text)
    if problem:
        return FixResult(source, [], list(findings), f"no fix applied: the result would not parse ({problem})")
    return _result(text, findings, changes)


def fix_notebook(text: str, report: FileReport, *, unsafe: bool) -> FixResult:
    """The notebook JSON ``text`` with the planned fixes of ``report`` applied to its code cells.

    Only the changed cells' ``source`` values change in the file; every other byte (outputs,
    metadata, ids, indentation, key order, the final newline) stays.  A changed cell must parse.
    """
    book = report.notebook
    findings = report.findings
    chosen = [(f, _module_position(book, f)) for f in findings if _applies(f, unsafe) and f.cell is not None]
    if book is None or not chosen:
        return FixResult(text, [], list(findings))
    try:
        current = notebook.load(text)
    except notebook.NotebookError as error:
        return FixResult(text, [], list(findings), f"no fix applied: {error}")
    if current.source != book.source:
        return FixResult(text, [], list(findings), CHANGED)
    planner = _Planner(_code(book))
    changes = planner.changes(chosen, _one_cell(book))
    per_cell: dict[int, list[_Replacement]] = {}
    for change in changes:
        for replacement in change.edits:
            (cell, row), end_row = book.position(replacement.start[0]), book.position(replacement.end[0])[1]
            moved = _Replacement((row, replacement.start[1]), (end_row, replacement.end[1]), replacement.text)
            per_cell.setdefault(cell, []).append(moved)
    cells = current.data["cells"]
    sources: dict[int, str | list[str]] = {}
    try:
        for cell, replacements in per_cell.items():
            old = notebook.cell_text(cells[cell - 1])
            newline = _Text(old).newline  # the planner's module joined the cells with \n
            new = _Text(old).splice(_Replacement(r.start, r.end, r.text.replace("\n", newline)) for r in replacements)
            problem = _parse_problem("\n".join(notebook.mask(split_lines(new))))
            if problem:
                return FixResult(text, [], list(findings), f"no fix applied: cell {cell} would not parse ({problem})")
            sources[cell] = _lines(new) if isinstance(cells[cell - 1].get("source"), list) else new
        new_text = notebook_fix.replace_sources(text, sources)
    except ValueError as error:
        return FixResult(text, [], list(findings), f"no fix applied: {error}")
    return _result(new_text, findings, changes)


def _lines(text: str) -> list[str]:
    """A cell source as nbformat stores it in a list: each line keeps its line ending."""
    return [line for line in re.split(r"(?<=\r\n)|(?<=\n)|(?<=\r)(?!\n)", text) if line]


def _result(text: str, findings: Sequence[Finding], changes: list[_Change]) -> FixResult:
    fixed_ids = {id(f) for change in changes for f in change.findings}
    fixed = [f for f in findings if id(f) in fixed_ids]
    return FixResult(text, fixed, [f for f in findings if id(f) not in fixed_ids])


def _parse_problem(text: str) -> str | None:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return getattr(error, "msg", None) or type(error).__name__
    return None


def fix_file(path: str, report: FileReport, *, unsafe: bool, write: bool) -> FileFix:
    """Fix one checked file; with ``write``, replace it atomically when something changed.

    Never raises for a problem with the file: it is reported in ``error`` and the file is left
    as it was (unreadable, changed since it was checked, the result would not parse, not writable).
    """
    findings = list(report.findings)
    if not any(_applies(f, unsafe) for f in findings):
        return FileFix(path, "", "", [], findings)  # nothing to do: the file is not even read
    is_notebook = report.notebook is not None
    try:
        text, stored = atomic.read_text(path, notebook=is_notebook)
    except (OSError, UnicodeError, SyntaxError) as error:
        return FileFix(path, "", "", [], findings, f"cannot read the file: {error}")
    if not is_notebook and text != report.source:
        return FileFix(path, text, text, [], findings, CHANGED)
    result = fix_notebook(text, report, unsafe=unsafe) if is_notebook else fix_text(text, findings, unsafe=unsafe)
    done = FileFix(path, text, result.text, result.fixed, result.remaining, result.error)
    if write and done.changed:
        try:
            atomic.write_text(path, result.text, stored)
        except (OSError, UnicodeError) as error:
            return FileFix(path, text, text, [], findings, f"cannot write the file: {error}")
    return done


# --- showing -------------------------------------------------------------------------------------
def unified_diff(fixed: FileFix) -> str:
    """What the fix changes, as a unified diff (per changed cell for a notebook)."""
    if not fixed.changed:
        return ""
    if fixed.path.endswith(".ipynb"):
        return "".join(
            _diff(old, new, f"{fixed.path}:cell {cell}")
            for cell, old, new in notebook_fix.changed_cells(fixed.old_text, fixed.new_text)
        )
    return _diff(fixed.old_text, fixed.new_text, fixed.path)


def _diff(old: str, new: str, name: str) -> str:
    out = []
    for line in difflib.unified_diff(_lines(old), _lines(new), fromfile=name, tofile=name):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)

