"""`[display]`: the theme and the plain screen, and NO_COLOR."""

from __future__ import annotations

from pathlib import Path

import pytest

from acw_tui.settings.config import ConfigError, load_config
from acw_tui.settings.display import DisplaySettings, display_settings


def settings(tmp_path: Path, table: str, environ: dict[str, str] | None = None) -> DisplaySettings:
    path = tmp_path / "config.toml"
    path.write_text(f"[display]\n{table}\n", encoding="utf-8")
    return display_settings(load_config(path), environ or {})


def test_the_default_is_the_default_theme_with_boxes(tmp_path: Path) -> None:
    assert settings(tmp_path, "") == DisplaySettings("default", plain=False)


def test_high_contrast_monochrome_and_plain(tmp_path: Path) -> None:
    assert settings(tmp_path, 'theme = "high-contrast"').theme == "high-contrast"
    assert settings(tmp_path, 'theme = "monochrome"\nplain = true') == DisplaySettings(
        "monochrome", plain=True
    )


def test_no_color_draws_the_default_theme_in_monochrome(tmp_path: Path) -> None:
    assert settings(tmp_path, "", {"NO_COLOR": "1"}).theme == "monochrome"
    assert settings(tmp_path, "", {"NO_COLOR": ""}).theme == "monochrome"  # any value
    # A theme chosen on purpose stays (Textual drops its colours under NO_COLOR anyway).
    assert settings(tmp_path, 'theme = "high-contrast"', {"NO_COLOR": "1"}).theme == (
        "high-contrast"
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('theme = "neon"', "display.theme: must be one of default, high-contrast, monochrome"),
        ("plain = 1", "display.plain: expected true or false"),
        ("colour = 1", "display.colour: unknown key"),
    ],
)
def test_a_bad_display_setting_names_the_key(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings(tmp_path, table)
