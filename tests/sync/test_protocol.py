"""What must hold after each way a sync can be interrupted, replayed or refused (SPEC §8)."""

from __future__ import annotations

import json
import signal
import time
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from acw_tui.sync import SyncError, site_state
from acw_tui.sync.client import Conflict, HubClient, Syncer
from acw_tui.sync.protocol import OutboxEntry, batch_body

from .conftest import HubProcess, Site, make_site, run_acw, run_faulty_site


def _entries(site: Site, after: int = 0, limit: int = 1000) -> list[OutboxEntry]:
    return site_state.read_entries(site.store, after, limit, 1 << 30)


def _hub_state(site: Site) -> tuple[object, object, int]:
    return (
        site.hub.store.current(site.name),
        site.hub.store.revisions(site.name),
        site.hub.store.mark(site.name),
    )


def test_sync_sends_everything_once_and_then_nothing(site: Site) -> None:
    ids = site.add_calls(30)
    site.edit(ids[0])
    site.edit(ids[0])
    summary = site.sync(batch_records=7)
    assert summary.sent == 32
    assert summary.batches == 5
    assert site.outbox() == 0
    site.assert_hub_equal()
    again = site.sync()
    assert again.sent == 0
    assert site_state.load_state(site.store).last_result == "ok"


def test_client_killed_after_sending_before_the_answer(site: Site) -> None:
    site.add_calls(25)
    site.hub.arm(site.name, "stall-after-commit", seconds=20)
    client = run_acw(site.home, "sync", "--quiet")
    deadline = time.monotonic() + 20
    while site.hub.store.mark(site.name) == 0:
        assert time.monotonic() < deadline, "the hub never committed the batch"
        time.sleep(0.05)
    client.kill()  # the hub committed; the client never saw the answer
    client.wait()
    assert site.outbox() == 25
    assert site_state.load_state(site.store).inflight_key is not None
    summary = site.sync()
    assert summary.sent == 0  # the hub's mark already covered the batch
    assert site.outbox() == 0
    site.assert_hub_equal()


def test_client_killed_after_hub_commit_before_recording_the_ack(site: Site) -> None:
    site.add_calls(40)
    client = run_faulty_site(site.home, "--die-before-ack", "1", env={"ACW_HUB_URL": site.hub.url})
    _, err = client.communicate(timeout=60)
    assert client.returncode == 71, err
    state = site_state.load_state(site.store)
    assert state.acked_seq == 0 and state.inflight_key
    assert site.outbox() == 40
    site.sync()
    site.assert_hub_equal()
    assert site.outbox() == 0


def test_same_batch_sent_five_times_gives_identical_answers(site: Site) -> None:
    site.add_calls(10)
    body = batch_body(0, _entries(site))
    answers = []
    states = []
    with httpx.Client(
        base_url=site.hub.url, headers={"authorization": f"Bearer {site.token}"}
    ) as http:
        for _ in range(5):
            response = http.post(
                "/v1/sync/batch", content=body, headers={"idempotency-key": "k-five"}
            )
            answers.append((response.status_code, response.content))
            states.append(_hub_state(site))
    assert len(set(answers)) == 1
    assert answers[0][0] == 200
    assert all(state == states[0] for state in states)
    assert json.loads(answers[0][1]) == {"mark": 10, "records": 10}


def test_idempotency_key_reused_with_another_body_is_refused(site: Site) -> None:
    site.add_calls(6)
    entries = _entries(site)
    client = site.client()
    client.send_batch("k-same", batch_body(0, entries[:3]))
    before = _hub_state(site)
    with pytest.raises(SyncError, match=r"422.*already used for a different batch"):
        client.send_batch("k-same", batch_body(3, entries[3:]))
    assert _hub_state(site) == before
    assert client.retries == 0


def test_batch_out_of_order_gets_409_and_the_mark_never_goes_back(site: Site) -> None:
    site.add_calls(6)
    entries = _entries(site)
    first, second = batch_body(0, entries[:3]), batch_body(3, entries[3:])
    client = site.client()
    with pytest.raises(Conflict) as refused:
        client.send_batch("k2", second)
    assert refused.value.mark == 0
    assert site.hub.store.current(site.name)["calls"] == {}
    assert client.send_batch("k1", first)["mark"] == 3
    assert client.send_batch("k2", second)["mark"] == 6
    with pytest.raises(Conflict) as stale:
        client.send_batch("k-old-again", first)
    assert stale.value.mark == 6
    assert site.hub.store.mark(site.name) == 6


