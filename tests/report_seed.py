"""A small, hand-built history whose report figures the tests compute by hand.

Range used by the tests: 2026-03-01 00:00 → 2026-03-03 00:00 UTC, "now" 2026-03-03 00:30.

ana (site-1)  states: break 02-28 23:30–03-01 00:30 (30 min inside the range),
              ready 08:00–09:00, on_call 09:00–09:10, acw 09:10–09:12, ready 09:12–12:00,
              (gap 12:00–13:00: not logged in), ready 13:00–13:10, acw 13:10–13:11,
              ready 13:11–13:20, acw 13:20–13:25, ready 13:25–14:00, logged_out 14:00–15:00
              → logged in 1800 + 4 h + 1 h = 19 800 s, of it 480 s in ACW
              wrap-ups: 09:10 ACW 120 talk 600 billing [billing] compliant
                        13:10 ACW  60 talk 300 support [billing, refund] not compliant, timed out
                        13:20 ACW 300 talk ? billing [] compliant, extended once
                        13:50 still open (no ACW yet: not counted)
                        02-27 ACW 999 (outside the range)
bo (site-1)   on_call 23:50–23:58, acw 23:58–00:02 (across midnight), ready 00:02–01:00
              → 600 s on 03-01, 3600 s on 03-02, 4200 s in all; ACW 120 s on each day
              wrap-up 23:58 ACW 240 talk 480 support [refund] compliant
cy (site-1)   no calls; ready 03-01 10:00–11:00 and 03-02 23:00–(still running, clipped
              at the range end 03-03 00:00) → 7200 s
dee (site-2)  on_call 09:50–10:00, acw 10:00–10:01:30, ready 10:01:30–11:00 on 03-02 → 4200 s
              wrap-up 10:00 ACW 90 talk 200 sales [sale] template t-sales compliant
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from acw_tui.store import Store

NOW = datetime(2026, 3, 3, 0, 30, tzinfo=UTC)
FROM, TO = "2026-03-01", "2026-03-02"  # --to is inclusive of its day

_serial = 0


def _id(prefix: str) -> str:
    global _serial
    _serial += 1
    return f"{prefix}-{_serial:04d}"


def _t(text: str) -> str:
    return text + ".000Z" if len(text) == 19 else text


def state(store: Store, agent: str, site: str, name: str, start: str, end: str | None) -> None:
    store.conn.execute(
        "INSERT INTO agent_states (id, agent_id, site_id, state, started_at, ended_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (_id("s"), agent, site, name, _t(start), end and _t(end), _t(start)),
    )


def wrapup(
    store: Store,
    agent: str,
    site: str,
    start: str,
    acw: float | None,
    *,
    talk: float | None = None,
    queue: str | None = None,
    codes: tuple[str, ...] = (),
    compliant: int = 1,
    timed_out: int = 0,
    extensions: int = 0,
    template: str | None = None,
    note: str = "",
) -> str:
    call_id, wrapup_id = _id("c"), _id("w")
    store.conn.execute(
        "INSERT INTO calls (id, external_id, agent_id, site_id, queue, started_at, ended_at, "
        "talk_seconds, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (call_id, call_id.upper(), agent, site, queue, _t(start), _t(start), talk, _t(start)),
    )
    extension_list = [{"at": _t(start), "reason": "long note", "seconds": 60}] * extensions
    store.conn.execute(
        "INSERT INTO wrapups (id, call_id, agent_id, site_id, status, started_at, acw_seconds, "
        "timed_out, extensions, codes, template_id, note, finished_at, compliant, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            wrapup_id, call_id, agent, site, "open" if acw is None else "done", _t(start), acw,
            timed_out, json.dumps(extension_list), json.dumps(list(codes)), template, note,
            None if acw is None else _t(start), None if acw is None else compliant, _t(start),
        ),
    )  # fmt: skip
    return wrapup_id


def usage(
    store: Store, wrapup_id: str, agent: str, site: str, abbr: str, expansion: str, at: str, *,
    used: int = 0, undone: int = 0, missed: int = 0, saved: int = 0,
) -> None:  # fmt: skip
    store.conn.execute(
        "INSERT INTO shorthand_usage (id, wrapup_id, agent_id, site_id, abbr, expansion, used, "
        "undone, missed, keystrokes_saved, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            _id("u"),
            wrapup_id,
            agent,
            site,
            abbr,
            expansion,
            used,
            undone,
            missed,
            saved,
            _t(at),
            _t(at),
        ),
    )


def seed(store: Store) -> None:
    """Fill `store` with the history described in the module docstring."""
    s1, s2 = "site-1", "site-2"
    state(store, "ana", s1, "break", "2026-02-28T23:30:00", "2026-03-01T00:30:00")
    state(store, "ana", s1, "ready", "2026-03-01T08:00:00", "2026-03-01T09:00:00")
    state(store, "ana", s1, "on_call", "2026-03-01T09:00:00", "2026-03-01T09:10:00")
    state(store, "ana", s1, "acw", "2026-03-01T09:10:00", "2026-03-01T09:12:00")
    state(store, "ana", s1, "ready", "2026-03-01T09:12:00", "2026-03-01T12:00:00")
    state(store, "ana", s1, "ready", "2026-03-01T13:00:00", "2026-03-01T13:10:00")
    state(store, "ana", s1, "acw", "2026-03-01T13:10:00", "2026-03-01T13:11:00")
    state(store, "ana", s1, "ready", "2026-03-01T13:11:00", "2026-03-01T13:20:00")
    state(store, "ana", s1, "acw", "2026-03-01T13:20:00", "2026-03-01T13:25:00")
    state(store, "ana", s1, "ready", "2026-03-01T13:25:00", "2026-03-01T14:00:00")
    state(store, "ana", s1, "logged_out", "2026-03-01T14:00:00", "2026-03-01T15:00:00")
    w1 = wrapup(
        store, "ana", s1, "2026-03-01T09:10:00", 120, talk=600, queue="billing", codes=("billing",)
    )
    w2 = wrapup(
        store, "ana", s1, "2026-03-01T13:10:00", 60, talk=300, queue="support",
        codes=("billing", "refund"), compliant=0, timed_out=1,
    )  # fmt: skip
    wrapup(store, "ana", s1, "2026-03-01T13:20:00", 300, queue="billing", extensions=1)
    wrapup(store, "ana", s1, "2026-03-01T13:50:00", None, talk=100, queue="billing")
    wrapup(store, "ana", s1, "2026-02-27T10:00:00", 999, talk=100, queue="billing", codes=("x",))

    state(store, "bo", s1, "on_call", "2026-03-01T23:50:00", "2026-03-01T23:58:00")
    state(store, "bo", s1, "acw", "2026-03-01T23:58:00", "2026-03-02T00:02:00")
    state(store, "bo", s1, "ready", "2026-03-02T00:02:00", "2026-03-02T01:00:00")
    w4 = wrapup(
        store, "bo", s1, "2026-03-01T23:58:00", 240, talk=480, queue="support", codes=("refund",)
    )

    state(store, "cy", s1, "ready", "2026-03-01T10:00:00", "2026-03-01T11:00:00")
    state(store, "cy", s1, "ready", "2026-03-02T23:00:00", None)

    state(store, "dee", s2, "on_call", "2026-03-02T09:50:00", "2026-03-02T10:00:00")
    state(store, "dee", s2, "acw", "2026-03-02T10:00:00", "2026-03-02T10:01:30")
    state(store, "dee", s2, "ready", "2026-03-02T10:01:30", "2026-03-02T11:00:00")
    w5 = wrapup(
        store, "dee", s2, "2026-03-02T10:00:00", 90, talk=200, queue="sales", codes=("sale",),
        template="t-sales",
    )  # fmt: skip

    usage(store, w1, "ana", s1, "cx", "customer", "2026-03-01T09:11:00", used=3, undone=1, saved=12)
    usage(store, w4, "bo", s1, "cx", "customer", "2026-03-01T23:59:00", used=1, missed=2, saved=6)
    usage(store, w2, "ana", s1, "cb", "callback", "2026-03-01T13:11:00", missed=1)
    usage(store, w5, "dee", s2, "cx", "customer", "2026-03-02T10:01:00", missed=1)
    usage(store, w1, "ana", s1, "cx", "customer", "2026-02-27T10:01:00", used=100, saved=600)
    store.conn.commit()
