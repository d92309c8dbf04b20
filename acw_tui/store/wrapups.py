"""Wrap-ups, their drafts and the full-text history of notes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from acw_tui.core.ids import new_id
from acw_tui.core.model import Call, Draft, Extension, QualityRecord, RedactionMark, Wrapup
from acw_tui.core.timeutil import utc_iso
from acw_tui.store.database import Store, StoreError
from acw_tui.store.records import insert_record, update_record
from acw_tui.store.rows import call_from_row, draft_from_row, extensions_json, wrapup_from_row

_SELECT = """
SELECT w.*, {call_columns}
FROM wrapups w JOIN calls c ON c.id = w.call_id
"""
_CALL_COLUMNS = (
    "id",
    "external_id",
    "agent_id",
    "site_id",
    "queue",
    "customer_ref",
    "started_at",
    "ended_at",
    "talk_seconds",
    "hold_seconds",
    "direction",
    "hung_up_by",
    "source",
)
SELECT_WRAPUPS = _SELECT.format(call_columns=", ".join(f"c.{n} AS call_{n}" for n in _CALL_COLUMNS))


class WrapupRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- reading ---------------------------------------------------------------------

    def _query(self, where: str = "", params: Iterable[Any] = (), tail: str = "") -> list[Wrapup]:
        result = []
        for row in self.store.rows(f"{SELECT_WRAPUPS} {where} {tail}", list(params)):
            call = call_from_row({n: row[f"call_{n}"] for n in _CALL_COLUMNS})
            result.append(wrapup_from_row(row, call))
        return result

    def get(self, wrapup_id: str) -> Wrapup:
        found = self._query("WHERE w.id = ?", [wrapup_id])
        if not found:
            raise StoreError("{path}: no wrap-up with id {id}", path=self.store.path, id=wrapup_id)
        return found[0]

    def for_call(self, call_id: str) -> Wrapup | None:
        found = self._query("WHERE w.call_id = ?", [call_id], "ORDER BY w.started_at LIMIT 1")
        return found[0] if found else None

    def pending(self, agent_id: str | None = None) -> list[Wrapup]:
        """Open wrap-ups, oldest first."""
        where, params = "WHERE w.status = 'open'", []
        if agent_id is not None:
            where += " AND w.agent_id = ?"
            params.append(agent_id)
        return self._query(where, params, "ORDER BY w.started_at, w.id")

    def acw_running(self, agent_id: str) -> bool:
        """Is any wrap-up still holding the agent in ACW (time not ended)? A finished
        note holds the agent too when the mode allows no early exit."""
        return bool(
            self.store.rows(
                "SELECT 1 FROM wrapups WHERE agent_id = ? AND status IN ('open', 'done') "
                "AND ended_at IS NULL LIMIT 1",
                [agent_id],
            )
        )

    def held(self, agent_id: str) -> list[Wrapup]:
        """Finished notes whose ACW time still runs (no early exit), oldest first."""
        return self._query(
            "WHERE w.status = 'done' AND w.ended_at IS NULL AND w.agent_id = ?",
            [agent_id],
            "ORDER BY w.started_at, w.id",
        )

    def recent(self, limit: int = 200, agent_id: str | None = None) -> list[Wrapup]:
        where, params = "WHERE w.status = 'done'", []
        if agent_id is not None:
            where += " AND w.agent_id = ?"
            params.append(agent_id)
        return self._query(where, params, f"ORDER BY w.finished_at DESC LIMIT {int(limit)}")

    def search(self, text: str, limit: int = 200) -> list[Wrapup]:
        """The newest `limit` finished wrap-ups whose note matches `text` (words, all
        required), newest first.

        Not best match first: a team's notes are alike, so whole runs of them rank the
        same and the oldest would fill the list. Walking the index from its newest row
        (row order is the order wrap-ups opened) stops after `limit` and needs no sort
        of every match; the few shown are then put in the order they were finished.

        A word in a script written without spaces (Chinese, Japanese, Korean, Thai, …)
        is looked for anywhere in the note: the index holds a whole such sentence as
        one token, so "退款" would never match "客户要求退款".
        """
        query, inside = search_terms(text)
        if not query and not inside:
            return self.recent(limit)
        where = "WHERE w.status = 'done'"
        params: list[Any] = []
        if query:
            where = "JOIN wrapups_fts f ON f.rowid = w.rowid " + where + " AND wrapups_fts MATCH ?"
            params.append(query)
        for word in inside:
            where += " AND w.note LIKE ? ESCAPE '\\'"
            params.append(f"%{like_escaped(word)}%")
        newest = "f.rowid" if query else "w.rowid"
        found = self._query(where, params, f"ORDER BY {newest} DESC LIMIT {int(limit)}")
        return sorted(found, key=lambda w: w.finished_at or w.started_at, reverse=True)

    def last_finished(self, agent_id: str) -> Wrapup | None:
        found = self.recent(1, agent_id)
        return found[0] if found else None

    def draft(self, wrapup_id: str, screen: int = 0) -> Draft | None:
        """The draft `screen` saved, else the one saved last by any acw window."""
        rows = self.store.rows(
            "SELECT * FROM drafts WHERE wrapup_id = ? ORDER BY screen = ? DESC, saved_at DESC "
            "LIMIT 1",
            [wrapup_id, screen],
        )
        return draft_from_row(rows[0]) if rows else None

    def draft_of(self, wrapup_id: str, screen: int) -> Draft | None:
        """The draft `screen` saved, if it saved one."""
        rows = self.store.rows(
            "SELECT * FROM drafts WHERE wrapup_id = ? AND screen = ?", [wrapup_id, screen]
        )
        return draft_from_row(rows[0]) if rows else None

    def exists(self, wrapup_id: str) -> bool:
        return bool(self.store.rows("SELECT 1 FROM wrapups WHERE id = ?", [wrapup_id]))

    def codes_in_drafts(self, wrapup_id: str) -> bool:
        """Has any acw window's draft of the wrap-up a code picked?"""
        return bool(
            self.store.rows(
                "SELECT 1 FROM drafts WHERE wrapup_id = ? AND codes != '[]' LIMIT 1", [wrapup_id]
            )
        )

    def left_behind(self, wrapup_id: str | None = None) -> list[Draft]:
        """Drafts of wrap-ups that are no longer open (finished or discarded elsewhere);
        with `wrapup_id`, of that wrap-up only."""
        only = "" if wrapup_id is None else "AND d.wrapup_id = ? "
        rows = self.store.rows(
            "SELECT d.* FROM drafts d JOIN wrapups w ON w.id = d.wrapup_id "
            f"WHERE w.status != 'open' {only}ORDER BY d.saved_at",
            [] if wrapup_id is None else [wrapup_id],
        )
        return [draft_from_row(row) for row in rows]

    # -- writing ---------------------------------------------------------------------

    def open(self, call: Call, started_at: datetime, now: datetime) -> Wrapup:
        with self.store.transaction() as db:
            row = insert_record(
                db,
                "wrapups",
                {
                    "id": new_id(),
                    "call_id": call.id,
                    "agent_id": call.agent_id,
                    "site_id": call.site_id,
                    "status": "open",
                    "started_at": utc_iso(started_at),
                    "timed_out": 0,
                    "extensions": "[]",
                    "codes": "[]",
                    "fields": "{}",
                    "note": "",
                },
                now,
            )
            return self.get(row["id"])

    def save_draft(
        self,
        wrapup_id: str,
        *,
        note: str,
        now: datetime,
        fields: dict[str, Any] | None = None,
        codes: Iterable[str] = (),
        template_id: str | None = None,
        findings: Iterable[RedactionMark] = (),
        screen: int = 0,
    ) -> None:
        """Keep what the agent typed so far in `screen`'s draft; drafts stay local and
        are not synced. `findings` are added to those of earlier saves of the same draft.
        """
        with self.store.transaction() as db:
            before = self.draft_of(wrapup_id, screen)
            marks = list(before.findings) if before else []
            marks += [m for m in findings if m not in marks]
            db.table("drafts").upsert(
                {
                    "wrapup_id": wrapup_id,
                    "screen": screen,
                    "note": note,
                    "fields": json.dumps(fields or {}, ensure_ascii=False),
                    "codes": json.dumps(list(codes), ensure_ascii=False),
                    "template_id": template_id,
                    "saved_at": utc_iso(now),
                    "findings": json.dumps([vars(m) for m in marks], ensure_ascii=False),
                },
                pk=("wrapup_id", "screen"),
            )

    def drop_draft(self, wrapup_id: str, screen: int) -> None:
        self.store.conn.execute(
            "DELETE FROM drafts WHERE wrapup_id = ? AND screen = ?", [wrapup_id, screen]
        )

    def newest_draft_first(self, wrapups: list[Wrapup]) -> list[Wrapup]:
        """The same wrap-ups, the one whose draft was saved last first (then oldest first):
        after a restart the agent is back in the note they were writing."""
        if not wrapups:
            return wrapups
        marks = ", ".join("?" for _ in wrapups)
        saved = {
            str(row["wrapup_id"]): str(row["saved_at"])
            for row in self.store.rows(
                f"SELECT wrapup_id, saved_at FROM drafts WHERE wrapup_id IN ({marks}) "
                "ORDER BY saved_at",
                [w.id for w in wrapups],
            )
        }
        newest = max(saved, key=lambda k: saved[k], default=None)
        return sorted(wrapups, key=lambda w: w.id != newest)

    def extend(self, wrapup: Wrapup, extension: Extension, now: datetime) -> Wrapup:
        with self.store.transaction() as db:
            extensions = (*wrapup.extensions, extension)
            update_record(
                db, "wrapups", wrapup.id, {"extensions": extensions_json(extensions)}, now
            )
        return self.get(wrapup.id)

    def end_acw(
        self,
        wrapup: Wrapup,
        ended_at: datetime,
        acw_seconds: float,
        timed_out: bool,
        now: datetime,
        *,
        auto_code: str | None = None,
    ) -> Wrapup:
        """The agent's ACW time is over; the note may still be open (time-out).

        `auto_code` becomes the wrap-up's code (and its draft's, so the screen shows
        it) when no code was picked."""
        changes: dict[str, Any] = {
            "ended_at": utc_iso(ended_at),
            "acw_seconds": round(acw_seconds, 3),
            "timed_out": int(timed_out),
        }
        if auto_code:
            changes["auto_code"] = auto_code
            changes["codes"] = json.dumps([auto_code], ensure_ascii=False)
        with self.store.transaction() as db:
            update_record(db, "wrapups", wrapup.id, changes, now)
            if auto_code:
                db.execute(
                    "UPDATE drafts SET codes = ? WHERE wrapup_id = ? AND codes = '[]'",
                    [changes["codes"], wrapup.id],
                )
        return self.get(wrapup.id)

    def discard(self, wrapup: Wrapup, reason: str, now: datetime, screen: int = 0) -> Wrapup:
        """A wrap-up opened by mistake: out of the pending list and of every report (no ACW
        time is stored), with the reason kept on the row; `screen`'s draft goes (another
        window's stays until that window has added it, see `add_to_note`)."""
        changes = {
            "status": "discarded",
            "ended_at": utc_iso(now) if wrapup.ended_at is None else utc_iso(wrapup.ended_at),
            "acw_seconds": None,
            "fields": json.dumps({"discard_reason": reason}, ensure_ascii=False),
            "finished_at": utc_iso(now),
        }
        with self.store.transaction() as db:
            update_record(db, "wrapups", wrapup.id, changes, now)
            self.drop_draft(wrapup.id, screen)
        return self.get(wrapup.id)

    def closed(self, wrapup_id: str) -> Wrapup | None:
        """The wrap-up if it is no longer open (finished or discarded), else None: the
        one-column look a draft save makes before writing."""
        row = self.store.conn.execute(
            "SELECT status FROM wrapups WHERE id = ?", [wrapup_id]
        ).fetchone()
        return None if row is not None and row[0] == "open" else self.get(wrapup_id)

    def add_to_note(self, wrapup: Wrapup, text: str, now: datetime, screen: int = 0) -> Wrapup:
        """Put `text` after the stored note of a closed wrap-up, as a paragraph of its own;
        `screen`'s draft, which held it, goes."""
        note = f"{wrapup.note.rstrip()}\n\n{text}" if wrapup.note.strip() else text
        with self.store.transaction() as db:
            update_record(db, "wrapups", wrapup.id, {"note": note}, now)
            self.drop_draft(wrapup.id, screen)
        return self.get(wrapup.id)

    def finish(
        self,
        wrapup: Wrapup,
        *,
        note: str,
        now: datetime,
        ended_at: datetime | None = None,
        acw_seconds: float | None = None,
        codes: Iterable[str] = (),
        template_id: str | None = None,
        template_version: int | None = None,
        fields: dict[str, Any] | None = None,
        guide_version: int | None = None,
        compliant: bool = False,
        quality: QualityRecord | None = None,
        keys_pressed: int | None = None,
        final_chars: int | None = None,
        screen: int = 0,
    ) -> Wrapup:
        """Store the final note and timing and drop `screen`'s draft, in one transaction."""
        changes: dict[str, Any] = {
            "status": "done",
            "note": note,
            "codes": json.dumps(list(codes), ensure_ascii=False),
            "template_id": template_id,
            "template_version": template_version,
            "fields": json.dumps(fields or {}, ensure_ascii=False),
            "guide_version": guide_version,
            "finished_at": utc_iso(now),
            "compliant": int(compliant),
            "keys_pressed": keys_pressed,
            "final_chars": final_chars,
        }
        if quality is not None:
            changes["quality_score"] = quality.score
            changes["quality_critical"] = int(quality.critical_failed)
            changes["quality_failed"] = json.dumps(list(quality.failed), ensure_ascii=False)
        if ended_at is not None and acw_seconds is not None:
            changes["ended_at"] = utc_iso(ended_at)
            changes["acw_seconds"] = round(acw_seconds, 3)
        with self.store.transaction() as db:
            update_record(db, "wrapups", wrapup.id, changes, now)
            self.drop_draft(wrapup.id, screen)
        return self.get(wrapup.id)


# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, Hangul,
# kana, CJK ideographs (and their extensions and compatibility forms).
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3040-\u30ff"
    "\u3100-\u318f\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af"
    "\uf900-\ufaff\U00020000-\U0003ffff]"
)


def search_terms(text: str) -> tuple[str, list[str]]:
    """The words of a search: an FTS5 query of those the index can find, each quoted so
    user input is never parsed as FTS5 syntax, and those in an unspaced script, to be
    looked for inside the note."""
    words = [w for w in text.replace('"', " ").split() if w]
    indexed = [w for w in words if not _UNSPACED.search(w)]
    return " ".join(f'"{w}"' for w in indexed), [w for w in words if _UNSPACED.search(w)]


def like_escaped(word: str) -> str:
    """`word` for a LIKE pattern with ESCAPE '\\': its % and _ are literal."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