def test_rev_2_arriving_after_rev_3_leaves_rev_3_current(site: Site) -> None:
    (row_id,) = site.add_calls(1)
    site.edit(row_id)
    site.edit(row_id)
    by_rev = {e.rev: e for e in _entries(site)}
    late = [
        OutboxEntry(1, "calls", row_id, 3, by_rev[3].payload),
        OutboxEntry(2, "calls", row_id, 2, by_rev[2].payload),
    ]
    site.client().send_batch(uuid.uuid4().hex, batch_body(0, late))
    assert site.hub.store.current(site.name)["calls"] == {row_id: 3}
    assert site.hub.store.revisions(site.name)["calls"] == {(row_id, 2), (row_id, 3)}
    site.sync()  # the site adopts the hub's mark and sends the rest: rev 3 stays current
    assert site.hub.store.current(site.name) == site.current()
    assert site.hub.store.revisions(site.name)["calls"] == {(row_id, 2), (row_id, 3)}


def test_record_of_another_site_is_refused_with_nothing_written(site: Site, acw_home) -> None:
    other = make_site(site.hub, acw_home / "other")
    other.add_calls(1)
    other.sync()
    other_id = next(iter(other.current()["calls"]))
    site.add_calls(3)
    entries = _entries(site)
    row = json.loads(entries[0].payload)
    # Claiming the other site's record as our own, and a row naming the other site.
    stolen = {**row, "id": other_id, "rev": 9}
    foreign = {**row, "id": str(uuid.uuid4()), "site_id": other.name}
    client = site.client()
    for forged in (stolen, foreign):
        bad = [*entries, OutboxEntry(99, "calls", forged["id"], forged["rev"], json.dumps(forged))]
        with pytest.raises(SyncError, match="403"):
            client.send_batch(uuid.uuid4().hex, batch_body(0, bad))
    assert client.retries == 0
    assert site.hub.store.current(site.name)["calls"] == {}
    assert site.hub.store.current(other.name)["calls"] == {other_id: 1}
    other.store.close()


def test_revoked_token_gets_401_without_retrying_and_outbox_untouched(site: Site) -> None:
    site.add_calls(5)
    site.hub.store.rotate("site", site.name)
    before = (site.outbox(), site_state.load_state(site.store).acked_seq)
    started = time.monotonic()
    client = site.client(retry_for=30)
    with pytest.raises(SyncError, match=r"refused the token \(401"):
        Syncer(site.store, client).run()
    assert time.monotonic() - started < 3
    assert client.retries == 0
    assert (site.outbox(), site_state.load_state(site.store).acked_seq) == before


def test_hub_answering_503_for_a_while_is_retried(site: Site) -> None:
    site.add_calls(12)
    site.hub.arm(site.name, "unavailable", count=3)
    client = site.client(retry_for=30)
    summary = Syncer(site.store, client, batch_records=5).run()
    assert summary.retries >= 3
    site.assert_hub_equal()


def test_a_record_over_the_size_limit_is_set_aside_and_the_rest_flows(site: Site) -> None:
    from acw_tui.sync import quarantine

    (row_id,) = site.add_calls(1)
    with site.store.transaction() as db:
        from acw_tui.store.records import update_record

        update_record(db, "calls", row_id, {"customer_ref": "x" * (5 << 20)}, datetime.now(UTC))
    later = site.add_calls(3)
    client = site.client(retry_for=30)
    summary = Syncer(site.store, client).run()
    assert client.retries == 0
    assert summary.set_aside == 1 and site.outbox() == 0
    (held,) = quarantine.listing(site.store)
    assert (held.row_id, held.rev) == (row_id, 2) and "too large" in held.reason
    on_hub = site.hub.store.current(site.name)["calls"]
    assert on_hub == {row_id: 1, **dict.fromkeys(later, 1)}  # rev 1 before it, all after it


def test_clocks_ten_years_apart_change_nothing(site: Site) -> None:
    future = datetime(2036, 1, 1, tzinfo=UTC)
    past = datetime(2016, 1, 1, tzinfo=UTC)
    ids = site.add_calls(5, now=future)
    site.sync()
    for row_id in ids:
        site.edit(row_id, now=past)  # a later edit from a clock ten years behind
    site.sync()
    site.assert_hub_equal()
    assert set(site.hub.store.current(site.name)["calls"].values()) == {2}


def test_hub_killed_mid_batch_applies_all_or_nothing(own_faulty_site: Site) -> None:
    own_site = own_faulty_site
    hub: HubProcess = own_site.hub
    own_site.add_calls(30)
    hub.arm(own_site.name, "die-mid-batch")
    with pytest.raises(SyncError, match=r"unreachable|did not answer"):
        own_site.sync(batch_records=10, retry_for=0.5)
    hub.wait_dead()
    assert hub.store.current(own_site.name)["calls"] == {}
    assert hub.store.mark(own_site.name) == 0
    hub.start()
    hub.arm(own_site.name, "die-after-commit")
    with pytest.raises(SyncError):
        own_site.sync(batch_records=10, retry_for=0.5)
    hub.wait_dead()
    # Whole batches only: the first, and perhaps the second, which the site sends before
    # the first is answered and the hub may commit before the first's fault fires.
    assert len(hub.store.current(own_site.name)["calls"]) in (10, 20)
    hub.start()
    own_site.sync(batch_records=10)
    own_site.assert_hub_equal()


