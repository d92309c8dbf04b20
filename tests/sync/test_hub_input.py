"""Bad input gets a 4xx with a reason, the same on SQLite and PostgreSQL, never a 5xx.

Each case here once answered 500 or 503, so a site retried it and told its admin
"nothing is lost, sync resumes" for a request that could never succeed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest

from acw_tui.sync import site_state
from acw_tui.sync.protocol import bundle_checksum

from .conftest import HubProcess, Site

BIG = 2**63


def _post(site: Site, body: bytes, key: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{site.hub.url}/v1/sync/batch",
        content=body,
        headers={
            "authorization": f"Bearer {site.token}",
            "idempotency-key": key or uuid.uuid4().hex,
            "content-type": "application/json",
        },
        timeout=30,
    )


def _one_record(site: Site, **changes: object) -> dict:
    site.add_calls(1)
    entry = site_state.read_entries(site.store, 0, 1, 1 << 30)[0]
    row = json.loads(entry.payload)
    record = {"seq": entry.seq, "table": "calls", "id": entry.row_id, "rev": entry.rev, "row": row}
    for key, value in changes.items():
        if key.startswith("row."):
            row[key[4:]] = value
        else:
            record[key] = value
    return record


def _batch(*records: dict, after: int = 0) -> bytes:
    return json.dumps({"after": after, "records": list(records)}).encode()


def _nothing_written(site: Site) -> None:
    assert site.hub.store.current(site.name)["calls"] == {}
    assert site.hub.store.mark(site.name) == 0


@pytest.mark.parametrize(
    "case",
    ["seq", "rev", "row.rev", "after"],
)
def test_numbers_past_64_bits_are_refused(site: Site, case: str) -> None:
    if case == "after":
        body = _batch(_one_record(site), after=BIG)
    elif case == "row.rev":
        body = _batch(_one_record(site, rev=BIG, **{"row.rev": BIG}))
    else:
        body = _batch(_one_record(site, **{case: BIG}))
    response = _post(site, body)
    assert response.status_code == 422, response.text
    assert isinstance(response.json()["detail"], str)
    _nothing_written(site)


def test_a_lone_surrogate_is_refused(site: Site) -> None:
    record = _one_record(site)
    body = _batch(record).replace(b'"billing"', b'"bill\\ud800ing"')
    assert b"\\ud800" in body
    response = _post(site, body)
    assert response.status_code == 422, response.text
    _nothing_written(site)


def test_a_nul_character_is_refused_on_both_backends(site: Site) -> None:
    record = _one_record(site, **{"row.queue": "bill\x00ing"})
    response = _post(site, _batch(record))
    assert response.status_code == 422, response.text
    refused = response.json().get("records") or pytest.fail(response.text)
    assert [(r["seq"], r["id"]) for r in refused] == [(record["seq"], record["id"])]
    assert "NUL" in refused[0]["reason"]
    _nothing_written(site)


@pytest.mark.parametrize("value", ["NaN", "Infinity", '"forty"', "[1, 2]", '{"a": 1}', "true"])
def test_a_value_the_column_cannot_hold_is_refused(site: Site, value: str) -> None:
    record = _one_record(site, **{"row.talk_seconds": "@@"})
    body = _batch(record).replace(b'"@@"', value.encode())
    response = _post(site, body)
    assert response.status_code == 422, response.text
    _nothing_written(site)


def test_a_body_nested_100_000_levels_is_refused(site: Site) -> None:
    body = b'{"after": 0, "records": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = _post(site, body)
    assert response.status_code == 422, response.text


def test_a_release_number_past_64_bits_is_not_found_or_refused(site: Site) -> None:
    for kind, release in [
        ("guide", "99999999999999999999999"),
        *(("shorthand", r) for r in ("99999999999999999999999", str(BIG), "-1", "0", "1e3")),
    ]:
        response = httpx.get(
            f"{site.hub.url}/v1/content/{kind}/{release}",
            headers={"authorization": f"Bearer {site.token}"},
        )
        assert response.status_code in (404, 422), (release, response.text)


def test_publishing_a_version_past_64_bits_is_refused(hub: HubProcess) -> None:
    lead = hub.store.add("lead", f"lead-{uuid.uuid4().hex[:6]}")
    files = {"en.toml": '[guide]\nname = "S"\nversion = 1\n'}
    for version in (99999999999999999999, BIG, -1):
        body = json.dumps(
            {"files": files, "content_version": version, "checksum": bundle_checksum(files)}
        ).encode()
        response = httpx.post(
            f"{hub.url}/v1/content/shorthand",
            content=body,
            headers={"authorization": f"Bearer {lead}", "content-type": "application/json"},
        )
        assert response.status_code == 422, (version, response.text)


def test_unknown_columns_and_tables_name_the_record(site: Site) -> None:
    record = _one_record(site, **{"row.colour": "red"})
    response = _post(site, _batch(record))
    assert response.status_code == 422
    assert response.json()["records"][0]["id"] == record["id"]
    assert "colour" in response.json()["records"][0]["reason"]


def _chunks(body: bytes, size: int = 7) -> Iterator[bytes]:
    """The body as a chunked request: no Content-Length, as a proxy may forward it."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_a_chunked_batch_is_read_like_any_other(site: Site) -> None:
    record = _one_record(site)
    response = httpx.post(
        f"{site.hub.url}/v1/sync/batch",
        content=_chunks(_batch(record)),
        headers={
            "authorization": f"Bearer {site.token}",
            "idempotency-key": uuid.uuid4().hex,
            "content-type": "application/json",
        },
        timeout=30,
    )
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 200, response.text
    assert response.json() == {"mark": record["seq"], "records": 1}


def test_a_chunked_body_over_the_limit_is_413_as_it_streams(site: Site) -> None:
    big = b'{"after": 0, "records": [' + b" " * (8 << 20) + b"]}"
    response = httpx.post(
        f"{site.hub.url}/v1/sync/batch",
        content=_chunks(big, 1 << 16),
        headers={"authorization": f"Bearer {site.token}", "idempotency-key": "k1"},
        timeout=30,
    )
    assert response.status_code == 413, response.text
    _nothing_written(site)


def test_a_chunked_bundle_is_read_like_any_other(hub: HubProcess) -> None:
    lead = hub.store.add("lead", f"lead-{uuid.uuid4().hex[:6]}")
    files = {"en.toml": "not a guide ["}
    body = json.dumps({"files": files, "checksum": bundle_checksum(files)}).encode()
    response = httpx.post(
        f"{hub.url}/v1/content/shorthand",
        content=_chunks(body),
        headers={"authorization": f"Bearer {lead}", "content-type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 422, response.text
    assert "lint" in response.json()["detail"]


@pytest.mark.parametrize("header", ["authorization", "idempotency-key"])
def test_a_header_given_twice_is_refused_naming_it(site: Site, header: str) -> None:
    headers = [
        ("authorization", f"Bearer {site.token}"),
        ("idempotency-key", uuid.uuid4().hex),
        ("content-type", "application/json"),
    ]
    headers.append((header, dict(headers)[header] + "x"))
    response = httpx.post(
        f"{site.hub.url}/v1/sync/batch",
        content=_batch(_one_record(site)),
        headers=headers,
        timeout=30,
    )
    assert response.status_code == 422, response.text
    assert header in response.json()["detail"].lower()
    _nothing_written(site)
