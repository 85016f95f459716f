"""Reading a file's text with how it was stored, and writing it back atomically the same way.

A fix must never leave a half-written file: the new bytes go to a temporary file in the same
folder (so the final ``os.replace`` is a rename on one file system), are flushed to disk, get the
old file's owner and permission bits, and only then replace it.  Interrupted at any point, the file
is either fully old or fully new, and the temporary file is removed.  What an editor refuses or
treats specially is refused or kept here too (``write_bytes``): read-only files, special files,
symbolic links (written through), hard links (rewritten in place).

Encoding (PEP 263 cookie, UTF-8 BOM) is kept by encoding with the codec the file was decoded
with; newline style is kept because the text is never newline-translated.
"""

from __future__ import annotations

import errno
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


def write_bytes(path: str, data: bytes, *, create: bool = False) -> None:
    """Atomically replace the file at ``path`` (the target of a symlink, not the link) with ``data``.

    As an editor would: keeps the permission bits (setuid, setgid and sticky included) and, where
    allowed (root), the owner and group; refuses a read-only file (no write bit in its mode, even
    for root, who may write anything), raising PermissionError, and anything that is not a regular
    file (a device, a FIFO, a folder), raising IsADirectoryError or OSError.  A file with other
    hard links is rewritten in place, so that every name sees the new text (``rename`` would give
    this name a new file and leave the others the old one); that write is not atomic.  ``create``:
    a missing file is created (mode 0o666 less the umask) the same atomic way, never left empty.
    """
    real = os.path.realpath(path)
    try:
        status: os.stat_result | None = os.stat(real)
    except FileNotFoundError:
        if not create:
            raise
        status = None
    if status is not None:
        _check_writable(path, status)
    if status is not None and status.st_nlink > 1:
        _rewrite_in_place(real, data)
        return
    folder = os.path.dirname(real) or "."
    descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.", suffix=TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if status is not None:
            _keep_owner(temporary, status)  # first: chown clears the setuid and setgid bits
            os.chmod(temporary, stat.S_IMODE(status.st_mode))
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, real)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(folder)


def _check_writable(path: str, status: os.stat_result) -> None:
    """Refuse what an editor would not overwrite: a folder, a special file, a read-only file."""
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file", path)
    if not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EINVAL, "not a regular file (a device, FIFO or socket)", path)
    if not status.st_mode & 0o222 or not os.access(os.path.realpath(path), os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only", path)


def _rewrite_in_place(real: str, data: bytes) -> None:
    """Write ``data`` over the file's own inode (kept by every hard link to it)."""
    with open(real, "r+b") as handle:
        handle.write(data)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
