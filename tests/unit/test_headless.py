"""The core, the store and the phone-system hook never load Textual."""

import subprocess
import sys

PROBE = """
import importlib, pkgutil, sys
import acw_tui.core as core, acw_tui.store as store
for package in (core, store):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
import acw_tui.service.desk, acw_tui.cli
print(sorted(m for m in ("textual", "rich", "fastapi", "uvicorn") if m in sys.modules))
"""


def test_core_store_desk_and_cli_import_without_textual() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_hook_command_runs_without_loading_textual(acw_home) -> None:
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['acw', 'call-ended', '--call-id', 'H1']\n"
        "try:\n    runpy.run_module('acw_tui', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('textual' in sys.modules, file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stderr.strip().endswith("False")
