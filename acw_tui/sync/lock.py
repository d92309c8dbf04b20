"""One `acw sync` at a time per site store.

Four syncs of one store at once used to race on the acknowledged mark: one saw the
hub's mark behind the mark another had just adopted, concluded the hub had been
restored from a backup and queued every record again. A sync now holds an exclusive
`flock` on `<store>.sync-lock` for its whole run. The kernel releases the lock when the
process ends, however it ends (kill -9, a power cut), so a killed run never leaves it
behind; the file itself stays and only says which process held it last.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from acw_tui.core.inputs import is_number_text
from acw_tui.errors import os_reason
from acw_tui.file_locks import try_lock
from acw_tui.sync import SyncError


def lock_path(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".sync-lock")


class SyncLock:
    """Held for the length of a `with` block; raises SyncError if another sync holds it."""

    def __init__(self, store_path: Path) -> None:
        self.path = lock_path(Path(store_path))
        self._fd: int | None = None

    def __enter__(self) -> SyncLock:
        try:
            fd = try_lock(self.path)
            holder = "" if fd is not None else self._holder()
        except OSError as exc:
            raise SyncError(
                "{path}: cannot open the sync lock ({reason})",
                path=self.path,
                reason=os_reason(exc),
            ) from None
        if fd is None:
            raise (
                SyncError(
                    "another `acw sync` of this store is running (process {process}); "
                    "it sends everything, so there is nothing to do here",
                    process=holder,
                )
                if is_number_text(holder)
                else SyncError(
                    "another `acw sync` of this store is running; "
                    "it sends everything, so there is nothing to do here"
                )
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def _holder(self) -> str:
        """The process id the running sync wrote in the lock file (first bytes only)."""
        with open(self.path, "rb") as lock:
            return lock.read(32).decode("ascii", "replace").strip()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None
