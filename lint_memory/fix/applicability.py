"""Which findings have a fix, and how safe a fix is on the LangChain line the project targets."""

from __future__ import annotations

from lint_memory.catalog.entries import CLASSIC
from lint_memory.model import Applicability, Finding

CODE = "LCM400"  # moved imports: the only fixable rule
# Installed wherever an old `langchain.*` path still imports (see `applicability`).
_ALWAYS_INSTALLED = ("langchain_core", "langchain_community")


def applicability(new_path: str, target: str | None) -> Applicability:
    """``SAFE`` when the fix cannot break code that runs today on the targeted LangChain line.

    The old import only runs on langchain 0.x.  ``langchain-classic`` exists only for 1.x, so a
    move there is safe only for a project that targets 1.x.  ``langchain-core`` and
    ``langchain-community`` are installed wherever the old path works (langchain >= 0.1 depends
    on core, and the old paths re-exported community's classes, so they needed it), unless the
    project targets 0.0.x, which predates both.  A partner package (``langchain_mongodb``) may not
    be installed at all: always unsafe.
    """
    from lint_memory.project import target as targets  # not at import: the engine loads this package

    root = new_path.split(".", 1)[0]
    if root == CLASSIC:
        return Applicability.SAFE if targets.is_v1(target) else Applicability.UNSAFE
    if root in _ALWAYS_INSTALLED:
        return Applicability.UNSAFE if targets.before_0_1(target) else Applicability.SAFE
    return Applicability.UNSAFE


def fixable(finding: Finding) -> bool:
    """A finding the planner may give a fix: a moved import with its new path."""
    return finding.code == CODE and finding.target is not None


def applies(finding: Finding, unsafe: bool) -> bool:
    """Does the planned fix of ``finding`` apply with ``--fix`` (and, with ``unsafe``, ``--unsafe-fixes``)?"""
    fix = finding.fix
    return (
        fixable(finding) and fix is not None and bool(fix.edits) and (fix.applicability == Applicability.SAFE or unsafe)
    )
