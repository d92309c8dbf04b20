"""Syncing wrap-ups over loopback HTTP vs the hub's own bulk upsert of the same rows.

Floor: the hub store's bulk write (current state + history) of every wrap-up in one
transaction, rows already in memory. acw: `acw sync`'s engine in its own process,
sending the outbox in batches of 200 to `acw hub serve` on 127.0.0.1 (both SQLite,
same pragmas), including reading the outbox, JSON, HTTP, the per-batch transactions
and dropping acknowledged rows. Budget: at least 0.33 × the floor's rate.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Result

SITE = "bench-site"

CLIENT = """
import json, sys, time
from acw_tui.store import open_store
from acw_tui.sync.client import HubClient, Syncer
store = open_store(sys.argv[1])
client = HubClient(sys.argv[2], sys.argv[3], retry_for=30)
started = time.perf_counter()
summary = Syncer(store, client).run()
elapsed = time.perf_counter() - started
print(json.dumps({"seconds": elapsed, "sent": summary.sent, "batches": summary.batches,
                  "peak_kib": next(int(line.split()[1]) for line in open("/proc/self/status")
                                   if line.startswith("VmHWM:"))}))
"""


def _site_store(folder: Path, wrapups: int) -> Path:
    from acw_tui.store import open_store
    from acw_tui.store.demo import generate_demo

    path = folder / "site.db"
    store = open_store(path)
    generate_demo(
        store,
        calls=wrapups,
        agents=16,
        days=max(1, wrapups // 2000),
        seed=11,
        site_id=SITE,
        end=datetime(2026, 5, 1, tzinfo=UTC),
    )
    with store.transaction() as db:
        db.execute("DELETE FROM outbox WHERE table_name <> 'wrapups'")
    store.close()
    return path


def _floor(folder: Path, site_db: Path, repeat: int) -> float:
    import sqlite3

    from acw_tui.sync.hub_store import HubStore, Record, now_text

    conn = sqlite3.connect(site_db)
    records = [
        Record(seq, table, row_id, rev, json.loads(payload))
        for seq, table, row_id, rev, payload in conn.execute(
            "SELECT seq, table_name, row_id, rev, payload FROM outbox ORDER BY seq"
        )
    ]
    conn.close()
    timings = []
    for attempt in range(repeat):
        hub = HubStore(f"sqlite:///{folder / f'floor-hub-{attempt}.db'}")
        hub.init()
        started = time.perf_counter()
        with hub.db.transaction() as tx:
            hub.upsert(tx, records, now_text())
        timings.append(time.perf_counter() - started)
        hub.db.close()
    return statistics.median(timings)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _peak_kib(pid: int) -> int:
    # VmHWM, not ru_maxrss: a child's ru_maxrss starts at its parent's size at fork.
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _over_http(folder: Path, site_db: Path) -> tuple[dict, int]:
    import httpx

    from acw_tui.sync.hub_store import HubStore

    url = f"sqlite:///{folder / 'hub.db'}"
    hub = HubStore(url)
    hub.init()
    token = hub.add("site", SITE)
    hub.db.close()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "acw_tui", "hub", "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError("hub did not start") from None
                time.sleep(0.05)
        out = subprocess.run(
            [sys.executable, "-c", CLIENT, str(site_db), f"http://127.0.0.1:{port}", token],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "ACW_HOME": str(folder / "home")},
        ).stdout
        hub_peak = _peak_kib(server.pid)
    finally:
        server.terminate()
        server.wait()
    return json.loads(out.strip().splitlines()[-1]), hub_peak


def run(quick: bool) -> list[Result]:
    wrapups = 10_000 if quick else 100_000
    with tempfile.TemporaryDirectory(prefix="acw-bench-sync-") as tmp:
        folder = Path(tmp)
        site_db = _site_store(folder, wrapups)
        floor = _floor(folder, site_db, 3 if quick else 1)
        synced, hub_peak = _over_http(folder, site_db)
    assert synced["sent"] == wrapups, synced
    floor_rate = wrapups / floor
    sync_rate = wrapups / synced["seconds"]
    return [
        Result(
            "sync_100k_wrapups" if not quick else "sync_10k_wrapups",
            sync_rate / floor_rate,
            0.33,
            at_least=True,
            detail=[
                f"{wrapups} wrap-ups; floor (hub bulk upsert, one transaction, median): "
                f"{floor:.2f} s = {floor_rate:,.0f} rows/s",
                f"acw sync over loopback HTTP: {synced['seconds']:.2f} s = {sync_rate:,.0f} rows/s "
                f"in {synced['batches']} batches",
                f"peak memory: site process {synced['peak_kib'] / 1024:.0f} MiB, "
                f"hub process {hub_peak / 1024:.0f} MiB",
            ],
        )
    ]
