"""Writing a user's file (acw_tui/files.py): mode, symlinks, devices and pipes kept."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.files import FileWriteError, write_file

GUIDE = '[guide]\nname = "G"\nversion = 1\nlocale = "en"\n\n[[entry]]\nabbr = "cx"\nexpansion = "customer"\n'


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_replacing_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "guide.toml"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o644)
    write_file(path, "new")
    assert path.read_text(encoding="utf-8") == "new" and mode(path) == 0o644


def test_a_new_file_gets_the_umask_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_file(tmp_path / "new.csv", "x")
    finally:
        os.umask(old)
    assert mode(tmp_path / "new.csv") == 0o644


def test_a_symlink_stays_and_its_target_is_written(tmp_path: Path) -> None:
    real = tmp_path / "shared" / "guide.toml"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "guide.toml"
    link.symlink_to(real)
    write_file(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_a_device_is_written_not_replaced() -> None:
    before = os.stat("/dev/null")
    write_file("/dev/null", "x" * 100)
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_pipe_is_written_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_file(fifo, "through the pipe")
    reader.join(5)
    assert got == [b"through the pipe"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_failures_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(FileWriteError, match="is a folder"):
        write_file(tmp_path, "x")
    with pytest.raises(FileWriteError, match=str(tmp_path / "no" / "such")):
        write_file(tmp_path / "no" / "such" / "file.csv", "x")


def test_guide_export_to_dev_null_keeps_the_device(tmp_path: Path, acw_home: Path) -> None:
    guide = tmp_path / "g.toml"
    guide.write_text(GUIDE, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["guide", "export", "csv", "--guide", str(guide), "-o", "/dev/null"]
    )
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    "args",
    [["add", "ty", "thank you"], ["bump", "-m", "more"], ["remove", "cx"]],
)
def test_guide_edits_keep_mode_and_symlink(tmp_path: Path, acw_home: Path, args: list[str]) -> None:
    real = tmp_path / "team" / "guide.toml"
    real.parent.mkdir()
    real.write_text(GUIDE, encoding="utf-8")
    real.chmod(0o664)
    link = tmp_path / "guide.toml"
    link.symlink_to(real)
    result = CliRunner().invoke(cli, ["guide", args[0], "--guide", str(link), *args[1:]])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and mode(real) == 0o664
    assert real.read_text(encoding="utf-8") != GUIDE


def test_guide_import_keeps_mode_and_symlink(tmp_path: Path, acw_home: Path) -> None:
    real = tmp_path / "team" / "guide.toml"
    real.parent.mkdir()
    real.write_text(GUIDE, encoding="utf-8")
    real.chmod(0o644)
    link = tmp_path / "guide.toml"
    link.symlink_to(real)
    sheet = tmp_path / "in.csv"
    sheet.write_text("abbr,expansion\nty,thank you\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["guide", "import", "--guide", str(link), str(sheet)])
    assert result.exit_code == 0, result.output
    assert (
        link.is_symlink()
        and mode(real) == 0o644
        and "thank you" in real.read_text(encoding="utf-8")
    )


def test_report_to_an_unwritable_file_names_it(acw_home: Path) -> None:
    from acw_tui.store import open_store

    open_store(acw_home / "acw.db").close()
    result = CliRunner().invoke(cli, ["report", "-o", "/proc/version"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: /proc/version: cannot be written")
    assert result.stderr.count("\n") == 1
