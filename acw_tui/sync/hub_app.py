"""The hub's web app (FastAPI): sync batches up, guides and templates down.

It keeps no state between requests (everything lives in the hub store), so several
processes can serve one PostgreSQL database behind a load balancer.

Endpoints (all under /v1, bearer token required except /v1/health):

- `GET  /v1/sync/mark`              the site's acknowledged high-water mark
- `POST /v1/sync/batch`             one batch (header `Idempotency-Key`)
- `GET  /v1/content`                newest release of each bundle kind
- `GET  /v1/content/{kind}/{n}`     one release with its files and checksum
- `POST /v1/content/{kind}`         publish a release (lead token)
- `GET  /v1/openapi.json`           the schema of all of the above

Every body is checked against the request models of `wire` before the store is
touched, and every refusal is a `Problem` with a one-line `detail`: bad input is a 4xx
with a reason, the same on both backends, never a 500 or 503 that a site would retry.

A `HubObserver` given to `create_app` is told when a batch is about to commit (inside
its transaction) and when it has committed (before the answer is sent); without one the
hub calls nothing.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from acw_tui import __version__
from acw_tui.core.inputs import is_number_text
from acw_tui.sync import HubError
from acw_tui.sync.hub_db import PoolLimits, ValueRefused
from acw_tui.sync.hub_store import HubStore, Identity, Refused
from acw_tui.sync.known_tokens import KnownTokens
from acw_tui.sync.protocol import (
    API,
    MAX_BODY_BYTES,
    STORE_HEADER,
    Record,
    body_hash,
    bundle_checksum,
    problem,
)
from acw_tui.sync.site_batches import AHEAD_WAITS, SiteBatches
from acw_tui.sync.wire import (
    INT64_MAX,
    BatchIn,
    BatchOut,
    BundleIn,
    BundleOut,
    ContentKind,
    Invalid,
    MarkOut,
    Problem,
    PublishKind,
    PublishOut,
    ReleaseInfo,
    parse_batch,
    parse_bundle,
)

# Module level: with postponed annotations FastAPI resolves these names in the module.
_bearer = HTTPBearer(auto_error=False, description="The site's or the lead's token")
Token = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
StoreId = Annotated[
    str | None,
    Header(
        alias=STORE_HEADER,
        pattern=r"^[A-Za-z0-9_-]{16,64}$",
        description="The site store the batch comes from (random, made once per store); "
        "the first to send binds the site to it",
    ),
]


class HubObserver:
    """Told what happens to the batches the hub applies; this one does nothing.

    Subclass it to count, log or audit commits. Both calls run off the event loop, for
    new batches only (a replayed batch was committed before).
    """

    def batch_committing(self, site: str, mark: int, records: int) -> None:
        """Inside the batch's transaction, just before it commits.

        Raising undoes the batch: the site is answered 503 and sends it again.
        """

    def batch_committed(self, site: str, mark: int, records: int) -> None:
        """The batch is committed; the site gets its answer when this returns."""


def _refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": Problem} for status in statuses}


def _body_schema(model: type) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
            },
        }
    }


def create_app(
    db_url: str,
    *,
    max_body: int = MAX_BODY_BYTES,
    observer: HubObserver | None = None,
    pool: PoolLimits | None = None,
) -> FastAPI:
    """The hub's app on the store `db_url`; on PostgreSQL it holds at most `pool.size`
    connections (`PoolLimits()` when not given)."""
    store = HubStore(db_url, pool=pool or PoolLimits())
    app = FastAPI(
        dependencies=[Depends(_one_of_each)],
        title="acw hub",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=f"{API}/openapi.json",
    )
    app.state.store = store

    def refused(exc: Refused) -> JSONResponse:
        return JSONResponse(problem(exc.detail, **exc.extra), status_code=exc.status)

    known = KnownTokens()
    batches = SiteBatches()

    async def identify(credentials: HTTPAuthorizationCredentials | None, role: str) -> Identity:
        return await run_in_threadpool(_identity, store, _bearer_token(credentials), role)

    async def read_body(request: Request) -> bytes:
        """The body, within `max_body`: a declared length over it is refused before a
        byte is read, and any body (a chunked one declares none) as it streams in."""
        declared = request.headers.get("content-length")
        if declared is not None and is_number_text(declared) and int(declared) > max_body:
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

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        error = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in error.get("loc", ()))
        return JSONResponse(problem(f"{where}: {error.get('msg')}"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            problem(str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    @app.get(f"{API}/health", openapi_extra={"security": []})
    async def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get(
        f"{API}/sync/mark",
        response_model=MarkOut,
        responses=_refusals(401, 403, 409, 422, 503),
    )
    async def get_mark(credentials: Token, site_store: StoreId = None) -> dict[str, Any]:
        """The hub's mark for the token's site: the highest outbox sequence it holds
        (409 if the site syncs from another store than `Acw-Store` names)."""
        who = await identify(credentials, "site")
        mark, at, rebase_over = await run_in_threadpool(store.mark_for, who.name, site_store)
        answer = {"site": who.name, "mark": mark, "at": at}
        return answer if rebase_over is None else {**answer, "rebase_over": rebase_over}

    @app.post(
        f"{API}/sync/batch",
        response_model=BatchOut,
        responses=_refusals(401, 403, 409, 413, 422, 503),
        openapi_extra=_body_schema(BatchIn),
    )
    async def post_batch(
        request: Request,
        credentials: Token,
        idempotency_key: Annotated[
            str, Header(alias="Idempotency-Key", min_length=1, max_length=200)
        ],
        site_store: StoreId = None,
    ) -> Response:
        """Apply one batch in one transaction, if it builds on the hub's mark."""
        token = _bearer_token(credentials)
        if token not in known:  # a stranger's body is not read (see `known_tokens`)
            await identify(credentials, "site")
        key = idempotency_key.strip()
        if not key:
            raise Refused(422, "missing or blank Idempotency-Key header")
        body = await read_body(request)
        # Parsing and writing run off the event loop, so one big batch never stalls
        # the other sites' requests.
        try:
            site, answer, replayed = await run_in_threadpool(
                _apply, store, batches, token, key, body, observer, site_store
            )
        except Refused as exc:
            if exc.status in (401, 403):
                known.discard(token)
            raise
        known.add(token)
        if observer is not None and not replayed:
            await run_in_threadpool(
                observer.batch_committed, site, answer["mark"], answer["records"]
            )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return JSONResponse(answer, headers=headers)

    @app.get(
        f"{API}/content",
        response_model=dict[str, ReleaseInfo],
        responses=_refusals(401, 422, 503),
    )
    async def content_list(credentials: Token) -> dict[str, Any]:
        """The newest release of each bundle kind."""
        await identify(credentials, "any")
        return await run_in_threadpool(store.latest_content)

    @app.get(
        f"{API}/content/{{kind}}/{{release}}",
        response_model=BundleOut,
        responses=_refusals(401, 404, 422, 503),
    )
    async def content_get(
        credentials: Token,
        kind: ContentKind,
        release: Annotated[int, Path(ge=1, le=INT64_MAX)],
    ) -> Response:
        """One release with its files and checksum."""
        await identify(credentials, "any")
        bundle = await run_in_threadpool(store.content, kind, release)
        if bundle is None:
            raise Refused(404, f"no {kind} release {release} on this hub")
        data = json.dumps(bundle, ensure_ascii=False).encode("utf-8")
        return Response(data, media_type="application/json")

    @app.post(
        f"{API}/content/{{kind}}",
        response_model=PublishOut,
        responses=_refusals(401, 403, 409, 413, 422, 503),
        openapi_extra=_body_schema(BundleIn),
    )
    async def content_publish(
        request: Request, credentials: Token, kind: PublishKind
    ) -> dict[str, Any]:
        """Publish a release (lead token); refused if it fails lint."""
        who = await identify(credentials, "lead")
        body = await read_body(request)
        return await run_in_threadpool(_publish, store, kind, body, who.name)

    def openapi() -> dict[str, Any]:
        # The batch and bundle bodies are parsed by hand (off the event loop, with the
        # raw bytes kept for the idempotency hash), so their models join the schema here.
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (BatchIn, BundleIn):
            model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(model_schema.pop("$defs", {}))
            components[model.__name__] = model_schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


