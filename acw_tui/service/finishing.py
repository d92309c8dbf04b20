"""From a filled note form to what finishing stores (the form itself is pure core)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from acw_tui.core.model import Wrapup
from acw_tui.core.shorthand import UsageTally
from acw_tui.core.templates.form import NoteForm
from acw_tui.service.desk import DeskError, FinishRequest


class EmptyNote(DeskError):
    """The note to finish holds nothing the agent wrote; finishing needs a confirmation."""


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
    wrapup: Wrapup,
    form: NoteForm,
    *,
    agent_id: str,
    require_code: bool,
    now: datetime,
    zone: tzinfo | None = None,
    usage: UsageTally | None = None,
    guide_version: int | None = None,
    allow_empty: bool = False,
) -> FinishRequest:
    """The FinishRequest of a filled form; DeskError names what is still missing, and
    EmptyNote says the agent wrote nothing (no notes, no field filled in)."""
    refusal = form.refusal(require_code, now, zone)
    if refusal:
        raise DeskError("cannot finish yet: {reason}", reason=refusal)
    finished = form.finished(call=call_context(wrapup), agent=agent_id, now=now, zone=zone)
    written = form.notes.strip() or any(
        v not in (None, "", False) for v in finished.fields.values()
    )
    if not written and not allow_empty:
        raise EmptyNote("call {call}: the note is empty", call=wrapup.call.external_id)
    return FinishRequest(
        note=finished.note,
        codes=finished.codes,
        template_id=finished.template_id,
        template_version=finished.template_version,
        fields=finished.fields,
        required_complete=finished.required_complete,
        usage=usage,
        guide_version=guide_version,
        notes=form.notes,
        keys_pressed=usage.keys_pressed if usage is not None else None,
        carried_chars=usage.carried_chars if usage is not None else 0,
    )
