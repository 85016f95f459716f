"""What git ignores: ``.gitignore`` files and ``.git/info/exclude``, with git's own semantics.

Rules come from ``man gitignore``: a pattern without a slash (other than a trailing one) matches
a name at any depth, otherwise it is anchored to the folder of its ``.gitignore``; a trailing
``/`` matches folders only; ``!`` re-includes; the last matching line wins, and a deeper file
wins over a shallower one.  As in git (and ruff), these files count only inside a git work
tree.  The user's global ``core.excludesFile`` is not read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from lint_memory.project.globs import translate


@dataclass(frozen=True)
class IgnoreFile:
    """The rules of one ignore file, matched against paths relative to ``base``."""

    base: str  # absolute folder the patterns are relative to, with a trailing separator
    folders: re.Pattern[str] | None  # every rule, last line first
    files: re.Pattern[str] | None  # the rules that also apply to files
    folder_negated: tuple[bool, ...]
    file_negated: tuple[bool, ...]

    def verdict(self, path: str, is_dir: bool) -> bool | None:
        """True: ignored; False: re-included by a ``!`` line; None: no line matches."""
        if not path.startswith(self.base):
            return None
        pattern, negated = (self.folders, self.folder_negated) if is_dir else (self.files, self.file_negated)
        if pattern is None:
            return None
        match = pattern.fullmatch(path, len(self.base))
        if match is None:
            return None
        return not negated[match.lastindex - 1]


def parse(text: str, base: str) -> IgnoreFile | None:
    """The rules in ``text`` (the contents of an ignore file in folder ``base``), or None if none."""
    rules: list[tuple[str, bool, bool]] = []  # (regex, negated, folders only)
    for raw in text.splitlines():
        line = _strip_trailing_spaces(raw)
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        if negated or line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        folders_only = line.endswith("/") and not line.endswith("\\/")
        line = line.rstrip("/")
        if not line:
            continue
        if "/" in line:  # anchored to `base`
            source = translate(line.lstrip("/"), star_crosses_slash=False)
        else:
            source = "(?:.*/)?" + translate(line, star_crosses_slash=False)
        rules.append((source, negated, folders_only))
    if not rules:
        return None
    rules.reverse()  # alternation tries left to right: the last line of the file must win
    file_rules = [rule for rule in rules if not rule[2]]
    return IgnoreFile(
        base if base.endswith(os.sep) else base + os.sep,
        _alternation([rule[0] for rule in rules]),
        _alternation([rule[0] for rule in file_rules]),
        tuple(rule[1] for rule in rules),
        tuple(rule[1] for rule in file_rules),
    )


def _alternation(sources: list[str]) -> re.Pattern[str] | None:
    """Each source in its own group, so that ``lastindex`` tells which rule matched first."""
    if not sources:
        return None
    return re.compile("|".join(f"({source})" for source in sources), re.DOTALL)  # `translate` makes no groups


def _strip_trailing_spaces(line: str) -> str:
    """Trailing spaces are dropped unless escaped with a backslash."""
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped[:-1] + " "
    return stripped


def read(path: str, base: str) -> IgnoreFile | None:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as handle:
            return parse(handle.read(), base)
    except OSError:
        return None


def repository_root(folder: str) -> str | None:
    """The work tree containing ``folder`` (absolute): the nearest folder with a ``.git`` entry."""
    current = folder
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def repository_rules(root: str) -> list[IgnoreFile]:
    """The rules a work tree applies before any ``.gitignore``: ``.git/info/exclude``."""
    exclude = read(os.path.join(root, ".git", "info", "exclude"), root)
    return [exclude] if exclude else []


def ancestor_rules(folder: str) -> list[IgnoreFile] | None:
    """Rules that apply to ``folder``'s contents from above it, lowest precedence first:
    ``.git/info/exclude``, then each ``.gitignore`` from the work-tree root down to the parent
    of ``folder`` (``folder``'s own is read when it is walked).  None outside a work tree."""
    root = repository_root(folder)
    if root is None:
        return None
    rules = repository_rules(root)
    relative = os.path.relpath(folder, root)
    current = root
    for part in [] if relative == os.curdir else relative.split(os.sep):
        ignore = read(os.path.join(current, ".gitignore"), current)
        if ignore:
            rules.append(ignore)
        current = os.path.join(current, part)
    return rules


def is_ignored(rules: list[IgnoreFile], path: str, is_dir: bool) -> bool:
    """The verdict of the deepest rule file with a matching line (``path`` is absolute)."""
    for rule in reversed(rules):
        verdict = rule.verdict(path, is_dir)
        if verdict is not None:
            return verdict
    return False
