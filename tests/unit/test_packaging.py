"""The wheel carries the default guide and templates (SPEC §7, issue: packaging)."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_the_wheel_ships_the_default_guide_and_templates(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("acw_tui-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("shorthand", "templates"):
        shipped = {Path(n).name for n in names if n.startswith(f"acw_tui/_data/{folder}/")}
        in_repo = {
            p.name for p in (ROOT / folder).iterdir() if p.is_file() and not p.name.startswith(".")
        }
        assert in_repo <= shipped, f"{folder}: missing from the wheel: {in_repo - shipped}"
    assert "acw_tui/tui/app.tcss" in names
    for language in ("pl", "es", "zh_CN"):  # read at run time from their .po sources
        assert f"acw_tui/locale/{language}/LC_MESSAGES/acw.po" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "acw = acw_tui.launch:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
