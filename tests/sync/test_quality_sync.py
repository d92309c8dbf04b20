"""A wrap-up's automatic code and note-quality verdict reach the hub on both backends,
and a verdict that cannot be right is refused naming the record."""

from __future__ import annotations

import json

import pytest

from acw_tui.service.desk import Desk, FinishRequest
from acw_tui.settings.config import load_config
from acw_tui.sync.wire import row_problem

from .conftest import Site


def site_desk(site: Site, acw_table: str = "") -> Desk:
    path = site.home / "config.toml"
    path.write_text(
        f'agent_id = "ana"\nsite_id = "{site.name}"\n[acw]\n{acw_table}\n', encoding="utf-8"
    )
    return Desk(site.store, load_config(path))


def test_the_verdict_and_the_automatic_code_travel(site: Site) -> None:
    desk = site_desk(site)
    wrapup = desk.call_ended("PBX-1")
    done = desk.finish(
        wrapup,
        FinishRequest(
            note="Customer asked to change the address. Done.", codes=("account-update",)
        ),
    )
    assert done.quality_critical and "identity-on-account-change" in done.quality_failed
    site.sync()
    with site.hub.store.db.reading() as tx:
        row = tx.one(
            "SELECT quality_score, quality_critical, quality_failed, auto_code FROM wrapups "
            "WHERE id = ?",
            [done.id],
        )
    assert row is not None
    score, critical, failed, auto_code = row
    assert score == done.quality_score and int(critical) == 1 and auto_code is None
    assert json.loads(failed) == list(done.quality_failed)
    site.assert_hub_equal()


def _wrapup_row(**changes: object) -> dict:
    row = {
        "id": "w1",
        "rev": 1,
        "site_id": "s1",
        "call_id": "c1",
        "agent_id": "ana",
        "status": "done",
        "started_at": "2026-05-04T10:00:00.000Z",
        "updated_at": "2026-05-04T10:01:00.000Z",
        "quality_score": 50.0,
        "quality_critical": 0,
        "quality_failed": '["reason"]',
    }
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({}, None),
        ({"quality_score": None, "quality_failed": "[]"}, None),
        ({"quality_score": 101.0}, "quality_score is 101.0, not between 0 and 100"),
        ({"quality_score": -1.0}, "not between 0 and 100"),
        ({"quality_critical": 2}, "quality_critical is neither 0 nor 1"),
        ({"agent_id": None}, "leaves agent_id empty"),  # reports group by it
        ({"status": None}, "leaves status empty"),
        ({"codes": None}, "leaves codes empty"),
        ({"updated_at": "x", "started_at": None}, "leaves started_at empty"),
        ({"quality_failed": "not json"}, "quality_failed is not JSON"),
        ({"quality_failed": "[" * 100_000}, "quality_failed is not JSON"),  # too deep
        ({"quality_failed": '{"a": 1}'}, "JSON list of at most 200 rule ids"),
        ({"quality_failed": "[1, 2]"}, "JSON list"),
        ({"quality_failed": json.dumps(["r"] * 201)}, "JSON list"),
    ],
)
def test_the_hub_refuses_a_verdict_that_cannot_be_right(changes: dict, problem: str | None) -> None:
    found = row_problem("wrapups", "w1", 1, _wrapup_row(**changes))
    assert (found is None) if problem is None else (problem in found), found


@pytest.mark.usefixtures("no_releases")
def test_templates_whose_quality_rules_fail_lint_are_not_published(hub, tmp_path, acw_home) -> None:
    from click.testing import CliRunner

    from acw_tui.cli import cli

    from .test_publish_refusals import CODES, FRONT

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "general.en.j2").write_text(FRONT + "{{ notes }}\n", encoding="utf-8")
    (folder / "codes.toml").write_text(CODES, encoding="utf-8")
    (folder / "quality.toml").write_text(
        '[elements.a]\nfields = ["notes"]\n[[rules]]\nid = "r"\nelement = "gone"\n',
        encoding="utf-8",
    )
    lead = hub.store.add("lead", "lead-quality")
    result = CliRunner().invoke(
        cli, ["templates", "publish", "--templates", str(folder), "--hub", hub.url, "--token", lead]
    )
    assert result.exit_code == 1
    assert "quality.toml:5: error: rule 'r': unknown element `gone`" in result.output
    with hub.store.db.reading() as tx:
        assert tx.one("SELECT count(*) FROM hub_content WHERE kind = 'templates'")[0] == 0


def test_the_hub_refuses_a_row_without_a_column_the_site_always_fills() -> None:
    row = _wrapup_row()
    del row["agent_id"]
    assert row_problem("wrapups", "w1", 1, row) == "has no agent_id"
