"""The hub's web app (FastAPI): sync batches up, guides and templates down.

It keeps no state between requests (everything lives in the hub store), so several
processes can serve one PostgreSQL database behind a load balancer.

Endpoints (all under /v1, bearer token required except /v1/health):

- `GET  /v1/sync/mark`              the site's acknowledged high-water mark
- `POST /v1/sync/batch`             one batch (header `Idempotency-Key`)
- `GET  /v1/content`                newest release of each bundle kind
- `GET  /v1/content/{kind}/{n}`     one release with its files and checksum
- `POST /v1/content/{kind}`         publish a release (lead token)

With `ACW_HUB_TEST_FAULTS=1` in its environment the hub also accepts
`POST /_test/fault`, which arms a fault for one site: the test suite uses it to kill the
hub mid-batch or after a commit, to answer 503 for a while, to stall, or to spoil a
download. It is never enabled otherwise.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from acw_tui.sync import HubError
from acw_tui.sync.hub_store import HubStore, Identity, Record, Refused
from acw_tui.sync.protocol import (
    API,
    CONTENT_KINDS,
    MAX_BATCH_RECORDS,
    MAX_BODY_BYTES,
    body_hash,
    bundle_checksum,
    check_file_name,
    problem,
)

FAULTS_ENV = "ACW_HUB_TEST_FAULTS"


class Faults:
    """Test-only fault injection, armed per site through `/_test/fault`."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._armed: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def arm(self, site: str, name: str, spec: dict[str, Any]) -> None:
        with self._lock:
            if spec.get("count", 1) <= 0:
                self._armed.pop((site, name), None)  # count 0 disarms
            else:
                self._armed[(site, name)] = dict(spec)

    def take(self, site: str, name: str) -> dict[str, Any] | None:
        """The armed fault if it fires now (counts down `count`, default once)."""
        if not self.enabled:
            return None
        with self._lock:
            spec = self._armed.get((site, name))
            if spec is None:
                return None
            spec["count"] = spec.get("count", 1) - 1
            if spec["count"] <= 0:
                del self._armed[(site, name)]
            return spec


def _die() -> None:
    # Exit at once, as a power cut or a kill -9 would: no cleanup, no answer.
    os._exit(70)


