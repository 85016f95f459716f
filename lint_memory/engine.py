"""The rule engine's entry points, shared by every front end (flake8, pylint, CLI, server).

``check_tree`` runs the checker (``lint_memory.checker``) over a parsed module; ``check_source`` parses first
(``parse``).  Both return
every finding, opt-in codes included: selection belongs to the front end (flake8's ignore list,
pylint's enabled messages, the CLI's ``select``).  ``might_match`` decides from the source bytes,
without parsing, that a file cannot have a finding (``lint_memory.prefilter``).

Depth: valid code that is merely long (an ``elif`` chain of 1,000 branches, a long method chain,
``a + a + ...`` with 10,000 terms) nests deeper than the default recursion limit allows.  ``parse``
and ``check_tree`` then run again on a large stack (``lint_memory.deep``), so such a file is
checked like any other; a ``RecursionError`` (or the parser's own ``SyntaxError`` / ``MemoryError``
about its fixed limits) still reaches the caller for what even that cannot take.
"""

from __future__ import annotations

import ast
import sys

from lint_memory.checker import Checker
from lint_memory.deep import call_deep, retry_deep
from lint_memory.model import Finding
from lint_memory.prefilter import might_match, might_match_text
from lint_memory.rules import MIGRATION_CODES
from lint_memory.source.lines import char_column, split_lines

__all__ = ["check_source", "check_tree", "might_match", "might_match_text", "parse"]


def check_tree(tree: ast.AST, lines: list[str] | None = None) -> list[Finding]:
    """All findings in a parsed module, sorted, with columns in characters when lines are given.

    ``lines`` are the source lines without line endings, split as ``split_lines`` does (flake8's
    physical lines are); with them, string annotations are read only when they are plain literals.
    A legacy chain's finding says why the chain is not migrated automatically (``fix.migrate.status``).
    """
    # merely long code: again, on a stack that fits it; the model records no references (no rule reads them)
    found = retry_deep(lambda: _findings(tree, lines))
    if lines:
        for finding in found:
            finding.col = _char_column(lines, finding.line, finding.col)
            finding.end_col = _char_column(lines, finding.end_line, finding.end_col)
    if any(finding.code in MIGRATION_CODES for finding in found):
        from lint_memory.fix.migrate.status import annotate  # only for a module with a legacy chain

        annotate(tree, lines, found)  # why a chain is not migrated: the same message in every front end
    found.sort(key=Finding.sort_key)
    return found


def _findings(tree: ast.AST, lines: list[str] | None) -> list[Finding]:
    checker = Checker(lines, track=False)
    try:
        return checker.run(tree)
    finally:
        checker.model.release()  # the tree is freed with its last reference, not by the cyclic collector


def check_source(source: str, filename: str = "<unknown>") -> list[Finding]:
    """Parse and check; raises SyntaxError (or ValueError, RecursionError, MemoryError) on bad input."""
    tree = parse(source, filename)
    return check_tree(tree, split_lines(source))


# CPython 3.10's parser does not guard the recursion that turns a long chain (``a.b.b...``, ``1 + 1 + ...``) into
# Python objects: about 100,000 links end the process (SIGSEGV) on the main thread's stack instead of raising.
# Such a chain takes at least two characters a link, so a source this long is parsed on the large stack at once.
_UNGUARDED_PARSER_FROM = 128 * 1024 if sys.version_info < (3, 11) else None  # characters


def parse(source: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse``, again on a large stack when building the tree runs out of recursion depth."""
    if _UNGUARDED_PARSER_FROM is not None and len(source) >= _UNGUARDED_PARSER_FROM:
        return call_deep(ast.parse, source, filename=filename)
    return retry_deep(ast.parse, source, filename=filename)


def _char_column(lines: list[str], row: int, byte_col: int) -> int:
    return char_column(lines[row - 1], byte_col) if 0 < row <= len(lines) else byte_col
