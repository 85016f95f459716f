"""flake8 front end: ``flake8 --select LCM`` (registered under the ``LCM`` entry point).

flake8 parses the file, applies ``# noqa``, its own ``# flake8: noqa`` and selection; this class runs
the shared engine on the tree it is given and applies the file-level forms flake8 does not know
(``# lint-memory: noqa[: codes]``, ``# ruff: noqa[: codes]``) unless ``--disable-noqa``, so that every
comment means what it means for the CLI (docs/suppression.md).  A tree nested beyond the recursion limit is reported as LCM904 instead of
crashing flake8.  flake8 loads every plugin for every run: the engine is imported on the first file the
pre-filter lets through, so a run over files that cannot have a finding pays for the pre-filter only.

The opt-in rules (LCM500/LCM501) follow flake8-bugbear's B9xx: they are in flake8's default ignore
list, and, because a user's ``select``/``ignore`` replaces that list, the checker itself emits them
only when a ``select``/``extend-select`` entry names them more narrowly than ``LCM``: ``LCM5``,
``LCM50``, ``LCM500``.  So ``--select LCM`` (or ``select = LCM``) and ``--ignore E501`` keep them off.

A file whose bytes are not text in its declared encoding (invalid UTF-8, an unknown or contradicted
coding cookie) gets LCM902 and nothing else, as from the CLI: flake8 reads such a file as Latin-1 and
would otherwise check mojibake.  Files with null bytes never reach a plugin (flake8's E999).
"""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterator

from lint_memory import __version__
from lint_memory.prefilter import might_match_text
from lint_memory.rules import BY_CODE, OPT_IN_CODES, is_diagnostic
from lint_memory.source import noqa
from lint_memory.source.decode import SourceError, decode

PREFIX = "LCM"
# Text that flake8 may have read as Latin-1 after its decoding failed: a character it would give a
# byte >= 0x80, or a coding cookie on the first two lines (which may be unknown or contradict a BOM).
_LATIN1_HIGH = re.compile(r"[\x80-\xff]")
_COOKIE = re.compile(r"coding[:=]")


def opt_in_selected(code: str, options: argparse.Namespace | None) -> bool:
    """Whether the user's ``select`` / ``extend-select`` names the opt-in ``code`` by a prefix longer than ``LCM``.

    Without options (the checker built by hand, not by flake8) every code is emitted and flake8's own
    selection decides.
    """
    if options is None:
        return True
    chosen = {
        entry.strip().upper()
        for entry in [*(getattr(options, "select", None) or []), *(getattr(options, "extend_select", None) or [])]
    }
    return any(code[:end] in chosen for end in range(len(PREFIX) + 1, len(code) + 1))


class MemoryChecker:
    name = "lint-memory"
    version = __version__

    def __init__(
        self, tree: ast.AST, lines: list[str], options: argparse.Namespace | None = None, filename: str | None = None
    ) -> None:
        self.tree = tree
        self.lines = lines
        self.options = options
        self.filename = filename

    @classmethod
    def add_options(cls, option_manager) -> None:
        option_manager.extend_default_ignore(sorted(OPT_IN_CODES))

    def _file_suppression(self, lines: list[str]) -> tuple[str, ...] | None:
        """Our file-level comments (flake8 applies ``# flake8: noqa`` and inline ``# noqa`` itself)."""
        if getattr(self.options, "disable_noqa", False) or not any("noqa" in line.lower() for line in lines):
            return None
        return noqa.file_codes(lines, flake8_form=False)

    def _undecodable(self, text: str) -> SourceError | None:
        """LCM902 when the file's bytes do not decode as the CLI decodes them (``source.decode``)."""
        if not (_LATIN1_HIGH.search(text) or any(_COOKIE.search(line) for line in self.lines[:2])):
            return None
        data = None
        stdin = "-" in (getattr(self.options, "filenames", None) or ())
        if self.filename and not stdin:
            try:
                with open(self.filename, "rb") as stream:
                    data = stream.read()
            except OSError:
                data = None
        try:
            # From stdin flake8 decoded by the cookie, else as UTF-8: only a bad cookie is left to find.
            decode(data if data is not None else text.encode("utf-8", "surrogatepass"))
        except SourceError as error:
            return error
        return None

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        text = "".join(self.lines)
        problem = self._undecodable(text)
        if problem is not None:
            yield problem.line, 0, f"LCM902 {problem.message}; see {BY_CODE['LCM902'].url}", type(self)
            return
        if not might_match_text(text):
            return
        from lint_memory import engine  # the visitor: only for a file that may have a finding

        lines = [line.rstrip("\r\n") for line in self.lines]
        try:
            found = engine.check_tree(self.tree, lines)
        except RecursionError:
            yield 1, 0, f"LCM904 the file is nested too deeply to check; see {BY_CODE['LCM904'].url}", type(self)
            return
        wanted = {code: opt_in_selected(code, self.options) for code in OPT_IN_CODES}
        silenced = self._file_suppression(lines)
        for finding in found:
            if noqa.is_file_suppressed(finding.code, silenced) and not is_diagnostic(finding.code):
                continue
            if wanted.get(finding.code, True):
                yield finding.line, finding.col, f"{finding.code} {finding.message}", type(self)
