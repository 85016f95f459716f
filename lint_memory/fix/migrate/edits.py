"""The migrated text of a module, and the edits (line hunks) that turn the old text into it."""

from __future__ import annotations

import ast
import difflib
import textwrap
from collections.abc import Sequence

from lint_memory.fix.migrate import import_block
from lint_memory.fix.migrate.detect import Site
from lint_memory.fix.migrate.render import agent, call, middleware_function, template_function
from lint_memory.fix.text import Replacement, Text
from lint_memory.model import Edit
from lint_memory.source.lines import split_lines_keepends

LEGACY_ROOTS = ("langchain_classic", "langchain", "langchain_community")
NEW_IMPORTS = {  # name -> module
    "create_agent": "langchain.agents",
    "wrap_model_call": "langchain.agents.middleware",
    "SummarizationMiddleware": "langchain.agents.middleware",
    "trim_messages": "langchain_core.messages",
    "InMemorySaver": "langgraph.checkpoint.memory",
    "HumanMessage": "langchain_core.messages",
    "get_buffer_string": "langchain_core.messages",
    "PromptTemplate": "langchain_core.prompts",
}


def migrated(text: str, sites: Sequence[Site], keep: set[str] | None = None) -> str:
    """``text`` with every site migrated, the new imports added and the legacy ones left unused removed (but not
    those named in ``keep``: read elsewhere, as in another notebook cell)."""
    index = Text(text)

    def source(node: ast.AST) -> str:
        return index.slice(*index.span(node))

    replacements: list[Replacement] = []
    needed = {"create_agent", "InMemorySaver"}
    dropped: set[str] = set()
    inserted: dict[int, list[str]] = {}
    replaced: set[str] = set()  # legacy names the migration imports from their new home
    for site in sites:
        statement = site.statement
        start, end = index.span(statement)
        indent = index.line(statement.lineno)[: start[1]]
        replacements.append(Replacement((statement.lineno, 0), end, agent(site, source, indent)))
        for removed in site.removed:
            replacements.append(Replacement((removed.lineno, 0), (index.span(removed)[1][0] + 1, 0), ""))
        for removed in site.removed_module:  # the statement and the blank line after it
            last = index.span(removed)[1][0] + 1
            last += 1 if not index.line(last).strip() else 0
            replacements.append(Replacement((removed.lineno, 0), (last, 0), ""))
        for use in site.uses:
            begin, end_of = index.span(use.node)
            before, after = index.line(begin[0])[: begin[1]], index.line(end_of[0])[end_of[1] :]
            replacements.append(Replacement(begin, end_of, call(site, use, source, before, after)))
            for subscript in use.subscripts:
                replacements.append(
                    Replacement(*index.span(subscript), f'{source(subscript.value)}["messages"][-1].text')
                )
        dropped |= site.dropped
        if site.window is not None:
            needed |= {"wrap_model_call", "trim_messages"}
            top = site.top
            assert top is not None
            row = min([top.lineno, *(d.lineno for d in getattr(top, "decorator_list", []))])
            inserted.setdefault(row, []).append(middleware_function(site) + "\n\n")
        if site.summary is not None:
            needed.add("SummarizationMiddleware")
        if site.template is not None:
            needed |= {"wrap_model_call", "HumanMessage", "get_buffer_string", "PromptTemplate"}
            replaced.add("PromptTemplate")
            moved = site.template.statement
            body = None
            if moved is not None and moved.lineno != moved.end_lineno:
                body = textwrap.dedent(_lines(index, moved))
                target = moved.targets[0]
                if not isinstance(target, ast.Name):  # `self.prompt = ...`: a local of the middleware instead
                    body = "prompt" + body[len(source(target)) :]
                body = textwrap.indent(body, "    ")
            elif moved is not None:
                site.template.statement = None
            top = site.top
            assert top is not None
            row = min([top.lineno, *(d.lineno for d in getattr(top, "decorator_list", []))])
            inserted.setdefault(row, []).append(template_function(site, source, body) + "\n\n")
    written: set[str] = set()
    for row, functions in inserted.items():
        fresh = [f for f in dict.fromkeys(functions) if f not in written]  # two chains with the same window
        written.update(fresh)
        replacements.append(Replacement((row, 0), (row, 0), "".join(fresh)))
    kept = keep or set()
    read_before = {path for path in _dotted(ast.parse(text)) if path.split(".", 1)[0] not in kept}
    return _imports(index.splice(replacements), dropped - kept, needed, replaced - kept, read_before)


def _lines(index: Text, statement: ast.stmt) -> str:
    return index.slice((statement.lineno, 0), (index.span(statement)[1][0] + 1, 0))


def _dotted(tree: ast.AST) -> set[str]:
    """Every name and dotted path read (``a``, ``a.b``, ``a.b.c`` for ``a.b.c``)."""
    found = set()
    for node in ast.walk(tree):
        parts = []
        current = node
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if isinstance(current, ast.Name):
            found.add(".".join([current.id, *reversed(parts)]))
    return found


