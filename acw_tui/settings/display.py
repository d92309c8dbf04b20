"""The `[display]` section of config.toml: how the screen is drawn for the eye reading it.

```toml
[display]
theme = "high-contrast"   # "default", "high-contrast" or "monochrome"
plain = false             # true: no box drawing (screen readers); `acw --plain` too
terminal_cursor = true    # the terminal's own cursor shows at the caret while typing
```

The terminal's own cursor is what screen magnifiers and braille displays follow: it is
shown, at the caret, while a text field has the focus, and hidden elsewhere (a list or
a button shows its own highlight). `terminal_cursor = false` keeps it hidden always, as
most Textual apps do; its place still follows the caret.

`NO_COLOR` in the environment (any value) draws the screen without colour whatever the
theme; the timer then says its state in words, as it always does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from acw_tui.settings import paths
from acw_tui.settings.config import Config, ConfigError, section

THEMES = ("default", "high-contrast", "monochrome")


@dataclass(frozen=True)
class DisplaySettings:
    """The `[display]` table: the screen's theme, plain drawing, and the terminal's cursor."""

    theme: str = "default"
    plain: bool = False
    terminal_cursor: bool = True


def display_settings(config: Config, environ: dict[str, str] | None = None) -> DisplaySettings:
    settings = section(config, "display", DisplaySettings)
    if settings.theme not in THEMES:
        where = f"{config.path or paths.config_file()}: display.theme"
        raise ConfigError(
            "{where}: must be one of {known}, got {theme}",
            where=where,
            known=", ".join(THEMES),
            theme=repr(settings.theme),
        )
    environ = dict(os.environ) if environ is None else environ
    if "NO_COLOR" in environ and settings.theme == "default":
        # Without colour the default theme's states would rest on colour alone.
        return DisplaySettings("monochrome", settings.plain, settings.terminal_cursor)
    return settings
