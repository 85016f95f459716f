"""LCM400 moved-import: an import of a memory path that no longer exists in current LangChain.

An import inside ``except ImportError:`` whose ``try:`` body already imports the new home is a
compatibility shim and is not flagged: ``import_guard`` says what a ``try:`` body imports, the
checker keeps it as ``model.guard`` while it walks such a handler (and the functions defined in it).
"""

from __future__ import annotations

import ast

from lint_memory.catalog import entries as c
from lint_memory.catalog import index as lookup
from lint_memory.catalog.entries import Entry
from lint_memory.rules.base import Context, Rule
from lint_memory.rules.messages import moved

RULES: tuple[Rule, ...] = (
    Rule(
        code="LCM400",
        name="moved-import",
        summary="Import of a memory path that no longer exists in current LangChain",
        url=c.V1_MIGRATION_URL,
        what="Flags imports of modules and names that current LangChain no longer serves (`langchain.memory` "
        "and its submodules, the memory names of `langchain.schema`, `langchain_core.memory`, `langchain.chains` "
        "and `langchain`, and the chat message histories once served from `langchain.memory`). The message "
        "names the exact new path. An import inside `except ImportError:` whose `try:` body already imports the "
        "new home is a compatibility shim and is not flagged.",
        why="langchain 1.0 removed `langchain.memory`, `langchain.chains` and `langchain.schema`, and "
        "langchain-core 1.0 removed `langchain_core.memory`: these imports fail with `ModuleNotFoundError` "
        "on a current install. The code now lives in `langchain-classic` (memory classes, "
        "`ConversationChain`, `BaseMemory`) and `langchain-community` (chat message histories, Zep, "
        "Motorhead and knowledge-graph memory).",
        example="from langchain.memory import ChatMessageHistory, ConversationBufferMemory\n",
        use_instead="from langchain_community.chat_message_histories import ChatMessageHistory\n"
        "from langchain_classic.memory import ConversationBufferMemory\n",
        fix_safety=(
            "A fix is safe when it cannot break code that runs today, and the old paths import only on "
            "langchain 0.x. Moves to `langchain_community` (chat message histories; Zep, Motorhead and "
            "knowledge-graph memory) and to `langchain_core` are safe: the old paths re-exported exactly these "
            "classes and needed those packages installed (only a project that targets langchain 0.0.x gets them "
            "as unsafe). Moves to `langchain-classic` (memory classes, `BaseMemory`, `ConversationChain`, the `*` "
            "import of `langchain.memory`) are safe only when the project targets langchain 1.x: "
            '`target-langchain = "1"` in `[tool.lint-memory]`, or, when that is not set, a `langchain` '
            "requirement declared by the project (pyproject.toml, requirements*.txt, setup.cfg) that admits only "
            "versions >= 1. Otherwise they are unsafe, because on langchain 0.x `langchain-classic` is not "
            "installed and the new import fails. Moves to a partner package (`langchain_mongodb`, "
            "`langchain_astradb`, `langchain_neo4j`) are always unsafe: the package may not be installed and its "
            "class may take other arguments. An unaliased `import langchain.memory` is fixed together with every "
            "`langchain.memory...` reference it provides, and not at all when a reference cannot be rewritten "
            "safely."
        ),
        fixable="sometimes",
        references=(c.V1_MIGRATION_URL, "https://python.langchain.com/docs/versions/v0_2/"),
        pylint_number="40",
    ),
)

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def catches_import_error(handler_type: ast.expr | None) -> bool:
    """Does ``except <handler_type>:`` catch a failed import (a bare ``except:`` does)?"""
    if handler_type is None:
        return True
    names = handler_type.elts if isinstance(handler_type, ast.Tuple) else [handler_type]
    return any(isinstance(n, ast.Name) and n.id in _IMPORT_ERRORS for n in names)


def import_guard(body: list[ast.stmt]) -> frozenset[str]:
    """What the top-level imports of a ``try:`` body import that current LangChain still serves:
    module names, qualified names, and the catalog names among them."""
    imported: set[str] = set()
    for statement in body:
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
    return frozenset(imported)


def on_import(ctx: Context, node: ast.Import, alias: ast.alias) -> None:
    _report_moved(ctx, alias.name, alias, module=True)


def on_import_from(ctx: Context, node: ast.ImportFrom, alias: ast.alias, path: str | None) -> None:
    module = node.module or ""
    if path is None:  # `from m import *`
        _report_moved(ctx, module, alias, module=True)
        return
    is_module = path not in lookup.BY_PATH and lookup.moved_module(module) is None
    _report_moved(ctx, path, alias, module=is_module)


def _report_moved(ctx: Context, old: str, node: ast.AST, *, module: bool) -> None:
    new = lookup.new_home(old)
    if new is None or _guarded(ctx.model.guard, new, lookup.BY_PATH.get(old)):
        return
    ctx.report("LCM400", node, moved(old, new, RULES[0].url, module=module), old, target=new)


def _guarded(guard: frozenset[str], new: str, entry: Entry | None) -> bool:
    if not guard:
        return False
    if entry is not None and entry.name in guard:
        return True
    parts = new.split(".")
    return any(".".join(parts[:size]) in guard for size in range(1, len(parts) + 1))
