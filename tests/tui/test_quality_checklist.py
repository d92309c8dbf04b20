"""The live quality checklist beside the preview, and finishing with a critical item
missing: confirmed, or refused when the policy says so (SPEC §14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from acw_tui.service.desk import DraftContent
from acw_tui.tui.screens.acw import AcwScreen
from acw_tui.tui.screens.quality_dialog import CriticalItemsDialog
from acw_tui.tui.widgets.quality_checklist import QualityChecklist
from tests.tui.conftest import acw_open, settle, type_text, wait_for
from tests.unit.templates_helpers import SHIPPED


def checklist(app) -> QualityChecklist | None:
    found = app.screen.query(QualityChecklist)
    return found.first() if found else None


def shown(app) -> str:
    widget = checklist(app)
    return str(widget.render()) if widget is not None else ""


def passed(app) -> dict[str, bool]:
    widget = checklist(app)
    if widget is None or widget.result is None:
        return {}
    return {v.rule: v.passed for v in widget.result.verdicts}


async def open_account_change(app, pilot, hook, note: str = "") -> None:
    wrapup = hook.call_ended("PBX-7", customer_ref="CU-7")
    hook.save_draft(wrapup, DraftContent(note, codes=("account-update",)))
    await wait_for(pilot, lambda: acw_open(app)() and checklist(app) is not None)


async def test_the_checklist_follows_typing(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await open_account_change(app, pilot, hook)
        await type_text(pilot, "Customer asked about a new address.")
        await wait_for(pilot, lambda: passed(app).get("reason") is True)
        assert passed(app)["steps-taken"] is False
        assert passed(app)["identity-on-account-change"] is False
        assert "✗ How identity was verified (critical)" in shown(app)
        assert "→ Account change: say how identity was verified" in shown(app)
        assert checklist(app).has_class("-critical")
        await type_text(pilot, " Verified identity, updated the address. Resolved.")
        # The checklist catches up once typing pauses (it may show a half-typed note first).
        everything = {
            "reason": True,
            "steps-taken": True,
            "outcome": True,
            "identity-on-account-change": True,
            "no-insults": True,
        }
        await wait_for(pilot, lambda: passed(app) == everything)
        assert "Score 100/100" in shown(app)
        assert not checklist(app).has_class("-critical")


async def test_finishing_with_a_critical_item_missing_asks_first(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await open_account_change(app, pilot, hook, "Address changed, resolved.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CriticalItemsDialog))
        assert [v.rule for v in app.screen.missing] == ["identity-on-account-change"]
        await pilot.press("escape")  # back to the note: nothing stored
        await wait_for(pilot, lambda: isinstance(app.screen, AcwScreen))
        assert hook.pending() != []
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CriticalItemsDialog))
        await pilot.press("f")  # finish anyway
        await wait_for(pilot, lambda: hook.pending() == [])
        await settle(pilot)
        [done] = hook.history()
        assert done.quality_critical
        assert "identity-on-account-change" in done.quality_failed
        assert done.quality_score is not None


async def test_the_policy_may_refuse_instead_of_asking(make_app, hook) -> None:
    app = make_app('critical_items = "refuse"')
    async with app.run_test(size=(140, 45)) as pilot:
        await open_account_change(app, pilot, hook, "Address changed, resolved.")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: "critical item missing" in str(app.screen.status_line.content)
        )
        assert "[identity-on-account-change]" in str(app.screen.status_line.content)
        assert isinstance(app.screen, AcwScreen) and hook.pending() != []


async def test_a_broken_rule_is_left_out_and_the_screen_works_on(
    make_app, hook, tmp_path: Path
) -> None:
    folder = tmp_path / "templates"
    shutil.copytree(SHIPPED, folder)
    rules = folder / "quality.toml"
    rules.write_text(
        rules.read_text("utf-8")
        + '\n[[rules]]\nid = "broken"\nelement = "no-such-element"\n'
        + "\n[elements.slow]\nfields = [\"x\"]\n[elements.slow.patterns]\nen = ['(a|aa)+$']\n",
        encoding="utf-8",
    )
    app = make_app(f'\n[templates]\nfolder = "{folder}"')
    async with app.run_test(size=(140, 45)) as pilot:
        await open_account_change(app, pilot, hook)
        assert "Some rules are left out" in shown(app)
        assert "quality.toml:" in shown(app)
        await type_text(pilot, "Customer asked about a bill.")
        await wait_for(pilot, lambda: passed(app).get("reason") is True)
        assert "broken" not in passed(app)


async def test_the_reports_screen_names_the_rules_to_coach_on(make_app, hook) -> None:
    from datetime import UTC, datetime

    from acw_tui.service.desk import FinishRequest
    from acw_tui.tui.screens.reports import ReportsScreen
    from tests.tui.test_reports_screen import settle as reports_settled

    hook.clock.wall = datetime.now(UTC)  # the screen reports the last 7 days of real time
    for n in range(2):
        hook.finish(hook.call_ended(f"PBX-{n}"), FinishRequest(note="Idiot.", codes=("refund",)))
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_for(pilot, lambda: app.screen is not None)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await reports_settled(pilot)
        shown_text = str(app.screen.query_one("#outliers").render())
        assert "Most-failed quality rules: no-insults (2), outcome (2), reason (2)" in shown_text


def cut_lines(app) -> list[str]:  # type: ignore[no-untyped-def]
    """Lines of the open dialog that run past its inside edge (drawn cut short)."""
    dialog = app.screen.query_one(".dialog")
    inside = dialog.content_region
    return [
        str(label.render())
        for label in dialog.query("Label")
        if label.region.x < inside.x or label.region.right > inside.right
    ] + (["the dialog itself"] if dialog.region.right > app.screen.size.width else [])


@pytest.mark.parametrize("size", [(60, 24), (80, 24), (140, 45)])
async def test_the_critical_items_dialog_shows_every_line_whole(make_app, hook, size) -> None:
    """Its key hint ran past the dialog's edge at every size, and at 60 columns the
    dialog was wider than the screen."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await open_account_change(app, pilot, hook, "Address changed, resolved.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, CriticalItemsDialog))
        await pilot.pause()
        assert not cut_lines(app)