def test_hub_down_then_back_while_local_work_goes_on(own_site: Site) -> None:
    hub = own_site.hub
    hub.kill()
    own_site.add_calls(8)
    with pytest.raises(SyncError, match=r"unreachable.*Nothing is lost"):
        own_site.sync(retry_for=0.3)
    own_site.add_calls(4)  # the store stays writable while the hub is away
    assert own_site.outbox() == 12

    import threading

    result: dict[str, object] = {}

    def sync_in_background() -> None:
        try:
            result["summary"] = own_site.sync(retry_for=30)
        except Exception as exc:  # pragma: no cover - reported below
            result["error"] = exc

    worker = threading.Thread(target=sync_in_background)
    worker.start()
    time.sleep(0.5)
    hub.start()
    worker.join(60)
    assert "error" not in result, result
    own_site.assert_hub_equal()


def test_hub_restored_from_an_older_backup_gets_everything_again(own_site: Site) -> None:
    hub = own_site.hub
    ids = own_site.add_calls(10)
    own_site.sync()
    hub.kill()
    backup = hub.backup()
    hub.start()
    own_site.add_calls(5)
    for row_id in ids[:3]:
        own_site.edit(row_id)
    own_site.sync()
    hub.kill()
    hub.restore(backup)
    hub.start()
    summary = own_site.sync()
    assert summary.resent_after_hub_loss == 15
    assert hub.store.current(own_site.name) == own_site.current()
    assert hub.store.mark(own_site.name) > 10


def test_two_hub_processes_on_one_store_apply_a_batch_once(site: Site, tmp_path) -> None:
    """The hub is stateless: behind a load balancer, a batch sent to two at once lands once."""
    import threading

    second = HubProcess(site.hub.backend, tmp_path, same_store_as=site.hub, faults=False).start()
    try:
        site.add_calls(150)
        body = batch_body(0, _entries(site))
        answers: list[tuple[int, bytes]] = []

        def send(url: str) -> None:
            with httpx.Client(headers={"authorization": f"Bearer {site.token}"}) as http:
                response = http.post(
                    f"{url}/v1/sync/batch", content=body, headers={"idempotency-key": "both"}
                )
                answers.append((response.status_code, response.content))

        threads = [threading.Thread(target=send, args=(url,)) for url in (site.hub.url, second.url)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert len(answers) == 2 and answers[0] == answers[1]
        assert json.loads(answers[0][1]) == {"mark": 150, "records": 150}
        site_state.adopt_mark(site.store, 150)
        site.add_calls(10)
        client = HubClient(second.url, site.token, retry_for=10)
        Syncer(site.store, client).run()
        site.assert_hub_equal()
    finally:
        second.close()


def test_a_time_out_is_retried_under_the_same_key(site: Site) -> None:
    site.add_calls(20)
    site.hub.arm(site.name, "stall-after-commit", seconds=3)
    client = site.client(timeout=1.0, retry_for=20)
    summary = Syncer(site.store, client, batch_records=20).run()
    assert summary.retries >= 1
    assert summary.batches == 1  # the retry got the stored answer of the committed batch
    site.assert_hub_equal()


def test_ctrl_c_while_the_hub_holds_a_batch_stops_sync_at_once(site: Site) -> None:
    site.add_calls(25)
    site.hub.arm(site.name, "stall-after-commit", seconds=30)
    client = run_acw(site.home, "sync", "--quiet")
    deadline = time.monotonic() + 20
    while site.hub.store.mark(site.name) == 0:
        assert time.monotonic() < deadline, "the hub never committed the batch"
        time.sleep(0.05)
    client.send_signal(signal.SIGINT)  # the agent gives up waiting
    started = time.monotonic()
    _, err = client.communicate(timeout=25)
    assert time.monotonic() - started < 5, "sync waited for the hub after ctrl+c"
    assert client.returncode != 0
    assert "Traceback" not in err
    assert site.outbox() == 25  # nothing dropped: the next sync learns the hub's mark
    site.hub.arm(site.name, "stall-after-commit", count=0)
    assert site.sync().sent == 0
    assert site.outbox() == 0


def test_the_hub_client_says_when_a_batch_is_written(site: Site) -> None:
    site.add_calls(3)
    written: list[float] = []
    answer = site.client().send_batch(
        "k-1", batch_body(0, _entries(site)), lambda: written.append(time.monotonic())
    )
    assert answer["mark"] == 3
    assert len(written) == 1
