"""A URL that is not an acw hub: one clear line, never a traceback or a retry loop.

The far end here is someone else's server, so it is played by httpx's MockTransport.
"""

from __future__ import annotations

import httpx
import pytest

from acw_tui.store import Store
from acw_tui.sync import SyncError
from acw_tui.sync.client import HubClient, Syncer


def _client(handler, **kwargs) -> HubClient:
    return HubClient(
        "http://hub.invalid", "acw_x", transport=httpx.MockTransport(handler), **kwargs
    )


def test_a_web_page_instead_of_a_hub(fresh_store: Store) -> None:
    client = _client(lambda request: httpx.Response(200, text="<html>welcome</html>"))
    with pytest.raises(SyncError, match=r"not JSON.*really an acw hub"):
        Syncer(fresh_store, client).run()
    assert client.retries == 0


def test_a_server_that_keeps_failing_is_given_up_on(fresh_store: Store) -> None:
    calls = []

    def failing(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(502, text="Bad Gateway", headers={"retry-after": "0"})

    client = _client(failing, retry_for=0.5)
    with pytest.raises(SyncError, match=r"answered 502 Bad Gateway; gave up after 0\.5 s"):
        Syncer(fresh_store, client).run()
    assert 2 <= len(calls) < 20


def test_hub_url_and_token_are_checked_before_anything_is_sent() -> None:
    with pytest.raises(SyncError, match="must start with http"):
        HubClient("hub.example.com", "acw_x")
    with pytest.raises(SyncError, match="no hub token"):
        HubClient("http://hub.example.com", "")


@pytest.mark.parametrize("status", [200, 409, 422, 500])
def test_an_answer_nested_too_deeply_is_named_not_a_crash(fresh_store: Store, status: int) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    client = _client(
        lambda request: httpx.Response(
            status, text=deep, headers={"content-type": "application/json", "retry-after": "0"}
        ),
        retry_for=0.2,
    )
    with pytest.raises(SyncError) as refused:
        Syncer(fresh_store, client).run()
    assert "hub.invalid" in str(refused.value)


class _Drip(httpx.SyncByteStream):
    """An answer that promises 1000 bytes and sends one every 20 ms, or never ends."""

    def __init__(self, endless: bool = False) -> None:
        self.endless = endless

    def __iter__(self):  # type: ignore[no-untyped-def]
        import time

        if self.endless:
            while True:
                yield b"x" * 65536
        for _ in range(1000):
            time.sleep(0.02)
            yield b" "


def test_a_hub_that_drips_its_answer_is_given_up_on_in_time(fresh_store: Store) -> None:
    # Each byte comes before the read time-out, so only a deadline for the whole
    # answer ends it: otherwise `acw sync` (and its lock) waits about 20 s here.
    import time

    client = _client(
        lambda request: httpx.Response(200, stream=_Drip(), headers={"content-length": "1000"}),
        timeout=0.3,
        retry_for=0.5,
    )
    started = time.monotonic()
    with pytest.raises(SyncError, match="did not answer in time"):
        Syncer(fresh_store, client).run()
    assert time.monotonic() - started < 5


def test_an_endless_answer_is_cut_off_and_named(fresh_store: Store) -> None:
    client = _client(lambda request: httpx.Response(200, stream=_Drip(endless=True)))
    with pytest.raises(SyncError, match="answered more than"):
        Syncer(fresh_store, client).run()


@pytest.mark.parametrize("mark", [True, "12", 1e308, -1, 2**63, None])
def test_a_mark_that_is_not_a_whole_number_in_range_is_named(fresh_store: Store, mark) -> None:
    # int() takes true, "12" and 1e308: a site would then build its batches on them.
    client = _client(lambda request: httpx.Response(200, json={"site": "s1", "mark": mark}))
    with pytest.raises(SyncError, match="answered a mark that is not a number"):
        Syncer(fresh_store, client).run()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("tail", ["", "\x1b[2J"])
def test_a_redirect_is_named_with_where_it_points_and_not_followed(
    fresh_store: Store, status: int, tail: str
) -> None:
    """A hub moved to https (or behind a proxy) answers a redirect. It used to read "not
    JSON … is the URL really an acw hub?". It is not followed: the token would go with it
    to wherever the answer points. A Location httpx cannot read (a control character in
    it) was retried for a minute as if the hub were unreachable."""
    asked: list[httpx.Request] = []

    def moved(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(status, headers={"location": "https://hub.invalid/api/v1/x" + tail})

    client = _client(moved)
    with pytest.raises(SyncError) as raised:
        Syncer(fresh_store, client).run()
    message = str(raised.value)
    assert f"answered {status}" in message and "https://hub.invalid/api/v1/x" in message
    assert "\x1b" not in message and "not JSON" not in message
    assert len(asked) == 1 and client.retries == 0
