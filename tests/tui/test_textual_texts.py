"""Textual's own texts in the agent's language: the keys panel (F1) with Textual's key
descriptions and acw's, the command palette's prompt and its "no matches" line, and the
theme picker's prompt."""

from __future__ import annotations

import re

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from acw_tui.tui.app import AcwApp
from acw_tui.tui.widgets.keys_panel import KeysPanel
from tests.tui import test_languages
from tests.tui.conftest import acw_open, type_text, wait_for
from tests.tui.test_languages import WORD, english_in, english_words, screen_text

app_in = test_languages.app_in  # the fixture: an app whose config sets the locale


def key_names(app: AcwApp) -> set[str]:
    """The keys as the panel writes them ("home", "pageup", "delete"): names, as printed
    on the keyboard, in every language."""
    names: set[str] = set()
    for _node, binding, _enabled, _tooltip in app.screen.active_bindings.values():
        names |= {w.lower() for w in WORD.findall(app.get_key_display(binding))}
    return names


async def open_keys_panel(pilot: Pilot, app: AcwApp) -> None:
    await wait_for(pilot, acw_open(app, "PBX-7"))
    await pilot.press("f1")
    await wait_for(pilot, lambda: bool(app.screen.query(KeysPanel)))
    await pilot.pause()
    await pilot.pause()


def panel_cells(app: AcwApp) -> str:
    """Every cell of the keys panel's table (the panel scrolls: not all of it is drawn)."""
    table = app.screen.query_one(KeysPanel).query_one("BindingsTable")
    rows = table.render_bindings_table()  # type: ignore[attr-defined]
    return " ".join(str(cell) for column in rows.columns for cell in column.cells)


@pytest.mark.parametrize(
    ("locale", "language", "shown"),
    [
        ("pl", "pl", ["Cofnij", "Kursor w lewo", "Zakończ", "Ponów"]),
        ("zh", "zh_CN", ["撤销", "光标左移", "重做", "完成"]),
    ],
)
async def test_the_keys_panel_speaks_the_language(app_in, hook, locale, language, shown) -> None:
    app = app_in(locale)
    hook.call_ended("PBX-7", queue="billing")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys_panel(pilot, app)
        cells = panel_cells(app)
        for text in shown:
            assert text in cells, (text, cells)
        leftover = english_in(cells, language, english_words(), app) - key_names(app)
        assert not leftover, leftover


async def test_the_keys_panel_in_english_is_textuals(app_in, hook) -> None:
    app = app_in("en")
    hook.call_ended("PBX-7", queue="billing")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_keys_panel(pilot, app)
        text = panel_cells(app)
        for words in ("Undo", "Cursor left", "Finish", "Redo"):
            assert words in text, (words, text)
        await pilot.press("f1")  # F1 again hides it
        await wait_for(pilot, lambda: not app.screen.query(KeysPanel))


def palette_prompt(app: AcwApp) -> str:
    return app.screen.query_one(Input).placeholder


@pytest.mark.parametrize(
    ("locale", "prompt", "nothing"),
    [
        ("en", "Search for commands…", "No matches found"),
        ("pl", "Szukaj poleceń…", "Brak wyników"),
        ("es", "Buscar comandos…", "Sin resultados"),
        ("zh", "搜索命令…", "没有匹配项"),
    ],
)
async def test_the_command_palette_speaks_the_language(app_in, locale, prompt, nothing) -> None:
    app = app_in(locale)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.pause()
        assert palette_prompt(app) == prompt
        await type_text(pilot, "qqqxz")

        def says_nothing() -> bool:
            found = app.screen.query_one(OptionList)
            return found.option_count == 1 and nothing in str(found.get_option_at_index(0).prompt)

        await wait_for(pilot, says_nothing)
        assert re.search(re.escape(nothing), screen_text(app))


async def test_the_theme_picker_speaks_the_language(app_in) -> None:
    app = app_in("pl")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.search_themes()  # what the palette's "Motyw" entry does
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.pause()
        assert palette_prompt(app) == "Szukaj motywów…"


def test_what_the_translated_palette_relies_on_is_still_in_textual() -> None:
    """`compat.TranslatedPalette` replaces CommandPalette's "no matches" countdown with
    the same steps: every name it uses must still be there (the palette test above fails
    too, by behaviour; this one says which name went)."""
    import inspect

    from acw_tui.tui.compat import BindingsTable

    for name in (
        "_start_no_matches_countdown",
        "_stop_no_matches_countdown",
        "_NO_MATCHES",
        "_NO_MATCHES_COUNTDOWN",
        "_watch__list_visible",
    ):
        assert hasattr(CommandPalette, name), f"CommandPalette.{name} is gone: update compat.py"
    source = inspect.getsource(CommandPalette._start_no_matches_countdown)
    assert "self._no_matches_timer = self.set_timer(" in source
    assert "self._list_visible = True" in source
    assert callable(BindingsTable.render_bindings_table)


async def test_every_key_in_the_panel_says_what_it_does(app_in, hook) -> None:
    """On the ready screen F1 listed `esc` with nothing beside it (the binding that closes
    the panel had no description). Every row, on the ready and the ACW screen, has one."""
    app = app_in("en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for opened in (False, True):
            if opened:
                await pilot.press("f1")  # closes the ready screen's panel
                hook.call_ended("PBX-7", queue="billing")
                await wait_for(pilot, acw_open(app, "PBX-7"))
            await pilot.press("f1")
            await wait_for(pilot, lambda: bool(app.screen.query(KeysPanel)))
            await pilot.pause()
            table = app.screen.query_one(KeysPanel).query_one("BindingsTable")
            rows = table.render_bindings_table()  # type: ignore[attr-defined]
            keys, described = (list(column.cells) for column in rows.columns)
            blank = [
                str(k)
                for k, d in zip(keys, described, strict=True)
                if str(k).strip() and not str(d).strip()
            ]
            assert not blank, (app.screen, blank)


async def test_a_key_with_no_description_is_left_out_of_the_panel() -> None:
    """Whatever binds a key without a description (acw or Textual), the panel does not
    show a bare key name; the described key beside it is listed."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Static

    class Field(Static, can_focus=True):
        BINDINGS = [Binding("x", "app.bell"), Binding("y", "app.bell", "Ring the bell")]

    class PanelApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Field("field")
            yield KeysPanel()

    app = PanelApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.query_one(Field).focus()
        await pilot.pause()
        table = app.query_one(KeysPanel).query_one("BindingsTable")
        rows = table.render_bindings_table()  # type: ignore[attr-defined]
        keys = [str(cell).strip() for cell in rows.columns[0].cells]
        assert "y" in keys
        assert "x" not in keys
