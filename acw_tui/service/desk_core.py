"""What every part of the desk shares: the store and its reading connection, the config,
the clock, the repositories and the redactor (everything typed is redacted before any write).

Reads go to `reader` when one is given: the screen passes a second connection, so that
reading the pending list never waits behind a write that is waiting for a busy store."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Self

from acw_tui.core.clock import AcwClock, Clock, SystemClock
from acw_tui.core.model import Wrapup
from acw_tui.core.policy import AcwPolicy
from acw_tui.core.redaction import Redactor, redactor_for
from acw_tui.settings.config import Config, ConfigError, identities
from acw_tui.settings.redaction import policy_from_config
from acw_tui.store import Store
from acw_tui.store.agent_states import AgentStateRepository
from acw_tui.store.calls import CallRepository
from acw_tui.store.redaction_audit import RedactionAuditRepository
from acw_tui.store.screens import ScreenSlots
from acw_tui.store.wrapups import WrapupRepository

if TYPE_CHECKING:
    from acw_tui.service.completion import CompletionKeeper
    from acw_tui.store.followups import FollowupRepository

SCREEN_CACHE_KIB = 1024  # page cache of each of the screen's store connections


def refuse_card_data_as_ids(config: Config, redactor: Redactor | None = None) -> None:
    """The agent and site ids go on every row and to the hub as written: one that is
    card data or a national id (a login made of one) is refused before any write.
    Phone numbers and e-mail addresses are ids enough."""
    redactor = redactor or redactor_for(policy_from_config(config))
    for where, value in identities(config):
        kinds = {
            finding.kind
            for finding in redactor.redact(value).findings
            if finding.kind not in ("phone", "email")
        }
        if kinds:
            raise ConfigError(
                "{where}: looks like card data or a national id ({kinds}); it would be "
                "stored and synced as written: use a login name instead",
                where=where,
                kinds=", ".join(sorted(kinds)),
            )


class DeskCore:
    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Clock | None = None,
        *,
        reader: Store | None = None,
    ) -> None:
        self.store = store
        self.config = config
        self.clock = clock or SystemClock()
        self.calls = CallRepository(store)
        self.wrapups = WrapupRepository(store)
        self.states = AgentStateRepository(store)
        self.redaction_audit = RedactionAuditRepository(store)
        # This window's number on the store (its drafts are its own): the screen claims
        # one (tui/run.py); the hook and the command line are screen 0.
        self.screens = ScreenSlots()
        # Wrap-ups whose text on screen started from a draft another acw window saved:
        # wrap-up id -> that window's number (see WrapupLifecycle._take_up).
        self.started_from: dict[str, int] = {}
        self._use_reader(reader or store)
        # Everything anyone types is redacted here, before any write (SPEC §10).
        self.redactor = redactor_for(policy_from_config(config))
        refuse_card_data_as_ids(config, self.redactor)

    # The completion model is read well after the screen opens (and by finishing): its
    # code loads on first use, not on the way to the agent's first key.
    @functools.cached_property
    def completion(self) -> CompletionKeeper:
        from acw_tui.service.completion import CompletionKeeper

        return CompletionKeeper(self.store.path, self.config.locale)

    # Follow-ups read due times as the templates do (Jinja2): loaded on first use.
    @functools.cached_property
    def _write_followups(self) -> FollowupRepository:
        from acw_tui.store.followups import FollowupRepository

        return FollowupRepository(self.store)

    @functools.cached_property
    def _read_followups(self) -> FollowupRepository:
        from acw_tui.store.followups import FollowupRepository

        return FollowupRepository(self.reader)

    def _use_reader(self, reader: Store) -> None:
        self.reader = reader
        self._read_wrapups = WrapupRepository(reader)
        self._read_states = AgentStateRepository(reader)
        self.__dict__.pop("_read_followups", None)

    def with_own_reader(self) -> Self:
        """Give reads a connection of their own (the screen's writes run on another
        thread and may wait for a busy store; its reads must not wait with them).

        The screen's two connections each keep a smaller page cache than SQLite's
        default: they read a page list or one wrap-up at a time, and on a million-row
        store the default let them hold 2.4 MiB more for no speed the agent can see."""
        if self.reader is self.store:
            from acw_tui.store import open_store

            self._use_reader(open_store(self.store.path, migrate=False))
            for store in (self.store, self.reader):
                store.keep_cache(SCREEN_CACHE_KIB)
        return self

    @property
    def agent_id(self) -> str:
        return self.config.agent_id

    @property
    def site_id(self) -> str:
        return self.config.site_id

    def policy_for(self, wrapup: Wrapup) -> AcwPolicy:
        return self.config.policy.for_queue(wrapup.call.queue)

    def acw_clock(self, wrapup: Wrapup) -> AcwClock:
        return AcwClock(wrapup.started_at, self.clock)

    def claim_screen(self) -> Self:
        """This desk is an acw window's: its drafts are kept apart from another window's
        on the same store (store/screens.py) until `close`."""
        self.screens = ScreenSlots.claim(self.store.path)
        return self

    def limit_waits(self, seconds: float | None) -> None:
        """acw is leaving: no write waits longer than `seconds` for another program's
        lock from now on, not even one already waiting. None: back to the usual wait."""
        self.store.limit_waits(seconds)

    def close(self) -> None:
        self.screens.release()
        if self.reader is not self.store:
            self.reader.close()
        self.store.close()
