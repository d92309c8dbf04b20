"""Sync status: what is waiting to reach the hub, the last sync, and a sync on demand.

The sync runs in a thread worker on its own store connection, so the agent can keep
working (or leave the screen) while it runs; progress comes back through
`call_from_thread`. When a newer guide or templates arrive, the app is told with
`HubContentReceived` so screens can reload them without a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, ProgressBar, Static

from acw_tui.errors import AcwError
from acw_tui.tui.widgets.key_bar import KeyBar

REFRESH_SECONDS = 2.0


@dataclass
class HubContentReceived(Message):
    """A newer guide (`shorthand`) and/or `templates` release was applied from the hub."""

    kinds: tuple[str, ...]


class SyncStatusScreen(Screen[None]):
    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "sync_now", "Sync now"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sync-status"):
            yield Static(id="sync-facts")
            yield ProgressBar(id="sync-progress", show_eta=True)
            yield Static(id="sync-message")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Sync"
        self.running = False
        self.refresh_facts()
        # New wrap-ups keep arriving while this screen is open.
        self.set_interval(REFRESH_SECONDS, self.refresh_facts)

    def refresh_facts(self) -> None:
        from acw_tui.settings.sync import sync_settings
        from acw_tui.sync import content, site_state

        desk = self.app.desk  # type: ignore[attr-defined]
        try:
            state = site_state.load_state(desk.store)
            waiting = site_state.unsynced(desk.store)
            hub = sync_settings(desk.config).hub_url or state.hub_url or "none set ([sync] hub_url)"
        except AcwError as exc:
            self.query_one("#sync-facts", Static).update(str(exc))
            return
        lines = [
            f"Hub            {hub}",
            f"Unsynced       {waiting} record(s)",
            f"Last sync      {state.last_sync_at or 'never'}"
            + (f"  ({state.last_result})" if state.last_result else ""),
            f"Hub has up to  #{state.acked_seq}",
            f"Guide          release {content.local_release('shorthand') or '– (shipped)'}",
            f"Templates      release {content.local_release('templates') or '– (shipped)'}",
        ]
        self.query_one("#sync-facts", Static).update("\n".join(lines))
        self.sub_title = f"{waiting} unsynced"

    def action_sync_now(self) -> None:
        if self.running:
            self.notify("A sync is already running.")
            return
        self.running = True
        self.query_one("#sync-message", Static).update("Syncing…")
        self.run_sync()

    def _progress(self, done: int, total: int) -> None:
        self.app.call_from_thread(
            self.query_one("#sync-progress", ProgressBar).update, total=max(total, 1), progress=done
        )

    @work(thread=True, exclusive=True, group="sync")
    def run_sync(self) -> None:
        from acw_tui.settings.sync import hub_url, site_token, sync_settings
        from acw_tui.sync.client import HubClient, Syncer

        desk = self.app.desk  # type: ignore[attr-defined]
        try:
            settings = sync_settings(desk.config)
            client = HubClient(
                hub_url(desk.config, None),
                site_token(desk.config, None),
                timeout=settings.timeout_seconds,
                retry_for=settings.retry_seconds,
            )
            try:
                summary = Syncer(
                    desk.store, client, batch_records=max(1, settings.batch_records)
                ).run(self._progress)
            finally:
                client.close()
        except AcwError as exc:
            self.app.call_from_thread(self._finished, str(exc), (), "error")
            return
        problems = "; ".join(summary.content_errors)
        text = "\n".join(summary.lines()) + (f"\n{problems}" if problems else "")
        self.app.call_from_thread(
            self._finished, text, tuple(summary.applied), "warning" if problems else "information"
        )

    def _finished(self, text: str, applied: tuple[str, ...], severity: str) -> None:
        self.running = False
        self.query_one("#sync-message", Static).update(text)
        self.refresh_facts()
        first = text.splitlines()[0] if text else ""
        self.notify(first, title="Sync", severity=severity)  # type: ignore[arg-type]
        if applied:
            self.app.post_message(HubContentReceived(applied))
