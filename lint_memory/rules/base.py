"""What a rule is (``Rule``, ``RuleKind``) and what a rule function is given (``Context``).

Rule families (``rules/<family>.py``) import this module, never the package's ``__init__``, which
assembles them.  A family module owns its ``Rule`` objects (``RULES``) and the functions the
checker calls while it walks a module (``lint_memory.checker`` lists the events: ``on_import``,
``on_import_from``, ``on_name``, ``on_attribute``, ``on_call``).  Rule functions ask the semantic
model and the value analysis through the ``Context``; they never manage scopes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from lint_memory.semantic.model import SemanticModel
from lint_memory.semantic.values import Values

DOCS_URL = "https://github.com/lint-memory/lint-memory/blob/main/docs/rules.md"
PYLINT_BASE = "52"  # pylint's custom-checker range is 51-99; pylint-django holds 51


class RuleKind(Enum):
    LINT = "lint"  # a finding about the checked code
    DIAGNOSTIC = "diagnostic"  # the input itself could not be checked (LCM9xx): never suppressed, an error


@dataclass(frozen=True, kw_only=True)
class Rule:
    code: str
    name: str
    summary: str
    url: str
    what: str  # what the rule flags (the generated docs list the catalog symbols it covers)
    why: str
    example: str  # invalid code: the rule fires on it
    use_instead: str  # valid code: the rule stays silent
    fix_safety: str = "This rule has no automatic fix: the change is a redesign, not a rename."
    fixable: str = "never"  # "never" | "sometimes"
    default: bool = True  # on unless selected
    pylint_number: str | None = None  # last two digits of the pylint msgid
    references: tuple[str, ...] = ()
    kind: RuleKind = RuleKind.LINT

    @property
    def pylint_msgid(self) -> str | None:
        """``W52xx`` for a finding; ``E52xx`` for a diagnostic (the file could not be checked)."""
        if not self.pylint_number:
            return None
        category = "E" if self.kind is RuleKind.DIAGNOSTIC else "W"
        return f"{category}{PYLINT_BASE}{self.pylint_number}"

    @property
    def pylint_symbol(self) -> str | None:
        return f"langchain-{self.name}" if self.pylint_number else None

    @property
    def anchor(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"


class Context(Protocol):
    """What the checker gives a rule function."""

    model: SemanticModel  # scopes, bindings and references where the walk is
    values: Values  # what an expression holds
    memo: dict[str, Any]  # per-module scratch space of the rules, keyed by rule code

    def report(self, code: str, node: ast.AST, message: str, symbol: str, target: str | None = None) -> None:
        """Record a finding at ``node`` (dropped when ``code`` is not enabled)."""
        ...  # pragma: no cover - a protocol
