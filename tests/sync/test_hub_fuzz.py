"""The hub fuzzed from its own OpenAPI schema (Schemathesis), on SQLite and PostgreSQL.

Every generated request — valid and invalid, as a site and as a lead — must get an
answer that is not a server error and that matches the schema: its status code is
documented, its body fits the documented model. Examples per operation are seeded and
bounded so the suite stays quick; `ACW_FUZZ_EXAMPLES=500` runs a longer search.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
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
        tx.execute("UPDATE hub_sites SET mark = 0")
        for table in ("hub_batches", "hub_history", *store.tables):
            tx.execute(f"DELETE FROM {table}")


@pytest.fixture(autouse=True)
def _home(acw_home: Path) -> None:
    """The hub's lint writes nothing, but keep every file under this test's home."""
