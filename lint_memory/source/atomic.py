"""Reading a file's text with how it was stored, and writing it back atomically the same way.

A fix must never leave a half-written file: the new bytes go to a temporary file in the same
folder (so the final ``os.replace`` is a rename on one file system), are flushed to disk, get the
old file's permission bits, and only then replace it.  Interrupted at any point, the file is either
fully old or fully new, and the temporary file is removed.

Encoding (PEP 263 cookie, UTF-8 BOM) is kept by encoding with the codec the file was decoded
with; newline style is kept because the text is never newline-translated.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import tokenize
from contextlib import suppress
from dataclasses import dataclass

TEMP_SUFFIX = ".lint-memory.tmp"


@dataclass(frozen=True)
class Stored:
    """How a file's text is stored: the codec that turns it back into the same kind of bytes."""

    encoding: str  # a Python codec name; "utf-8-sig" when the file starts with a BOM


def read_text(path: str, *, notebook: bool = False) -> tuple[str, Stored]:
    """The file's text (BOM removed, newlines untouched) and how to store it again.

    Raises OSError when the file cannot be read and UnicodeError / SyntaxError (a bad coding
    cookie) when it cannot be decoded.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    if notebook:
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    else:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding), Stored(encoding)


def write_text(path: str, text: str, stored: Stored) -> None:
    """Replace the file's content with ``text``, encoded as it was stored, atomically."""
    write_bytes(path, text.encode(stored.encoding))


def write_bytes(path: str, data: bytes) -> None:
    """Atomically replace the file at ``path`` (the target of a symlink, not the link) with ``data``.

    Keeps the permission bits (and, where allowed, the owner).  Refuses read-only files the way an
    editor would, raising PermissionError, instead of silently replacing them.
    """
    real = os.path.realpath(path)
    status = os.stat(real)
    if not os.access(real, os.W_OK):
        raise PermissionError(13, "the file is read-only", path)
    folder = os.path.dirname(real) or "."
    descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode))
        _keep_owner(temporary, status)
        os.replace(temporary, real)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _keep_owner(path: str, status: os.stat_result) -> None:
    """Give the new file the old owner when it differs and the platform lets us (root, same user)."""
    chown = getattr(os, "chown", None)
    if chown is None:
        return
    current = os.stat(path)
    if (current.st_uid, current.st_gid) != (status.st_uid, status.st_gid):
        with suppress(OSError):
            chown(path, status.st_uid, status.st_gid)


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable; not possible (nor needed) on every platform."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | flags)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
