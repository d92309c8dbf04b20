"""Turning stored rows into core dataclasses and back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from acw_tui.core.model import (
    AgentState,
    AgentStateName,
    Call,
    Draft,
    Extension,
    RedactionMark,
    Wrapup,
)
from acw_tui.core.timeutil import parse_iso, utc_iso


def _time(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


def call_from_row(row: Mapping[str, Any]) -> Call:
    return Call(
        id=row["id"],
        external_id=row["external_id"],
        agent_id=row["agent_id"],
        site_id=row["site_id"],
        queue=row["queue"],
        customer_ref=row["customer_ref"],
        started_at=_time(row["started_at"]),
        ended_at=_time(row["ended_at"]),
        talk_seconds=row["talk_seconds"],
        hold_seconds=row.get("hold_seconds"),
        direction=row.get("direction"),
        hung_up_by=row.get("hung_up_by"),
        source=row.get("source"),
    )


def wrapup_from_row(row: Mapping[str, Any], call: Call) -> Wrapup:
    return Wrapup(
        id=row["id"],
        call=call,
        agent_id=row["agent_id"],
        site_id=row["site_id"],
        status=row["status"],
        started_at=parse_iso(row["started_at"]),
        ended_at=_time(row["ended_at"]),
        acw_seconds=row["acw_seconds"],
        timed_out=bool(row["timed_out"]),
        extensions=tuple(
            Extension(parse_iso(e["at"]), e["reason"], int(e["seconds"]))
            for e in json.loads(row["extensions"] or "[]")
        ),
        codes=tuple(json.loads(row["codes"] or "[]")),
        template_id=row["template_id"],
        template_version=row["template_version"],
        fields=json.loads(row["fields"] or "{}"),
        note=row["note"] or "",
        guide_version=row["guide_version"],
        finished_at=_time(row["finished_at"]),
        rev=row["rev"],
        auto_code=row.get("auto_code"),
        quality_score=row.get("quality_score"),
        quality_critical=bool(row.get("quality_critical")),
        quality_failed=tuple(json.loads(row.get("quality_failed") or "[]")),
    )


def extensions_json(extensions: tuple[Extension, ...]) -> str:
    return json.dumps(
        [{"at": utc_iso(e.at), "reason": e.reason, "seconds": e.seconds} for e in extensions],
        ensure_ascii=False,
    )


def draft_from_row(row: Mapping[str, Any]) -> Draft:
    return Draft(
        wrapup_id=row["wrapup_id"],
        note=row["note"],
        fields=json.loads(row["fields"] or "{}"),
        codes=tuple(json.loads(row["codes"] or "[]")),
        template_id=row["template_id"],
        saved_at=parse_iso(row["saved_at"]),
        findings=tuple(RedactionMark(**mark) for mark in json.loads(row.get("findings") or "[]")),
        screen=int(row.get("screen") or 0),
    )


def agent_state_from_row(row: Mapping[str, Any]) -> AgentState:
    return AgentState(
        id=row["id"],
        agent_id=row["agent_id"],
        state=AgentStateName(row["state"]),
        started_at=parse_iso(row["started_at"]),
        ended_at=_time(row["ended_at"]),
    )
