"""Reading a file that may be anything a path can name: only a regular file is read.

The runner reads every checked file this way, and the baseline reader its baseline: a FIFO named where a
file is expected would otherwise wait for a writer forever, and a device would be read without end.
"""

from __future__ import annotations

import os
import stat

__all__ = ["SpecialFile", "read_regular"]

_SPECIAL_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class SpecialFile(Exception):
    """Not a regular file (``kind`` says what, in words): never read."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _special_kind(mode: int) -> str | None:
    """What a file that is not a regular one is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((word for test, word in _SPECIAL_KINDS if test(mode)), "a special file")


_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_regular(path: str) -> bytes:
    """The file's bytes, read with the system calls alone: on a large tree most files are read
    only to be cleared by the pre-filter, and a buffered file object costs more than the read.
    A file is read with one ``read`` when it holds what ``fstat`` said (a read that returns less
    than it was asked for has met the end), else until a read returns nothing.
    Opened without blocking and read only if it is a regular file (else ``SpecialFile``); raises
    ``OSError`` (or ``ValueError`` for a path the system cannot take) as ``os.open`` does."""
    fd = os.open(path, _FLAGS)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise SpecialFile(_special_kind(status.st_mode) or "a special file")
        data = os.read(fd, status.st_size + 1)
        if len(data) == status.st_size:  # all the file had, and asked for more: the end (one read, no copy)
            return data
        chunks = [data]
        while chunks[-1]:  # until the end: the file grew, or a read returned less than it had
            chunks.append(os.read(fd, 1 << 20))
        return b"".join(chunks)
    finally:
        os.close(fd)
