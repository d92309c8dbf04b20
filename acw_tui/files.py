"""Writing a user's file: the one way acw writes guides, templates, exports and reports.

A regular file is replaced in one step (a temporary file beside it, flushed to disk,
renamed over it), so a crash never leaves half a guide; the replacement keeps the old
file's permissions (and owner, where acw may set it), and a new file gets the usual
permissions (0666 less the umask), not the temporary file's 0600. A symbolic link is
followed: the file it points to is replaced and the link stays. Devices, pipes and
other special files (`-o /dev/stdout`, `-o >(gzip)`, `/dev/null`) are written directly,
never replaced by a regular file. Every failure is one FileWriteError naming the file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from acw_tui.errors import AcwError, os_reason


class FileWriteError(AcwError):
    """A file could not be written; the message names it and says why."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _reason(exc: OSError) -> str:
    return os_reason(exc)


def write_file(path: Path | str, data: str | bytes, *, make_folder: bool = False) -> None:
    """Write `data` (text as UTF-8) to `path` as described above."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    shown = Path(path)
    try:
        target = Path(os.path.realpath(path))  # a symlink's target; the link stays
    except (OSError, ValueError) as exc:
        raise FileWriteError(
            "{path}: cannot be written ({reason})", path=shown, reason=str(exc)
        ) from None
    try:
        info: os.stat_result | None = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise FileWriteError(
            "{path}: cannot be written ({reason})", path=shown, reason=_reason(exc)
        ) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise FileWriteError("{path}: is a folder, not a file", path=shown)
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_in_place(shown, target, payload)
        return
    if make_folder:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FileWriteError(
                "{path}: cannot create the folder ({reason})",
                path=target.parent,
                reason=_reason(exc),
            ) from None
    _replace(shown, target, payload, info)


def _write_in_place(shown: Path, target: Path, payload: bytes) -> None:
    try:
        with open(target, "wb") as out:
            out.write(payload)
    except OSError as exc:
        raise FileWriteError(
            "{path}: cannot be written ({reason})", path=shown, reason=_reason(exc)
        ) from None


def _replace(shown: Path, target: Path, payload: bytes, info: os.stat_result | None) -> None:
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    except OSError as exc:
        if info is not None and exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM, errno.EIO):
            # A file we may write but not replace (its folder is not ours, /proc): write
            # it in place rather than refuse.
            _write_in_place(shown, target, payload)
            return
        raise FileWriteError(
            "{path}: cannot be written ({reason})", path=shown, reason=_reason(exc)
        ) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        if info is not None:
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
            with contextlib.suppress(OSError):  # only root may give a file away
                if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
                    os.chown(temporary, info.st_uid, info.st_gid)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise FileWriteError(
            "{path}: cannot be written ({reason})", path=shown, reason=_reason(exc)
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_private(folder: Path, stem: str, text: str, suffix: str = ".txt") -> Path:
    """A new file in `folder` (created if missing) that only its owner may read, for text
    acw keeps on its own (crash reports, drafts the store refused). Never replaces a
    file: `stem.txt`, else `stem-2.txt`, `stem-3.txt` … The text is on disk when this
    returns. OSError when it cannot be written."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    number = 1
    while True:
        path = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            number += 1
            continue
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            # A full disk: an empty or cut file would be taken for the text later.
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return path
