"""Indexes derived from the catalog: qualified name -> entry, moved paths and their new homes."""

from __future__ import annotations

from functools import lru_cache

from lint_memory.catalog.entries import CLASSIC, ENTRIES, MEMORY_CONSUMERS, MOVED_MODULES, Entry

BY_PATH: dict[str, Entry] = {path: entry for entry in ENTRIES for path in entry.all_paths}


def _exports() -> dict[str, dict[str, str]]:
    """module -> {name: qualified name}: what a star import of a known module binds."""
    exports: dict[str, dict[str, str]] = {}
    for path in BY_PATH:
        module, _, name = path.rpartition(".")
        exports.setdefault(module, {})[name] = path
    return exports


EXPORTS = _exports()
_REMOVED_ROOTS = ("langchain.", "langchain_core.memory.")
# Paths under current packages that stopped importing: the class left for a partner package.
GONE: frozenset[str] = frozenset(p for e in ENTRIES if e.gone for p in e.all_paths if p != e.moved_to)


def is_removed(path: str) -> bool:
    """True when ``path`` (a catalog path) no longer imports on current LangChain."""
    return path.startswith(_REMOVED_ROOTS) or path in GONE


@lru_cache(maxsize=4096)
def moved_module(module: str) -> str | None:
    """New home of a removed module (longest prefix of MOVED_MODULES), or None."""
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        head = ".".join(parts[:size])
        if head in MOVED_MODULES:
            return ".".join([MOVED_MODULES[head], *parts[size:]])
    return None


def new_home(path: str) -> str | None:
    """Where a removed qualified name lives now, or None when ``path`` still imports."""
    entry = BY_PATH.get(path)
    if entry is not None:
        if not is_removed(path):
            return None
        if entry.moved_to:
            return entry.moved_to
        twin = CLASSIC + path[len("langchain") :]
        if twin in entry.all_paths:
            return twin
        return next((p for p in entry.all_paths if not is_removed(p)), None)
    return moved_module(path)  # a removed module, or any name imported from one


def is_memory_consumer(path: str) -> bool:
    """A chain or agent (or its factory) that takes the legacy ``memory=`` argument."""
    return path.startswith(MEMORY_CONSUMERS)
