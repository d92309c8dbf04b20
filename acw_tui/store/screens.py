"""Which acw screens have a store open, so that each window keeps its own drafts.

Two acw windows on one store (a second terminal, say) may both hold a wrap-up and type
into it. Each screen claims a number for as long as it runs by holding an exclusive
`flock` on `<store>.screens/<n>.lock`, and its drafts are stored under that number, so
one window's saves never overwrite what another typed. The kernel drops the lock when
the process ends, however it ends (kill -9, a power cut), so a number whose lock can be
taken belongs to no running screen: drafts under it were left by a screen that quit or
died. The next screen takes the lowest free number, so a restarted window gets its own
drafts back.

Number 0 is no screen's: the phone hook and the command line (which write no drafts)
and drafts stored before they were kept per window. Without `flock` (Windows) every
screen is 0 and the windows share one draft per wrap-up, as they did before.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from acw_tui.core.inputs import is_number_text
from acw_tui.file_locks import LOCKS_WORK, try_lock

# More acw windows than this on one store is a mistake; the rest share number 0.
MOST_SCREENS = 32


def screens_folder(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".screens")


class ScreenSlots:
    """This process's screen number on a store, and whether other numbers are taken."""

    def __init__(self, store_path: Path | None = None, number: int = 0, fd: int | None = None):
        self._folder = screens_folder(store_path) if store_path is not None else None
        self.number = number
        self._fd = fd

    @classmethod
    def claim(cls, store_path: Path) -> ScreenSlots:
        """The lowest free number on the store at `store_path`, held until `release`.
        A folder that cannot be written, or no `flock`, gives number 0 (shared drafts)."""
        folder = screens_folder(store_path)
        if not LOCKS_WORK:  # pragma: no cover - Windows
            return cls(store_path)
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError:
            return cls(store_path)
        for number in range(1, MOST_SCREENS + 1):
            try:
                fd = try_lock(folder / f"{number}.lock")
            except OSError:
                continue  # not a file acw can lock (a folder put there, say): the next
            if fd is not None:
                return cls(store_path, number, fd)
        return cls(store_path)

    def alive(self, number: int) -> bool:
        """Is a running screen holding `number`? This screen's own number always is."""
        if number == self.number:
            return True
        if number <= 0 or self._folder is None or not LOCKS_WORK:
            return False
        path = self._folder / f"{number}.lock"
        if not path.exists():
            return False
        try:
            fd = try_lock(path)
        except PermissionError:
            return True  # another user's: cannot tell, so its drafts are left alone
        except OSError:
            return False  # not a lock file (a folder, say): no screen holds it
        if fd is None:
            return True
        os.close(fd)  # closing drops the lock just taken
        return False

    def others_open(self) -> bool:
        """Does another acw screen have this store open?"""
        if self._folder is None:
            return False
        with contextlib.suppress(OSError):
            for path in self._folder.glob("*.lock"):
                stem = path.stem
                if is_number_text(stem) and int(stem) != self.number and self.alive(int(stem)):
                    return True
        return False

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
