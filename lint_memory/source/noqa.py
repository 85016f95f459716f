"""Inline suppressions, with flake8's semantics so that every front end agrees.

``# noqa`` silences every code on its line, ``# noqa: LCM100, LCM4`` the listed codes and
prefixes.  As in flake8, a comment at the end of a multi-line string covers every line of it.
File level: flake8's own ``# flake8: noqa`` silences the whole file *with or without codes*, as
flake8 7 does (it skips such a file: ``FILE_FLAKE8``); ``# lint-memory: noqa`` and ruff's
``# ruff: noqa`` silence the file, or with codes only those codes in it (``FILE_OWN``).  The
table of every form and front end is docs/suppression.md.
"""

from __future__ import annotations

import io
import re
import tokenize

from lint_memory.source.lines import split_lines

# flake8's NOQA_INLINE_REGEXP (flake8/defaults.py)
NOQA_INLINE = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.I)
# flake8's NOQA_FILE, used with ``match`` as flake8 does: anything after ``noqa`` (codes too) is ignored
FILE_FLAKE8 = re.compile(r"\s*# flake8[:=]\s*noqa", re.I)
FILE_OWN = re.compile(r"\s*# (?:lint-memory|ruff)[:=]\s*noqa(?::\s?(?P<codes>[A-Z0-9,\s]+))?\s*$", re.I)
_SEPARATORS = re.compile(r"[,\s]+")


def parse_codes(text: str | None) -> tuple[str, ...]:
    return tuple(code.upper() for code in _SEPARATORS.split(text or "") if code)


def file_codes(lines: list[str], *, flake8_form: bool = True) -> tuple[str, ...] | None:
    """The file-level suppression of ``lines``: None (none), () (the whole file) or the codes silenced.

    ``flake8_form=False`` leaves ``# flake8: noqa`` out, for the flake8 plugin (flake8 applies it)."""
    found: tuple[str, ...] | None = None
    for line in lines:
        if flake8_form and FILE_FLAKE8.match(line):
            return ()
        match = FILE_OWN.match(line)
        if match:
            codes = parse_codes(match.group("codes"))
            found = () if not codes or found == () else (*(found or ()), *codes)
    return found


def is_file_suppressed(code: str, codes: tuple[str, ...] | None) -> bool:
    """Does a file-level suppression (``file_codes``' answer) silence ``code``?"""
    return codes is not None and _matches(code, codes)


def line_mapping(source: str) -> dict[int, str]:
    """Map each line to the text searched for ``noqa`` (flake8's ``_noqa_line_mapping``).

    Lines are split as Python and flake8 split them (``split_lines``), each ending read as ``\\n``
    (flake8 reads files with universal newlines; the tokenizer alone would not end a line at a lone ``\\r``)."""
    mapping = _LineMapping(source)
    mapping.read_to(len(mapping.lines) + 1)
    return mapping.mapping


class _LineMapping:
    """``line_mapping``, tokenized only as far as the lines asked about: the findings of a file
    sit mostly near its top (imports), and tokenizing is what costs."""

    def __init__(self, source: str) -> None:
        self.lines = [f"{line}\n" for line in split_lines(source)]
        self.mapping: dict[int, str] = {}
        self._tokens = tokenize.generate_tokens(io.StringIO("".join(self.lines)).readline)
        self._done = 0  # every line up to this one has its final entry (or never gets one)
        self._low, self._high = len(self.lines) + 2, -1

    def read_to(self, line: int) -> None:
        """Tokenize until ``line``'s entry is final: its token group has ended, or the tokens have."""
        lines, mapping = self.lines, self.mapping
        try:
            while self._done < line:
                token = next(self._tokens)
                if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                    continue
                self._low, self._high = min(self._low, token.start[0]), max(self._high, token.end[0])
                if token.type in (tokenize.NL, tokenize.NEWLINE):
                    low, high = self._low, self._high
                    joined = "".join(lines[low - 1 : high])
                    mapping.update(dict.fromkeys(range(low, high + 1), joined))
                    self._done = max(self._done, high)
                    self._low, self._high = len(lines) + 2, -1
        except (StopIteration, tokenize.TokenError, SyntaxError, IndentationError):
            self._done = len(lines) + 2  # nothing more will be mapped


class Suppressions:
    """Answers "is this finding silenced?" for one source text."""

    def __init__(self, source: str) -> None:
        self._source = source
        self._mapping: _LineMapping | None = None
        self._lines: list[str] | None = None
        # Neither kind of comment can match without the word: skip tokenizing (the costly part).
        self._any = "noqa" in source.lower()
        self.file_codes = file_codes(split_lines(source)) if self._any else None  # () = whole file

    def is_suppressed(self, code: str, line: int) -> bool:
        if is_file_suppressed(code, self.file_codes):
            return True
        codes = self.inline_codes(line)
        return codes is not None and _matches(code, codes)

    def inline_codes(self, line: int) -> tuple[str, ...] | None:
        """None: no noqa on the line; (): a blanket noqa; else the codes listed."""
        if not self._any:
            return None
        if self._mapping is None:
            self._mapping = _LineMapping(self._source)
        self._mapping.read_to(line)
        text = self._mapping.mapping.get(line)
        if text is None:
            if self._lines is None:
                self._lines = split_lines(self._source)
            text = self._lines[line - 1] if 0 < line <= len(self._lines) else ""
        match = NOQA_INLINE.search(text)
        if match is None:
            return None
        return parse_codes(match.group("codes"))


def _matches(code: str, codes: tuple[str, ...]) -> bool:
    return not codes or code.startswith(codes)