# Headers the hub reads. Given twice, which one counts would depend on who reads them
# (the hub, a proxy, a log), so neither does.
SINGLE_HEADERS = ("authorization", "idempotency-key", STORE_HEADER.lower())


async def _one_of_each(request: Request) -> None:
    for name in SINGLE_HEADERS:
        if len(request.headers.getlist(name)) > 1:
            raise Refused(422, f"header {name} is given more than once; send it once")


def _bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str:
    token = credentials.credentials.strip() if credentials else ""
    if not token:
        raise Refused(401, "no bearer token; pass the site's token")
    return token


def _identity(store: HubStore, token: str, role: str) -> Identity:
    who = store.identify(token)
    if who is None:
        raise Refused(401, "the token is not valid on this hub (revoked or mistyped)")
    if role == "lead" and who.role != "lead":
        raise Refused(403, "publishing needs a lead token")
    if role == "site" and who.role != "site":
        raise Refused(403, "syncing needs a site token")
    return who


def _apply(
    store: HubStore,
    batches: SiteBatches,
    token: str,
    key: str,
    body: bytes,
    observer: HubObserver | None,
    site_store: str | None = None,
) -> tuple[str, dict[str, Any], bool]:
    """Look the token up (again, if it was before the body was read), then read the
    batch and store it: (the site, the answer, whether it was a replay)."""
    site = _identity(store, token, "site").name
    with batches.working(site):
        try:
            after, records = parse_batch(body)
        except Invalid as exc:
            extra = {"records": exc.records} if exc.records is not None else {}
            raise Refused(422, exc.detail, **extra) from None
        store.check_records(site, records)
        committing = None
        if observer is not None:
            mark = records[-1].seq if records else after
            committing = partial(observer.batch_committing, site, mark, len(records))
        digest = body_hash(body)
        waits = 0
        while True:
            try:
                answer, replayed = store.apply_batch(
                    site, key, digest, after, records, store=site_store, before_commit=committing
                )
            except Refused as exc:
                ahead = exc.status == 409 and after > exc.extra.get("mark", after)
                if ahead and waits < AHEAD_WAITS and batches.wait_for_another(site):
                    waits += 1  # the batch it builds on was still in hand here
                    continue
                raise
            except ValueRefused as exc:
                raise _value_refused(exc, records) from None
            except HubError:
                raise
            except Exception as exc:  # the observer's: the batch is undone, sent again
                raise HubError(
                    str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                ) from exc
            return site, answer, replayed


