"""Turning bytes into checkable text, with one clear diagnostic when that is not possible."""

from __future__ import annotations

import io
import tokenize

# Re-exported for the callers that still import it from here; it lives in lines.py.
from lint_memory.source.lines import split_lines

__all__ = ["SourceError", "decode", "decode_notebook", "split_lines", "syntax_error"]

# The parser's own limits on nesting (CPython's messages): reported as LCM904, not as a syntax error.
_NESTING_LIMITS = ("too many nested", "too complex", "too many levels of indentation", "too many statically nested")


class SourceError(Exception):
    """The input cannot be checked; ``code`` is the LCM9xx diagnostic to report."""

    def __init__(self, code: str, message: str, line: int = 1, col: int = 0, cell: int | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.col, self.cell = code, message, line, col, cell


def decode(data: bytes) -> str:
    """Decode Python source as the interpreter would (BOM, PEP 263 cookie, UTF-8 default)."""
    if b"\x00" in data:
        raise SourceError("LCM902", "the file contains null bytes", _line_of(data, data.index(b"\x00")))
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "invalid or missing" not in error.msg:  # `unknown encoding: x`, a cookie contradicting the BOM
            raise SourceError("LCM902", f"bad coding declaration: {error.msg}", error.lineno or 1) from None
        encoding = "utf-8"  # no declaration and not UTF-8: decoding says where the first bad byte is
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        where = getattr(error, "start", 0)
        raise SourceError("LCM902", f"the file is not valid {encoding}: {error}", _line_of(data, where)) from None
    return text[1:] if text.startswith("\ufeff") else text


def decode_notebook(data: bytes) -> str:
    if b"\x00" in data:
        raise SourceError("LCM903", "the notebook contains null bytes", _line_of(data, data.index(b"\x00")))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceError("LCM903", f"the notebook is not valid UTF-8: {error}", _line_of(data, error.start)) from None
    return text[1:] if text.startswith("\ufeff") else text


def syntax_error(error: BaseException) -> SourceError:
    if isinstance(error, (RecursionError, MemoryError)):
        return SourceError("LCM904", "the file is nested too deeply to parse")
    if isinstance(error, SyntaxError):
        detail = error.msg or "invalid syntax"
        if any(limit in detail for limit in _NESTING_LIMITS):
            return SourceError("LCM904", f"the file is nested too deeply to parse: {detail}", error.lineno or 1)
        return SourceError("LCM901", f"syntax error: {detail}", error.lineno or 1, max((error.offset or 1) - 1, 0))
    return SourceError("LCM901", f"cannot parse the file: {error}")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
