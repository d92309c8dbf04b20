"""Sync as the screen sees it: what is waiting, the last result, and a sync on demand.

A sync runs on its own connection to the store (it takes minutes on a big outbox and
must not hold the connection the screen writes drafts through): the syncer opens it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from acw_tui.errors import N_
from acw_tui.settings.config import Config
from acw_tui.store import Store


@dataclass(frozen=True)
class SyncFacts:
    """What the sync screen shows: the hub, what waits to reach it, the last sync, and the
    guide and templates releases in force."""

    hub: str
    unsynced: int
    last_sync_at: str | None
    last_result: str | None
    acked_seq: int
    guide_release: int | None
    templates_release: int | None


NO_HUB = N_("none set ([sync] hub_url)")  # translated where shown


@dataclass(frozen=True)
class SyncOutcome:
    """What a sync on demand did, for the agent: its summary lines, the problems to show, and
    the content kinds received from the hub."""

    lines: list[str]
    problems: list[str]
    applied: tuple[str, ...]


def sync_facts(reader: Store, config: Config) -> SyncFacts:
    from acw_tui.settings.sync import sync_settings
    from acw_tui.sync import content, site_state

    state = site_state.load_state(reader)
    return SyncFacts(
        hub=sync_settings(config).hub_url or state.hub_url or NO_HUB,
        unsynced=site_state.unsynced(reader),
        last_sync_at=state.last_sync_at,
        last_result=state.last_result,
        acked_seq=state.acked_seq,
        guide_release=content.local_release("shorthand") or None,
        templates_release=content.local_release("templates") or None,
    )


def sync_now(store: Store, config: Config, progress: Callable[[int, int], None]) -> SyncOutcome:
    from acw_tui.sync.client import configured_client, configured_syncer

    client = configured_client(config, options=False)  # the agent has no --hub to pass
    try:
        syncer = configured_syncer(store, config, client)  # on a connection of its own
        try:
            summary = syncer.run(progress)
        finally:
            syncer.close()
    finally:
        client.close()
    problems = summary.problems()
    return SyncOutcome(summary.lines(), problems, tuple(summary.applied))
