"""Glob patterns as regular expressions, for ``exclude`` and ``per-file-ignores``.

These follow ruff's dialect (globset's default): ``*`` crosses ``/`` but ``**/`` may still be
empty, which neither ``fnmatch`` nor ``pathspec`` (git's dialect, where ``*`` stops at ``/``)
expresses.  ``.gitignore`` files are matched by ``pathspec`` (see ``gitignore``); the git dialect
here (``star_crosses_slash=False``) remains for patterns that want it.
"""

from __future__ import annotations

import re


def translate(pattern: str, *, star_crosses_slash: bool) -> str:
    """Regular-expression source matching what ``pattern`` matches, for ``re.fullmatch``.

    ``**/`` at the start or after ``/`` matches zero or more folders, a trailing ``/**`` everything
    below; ``*`` and ``?`` match within one path component unless ``star_crosses_slash``;
    ``[...]`` is a character class (``[!...]`` negated); ``\\x`` is a literal ``x``.
    """
    star = ".*" if star_crosses_slash else "[^/]*"
    one = "." if star_crosses_slash else "[^/]"
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if pattern.startswith("**", i):
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            at_boundary = i == 0 or pattern[i - 1] == "/"
            if at_boundary and pattern.startswith("/", j):
                out.append("(?:.*/)?")
                j += 1
            elif at_boundary and j == n:
                out.append(".*")
            else:
                out.append(star)  # git: other consecutive asterisks are ordinary asterisks
            i = j
        elif char == "*":
            out.append(star)
            i += 1
        elif char == "?":
            out.append(one)
            i += 1
        elif char == "[":
            end = _class_end(pattern, i)
            if end < 0:
                out.append(re.escape(char))
                i += 1
            else:
                out.append(_character_class(pattern[i + 1 : end]))
                i = end + 1
        elif char == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


def _class_end(pattern: str, start: int) -> int:
    """Index of the ``]`` closing the class opened at ``start``; a ``]`` first in it is literal."""
    i = start + 1
    if i < len(pattern) and pattern[i] in "!^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    return pattern.find("]", i)


def _character_class(body: str) -> str:
    negate = body[:1] in ("!", "^")
    if negate:
        body = body[1:]
    body = body.replace("\\", "\\\\").replace("[", "\\[").replace("^", "\\^")
    return f"[{'^' if negate else ''}{body}]"


def escape(text: str) -> str:
    """``text`` as a pattern matching exactly itself (a folder name may hold ``*`` or ``[``)."""
    return re.sub(r"([*?\[\\])", r"\\\1", text)


def compile_any(sources: list[str]) -> re.Pattern[str] | None:
    """One expression matching what any of the translated patterns matches (None for none)."""
    if not sources:
        return None
    return re.compile("|".join(f"(?:{source})" for source in sources), re.DOTALL)
