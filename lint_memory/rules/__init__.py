"""The rule table: codes, names, pylint ids, documentation and examples, assembled from the rule families.

Each family module (``rules/<family>.py``) owns its ``Rule`` objects and the functions the checker
calls (``lint_memory.checker``); this package only assembles them.  Codes (``LCM###``) and pylint
msgids / symbols are public interface: never renumber them.  Each rule carries its own invalid and
valid example; the test-suite runs both through the engine.
"""

from __future__ import annotations

from types import ModuleType

from lint_memory.catalog import entries as c
from lint_memory.rules import (
    conversation_chain,
    deprecated_symbols,
    diagnostics,
    memory_api,
    memory_argument,
    moved_import,
)
from lint_memory.rules.base import DOCS_URL, PYLINT_BASE, Rule, RuleKind

# Every rule family: its ``RULES``, and the functions the checker calls (in this order) if it has any.
FAMILIES: tuple[ModuleType, ...] = (
    deprecated_symbols,
    conversation_chain,
    memory_argument,
    memory_api,
    moved_import,
    diagnostics,
)

RULES: tuple[Rule, ...] = tuple(sorted((rule for family in FAMILIES for rule in family.RULES), key=lambda r: r.code))

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
LINT_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.kind is RuleKind.LINT)
DIAGNOSTIC_CODES: frozenset[str] = frozenset(r.code for r in RULES if r.kind is RuleKind.DIAGNOSTIC)
DEFAULT_CODES: frozenset[str] = frozenset(r.code for r in LINT_RULES if r.default)
OPT_IN_CODES: frozenset[str] = frozenset(r.code for r in LINT_RULES if not r.default)

__all__ = [
    "BY_CODE",
    "DEFAULT_CODES",
    "DIAGNOSTIC_CODES",
    "DOCS_URL",
    "FAMILIES",
    "LINT_RULES",
    "MIGRATION_CODES",
    "MOVED_IMPORT",
    "OPT_IN_CODES",
    "PYLINT_BASE",
    "RULES",
    "SHARED_REPLACEMENTS",
    "Rule",
    "RuleKind",
    "has_fixes",
    "is_diagnostic",
]


def is_diagnostic(code: str) -> bool:
    """An LCM9xx code: the input could not be checked (never suppressed, reported as an error)."""
    return code in DIAGNOSTIC_CODES


# --- rule knowledge asked for by code (front ends and outputs ask here instead of testing literals) ---
MOVED_IMPORT: Rule = moved_import.RULES[0]
"""The rule that reports imports of removed paths: its findings carry ``target`` (the new import path),
its fixes rewrite those imports, and its symbols are the catalog's removed paths, not its classes."""

MIGRATION_CODES: frozenset[str] = frozenset({"LCM300", "LCM301"})
"""The rules whose findings mark a legacy chain (``memory=`` on an ``LLMChain``, ``ConversationChain``): the engine
says on them why the chain is not migrated automatically, and the structural migration fix attaches to them."""

SHARED_REPLACEMENTS: dict[str, str] = {"LCM300": c.MEMORY_ARGUMENT, "LCM302": c.MEMORY_API_USE}
"""What replaces the code a rule flags when that does not depend on the flagged class (for the other
rules the catalog entry of the class says it)."""


def has_fixes(code: str) -> bool:
    """Can a finding of ``code`` come with an automatic fix (its rule's ``fixable`` is not "never")."""
    rule = BY_CODE.get(code)
    return rule is not None and rule.fixable != "never"
