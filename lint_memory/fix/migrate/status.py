"""Whether each chain can be migrated, decided on the syntax tree so that every front end says the same.

The engine (``engine.check_tree``) calls ``annotate`` when a module has a chain finding (``MIGRATION_CODES``): the
message of a chain that is not migratable says why, naming the blocking line ("(not migrated automatically:
`chain` is returned at line 12)", before the doc URL that ends every message), in flake8, pylint, the CLI and the language server alike, on any
LangChain target. The fix itself (``plan``) is planned by the front ends that fix, only for LangChain 1.x.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from collections import deque
from collections.abc import Iterator

from lint_memory.checker import semantic_model
from lint_memory.fix.migrate.detect import Matcher, Site, callee
from lint_memory.fix.migrate.reasons import Blocked
from lint_memory.model import Finding
from lint_memory.rules import MIGRATION_CODES
from lint_memory.semantic.syntax import children, first_row
from lint_memory.source.lines import char_column

PATTERNS = {"buffer": "1 buffer", "window": "2 window", "prefix": "3 prompt template", "summary": "4 summary"}
NOT_IDENTIFIED = "not identified"  # the report's row for chains blocked before their pattern is known
_REASON = " (not migrated automatically: "
_URL_LAST = re.compile(r"; see https?://\S+$")


def chain_calls(tree: ast.AST, lines: list[str] | None, findings: list[Finding]) -> list[tuple[Finding, ast.Call, str]]:
    """The chain findings (``MIGRATION_CODES``), each with its chain call and the chain's class name.

    ``lines``: the module's lines when the findings' columns are characters (ast columns are bytes)."""
    wanted = {(f.line, f.col, f.code): f for f in findings if f.code in MIGRATION_CODES}
    if not wanted:
        return []

    def column(row: int, byte: int) -> int:
        return char_column(lines[row - 1], byte) if lines and 0 < row <= len(lines) else byte

    found = []
    for node in _walk_around(tree, {line for line, _, _ in wanted}):
        if not isinstance(node, ast.Call):
            continue
        name = callee(node)
        if name == "ConversationChain":  # flagged where its name is written, or where a dotted path to it starts
            row, byte = node.func.lineno, node.func.col_offset
            finding = wanted.get((row, column(row, byte), "LCM301"))
            if finding is None and isinstance(node.func, ast.Attribute):
                row, byte = node.func.end_lineno or row, (node.func.end_col_offset or 0) - len(name)
                finding = wanted.get((row, column(row, byte), "LCM301"))
        elif name == "LLMChain":
            memory = [k for k in node.keywords if k.arg == "memory"]
            if not memory:
                continue
            finding = wanted.get((memory[0].lineno, column(memory[0].lineno, memory[0].col_offset), "LCM300"))
        else:
            continue
        if finding is not None:
            found.append((finding, node, name))
    return found


def _walk_around(tree: ast.AST, rows: set[int]) -> Iterator[ast.AST]:
    """The nodes of ``ast.walk(tree)`` (breadth first, in its order) that can hold one of ``rows``: a subtree whose
    lines hold none of them is passed over (found by bisection), and so are names' contexts and operators."""
    ordered = sorted(rows)

    def holds_one(node: ast.AST) -> bool:
        first, last = first_row(node), getattr(node, "end_lineno", None)
        if first is None or last is None:
            return True  # a node without a location may hold anything
        index = bisect_left(ordered, first)
        return index < len(ordered) and ordered[index] <= last

    todo: deque[ast.AST] = deque([tree])
    while todo:
        node = todo.popleft()
        todo.extend(child for child in children(node) if holds_one(child))
        yield node


def match(
    tree: ast.Module, lines: list[str] | None, findings: list[Finding]
) -> list[tuple[Finding, str, Site | None, Blocked | None]]:
    """Each chain finding with its chain class, and its migration site or the reason there is none (then with
    the site as far as it was identified, or None)."""
    calls = chain_calls(tree, lines, findings)
    if not calls:
        return []
    matcher = Matcher(tree, lambda: semantic_model(tree, lines))  # a walk of its own, once a match needs it
    matched: list[tuple[Finding, str, Site | None, Blocked | None]] = []
    for finding, call, name in calls:
        try:
            matched.append((finding, name, matcher.match(call, name), None))
        except Blocked as reason:
            matched.append((finding, name, matcher.last, reason))
    return matched


def annotate(tree: ast.AST, lines: list[str] | None, findings: list[Finding]) -> None:
    """Append to the message of each chain finding that is not migrated why not (``engine.check_tree``)."""
    if not isinstance(tree, ast.Module):
        return
    try:
        matched = match(tree, lines, findings)
    except Exception:  # the reason is an addition to the message: a bug here must not cost the findings
        return  # (where the CLI plans a migration it runs the same match, and reports such a bug as an error)
    for finding, _, _, reason in matched:
        finding.message = with_reason(finding.message, reason)


def pattern(site: Site | None) -> str:
    """The report's pattern label: known once the chain's class and memory are (``Matcher.last``)."""
    return PATTERNS[site.pattern] if site is not None else NOT_IDENTIFIED


def with_reason(message: str, reason: Blocked | None) -> str:
    """``message`` saying ``reason`` (replacing one it said), or none when ``reason`` is None; the doc URL that
    ends a message stays last."""
    url = _URL_LAST.search(message)
    head, tail = (message[: url.start()], url.group(0)) if url else (message, "")
    cut = head.rfind(_REASON)
    if cut >= 0 and head.endswith(")"):
        head = head[:cut]
    return head + (f" ({reason.message()})" if reason is not None else "") + tail
