"""An agent's ACW_HOME for a benchmark: config, store and (optionally) a big guide.

Everything goes through acw's own doors: the config file an admin would write, the
store a demo or a hook made, the guide file the config names.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

AGENT, SITE = "ana", "demo-site"
ROOT = Path(__file__).resolve().parent.parent


def big_guide_file(folder: Path, size: int = 10_000) -> Path:
    """The shipped English guide plus generated entries, `size` entries in all."""
    from acw_tui.core.shorthand import load_guide

    shipped = ROOT / "shorthand" / "en.toml"
    have = len(load_guide(shipped).entries)
    extra = "".join(
        f'\n[[entry]]\nabbr = "zq{n}"\nexpansion = "generated expansion {n}"\n'
        f'category = "generated"\n'
        for n in range(max(0, size - have))
    )
    path = folder / "guide-10k.toml"
    path.write_text(shipped.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def make_home(
    folder: Path, *, store: Path | None = None, guide: Path | None = None
) -> dict[str, str]:
    """Fill `folder` as an agent's ACW_HOME; returns the environment that points at it."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'agent_id = "{AGENT}"', f'site_id = "{SITE}"']
    if guide is not None:
        lines += ["[shorthand]", f'guide = "{guide}"']
    (folder / "config.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if store is not None:
        shutil.copy(store, folder / "acw.db")
    env = {**os.environ, "ACW_HOME": str(folder)}
    for name in ("ACW_DB", "ACW_AGENT", "ACW_SITE", "NO_COLOR"):
        env.pop(name, None)
    # An agent's second start finds bytecode cached (an installed wheel has it from the
    # start); without this an editable checkout would recompile acw at every start
    # while Textual, compiled at install, would not.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def acw_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "acw_tui", *args]
