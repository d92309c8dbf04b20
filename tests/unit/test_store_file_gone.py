"""A store whose file is no longer at its path (moved away, replaced by another file,
deleted) while it is open refuses every write and says so, naming the file: SQLite
would go on writing into the old file, where neither the next acw nor a hook finds it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from acw_tui.store import open_store
from acw_tui.store.database import StoreGone


def _moved(path: Path) -> None:
    for found in path.parent.glob(path.name + "*"):
        found.rename(path.parent / "elsewhere" / found.name)


def _replaced(path: Path) -> None:
    other = path.with_name("other.db")
    open_store(other).close()
    os.replace(other, path)


def _deleted(path: Path) -> None:
    for found in path.parent.glob(path.name + "*"):
        found.unlink()


@pytest.mark.parametrize("change", [_moved, _replaced, _deleted], ids=lambda f: f.__name__[1:])
def test_writes_are_refused_once_the_file_is_not_at_its_path(
    tmp_path: Path, change: Callable[[Path], None]
) -> None:
    (tmp_path / "elsewhere").mkdir()
    path = tmp_path / "acw.db"
    store = open_store(path)
    with store.transaction() as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    change(path)

    with (
        pytest.raises(StoreGone, match="moved, replaced or deleted") as refused,
        store.transaction() as db,
    ):
        db.execute("INSERT INTO notes VALUES ('lost?')")
    assert str(path) in str(refused.value)
    with pytest.raises(StoreGone):
        store.data_version()  # what the screen polls: it says so without a write
    store.close()


def test_a_file_copied_over_in_place_is_the_same_file(tmp_path: Path) -> None:
    """Contents replaced through the same file (a restore copied over it) keep the
    file: SQLite itself sees the change; nothing here second-guesses it."""
    path = tmp_path / "acw.db"
    store = open_store(path)
    backup = tmp_path / "backup.db"
    shutil.copyfile(path, backup)
    shutil.copyfile(backup, path)
    with store.transaction() as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    assert store.data_version() >= 0
    store.close()
