"""Turning bytes into checkable text, with one clear diagnostic when that is not possible."""

from __future__ import annotations

import io
import tokenize


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
        raise SourceError("LCM902", f"cannot read the file: {error.msg}", error.lineno or 1) from None
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
        if "too many nested" in detail or "too complex" in detail:
            return SourceError("LCM904", f"the file is nested too deeply to parse: {detail}", error.lineno or 1)
        return SourceError("LCM901", f"syntax error: {detail}", error.lineno or 1, max((error.offset or 1) - 1, 0))
    return SourceError("LCM901", f"cannot parse the file: {error}")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
