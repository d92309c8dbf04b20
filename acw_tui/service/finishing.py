"""Finishing a wrap-up from its note form: the note and its follow-up, stored together.

The follow-up (a callback's due time and owner) is written in the same transaction as
the finished wrap-up, so a crash never leaves a promised callback without its row.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from acw_tui.core.clock import AcwClock
from acw_tui.core.followups import plan_from_fields
from acw_tui.core.model import Wrapup
from acw_tui.core.templates.form import NoteForm
from acw_tui.service.desk import Desk, DeskError, FinishRequest
from acw_tui.store.followups import FollowupRepository


def call_context(wrapup: Wrapup) -> dict[str, Any]:
    """What a template may print about the call (`{{ call.queue }}` …)."""
    call = wrapup.call
    return {
        "id": call.external_id,
        "queue": call.queue or "",
        "customer": call.customer_ref or "",
        "talk_seconds": int(call.talk_seconds) if call.talk_seconds is not None else "",
    }


def request_from_form(
    desk: Desk,
    wrapup: Wrapup,
    form: NoteForm,
    notes: str | None = None,
    *,
    zone: tzinfo | None = None,
) -> FinishRequest:
    """The FinishRequest of a filled form, or DeskError naming what is still missing."""
    if notes is not None:
        form.notes = notes
    now = desk.clock.now()
    refusal = form.refusal(desk.policy_for(wrapup).require_code, now, zone)
    if refusal:
        raise DeskError(f"cannot finish yet: {refusal}")
    finished = form.finished(call=call_context(wrapup), agent=desk.agent_id, now=now, zone=zone)
    return FinishRequest(
        note=finished.note,
        codes=finished.codes,
        template_id=finished.template_id,
        template_version=finished.template_version,
        fields=finished.fields,
        required_complete=finished.required_complete,
    )


def finish_with_followups(
    desk: Desk,
    wrapup: Wrapup,
    request: FinishRequest,
    clock: AcwClock | None = None,
    *,
    zone: tzinfo | None = None,
) -> Wrapup:
    """desk.finish, plus the follow-up the fields ask for, in one transaction.

    The follow-up is built from what was stored (redacted), never from the request.
    """
    with desk.store.transaction():
        done = desk.finish(wrapup, request, clock)
        plan = plan_from_fields(done.fields, desk.agent_id, _summary(done), zone)
        if plan is not None:
            FollowupRepository(desk.store).add(
                done.id, desk.agent_id, desk.config.site_id, plan, desk.clock.now()
            )
    return done


def finish_from_form(
    desk: Desk,
    wrapup: Wrapup,
    form: NoteForm,
    notes: str | None = None,
    *,
    clock: AcwClock | None = None,
    zone: tzinfo | None = None,
) -> Wrapup:
    request = request_from_form(desk, wrapup, form, notes, zone=zone)
    return finish_with_followups(desk, wrapup, request, clock, zone=zone)


def _summary(done: Wrapup) -> str:
    """One line for the follow-ups list: codes, customer, first line of the note."""
    first_line = next((line for line in done.note.splitlines() if line.strip()), "")
    parts = [", ".join(done.codes), done.call.customer_ref or "", first_line]
    return " · ".join(p for p in parts if p)[:200]
