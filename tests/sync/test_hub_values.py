"""The hub takes from a site only what the site's own store would hold, column by column.

A wrap-up whose `codes` was not JSON once made every report over the hub fail, for every
site ("malformed JSON"), and one whose `started_at` was "yesterday" showed up in every
date range: a site's token (stolen, or a tool gone wrong) reached every site's figures.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acw_tui.store import open_store
from acw_tui.store.demo import generate_demo
from acw_tui.sync import site_state
from acw_tui.sync.column_rules import column_rules, row_rules_problem
from acw_tui.sync.tables import synced_tables
from acw_tui.sync.wire import Invalid, _usual_batch, entry_problem, parse_each_record

from .conftest import Site

AT = "2026-11-28T10:00:00.000Z"


def good_rows(site: str) -> dict[str, dict[str, Any]]:
    """One row of each synced table as the site's store writes it."""
    common = {"agent_id": "ana", "site_id": site, "rev": 1, "updated_at": AT}
    rows = {
        "calls": {"external_id": "C-1", "started_at": AT, "talk_seconds": 60.0},
        "wrapups": {
            "call_id": "c1",
            "status": "done",
            "started_at": AT,
            "ended_at": AT,
            "acw_seconds": 60.0,
            "timed_out": 0,
            "extensions": json.dumps([{"at": AT, "reason": "long note", "seconds": 60}]),
            "codes": '["resolved"]',
            "fields": '{"reason": "Billing", "amount": 12.5, "callback": true}',
            "quality_failed": "[]",
        },
        "agent_states": {"state": "acw", "started_at": AT},
        "shorthand_usage": {
            "wrapup_id": "w1",
            "abbr": "cx",
            "expansion": "customer",
            "created_at": AT,
        },
        "redaction_audit": {
            "wrapup_id": "w1",
            "type": "card",
            "action": "masked",
            "position": 3,
            "policy_version": 1,
            "created_at": AT,
        },
        "followups": {"wrapup_id": "w1", "due_at": AT, "owner": "ana"},
    }
    return {table: {"id": str(uuid.uuid4()), **common, **row} for table, row in rows.items()}


def _body(table: str, row: dict[str, Any]) -> bytes:
    record = {"seq": 1, "table": table, "id": row["id"], "rev": row["rev"], "row": row}
    return json.dumps({"after": 0, "records": [record]}).encode()


BAD = [
    ("wrapups", "extensions", "oops", "column extensions is not JSON"),
    ("wrapups", "codes", "not json", "column codes is not JSON"),
    ("wrapups", "codes", '{"a": 1}', "column codes must be a JSON list"),
    ("wrapups", "codes", "[NaN]", "column codes is not JSON"),
    ("wrapups", "fields", "[]", "column fields must be a JSON object"),
    ("wrapups", "extensions", '[{"at": "soon", "reason": "r", "seconds": 1}]', "extensions"),
    ("wrapups", "started_at", "yesterday", "column started_at is 'yesterday', not a UTC time"),
    ("wrapups", "ended_at", "2026-11-28 10:00:00", "not a UTC time"),
    ("wrapups", "started_at", "2026-11-28T10:00:00+02:00", "not a UTC time"),
    ("wrapups", "started_at", f"{AT}\n", "not a UTC time"),  # (`$` passes a line break)
    (
        "wrapups",
        "extensions",
        json.dumps([{"at": f"{AT}\n", "reason": "r", "seconds": 1}]),
        "extensions",
    ),
    ("wrapups", "status", "hacked", "column status is 'hacked', not one of open, done"),
    ("wrapups", "acw_seconds", -1e15, "column acw_seconds is -1000000000000000.0, not between"),
    ("wrapups", "acw_seconds", 1e300, "not between"),
    ("wrapups", "timed_out", 2, "column timed_out is neither 0 nor 1"),
    ("wrapups", "compliant", -1, "column compliant is neither 0 nor 1"),
    ("wrapups", "keys_pressed", -5, "column keys_pressed is -5, not at least 0"),
    ("calls", "talk_seconds", -1, "column talk_seconds is -1, not between"),
    ("calls", "direction", "sideways", "column direction is 'sideways', not one of"),
    ("calls", "updated_at", "0", "column updated_at is '0', not a UTC time"),
    ("agent_states", "state", "napping", "column state is 'napping', not one of"),
    ("redaction_audit", "action", "kept", "column action is 'kept', not one of"),
    ("shorthand_usage", "used", -1, "column used is -1, not at least 0"),
    ("followups", "due_at", "tomorrow", "column due_at is 'tomorrow', not a UTC time"),
]


