"""Every table acw fills is sized as it is filled (see `compat.size_columns_now`).

DataTable keeps a drawn cell by its contents, not its width, and widens its columns only
when idle: a frame drawn in between kept new cells cut to the old width for good. The
reports screen's test draws such a frame; this one holds every other fill to the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import acw_tui

TUI = Path(acw_tui.__file__).parent / "tui"


def fills_without_sizing(folder: Path = TUI) -> list[str]:
    """Functions under `folder` that add rows to a table and do not size its columns. A
    Rich `Table` the function builds itself (the keys panel's) is drawn whole and is left
    out."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            nodes = list(ast.walk(function))
            rich_tables = {
                target.id
                for node in nodes
                if isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and ast.unparse(node.value.func) == "Table"
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            calls = [node.func for node in nodes if isinstance(node, ast.Call)]
            adds = any(
                isinstance(f, ast.Attribute)
                and f.attr == "add_row"
                and not (isinstance(f.value, ast.Name) and f.value.id in rich_tables)
                for f in calls
            )
            sizes = any(isinstance(f, ast.Name) and f.id == "size_columns_now" for f in calls)
            if adds and not sizes:
                where = path.relative_to(folder.parent)
                found.append(f"{where}:{function.lineno} {function.name}")
    return found


def test_every_function_that_adds_table_rows_sizes_the_columns() -> None:
    assert fills_without_sizing() == []


def test_the_scan_finds_a_fill_without_sizing(tmp_path: Path) -> None:
    folder = tmp_path / "tui"
    folder.mkdir()
    (folder / "screen.py").write_text(
        "def show(table, rows):\n"
        "    for row in rows:\n"
        "        table.add_row(*row)\n"
        "def keys():\n"
        "    table = Table()\n"
        "    table.add_row('f1', 'help')\n",
        encoding="utf-8",
    )
    assert fills_without_sizing(folder) == ["tui/screen.py:1 show"]
