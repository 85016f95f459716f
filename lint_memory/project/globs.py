"""Glob patterns as regular expressions, for ``exclude`` and ``per-file-ignores``.

These follow ruff's dialect (globset's default): ``*`` crosses ``/`` but ``**/`` may still be
empty, which neither ``fnmatch`` nor ``pathspec`` (git's dialect, where ``*`` stops at ``/``)
expresses.  ``.gitignore`` files are matched by ``pathspec`` (see ``gitignore``); the git dialect
here (``star_crosses_slash=False``) remains for patterns that want it.

Invalid patterns: as globset (so ruff) refuses them, ``problem`` names what is wrong with a
reversed character range (``[z-a]``), an unclosed ``[`` and a lone ``\\`` at the end; the
configuration reports that as an error naming the pattern.  ``translate`` never raises: what it
is given anyway (through the API) becomes an expression that matches nothing.

Linear time: an expression with several ``.*`` backtracks polynomially in the length of the name
when it fails (``*a*a*a*a*b`` against a long run of ``a``).  In ruff's dialect every ``*`` crosses
everything, so the earliest place where the fixed piece after a ``*`` matches is always as good as
a later one; with two ``*`` or more, each piece but the last is matched there and never retried
(the ``fnmatch`` module's look-ahead and back-reference idiom, an atomic group Python 3.10 lacks),
so a match costs about the name's length times the pattern's.  ``**/`` is a ``*`` whose text is
empty or ends with ``/``: a look-behind ahead of the piece that follows it.
"""

from __future__ import annotations

import itertools
import re

NEVER = "(?!)"  # the expression of an invalid pattern: matches nothing
_AFTER_SLASH = "(?<![^/])"  # at the start of the text or just after a `/`
groups = itertools.count()  # group names of the atomic pieces, unique across joined expressions


class GlobError(ValueError):
    """An invalid glob pattern (see ``problem``)."""


def problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a valid glob (as globset says it), or None."""
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            if i + 1 >= n:
                return "a lone `\\` at the end (escape nothing)"
            i += 2
        elif char == "[":
            parsed = _parse_class(pattern, i)
            if isinstance(parsed, str):
                return parsed
            i = parsed[0]
        else:
            i += 1
    return None


def translate(pattern: str, *, star_crosses_slash: bool) -> str:
    """Regular-expression source matching what ``pattern`` matches, for ``re.fullmatch``.

    ``**/`` at the start or after ``/`` matches zero or more folders, a trailing ``/**`` everything
    below; ``*`` and ``?`` match within one path component unless ``star_crosses_slash``;
    ``[...]`` is a character class (``[!...]`` negated); ``\\x`` is a literal ``x``.  An invalid
    pattern (``problem``) matches nothing.
    """
    if problem(pattern) is not None:
        return NEVER
    star = ".*" if star_crosses_slash else "[^/]*"
    one = "." if star_crosses_slash else "[^/]"
    pieces: list[list[str]] = [[]]  # fixed-width pieces, each but the first after a star
    stars: list[str] = []  # the star before each piece but the first
    out = pieces[0]
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if pattern.startswith("**", i):
            j = i
            while j < n and pattern[j] == "*":
                j += 1
            at_boundary = i == 0 or pattern[i - 1] == "/"
            if at_boundary and pattern.startswith("/", j):
                out = _star(pieces, stars, ".*", _AFTER_SLASH)  # `(?:.*/)?`
                j += 1
            elif at_boundary and j == n:
                out = _star(pieces, stars, ".*")  # a trailing `/**`: everything below
            else:
                out = _star(pieces, stars, star)  # git: other consecutive asterisks are ordinary ones
            i = j
        elif char == "*":
            out = _star(pieces, stars, star)
            i += 1
        elif char == "?":
            out.append(one)
            i += 1
        elif char == "[":
            parsed = _parse_class(pattern, i)
            assert not isinstance(parsed, str)  # valid: `problem` said so above
            end, expression = parsed
            out.append(expression if star_crosses_slash else f"(?!/){expression}")
            i = end
        elif char == "\\":
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return _join(pieces, stars, atomic=star_crosses_slash and len(stars) > 1)


def _star(pieces: list[list[str]], stars: list[str], star: str, lead: str = "") -> list[str]:
    """Start the piece after a ``star`` (``lead``: a condition on where that piece starts)."""
    stars.append(star)
    pieces.append([lead] if lead else [])
    return pieces[-1]


def _join(pieces: list[list[str]], stars: list[str], *, atomic: bool) -> str:
    """The pieces with their stars; ``atomic`` (every star is ``.*``): the middle pieces matched at
    their earliest place and never retried (see the module's docstring)."""
    texts = ["".join(piece) for piece in pieces]
    if not atomic:
        return texts[0] + "".join(star + text for star, text in zip(stars, texts[1:]))
    middle = []
    for text in texts[1:-1]:
        name = f"g{next(groups)}"
        middle.append(f"(?=(?P<{name}>.*?{text}))(?P={name})")
    return texts[0] + "".join(middle) + ".*" + texts[-1]


def _parse_class(pattern: str, start: int) -> tuple[int, str] | str:
    """The class opened at ``start``: (index after its ``]``, its expression), or why it is invalid.
    A ``]`` first in it is literal, ``\\x`` is ``x``, ``a-z`` a range."""
    i, n = start + 1, len(pattern)
    negate = i < n and pattern[i] in "!^"
    i += negate
    items: list[str] = []
    first = True
    while i < n and (pattern[i] != "]" or first):
        first = False
        char = pattern[i]
        if char == "\\":
            if i + 1 >= n:
                break
            char, i = pattern[i + 1], i + 2
        else:
            i += 1
        if i + 1 < n and pattern[i] == "-" and pattern[i + 1] != "]":
            high = pattern[i + 1]
            step = 2
            if high == "\\" and i + 2 < n:
                high, step = pattern[i + 2], 3
            if high < char:
                return f"a reversed character range `{char}-{high}`"
            items.append(f"{re.escape(char)}-{re.escape(high)}")
            i += step
        else:
            items.append(re.escape(char))
    if i >= n:
        return "an unclosed character class (`[` without `]`)"
    return i + 1, f"[{'^' if negate else ''}{''.join(items)}]"


def escape(text: str) -> str:
    """``text`` as a pattern matching exactly itself (a folder name may hold ``*`` or ``[``)."""
    return re.sub(r"([*?\[\\])", r"\\\1", text)


def compile_any(sources: list[str]) -> re.Pattern[str] | None:
    """One expression matching what any of the translated patterns matches (None for none)."""
    if not sources:
        return None
    return re.compile("|".join(f"(?:{source})" for source in sources), re.DOTALL)
