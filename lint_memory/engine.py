"""The rule engine's entry points, shared by every front end (flake8, pylint, CLI, server).

``check_tree`` runs the checker (``lint_memory.checker``) over a parsed module; ``check_source`` parses first.  Both return
every finding, opt-in codes included: selection belongs to the front end (flake8's ignore list,
pylint's enabled messages, the CLI's ``select``).  ``might_match`` decides from the source bytes,
without parsing, that a file cannot have a finding.
"""

from __future__ import annotations

import ast
import unicodedata

from lint_memory.catalog import entries as catalog
from lint_memory.catalog import index as lookup
from lint_memory.checker import Checker
from lint_memory.model import Finding
from lint_memory.source.lines import char_column, split_lines


def _prefilter_tokens() -> tuple[bytes, ...]:
    """Lowercase byte strings of which any file with a finding contains at least one.

    Every finding needs a catalog name, a removed module path or the ``memory`` keyword to appear
    in the source; the seeds cover most of them and every name they miss is added verbatim.
    """
    seeds = list(catalog.PREFILTER_SEEDS)
    names = {path.rsplit(".", 1)[-1].lower() for path in lookup.BY_PATH}
    roots = [m for m in catalog.MOVED_MODULES if not any(m.startswith(o + ".") for o in catalog.MOVED_MODULES)]
    names |= {root.rsplit(".", 1)[-1].lower() for root in roots}  # reaching a submodule spells its root
    names |= set(catalog.MEMORY_KEYWORDS)
    seeds += sorted(n for n in names if not any(seed in n for seed in seeds))
    return tuple(seed.encode() for seed in seeds)


PREFILTER_TOKENS = _prefilter_tokens()


def might_match(data: bytes) -> bool:
    """False only when the source provably has no finding: it never names ``langchain``
    together with a memory token.

    ``data`` is the source in UTF-8: the bytes of an ASCII or UTF-8 file, or decoded text
    re-encoded (the runner decodes files whose coding cookie names another encoding first, since
    e.g. UTF-7 spells letters with other bytes).  Bytes that are not UTF-8 cannot form an
    identifier and are kept as they are."""
    if data.isascii():
        return _mentions_memory(data)
    return might_match_text(data.decode("utf-8", "surrogateescape"))


def might_match_text(text: str) -> bool:
    """``might_match`` for decoded source.  Python NFKC-normalises identifiers (``ｍemory`` is
    ``memory``), so non-ASCII text is normalised before the test."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _mentions_memory(text.encode("utf-8", "surrogatepass"))


def _mentions_memory(data: bytes) -> bool:
    if b"langchain" not in data:
        return False
    data = data.lower()
    return any(token in data for token in PREFILTER_TOKENS)


def check_tree(tree: ast.AST, lines: list[str] | None = None) -> list[Finding]:
    """All findings in a parsed module, sorted, with columns in characters when lines are given.

    ``lines`` are the source lines without line endings, split as ``split_lines`` does (flake8's
    physical lines are); with them, string annotations are read only when they are plain literals.
    """
    found = Checker(lines).run(tree)
    if lines:
        for finding in found:
            finding.col = _char_column(lines, finding.line, finding.col)
            finding.end_col = _char_column(lines, finding.end_line, finding.end_col)
    found.sort(key=Finding.sort_key)
    return found


def check_source(source: str, filename: str = "<unknown>") -> list[Finding]:
    """Parse and check; raises SyntaxError (or ValueError, RecursionError, MemoryError) on bad input."""
    tree = ast.parse(source, filename=filename)
    return check_tree(tree, split_lines(source))


def _char_column(lines: list[str], row: int, byte_col: int) -> int:
    return char_column(lines[row - 1], byte_col) if 0 < row <= len(lines) else byte_col
