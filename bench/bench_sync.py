"""sync_shift: a demo history's whole outbox over loopback HTTP (SPEC §11: ≥ 0.5× rate).

acw: `acw sync --hub URL --token T` as a site admin runs it, a new process over a copy
of an `acw demo` store (every record kind it queues: calls, wrap-ups, agent states,
follow-ups, shorthand usage, redaction audit; nothing removed), to `acw hub serve` on
127.0.0.1 (both SQLite). Timed from the command's start to its exit. Floor: the hub
store's own bulk upsert of the same records (current state and history) in one
transaction, records already in memory, into a fresh hub file. The rate is records per
second; the budget line is at 100 000 calls, from three rounds that alternate which
side goes first, as the ratio of the median times (--quick: one round of 10 000 calls,
to stay under two minutes). The curve: 1 000, 10 000 and 100 000 calls (the smaller
sizes once each).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import Curve, Result, record_curve
from bench.demo_cache import demo_store
from bench.home import SITE, acw_command, make_home

BUDGET = 0.5
# One sync of 100 000 calls and one bulk upsert are each a single long sample, and this
# machine's speed drifts by a fifth within minutes: the budget's size is timed in
# rounds, each side first in turn, and the medians compared.
ROUNDS = 3


def outbox_kinds(store: Path) -> dict[str, int]:
    conn = sqlite3.connect(store)
    try:
        return dict(
            conn.execute("SELECT table_name, COUNT(*) FROM outbox GROUP BY table_name").fetchall()
        )
    finally:
        conn.close()


def hub_kinds(hub_db: Path) -> dict[str, int]:
    conn = sqlite3.connect(hub_db)
    try:
        return dict(
            conn.execute(
                "SELECT table_name, COUNT(*) FROM hub_history GROUP BY table_name"
            ).fetchall()
        )
    finally:
        conn.close()


def floor_seconds(folder: Path, site_db: Path) -> float:
    from acw_tui.sync.hub_store import HubStore, now_text
    from acw_tui.sync.protocol import Record

    conn = sqlite3.connect(site_db)
    records = [
        Record(seq, table, row_id, rev, json.loads(payload))
        for seq, table, row_id, rev, payload in conn.execute(
            "SELECT seq, table_name, row_id, rev, payload FROM outbox ORDER BY seq"
        )
    ]
    conn.close()
    hub = HubStore(f"sqlite:///{folder / 'floor-hub.db'}")
    hub.init()
    started = time.perf_counter()
    with hub.db.transaction() as tx:
        hub.upsert(tx, records, now_text())
    elapsed = time.perf_counter() - started
    hub.db.close()
    return elapsed


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sync_over_http(folder: Path, env: dict[str, str]) -> tuple[float, Path]:
    """Seconds `acw sync` takes to send the site's outbox to a hub on loopback."""
    import httpx

    hub_db = folder / "hub.db"
    url = f"sqlite:///{hub_db}"
    run = {"env": env, "check": True, "capture_output": True, "text": True}
    subprocess.run(acw_command("hub", "init", "--db", url), **run)  # type: ignore[call-overload]
    added = subprocess.run(acw_command("hub", "site", "add", SITE, "--db", url), **run)  # type: ignore[call-overload]
    token = added.stdout.strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen(
        acw_command("hub", "serve", "--db", url, "--port", str(port)),
        env=env,
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
        started = time.perf_counter()
        subprocess.run(
            acw_command("sync", "--hub", f"http://127.0.0.1:{port}", "--token", token, "--quiet"),
            **run,  # type: ignore[call-overload]
        )
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait()
    return elapsed, hub_db


def one_size(root: Path, calls: int, rounds: int = 1) -> dict:
    """Sync `calls` calls' outbox `rounds` times, each with a fresh site copy and hub,
    and time the floor beside each; acw goes first in every other round."""
    store = demo_store(calls, agents=16, days=30)
    acw: list[float] = []
    floor: list[float] = []
    for n in range(rounds):
        folder = root / f"sync-{calls}-{n}"
        folder.mkdir()
        env = make_home(folder / "home", store=store)
        site_db = folder / "home" / "acw.db"
        queued = outbox_kinds(site_db)
        shutil.copy(site_db, folder / "floor-site.db")
        if n % 2:
            elapsed, hub_db = sync_over_http(folder, env)
            floor.append(floor_seconds(folder, folder / "floor-site.db"))
        else:
            floor.append(floor_seconds(folder, folder / "floor-site.db"))
            elapsed, hub_db = sync_over_http(folder, env)
        acw.append(elapsed)
        received, left = hub_kinds(hub_db), sum(outbox_kinds(site_db).values())
        assert received == queued and left == 0, (calls, n, queued, received, left)
        shutil.rmtree(folder)  # a 100 000-call round leaves about 2 GB of files
    return {
        "calls": calls,
        "records": sum(queued.values()),
        "queued": queued,
        "received": received,
        "left": left,
        "acw": statistics.median(acw),
        "floor": statistics.median(floor),
        "acw_runs": acw,
        "floor_runs": floor,
    }


def run(quick: bool) -> list[Result]:
    sizes = (1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    rounds = 1 if quick else ROUNDS
    with tempfile.TemporaryDirectory(prefix="acw-bench-sync-") as tmp:
        found = [one_size(Path(tmp), calls, rounds if calls == sizes[-1] else 1) for calls in sizes]
    curve = record_curve(Curve("sync rate", "records/s", "calls", higher_is_better=True))
    detail = []
    for f in found:
        curve.points.append((f["calls"], f["records"] / f["acw"]))
        median = " (medians)" if len(f["acw_runs"]) > 1 else ""
        detail.append(
            f"{f['calls']:>7} calls, {f['records']:>7} records: acw sync {f['acw']:6.2f} s "
            f"= {f['records'] / f['acw']:>7,.0f}/s; hub bulk upsert {f['floor']:6.2f} s "
            f"= {f['records'] / f['floor']:>7,.0f}/s{median}"
        )
    last = found[-1]
    if rounds > 1:
        pairs = zip(last["acw_runs"], last["floor_runs"], strict=True)
        detail.append(
            f"{rounds} rounds at {last['calls']} calls, acw / floor s (ratio): "
            + ", ".join(f"{a:.2f} / {f:.2f} ({f / a:.3f})" for a, f in pairs)
        )
    detail.append("record kinds sent: " + ", ".join(f"{k} {v}" for k, v in last["queued"].items()))
    return [Result("sync_shift", last["floor"] / last["acw"], BUDGET, at_least=True, detail=detail)]
