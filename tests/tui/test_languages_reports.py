"""The reports screen in Polish, Spanish and Chinese: no English word of the catalog on
screen, every part of it inside 80×24 (Chinese is double width), snapshots per language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Static

from acw_tui.i18n import choose_language, use_language
from acw_tui.reports.source import sqlite_source
from acw_tui.store import open_store
from acw_tui.store.demo import generate_demo
from acw_tui.tui.screens.reports import AgentWrapupsScreen, ReportsScreen
from acw_tui.tui.widgets.key_bar import KeyBar
from tests.tui.conftest import tables_settled, wait_for
from tests.tui.test_languages import WORD, assert_keys_fit, english_in, english_words, screen_text

END = datetime(2026, 3, 10, tzinfo=UTC)
SIZE = (80, 24)
SITE = "demo-site"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports-demo") / "demo.db"
    store = open_store(path)
    generate_demo(store, calls=700, agents=5, days=10, seed=3, site_id=SITE, end=END)
    store.close()
    return path


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.db"
    copy.write_bytes(demo_template.read_bytes())
    return copy


class ReportsApp(App[None]):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def on_mount(self) -> None:
        self.push_screen(ReportsScreen(lambda: sqlite_source(self.path), now=lambda: END))


@pytest.fixture
def speak() -> Iterator[None]:
    yield
    use_language("en")


settle = tables_settled  # the report is built in a worker, then its tables are sized


def data_words(screen: ReportsScreen | AgentWrapupsScreen) -> set[str]:
    """Words of the store's data on screen (agent ids, the site, queues, codes and the
    demo's note texts in the drill-down): what people typed, not words of the program."""
    words = {w.lower() for w in WORD.findall(SITE)}
    if isinstance(screen, ReportsScreen) and screen.report is not None:
        made = screen.report
        names = [a.agent_id for a in made.agent_medians] + [r.group for r in made.rows]
        names += [f.rule for f in made.failed_rules] + [t.group for t in made.typing_teams]
        words |= {w.lower() for name in names for w in WORD.findall(name)}
    if isinstance(screen, AgentWrapupsScreen):
        words |= {w.lower() for w in WORD.findall(screen.agent_id)}
        for row in screen.rows:
            for cell in (row[2], row[3], row[8]):  # queue, codes, note
                words |= {w.lower() for w in WORD.findall(str(cell or ""))}
    return words


def english_left(app: App[None], language: str, english: set[str]) -> set[str]:
    screen = app.screen
    assert isinstance(screen, ReportsScreen | AgentWrapupsScreen)
    return english_in(screen_text(app), language, english) - data_words(screen)  # type: ignore[arg-type]


def assert_inside(app: App[None]) -> None:
    """The title whole (wrapped, not cut), a row of figures, the outliers line and the
    key bar all inside the terminal."""
    screen = app.screen
    height = app.size.height
    title = screen.query_one("#report-title", Label)
    text = str(title.content)
    assert title.size.height * title.content_region.width >= cell_len(text), text
    table = screen.query_one("#figures", DataTable)
    assert table.region.height >= 2 and table.region.bottom <= height
    outliers = screen.query_one("#outliers", Static)
    assert outliers.region.height >= 1 and outliers.region.bottom <= height
    assert screen.query_one(KeyBar).region.bottom <= height
    for label in screen.query(".chart-title").results(Label):
        assert label.region.height >= 1 and label.region.bottom <= height
    assert_keys_fit(app)  # type: ignore[arg-type]


@pytest.mark.parametrize("locale", ["pl", "zh"])
async def test_walking_the_reports_shows_no_english(
    demo_db: Path, speak: None, locale: str
) -> None:
    language = choose_language(locale, None)
    use_language(language)
    english = english_words()
    seen: dict[str, set[str]] = {}
    app = ReportsApp(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen["everything, last 7 days"] = english_left(app, language, english)
        assert_inside(app)
        await pilot.press("g")  # by agent: the drill-down hint and the outliers
        await settle(pilot)
        seen["by agent"] = english_left(app, language, english)
        assert_inside(app)
        await pilot.press("r")  # last 30 days
        await settle(pilot)
        seen["by agent, last 30 days"] = english_left(app, language, english)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        screen.query_one("#figures", DataTable).focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, AgentWrapupsScreen))
        await settle(pilot)
        seen["an agent's wrap-ups"] = english_left(app, language, english)
        assert_keys_fit(app)  # type: ignore[arg-type]
        await pilot.press("escape")
        await settle(pilot)
        for _ in range(6):  # every grouping
            await pilot.press("g")
            await settle(pilot)
            seen[f"by {screen.view.by}"] = english_left(app, language, english)
    assert {name: words for name, words in seen.items() if words} == {}


@pytest.mark.parametrize("locale", ["en", "pl", "es", "zh"])
async def test_the_reports_screen_fits_80_by_24(demo_db: Path, speak: None, locale: str) -> None:
    use_language(choose_language(locale, None))
    app = ReportsApp(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert_inside(app)
        text = screen_text(app)
        assert "elena" in text  # the demo's slow writer, among the outliers


async def test_the_screen_shows_the_language_s_numbers(demo_db: Path, speak: None) -> None:
    use_language("pl")
    app = ReportsApp(demo_db)
    async with app.run_test(size=(140, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#figures", DataTable)
        cells = [str(cell) for cell in table.get_row_at(0)]
        assert cells[0] == "wszystkie"  # the one row of an ungrouped report
        assert re.fullmatch(r"\d+,\d%", cells[6])  # ACW %: a decimal comma


async def test_the_charts_marks_are_round_numbers_of_the_language(
    demo_db: Path, speak: None
) -> None:
    """plotext's own marks read `176.0` in every language; acw's are round figures
    written the way the language writes numbers (the unit test covers `0,5` and
    `12 000`)."""
    use_language("pl")
    app = ReportsApp(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
    vertical = re.findall(r"(\S+)┤", text)  # the value axes of the first two charts
    numbers = [mark for mark in vertical if mark[0].isdigit()]
    assert len(numbers) >= 6, vertical
    assert all(re.fullmatch(r"\d+", mark) for mark in numbers), numbers
    assert {"0", "50", "100", "150"} <= set(numbers)


@pytest.mark.parametrize("locale", ["pl", "es", "zh"])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_of_the_reports_screen_per_language(
    snap_compare, demo_db: Path, speak: None, locale: str, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    use_language(choose_language(locale, None))

    async def by_agent(pilot: Pilot) -> None:  # type: ignore[type-arg]
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)

    assert snap_compare(ReportsApp(demo_db), terminal_size=size, run_before=by_agent)
