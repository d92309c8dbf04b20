"""A file acw cannot read (a folder, a named pipe) is named with its path and a reason a
person reads, never the system's raw error (`[Errno 21] Is a directory: 3`)."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.core.file_bytes import read_file_bytes
from acw_tui.errors import AcwError
from tests.unit.templates_helpers import SHIPPED


def _make(kind: str, path: Path) -> Path:
    if kind == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)
    return path


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_the_one_reader_names_the_path_of_what_is_not_a_file(tmp_path: Path, kind: str) -> None:
    path = _make(kind, tmp_path / "x.json")
    with pytest.raises(OSError) as refused:
        read_file_bytes(path)
    assert refused.value.filename == str(path)
    if kind == "folder":
        assert refused.value.errno == errno.EISDIR


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    ("kind", "reason"), [("folder", "it is a folder"), ("pipe", "not a regular file")]
)
def test_render_data_from_what_is_not_a_file(
    acw_home: Path, tmp_path: Path, kind: str, reason: str
) -> None:
    path = _make(kind, tmp_path / "values.json")
    result = CliRunner().invoke(
        cli, ["templates", "render", "general-inquiry", "--data", f"@{path}"]
    )
    assert result.exit_code != 0
    assert f"{path}: cannot read ({reason}" in result.output, result.output
    assert "Errno" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("command", [("templates", "lint"), ("rules", "lint")])
def test_a_folder_named_like_a_template_is_named_in_lint(
    acw_home: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    folder = tmp_path / "T"
    shutil.copytree(SHIPPED, folder)
    (folder / "odd.en.j2").mkdir()
    result = CliRunner().invoke(cli, [*command, "--templates", str(folder)])
    if command[0] == "templates":
        assert f"{folder / 'odd.en.j2'}: error: cannot read (it is a folder)" in result.output
    assert "Errno" not in result.output and "Traceback" not in result.output


def test_every_loader_names_a_folder_given_for_its_file(tmp_path: Path) -> None:
    from acw_tui.commands.redact import _read_text
    from acw_tui.core.shorthand.loader import read_text
    from acw_tui.core.shorthand.spreadsheet import read_csv_file
    from acw_tui.core.templates.loader import load_library

    path = _make("folder", tmp_path / "given.en.j2")
    for read in (read_text, read_csv_file):
        with pytest.raises(AcwError) as refused:
            read(path)
        assert str(refused.value).startswith(f"{path}: cannot read"), refused.value
        assert "(it is a folder)" in str(refused.value) and "Errno" not in str(refused.value)
    [problem] = [p for p in load_library(tmp_path).problems if p.path == str(path)]
    assert problem.message == "cannot read (it is a folder)"
    with pytest.raises(AcwError, match="is a folder, not a file"):
        _read_text(str(path))
