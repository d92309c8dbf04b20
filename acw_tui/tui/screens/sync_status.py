"""Sync status: what is waiting to reach the hub, the last sync, and a sync on demand.

The sync runs in a thread worker (on its own store connection), so the agent can keep
working or leave the screen while it runs. The worker posts messages: progress to this
screen (dropped if it was left), the outcome to the app, which tells the agent wherever
they are, and passes it on to this screen if it is still open.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Header, ProgressBar, Static

from acw_tui.errors import AcwError
from acw_tui.i18n import N_, _, ngettext, said
from acw_tui.service.aside_reads import AsideReads
from acw_tui.service.syncing import NO_HUB, SyncFacts
from acw_tui.tui.background import abandoned_at_exit
from acw_tui.tui.messages import HubContentReceived
from acw_tui.tui.screens.base import DeskScreen
from acw_tui.tui.widgets.key_bar import KeyBar
from acw_tui.tui.widgets.listener_state import listener_lines

REFRESH_SECONDS = 2.0


@dataclass
class SyncProgress(Message):
    """How far the running sync has got: records sent, of those to send."""

    done: int
    total: int


@dataclass
class SyncFinished(Message):
    """A sync ended: what to tell the agent, and how (information, warning or error)."""

    text: str
    severity: str


def facts_lines(facts: SyncFacts) -> str:
    last = facts.last_sync_at or _("never")
    if facts.last_result:
        last += f"  ({facts.last_result})"
    shipped = _("– (shipped)")
    rows = [
        (_("Hub"), _(facts.hub) if facts.hub == NO_HUB else facts.hub),
        (
            _("Unsynced"),
            ngettext("{count} record(s)", "{count} record(s)", facts.unsynced).format(
                count=facts.unsynced
            ),
        ),
        (_("Last sync"), last),
        (_("Hub has up to"), f"#{facts.acked_seq}"),
        (_("Guide"), _("release {release}").format(release=facts.guide_release or shipped)),
        (
            _("Templates"),
            _("release {release}").format(release=facts.templates_release or shipped),
        ),
    ]
    # Labels padded by terminal cells (Chinese labels are double width).
    width = max(15, *(cell_len(label) + 2 for label, _value in rows))
    return "\n".join(label + " " * (width - cell_len(label)) + value for label, value in rows)


class SyncStatusScreen(DeskScreen):
    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("s", "sync_now", N_("Sync now")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.running = False
        self._reads: AsideReads | None = None  # made on mount (the desk is the app's)
        self._counting = False  # a count of the outbox is on its way
        self._count_again = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sync-status"):
            # Hub URLs, results and hints hold brackets ([sync]): text, not markup.
            yield Static(id="sync-facts", markup=False)
            yield ProgressBar(id="sync-progress", show_eta=True)
            yield Static(id="sync-message", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = _("Sync")
        self._reads = self.desk.aside_reads()
        self.refresh_facts()
        # New wrap-ups keep arriving while this screen is open.
        self.set_interval(REFRESH_SECONDS, self.refresh_facts)

    def on_unmount(self) -> None:
        if self._reads is not None:
            reads, self._reads = self._reads, None
            self.calls.close_aside(reads)

    def refresh_facts(self) -> None:
        """Count what waits for the hub on the aside thread (a long outbox takes a
        second), one count at a time; the facts are shown when it is in."""
        reads = self._reads
        if reads is None:
            return
        if self._counting:
            self._count_again = True  # once this one is in: something changed since
            return
        self._counting, self._count_again = True, False
        ticket = reads.ask()

        def counted() -> None:
            self._counting = False
            if self._count_again:
                self.refresh_facts()

        def done(facts: SyncFacts | None) -> None:
            if self._reads is reads:  # (not when the screen has gone)
                if facts is not None:
                    self._show_facts(facts)
                counted()

        def failed(error: AcwError) -> None:
            if self._reads is reads:
                self.query_one("#sync-facts", Static).update(said(error))
                counted()

        self.calls.read_aside(lambda: reads.sync_facts(ticket), done=done, failed=failed)

    def _show_facts(self, facts: SyncFacts) -> None:
        text = facts_lines(facts)
        try:
            listener = self.desk.listener_status()
        except AcwError:
            listener = None  # the sync facts above are what this screen is for
        if listener is not None:
            text += "\n\n" + "\n".join(listener_lines(listener, self.desk.clock.now()))
        self.query_one("#sync-facts", Static).update(text)
        self.sub_title = _("{count} unsynced").format(count=facts.unsynced)

    def action_sync_now(self) -> None:
        if self.running:
            self.notify(_("A sync is already running."))
            return
        self.running = True
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=None, progress=0)  # pulses until the count to send is known
        bar.display = True
        self.query_one("#sync-message", Static).update(_("Syncing…"))
        self.run_sync()

    # Not a Textual worker: quitting must not wait for a sync retrying a hub that is down.
    @abandoned_at_exit
    def run_sync(self) -> None:
        app = self.app
        try:
            outcome = self.desk.sync_now(lambda d, t: self.post_message(SyncProgress(d, t)))
        except AcwError as exc:
            finished = SyncFinished(said(exc), "error")
        except Exception as exc:  # a bug in sync must not take the agent's screen down
            app.call_from_thread(self.acw_app.unexpected_error, exc, "sync")
            finished = SyncFinished(_("Sync stopped by an unexpected error."), "error")
        else:
            problems = "; ".join(outcome.problems)
            text = "\n".join(outcome.lines) + (f"\n{problems}" if problems else "")
            finished = SyncFinished(text, "warning" if problems else "information")
            if outcome.applied:
                app.post_message(HubContentReceived(outcome.applied))
        # The outcome reaches the agent even if this screen was left meanwhile.
        if not self.post_message(finished):
            app.call_from_thread(self.tell, finished)

    @on(SyncProgress)
    def progress(self, event: SyncProgress) -> None:
        self.query_one("#sync-progress", ProgressBar).update(
            total=max(event.total, 1), progress=event.done
        )

    @on(SyncFinished)
    def finished(self, event: SyncFinished) -> None:
        self.running = False
        # A failed sync leaves no bar behind; a finished one stays full until the next.
        if event.severity == "error":
            self.query_one("#sync-progress", ProgressBar).display = False
        self.query_one("#sync-message", Static).update(event.text)
        self.refresh_facts()
        self.tell(event)

    def tell(self, event: SyncFinished) -> None:
        first = event.text.splitlines()[0] if event.text else ""
        self.app.notify(first, title=_("Sync"), severity=event.severity, markup=False)  # type: ignore[arg-type]
