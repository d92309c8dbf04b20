"""Issue 14: a hub answering 413 to the mark request, or Retry-After far beyond the
retry time, is one honest line (acw_tui/sync/client.py)."""

from __future__ import annotations

import time

import httpx
import pytest

from acw_tui.sync import SyncError
from acw_tui.sync.client import HubClient


def client(handler, retry_for: float = 6.0) -> HubClient:
    return HubClient(
        "http://hub.test", "tok", retry_for=retry_for, transport=httpx.MockTransport(handler)
    )


def test_413_to_the_mark_request_is_a_sync_error() -> None:
    hub = client(lambda request: httpx.Response(413, text="Request Entity Too Large"))
    with pytest.raises(SyncError, match=r"too large \(413: Request Entity Too Large\)"):
        hub.mark()


def test_retry_after_beyond_the_retry_time_gives_up_at_once_and_says_why() -> None:
    hub = client(
        lambda request: httpx.Response(503, text="busy", headers={"retry-after": "999999999"})
    )
    started = time.monotonic()
    with pytest.raises(SyncError, match=r"asks to retry in 1e\+09 s, later than the 6 s"):
        hub.mark()
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (None, None),  # an older hub says no record
        ({"table": "calls", "id": "c1", "rev": 2}, ("calls", "c1", 2, None)),  # nor a digest
        ({"table": "calls", "id": "c1", "rev": 2, "digest": "ab"}, ("calls", "c1", 2, "ab")),
        ({"table": "calls", "id": "c1", "rev": 2, "digest": 7}, ("calls", "c1", 2, None)),
        ({"table": "calls", "id": "c1", "rev": "2"}, None),  # not one: as if not said
        ({"table": "calls", "id": "c1", "rev": True}, None),
        ("calls/c1/2", None),
    ],
)
def test_the_record_at_the_hubs_mark_is_read_only_when_it_is_one(at, expected) -> None:
    body = {"site": "warsaw-1", "mark": 7, **({} if at is None else {"at": at})}
    hub = client(lambda request: httpx.Response(200, json=body))
    assert hub.whoami() == ("warsaw-1", 7, expected, None)


@pytest.mark.parametrize(
    ("rebase_over", "expected"),
    [(None, None), (12, 12), ("12", None), (True, None), (0, None), (-3, None), (2**62, None)],
)
def test_the_revision_to_rebase_over_is_read_only_when_it_is_one(rebase_over, expected) -> None:
    body = {"site": "warsaw-1", "mark": 0, "at": None, "rebase_over": rebase_over}
    hub = client(lambda request: httpx.Response(200, json=body))
    assert hub.whoami().rebase_over == expected
