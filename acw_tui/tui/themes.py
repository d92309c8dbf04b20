"""Themes for every eye: high contrast, and monochrome (no colour carries meaning).

Both are registered with the app, so Textual's "Change theme" palette command offers
them beside its own; `[display] theme` in the config picks one at start. The timer's
state is in its text too ("near target", "over target"), so monochrome loses nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.theme import Theme

if TYPE_CHECKING:
    from acw_tui.tui.app import AcwApp

HIGH_CONTRAST = Theme(
    name="acw-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#00FFFF",
    warning="#FFB000",
    error="#FF5050",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    dark=True,
    luminosity_spread=0.3,
    text_alpha=1.0,
    variables={"text-muted": "#FFFFFF", "footer-key-foreground": "#FFFF00"},
)

MONOCHROME = Theme(
    name="acw-monochrome",
    primary="#FFFFFF",
    secondary="#D0D0D0",
    accent="#FFFFFF",
    warning="#FFFFFF",
    error="#FFFFFF",
    success="#FFFFFF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#303030",
    dark=True,
    text_alpha=1.0,
    variables={"text-muted": "#C0C0C0", "footer-key-foreground": "#FFFFFF"},
)

# `[display] theme` → the registered theme (None: Textual's default).
BY_SETTING = {
    "default": None,
    "high-contrast": HIGH_CONTRAST.name,
    "monochrome": MONOCHROME.name,
}
ACW_THEMES = (HIGH_CONTRAST, MONOCHROME)


def apply_display(app: AcwApp) -> None:
    """Register acw's themes and draw as `[display]` (and `acw --plain`) say."""
    from acw_tui.errors import AcwError
    from acw_tui.settings.display import DisplaySettings, display_settings

    for theme in ACW_THEMES:
        app.register_theme(theme)
    try:
        settings = display_settings(app.desk.config)
    except AcwError as exc:  # run_screen checked it; a config given to the app directly
        app.show_problem(exc)
        settings = DisplaySettings()
    chosen = BY_SETTING[settings.theme]
    if chosen is not None:
        app.theme = chosen
    app.plain = app.plain or settings.plain
    app.terminal_cursor = settings.terminal_cursor
    app.set_class(app.plain, "-plain")