@pytest.mark.parametrize(("table", "column", "value", "reason"), BAD)
def test_a_value_the_site_never_writes_is_refused_naming_record_and_column(
    site: Site, table: str, column: str, value: object, reason: str
) -> None:
    row = {**good_rows(site.name)[table], column: value}
    response = httpx.post(
        f"{site.hub.url}/v1/sync/batch",
        content=_body(table, row),
        headers={
            "authorization": f"Bearer {site.token}",
            "idempotency-key": uuid.uuid4().hex,
            "content-type": "application/json",
        },
        timeout=30,
    )
    assert response.status_code == 422, response.text
    refused = response.json()["records"]
    assert [(r["table"], r["id"]) for r in refused] == [(table, row["id"])]
    assert reason in refused[0]["reason"], refused[0]["reason"]
    assert site.hub.store.mark(site.name) == 0
    assert site.hub.store.current(site.name)[table] == {}


def test_rows_as_the_site_writes_them_are_taken(site: Site) -> None:
    for table, row in good_rows(site.name).items():
        assert row_rules_problem(table, row) is None
        assert _usual_batch(_body(table, row)) is not None, table


def test_every_row_of_a_demo_store_passes(tmp_path: Path) -> None:
    """Rows the site's own code writes are never refused (nor set aside)."""
    store = open_store(tmp_path / "demo.db")
    generate_demo(store, calls=300, agents=3, days=3, seed=11, site_id="demo-site")
    entries = site_state.read_entries(store, 0, 100_000, 1 << 40)
    tables = {e.table for e in entries}
    assert tables == {"calls", "wrapups", "agent_states", "shorthand_usage", "followups"}
    for entry in entries:
        why = entry_problem(entry.table, entry.row_id, entry.rev, entry.payload, "demo-site")
        assert why is None, (entry.table, entry.payload, why)
    store.close()


# -- one verdict, whichever way the hub reads a batch ------------------------------------

_TEXTS = st.sampled_from(
    [
        AT,
        "2026-11-28T10:00:00Z",
        "2026-11-28T10:00:00.123456Z",
        "2026-13-28T10:00:00Z",
        "2026-11-28T24:00:00Z",
        "2026-11-28T10:00:00.000+00:00",
        "2026-11-28t10:00:00Z",
        "२०२६-11-28T10:00:00Z",
        f"{AT}\n",
        "yesterday",
        "",
        "done",
        "open",
        "acw",
        "masked",
        "inbound",
        "caller",
        "[]",
        "{}",
        '["a"]',
        "[1]",
        '[""]',
        '{"a": [1, "b", null]}',
        '{"a": {"b": 1}}',
        "[NaN]",
        '{"a": Infinity}',
        "not json",
        "[" * 5000,
        json.dumps([{"at": AT, "reason": "r", "seconds": 30}]),
        json.dumps([{"at": AT, "reason": "r", "seconds": -1}]),
        json.dumps([{"at": AT, "reason": 1, "seconds": 1}]),
    ]
)
_VALUES = st.one_of(
    _TEXTS,
    st.text(max_size=8),
    st.integers(-3, 3),
    st.sampled_from([2**62, -(2**62), 10**9, 10**9 + 1, 100, 101]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1.0, 100.0, 100.5, 1e9, 1e9 + 1, -0.5]),
    st.booleans(),
    st.none(),
)


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    table = draw(st.sampled_from(sorted(synced_tables())))
    row = good_rows("s1")[table]
    names = sorted(set(synced_tables()[table].column_names) - {"id", "rev", "site_id"})
    for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3)):
        row[name] = draw(_VALUES)
    return table, row


@given(_mutated())
@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_quick_check_never_takes_what_the_full_check_refuses(
    mutated: tuple[str, dict[str, Any]],
) -> None:
    table, row = mutated
    body = _body(table, row)
    usual = _usual_batch(body)
    try:
        _, records = parse_each_record(body)
    except Invalid:
        assert usual is None, (table, row)
        return
    for record in records:  # whatever is taken keeps every column rule
        assert row_rules_problem(record.table, record.row) is None
    if usual is not None:
        assert usual[1] == records


def test_every_rule_names_a_column_of_its_table() -> None:
    for table, rules in column_rules().items():
        assert set(rules) <= set(synced_tables()[table].column_names), table
