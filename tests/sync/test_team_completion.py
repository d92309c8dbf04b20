"""The hub's team completion model: built from every site's finished notes when a guide
is published, sent down like the guide, and suggested from at a site that never saw
those notes."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from acw_tui.core.clock import ManualClock
from acw_tui.core.completion.team import (
    TEAM_MODEL_FILE,
    TeamModelError,
    parse_team_model,
    team_model_text,
)
from acw_tui.service.completion import CompletionKeeper, team_counts
from acw_tui.service.desk import Desk, FinishRequest
from acw_tui.settings import paths
from acw_tui.settings.config import load_config
from acw_tui.store import open_store
from acw_tui.sync import content
from acw_tui.sync.client import HubClient

from .conftest import Site

GUIDE = '[guide]\nname = "S"\nversion = {version}\nlocale = "en"\n\n[[entry]]\nabbr = "cx"\nexpansion = "customer"\n'
NOTE = "Rebooted the fibre modem remotely, line stable after ten minutes."


def _publish_guide(site: Site, tmp_path: Path, version: int) -> dict[str, object]:
    guide = tmp_path / f"guide-{version}" / "en.toml"  # sites read the guide by its language
    guide.parent.mkdir()
    guide.write_text(GUIDE.format(version=version), encoding="utf-8")
    files, content_version = content.read_bundle("shorthand", guide)
    lead = HubClient(site.hub.url, site.hub.store.add("lead", f"lead-{uuid.uuid4().hex[:6]}"))
    try:
        return lead.publish("shorthand", files, content_version)
    finally:
        lead.close()


def test_the_team_model_comes_down_with_the_guide(own_site: Site, tmp_path: Path) -> None:
    site = own_site
    desk = Desk(site.store, load_config(site.home / "config.toml"), ManualClock())
    for number in range(3):
        wrapup = desk.call_ended(f"T{number}")
        desk.finish(wrapup, FinishRequest(note=NOTE, notes=NOTE))
    site.sync()
    _publish_guide(site, tmp_path, 2)
    summary = site.sync()
    assert set(summary.applied) == {"shorthand", "completion"}
    rows = team_counts()
    assert rows and all(count >= 2 for _, _, count in rows)
    # Another site's agent (an empty store of its own) is offered the team's phrase.
    other = tmp_path / "other.db"
    open_store(other).close()
    model = CompletionKeeper(other, "en").model()
    assert model.suggest("Rebooted the fibre mod").text.startswith("em remotely")
    # The same notes and a new guide version: the model is unchanged, not sent again.
    _publish_guide(site, tmp_path, 3)
    assert set(site.sync().applied) == {"shorthand"}


def test_a_hub_without_notes_sends_no_team_model(own_site: Site, tmp_path: Path) -> None:
    _publish_guide(own_site, tmp_path, 2)
    assert set(own_site.sync().applied) == {"shorthand"}
    assert not (paths.hub_copy("completion") / TEAM_MODEL_FILE).exists()
    assert team_counts() == []


def test_a_lead_cannot_publish_a_team_model(own_site: Site) -> None:
    from acw_tui.sync import SyncError

    lead = HubClient(own_site.hub.url, own_site.hub.store.add("lead", "lead-x"), retry_for=2)
    try:
        with pytest.raises(SyncError):
            lead.publish("completion", {TEAM_MODEL_FILE: "{}"}, None)
    finally:
        lead.close()


def test_the_file_round_trips_and_a_bad_one_is_named() -> None:
    text, size = team_model_text([NOTE, NOTE, "once only"])
    rows = parse_team_model(text, "team.json")
    assert len(rows) == size and ("", "Rebooted", 2) in rows
    assert not any(word == "once" for _, word, _ in rows)
    for bad, why in [
        ("nope", "not JSON"),
        ("[" * 100_000, "not JSON"),  # nested too deeply to decode
        ('{"format": "other"}', "not an acw team completion model"),
        ('{"format": "acw-team-completion", "rows": [["a", "b", -1]]}', "row 1"),
        ('{"format": "acw-team-completion", "rows": {}}', "rows: expected a list"),
    ]:
        with pytest.raises(TeamModelError, match=why):
            parse_team_model(bad, "team.json")


def test_a_team_model_that_cannot_be_built_does_not_stop_the_guide(own_site: Site) -> None:
    from acw_tui.sync.hub_app import _publish
    from acw_tui.sync.protocol import bundle_checksum

    store = own_site.hub.store
    with store.db.transaction() as tx:  # a damaged hub store: its notes cannot be read
        tx.execute("DROP TABLE wrapups")
    files = {"en.toml": GUIDE.format(version=5)}
    body = json.dumps({"files": files, "checksum": bundle_checksum(files), "content_version": 5})
    answer = _publish(store, "shorthand", body.encode(), "lead")
    assert answer["release"] >= 1 and answer["team_model"].startswith("not built: ")
    assert "wrapups" in answer["team_model"]
