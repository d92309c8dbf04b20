"""The screen in Polish, Spanish and Chinese: no English left on the screens an agent
walks through, every 80×24 layout fits (Chinese is double width), snapshots per language.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from rich.cells import cell_len
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, Label, TextArea

from acw_tui.core.clock import ManualClock
from acw_tui.i18n import BABEL_LOCALES, LOCALE_DIR, catalog_path, choose_language, use_language
from acw_tui.service.desk import Desk
from acw_tui.settings.config import load_config
from acw_tui.store import open_store
from acw_tui.tui.app import AcwApp
from acw_tui.tui.screens.ready import ReadyScreen
from acw_tui.tui.widgets.acw_timer import TITLE_FRAME, AcwTimer
from acw_tui.tui.widgets.key_bar import KeyBar, pack
from tests.tui.conftest import acw_open, aids_loaded, settle, type_text, wait_for

WORD = re.compile(r"[A-Za-z]{3,}")
# Names that stay as they are in every language: the product, the ACW acronym and the
# keys as printed on the keyboard.
PROPER_NAMES = {"acw", "ctrl", "enter", "escape"}
pytestmark = pytest.mark.usefixtures("quick_aids")


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def app_in(acw_home: Path, clock: ManualClock) -> Callable[[str], AcwApp]:
    """An app whose config says `locale = LANG` (the language and the content follow it)."""

    def make(locale: str, display: str = "") -> AcwApp:
        path = acw_home / "config.toml"
        path.write_text(
            f'agent_id = "ana"\nsite_id = "wawa-1"\nlocale = "{locale}"\n{display}\n',
            encoding="utf-8",
        )
        config = load_config(path)
        use_language(choose_language(None, config.locale if config.locale_given else None))
        return AcwApp(Desk(open_store(acw_home / "acw.db"), config, clock))

    return make


def english_words() -> set[str]:
    with (LOCALE_DIR / "acw.pot").open("rb") as handle:
        template = read_po(handle)
    words: set[str] = set()
    for message in template:
        for text in [message.id] if isinstance(message.id, str) else list(message.id):
            words |= {w.lower() for w in WORD.findall(re.sub(r"\{[^}]*\}|\[/?b\]", "", text))}
    return words


def own_words(language: str) -> set[str]:
    """Latin words the language's own catalog uses (a translation may keep one, as
    Polish keeps "problem")."""
    with catalog_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=BABEL_LOCALES[language])
    words: set[str] = set()
    for message in catalog:
        strings = [message.string] if isinstance(message.string, str) else message.string
        for text in strings:
            words |= {w.lower() for w in WORD.findall(re.sub(r"\{[^}]*\}", "", text or ""))}
    return words


def screen_text(app: AcwApp) -> str:
    """What the terminal shows, row by row (from Textual's own screenshot)."""
    svg = app.export_screenshot()
    rows: dict[float, list[str]] = {}
    for y, text in re.findall(r'<text[^>]*? y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        rows.setdefault(float(y), []).append(html.unescape(text).replace("\xa0", " "))
    # Runs of one style each; blank runs are not drawn as text, so runs are joined
    # with a space (the gap between two keys of the key bar is such a run).
    return "\n".join(" ".join(parts) for _, parts in sorted(rows.items()))


def english_in(text: str, language: str, english: set[str], app: AcwApp | None = None) -> set[str]:
    shown = {w.lower() for w in WORD.findall(text)}
    return (shown & english) - own_words(language) - PROPER_NAMES - code_ids(app)


def code_ids(app: AcwApp | None) -> set[str]:
    """The site's wrap-up code ids ("complaint"), shown beside their translated labels:
    identifiers from the site's codes.toml, not words of the program."""
    if app is None:
        return set()
    library, _problem = app.desk.template_library()
    return {code.code.lower() for code in library.codes}


def english_on_screen(app: AcwApp, language: str, english: set[str]) -> set[str]:
    return english_in(screen_text(app), language, english, app)


def assert_keys_fit(app: AcwApp) -> None:
    """Every key of the key bar is on screen, whole (the bar wraps rather than hides)."""
    bar = app.screen.query_one(KeyBar)
    lines = pack(bar.keys, bar.content_size.width)
    assert bar.size.height == len(lines)  # wrapped, never cut
    text = screen_text(app)
    for key in bar.keys:
        assert key.description in text, f"{key.description!r} not shown whole"


def assert_fits(widget: Label, text: str) -> None:
    width = widget.content_region.width
    for line in text.splitlines():
        assert cell_len(line) <= width, f"{line!r} cut at {width} cells in #{widget.id}"


async def steady(pilot: Pilot) -> None:
    await aids_loaded(pilot)
    await settle(pilot)
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
            # TextArea caches a line drawn in the blink's off phase under the same key
            # as a line with a steady cursor: drop it, or the cursor may be missing.
            widget.notify_style_update()
    await pilot.pause()


@pytest.mark.parametrize("locale", ["pl", "zh"])
async def test_walking_the_screens_shows_no_english(app_in, hook, clock, locale) -> None:
    app = app_in(locale, "[acw]\ntimeout_seconds = 600")  # so that F8 can extend
    language = "zh_CN" if locale == "zh" else locale
    english = english_words()
    seen: dict[str, set[str]] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await pilot.pause()
        seen["ready"] = english_on_screen(app, language, english)
        assert_keys_fit(app)

        hook.call_ended("PBX-7", queue="q1", customer_ref="CU-9", talk_seconds=185)
        await wait_for(pilot, acw_open(app, "PBX-7"))
        await wait_for(pilot, lambda: bool(app.screen.query("#note-preview")))
        clock.advance(100)  # past 80 % of the 2-minute target: amber, and said so
        app.screen.tick()
        await pilot.pause()
        seen["acw"] = english_on_screen(app, language, english)
        assert_keys_fit(app)
        palette = app.get_system_commands(app.screen)
        entries = " ".join(f"{c.title} {c.help}" for c in palette)
        seen["command palette"] = english_in(entries, language, english)

        await pilot.press("ctrl+s")  # an empty note: the dialog asks
        await wait_for(pilot, lambda: bool(app.screen.query(".dialog")))
        await pilot.pause()
        seen["empty-note dialog"] = english_on_screen(app, language, english)
        await pilot.press("escape")
        await wait_for(pilot, acw_open(app, "PBX-7"))

        await pilot.press("f8")
        await wait_for(pilot, lambda: bool(app.screen.query("#reason")))
        await pilot.pause()
        seen["extend dialog"] = english_on_screen(app, language, english)
        await type_text(pilot, "dlugo")
        await pilot.press("enter")
        await wait_for(pilot, acw_open(app, "PBX-7"))
        await wait_for(pilot, lambda: "×1" in app.screen.query_one(AcwTimer).extensions_text())
        seen["extended"] = english_on_screen(app, language, english)

        await type_text(pilot, "ok")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await pilot.pause()
        seen["ready, after finishing"] = english_on_screen(app, language, english)
    assert {name: words for name, words in seen.items() if words} == {}


@pytest.mark.parametrize("locale", ["en", "pl", "es", "zh"])
async def test_the_acw_screen_fits_80_by_24_in_every_language(app_in, hook, clock, locale) -> None:
    app = app_in(locale, "[acw]\ntimeout_seconds = 300")
    hook.call_ended("PBX-7", queue="billing", customer_ref="CU-9", talk_seconds=185)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-7"))
        await wait_for(pilot, lambda: bool(app.screen.query("#note-preview")))
        clock.advance(130)  # over target: the longest target line
        app.screen.tick()
        await pilot.pause()
        assert_keys_fit(app)
        target = app.screen.query_one("#acw-target", Label)
        assert_fits(target, str(target.content))
        details = app.screen.query_one("#call-details")
        assert_fits(details, str(details.render()))
        notes_title = app.screen.query_one("#acw-note-col .section-title", Label)
        assert_fits(notes_title, str(notes_title.content))
        if locale != "en":  # (the English title is cut at 80 columns, as it always was)
            preview = app.screen.query_one("#note-preview")
            assert cell_len(str(preview.border_title)) + 6 <= preview.region.width


@pytest.mark.parametrize("locale", ["en", "pl", "es", "zh"])
@pytest.mark.parametrize("state", ["time-out", "extended", "timed out"])
async def test_a_time_out_and_extensions_leave_the_call_and_pending_list_whole(
    app_in, hook, clock, locale, state
) -> None:
    """The timer shares its row with the call details and the pending list: naming the
    time-out and the extensions must not push them off a small terminal."""
    app = app_in(locale, "[acw]\ntimeout_seconds = 600\nextend_seconds = 60")
    wrapup = hook.call_ended("PBX-7", queue="billing", customer_ref="CU-9", talk_seconds=185)
    for _ in range(0 if state == "time-out" else 2):
        app.desk.extend(wrapup, "long call")  # (the hook has no time-out: no config)
    async with app.run_test(size=(60, 20)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-7"))
        clock.advance(800 if state == "timed out" else 130)
        app.screen.tick()
        timer = app.screen.query_one(AcwTimer)
        await wait_for(pilot, lambda: timer.timed_out == (state == "timed out"))
        for size in ((60, 20), (80, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            screen = Region(0, 0, *size)
            details = app.screen.query_one("#call-details")
            assert screen.contains_region(timer.region)
            assert screen.contains_region(details.region), f"call details cut at {size}"
            assert_fits(details, str(details.render()))
            pending = app.screen.query_one("#acw-pending")
            assert pending.region.width >= 8, f"pending list {pending.region.width} wide"
            shown = screen_text(app)
            said = [timer.limit_text()] + ([timer.extensions_text()] if state != "time-out" else [])
            for words in said:
                assert words and words in shown, f"{words!r} not shown whole at {size}"
                assert cell_len(words) + TITLE_FRAME <= timer.region.width


async def test_the_timer_says_its_state_in_words(app_in, hook, clock) -> None:
    app = app_in("en")
    hook.call_ended("PBX-7")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-7"))
        target = app.screen.query_one("#acw-target", Label)
        assert str(target.content).startswith("target 2:00")
        for seconds, words in ((97, "near target 2:00"), (24, "over target 2:00")):
            clock.advance(seconds)
            app.screen.tick()
            await pilot.pause()
            assert str(target.content).startswith(words)


@pytest.mark.parametrize("locale", ["en", "pl", "es", "zh"])
def test_snapshot_of_the_acw_screen_per_language(snap_compare, app_in, hook, locale) -> None:
    app = app_in(locale)
    hook.call_ended("PBX-7", queue="billing", customer_ref="CU-9", talk_seconds=185)

    async def ready(pilot: Pilot) -> None:
        await wait_for(pilot, acw_open(app, "PBX-7"))
        await wait_for(pilot, lambda: bool(app.screen.query("#note-preview")))
        await steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


def test_snapshot_of_the_acw_screen_in_high_contrast(snap_compare, app_in, hook) -> None:
    app = app_in("en", '[display]\ntheme = "high-contrast"')
    hook.call_ended("PBX-7", queue="billing", customer_ref="CU-9", talk_seconds=185)

    async def ready(pilot: Pilot) -> None:
        await wait_for(pilot, acw_open(app, "PBX-7"))
        await wait_for(pilot, lambda: bool(app.screen.query("#note-preview")))
        await steady(pilot)
        assert app.theme == "acw-high-contrast"

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)
