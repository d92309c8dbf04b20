"""Re-checking everything already stored against the current redaction policy.

Needed when a policy gains a type or an allow pattern is removed, or for a store written
before redaction existed. Changed wrap-ups are updated as records (new rev, new outbox
snapshot, so the hub gets the redacted version too) with audit rows marked `scrub`;
drafts and unsent outbox snapshots are rewritten in place. Then the full-text index is
rebuilt (its old segments would still hold the words), the completion model is learned
again from the notes as they now are (when a note changed), the file vacuumed and the
WAL truncated, so no freed page keeps a copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from acw_tui.core import call_ids
from acw_tui.core.redaction import Finding, Redactor
from acw_tui.store.database import Store
from acw_tui.store.records import update_record
from acw_tui.store.redaction_audit import RedactionAuditRepository
from acw_tui.store.store_keys import call_id_key


@dataclass
class ScrubReport:
    """What `acw db scrub` did: what it checked and found, and what it rewrote."""

    wrapups: int = 0  # wrap-ups whose note, fields or extension reasons changed
    calls: int = 0  # calls whose id, customer reference or queue held card data or an id
    drafts: int = 0
    outbox: int = 0
    findings: int = 0
    checked: int = 0  # wrap-ups and drafts looked at


def _clean_text_columns(
    redactor: Redactor, row: dict[str, Any]
) -> tuple[dict[str, Any], list[Finding]]:
    """The changed free-text columns of a wrap-up or draft row (note, fields, extensions)."""
    changes: dict[str, Any] = {}
    fields = json.loads(row.get("fields") or "{}")
    record = redactor.redact_record(row.get("note") or "", fields)
    findings = list(record.findings)
    if record.note != (row.get("note") or ""):
        changes["note"] = record.note
    if record.fields != fields:
        changes["fields"] = json.dumps(record.fields, ensure_ascii=False)
    if "extensions" in row:
        extensions = json.loads(row["extensions"] or "[]")
        cleaned, found = redactor.redact_value(extensions, "extensions")
        if cleaned != extensions:
            changes["extensions"] = json.dumps(cleaned, ensure_ascii=False)
            findings += found
    return changes, findings


# What a phone system sends about a call, stored as text (SPEC §10: every door).
CALL_TEXT = ("external_id", "customer_ref", "queue")


def _clean_call(
    redactor: Redactor, row: dict[str, Any], key: bytes
) -> tuple[dict[str, Any], list[Finding]]:
    changes: dict[str, Any] = {}
    findings: list[Finding] = []
    for column in CALL_TEXT:
        value = row.get(column)
        if not value:
            continue
        done = redactor.redact(value, f"call {column}")
        if done.text != value:
            # A call id keeps the digest the hook gives it (core/call_ids.py): the same
            # raw id reported later finds this call.
            stored = call_ids.as_stored(value, done.text, key)
            changes[column] = stored if column == "external_id" else done.text
            findings += done.findings
    return changes, findings


def _scrub_calls(
    db: Any, redactor: Redactor, audit: RedactionAuditRepository, now: datetime, key: bytes
) -> tuple[int, int]:
    """Calls rewritten and findings; a call id that now reads like another call's (two
    cards ending alike) gets its row number added, since a site's call ids are unique."""
    calls = found = 0
    for row in list(db.query("SELECT rowid AS n, * FROM calls ORDER BY rowid")):
        changes, findings = _clean_call(redactor, row, key)
        if not changes:
            continue
        new_id = changes.get("external_id")
        if (
            new_id is not None
            and db.execute(
                "SELECT 1 FROM calls WHERE site_id = ? AND external_id = ?",
                [row["site_id"], new_id],
            ).fetchone()
        ):
            changes["external_id"] = f"{new_id}~{row['n']}"
        update_record(db, "calls", row["id"], changes, now)
        calls += 1
        found += len(findings)
        wrapup = db.execute("SELECT id FROM wrapups WHERE call_id = ?", [row["id"]]).fetchone()
        if wrapup is not None:
            audit.record(
                wrapup_id=wrapup[0],
                agent_id=row["agent_id"],
                site_id=row["site_id"],
                findings=findings,
                policy_version=redactor.policy.version,
                now=now,
                origin="scrub",
            )
    for row in list(db.query("SELECT seq, payload FROM outbox WHERE table_name = 'calls'")):
        payload = json.loads(row["payload"])
        changes, _ = _clean_call(redactor, payload, key)
        if changes:
            db.execute(
                "UPDATE outbox SET payload = ? WHERE seq = ?",
                [json.dumps({**payload, **changes}, ensure_ascii=False), row["seq"]],
            )
    return calls, found


def scrub_store(store: Store, redactor: Redactor, now: datetime) -> ScrubReport:
    report = ScrubReport()
    audit = RedactionAuditRepository(store)
    version = redactor.policy.version
    key = call_id_key(store)
    with store.transaction() as db:
        for row in list(db.query("SELECT * FROM wrapups ORDER BY rowid")):
            report.checked += 1
            changes, findings = _clean_text_columns(redactor, row)
            if not changes:
                continue
            update_record(db, "wrapups", row["id"], changes, now)
            report.wrapups += 1
            report.findings += len(findings)
            audit.record(
                wrapup_id=row["id"],
                agent_id=row["agent_id"],
                site_id=row["site_id"],
                findings=findings,
                policy_version=version,
                now=now,
                origin="scrub",
            )
        report.calls, found = _scrub_calls(db, redactor, audit, now, key)
        report.findings += found
        for row in list(db.query("SELECT * FROM drafts")):
            report.checked += 1
            changes, findings = _clean_text_columns(redactor, row)
            if changes:
                db.table("drafts").update((row["wrapup_id"], row["screen"]), changes)
                report.drafts += 1
                report.findings += len(findings)
        for row in list(db.query("SELECT seq, payload FROM outbox WHERE table_name = 'wrapups'")):
            payload = json.loads(row["payload"])
            changes, _ = _clean_text_columns(redactor, payload)
            if changes:
                db.execute(
                    "UPDATE outbox SET payload = ? WHERE seq = ?",
                    [json.dumps({**payload, **changes}, ensure_ascii=False), row["seq"]],
                )
                report.outbox += 1
        # An FTS5 delete only adds a tombstone; the old words stay in older segments
        # until they are merged. Rebuilding writes the index afresh from the notes.
        db.execute("INSERT INTO wrapups_fts (wrapups_fts) VALUES ('rebuild')")
        if report.wrapups:
            # The completion model learned the notes as they were: learn them again.
            from acw_tui.store.completion import relearn

            relearn(store.conn)
    vacuum(store)
    return report


def vacuum(store: Store) -> None:
    """Rewrite the file without free pages, then empty the WAL."""
    with store.errors():
        store.conn.execute("VACUUM")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
