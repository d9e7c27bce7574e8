"""Reading files that may not be what they seem: only a regular file, never
blocking on a pipe, up to a size cap (files.py explains where this matters).

Apart from files.py, whose writers most commands never use: every command
reads the config file through :func:`read_regular`.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO


class NotRegular(Exception):
    """A file that is not read or written: a symlink, a pipe, a device, a folder,
    or over the size cap. ``str()`` says which, in the user's words."""


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link (not followed)"
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return "a device, not a file"


def check_regular(path: Path, *, follow: bool = True) -> None:
    """Raise ``NotRegular`` unless ``path`` is a regular file (checked without
    opening it; ``FileNotFoundError`` when it is missing). With ``follow`` a
    symlink is judged by what it names."""
    kind = kind_of((os.stat if follow else os.lstat)(path).st_mode)
    if kind:
        raise NotRegular(kind)


def _open_regular(path: Path, follow: bool) -> int:
    """A descriptor on the regular file at ``path``; never blocks on a FIFO."""
    check_regular(path, follow=follow)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # replaced by a link since the check
            raise NotRegular("a symbolic link (not followed)") from None
        raise
    kind = kind_of(os.fstat(fd).st_mode)  # swapped since the check?
    if kind:
        os.close(fd)
        raise NotRegular(kind)
    return fd


def read_regular(path: Path, limit: int, *, follow: bool = False) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Never blocks (a FIFO is refused before anything waits on it) and never
    reads past ``limit`` whatever ``stat`` says: raises ``NotRegular`` for
    anything else, and ``OSError`` when the file cannot be read. A symlink is
    refused unless ``follow`` (files the user names, such as an import file or
    the config file, may be links; files found in a synced folder may not).
    """
    fd = _open_regular(path, follow)
    try:
        if os.fstat(fd).st_size > limit:
            raise NotRegular(f"larger than the limit of {limit // (1024 * 1024)} MB")
        chunks = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > limit:  # grew while being read
                raise NotRegular(f"larger than the limit of {limit // (1024 * 1024)} MB")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_head(path: Path, size: int, *, follow: bool = True) -> bytes:
    """The first ``size`` bytes of the regular file at ``path`` (links followed
    unless ``follow`` is False)."""
    fd = _open_regular(path, follow)
    try:
        return os.read(fd, size)
    finally:
        os.close(fd)


def open_regular(path: Path, *, follow: bool = False) -> BinaryIO:
    """The regular file at ``path`` opened for reading as a stream; never
    blocks on a FIFO, refuses links unless ``follow`` (as :func:`read_regular`)."""
    fd = _open_regular(path, follow)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")
