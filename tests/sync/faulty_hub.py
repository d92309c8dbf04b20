"""The hub with faults a test arms while it runs: `python -m tests.sync.faulty_hub`.

It serves the app `acw hub serve` serves, under uvicorn, with a `HubObserver` and an
ASGI layer around it that fire faults armed per site by `POST /_faults` with
`{"site": …, "fault": …, "count": 1, "seconds": 5}` (`count` firings, 0 disarms):

- `unavailable`         503 to the site's mark and batch requests
- `die-mid-batch`       exit inside the batch's transaction, before it commits
- `die-after-commit`    exit once the batch committed, before the answer
- `stall-after-commit`  wait `seconds` once the batch committed, then answer
- `bad-checksum`        one file of a release the site downloads altered in transit
- `cut-download`        a release the site downloads cut off half-way

Exiting is `os._exit(70)`: no cleanup and no answer, as a kill -9 or a power cut.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn
from starlette.concurrency import run_in_threadpool

from acw_tui.sync.hub_app import HubObserver, create_app
from acw_tui.sync.hub_db import PoolLimits
from acw_tui.sync.hub_store import HubStore
from acw_tui.sync.protocol import API, MAX_BODY_BYTES, problem

ARM_PATH = "/_faults"
DIED = 70

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class Faults:
    """The faults armed per site, each firing `count` times."""

    def __init__(self) -> None:
        self._armed: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def arm(self, site: str, fault: str, spec: dict[str, Any]) -> None:
        with self._lock:
            if spec.get("count", 1) <= 0:
                self._armed.pop((site, fault), None)
            else:
                self._armed[(site, fault)] = dict(spec)

    def any(self) -> bool:
        return bool(self._armed)

    def take(self, site: str, fault: str) -> dict[str, Any] | None:
        """The fault's spec if it fires now (one firing less to go)."""
        with self._lock:
            spec = self._armed.get((site, fault))
            if spec is None:
                return None
            spec["count"] = spec.get("count", 1) - 1
            if spec["count"] <= 0:
                del self._armed[(site, fault)]
            return spec


class FaultyCommits(HubObserver):
    """Dies or stalls around a batch's commit when armed."""

    def __init__(self, faults: Faults) -> None:
        self.faults = faults

    def batch_committing(self, site: str, mark: int, records: int) -> None:
        if self.faults.take(site, "die-mid-batch"):
            os._exit(DIED)

    def batch_committed(self, site: str, mark: int, records: int) -> None:
        if self.faults.take(site, "die-after-commit"):
            os._exit(DIED)
        stall = self.faults.take(site, "stall-after-commit")
        if stall:
            time.sleep(float(stall.get("seconds", 5)))


async def _answer(send: Send, status: int, data: dict[str, Any]) -> None:
    body = json.dumps(data).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _spoiling(send: Send, faults: Faults, site: str) -> Send:
    """A `send` that alters or cuts a release answered 200, when armed."""
    start: Message = {}
    chunks: list[bytes] = []

    async def spoiled(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
            return
        if message["type"] != "http.response.body" or not start:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body"):
            return
        data = b"".join(chunks)
        if start["status"] == 200 and faults.take(site, "bad-checksum"):
            bundle = json.loads(data)
            name = sorted(bundle["files"])[0]
            bundle["files"][name] += "\n# altered in transit\n"
            data = json.dumps(bundle, ensure_ascii=False).encode("utf-8")
        cut = start["status"] == 200 and faults.take(site, "cut-download") is not None
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(data)).encode()))
        await send({**start, "headers": headers})
        if cut:
            await send(
                {"type": "http.response.body", "body": data[: len(data) // 2], "more_body": True}
            )
            raise ConnectionResetError("download cut (armed by the test)")
        await send({"type": "http.response.body", "body": data})

    return spoiled


class FaultyRequests:
    """Answers 503 or spoils downloads for an armed site; takes the arming requests."""

    def __init__(self, app: App, store: HubStore, faults: Faults) -> None:
        self.app = app
        self.store = store
        self.faults = faults

    async def _site(self, scope: Scope) -> str | None:
        headers = dict(scope["headers"])
        scheme, _, token = headers.get(b"authorization", b"").decode().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        who = await run_in_threadpool(self.store.identify, token.strip())
        return who.name if who is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        if path == ARM_PATH and method == "POST":
            spec = json.loads(await _read(receive))
            self.faults.arm(spec.pop("site"), spec.pop("fault"), spec)
            await _answer(send, 200, {"armed": True})
            return
        site = await self._site(scope) if self.faults.any() else None
        if site is not None:
            if path in (f"{API}/sync/mark", f"{API}/sync/batch") and self.faults.take(
                site, "unavailable"
            ):
                await _answer(send, 503, problem("hub unavailable (armed by the test)"))
                return
            if method == "GET" and path.startswith(f"{API}/content/") and path.count("/") == 4:
                send = _spoiling(send, self.faults, site)
        await self.app(scope, receive, send)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.sync.faulty_hub")
    parser.add_argument("--db", required=True, help="the hub store's URL")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-body", type=int, default=MAX_BODY_BYTES)
    parser.add_argument("--pool-size", type=int, default=PoolLimits.size)
    parser.add_argument("--pool-idle", type=float, default=PoolLimits.idle_seconds)
    parser.add_argument("--pool-wait", type=float, default=PoolLimits.wait_seconds)
    args = parser.parse_args(argv)
    pool = PoolLimits(args.pool_size, args.pool_idle, args.pool_wait)
    store = HubStore(args.db)
    store.init()  # as `acw hub serve` does
    store.db.close()
    faults = Faults()
    app = create_app(args.db, max_body=args.max_body, observer=FaultyCommits(faults), pool=pool)
    served = FaultyRequests(app, app.state.store, faults)
    uvicorn.run(served, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
