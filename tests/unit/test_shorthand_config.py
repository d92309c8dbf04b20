"""Which guide is in force (locale, `[shorthand]` config), and the agent's view of a bad one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from acw_tui.settings.config import load_config
from acw_tui.settings.paths import bundled
from acw_tui.settings.shorthand import guide_file, load_agent_guide


def write_config(home: Path, text: str) -> Path:
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_locale_picks_the_guide(acw_home: Path) -> None:
    for locale in ("en", "pl", "es", "zh"):
        config = load_config(write_config(acw_home, f'locale = "{locale}"\n'))
        assert guide_file(config) == bundled("shorthand") / f"{locale}.toml"
        assert load_agent_guide(config).locale == locale


def test_configured_folder_and_relative_file(acw_home: Path) -> None:
    folder = acw_home / "guides"
    folder.mkdir()
    (folder / "en.toml").write_text('[guide]\nname = "mine"\n', encoding="utf-8")
    config = load_config(write_config(acw_home, 'locale = "pl"\n[shorthand]\nguide = "guides"\n'))
    assert guide_file(config) == folder / "en.toml"  # no pl guide there: English
    config = load_config(write_config(acw_home, '[shorthand]\nguide = "guides/en.toml"\n'))
    assert load_agent_guide(config).name == "mine"


def test_shorthand_can_be_switched_off(acw_home: Path) -> None:
    config = load_config(write_config(acw_home, "[shorthand]\nenabled = false\n"))
    assert load_agent_guide(config).entries == ()


def test_agent_sees_a_warning_not_a_crash_for_a_broken_guide(acw_home: Path) -> None:
    from acw_tui.service.content import agent_guide, guide_warning

    bad = acw_home / "bad.toml"
    bad.write_text(
        '[guide]\nversion = "x"\n[[entry]]\nabbr = "cx"\nexpansion = "customer"\n[[entry]\n',
        encoding="utf-8",
    )
    config = load_config(write_config(acw_home, f'[shorthand]\nguide = "{bad}"\n'))
    guide = agent_guide(config)
    assert guide.entries == ()
    assert guide_warning(guide).startswith(f"Shorthand guide: {bad}:6: error: malformed TOML")

    bad.write_text(
        '[guide]\nversion = "x"\n[[entry]]\nabbr = "cx"\nexpansion = "customer"\n', encoding="utf-8"
    )
    guide = agent_guide(config)
    assert guide.lookup("cx") is not None
    assert "version: expected a whole number" in guide_warning(guide)


def test_the_engine_does_not_load_textual() -> None:
    code = (
        "import sys, acw_tui.core.shorthand, acw_tui.core.shorthand.lint, "
        "acw_tui.core.shorthand.printable, acw_tui.core.shorthand.spreadsheet; "
        "assert 'textual' not in sys.modules and 'sqlite3' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_usage_counts_survive_leaving_a_wrapup_until_it_is_finished(desk) -> None:  # type: ignore[no-untyped-def]
    from acw_tui.core.shorthand import Entry
    from acw_tui.service.desk import FinishRequest
    from acw_tui.service.drafts import DraftKeeper
    from acw_tui.store.shorthand_usage import usage_by_entry

    keeper = DraftKeeper()
    wrapup = desk.call_ended("PBX-9")
    keeper.usage(wrapup.id).used(Entry("cx", "customer"), "cx", "customer")
    assert keeper.usage(wrapup.id).entries["cx"].used == 1  # the screen was left and reopened
    desk.finish(wrapup, FinishRequest(note="customer", usage=keeper.usage(wrapup.id)))
    assert usage_by_entry(desk.store)["cx"].used == 1  # stored with the wrap-up
    keeper.forget(wrapup.id)
    assert not keeper.usage(wrapup.id)
