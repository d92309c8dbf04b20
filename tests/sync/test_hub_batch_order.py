"""A site's second batch, reaching the store before the one it builds on, waits for it
in the hub process instead of being refused (`site_batches`)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from acw_tui.core.ids import new_id
from acw_tui.store import Store
from acw_tui.store.records import insert_record
from acw_tui.sync import hub_app, site_state
from acw_tui.sync.hub_store import HubStore, Refused
from acw_tui.sync.protocol import batch_body
from acw_tui.sync.site_batches import SiteBatches

SITE = "site-1"


def _two_batches(store: Store) -> tuple[bytes, bytes, int]:
    with store.transaction() as db:
        for n in range(20):
            row = {"id": new_id(), "external_id": f"C-{n}", "agent_id": "ana", "site_id": SITE}
            insert_record(db, "calls", row, datetime.now(UTC))
    entries = site_state.read_entries(store, 0, 20, 1 << 20)
    first, second = entries[:10], entries[10:]
    return batch_body(0, first), batch_body(first[-1].seq, second), second[-1].seq


def _slow_first_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first batch is read slowly (a big batch), so the second reaches the store first."""
    parse = hub_app.parse_batch

    def parse_batch(body: bytes) -> Any:
        parsed = parse(body)
        if parsed[0] == 0:
            time.sleep(0.4)
        return parsed

    monkeypatch.setattr(hub_app, "parse_batch", parse_batch)


def _send_both(
    hub: HubStore, batches: SiteBatches, token: str, first: bytes, second: bytes
) -> dict:
    outcome: dict[str, Any] = {}

    def send(name: str, body: bytes) -> None:
        try:
            outcome[name] = hub_app._apply(hub, batches, token, name, body, None)
        except Refused as exc:
            outcome[name] = exc

    threads = [threading.Thread(target=send, args=("first", first))]
    threads[0].start()
    time.sleep(0.1)  # the second arrives while the first is being read
    threads.append(threading.Thread(target=send, args=("second", second)))
    threads[1].start()
    for thread in threads:
        thread.join(10)
    return outcome


def test_a_batch_ahead_of_the_mark_waits_for_the_one_before_it(
    fresh_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, last = _two_batches(fresh_store)
    hub = HubStore(f"sqlite:///{tmp_path / 'hub.db'}")
    hub.init()
    token = hub.add("site", SITE)
    _slow_first_parse(monkeypatch)
    outcome = _send_both(hub, SiteBatches(), token, first, second)
    assert not isinstance(outcome["second"], Refused), outcome["second"]
    assert outcome["second"][1] == {"mark": last, "records": 10}
    assert hub.mark(SITE) == last
    hub.db.close()


def test_a_batch_ahead_of_a_batch_that_fails_is_still_refused(
    fresh_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wait is for the store's verdict, not instead of it: the first batch is
    refused (its key was used for other bytes), so the second is a 409."""
    first, second, _ = _two_batches(fresh_store)
    hub = HubStore(f"sqlite:///{tmp_path / 'hub.db'}")
    hub.init()
    token = hub.add("site", SITE)
    with hub.db.transaction() as tx:  # "first" was used before, for other bytes
        tx.execute(
            "INSERT INTO hub_batches (site_id, idem_key, body_hash, answer, received_at) "
            "VALUES (?, 'first', 'other', '{}', '')",
            [SITE],
        )
    _slow_first_parse(monkeypatch)
    outcome = _send_both(hub, SiteBatches(), token, first, second)
    assert isinstance(outcome["first"], Refused) and outcome["first"].status == 422
    assert isinstance(outcome["second"], Refused) and outcome["second"].status == 409
    assert hub.mark(SITE) == 0
    hub.db.close()
