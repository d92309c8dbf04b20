"""The layers of STYLE.md, checked on every import in the code (function-level too):
the screen reaches the store and the hub only through the service, and the core is
pure: it imports nothing of acw above it, nor Textual or SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "acw_tui"


def imports_of(folder: Path) -> list[tuple[str, int, str]]:
    """(file, line, module) for every import statement under `folder`."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(str(path.relative_to(PACKAGE)), node.lineno, a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.append((str(path.relative_to(PACKAGE)), node.lineno, node.module))
    return found


def offenders(folder: str, refused: tuple[str, ...], allowed: tuple[str, ...] = ()) -> list[str]:
    return [
        f"{file}:{line} imports {module}"
        for file, line, module in imports_of(PACKAGE / folder)
        if module.startswith(refused) and not module.startswith(allowed)
    ]


def test_the_screen_reaches_store_and_sync_only_through_the_service() -> None:
    assert offenders("tui", ("acw_tui.store", "acw_tui.sync")) == []


def test_the_core_imports_nothing_of_acw_above_it() -> None:
    assert offenders("core", ("acw_tui.",), ("acw_tui.core", "acw_tui.errors")) == []


@pytest.mark.parametrize("library", ["textual", "rich", "sqlite3", "sqlite_utils", "psycopg"])
def test_the_core_and_the_service_never_import_the_screen_or_sql(library: str) -> None:
    assert offenders("core", (library,)) == []
    if library in ("textual", "rich"):
        assert offenders("service", (library,)) == []


def test_the_check_sees_function_level_imports(tmp_path: Path) -> None:
    sample = PACKAGE / "tui" / "app.py"
    modules = [module for file, _, module in imports_of(sample.parent) if file == "tui/app.py"]
    assert "acw_tui.tui.screens.pending" in modules  # imported inside an action


def test_the_quality_rules_stand_alone_in_the_core() -> None:
    # Rules are judged by the screen, finishing, `acw rules` and the hub's publish check:
    # only lint looks at the templates folder (for the codes and fields rules name).
    found = offenders(
        "core/quality",
        ("acw_tui.",),
        # toml_text and file_bytes: the one parser and reader of files people write;
        # entry_checks: the one way an entry of such a file is read, key by key.
        (
            "acw_tui.core.entry_checks",
            "acw_tui.core.file_bytes",
            "acw_tui.core.quality",
            "acw_tui.core.problems",
            "acw_tui.core.toml_text",
            "acw_tui.errors",
        ),
    )
    assert [line for line in found if not line.startswith("core/quality/lint.py:")] == []
    assert all(line.endswith("imports acw_tui.core.templates") for line in found)


def test_the_listeners_reach_the_store_only_through_the_service() -> None:
    # listen/ may use the core, the settings, the service (Desk) and the errors: a phone
    # system's event takes the same door as the hook, never the store or the screen.
    allowed = (
        "acw_tui.listen",
        "acw_tui.core",
        "acw_tui.settings",
        "acw_tui.service",
        "acw_tui.errors",
        "acw_tui.tcp",  # the listening socket, shared with the hub
    )
    assert offenders("listen", ("acw_tui.",), allowed) == []
    for library in ("textual", "rich", "sqlite_utils"):
        assert offenders("listen", (library,)) == []


def test_the_language_module_stands_below_everything() -> None:
    # acw_tui.i18n is used by the command line, the service and the screen alike: it
    # imports only the errors of acw, and never Textual or Rich.
    found = [
        (module, line)
        for file, line, module in imports_of(PACKAGE)
        if file == "i18n.py" and (module.startswith(("acw_tui.", "textual", "rich")))
    ]
    assert {module for module, _ in found} == {"acw_tui.errors"}


def test_toml_is_parsed_in_one_place() -> None:
    # core/toml_text.py turns tomli's RecursionError for a file nested too deeply into
    # the TOMLDecodeError every loader names with its file and line.
    found = offenders("", ("tomli", "tomllib"))
    assert found and all(line.startswith("core/toml_text.py:") for line in found)


def test_digit_strings_are_read_as_ascii_digits() -> None:
    # "²".isdigit() holds but int("²") raises: outside text (a phone system's header, a
    # hub's answer) is tested with core.inputs.is_number_text before int() reads it.
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".isdigit()" in line
    ]
    assert len(found) == 1 and found[0].startswith("core/inputs.py:")


def test_files_people_name_are_read_by_one_reader() -> None:
    # A named pipe given as config or guide made Path.read_bytes() wait for ever:
    # core/file_bytes.py refuses anything but a regular file of sensible size.
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name not in ("file_bytes.py", "i18n.py", "i18n_catalogs.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".read_bytes()" in line or ".read_text(" in line
    ]
    assert found == []


def test_sqlite_files_are_opened_in_one_place() -> None:
    # A connection whose set-up failed (not a database, a newer store) was left open by
    # the report's, the store's and the hub's own openers: sqlite_open.py closes it.
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "sqlite3.connect(" in line
    ]
    assert found and all(line.startswith("sqlite_open.py:") for line in found)
