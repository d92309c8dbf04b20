"""Reports split compliance into completeness and note quality (SPEC §14): quality_avg
and critical_fail_rate per agent, team, code and template, the automatic-code rate, and
the most-failed rules with redacted examples — every figure computed by hand below."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.store import Store
from tests.report_seed import wrapup
from tests.unit.test_report_hub import pg_url  # noqa: F401  (fixture)

RANGE = ["--from", "2026-03-01", "--to", "2026-03-01", "--now", "2026-03-03T00:30:00Z"]


def judged(store: Store, wrapup_id: str, score, critical: int, failed, auto=None) -> None:
    store.conn.execute(
        "UPDATE wrapups SET quality_score = ?, quality_critical = ?, quality_failed = ?, "
        "auto_code = ? WHERE id = ?",
        (score, critical, json.dumps(failed), auto, wrapup_id),
    )


@pytest.fixture
def seeded(fresh_store: Store) -> Store:
    s = fresh_store
    w1 = wrapup(s, "ana", "site-1", "2026-03-01T09:10:00", 60, codes=("billing",), template="t-gen")
    w2 = wrapup(
        s, "ana", "site-1", "2026-03-01T10:00:00", 60, codes=("refund",), template="t-gen",
        note="Customer paid with 4111 1111 1111 1111 and wants a change",
    )  # fmt: skip
    w3 = wrapup(
        s, "ana", "site-1", "2026-03-01T11:00:00", 60, codes=("billing",), template="t-acct"
    )
    w4 = wrapup(
        s, "bo", "site-1", "2026-03-01T12:00:00", 60, codes=("refund",), template="t-acct",
        note="short",
    )  # fmt: skip
    w5 = wrapup(s, "dee", "site-2", "2026-03-01T13:00:00", 60, codes=("sale",), template="t-gen")
    judged(s, w1, 100.0, 0, [])
    judged(s, w2, 50.0, 1, ["steps-taken", "identity-on-account-change"])
    judged(s, w3, None, 0, [])  # no rule applied: no score
    judged(s, w4, 25.0, 0, ["steps-taken", "outcome", "reason"], auto="timeout")
    judged(s, w5, 75.0, 1, ["no-insults"])
    s.conn.commit()
    return s


def report(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["report", *RANGE, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def figures(data: dict) -> dict[str, tuple]:
    return {
        row["group"]: (row["quality_avg"], row["critical_fail_rate"], row["auto_code_rate"])
        for row in data["rows"]
    }


def test_overall(seeded) -> None:
    data = report()
    # (100 + 50 + 25 + 75) / 4 scored; 2 critical fails of 5 finished; 1 auto code of 5.
    assert figures(data) == {"all": (62.5, 0.4, 0.2)}
    assert "quality_avg" in data["formulas"] and "critical_fail_rate" in data["formulas"]
    assert data["rows"][0]["compliance_pct"] == 100.0  # completeness stays its own figure


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        (
            "agent",
            {"ana": (75.0, 0.3333, 0.0), "bo": (25.0, 0.0, 1.0), "dee": (75.0, 1.0, 0.0)},
        ),
        ("team", {"site-1": (58.3, 0.25, 0.25), "site-2": (75.0, 1.0, 0.0)}),
        (
            "code",
            {"billing": (100.0, 0.0, 0.0), "refund": (37.5, 0.5, 0.5), "sale": (75.0, 1.0, 0.0)},
        ),
        ("template", {"t-acct": (25.0, 0.0, 0.5), "t-gen": (75.0, 0.6667, 0.0)}),
    ],
)
def test_by_group(seeded, by: str, expected: dict) -> None:
    assert figures(report("--by", by)) == expected


def test_most_failed_rules_with_redacted_examples(seeded) -> None:
    failed = report()["failed_rules"]
    assert [(f["rule"], f["times"]) for f in failed] == [
        ("steps-taken", 2),
        ("identity-on-account-change", 1),
        ("no-insults", 1),
        ("outcome", 1),
        ("reason", 1),
    ]
    steps = failed[0]["examples"]
    assert [e["agent"] for e in steps] == ["bo", "ana"]  # newest first
    assert "4111" not in steps[1]["note"] and "[CARD ****1111]" in steps[1]["note"]


def test_the_table_shows_quality_and_the_rules_to_coach_on(seeded) -> None:
    result = CliRunner().invoke(cli, ["report", *RANGE])
    assert result.exit_code == 0
    assert "quality" in result.output and "crit fails" in result.output
    assert "Most-failed quality rules (examples redacted):" in result.output
    assert "  steps-taken: 2 notes" in result.output
    assert "4111 1111" not in result.output


def test_markdown_and_csv_carry_the_new_figures(seeded) -> None:
    md = CliRunner().invoke(cli, ["report", *RANGE, "--format", "md"]).output
    assert "## Most-failed quality rules" in md and "steps-taken: 2 notes" in md
    csv_text = CliRunner().invoke(cli, ["report", *RANGE, "--format", "csv"]).output
    header, row = csv_text.splitlines()[:2]
    assert header.endswith("quality_avg,critical_fail_rate,auto_code_rate")
    assert row.endswith("62.5,0.4,0.2")


@pytest.mark.parametrize("by", [None, "agent", "code", "template"])
def test_the_same_quality_figures_from_a_sqlite_hub(seeded, tmp_path, by) -> None:
    from tests.unit.test_report_hub import copy_to_sqlite_hub

    hub = tmp_path / "hub.db"
    copy_to_sqlite_hub(seeded, hub)
    extra = ["--by", by] if by else []
    assert report(*extra, "--hub-db", f"sqlite:///{hub}") == report(*extra)


@pytest.mark.postgres
@pytest.mark.parametrize("by", [None, "code"])
def test_the_same_quality_figures_from_a_postgres_hub(seeded, pg_url, by) -> None:  # noqa: F811
    from tests.unit.test_report_hub import copy_to_pg_hub

    copy_to_pg_hub(seeded, pg_url)
    extra = ["--by", by] if by else []
    assert report(*extra, "--hub-db", pg_url) == report(*extra)


def test_html_lists_the_rules_to_coach_on_escaped(seeded) -> None:
    html = CliRunner().invoke(cli, ["report", *RANGE, "--format", "html"]).output
    assert '<ul id="failed-rules">' in html and "steps-taken: 2 notes" in html
    assert "4111 1111" not in html
