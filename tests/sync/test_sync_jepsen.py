"""Several `acw sync` processes at once, with random kill -9 of syncs and of the hub.

Round after round the site writes and edits records while four syncs start together;
a seeded schedule kills one of them, the hub, both or neither at a random moment, and
restarts the hub. Every process ends with a summary or one clear line, never a
traceback. At the end the hub holds exactly what the site holds (every revision), and
the records the hub accepted stay within a small factor of what the outbox handed
out: no run ever re-sends the site's history because another run moved the mark.
"""

from __future__ import annotations

import json
import random
import subprocess
import time

from acw_tui.sync import site_state

from .conftest import Site, run_acw

ROUNDS = 5
SYNCS_AT_ONCE = 4


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = proc.communicate(timeout=90)
    return proc.returncode, err


def test_concurrent_syncs_and_kill_9_of_site_and_hub_converge(own_site: Site) -> None:
    site, hub = own_site, own_site.hub
    with open(site.home / "config.toml", "a", encoding="utf-8") as config:
        config.write("batch_records = 5\n")
    rng = random.Random(20261126)
    outcomes: dict[str, int] = {}
    for _ in range(ROUNDS):
        ids = site.add_calls(rng.randint(30, 80))
        for row_id in rng.sample(ids, 5):
            site.edit(row_id)
        syncs = []
        for _ in range(SYNCS_AT_ONCE):
            syncs.append(run_acw(site.home, "sync", "--quiet"))
            time.sleep(rng.uniform(0.0, 0.15))
        time.sleep(rng.uniform(0.2, 1.2))
        fate = rng.choice(["kill a sync", "kill the hub", "kill both", "let be"])
        if fate in ("kill a sync", "kill both"):
            rng.choice(syncs).kill()
        if fate in ("kill the hub", "kill both"):
            hub.kill()
            time.sleep(rng.uniform(0.1, 0.6))
            hub.start()
        for proc in syncs:
            code, err = _finish(proc)
            assert "Traceback" not in err, err
            if code == 1:
                assert len(err.strip().splitlines()) == 1, err
                reason = "locked" if "another `acw sync`" in err else err.strip()
            else:
                assert code in (0, -9), (code, err)
                reason = {0: "synced", -9: "killed"}[code]
            outcomes[reason] = outcomes.get(reason, 0) + 1
        site.add_calls(rng.randint(0, 10))  # the agents keep working between rounds
    assert set(outcomes) <= {"synced", "locked", "killed"}, outcomes
    assert outcomes.get("locked", 0) > 0  # the syncs did overlap

    site.sync()
    assert site.outbox() == 0
    site.assert_hub_equal()
    assert site_state.load_state(site.store).acked_seq == hub.store.mark(site.name)
    with hub.store.db.reading() as tx:
        answers = tx.all("SELECT answer FROM hub_batches WHERE site_id = ?", [site.name])
    accepted = sum(json.loads(a[0])["records"] for a in answers)
    handed_out = site_state.last_seq(site.store)
    assert handed_out <= accepted <= 2 * handed_out
