"""The agent's desk: the wrap-up lifecycle of SPEC §2 over the store.

The phone-system hook (`acw call-ended`), the command line and the screen all go through
a Desk, so the rules — when ACW starts, when it times out, what may be extended, when a
break may start, what finishing stores, how the agent state log moves — live in one
place. It returns core dataclasses and raises one error type, `DeskError`, whatever
went wrong underneath (a rule, the store, the disk). It never imports Textual.

Its parts: `desk_core` (store, config, clock, repositories), `phone_hook` (calls from
the phone system), `lifecycle` (drafts to finish, quality, agent state) and, here, what
the screens read (pending, history, guide, templates, follow-ups, sync, reports).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from acw_tui.core.model import (
    AgentState,
    AgentStateName,
    Draft,
    Wrapup,
)
from acw_tui.core.shorthand import FillIns
from acw_tui.errors import AcwError
from acw_tui.service.aside_reads import AsideReads
from acw_tui.service.desk_core import SCREEN_CACHE_KIB
from acw_tui.service.errors import AlreadyEnded, DeskError, WrapupClosed, service_call
from acw_tui.service.lifecycle import WrapupLifecycle
from acw_tui.service.phone_hook import PhoneHook
from acw_tui.service.requests import DraftContent, DraftKept, FinishRequest, ReadyFacts
from acw_tui.settings.config import Config

if TYPE_CHECKING:
    from acw_tui.core.clock import Clock

    # Templates need Jinja2: loaded when the first wrap-up's form is built, not with the
    # desk (the phone hook and the screen's first paint never need them).
    from acw_tui.core.completion import CompletionModel
    from acw_tui.core.followups import Followup, Urgency
    from acw_tui.core.shorthand import Guide
    from acw_tui.core.templates import TemplateLibrary
    from acw_tui.core.templates.form import NoteForm
    from acw_tui.reports.options import ReportSettings
    from acw_tui.reports.source import ReportSource
    from acw_tui.service.syncing import SyncOutcome

__all__ = [
    "SCREEN_CACHE_KIB",
    "AlreadyEnded",
    "Desk",
    "DeskError",
    "DraftContent",
    "DraftKept",
    "FinishRequest",
    "ReadyFacts",
    "WrapupClosed",
]


class Desk(PhoneHook, WrapupLifecycle):
    @classmethod
    def open(cls, config: Config, path: Path, clock: Clock | None = None) -> Desk:
        """A desk over the store at `path` (created or upgraded as needed)."""
        from acw_tui.store import open_store

        return cls(open_store(path), config, clock)

    @service_call
    def reopened(self) -> Desk:
        """A desk like this one over the file now at its store's path (after
        StoreFileGone: the file it opened was moved, replaced or deleted); this one is
        closed. For a process that writes without a person watching (the listener)."""
        fresh = Desk.open(self.config, self.store.path, self.clock)
        self.close()
        return fresh

    # -- reading, for the screen ---------------------------------------------------------

    @service_call
    def pending(self) -> list[Wrapup]:
        """Open wrap-ups, oldest first."""
        return self._read_wrapups.pending(self.agent_id)

    @service_call
    def resume_order(self, pending: list[Wrapup]) -> list[Wrapup]:
        """Which wrap-up to show first after a start: the one with the newest draft."""
        return self._read_wrapups.newest_draft_first(pending)

    @service_call
    def draft(self, wrapup_id: str) -> Draft | None:
        """The draft to show: this window's own, else the one another window saved last."""
        draft = self._read_wrapups.draft(wrapup_id, self.screens.number)
        if draft is not None and draft.screen != self.screens.number:
            self.started_from[wrapup_id] = draft.screen
        return draft

    @service_call
    def wrapup(self, wrapup_id: str) -> Wrapup:
        return self._read_wrapups.get(wrapup_id)

    @service_call
    def ready_facts(self) -> ReadyFacts:
        state = self._read_states.current(self.agent_id)
        last = self._read_wrapups.last_finished(self.agent_id)
        return ReadyFacts(
            agent_id=self.agent_id,
            site_id=self.site_id,
            state=state.state if state else AgentStateName.LOGGED_OUT,
            last_acw_seconds=last.acw_seconds if last else None,
            pending=self._read_wrapups.pending(self.agent_id),
        )

    def aside_reads(self) -> AsideReads:
        """Long reads for one screen (a search as the agent types, the outbox counted
        every two seconds): on a connection of their own, a newer one stopping the one
        running."""
        return AsideReads(self.store.path, self.config, SCREEN_CACHE_KIB)

    @service_call
    def history(self, search: str = "", limit: int = 200) -> list[Wrapup]:
        """Finished wrap-ups, newest first, or those whose note matches `search`."""
        if search.strip():
            return self._read_wrapups.search(search, limit)
        return self._read_wrapups.recent(limit)

    @service_call
    def data_version(self) -> int:
        """Changes whenever another connection commits (the hook, or our own writes)."""
        return self.reader.data_version()

    @service_call
    def current_state(self) -> AgentState | None:
        return self._read_states.current(self.agent_id)

    @service_call
    def acw_running(self) -> bool:
        """Is the agent still in ACW for some wrap-up?"""
        return self._read_wrapups.acw_running(self.agent_id)

    @service_call
    def last_acw_seconds(self) -> float | None:
        last = self._read_wrapups.last_finished(self.agent_id)
        return last.acw_seconds if last else None

    # -- the guide and templates in force -------------------------------------------------

    def agent_guide(self) -> Guide:
        """Never raises: problems ride along on the guide (see `content.guide_warning`)."""
        from acw_tui.service import content

        return content.agent_guide(self.config)

    def fill_ins(self, wrapup: Wrapup) -> FillIns:
        """What `{today}`, `{customer}`, `{agent}` … of the guide stand for in a wrap-up."""
        return FillIns(self.clock, wrapup.call.customer_ref or "", self.agent_id)

    def often_undone(self) -> dict[str, tuple[int, int]]:
        """The entries this agent keeps undoing (abbr → (undone, used)), by the rule lint
        tells the lead about. Read on a connection of its own (asked from a worker
        thread); never raises: no coaching is the worst a broken store may cause."""
        from acw_tui.core.shorthand.lint import OFTEN_UNDONE_MIN, OFTEN_UNDONE_SHARE
        from acw_tui.store import open_store
        from acw_tui.store.shorthand_usage import usage_by_entry

        try:
            store = open_store(self.store.path, migrate=False)
            try:
                totals = usage_by_entry(store, agent_id=self.agent_id)
            finally:
                store.close()
        except (AcwError, sqlite3.Error, OSError):
            return {}
        return {
            abbr: (t.undone, t.used)
            for abbr, t in totals.items()
            if t.undone >= OFTEN_UNDONE_MIN and t.undone >= OFTEN_UNDONE_SHARE * max(t.used, 1)
        }

    def typing_aids(self) -> tuple[bool, bool]:
        """(completion on, coaching on) from `[shorthand]`; both on when it is unreadable
        (the guide's loading reports a broken section)."""
        from acw_tui.settings.shorthand import settings

        try:
            found = settings(self.config)
        except AcwError:
            return True, True
        return found.completion, found.coaching

    @service_call
    def completion_model(
        self, guide: Guide | None = None, pace: Callable[[], None] | None = None
    ) -> CompletionModel:
        """The site's completion model for its locale (loaded once; `guide` adds its
        expansions, and the templates in force their words). Slow the first time: ask
        from a worker thread, with `pace` waiting between steps for the agent to pause."""
        library, _problem = self.template_library()  # the form reports a problem
        if pace is None:
            return self.completion.model(guide, library)
        return self.completion.model(guide, library, pace)

    def template_library(self) -> tuple[TemplateLibrary, str | None]:
        """The templates in force and, when some or all are unusable, one line why."""
        from acw_tui.service import content

        return content.template_library(self.config)

    @service_call
    def note_form(self, wrapup: Wrapup, library: TemplateLibrary) -> NoteForm:
        """The note form of a wrap-up, restored from its draft."""
        from acw_tui.service import content

        return content.note_form(self.config, library, self.draft(wrapup.id))

    # -- follow-ups ----------------------------------------------------------------------

    @service_call
    def followup_counts(self, now: datetime) -> dict[Urgency, int]:
        """Every open follow-up of this site by its urgency at `now`, however many
        `open_followups` lists."""
        return self._read_followups.open_counts(now, self.followup_due_soon(), self.site_id)

    @service_call
    def open_followups(self, *, with_done_today: bool = False, limit: int = 500) -> list[Followup]:
        """The `limit` open follow-ups due first (and those done today, in the agent's
        local day as the screen shows times)."""
        items = self._read_followups.open(self.site_id, limit)
        if with_done_today:
            local = self.clock.now().astimezone()
            since = local.replace(hour=0, minute=0, second=0, microsecond=0)
            items += self._read_followups.recently_done(since, self.site_id)
        return items

    @service_call
    def toggle_followup(self, item: Followup) -> Followup:
        """Done, or open again if it was done."""
        now = self.clock.now()
        if item.is_done:
            return self._write_followups.reopen(item.id, now)
        return self._write_followups.mark_done(item.id, now)

    def followup_due_soon(self) -> timedelta:
        """Follow-ups due within this are highlighted (`[templates] due_soon_minutes`)."""
        from acw_tui.settings.templates import templates_config

        try:
            return timedelta(minutes=templates_config(self.config).due_soon_minutes)
        except AcwError:
            return timedelta(hours=1)

    # -- sync ----------------------------------------------------------------------------

    @service_call
    def sync_now(self, progress: Callable[[int, int], None]) -> SyncOutcome:
        """Send the outbox and take newer guide and templates (minutes: run it off the
        screen's thread); it opens its own connection to the store."""
        from acw_tui.service.syncing import sync_now

        outcome = sync_now(self.store, self.config, progress)
        if "completion" in outcome.applied:
            self.completion.forget()  # the next wrap-up loads the new team model
        return outcome

    # -- reports -------------------------------------------------------------------------

    @service_call
    def report_settings(self) -> ReportSettings:
        from acw_tui.reports.options import ReportSettings
        from acw_tui.settings.config import section

        return section(self.config, "report", ReportSettings)

    def report_source(self) -> ReportSource:
        """A new connection for one report (reports run on worker threads)."""
        from acw_tui.reports.source import sqlite_source

        return sqlite_source(self.store.path)