def create_app(db_url: str, *, max_body: int = MAX_BODY_BYTES) -> FastAPI:
    store = HubStore(db_url)
    faults = Faults(os.environ.get(FAULTS_ENV) == "1")
    app = FastAPI(title="acw hub", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.store = store

    def refused(exc: Refused) -> JSONResponse:
        return JSONResponse(problem(exc.detail, **exc.extra), status_code=exc.status)

    async def identify(request: Request, role: str) -> Identity:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Refused(401, "no bearer token; pass the site's token")
        who = await run_in_threadpool(store.identify, token.strip())
        if who is None:
            raise Refused(401, "the token is not valid on this hub (revoked or mistyped)")
        if role == "lead" and who.role != "lead":
            raise Refused(403, "publishing needs a lead token")
        if role == "site" and who.role != "site":
            raise Refused(403, "syncing needs a site token")
        return who

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_body:
            raise Refused(
                413,
                f"body of {declared} bytes is over the hub's limit of {max_body}",
                limit=max_body,
            )
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise Refused(
                    413, f"body is over the hub's limit of {max_body} bytes", limit=max_body
                )
            chunks.append(chunk)
        return b"".join(chunks)

    @app.exception_handler(Refused)
    async def _refused(_request: Request, exc: Refused) -> JSONResponse:
        return refused(exc)

    @app.exception_handler(HubError)
    async def _hub_error(_request: Request, exc: HubError) -> JSONResponse:
        return JSONResponse(problem(f"hub store unavailable: {exc}"), status_code=503)

    @app.get(f"{API}/health")
    async def health() -> dict[str, Any]:
        return {"ok": True}

    @app.get(f"{API}/sync/mark")
    async def get_mark(request: Request) -> dict[str, Any]:
        who = await identify(request, "site")
        if faults.take(who.name, "unavailable"):
            raise Refused(503, "hub unavailable (test fault)")
        return {"site": who.name, "mark": await run_in_threadpool(store.mark, who.name)}

    @app.post(f"{API}/sync/batch")
    async def post_batch(request: Request) -> Response:
        who = await identify(request, "site")
        site = who.name
        if faults.take(site, "unavailable"):
            return JSONResponse(problem("hub unavailable (test fault)"), status_code=503)
        key = request.headers.get("idempotency-key", "").strip()
        if not key or len(key) > 200:
            raise Refused(422, "missing or overlong Idempotency-Key header")
        body = await read_body(request)
        die_mid = faults.take(site, "die-mid-batch")
        # Parsing and writing run off the event loop, so one big batch never stalls
        # the other sites' requests.
        answer, replayed = await run_in_threadpool(
            _apply, store, site, key, body, die_mid is not None
        )
        if not replayed:
            if faults.take(site, "die-after-commit"):
                _die()
            stall = faults.take(site, "stall-after-commit")
            if stall:
                await run_in_threadpool(time.sleep, float(stall.get("seconds", 5)))
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return JSONResponse(answer, headers=headers)

    @app.get(f"{API}/content")
    async def content_list(request: Request) -> dict[str, Any]:
        await identify(request, "any")
        return await run_in_threadpool(store.latest_content)

    @app.get(f"{API}/content/{{kind}}/{{release}}")
    async def content_get(request: Request, kind: str, release: int) -> Response:
        who = await identify(request, "any")
        bundle = await run_in_threadpool(store.content, kind, release)
        if bundle is None:
            raise Refused(404, f"no {kind} release {release} on this hub")
        if faults.take(who.name, "bad-checksum"):
            name = sorted(bundle["files"])[0]
            bundle["files"][name] += "\n# altered in transit\n"
        data = json.dumps(bundle, ensure_ascii=False).encode("utf-8")
        if faults.take(who.name, "cut-download"):
            return StreamingResponse(
                _cut_stream(data),
                media_type="application/json",
                headers={"content-length": str(len(data))},
            )
        return Response(data, media_type="application/json")

    @app.post(f"{API}/content/{{kind}}")
    async def content_publish(request: Request, kind: str) -> dict[str, Any]:
        who = await identify(request, "lead")
        if kind not in CONTENT_KINDS:
            raise Refused(404, f"unknown bundle kind {kind!r} (known: {', '.join(CONTENT_KINDS)})")
        body = await read_body(request)
        files, version, checksum = _parse_bundle(body)
        if bundle_checksum(files) != checksum:
            raise Refused(
                422, "the bundle's checksum does not match its files (damaged in transit)"
            )
        return await run_in_threadpool(store.publish, kind, files, version, who.name)

    @app.post("/_test/fault")
    async def arm_fault(request: Request) -> dict[str, Any]:
        if not faults.enabled:
            raise Refused(404, "not found")
        spec = json.loads(await request.body())
        faults.arm(spec["site"], spec["fault"], spec)
        return {"armed": spec["fault"]}

    return app


def _apply(
    store: HubStore, site: str, key: str, body: bytes, die_mid: bool
) -> tuple[dict[str, Any], bool]:
    after, records = _parse_batch(body)
    store.check_records(site, records)
    try:
        return store.apply_batch(
            site, key, body_hash(body), after, records, before_commit=_die if die_mid else None
        )
    except Refused:
        raise
    except HubError:
        raise
    except Exception as exc:
        raise _classify(exc) from exc


def _classify(exc: Exception) -> Exception:
    """A value the store cannot hold is the batch's fault (422); anything else is ours (503)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        psycopg = None  # type: ignore[assignment]
    if psycopg is not None and isinstance(exc, psycopg.DataError | psycopg.IntegrityError):
        return Refused(
            422, f"a record has a value the hub cannot store: {str(exc).splitlines()[0]}"
        )
    return HubError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


async def _cut_stream(data: bytes) -> Any:
    yield data[: len(data) // 2]
    raise ConnectionResetError("download cut (test fault)")


def _parse_batch(body: bytes) -> tuple[int, list[Record]]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused(422, f"batch is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise Refused(422, "batch must be an object with `after` and `records`")
    after = data.get("after")
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise Refused(422, "batch `after` must be a whole number")
    items = data["records"]
    if len(items) > MAX_BATCH_RECORDS:
        raise Refused(
            413, f"batch of {len(items)} records is over the limit of {MAX_BATCH_RECORDS}"
        )
    records = []
    last = after
    for index, item in enumerate(items):
        try:
            record = Record(
                seq=item["seq"],
                table=item["table"],
                id=item["id"],
                rev=item["rev"],
                row=item["row"],
            )
        except (KeyError, TypeError):
            raise Refused(422, f"record {index}: needs seq, table, id, rev and row") from None
        if not (
            isinstance(record.seq, int)
            and isinstance(record.rev, int)
            and isinstance(record.id, str)
            and isinstance(record.table, str)
            and isinstance(record.row, dict)
        ):
            raise Refused(
                422, f"record {index}: seq and rev must be numbers, id text, row an object"
            )
        if record.seq <= last:
            raise Refused(
                422, f"record {index}: seq {record.seq} does not follow {last} (must increase)"
            )
        last = record.seq
        records.append(record)
    return after, records


def _parse_bundle(body: bytes) -> tuple[dict[str, str], int | None, str]:
    try:
        data = json.loads(body)
        files = data["files"]
        version = data.get("content_version")
        checksum = data["checksum"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError):
        raise Refused(422, "bundle must be JSON with `files` and `checksum`") from None
    if not isinstance(files, dict) or not files:
        raise Refused(422, "bundle has no files")
    for name, text in files.items():
        why = check_file_name(name)
        if why or not isinstance(text, str):
            raise Refused(422, f"bundle file {why or name + ' is not text'}")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise Refused(422, "content_version must be a whole number")
    return files, version, str(checksum)
