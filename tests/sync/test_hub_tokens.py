"""The hub reads a batch's body only for a token it knows, and a revoked token stores
nothing, even one the hub saw valid a moment ago (`known_tokens`)."""

from __future__ import annotations

import socket

import pytest

from acw_tui.sync import SyncError, site_state
from acw_tui.sync.protocol import batch_body

from .conftest import HubProcess, Site


def _post_headers_only(hub: HubProcess, token: str) -> bytes:
    """A batch's headers (announcing 1 MB) and one byte of body; the hub's first reply."""
    head = (
        "POST /v1/sync/batch HTTP/1.1\r\nHost: hub\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: k1\r\n"
        "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"
    )
    with socket.create_connection(("127.0.0.1", hub.port), timeout=10) as sock:
        sock.sendall(head.encode("ascii"))
        return sock.recv(65536)


@pytest.mark.parametrize("token", ["acw_not-a-token-of-this-hub", ""])
def test_a_strangers_batch_is_refused_before_its_body_is_read(hub: HubProcess, token: str) -> None:
    """Waiting for the megabyte that never comes would time the test out."""
    reply = _post_headers_only(hub, token)
    assert reply.startswith(b"HTTP/1.1 401"), reply[:200]


def test_a_token_revoked_after_a_sync_stores_nothing_more(site: Site) -> None:
    site.add_calls(3)
    site.sync()  # the hub process now knows the token
    before = (site.hub.store.mark(site.name), site.hub.store.revisions(site.name))
    site.hub.store.rotate("site", site.name)
    site.add_calls(2)
    acked = site_state.load_state(site.store).acked_seq
    entries = site_state.read_entries(site.store, acked, 200, 1 << 20)
    client = site.client(retry_for=2)
    try:
        with pytest.raises(SyncError, match=r"refused the token \(401"):
            client.send_batch("after-rotate", batch_body(acked, entries))
        # Refused again, and still before its body is read once the hub forgot it.
        with pytest.raises(SyncError, match=r"refused the token \(401"):
            client.send_batch("after-rotate-2", batch_body(acked, entries))
    finally:
        client.close()
    assert _post_headers_only(site.hub, site.token).startswith(b"HTTP/1.1 401")
    assert (site.hub.store.mark(site.name), site.hub.store.revisions(site.name)) == before
