"""``lint-memory rules --output-format ruff``: the catalog as ruff's banned-api table (TID251).

ruff users get import-level coverage inside ruff, with our messages and links: every catalog
import path and every removed module, each with what lint-memory would say there (the rule code
in brackets).  ruff matches imports only (``from x import Name``, ``import x``, ``x.Name``): the
uses lint-memory finds through names, ``memory=`` and the memory API stay lint-memory's job.
Paths that only an opt-in rule reports (LCM5xx) are printed commented out, to uncomment once the
rest is gone; ``include_opt_in`` prints them as live entries.
"""

from __future__ import annotations

import json

from lint_memory.catalog.entries import MOVED_MODULES
from lint_memory.catalog.index import BY_PATH, is_removed, new_home
from lint_memory.rules import MOVED_IMPORT, OPT_IN_CODES, messages

PYPROJECT_TABLE = "tool.ruff.lint.flake8-tidy-imports.banned-api"
RUFF_TOML_TABLE = "lint.flake8-tidy-imports.banned-api"


def banned() -> dict[str, tuple[str, bool]]:
    """Import path -> (message, reported only by an opt-in rule), sorted by path."""
    code, url = MOVED_IMPORT.code, MOVED_IMPORT.url
    table: dict[str, tuple[str, bool]] = {}
    for path, entry in BY_PATH.items():
        parts = []
        if entry.rule:
            parts.append(f"[{entry.rule}] {messages.reference(entry, entry.name)}")
        target = new_home(path) if is_removed(path) else None
        if target:
            parts.append(f"[{code}] {messages.moved(path, target, url, module=False)}")
        if parts:
            table[path] = (" ".join(parts), not target and entry.rule in OPT_IN_CODES)
    for module, target in MOVED_MODULES.items():
        table[module] = (f"[{code}] {messages.moved(module, target, url, module=True)}", False)
    return dict(sorted(table.items()))


def render(table_name: str = PYPROJECT_TABLE, *, include_opt_in: bool = False) -> str:
    lines = [
        "# LangChain memory import paths from lint-memory's catalog, for ruff's banned-api rule.",
        f'# Enable the rule too: [{table_name.split(".flake8-tidy-imports")[0]}] extend-select = ["TID251"]',
        f"[{table_name}]",
    ]
    for path, (message, opt_in) in banned().items():
        entry = f"{json.dumps(path)}.msg = {json.dumps(message, ensure_ascii=False)}"
        lines.append(f"# {entry}  # opt-in rule" if opt_in and not include_opt_in else entry)
    return "\n".join(lines) + "\n"