def _imports(text: str, dropped: set[str], needed: set[str], replaced: set[str], read_before: set[str]) -> str:
    """Remove the legacy imports the migration left unused and add its own: into the leading import block where
    isort would put them (``import_block``), else as one block where the first removed import was (or after the
    last import). ``import langchain.chains`` (a legacy module path) goes when only the migrated code read it
    (``read_before``: the paths the module read before the migration), unless it is what binds ``langchain``
    for another read."""
    tree = ast.parse(text)
    index = Text(text)
    loaded = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    read_after = _dotted(tree)
    unused = _unused_module_imports(tree, read_before, read_after)
    bound: set[str] = set()
    changed: dict[int, str | None] = {}  # id of an import statement -> its new text (None: removed)
    statements: dict[int, ast.stmt] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            kept = [alias for alias in statement.names if id(alias) not in unused]
            bound |= {(a.asname or a.name).split(".")[0] for a in kept}
            if len(kept) < len(statement.names):
                statements[id(statement)] = statement
                listed = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in kept)
                changed[id(statement)] = f"import {listed}\n" if kept else None
            continue
        if not isinstance(statement, ast.ImportFrom):
            continue
        module = statement.module
        names = [(alias.asname or alias.name).split(".")[0] for alias in statement.names]
        legacy = (
            isinstance(statement, ast.ImportFrom) and statement.level == 0 and str(module).split(".")[0] in LEGACY_ROOTS
        )
        gone = {n for n in names if n in replaced or (n in dropped and n not in loaded)}
        keep = [a for a, n in zip(statement.names, names) if not (legacy and n in gone)]
        bound |= {(a.asname or a.name).split(".")[0] for a in keep}
        if len(keep) == len(statement.names):
            continue
        statements[id(statement)] = statement
        if keep:
            listed = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in keep)
            changed[id(statement)] = f"from {module} import {listed}\n"
        else:
            changed[id(statement)] = None
    modules: dict[str, list[str]] = {}
    for name in sorted(needed - bound):
        modules.setdefault(NEW_IMPORTS[name], []).append(name)
    straight = [] if "uuid" in bound else ["uuid"]
    replacements: list[Replacement] = []
    rebuilt = import_block.rebuild(text, tree, changed, straight, modules)
    if rebuilt is not None:
        (first_row, after_row), block_text = rebuilt
        replacements.append(Replacement((first_row, 0), (after_row, 0), block_text))
        inside = {id(statement) for statement in import_block.leading_block(tree)}
        changed = {key: value for key, value in changed.items() if key not in inside}
    first: int | None = None
    for key, new in changed.items():
        start, end = index.span(statements[key])
        if new is not None:
            replacements.append(Replacement(start, end, new.rstrip("\n")))
        else:
            replacements.append(Replacement((start[0], 0), (end[0] + 1, 0), ""))
            first = start[0] if first is None else min(first, start[0])
    if rebuilt is None:
        last_import = max(
            (index.span(s)[1][0] for s in tree.body if isinstance(s, ast.Import | ast.ImportFrom)), default=0
        )
        block = "".join(f"import {module}\n" for module in straight) + ("\n" if straight else "")
        block += "".join(import_block.from_import(m, ns) for m, ns in sorted(modules.items()))
        row = first if first is not None else last_import + 1
        code = _first_code_row(tree)
        if code is not None and row > code:  # imports written after the code: the new ones go above it all
            row, block = code, block + "\n\n"
        elif first is None and not last_import:  # no import statement yet (a notebook cell): set the block apart
            block += "\n\n"
        replacements.append(Replacement((row, 0), (row, 0), block))
    result = index.splice(replacements)
    if text.endswith("\n") and not text.endswith("\n\n"):  # imports removed from the end: no blank lines left
        result = result.rstrip("\n") + "\n"
    return result


def _first_code_row(tree: ast.Module) -> int | None:
    """The first row of the first statement that is not the docstring or an import (its decorators included)."""
    for number, statement in enumerate(tree.body):
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue
        if number == 0 and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        return min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", []))])
    return None


def _unused_module_imports(tree: ast.Module, read_before: set[str], read_after: set[str]) -> set[int]:
    """The aliases (ids) of module-level ``import`` statements of legacy modules that the migration left unread:
    ``import a.b`` whose path was read before and is not any more (and whose ``a`` is bound by another import when
    ``a`` is still read), ``import a.b as c`` whose ``c`` was read before and is not any more."""
    aliases = [alias for statement in tree.body if isinstance(statement, ast.Import) for alias in statement.names]
    unused: set[int] = set()
    for alias in aliases:
        root = alias.name.split(".", 1)[0]
        if root not in LEGACY_ROOTS:
            continue
        if alias.asname:
            if alias.asname in read_before and alias.asname not in read_after:
                unused.add(id(alias))
            continue
        if "." not in alias.name or alias.name not in read_before or alias.name in read_after:
            continue
        binds_root = [
            other
            for other in aliases
            if other is not alias and other.asname is None and other.name.split(".", 1)[0] == root
        ]
        if root not in read_after or any(id(other) not in unused for other in binds_root):
            unused.add(id(alias))
    return unused


def hunks(old: str, new: str) -> list[Edit]:
    """Line-wise edits that turn ``old`` into ``new`` (what the JSON ``fix`` and the editor get)."""
    before, after = split_lines_keepends(old), split_lines_keepends(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [
        Edit("".join(after[j1:j2]), i1 + 1, 0, i2 + 1, 0)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def apply(old: str, edits: Sequence[Edit]) -> str:
    index = Text(old)
    unique = {(e.row, e.col, e.end_row, e.end_col, e.content) for e in edits}
    return index.splice(Replacement((r, c), (er, ec), content) for r, c, er, ec, content in unique)
