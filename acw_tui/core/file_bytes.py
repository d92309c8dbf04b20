"""Reading a file a person names or writes (config, guide, templates, rules, a note to
redact): one reader.

Path.read_bytes() on a named pipe waits for a writer that may never come, and on a
device or a huge file reads without end. Here anything but a regular file is refused,
and so is a file past MAX_FILE_BYTES, as an OSError naming the file, which every caller turns into "FILE: cannot read
(reason)" with `acw_tui.errors.os_reason` (a reason a person reads, in their language).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 64 << 20  # far past any guide, template set or note


def read_file_bytes(path: Path) -> bytes:
    """The bytes of the regular file at `path`; OSError naming `path` otherwise."""
    # O_NONBLOCK: opening a pipe with no writer returns at once instead of waiting.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        # Checked before the descriptor becomes a file object: opening a folder's as
        # one fails with the descriptor's number for its name ("Is a directory: 3").
        _check(os.fstat(fd), path)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        return handle.read(MAX_FILE_BYTES + 1)


def _check(info: os.stat_result, path: Path) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "not a regular file (a pipe or a device)", str(path))
    if info.st_size > MAX_FILE_BYTES:
        raise OSError(errno.EFBIG, f"larger than {MAX_FILE_BYTES >> 20} MiB", str(path))


def read_file_text(path: Path, encoding: str = "utf-8-sig") -> str:
    """The text of the regular file at `path` (a BOM skipped by default)."""
    return read_file_bytes(path).decode(encoding)
