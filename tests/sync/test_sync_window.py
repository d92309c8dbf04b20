"""Two batches in flight, against a hub that takes them in any order and fails at any
step: whatever the schedule, the run ends with the hub holding exactly the site's rows
and the site's outbox empty, and no batch is stored twice or out of turn.

The hub here is a model of the protocol (`hub_store.apply_batch`'s rules: a batch is
stored only if it builds on the site's mark, a key answers the same way twice), served
through httpx's mock transport from the site's two sending threads. Each request sleeps
a drawn while before it reaches the "store", so the second batch often gets there first;
drawn faults answer 503 before storing, or store and then lose the answer (503 after),
which the site retries under the same key; after the drawn steps the hub recovers. `ACW_SYNC_EXAMPLES` runs more.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acw_tui.core.ids import new_id
from acw_tui.store import open_store
from acw_tui.store.records import insert_record, update_record
from acw_tui.sync import site_state
from acw_tui.sync.client import HubClient, Syncer

EXAMPLES = int(os.environ.get("ACW_SYNC_EXAMPLES", "10")) * 2
SITE = "site-1"


class ModelHub:
    """The hub's batch rules, one site, with a drawn schedule of delays and faults."""

    def __init__(self, schedule: list[tuple[float, str]]) -> None:
        self.schedule = schedule
        self.turn = 0
        self.mark = 0
        self.rows: dict[str, int] = {}  # id -> rev
        self.answers: dict[str, tuple[str, dict[str, Any]]] = {}  # key -> (body, answer)
        self.stored: list[tuple[int, int]] = []  # (after, last) of each batch stored
        self.lock = threading.Lock()

    def _next(self) -> tuple[float, str]:
        """The drawn steps in turn, then delays only (the hub recovers)."""
        with self.lock:
            step = self.schedule[self.turn % len(self.schedule)]
            self.turn += 1
            return step if self.turn <= len(self.schedule) else (step[0], "ok")

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/mark"):
            return httpx.Response(200, json={"site": SITE, "mark": self.mark})
        if not request.url.path.endswith("/sync/batch"):
            return httpx.Response(200, json={})
        delay, fault = self._next()
        time.sleep(delay)
        if fault == "503-before":
            return httpx.Response(503, json={"detail": "busy"})
        key = request.headers["idempotency-key"]
        body = request.content.decode()
        batch = json.loads(body)
        with self.lock:  # the site's row lock: its batches are stored one at a time
            if key in self.answers:
                stored_body, answer = self.answers[key]
                assert stored_body == body, "a key was reused for other bytes"
            elif batch["after"] != self.mark:
                return httpx.Response(409, json={"detail": "not the mark", "mark": self.mark})
            else:
                for record in batch["records"]:
                    self.rows[record["id"]] = max(self.rows.get(record["id"], 0), record["rev"])
                last = batch["records"][-1]["seq"]
                self.stored.append((batch["after"], last))
                self.mark = last
                answer = {"mark": last, "records": len(batch["records"])}
                self.answers[key] = (body, answer)
        if fault == "503-after":  # stored, but the answer is lost on the way
            return httpx.Response(503, json={"detail": "lost"})
        return httpx.Response(200, json=answer)


schedules = st.lists(
    st.tuples(
        st.sampled_from([0.0, 0.0, 0.001, 0.003, 0.01]),
        st.sampled_from(["ok", "ok", "ok", "503-before", "503-after"]),
    ),
    min_size=1,
    max_size=10,
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    schedule=schedules,
    calls=st.integers(1, 40),
    edits=st.integers(0, 15),
    batch_records=st.integers(1, 7),
)
def test_any_order_and_any_fault_ends_with_the_hub_holding_every_row(
    schedule: list[tuple[float, str]], calls: int, edits: int, batch_records: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "acw.db")
        try:
            now = datetime.now(UTC)
            with store.transaction() as db:
                ids = []
                for n in range(calls):
                    row_id = new_id()
                    ids.append(row_id)
                    row = {
                        "id": row_id,
                        "external_id": f"C-{n}",
                        "agent_id": "ana",
                        "site_id": SITE,
                    }
                    insert_record(db, "calls", row, now)
                for n in range(edits):
                    update_record(db, "calls", ids[n % calls], {"queue": f"q{n}"}, now)
            hub = ModelHub(schedule)
            client = HubClient(
                "http://hub.invalid", "acw_x", retry_for=30, transport=httpx.MockTransport(hub)
            )
            summary = Syncer(store, client, batch_records=batch_records).run()
            client.close()
            site_rows = dict(store.conn.execute("SELECT id, rev FROM calls").fetchall())
            assert hub.rows == site_rows
            assert summary.resent_after_hub_loss == 0  # this hub never loses anything
            assert store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
            assert site_state.load_state(store).acked_seq == hub.mark == summary.mark
            # Stored in turn: each batch built on the one stored before it.
            assert all(a == b for (_, b), (a, _) in zip(hub.stored, hub.stored[1:], strict=False))
            assert hub.stored[0][0] == 0
        finally:
            store.close()
