"""One sync per store at a time, and a misbehaving hub never makes a site flood it.

Four `acw sync` of one store at once made one believe the hub had been restored from a
backup and re-send everything; a hub whose mark never moved made a site send 20 000
requests in 90 s and queue its whole outbox again.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from acw_tui.store import Store
from acw_tui.sync import SyncError, site_state
from acw_tui.sync.client import BatchSender, HubClient, Syncer
from acw_tui.sync.lock import SyncLock

from .conftest import Site, run_acw


def test_a_second_sync_of_the_same_store_is_refused_while_one_runs(site: Site) -> None:
    site.add_calls(10)
    site.hub.arm(site.name, "stall-after-commit", seconds=20)
    first = run_acw(site.home, "sync", "--quiet")
    deadline = time.monotonic() + 20
    while site.hub.store.mark(site.name) == 0:
        assert time.monotonic() < deadline, "the first sync never reached the hub"
        time.sleep(0.05)
    second = run_acw(site.home, "sync", "--quiet")
    _, err = second.communicate(timeout=60)
    assert second.returncode == 1
    assert f"another `acw sync` of this store is running (process {first.pid})" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    first.kill()  # kill -9: the lock must not outlive it
    first.wait()
    site.add_calls(3)
    third = run_acw(site.home, "sync", "--quiet")
    _, err = third.communicate(timeout=60)
    assert third.returncode == 0, err
    site.assert_hub_equal()


def test_the_lock_is_per_store(site: Site, fresh_store: Store) -> None:
    refused = pytest.raises(SyncError, match="another `acw sync` of this store is running")
    with SyncLock(site.store.path), SyncLock(fresh_store.path.with_name("other.db")), refused:
        Syncer(site.store, site.client()).run()
    site.add_calls(1)
    site.sync()
    site.assert_hub_equal()


class FakeHub:
    """A hub that answers 200 but whose mark does not move (or goes back)."""

    def __init__(self, *, batch_mark: int | None = 0, marks: list[int] | None = None) -> None:
        self.batch_mark = batch_mark
        self.marks = marks or [0]
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.path}")
        if request.url.path.endswith("/sync/mark"):
            mark = self.marks[min(len(self.requests) - 1, len(self.marks) - 1)]
            return httpx.Response(200, json={"site": "site-1", "mark": mark})
        if request.url.path.endswith("/sync/batch"):
            if self.batch_mark is None:  # a 409 whose mark is always 0
                return httpx.Response(409, json={"detail": "behind", "mark": 0})
            return httpx.Response(200, json={"mark": self.batch_mark, "records": 1})
        return httpx.Response(200, json={})


def _calls(store: Store, count: int) -> None:
    from datetime import UTC, datetime

    from acw_tui.core.ids import new_id
    from acw_tui.store.records import insert_record

    with store.transaction() as db:
        for n in range(count):
            insert_record(
                db,
                "calls",
                {"id": new_id(), "external_id": f"C-{n}", "agent_id": "ana", "site_id": "site-1"},
                datetime.now(UTC),
            )


def _outbox(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0])


def test_a_mark_that_never_moves_is_an_error_after_a_few_tries(fresh_store: Store) -> None:
    _calls(fresh_store, 50)
    fake = FakeHub(batch_mark=0)
    client = HubClient(
        "http://hub.invalid", "acw_x", retry_for=30, transport=httpx.MockTransport(fake)
    )
    started = time.monotonic()
    with pytest.raises(SyncError, match=r"its mark stayed at 0: it is not keeping what it accepts"):
        Syncer(fresh_store, client, batch_records=10).run()
    assert len(fake.requests) <= 10
    assert time.monotonic() - started < 15
    assert _outbox(fresh_store) == 50  # nothing dropped, nothing queued twice


def test_a_mark_beyond_the_batch_drops_nothing(fresh_store: Store) -> None:
    _calls(fresh_store, 30)
    fake = FakeHub(batch_mark=25)
    client = HubClient(
        "http://hub.invalid", "acw_x", retry_for=5, transport=httpx.MockTransport(fake)
    )
    with pytest.raises(SyncError, match="acknowledged up to 25 for a batch ending at 10"):
        Syncer(fresh_store, client, batch_records=10).run()
    assert _outbox(fresh_store) == 30


def test_a_409_naming_the_mark_the_batch_builds_on_is_not_retried_for_ever(
    fresh_store: Store,
) -> None:
    _calls(fresh_store, 20)
    fake = FakeHub(batch_mark=None)  # every batch: 409, mark 0
    client = HubClient(
        "http://hub.invalid", "acw_x", retry_for=3, transport=httpx.MockTransport(fake)
    )
    with pytest.raises(SyncError, match="mark stayed at 0"):
        Syncer(fresh_store, client, batch_records=10).run()
    assert len(fake.requests) <= 10
    assert _outbox(fresh_store) == 20


def test_a_mark_that_goes_back_twice_requeues_only_once(fresh_store: Store) -> None:
    _calls(fresh_store, 20)
    site_state.adopt_mark(fresh_store, 20)  # the hub once acknowledged everything
    # The second batch went while the first was unanswered, so its 409 may only mean it
    # overtook the first: it is sent once more, alone, before the mark is believed.
    answers = itertools.chain(
        [(200, {"mark": 30, "records": 10})],
        itertools.repeat((409, {"detail": "behind", "mark": 0})),
    )
    requests = []

    def hub(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.url.path.endswith("/sync/mark"):
            return httpx.Response(200, json={"site": "site-1", "mark": 0})  # went back
        status, body = next(answers)
        return httpx.Response(status, json=body)

    client = HubClient(
        "http://hub.invalid", "acw_x", retry_for=5, transport=httpx.MockTransport(hub)
    )
    with pytest.raises(SyncError, match="went back to mark 0 a second time"):
        Syncer(fresh_store, client, batch_records=10).run()
    assert [r.url.path for r in requests].count("/v1/sync/batch") == 3
    assert _outbox(fresh_store) == 10  # queued again once; the 10 acknowledged are dropped


def test_retry_seconds_bounds_the_tries_on_a_mark_that_never_moves(fresh_store: Store) -> None:
    _calls(fresh_store, 10)
    fake = FakeHub(batch_mark=0)
    client = HubClient(
        "http://hub.invalid", "acw_x", retry_for=0.5, transport=httpx.MockTransport(fake)
    )
    started = time.monotonic()
    with pytest.raises(SyncError, match="mark stayed at 0"):
        Syncer(fresh_store, client, batch_records=10).run()
    assert time.monotonic() - started < 3
    assert len(fake.requests) <= 5


def test_the_next_batch_is_read_and_checked_while_the_hub_stores_one(
    fresh_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _calls(fresh_store, 30)
    reads: list[int] = []
    read_entries = site_state.read_entries

    def reading(store: Store, after: int, *args: int) -> list:  # type: ignore[type-arg]
        reads.append(after)
        return read_entries(store, after, *args)

    monkeypatch.setattr(site_state, "read_entries", reading)
    read_during: list[list[int]] = []

    def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/mark"):
            return httpx.Response(200, json={"site": "site-1", "mark": 0})
        if request.url.path.endswith("/sync/batch"):
            last = json.loads(request.content)["records"][-1]["seq"]
            deadline = time.monotonic() + 5
            while last not in reads and time.monotonic() < deadline:
                time.sleep(0.01)  # the hub at work; the site reads meanwhile
            read_during.append(list(reads))
            return httpx.Response(200, json={"mark": last, "records": 10})
        return httpx.Response(200, json={})

    client = HubClient(
        "http://hub.invalid", "acw_x", retry_for=5, transport=httpx.MockTransport(hub)
    )
    summary = Syncer(fresh_store, client, batch_records=10).run()
    assert summary.sent == 30
    assert _outbox(fresh_store) == 0
    # While batch 1 (seq 1–10) was at the hub, the site had already read from 10 on.
    assert 10 in read_during[0]
    assert 20 in read_during[1]


def test_acknowledged_rows_are_dropped_while_the_hub_stores_the_next_batch(
    fresh_store: Store,
) -> None:
    """Between the hub's answer and the next request the site only records the answer;
    the rows it covers go while the next batch is at the hub, and none are left.

    One batch at a time, so the order of steps is fixed (with two at the hub the
    answers may come in either order); the window changes when, not whether."""
    _calls(fresh_store, 30)
    # Per batch: rows at or below its `after` when it arrived, once it was written,
    # and what the site then counted as not yet synced.
    seen: list[tuple[int, int, int]] = []

    def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/mark"):
            return httpx.Response(200, json={"site": "site-1", "mark": 0})
        if request.url.path.endswith("/sync/batch"):
            batch = json.loads(request.content)
            arrived = _acked_left(fresh_store, batch["after"])
            request.extensions["trace"]("http11.send_request_body.complete", {})
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and _acked_left(fresh_store, batch["after"]):
                time.sleep(0.01)  # the hub at work; the site drops what it acknowledged
            seen.append(
                (
                    arrived,
                    _acked_left(fresh_store, batch["after"]),
                    site_state.unsynced(fresh_store),
                )
            )
            return httpx.Response(200, json={"mark": batch["records"][-1]["seq"], "records": 10})
        return httpx.Response(200, json={})

    client = HubClient(
        "http://hub.invalid", "acw_x", retry_for=5, transport=httpx.MockTransport(hub)
    )
    summary = Syncer(fresh_store, client, batch_records=10, window=1).run()
    assert summary.sent == 30 and summary.dropped == 30
    assert seen == [(0, 0, 30), (10, 0, 20), (10, 0, 10)]
    assert _outbox(fresh_store) == 0


def test_rows_waiting_to_be_dropped_are_not_counted_as_unsynced(fresh_store: Store) -> None:
    _calls(fresh_store, 30)
    seqs = [r[0] for r in fresh_store.conn.execute("SELECT seq FROM outbox ORDER BY seq")]
    assert site_state.adopt_mark(fresh_store, seqs[9], drop=False) == 0
    assert (_outbox(fresh_store), site_state.unsynced(fresh_store)) == (30, 20)
    assert site_state.drop_acknowledged(fresh_store) == 10
    assert (_outbox(fresh_store), site_state.unsynced(fresh_store)) == (20, 20)


def _acked_left(store: Store, mark: int) -> int:
    with store.errors():
        reader = store.conn.execute("SELECT count(*) FROM outbox WHERE seq <= ?", [mark])
        return int(reader.fetchone()[0])


def test_a_batch_is_with_the_sending_thread_before_the_next_is_prepared() -> None:
    """`send` returns once the sender holds the batch: work the caller starts next
    (reading the following batch) cannot keep the request waiting to be sent."""
    release = threading.Event()

    class SlowHub:
        def send_batch(self, key: str, body: bytes, on_written: Callable[[], None]) -> dict:  # type: ignore[type-arg]
            on_written()
            release.wait(5)
            return {"mark": int(key)}

    sender = BatchSender(SlowHub())  # type: ignore[arg-type]
    try:
        for number in range(20):
            answer = sender.send(str(number), b"{}")
            assert answer.running(), f"batch {number} was not yet taken when send returned"
            release.set()
            assert answer.result(5) == {"mark": number}
            release.clear()
    finally:
        release.set()
        sender.close()


def test_the_caller_prepares_the_next_batch_once_this_one_is_written() -> None:
    """Until the sender has written the batch, the caller waits (it would take the
    interpreter's lock from the sender); a transport that never says so costs it
    `WRITE_WAIT` at most."""
    written = threading.Event()
    order: list[str] = []

    class WritingHub:
        def __init__(self, reports: bool) -> None:
            self.reports = reports

        def send_batch(self, key: str, body: bytes, on_written: Callable[[], None]) -> dict:  # type: ignore[type-arg]
            time.sleep(0.3)  # writing
            order.append("written")
            if self.reports:
                on_written()
            written.wait(5)
            return {"mark": 1}

    for reports in (True, False):
        order.clear()
        written.clear()
        sender = BatchSender(WritingHub(reports))  # type: ignore[arg-type]
        sender.WRITE_WAIT = 5 if reports else 0.05
        try:
            started = time.monotonic()
            answer = sender.send("1", b"{}")
            order.append("returned")
            waited = time.monotonic() - started
            written.set()
            assert answer.result(5) == {"mark": 1}
        finally:
            sender.close()
        if reports:
            assert order == ["written", "returned"]
            assert waited < 4
        else:
            assert order == ["returned", "written"]


def test_a_closed_sender_refuses_a_batch_instead_of_waiting_for_ever() -> None:
    sender = BatchSender(HubClient("http://hub.invalid", "acw_x"))
    sender.close()
    with pytest.raises(RuntimeError, match="closed"):
        sender.send("1", b"{}")


def test_two_batches_are_at_the_hub_at_once(fresh_store: Store) -> None:
    """The site sends the next batch before the hub has answered the one before it:
    a hub that holds batch 1 until batch 2 has arrived still gets both."""
    _calls(fresh_store, 30)
    second_arrived = threading.Event()
    held: list[bool] = []

    def hub(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/sync/mark"):
            return httpx.Response(200, json={"site": "site-1", "mark": 0})
        if not request.url.path.endswith("/sync/batch"):
            return httpx.Response(200, json={})
        batch = json.loads(request.content)
        if batch["after"] == 0:
            held.append(second_arrived.wait(5))
        else:
            second_arrived.set()
        return httpx.Response(200, json={"mark": batch["records"][-1]["seq"], "records": 10})

    client = HubClient(
        "http://hub.invalid", "acw_x", retry_for=5, transport=httpx.MockTransport(hub)
    )
    summary = Syncer(fresh_store, client, batch_records=10).run()
    assert held == [True], "batch 2 was not sent until batch 1 was answered"
    assert (summary.sent, summary.batches, _outbox(fresh_store)) == (30, 3, 0)


def test_a_batch_that_overtakes_the_one_before_it_is_sent_again_alone(
    fresh_store: Store,
) -> None:
    """The hub stored batch 2 before batch 1 could be: it refused it (409, its mark still
    0). Once batch 1 is acknowledged, batch 2 goes again, the same key and bytes, and the
    run ends with everything acknowledged; the 409 is not taken for a hub gone back."""
    _calls(fresh_store, 30)
    refused = threading.Event()
    mark = 0
    sent: list[tuple[int, str, bytes]] = []
    lock = threading.Lock()

    def hub(request: httpx.Request) -> httpx.Response:
        nonlocal mark
        if request.url.path.endswith("/sync/mark"):
            return httpx.Response(200, json={"site": "site-1", "mark": mark})
        if not request.url.path.endswith("/sync/batch"):
            return httpx.Response(200, json={})
        batch = json.loads(request.content)
        sent.append((batch["after"], request.headers["idempotency-key"], request.content))
        if batch["after"] == 0:
            refused.wait(5)  # batch 2 comes first
        with lock:
            if batch["after"] != mark:
                refused.set()
                return httpx.Response(409, json={"detail": "not the mark", "mark": mark})
            mark = batch["records"][-1]["seq"]
        return httpx.Response(200, json={"mark": mark, "records": len(batch["records"])})

    client = HubClient(
        "http://hub.invalid", "acw_x", retry_for=5, transport=httpx.MockTransport(hub)
    )
    summary = Syncer(fresh_store, client, batch_records=10).run()
    assert (summary.sent, summary.resent_after_hub_loss, _outbox(fresh_store)) == (30, 0, 0)
    second = [(key, body) for after, key, body in sent if after == 10]
    assert len(second) == 2 and second[0] == second[1]
    assert site_state.load_state(fresh_store).acked_seq == mark
