"""No test-only switches in shipped code: faults come in through constructors.

The hub once served `/_test/fault` when an environment variable said so, and the site
exited mid-sync on another; the faults now live in `faulty_hub.py` and `faulty_site.py`,
which hand the product a `HubObserver` or a `SyncObserver`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import acw_tui

PACKAGE = Path(acw_tui.__file__).resolve().parent
SWITCHES = ("_test/fault", "ACW_SYNC_FAULT", "ACW_HUB_TEST_FAULTS")


def _shipped() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def _exits(tree: ast.AST) -> list[int]:
    """Lines that call or import `os._exit` (under any name)."""
    lines = []
    os_names = {"os"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            os_names |= {a.asname or a.name for a in node.names if a.name == "os"}
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            lines += [node.lineno for a in node.names if a.name == "_exit"]
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "_exit"
            and isinstance(node.value, ast.Name)
            and node.value.id in os_names
        ):
            lines.append(node.lineno)
    return lines


def test_the_package_is_where_the_scan_looks() -> None:
    assert (PACKAGE / "sync" / "hub_app.py").is_file()
    assert len([p for p in _shipped() if p.suffix == ".py"]) > 50


def test_shipped_code_names_no_test_switch() -> None:
    found = []
    for path in _shipped():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            found += [f"{path}:{number}: {word}" for word in SWITCHES if word in line]
    assert not found, "\n".join(found)


def test_shipped_code_never_exits_without_cleanup() -> None:
    found = []
    for path in _shipped():
        if path.suffix == ".py":
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            found += [f"{path}:{line}: os._exit" for line in _exits(tree)]
    assert not found, "\n".join(found)


def test_the_scan_finds_what_it_looks_for() -> None:
    caught = """
import os
import os as system
from os import _exit
os._exit(70)
system._exit(71)
"""
    assert _exits(ast.parse(caught)) == [4, 5, 6]
