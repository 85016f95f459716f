"""The one-line messages the rules report with, built from catalog entries."""

from __future__ import annotations

from lint_memory.catalog.entries import Entry

_DISTRIBUTIONS = (
    ("langchain_classic", "langchain-classic"),
    ("langchain_community", "langchain-community"),
    ("langchain_core", "langchain-core"),
)


def _distribution(path: str) -> str:
    root = path.split(".", 1)[0]
    return next((dist for module, dist in _DISTRIBUTIONS if module == root), root.replace("_", "-"))


def _deprecation(entry: Entry) -> str:
    if entry.since and entry.removal:
        return f" (since {entry.since}, removal in {entry.removal})"
    return ""


def reference(entry: Entry, written: str) -> str:
    shown = f"`{entry.name}`" if written == entry.name else f"`{entry.name}` (as `{written}`)"
    return f"{shown} is deprecated{_deprecation(entry)}: use {entry.replacement}; see {entry.url}"


def moved(old: str, new: str, url: str, *, module: bool) -> str:
    package = f"`{_distribution(new)}`"
    if module:
        return f"module `{old}` no longer exists in LangChain 1.x: use `{new}` (package {package}); see {url}"
    new_module, _, name = new.rpartition(".")
    return (
        f"`{old}` no longer exists in LangChain 1.x: use `from {new_module} import {name}` "
        f"(package {package}); see {url}"
    )


def memory_argument(callee: str, entry: Entry | None, replacement: str, url: str) -> str:
    what = f" (a `{entry.name}`)" if entry else ""
    return f"`memory=` given to `{callee}`{what}: legacy chain memory is deprecated; use {replacement}; see {url}"


def memory_api(expression: str, entry: Entry, replacement: str, url: str) -> str:
    return f"`{expression}` is the deprecated `{entry.name}` API: use {replacement}; see {url}"
