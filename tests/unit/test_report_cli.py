"""`acw report` in every format, on the hand-built history of tests/report_seed.py."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from acw_tui.cli import cli
from acw_tui.store import Store
from tests.report_seed import seed

RANGE = ["--from", "2026-03-01", "--to", "2026-03-02", "--now", "2026-03-03T00:30:00Z"]


@pytest.fixture
def seeded(fresh_store: Store) -> Store:
    seed(fresh_store)
    return fresh_store


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["report", *args], catch_exceptions=False)


def test_json_is_one_object_of_formulas_and_rows(seeded: Store) -> None:
    result = run(*RANGE, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data["formulas"]) >= {"calls", "acw_avg_s", "acw_pct", "aht_s", "compliance_pct"}
    (row,) = data["rows"]
    assert row == {
        "group": "all", "calls": 5, "acw_total_s": 810.0, "acw_avg_s": 162.0,
        "acw_median_s": 120.0, "acw_p90_s": 276.0, "acw_pct": 2.3, "aht_s": 522.5,
        "compliance_pct": 80.0, "timeout_rate": 0.2, "extension_rate": 0.2,
        # The seeded wrap-ups predate note-quality rules: no score, no critical fail.
        "quality_avg": None, "critical_fail_rate": 0.0, "auto_code_rate": 0.0,
    }  # fmt: skip


def test_json_by_agent(seeded: Store) -> None:
    data = json.loads(run(*RANGE, "--format", "json", "--by", "agent").output)
    assert [row["group"] for row in data["rows"]] == ["ana", "bo", "cy", "dee"]
    assert data["by"] == "agent"


def test_table_prints_figures_and_formulas(seeded: Store) -> None:
    out = run(*RANGE, "--by", "agent").output
    ana = next(line for line in out.splitlines() if line.startswith("ana "))
    assert re.search(
        r"ana\s+3\s+8:00\s+2:40\s+2:00\s+4:24\s+2\.4%\s+9:00\s+66\.7%\s+33\.3%\s+33\.3%", ana
    )
    assert "ACW % = time in the ACW state ÷ logged-in time × 100" in out
    assert "hold = 0" in out
    assert "Outliers (median ACW above 1.5 × the team median):\n  none" in out
    assert "cx " in out and "bo (2), dee (1)" in out


def test_csv_has_a_header_of_metric_names(seeded: Store) -> None:
    rows = list(csv.DictReader(io.StringIO(run(*RANGE, "--format", "csv", "--by", "day").output)))
    assert [r["group"] for r in rows] == ["2026-03-01", "2026-03-02"]
    assert rows[0]["calls"] == "4"
    assert rows[1]["acw_pct"] == "1.8"
    assert rows[0]["acw_avg_s"] == "180.0"


def test_markdown_table(seeded: Store) -> None:
    out = run(*RANGE, "--format", "md", "--by", "team").output
    assert out.startswith("# ACW report, by team")
    assert "| site-1 | 4 |" in out
    assert "## Formulas" in out and "- **aht_s**:" in out
    assert "| cx | customer | 4 | 25.0% | 3 | bo (2), dee (1) | 18 |" in out


def test_html_is_one_offline_file_with_charts(seeded: Store, tmp_path: Path) -> None:
    target = tmp_path / "week.html"
    result = run(*RANGE, "--by", "agent", "--format", "html", "-o", str(target))
    assert result.exit_code == 0
    page = target.read_text(encoding="utf-8")
    assert page.count("<svg") == 3
    for chart in ("chart-distribution", "chart-trend", "chart-agents"):
        assert f'id="{chart}"' in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing fetched
    assert "<script" not in page
    # The figures: ana's row, the bars of the distribution and one bar per agent.
    assert re.search(r"<td>ana</td><td class=\"num\">3</td><td class=\"num\">8:00</td>", page)
    assert sorted(int(n) for n in re.findall(r'data-count="(\d+)"', page) if n != "0") == [1] * 5
    assert page.count('class="agent"') == 3  # ana, bo, dee (cy took no calls)
    assert page.count('class="team-median"') == 4  # median and its 1.5× line, per site
    assert "team median 3:00 (site-1)" in page
    assert "2:40" in page  # ana's average


def test_outlier_factor_from_config_and_option(seeded: Store, acw_home: Path) -> None:
    (acw_home / "config.toml").write_text("[report]\noutlier_factor = 1.3\n", encoding="utf-8")
    data = json.loads(run(*RANGE, "--format", "json").output)
    assert [o["agent"] for o in data["outliers"]] == ["bo"]
    assert data["outlier_factor"] == 1.3
    data = json.loads(run(*RANGE, "--format", "json", "--outlier-factor", "2").output)
    assert data["outliers"] == []


def test_since_counts_back_from_now(seeded: Store) -> None:
    # 24 hours before 03-03 00:30 covers only dee's 10:00 wrap-up on 03-02.
    data = json.loads(
        run("--since", "24h", "--now", "2026-03-03T00:30Z", "--format", "json").output
    )
    assert data["rows"][0]["calls"] == 1


def test_filters(seeded: Store) -> None:
    data = json.loads(
        run(*RANGE, "--format", "json", "--agent", "ana", "--queue", "billing").output
    )
    assert data["rows"][0]["calls"] == 2
    data = json.loads(run(*RANGE, "--format", "json", "--site", "site-2").output)
    assert data["rows"][0]["acw_total_s"] == 90.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "a week"], "--since 'a week': expected a number and a unit"),
        (["--from", "yesterday"], "--from 'yesterday': expected an ISO date or time"),
        (
            ["--from", "2026-11-20", "--to", "2026-11-19"],
            "the range is empty: --from '2026-11-20' does not begin before --to '2026-11-19' ends",
        ),
        (
            ["--from", "2026-03-01T10:00", "--to", "2026-03-01T10:00"],
            "--from '2026-03-01T10:00' does not begin before --to '2026-03-01T10:00' ends",
        ),
        (
            ["--since", "7d", "--to", "2020-01-01", "--now", "2026-03-01"],
            "--since '7d' does not begin before --to '2020-01-01' ends",
        ),
        (["--since", "0d"], "--since '0d': the range is empty (an age of zero)"),
        (["--since", "7d", "--from", "2026-03-01"], "--since and --from both"),
        (["--hub-db", "mysql://x"], "expected sqlite:///path/hub.db or postgresql://"),
        (["--hub-db", "sqlite:////nowhere/hub.db"], "/nowhere/hub.db: no such database file"),
    ],
)
def test_bad_input_gives_one_line(seeded: Store, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["report", *args])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_bad_config_names_file_and_key(seeded: Store, acw_home: Path) -> None:
    (acw_home / "config.toml").write_text('[report]\noutlier_factor = "big"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["report"])
    assert result.exit_code == 1
    assert "config.toml: report.outlier_factor: expected a number" in result.output


def test_no_store_yet(acw_home: Path) -> None:
    result = CliRunner().invoke(cli, ["report"])
    assert result.exit_code == 1
    assert "acw.db: no such database file" in result.output


def test_help_names_every_option() -> None:
    out = CliRunner().invoke(cli, ["report", "--help"]).output
    for option in (
        "--by",
        "--since",
        "--from",
        "--to",
        "--agent",
        "--queue",
        "--site",
        "--format",
        "--hub-db",
        "-o",
    ):
        assert option in out


def test_markdown_keeps_a_hostile_agent_id_in_its_cell_and_inert(seeded: Store) -> None:
    # An agent id comes from a site's store (over the hub, any site's): a `|` would
    # split the table, a line break end it, and raw HTML would run in a viewer.
    hostile = "x|y\n<img src=x onerror=alert(1)>"
    with seeded.transaction() as db:
        db.conn.execute("UPDATE wrapups SET agent_id = ?", (hostile,))
    out = run(*RANGE, "--format", "md", "--by", "agent").output
    (row,) = [line for line in out.splitlines() if "onerror" in line and line.startswith("|")]
    assert "<img" not in out and "&lt;img" in row
    assert row.count(" | ") == len(out.splitlines()[4].split(" | ")) - 1  # same columns


def test_a_store_from_a_newer_acw_is_refused_in_one_line(seeded: Store) -> None:
    """Every other command refuses a newer schema; the report read it and failed on a
    column ("no such column: w.acw_seconds") or, worse, read one that means another thing."""
    seeded.conn.execute("PRAGMA user_version = 999")
    seeded.conn.commit()
    result = run(*RANGE)
    assert result.exit_code == 1
    assert "schema version 999 is newer than this acw understands" in result.output
