"""The hub fuzzed from its own OpenAPI schema (Schemathesis), on SQLite and PostgreSQL.

Every generated request — valid and invalid, as a site and as a lead — must get an
answer that is not a server error and that matches the schema: its status code is
documented, its body fits the documented model. Examples per operation are seeded and
bounded so the suite stays quick; `ACW_FUZZ_EXAMPLES=500` runs a longer search.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from acw_tui.sync.hub_app import create_app
from acw_tui.sync.hub_store import HubStore

from .conftest import _pg_admin, _pg_url_for, pg_base_url

EXAMPLES = int(os.environ.get("ACW_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fuzzed_hub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """An in-process hub app with a registered site and lead, and a release to fetch."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'hub.db'}"
        base = None
    else:
        base = pg_base_url()
        name = f"acw_fuzz_{uuid.uuid4().hex[:10]}"
        _pg_admin(base, f"CREATE DATABASE {name}")
        url = _pg_url_for(base, name)
    store = HubStore(url)
    store.init()
    tokens = {"site": store.add("site", "warsaw-1"), "lead": store.add("lead", "fuzz-lead")}
    store.publish("shorthand", {"en.toml": '[guide]\nname = "S"\nversion = 1\n'}, 1, "fuzz-lead")
    app = create_app(url)
    yield {"app": app, "tokens": tokens, "store": store}
    app.state.store.db.close()
    store.db.close()
    if base is not None:
        _pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="module")
def hub_schema(fuzzed_hub: dict[str, Any]) -> Any:
    schema = schemathesis.openapi.from_asgi("/v1/openapi.json", fuzzed_hub["app"])
    schema.config.generation.update(max_examples=EXAMPLES)
    return schema


schema = schemathesis.pytest.from_fixture("hub_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_hub_answers_every_request_within_its_schema(
    case: Any, fuzzed_hub: dict[str, Any]
) -> None:
    for role in ("site", "lead"):
        token = fuzzed_hub["tokens"][role]
        _forget_the_site(fuzzed_hub["store"])
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def _forget_the_site(store: HubStore) -> None:
    """Back to a hub that holds nothing of the site, so the documented example batch
    (and every mutation of it) reaches the store instead of a 409."""
    with store.db.transaction() as tx:
        tx.execute("UPDATE hub_sites SET mark = 0, store_id = NULL")
        for table in ("hub_batches", "hub_history", *store.tables):
            tx.execute(f"DELETE FROM {table}")


@pytest.fixture(autouse=True)
def _home(acw_home: Path) -> None:
    """The hub's lint writes nothing, but keep every file under this test's home."""


# -- what the schema cannot say: how the request travels --------------------------------
#
# Schemathesis sends each body whole, with its Content-Length, and each header once. A
# proxy or a hand-made client may send the body chunked (no Content-Length) or a header
# twice or not at all; the hub must answer those with its own words too.

_HEADERS = ("authorization", "idempotency-key", "acw-store", "content-type", "content-length")


@st.composite
def _travel(draw: st.DrawFn, operations: list[tuple[str, str, bytes | None]]) -> dict[str, Any]:
    method, path, example = draw(st.sampled_from(operations))
    body = draw(
        st.sampled_from(
            [example or b"", b"", b"{", b'{"after": 0, "records": []}', b"\xff\xfe", b"[]" * 50]
        )
    )
    headers: list[tuple[str, str]] = []
    for name in _HEADERS:
        fate = draw(st.sampled_from(["as usual", "missing", "twice", "twice, differing", "empty"]))
        value = {
            "authorization": "Bearer {token}",
            "idempotency-key": uuid.uuid4().hex,
            "acw-store": uuid.uuid4().hex,
            "content-type": "application/json",
            "content-length": str(len(body)),
        }[name]
        if fate == "missing" or (name == "content-length" and fate != "as usual"):
            continue  # (a wrong Content-Length is the HTTP server's to refuse)
        shown = "" if fate == "empty" else value
        headers.append((name, shown))
        if fate.startswith("twice"):
            headers.append((name, shown + ("x" if fate.endswith("differing") else "")))
    return {
        "method": method,
        "path": path,
        "body": body,
        "chunked": draw(st.booleans()),
        "headers": headers,
        "role": draw(st.sampled_from(["site", "lead"])),
    }


def _operations(app: Any) -> list[tuple[str, str, bytes | None]]:
    """Every operation of the hub's schema, with its body's documented example."""
    found = []
    spec = app.openapi()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            concrete = path.replace("{kind}", "shorthand").replace("{release}", "1")
            schema = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
            )
            name = schema.get("$ref", "").rsplit("/", 1)[-1]
            examples = spec["components"]["schemas"].get(name, {}).get("examples") or [None]
            example = None if examples[0] is None else json.dumps(examples[0]).encode()
            found.append((method.upper(), concrete, example))
    return found


async def _send(app: Any, request: dict[str, Any], token: str) -> httpx.Response:
    body = request["body"]

    async def chunks() -> AsyncIterator[bytes]:
        yield body[:3]
        yield body[3:]

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
        return await client.request(
            request["method"],
            request["path"],
            content=chunks() if request["chunked"] else body,
            headers=[(k, v.replace("{token}", token)) for k, v in request["headers"]],
        )


def test_the_hub_answers_chunked_bodies_and_odd_headers_in_its_own_words(
    fuzzed_hub: dict[str, Any],
) -> None:
    app = fuzzed_hub["app"]

    @given(_travel(_operations(app)))
    @settings(
        max_examples=EXAMPLES * 8,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def answered(request: dict[str, Any]) -> None:
        _forget_the_site(fuzzed_hub["store"])
        token = fuzzed_hub["tokens"][request["role"]]
        response = asyncio.run(_send(app, request, token))
        assert response.status_code < 500, (request, response.text)
        if response.status_code >= 400:
            detail = response.json()["detail"]
            assert isinstance(detail, str) and "\n" not in detail, detail

    answered()
