"""Shared fixtures: a real SQLite store in a temporary ACW_HOME, a hand-moved clock."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from acw_tui.core.clock import ManualClock
from acw_tui.service.desk import Desk
from acw_tui.settings.config import Config, load_config
from acw_tui.store import Store, open_store

# Tests press ctrl+c on acw processes they start (SIGINT). A shell without job control
# starts background commands with SIGINT ignored, children inherit that, and Python then
# never turns SIGINT into KeyboardInterrupt: a suite started that way would see acw
# ignore ctrl+c. A Python handler here is reset to the default in every child instead.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


# Every generated test is seeded: each run of the suite tries the same examples, so a
# red run is the code's doing and can be run again to the same end. ACW_HYPOTHESIS=explore
# draws new examples each run (with `--hypothesis-seed N` to replay one draw), for a
# longer search by hand beside the ACW_*_EXAMPLES counts.
settings.register_profile("seeded", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False, database=None)
settings.load_profile(os.environ.get("ACW_HYPOTHESIS", "seeded"))


# pyproject's 120 s a test catches a hang at the suite's own example counts. A longer
# search asked for by hand (any ACW_*_EXAMPLES or ACW_*_STEPS) may take as long as it
# needs, up to an hour a test, or it would end in a timeout instead of a verdict.
LONG_SEARCH_SECONDS = 3600
LONG_SEARCH = re.compile(r"ACW_\w+_(EXAMPLES|STEPS)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not any(LONG_SEARCH.fullmatch(name) for name in os.environ):
        return
    for item in items:
        marker = item.get_closest_marker("timeout")
        if marker is None or not marker.args or marker.args[0] < LONG_SEARCH_SECONDS:
            item.add_marker(pytest.mark.timeout(LONG_SEARCH_SECONDS), append=False)


@pytest.fixture
def acw_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty ACW_HOME for this test; config, database and drafts all land here."""
    home = tmp_path / "acw-home"
    home.mkdir()
    monkeypatch.setenv("ACW_HOME", str(home))
    for name in ("ACW_DB", "ACW_AGENT", "ACW_SITE", "ACW_HUB_URL", "ACW_HUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def fresh_store(acw_home: Path) -> Iterator[Store]:
    store = open_store(acw_home / "acw.db")
    yield store
    store.close()


@pytest.fixture
def config(acw_home: Path) -> Config:
    path = acw_home / "config.toml"
    path.write_text('agent_id = "ana"\nsite_id = "site-1"\n', encoding="utf-8")
    return load_config(path)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def desk(fresh_store: Store, config: Config, clock: ManualClock) -> Desk:
    return Desk(fresh_store, config, clock)


@pytest.fixture(autouse=True)
def english_unless_asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in English whatever the machine's LANG, and leaves it so."""
    from acw_tui.i18n import use_language

    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    use_language("en")
    yield
    use_language("en")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[pytest.TestReport]:
    """A failed screenshot comparison also prints the rows that differ (see
    `tests/snapshot_difference.py`): CI keeps the output, not the HTML report."""
    report: pytest.TestReport = yield
    if report.when == "call" and report.failed and "snap_compare" in item.fixturenames:  # type: ignore[attr-defined]
        from tests.snapshot_difference import snapshot_difference

        rows = snapshot_difference(item)
        if rows:
            report.sections.append(("snapshot difference", "\n".join(rows)))
    return report
