"""A record the hub refuses is set aside, and everything after it still reaches the hub.

One refused record — written under another site_id (`acw demo`, or before site_id was
set), holding a NUL the hub's PostgreSQL cannot store, or with an id another site
already owns on the hub — used to hold back every later record, for good.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.store.records import insert_record
from acw_tui.sync import quarantine, site_state

from .conftest import Site, make_site


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _foreign_call(site: Site, site_id: str) -> str:
    row_id = str(uuid.uuid4())
    with site.store.transaction() as db:
        insert_record(
            db,
            "calls",
            {"id": row_id, "external_id": "C-x", "agent_id": "ana", "site_id": site_id},
            datetime.now(UTC),
        )
    return row_id


def _nul_note(site: Site) -> str:
    """A row holding a NUL, as an older acw (or a hand edit) could have stored it."""
    (row_id,) = site.add_calls(1)
    with site.store.transaction() as db:
        db.conn.execute(
            "UPDATE calls SET queue = 'bill' || char(0) || 'ing', rev = 2 WHERE id = ?", [row_id]
        )
        row = db.conn.execute(
            "SELECT json_object('id', id, 'external_id', external_id, "
            "'agent_id', agent_id, 'site_id', site_id, 'queue', queue, "
            "'customer_ref', customer_ref, 'started_at', started_at, "
            "'ended_at', ended_at, 'talk_seconds', talk_seconds, 'rev', rev, "
            "'updated_at', updated_at) FROM calls WHERE id = ?",
            [row_id],
        ).fetchone()[0]
        db.conn.execute(
            "INSERT INTO outbox (table_name, row_id, rev, payload, queued_at) VALUES (?, ?, 2, ?, '')",
            ["calls", row_id, row],
        )
    return row_id


def test_records_of_another_site_id_are_set_aside_and_the_rest_flows(site: Site) -> None:
    before = site.add_calls(3)
    demo = _foreign_call(site, "demo-site")
    unset = _foreign_call(site, "local")  # written before site_id was set
    after = site.add_calls(4)
    summary = site.sync(batch_records=2)
    assert summary.set_aside == 2 and summary.quarantined == 2
    assert site.outbox() == 0
    assert set(site.hub.store.current(site.name)["calls"]) == {*before, *after}
    held = {q.row_id: q.reason for q in quarantine.listing(site.store)}
    assert set(held) == {demo, unset}
    assert "written under site 'demo-site'" in held[demo]
    assert any("quarantine" in line for line in summary.lines())
    # Nothing of theirs reached the hub under any name.
    for name in ("demo-site", "local"):
        assert site.hub.store.current(name)["calls"] == {}


def test_nul_text_is_set_aside_at_the_site_then_cleaned_by_retry(site: Site) -> None:
    bad = _nul_note(site)
    later = site.add_calls(2)
    summary = site.sync()
    assert summary.set_aside == 1
    (held,) = quarantine.listing(site.store)
    assert held.row_id == bad and "NUL" in held.reason
    assert set(later) <= set(site.hub.store.current(site.name)["calls"])
    lines = quarantine.retry(site.store, [held.seq])
    assert "NUL removed from queue" in lines[0]
    site.sync()
    assert quarantine.listing(site.store) == []
    assert site.hub.store.current(site.name)["calls"][bad] == 3
    with site.hub.store.db.reading() as tx:
        assert tx.one("SELECT queue FROM calls WHERE id = ?", [bad]) == ("billing",)


def test_nul_typed_by_any_door_is_never_stored(site: Site) -> None:
    with site.store.transaction() as db:
        row = insert_record(
            db,
            "calls",
            {
                "id": str(uuid.uuid4()),
                "external_id": "C\x00-1",
                "agent_id": "ana",
                "site_id": site.name,
            },
            datetime.now(UTC),
        )
    assert row["external_id"] == "C-1"
    stored = site.store.conn.execute("SELECT external_id FROM calls WHERE id = ?", [row["id"]])
    assert stored.fetchone() == ("C-1",)
    site.sync()
    site.assert_hub_equal()


def test_an_id_another_site_owns_on_the_hub_is_set_aside(site: Site, acw_home: Path) -> None:
    other = make_site(site.hub, acw_home / "other")
    (taken,) = other.add_calls(1)
    other.sync()
    before = site.add_calls(2)
    with site.store.transaction() as db:
        insert_record(
            db,
            "calls",
            {"id": taken, "external_id": "C-mine", "agent_id": "ana", "site_id": site.name},
            datetime.now(UTC),
        )
    after = site.add_calls(2)
    summary = site.sync(batch_records=10)
    assert summary.set_aside == 1
    (held,) = quarantine.listing(site.store)
    assert held.row_id == taken and "belongs to another site on the hub" in held.reason
    assert other.name not in held.reason  # a site learns nothing of the others
    assert set(site.hub.store.current(site.name)["calls"]) == {*before, *after}
    assert site.hub.store.current(other.name)["calls"] == {taken: 1}
    other.store.close()


def test_quarantine_commands_list_retry_drop_and_log(site: Site) -> None:
    site.add_calls(1)
    demo = _foreign_call(site, "demo-site")
    unset = _foreign_call(site, "local")
    result = _run("sync", "--quiet")
    assert result.exit_code == 1
    assert "set aside 2 record(s) the hub refuses" in result.output
    assert "Traceback" not in result.output
    listed = _run("sync", "quarantine", "list")
    assert listed.exit_code == 0 and demo in listed.output and unset in listed.output
    seqs = {q.row_id: q.seq for q in quarantine.listing(site.store)}

    dropped = _run("sync", "quarantine", "drop", str(seqs[demo]))
    assert dropped.exit_code == 0 and "dropped" in dropped.output
    retried = _run("sync", "quarantine", "retry", "--claim", str(seqs[unset]))
    assert retried.exit_code == 0
    assert f"site_id 'local' → '{site.name}'" in retried.output
    synced = _run("sync", "--quiet")
    assert synced.exit_code == 0, synced.output
    assert unset in site.hub.store.current(site.name)["calls"]
    assert demo not in site.hub.store.current(site.name)["calls"]
    assert quarantine.listing(site.store) == []

    actions = [(action, seq) for _at, action, seq, _ in quarantine.log(site.store)]
    assert actions == [
        ("set aside", seqs[demo]),
        ("set aside", seqs[unset]),
        ("dropped", seqs[demo]),
        ("retried", seqs[unset]),
    ]
    logged = _run("sync", "quarantine", "list", "--log")
    assert logged.output.count("\n") == 4

    unknown = _run("sync", "quarantine", "retry", "999999")
    assert unknown.exit_code == 1 and "no record 999999 in quarantine" in unknown.output
    nothing = _run("sync", "quarantine", "drop")
    assert nothing.exit_code == 1 and "or pass --all" in nothing.output


@pytest.mark.parametrize("batch_records", [1, 7])
def test_many_refused_records_among_many_good_ones(site: Site, batch_records: int) -> None:
    written = []
    refused = []
    for n in range(12):
        written += site.add_calls(2)
        if n % 3 == 0:
            refused.append(_foreign_call(site, f"other-{n}"))
    summary = site.sync(batch_records=batch_records)
    assert summary.set_aside == len(refused)
    assert set(site.hub.store.current(site.name)["calls"]) == set(written)
    assert {q.row_id for q in quarantine.listing(site.store)} == set(refused)
    state = site_state.load_state(site.store)
    assert state.acked_seq == site.hub.store.mark(site.name)


def test_a_site_id_the_hub_does_not_know_stops_before_anything_is_set_aside(site: Site) -> None:
    site.add_calls(3)
    config = site.home / "config.toml"
    config.write_text(
        config.read_text().replace(f'site_id = "{site.name}"', 'site_id = "warsaw-typo"'),
        encoding="utf-8",
    )
    result = _run("sync", "--quiet")
    assert result.exit_code == 1
    assert (
        f"the hub knows this token as site {site.name!r}, but this store's site_id" in result.output
    )
    assert quarantine.listing(site.store) == [] and site.outbox() == 3


def test_quarantine_commands_speak_the_chosen_language(site: Site) -> None:
    demo = _foreign_call(site, "demo-site")
    unset = _foreign_call(site, "local")
    assert _run("sync", "--quiet").exit_code == 1
    seqs = {q.row_id: q.seq for q in quarantine.listing(site.store)}
    dropped = _run("--lang", "pl", "sync", "quarantine", "drop", str(seqs[demo]))
    assert dropped.exit_code == 0
    assert f"calls/{demo} rewizja 1: porzucony; nie trafi do centrali" in dropped.output
    retried = _run("--lang", "zh", "sync", "quarantine", "retry", "--claim", str(seqs[unset]))
    assert retried.exit_code == 0
    assert f"calls/{unset}：site_id 'local' → '{site.name}'；已作为修订 2 排队" in retried.output
    unknown = _run("--lang", "es", "sync", "quarantine", "retry", "999999")
    assert (
        unknown.exit_code == 1 and "no hay ningún registro 999999 en cuarentena" in unknown.output
    )


@pytest.mark.parametrize("status", [403, 422])
def test_a_refusal_naming_no_record_sets_nothing_aside(site: Site, status: int) -> None:
    """A hub (or a proxy before it) refusing every batch with `"records": []` names no
    record: the site used to send fewer and fewer, then set each record aside alone,
    until the whole outbox sat in quarantine. Nothing is set aside; the sync stops
    naming the refusal."""
    import httpx

    from acw_tui.sync import SyncError
    from acw_tui.sync.client import HubClient, Syncer

    real = httpx.HTTPTransport()

    def refusing(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/sync/batch"):
            return httpx.Response(status, json={"detail": "site suspended", "records": []})
        return real.handle_request(request)

    site.add_calls(5)
    client = HubClient(site.hub.url, site.token, transport=httpx.MockTransport(refusing))
    with pytest.raises(SyncError, match=f"refused the request \\({status}: site suspended\\)"):
        Syncer(site.store, client, batch_records=2).run()
    client.close()
    assert quarantine.count(site.store) == 0
    assert site.outbox() == 5


def test_two_sites_demoing_with_the_same_seed_both_reach_the_hub(
    site: Site, hub, tmp_path: Path
) -> None:
    """Demo ids came from the seed alone: a second site trying acw with the default seed
    had every record refused (its ids were the first site's) and set aside."""
    from acw_tui.store.demo import generate_demo

    other = make_site(hub, tmp_path / "other")
    try:
        for each in (site, other):
            generate_demo(each.store, calls=40, agents=2, days=2, seed=7, site_id=each.name)
            summary = each.sync()
            assert summary.set_aside == 0 and each.outbox() == 0
        theirs = hub.store.current(other.name)["calls"]
        assert len(theirs) == 40 and not set(theirs) & set(hub.store.current(site.name)["calls"])
    finally:
        other.store.close()


def test_demo_ids_are_the_same_for_the_same_seed_and_site(tmp_path: Path) -> None:
    from acw_tui.store import open_store
    from acw_tui.store.demo import generate_demo

    def ids(name: str, site_id: str) -> set[str]:
        store = open_store(tmp_path / name)
        generate_demo(store, calls=20, agents=2, days=2, seed=7, site_id=site_id)
        found = {row[0] for row in store.conn.execute("SELECT id FROM calls")}
        store.close()
        return found

    assert ids("a.db", "s1") == ids("b.db", "s1") != ids("c.db", "s2")


CARD = "4111 1111 1111 1111"
# What a hostile or broken hub may answer: a terminal retitled and cleared, a line
# break, a card number, and far more text than any reason needs.
HOSTILE = f"\x1b]0;owned\x07\x1b[2J bad value\nnext line {CARD} " + "x" * 100_000


def _refusing(bad: str, status: int, detail: str, reason: str) -> Any:
    """A transport to the real hub that refuses, naming it, any batch holding `bad`."""
    import httpx

    real = httpx.HTTPTransport()

    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/sync/batch"):
            named = [
                {"seq": r["seq"], "table": r["table"], "id": r["id"], "reason": reason}
                for r in json.loads(request.content)["records"]
                if r["id"] == bad
            ]
            if named:
                return httpx.Response(status, json={"detail": detail, "records": named})
        return real.handle_request(request)

    return httpx.MockTransport(answer)


def _sync_through(site: Site, transport: Any, **kwargs: Any) -> Any:
    from acw_tui.sync.client import HubClient, Syncer

    client = HubClient(site.hub.url, site.token, transport=transport)
    try:
        return Syncer(site.store, client, **kwargs).run()
    finally:
        client.close()


def test_what_a_hub_says_is_kept_and_shown_as_one_safe_line(site: Site) -> None:
    """A hub's refusal is a network answer whose words reach the site's store (the
    quarantine, its log, the sync's result) and the admin's terminal: escape sequences,
    line breaks, a card number or 100 KB of text reach neither as they were sent."""
    import httpx

    from acw_tui.sync import SyncError

    (bad,) = site.add_calls(1)
    good = site.add_calls(2)
    summary = _sync_through(site, _refusing(bad, 422, HOSTILE, HOSTILE), batch_records=1)
    assert summary.set_aside == 1
    assert set(good) <= set(site.hub.store.current(site.name)["calls"])
    for args in (("list",), ("list", "--log")):
        result = _run("sync", "quarantine", *args)
        assert result.exit_code == 0, result.output
        (line,) = [line for line in result.output.splitlines() if bad in line or "22" in line]
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert CARD not in result.output and "bad value next line" in line
        assert len(line) < 500, len(line)

    # A refusal naming no record ends the sync: its words are the run's stored result.
    site.add_calls(1)
    refusing = httpx.MockTransport(lambda _request: httpx.Response(403, json={"detail": HOSTILE}))
    with pytest.raises(SyncError) as raised:
        _sync_through(site, refusing)
    assert CARD not in str(raised.value) and "\n" not in str(raised.value)
    stored = site_state.load_state(site.store).last_result
    assert stored and CARD not in stored and len(stored) < 1000

    site.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in site.home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert CARD.encode() not in data and CARD.replace(" ", "").encode() not in data, path


@pytest.mark.parametrize(
    ("language", "own_check", "hub_refused", "logged"),
    [
        (
            "pl",
            "zapisany pod oddziałem 'demo-site', a ta baza synchronizuje się jako oddział",
            "rewizja 1  centrala odrzuciła (403): belongs to another site on the hub",
            ("odłożony", "porzucony"),
        ),
        (
            "es",
            "escrito bajo la sede 'demo-site', pero esta base se sincroniza como la sede",
            "revisión 1  el hub lo rechazó (403): belongs to another site on the hub",
            ("apartado", "descartado"),
        ),
        (
            "zh",
            "写入时属于站点 'demo-site'，但此存储以站点",
            "修订 1  中心拒绝（403）：belongs to another site on the hub",
            ("已搁置", "已丢弃"),
        ),
    ],
)
def test_quarantine_reasons_and_log_read_in_the_chosen_language(
    site: Site, language: str, own_check: str, hub_refused: str, logged: tuple[str, str]
) -> None:
    """Why a record was set aside is kept as a phrase, whoever ran the sync and in
    whatever language: the site admin reads it in theirs (the hub's own words quoted)."""
    demo = _foreign_call(site, "demo-site")
    (taken,) = site.add_calls(1)
    reason = "belongs to another site on the hub"
    _sync_through(site, _refusing(taken, 403, "1 record(s) belong to another site", reason))
    listed = _run("--lang", language, "sync", "quarantine", "list")
    assert listed.exit_code == 0, listed.output
    lines = {
        row_id: line
        for line in listed.output.splitlines()
        for row_id in (demo, taken)
        if row_id in line
    }
    assert own_check in lines[demo], lines
    assert hub_refused in lines[taken], lines
    seq = quarantine.listing(site.store)[0].seq
    assert _run("sync", "quarantine", "drop", str(seq)).exit_code == 0
    log = _run("--lang", language, "sync", "quarantine", "list", "--log").output.splitlines()
    assert [logged[0] in line for line in log] == [True, True, False]
    assert logged[1] in log[2] and own_check in log[2]


@pytest.mark.parametrize("backend", ["postgres"])
def test_a_record_the_hubs_store_refuses_is_found_and_set_aside(site: Site) -> None:
    """The hub's PostgreSQL refusing one value of a batch (here a CHECK constraint)
    cannot say whose it is: the hub answers 422 asking for fewer at a time, and the
    site halves the batch until the record is alone, sets it aside, and sends the
    rest. It used to take the answer's empty list for a refusal naming no record and
    stop the sync with nothing sent past the batch."""
    ids = site.add_calls(9)
    bad = ids[4]
    constraint = f"refuse_{uuid.uuid4().hex[:8]}"
    with site.hub.store.db.transaction() as tx:
        tx.execute(f"ALTER TABLE calls ADD CONSTRAINT {constraint} CHECK (id <> '{bad}')")
    try:
        summary = site.sync(batch_records=4)
    finally:
        with site.hub.store.db.transaction() as tx:
            tx.execute(f"ALTER TABLE calls DROP CONSTRAINT {constraint}")
    assert summary.set_aside == 1
    (held,) = quarantine.listing(site.store)
    assert held.row_id == bad and f'violates check constraint "{constraint}"' in held.reason
    assert set(site.hub.store.current(site.name)["calls"]) == set(ids) - {bad}
    assert site.outbox() == 0