def _publish(store: HubStore, kind: str, body: bytes, lead: str) -> dict[str, Any]:
    from acw_tui.sync.content import content_version, lint_errors

    try:
        bundle = parse_bundle(body)
    except Invalid as exc:
        raise Refused(422, exc.detail) from None
    if bundle_checksum(bundle.files) != bundle.checksum:
        raise Refused(422, "the bundle's checksum does not match its files (damaged in transit)")
    errors = lint_errors(kind, bundle.files)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise Refused(422, f"the bundle fails lint: {errors[0]}{more}; nothing was published")
    # The version that must grow is read from the files, never taken from the sender.
    published = store.publish(kind, bundle.files, content_version(kind, bundle.files), lead)
    if kind == "shorthand":
        # The team's completion model goes down with every guide published. The guide
        # is published either way: a model that could not be built is said in the
        # answer, and the next guide published tries again.
        try:
            store.publish_team_model(lead)
        except Exception as exc:
            published = {**published, "team_model": f"not built: {str(exc).splitlines()[0]}"}
    return published


def _value_refused(exc: ValueRefused, records: list[Record]) -> Refused:
    """A value the store cannot hold is the batch's fault (422), not the hub's (503).

    Which record holds it, the store does not say: a one-record batch names it (and the
    site sets it aside); a larger one asks the site to send fewer at a time
    (`send_fewer`) until the record is alone."""
    if len(records) == 1:
        named = [_refused_record(records[0], exc.reason)]
        return Refused(
            422, f"a record has a value the hub cannot store: {exc.reason}", records=named
        )
    return Refused(
        422,
        f"a record has a value the hub cannot store: {exc.reason}; send fewer at a time",
        records=[],
        send_fewer=True,
    )


def _refused_record(record: Record, reason: str) -> dict[str, Any]:
    return {"seq": record.seq, "table": record.table, "id": record.id, "reason": reason}
