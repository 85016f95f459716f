"""flake8 front end: ``flake8 --select LCM`` (registered under the ``LCM`` entry point).

flake8 parses the file, applies ``# noqa`` and selection; this class only runs the shared engine
on the tree it is given.  LCM500/LCM501 are added to flake8's default ignore list (opt-in).
A tree nested beyond the recursion limit is reported as LCM904 instead of crashing flake8.
flake8 loads every plugin for every run: the engine is imported on the first file the pre-filter
lets through, so a run over files that cannot have a finding pays for the pre-filter only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from lint_memory import __version__
from lint_memory.prefilter import might_match_text
from lint_memory.rules import BY_CODE, OPT_IN_CODES


class MemoryChecker:
    name = "lint-memory"
    version = __version__

    def __init__(self, tree: ast.AST, lines: list[str]) -> None:
        self.tree = tree
        self.lines = lines

    @classmethod
    def add_options(cls, option_manager) -> None:
        option_manager.extend_default_ignore(sorted(OPT_IN_CODES))

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        if not might_match_text("".join(self.lines)):
            return
        from lint_memory import engine  # the visitor: only for a file that may have a finding

        lines = [line.rstrip("\r\n") for line in self.lines]
        try:
            found = engine.check_tree(self.tree, lines)
        except RecursionError:
            yield 1, 0, f"LCM904 the file is nested too deeply to check; see {BY_CODE['LCM904'].url}", type(self)
            return
        for finding in found:
            yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)
