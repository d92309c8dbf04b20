"""A batch whose every row the hub wrote holds no id of another site's: the hub looks
ids up again only when some row was left alone (on both backends)."""

from __future__ import annotations

from typing import Any

import pytest

from acw_tui.sync.hub_store import HubStore, Refused
from acw_tui.sync.protocol import Record
from acw_tui.sync.tables import synced_tables

from .conftest import HubProcess


def _call(site: str, row_id: str, rev: int) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(synced_tables()["calls"].column_names)
    row.update(
        id=row_id,
        rev=rev,
        site_id=site,
        agent_id="ana",
        external_id=f"C-{row_id}",
        updated_at="2026-05-04T10:00:00.000Z",
    )
    return row


def _apply(store: HubStore, site: str, key: str, after: int, calls: list[tuple[str, int]]) -> Any:
    records = [
        Record(after + n, "calls", row_id, rev, _call(site, row_id, rev))
        for n, (row_id, rev) in enumerate(calls, start=1)
    ]
    return store.apply_batch(site, key, key, after, records)


def test_ids_are_looked_up_again_only_when_a_row_was_left_alone(
    own_hub: HubProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = own_hub.store
    store.add("site", "site-a")
    store.add("site", "site-b")
    looked: list[str] = []
    lookup = HubStore._refuse_foreign

    def counted(self: HubStore, tx: Any, site: str, records: list[Record]) -> None:
        looked.append(site)
        lookup(self, tx, site, records)

    monkeypatch.setattr(HubStore, "_refuse_foreign", counted)

    answer, _ = _apply(store, "site-a", "k1", 0, [("c-1", 1), ("c-2", 1), ("c-1", 2)])
    assert answer == {"mark": 3, "records": 3} and looked == []

    # A revision the hub has already is left alone: the ids are looked up, none is foreign.
    answer, _ = _apply(store, "site-a", "k2", 3, [("c-2", 1), ("c-3", 1)])
    assert answer == {"mark": 5, "records": 2} and looked == ["site-a"]

    # Site b sends an id site a holds: left alone, looked up, and the batch is undone.
    with pytest.raises(Refused) as refused:
        _apply(store, "site-b", "k3", 0, [("c-9", 1), ("c-2", 5)])
    assert refused.value.status == 403 and looked == ["site-a", "site-b"]
    assert store.mark("site-b") == 0
    assert store.current("site-b")["calls"] == {}
    assert store.current("site-a")["calls"] == {"c-1": 2, "c-2": 1, "c-3": 1}
