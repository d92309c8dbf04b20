"""Keystrokes as a figure: "typed / final" per agent and team, and time saved at the
configured typing speed, in every report format."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from acw_tui.cli import cli
from acw_tui.core.metrics import TypingFigure, typing_by_team
from acw_tui.store import Store
from tests.report_seed import seed

RANGE = ["--from", "2026-03-01", "--to", "2026-03-03", "--now", "2026-03-03T00:30:00Z"]


@pytest.fixture
def typed(fresh_store: Store) -> Store:
    seed(fresh_store)
    conn = fresh_store.conn
    # ana typed 60 keys for 150 characters over her done wrap-ups, dee 90 for 100.
    rows = conn.execute(
        "SELECT id, agent_id FROM wrapups WHERE status = 'done' AND started_at >= '2026-03-01'"
    ).fetchall()
    given = {"ana": (60, 150), "dee": (90, 100)}
    seen: set[str] = set()
    for wrapup_id, agent in rows:
        if agent in given and agent not in seen:
            seen.add(agent)
            keys, chars = given[agent]
            conn.execute(
                "UPDATE wrapups SET keys_pressed = ?, final_chars = ? WHERE id = ?",
                (keys, chars, wrapup_id),
            )
    conn.commit()
    return fresh_store


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["report", *args], catch_exceptions=False)


def test_figures_and_formula() -> None:
    ana = TypingFigure("ana", "site-1", 2, 60, 150)
    assert ana.typed_per_final == 0.4
    assert ana.chars_saved == 90
    assert ana.time_saved_s(180) == 30.0  # 90 characters at 3 a second
    over = TypingFigure("bo", "site-1", 1, 120, 100)
    assert over.chars_saved == 0  # typed more than written (backspaces): nothing saved
    [team] = typing_by_team([ana, over])
    assert (team.group, team.wrapups, team.keys, team.final_chars) == ("site-1", 3, 180, 250)


def test_json_has_typing_per_agent_and_team(typed: Store) -> None:
    data = json.loads(run(*RANGE, "--format", "json").output)["typing"]
    agents = {row["group"]: row for row in data["agents"]}
    assert agents["ana"]["typed_per_final"] == 0.4
    assert agents["ana"]["time_saved_s"] == 27.0  # 90 characters at 200 a minute
    assert agents["dee"]["chars_saved"] == 10
    teams = {row["group"]: row for row in data["teams"]}
    assert teams["site-1"]["keys_pressed"] == 60 and teams["site-2"]["final_chars"] == 100
    assert "typed_per_final" in data["formulas"]


def test_typing_speed_comes_from_config(typed: Store, acw_home) -> None:  # type: ignore[no-untyped-def]
    (acw_home / "config.toml").write_text("[report]\ntyping_cpm = 100\n", encoding="utf-8")
    data = json.loads(run(*RANGE, "--format", "json").output)["typing"]
    assert {r["group"]: r["time_saved_s"] for r in data["agents"]}["ana"] == 54.0
    (acw_home / "config.toml").write_text("[report]\ntyping_cpm = 0\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", *RANGE])
    assert result.exit_code != 0 and "typing_cpm" in result.output


def test_table_markdown_and_html_show_typed_per_final(typed: Store) -> None:
    table = run(*RANGE).output
    assert "Typing (time saved at 200 characters a minute):" in table
    ana = next(line for line in table.splitlines() if line.strip().startswith("ana "))
    assert "0.40" in ana and "0:27" in ana
    assert "## Typing" in run(*RANGE, "--format", "md").output
    assert 'id="typing"' in run(*RANGE, "--format", "html").output


def test_a_store_without_keystrokes_says_so(fresh_store: Store) -> None:
    seed(fresh_store)
    assert "Typing: no keystrokes recorded in this range" in run(*RANGE).output
