"""Follow-ups: stored with the finished wrap-up, synced, urgent when due, markable done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from acw_tui.core.followups import Followup, Urgency, due_moment, plan_from_fields
from acw_tui.core.templates import load_library
from acw_tui.core.templates.form import NoteForm
from acw_tui.service.desk import Desk, DeskError, FinishRequest
from acw_tui.store.followups import FollowupRepository
from acw_tui.store.records import SYNCED_TABLES
from tests.unit.templates_helpers import SHIPPED


@pytest.fixture(scope="module")
def library():
    return load_library(SHIPPED)


def callback_form(library, **values: str) -> NoteForm:
    form = NoteForm(library, "en")
    form.set_codes(["callback"])
    for name, value in values.items():
        form.set_value(name, value)
    return form


def test_the_table_is_synced() -> None:
    assert "followups" in SYNCED_TABLES


def test_finishing_a_callback_stores_note_fields_and_follow_up(desk: Desk, library) -> None:
    wrapup = desk.call_ended("PBX-9", customer_ref="CU-77", queue="billing")
    form = callback_form(
        library,
        reason="refund status",
        outcome="Pending",
        follow_up_at="tomorrow 10:00",
        follow_up_owner="finance team",
    )
    form.notes = "chkd w/ fin team"
    done = desk.finish_form(wrapup, form, zone=UTC)
    assert done.codes == ("callback",)
    assert (done.template_id, done.template_version) == ("general-inquiry", 1)
    assert done.fields == {
        "reason": "refund status",
        "outcome": "Pending",
        "follow_up_at": "2026-01-06 10:00",
        "follow_up_owner": "finance team",
    }
    assert done.note == (
        "Reason for call: refund status\nOutcome: Pending\nFollow-up due: 2026-01-06 10:00\n"
        "Follow-up owner: finance team\n\nchkd w/ fin team"
    )
    row = desk.store.db.execute("SELECT compliant FROM wrapups").fetchone()
    assert row == (1,)
    [followup] = FollowupRepository(desk.store).open("site-1")
    assert followup.wrapup_id == done.id
    assert followup.due_at == datetime(2026, 1, 6, 10, 0, tzinfo=UTC)
    assert followup.owner == "finance team"
    assert followup.customer_ref == "CU-77" and followup.queue == "billing"
    assert followup.note.startswith("callback · CU-77 · Reason for call: refund status")
    queued = desk.store.db.execute(
        "SELECT count(*) FROM outbox WHERE table_name = 'followups'"
    ).fetchone()[0]
    assert queued == 1


def test_a_missing_required_field_refuses_and_names_it(desk: Desk, library) -> None:
    wrapup = desk.call_ended("PBX-10")
    form = callback_form(library, reason="refund", outcome="Pending")
    with pytest.raises(DeskError, match="required: Follow-up due, Follow-up owner"):
        form.notes = "notes"
        desk.finish_form(wrapup, form)
    assert desk.wrapups.get(wrapup.id).is_open
    assert FollowupRepository(desk.store).open() == []


def test_without_code_or_template_the_note_is_the_notes(desk: Desk, library) -> None:
    wrapup = desk.call_ended("PBX-11")
    form = NoteForm(library, "en")
    form.notes = "just notes"
    done = desk.finish_form(wrapup, form)
    assert done.note == "just notes" and done.codes == () and done.template_id is None
    row = desk.store.db.execute("SELECT compliant FROM wrapups WHERE id = ?", [done.id]).fetchone()
    assert row == (0,)  # no code: finished but not compliant


def test_follow_up_and_wrapup_are_stored_together_or_not_at_all(desk: Desk) -> None:
    wrapup = desk.call_ended("PBX-12")
    request = FinishRequest(note="n", fields={"follow_up_at": "2026-01-06", "follow_up_owner": "x"})
    desk.finish(wrapup, request, zone=UTC)
    with pytest.raises(DeskError, match="already finished"):
        desk.finish(wrapup, request, zone=UTC)
    assert len(FollowupRepository(desk.store).for_wrapup(wrapup.id)) == 1


def test_mark_done_and_reopen_bump_the_revision(desk: Desk, clock) -> None:
    wrapup = desk.call_ended("PBX-13")
    request = FinishRequest(note="n", fields={"follow_up_at": "2026-01-05 09:30"})
    desk.finish(wrapup, request, zone=UTC)
    repo = FollowupRepository(desk.store)
    [item] = repo.open()
    assert item.owner == "ana"  # no owner given: the agent
    clock.advance(60)
    done = repo.mark_done(item.id, clock.now())
    assert done.is_done and done.rev == 2 and repo.open() == []
    assert repo.recently_done(clock.now() - timedelta(hours=1)) == [done]
    again = repo.reopen(item.id, clock.now())
    assert not again.is_done and again.rev == 3


def test_urgency_overdue_due_soon_later_done() -> None:
    now = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)

    def item(minutes: int, done: bool = False) -> Followup:
        return Followup(
            "f", "w", "ana", "s", now + timedelta(minutes=minutes), "ana",
            done_at=now if done else None,
        )  # fmt: skip

    assert item(-1).urgency(now) is Urgency.OVERDUE
    assert item(0).urgency(now) is Urgency.OVERDUE
    assert item(30).urgency(now) is Urgency.DUE_SOON
    assert item(90).urgency(now) is Urgency.LATER
    assert item(90).urgency(now, timedelta(hours=2)) is Urgency.DUE_SOON
    assert item(-10, done=True).urgency(now) is Urgency.DONE


def test_a_date_only_follow_up_is_due_by_end_of_day() -> None:
    assert due_moment("2026-01-06", UTC) == datetime(2026, 1, 6, 17, 0, tzinfo=UTC)
    assert plan_from_fields({"follow_up_owner": "x"}, "ana") is None


def test_the_follow_up_never_holds_a_card_number(desk: Desk, library) -> None:
    wrapup = desk.call_ended("PBX-14")
    form = callback_form(
        library,
        reason="paid with 4111 1111 1111 1111",
        outcome="Pending",
        follow_up_at="+1h",
        follow_up_owner="ana",
    )
    desk.finish_form(wrapup, form, zone=UTC)
    [item] = FollowupRepository(desk.store).open()
    assert "4111 1111 1111 1111" not in item.note
    assert "****1111" in item.note
    payload = desk.store.db.execute(
        "SELECT group_concat(payload) FROM outbox WHERE table_name IN ('followups', 'wrapups')"
    ).fetchone()[0]
    assert "4111 1111 1111 1111" not in payload


def test_done_today_means_since_midnight_not_the_last_24_hours(
    desk: Desk, clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setenv("TZ", "UTC")  # the agent's day, as the screen shows times
    time.tzset()
    try:
        wrapup = desk.call_ended("PBX-14")
        request = FinishRequest(note="n", fields={"follow_up_at": "2026-01-06 09:30"})
        desk.finish(wrapup, request, zone=UTC)
        [item] = desk.open_followups()
        clock.wall = clock.wall.replace(hour=22)  # done yesterday evening …
        done = desk.toggle_followup(item)
        clock.advance(12 * 3600)  # … and the screen opened the next morning at 10:00
        assert [f.id for f in desk.open_followups(with_done_today=True)] == []
        desk.toggle_followup(desk.toggle_followup(done))  # open again, done this morning
        assert [f.id for f in desk.open_followups(with_done_today=True)] == [item.id]
    finally:
        monkeypatch.undo()
        time.tzset()
