"""Many sites syncing at once with colliding ids, replays and stale revisions.

Checked against an oracle: every record belongs to the site that first created it on
the hub, and no site's row or history ever holds another site's data. On PostgreSQL
two sites sending the same new id at the same moment once both got 200, the later
one replacing the earlier one's row, `site_id` included.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from acw_tui.sync.tables import synced_tables

from .conftest import HubProcess

SITES = 4
ROUNDS = 12
SHARED_IDS = 4


@dataclass
class Sender:
    name: str
    token: str
    mark: int = 0
    seq: int = 0
    sent: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)  # id -> rev -> row
    won: set[str] = field(default_factory=set)  # ids in a batch the hub acknowledged

    def row(self, row_id: str, rev: int) -> dict[str, Any]:
        columns = synced_tables()["calls"].column_names
        row: dict[str, Any] = dict.fromkeys(columns)
        row.update(
            id=row_id,
            rev=rev,
            site_id=self.name,
            agent_id=f"agent-of-{self.name}",
            queue=f"queue-of-{self.name}-rev-{rev}",
            external_id=f"C-{self.name}",
            updated_at="2026-05-04T10:00:00.000Z",
        )
        return row

    def batch(self, revisions: list[tuple[str, int]]) -> tuple[bytes, list[str]]:
        records = []
        for row_id, rev in revisions:
            self.seq += 1
            row = self.row(row_id, rev)
            records.append(
                {"seq": self.seq, "table": "calls", "id": row_id, "rev": rev, "row": row}
            )
        body = json.dumps({"after": self.mark, "records": records}).encode()
        return body, [row_id for row_id, _ in revisions]

    def send(self, http: httpx.Client, body: bytes, key: str) -> int:
        response = http.post(
            "/v1/sync/batch",
            content=body,
            headers={"authorization": f"Bearer {self.token}", "idempotency-key": key},
        )
        assert response.status_code in (200, 403, 409), response.text
        if response.status_code == 200:
            self.mark = response.json()["mark"]
            data = json.loads(body)
            for record in data["records"]:
                self.sent.setdefault(record["id"], {}).setdefault(record["rev"], record["row"])
                self.won.add(record["id"])
        else:
            self.seq = self.mark  # the batch was refused whole: build on the mark again
        return response.status_code


def _round(hub: HubProcess, senders: list[Sender], http: httpx.Client) -> None:
    shared = [str(uuid.uuid4()) for _ in range(SHARED_IDS)]
    barrier = threading.Barrier(len(senders))
    bodies: dict[str, tuple[bytes, str]] = {}

    def go(sender: Sender) -> None:
        body, _ = sender.batch([(str(uuid.uuid4()), 1), *[(row_id, 1) for row_id in shared]])
        key = uuid.uuid4().hex
        bodies[sender.name] = (body, key)
        barrier.wait()
        with httpx.Client(base_url=hub.url, timeout=30) as mine:
            sender.send(mine, body, key)

    threads = [threading.Thread(target=go, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for sender in senders:
        # A replay of the same key changes nothing.
        body, key = bodies[sender.name]
        before = sender.mark
        sender.send(http, body, key)
        assert sender.mark == before
        # Another site's record, as a newer revision: refused whole.
        others = sorted(row_id for other in senders if other is not sender for row_id in other.won)
        if others:
            steal, _ = sender.batch([(str(uuid.uuid4()), 1), (others[0], 99)])
            assert sender.send(http, steal, uuid.uuid4().hex) == 403
        # A stale revision of its own never wins over the newer one.
        if sender.won:
            row_id = sorted(sender.won)[0]
            newest = max(sender.sent[row_id])
            stale, _ = sender.batch([(row_id, newest + 1), (row_id, newest)])
            assert sender.send(http, stale, uuid.uuid4().hex) == 200
        own, _ = sender.batch([(str(uuid.uuid4()), 1)])
        assert sender.send(http, own, uuid.uuid4().hex) == 200


def _check_oracle(hub: HubProcess, senders: list[Sender]) -> None:
    owners: dict[str, str] = {}
    for sender in senders:
        for row_id in sender.won:
            assert owners.setdefault(row_id, sender.name) == sender.name, (
                f"{row_id} acknowledged to {owners[row_id]} and to {sender.name}"
            )
    by_name = {s.name: s for s in senders}
    names = set(by_name)
    with hub.store.db.reading() as tx:
        rows = tx.all("SELECT id, site_id, rev, queue, agent_id FROM calls")
        history = tx.all(
            "SELECT id, rev, site_id, payload FROM hub_history WHERE table_name = 'calls'"
        )
    mine = [r for r in rows if r[1] in names]
    assert {r[0] for r in mine} == set(owners)
    for row_id, site_id, rev, queue, agent in mine:
        owner = by_name[owners[row_id]]
        assert site_id == owner.name
        assert rev == max(owner.sent[row_id])
        assert (queue, agent) == (f"queue-of-{owner.name}-rev-{rev}", f"agent-of-{owner.name}")
    for row_id, rev, site_id, payload in history:
        if row_id not in owners and site_id not in names:
            continue
        owner = by_name[owners[row_id]]
        assert site_id == owner.name
        assert json.loads(payload) == owner.sent[row_id][rev]


def test_sites_colliding_on_ids_never_touch_each_others_records(hub: HubProcess) -> None:
    senders = []
    for _ in range(SITES):
        name = f"site-{uuid.uuid4().hex[:8]}"
        senders.append(Sender(name, hub.store.add("site", name)))
    with httpx.Client(base_url=hub.url, timeout=30) as http:
        for _ in range(ROUNDS):
            _round(hub, senders, http)
            _check_oracle(hub, senders)
    assert all(s.won for s in senders)
