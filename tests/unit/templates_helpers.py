"""Writing small template folders for tests."""

from __future__ import annotations

from pathlib import Path

from acw_tui.settings.paths import bundled

SHIPPED = bundled("templates")

SIMPLE = """+++
id = "simple"
title = "Simple"
locale = "en"
version = 3
codes = ["resolved"]

[[fields]]
name = "reason"
label = "Reason"
required = true

[[fields]]
name = "budget"
label = "Budget"
type = "number"
+++
Reason: {{ reason }}
Budget: {{ budget }}

{{ notes }}
"""

CODES = """
[[codes]]
code = "resolved"
label = "Resolved"
template = "simple"
"""


def write_folder(root: Path, files: dict[str, str]) -> Path:
    folder = root / "tpl"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def template_with_body(body: str, fields: str = "") -> str:
    return f'+++\nid = "t"\nlocale = "en"\n{fields}+++\n{body}'
