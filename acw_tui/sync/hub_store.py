"""The hub's store: sites and tokens, mirrored records with every revision, bundles.

Current-state tables (`calls`, `wrapups`, …) are plain mirrors of the site tables, so
the same report SQL runs here. `hub_history` keeps every revision ever received.
A batch is applied in one transaction with

    INSERT … ON CONFLICT (id) DO UPDATE SET …
        WHERE excluded.rev > <table>.rev AND <table>.site_id = excluded.site_id

so an older revision arriving late never overwrites a newer one, replays change
nothing, and a row stored for one site is never touched by another's batch — even when
two sites send the same new id at the same moment and PostgreSQL lets the second
insert wait for the first. Ownership is then checked inside the same transaction,
after the upsert, so a batch holding another site's id is refused whole (403, nothing
written). The site's mark is taken under a row lock (an UPDATE … RETURNING), which
serialises batches of one site across any number of hub processes.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from acw_tui.core.printable import cut, flat
from acw_tui.errors import N_, Phrase
from acw_tui.sync import HubError
from acw_tui.sync.hub_db import HubDatabase, PoolLimits, Tx
from acw_tui.sync.protocol import KIND_LABELS, Record, bundle_checksum, record_digest
from acw_tui.sync.tables import SyncedTable, synced_tables

# A batch's answer is kept for the site to send that batch again (its acknowledgement
# lost on the way); a site only ever sends again its newest, so a month is ample.
BATCH_ANSWERS_KEPT = timedelta(days=30)
TEAM_MODEL_NOTES = 50_000  # newest finished notes of all sites the team model learns

ROLES = ("site", "lead")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

HUB_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS hub_sites (
        site_id TEXT PRIMARY KEY,
        mark BIGINT NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        last_seen TEXT,
        store_id TEXT,
        mark_at TEXT,
        rebase_over BIGINT
    )""",
    """CREATE TABLE IF NOT EXISTS hub_tokens (
        token_hash TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS hub_batches (
        site_id TEXT NOT NULL,
        idem_key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        answer TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (site_id, idem_key)
    )""",
    """CREATE TABLE IF NOT EXISTS hub_history (
        table_name TEXT NOT NULL,
        id TEXT NOT NULL,
        rev BIGINT NOT NULL,
        site_id TEXT NOT NULL,
        seq BIGINT NOT NULL,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (table_name, id, rev)
    )""",
    """CREATE TABLE IF NOT EXISTS hub_content (
        kind TEXT NOT NULL,
        release BIGINT NOT NULL,
        content_version BIGINT,
        checksum TEXT NOT NULL,
        files TEXT NOT NULL,
        published_by TEXT NOT NULL,
        published_at TEXT NOT NULL,
        PRIMARY KEY (kind, release)
    )""",
)

# Columns added to the hub's own tables since they were first made: `acw hub init`
# (also run by `acw hub serve`) adds each one a store lacks, on SQLite and PostgreSQL.
HUB_COLUMNS_ADDED = (
    ("hub_sites", "store_id", "TEXT"),
    ("hub_sites", "mark_at", "TEXT"),
    ("hub_sites", "rebase_over", "BIGINT"),
)

SQL_TYPES = {"text": "TEXT", "integer": "BIGINT", "real": "DOUBLE PRECISION"}
# PostgreSQL's types (information_schema.columns.data_type) by the kind they hold.
PG_KINDS = {
    "text": "text",
    "character varying": "text",
    "character": "text",
    "bigint": "integer",
    "integer": "integer",
    "smallint": "integer",
    "double precision": "real",
    "real": "real",
    "numeric": "real",
}


def _sqlite_kind(declared: str) -> str:
    """The kind a SQLite column holds, by SQLite's own affinity rules."""
    upper = declared.upper()
    if "INT" in upper:
        return "integer"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "text"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "real"
    return declared or "untyped"


# Indexes of the hub's own tables, on either store. Deleting a site's old batch answers
# as each batch is stored must not read every answer of the site.
HUB_INDEXES = {"hub_batches_by_age": "hub_batches (site_id, received_at)"}
# A SQLite hub store gets the indexes a site's store has for reports (store migration 8):
# reports read medians by walking the ACW-order ones (reports/queries.py) and logged-in
# time from the covering one. PostgreSQL ranks by sorting and needs none of them.
SQLITE_REPORT_INDEXES = {
    "wrapups_acw_order": "wrapups (acw_seconds, started_at, site_id, agent_id)",
    "wrapups_site_acw_order": "wrapups (site_id, acw_seconds, started_at, agent_id)",
    "wrapups_site_agent_acw_order": "wrapups (site_id, agent_id, acw_seconds, started_at)",
    "agent_states_by_agent": "agent_states (agent_id, started_at, state, ended_at, site_id)",
}


class Refused(Exception):
    """The hub refuses a request; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.extra = extra


@dataclass(frozen=True)
class Identity:
    """Whom a token stands for on the hub: a site or a team lead, by name."""

    role: str
    name: str


def _same_store(site: str, bound: str | None, store: str | None) -> None:
    """Refuse a store other than the one the site's sequence numbers come from: its
    numbers are not the site's, and a mark moved by one would make the other drop
    records the hub never got."""
    if bound is None or bound == store:
        return
    raise Refused(
        409,
        f"site {site!r} syncs from another store on this hub; each store needs a site "
        "name and token of its own (`acw hub site add`), or, if this store replaces the "
        f"site's, the hub admin runs `acw hub site reset-store {site}`",
        another_store=True,
    )


def _record_at(stored: str | None) -> dict[str, Any] | None:
    """The record at a site's mark as `hub_sites.mark_at` keeps it (`table`, `id`,
    `rev`), or None if not known (a mark from before the hub kept it, or mark 0)."""
    if not stored:
        return None
    try:
        found = json.loads(stored)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _refused(record: Record, reason: str) -> dict[str, Any]:
    return {"seq": record.seq, "table": record.table, "id": record.id, "reason": reason}


def now_text() -> str:
    return _text_of(datetime.now(UTC))


def _text_of(moment: datetime) -> str:
    """A moment as the hub stores it (UTC, milliseconds): such texts sort as time does."""
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a plain digest is as strong as a slow hash here.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return "acw_" + secrets.token_urlsafe(32)


def check_name(name: str) -> Phrase | None:
    """Why `name` cannot name a site or lead on the hub, or None.

    A site's name is every record's `site_id`, in every report and every file, as
    written: one that is card data or a national id is refused, by the rule that
    refuses them as the agent and site ids of a site's config (phone numbers and
    e-mail addresses are names enough). The name is never quoted then, only as it
    would read redacted."""
    from acw_tui.core.redaction import redactor_for

    redacted = redactor_for().redact(name)
    kinds = {f.kind for f in redacted.findings if f.kind not in ("phone", "email")}
    if kinds:
        return Phrase(
            N_(
                "{name} looks like card data or a national id ({kinds}): a name on the hub "
                "is stored and synced with every record as written; use a name such as "
                "warsaw-1"
            ),
            name=repr(cut(flat(redacted.text), 40)),
            kinds=", ".join(sorted(kinds)),
        )
    if not NAME_PATTERN.fullmatch(name):  # (`$` would let a final line break through)
        return Phrase(
            N_(
                "{name} is not a name for the hub: 1 to 64 letters, digits, '.', '_' or '-', "
                "starting with a letter or digit (e.g. warsaw-1)"
            ),
            name=repr(cut(flat(name), 40)),
        )
    return None


def _named(name: str) -> str:
    """`name` if it can name a site or lead on the hub; else the reason, as a HubError."""
    why = check_name(name)
    if why is not None:
        raise HubError(why.template, **why.params)
    return name


def _upsert_sql(table: SyncedTable) -> str:
    names = table.column_names
    columns = ", ".join(names)
    marks = ", ".join("?" for _ in names)
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "id")
    return (
        f"INSERT INTO {table.name} ({columns}) VALUES ({marks}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates} "
        f"WHERE excluded.rev > {table.name}.rev AND {table.name}.site_id = excluded.site_id"
    )


HISTORY_SQL = (
    "INSERT INTO hub_history (table_name, id, rev, site_id, seq, payload, received_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (table_name, id, rev) DO NOTHING"
)


# A revision's snapshot as hub_history keeps it (one encoder: json.dumps with these
# options would make a new one for every record).
_snapshot = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class HubStore:
    def __init__(self, url: str, *, pool: PoolLimits | None = None) -> None:
        self.db = HubDatabase(url, pool=pool)
        self.tables = synced_tables()
        self._upserts = {name: _upsert_sql(t) for name, t in self.tables.items()}

    # -- schema -----------------------------------------------------------------------

    def init(self) -> list[str]:
        """Create what is missing (tables, columns added on sites since); idempotent.

        A store that lacks nothing gets no DDL at all, so `acw hub serve` (which runs
        this) works under a role that may only read and write rows, or a replica's
        read-only one. A table that exists is first checked to be acw's (`_not_ours`):
        taking over another program's table would alter it, and its keys and types
        would refuse or misorder every batch."""
        self.db.may_create = True
        with self.db.transaction() as tx:
            changes = self._changes(tx)
            for _what, statement in changes:
                tx.execute(statement)
        return [what for what, _statement in changes if what]

    def _changes(self, tx: Tx) -> list[tuple[str, str]]:
        """What `init` must do: (what to report, or "" for the hub's own tables; DDL)."""
        changes: list[tuple[str, str]] = []
        hub_tables = set()
        for statement in HUB_SCHEMA:
            name = statement.split("(")[0].split()[-1]
            if self._columns(tx, name):
                hub_tables.add(name)
            else:
                changes.append(("", statement))
        for table_name, column_name, sql_type in HUB_COLUMNS_ADDED:
            if table_name in hub_tables and column_name not in self._columns(tx, table_name):
                changes.append(
                    (
                        f"column {table_name}.{column_name}",
                        f"ALTER TABLE {table_name} ADD COLUMN {column_name} {sql_type}",
                    )
                )
        for table in self.tables.values():
            existing = self._column_types(tx, table.name)
            if not existing:
                columns = ", ".join(
                    f"{c.name} {SQL_TYPES[c.kind]}" + (" PRIMARY KEY" if c.name == "id" else "")
                    for c in table.columns
                )
                changes.append((f"table {table.name}", f"CREATE TABLE {table.name} ({columns})"))
                changes.append(
                    ("", f"CREATE INDEX IF NOT EXISTS {table.name}_site ON {table.name} (site_id)")
                )
                continue
            problem = self._not_ours(tx, table, existing)
            if problem is not None:
                raise HubError(
                    N_(
                        "{store}: table {table} is not one acw made ({problem}); nothing was "
                        "changed: give the hub a database (or schema) of its own"
                    ),
                    store=self.db.describe(),
                    table=table.name,
                    problem=problem,
                )
            for column in table.columns:
                if column.name not in existing:
                    changes.append(
                        (
                            f"column {table.name}.{column.name}",
                            f"ALTER TABLE {table.name} ADD COLUMN {column.name} "
                            f"{SQL_TYPES[column.kind]}",
                        )
                    )
        if self.db.postgres:
            indexes = {
                r[0]
                for r in tx.all(
                    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                )
            }
            wanted = HUB_INDEXES
        else:
            indexes = {r[0] for r in tx.all("SELECT name FROM sqlite_master WHERE type = 'index'")}
            wanted = {**HUB_INDEXES, **SQLITE_REPORT_INDEXES}
        for name, target in wanted.items():
            if name not in indexes:
                changes.append((f"index {name}", f"CREATE INDEX {name} ON {target}"))
        return changes

    def _columns(self, tx: Tx, table: str) -> set[str]:
        return set(self._column_types(tx, table))

    def _column_types(self, tx: Tx, table: str) -> dict[str, tuple[str, bool]]:
        """Column → (its kind: "text", "integer", "real" or its declared type; whether
        a row must fill it: NOT NULL without a default)."""
        if self.db.postgres:
            rows = tx.all(
                "SELECT column_name, data_type, is_nullable = 'NO' AND column_default IS NULL "
                "FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ?",
                [table],
            )
            return {r[0]: (PG_KINDS.get(r[1], r[1]), bool(r[2])) for r in rows}
        rows = tx.all(
            f"SELECT name, type, \"notnull\" AND dflt_value IS NULL FROM pragma_table_info('{table}')"
        )
        return {r[0]: (_sqlite_kind(r[1]), bool(r[2])) for r in rows}

    def _not_ours(
        self, tx: Tx, table: SyncedTable, existing: dict[str, tuple[str, bool]]
    ) -> Phrase | None:
        """Why an existing table cannot be the hub's `table`, or None.

        The upsert needs `id` unique on its own (ON CONFLICT (id)), `rev` compared as a
        number ('10' > '9' is false as text: a newer revision would be dropped), each
        column of a kind its values are, and no column of another program's that a row
        must fill (every batch would be refused)."""
        for column in table.columns:
            found = existing.get(column.name)
            if found is None:
                if column.name in ("id", "site_id", "rev"):  # every acw hub table has them
                    return Phrase(N_("no column {column}"), column=column.name)
                continue
            if found[0] != column.kind:
                return Phrase(
                    N_("column {column} is {found}, not {kind}"),
                    column=column.name,
                    found=found[0],
                    kind=column.kind,
                )
        for name, (_kind, must_fill) in existing.items():
            if must_fill and name not in table.column_names:
                return Phrase(
                    N_("column {column} is NOT NULL without a default, and acw never fills it"),
                    column=name,
                )
        if self.db.postgres:
            unique = tx.one(
                "SELECT 1 FROM pg_index i JOIN pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
                "WHERE i.indrelid = to_regclass(quote_ident(current_schema()) || '.' || "
                "quote_ident(?)) AND i.indisunique AND i.indnatts = 1 "
                "AND i.indpred IS NULL AND i.indexprs IS NULL AND a.attname = 'id'",
                [table.name],
            )
        else:
            unique = tx.one(
                f"SELECT 1 FROM pragma_index_list('{table.name}') l "
                'WHERE l."unique" AND NOT l.partial '
                "AND (SELECT group_concat(name) FROM pragma_index_info(l.name)) = 'id'"
            )
        if unique is None:
            return Phrase(N_("no primary key or unique constraint on column id alone"))
        return None

    def check_ready(self) -> None:
        """Refuse to serve a store that `acw hub init` has not prepared."""
        with self.db.reading() as tx:
            ready = bool(self._columns(tx, "hub_sites"))
        if not ready:
            raise HubError(
                "{store}: not a hub store yet ({reason}); run `acw hub init --db URL`",
                store=self.db.describe(),
                reason="no table hub_sites",
            )

    # -- sites, leads, tokens -----------------------------------------------------------

    def add(self, role: str, name: str) -> str:
        """Register a site or a lead; returns its token (shown once, stored hashed)."""
        _named(name)
        token = new_token()
        with self.db.transaction() as tx:
            if tx.one("SELECT 1 FROM hub_tokens WHERE role = ? AND name = ?", [role, name]):
                raise HubError(
                    N_("lead {name} already exists on {store}; use `{command}`")
                    if role == "lead"
                    else N_("site {name} already exists on {store}; use `{command}`"),
                    name=repr(name),
                    store=self.db.describe(),
                    command=f"acw hub token rotate {name}" + (" --lead" if role == "lead" else ""),
                )
            if role == "site":
                tx.execute(
                    "INSERT INTO hub_sites (site_id, mark, created_at) VALUES (?, 0, ?) "
                    "ON CONFLICT (site_id) DO NOTHING",
                    [name, now_text()],
                )
            tx.execute(
                "INSERT INTO hub_tokens (token_hash, role, name, created_at) VALUES (?, ?, ?, ?)",
                [token_hash(token), role, name, now_text()],
            )
        return token

    def rotate(self, role: str, name: str) -> str:
        """A new token for a site or lead; the old one stops working at once."""
        _named(name)
        token = new_token()
        with self.db.transaction() as tx:
            if not tx.one("SELECT 1 FROM hub_tokens WHERE role = ? AND name = ?", [role, name]):
                raise HubError(
                    N_("no lead named {name} on {store}")
                    if role == "lead"
                    else N_("no site named {name} on {store}"),
                    name=repr(name),
                    store=self.db.describe(),
                )
            tx.execute("DELETE FROM hub_tokens WHERE role = ? AND name = ?", [role, name])
            tx.execute(
                "INSERT INTO hub_tokens (token_hash, role, name, created_at) VALUES (?, ?, ?, ?)",
                [token_hash(token), role, name, now_text()],
            )
        return token

    def identify(self, token: str) -> Identity | None:
        with self.db.reading() as tx:
            row = tx.one(
                "SELECT role, name FROM hub_tokens WHERE token_hash = ?", [token_hash(token)]
            )
        return Identity(row[0], row[1]) if row else None

    def mark(self, site: str) -> int:
        return self.mark_for(site, None, bound=False)[0]

    def mark_for(
        self, site: str, store: str | None, *, bound: bool = True
    ) -> tuple[int, dict[str, Any] | None, int | None]:
        """The site's mark for `store` (None: a store without identity, an older acw),
        the record at it (`table`, `id`, `rev`, `digest`; None if not known) and the
        revision a store taking the site over must raise its own above (None: no
        `reset-store` waits for that); refused (409) if the site is bound to another
        store. `bound=False` (tests, checks on the hub) does not look at the binding."""
        with self.db.reading() as tx:
            row = tx.one(
                "SELECT mark, store_id, mark_at, rebase_over FROM hub_sites WHERE site_id = ?",
                [site],
            )
        if row is None:
            raise Refused(401, f"site {site!r} is not registered on this hub")
        if bound:
            _same_store(site, row[1], store)
        return int(row[0]), _record_at(row[2]), None if row[3] is None else int(row[3])

    def reset_store(self, site: str) -> tuple[str | None, int]:
        """Let the next store to sync as `site` take it over, from mark 0 (a store
        replaced, or restored from a backup). Every record received stays. Returns the
        store it was bound to and its mark.

        The new store's rows must win over what the lost one sent, yet a store restored
        from a backup numbers its edits from the backup's revisions: its record may be
        at a revision the hub already holds, or below it, and the upsert would keep the
        lost store's. So the hub remembers the highest revision it holds of the site's
        records (`rebase_over`), tells the next store with the mark, and that store
        raises each of its rows' revisions above it before sending them all again. The
        first batch the hub takes after that clears it."""
        _named(site)
        with self.db.transaction() as tx:
            row = tx.one("SELECT store_id, mark FROM hub_sites WHERE site_id = ?", [site])
            if row is None:
                raise HubError(
                    N_("no site named {name} on {store}"),
                    name=repr(site),
                    store=self.db.describe(),
                )
            highest = [
                tx.one(f"SELECT max(rev) FROM {table} WHERE site_id = ?", [site])
                for table in self.tables
            ]
            floor = max((int(r[0]) for r in highest if r and r[0] is not None), default=None)
            tx.execute(
                "UPDATE hub_sites SET store_id = NULL, mark = 0, mark_at = NULL, "
                "rebase_over = ? WHERE site_id = ?",
                [floor, site],
            )
            # Stored answers name marks of the store that is gone.
            tx.execute("DELETE FROM hub_batches WHERE site_id = ?", [site])
        return row[0], int(row[1])

    # -- records ------------------------------------------------------------------------

    def check_records(self, site: str, records: Iterable[Record]) -> None:
        """Refusals that need no database: rows that name another site (403).

        The shape and values of each record were checked by the request models
        (`wire.RecordIn`), which also refuse unknown tables and columns.
        """
        foreign = [
            _refused(r, f"names site {r.row.get('site_id')!r}, but the token is site {site!r}'s")
            for r in records
            if r.row.get("site_id") != site
        ]
        if foreign:
            raise Refused(
                403,
                f"{len(foreign)} record(s) belong to another site; first: "
                f"{foreign[0]['table']}/{foreign[0]['id']} {foreign[0]['reason']}; "
                "nothing was written",
                records=foreign,
            )

    def apply_batch(
        self,
        site: str,
        key: str,
        digest: str,
        after: int,
        records: list[Record],
        *,
        store: str | None = None,
        before_commit: Callable[[], None] | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """Apply one batch of `store`'s in one transaction; returns (answer, replayed).

        The first batch a store sends binds the site to it (a site synced by an acw
        from before stores had an identity is bound by its first batch that names
        one); a batch from any other store is refused (409)."""
        now = datetime.now(UTC)
        received = _text_of(now)
        with self.db.transaction() as tx:
            # Locks this site's row until commit: batches of one site go one at a time.
            row = tx.one(
                "UPDATE hub_sites SET last_seen = ? WHERE site_id = ? "
                "RETURNING mark, store_id, mark_at",
                [received, site],
            )
            if row is None:
                raise Refused(401, f"site {site!r} is not registered on this hub")
            mark = int(row[0])
            _same_store(site, row[1], store)
            if row[1] is None and store is not None:
                tx.execute("UPDATE hub_sites SET store_id = ? WHERE site_id = ?", [store, site])
            stored = tx.one(
                "SELECT body_hash, answer FROM hub_batches WHERE site_id = ? AND idem_key = ?",
                [site, key],
            )
            if stored is not None:
                if stored[0] != digest:
                    raise Refused(
                        422,
                        f"idempotency key {key} was already used for a different batch; "
                        "nothing was written",
                    )
                return json.loads(stored[1]), True
            if after != mark:
                at = _record_at(row[2])
                raise Refused(
                    409,
                    f"batch builds on mark {after} but the hub's mark for site {site!r} is {mark}",
                    mark=mark,
                    **({"at": at} if at is not None else {}),
                )
            written = self.upsert(tx, records, received)
            if written != len(records):
                # A row was left alone: a revision the hub has already, or an id another
                # site holds (committed meanwhile, too: it is seen here, in the same
                # transaction), which undoes the batch. A batch whose every row was
                # written holds no such id, and is not looked up again.
                self._refuse_foreign(tx, site, records)
            new_mark = records[-1].seq if records else mark
            if records:
                # What stands at the mark: a store restored from a backup checks that its
                # own record under that number is this one, content and all, before
                # dropping up to it. A batch taken means the store has rebased, if
                # `reset-store` asked it to (it does so before sending anything).
                last = records[-1]
                at = json.dumps(
                    {
                        "table": last.table,
                        "id": last.id,
                        "rev": last.rev,
                        "digest": record_digest(last.row),
                    }
                )
                tx.execute(
                    "UPDATE hub_sites SET mark = ?, mark_at = ?, rebase_over = NULL "
                    "WHERE site_id = ?",
                    [new_mark, at, site],
                )
            answer = {"mark": new_mark, "records": len(records)}
            tx.execute(
                "INSERT INTO hub_batches (site_id, idem_key, body_hash, answer, received_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [site, key, digest, json.dumps(answer), received],
            )
            tx.execute(
                "DELETE FROM hub_batches WHERE site_id = ? AND received_at < ?",
                [site, _text_of(now - BATCH_ANSWERS_KEPT)],
            )
            if before_commit is not None:
                before_commit()
        return answer, False

    def _refuse_foreign(self, tx: Tx, site: str, records: list[Record]) -> None:
        by_table: dict[str, list[Record]] = {}
        for record in records:
            by_table.setdefault(record.table, []).append(record)
        owners: set[tuple[str, str]] = set()
        for table, chunk_records in by_table.items():
            ids = sorted({r.id for r in chunk_records})
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                for (row_id,) in tx.all(
                    f"SELECT id FROM {table} WHERE id IN ({marks}) AND site_id <> ?",
                    [*chunk, site],
                ):
                    owners.add((table, row_id))
        if owners:
            # Which site holds the id is no business of this one: not named.
            foreign = [
                _refused(r, "belongs to another site on the hub")
                for r in records
                if (r.table, r.id) in owners
            ]
            raise Refused(
                403,
                f"{len(foreign)} record(s) belong to another site; first: "
                f"{foreign[0]['table']}/{foreign[0]['id']} {foreign[0]['reason']}; "
                "nothing was written",
                records=foreign,
            )

    def upsert(self, tx: Tx, records: list[Record], received: str) -> int:
        """The bulk write itself: current state plus every revision; returns how many
        rows of current state it wrote (a row is left alone if the hub holds a newer
        revision of it, or if another site holds its id).

        The rows hold what the request models let through: text, numbers and None,
        which both backends take as they are.
        """
        by_table: dict[str, list[tuple[Any, ...]]] = {}
        history = []
        # Rows in id order: two batches sharing ids lock them in the same order, so
        # PostgreSQL never has to break a deadlock between them.
        for record in sorted(records, key=lambda r: (r.table, r.id, r.rev)):
            row = record.row
            by_table.setdefault(record.table, []).append(
                tuple(map(row.get, self.tables[record.table].column_names))
            )
            history.append(
                (
                    record.table,
                    record.id,
                    record.rev,
                    row.get("site_id"),
                    record.seq,
                    _snapshot(row),
                    received,
                )
            )
        counts = [tx.executemany(self._upserts[table], rows) for table, rows in by_table.items()]
        written = -1 if any(n < 0 for n in counts) else sum(counts)  # -1: cannot tell
        tx.executemany(HISTORY_SQL, history)
        return written

    def revisions(self, site: str) -> dict[str, set[tuple[str, int]]]:
        """Every (id, rev) received from a site, per table (for checks and tests)."""
        found: dict[str, set[tuple[str, int]]] = {t: set() for t in self.tables}
        with self.db.reading() as tx:
            for table, row_id, rev in tx.all(
                "SELECT table_name, id, rev FROM hub_history WHERE site_id = ?", [site]
            ):
                found.setdefault(table, set()).add((row_id, int(rev)))
        return found

    def current(self, site: str) -> dict[str, dict[str, int]]:
        """id → current rev per table for one site."""
        found: dict[str, dict[str, int]] = {}
        with self.db.reading() as tx:
            for table in self.tables:
                rows = tx.all(f"SELECT id, rev FROM {table} WHERE site_id = ?", [site])
                found[table] = {r[0]: int(r[1]) for r in rows}
        return found

    # -- guides and templates -------------------------------------------------------------

    def latest_content(self) -> dict[str, dict[str, Any]]:
        with self.db.reading() as tx:
            rows = tx.all(
                "SELECT kind, release, checksum, content_version, published_at FROM hub_content c "
                "WHERE release = (SELECT max(release) FROM hub_content d WHERE d.kind = c.kind)"
            )
        return {
            r[0]: {
                "release": int(r[1]),
                "checksum": r[2],
                "content_version": r[3],
                "published_at": r[4],
            }
            for r in rows
        }

    def content(self, kind: str, release: int) -> dict[str, Any] | None:
        with self.db.reading() as tx:
            row = tx.one(
                "SELECT release, checksum, content_version, files, published_at FROM hub_content "
                "WHERE kind = ? AND release = ?",
                [kind, release],
            )
        if row is None:
            return None
        return {
            "kind": kind,
            "release": int(row[0]),
            "checksum": row[1],
            "content_version": row[2],
            "files": json.loads(row[3]),
            "published_at": row[4],
        }

    def publish_team_model(self, lead: str) -> dict[str, Any] | None:
        """Build the team completion model from the newest finished notes of every site
        and publish it (kind `completion`) if it changed; None when there is nothing
        to learn from yet."""
        from acw_tui.core.completion.team import TEAM_MODEL_FILE, team_model_text

        with self.db.reading() as tx:
            rows = tx.all(
                "SELECT note FROM wrapups WHERE status = 'done' AND note IS NOT NULL "
                f"ORDER BY finished_at DESC LIMIT {TEAM_MODEL_NOTES}"
            )
        text, size = team_model_text(str(note) for (note,) in rows)
        if not size:
            return None
        return self.publish("completion", {TEAM_MODEL_FILE: text}, None, lead)

    def publish(
        self, kind: str, files: dict[str, str], content_version: int | None, lead: str
    ) -> dict[str, Any]:
        checksum = bundle_checksum(files)
        with self.db.transaction() as tx:
            latest = tx.one(
                "SELECT release, checksum, content_version FROM hub_content WHERE kind = ? "
                "ORDER BY release DESC LIMIT 1",
                [kind],
            )
            if latest is not None:
                if latest[1] == checksum:
                    return {"release": int(latest[0]), "checksum": checksum, "unchanged": True}
                if (
                    content_version is not None
                    and latest[2] is not None
                    and content_version <= int(latest[2])
                ):
                    raise Refused(
                        409,
                        f"{KIND_LABELS.get(kind, kind)} version {content_version} is not newer than the published "
                        f"version {latest[2]}; raise the version before publishing",
                    )
            release = int(latest[0]) + 1 if latest else 1
            tx.execute(
                "INSERT INTO hub_content (kind, release, content_version, checksum, files, "
                "published_by, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [kind, release, content_version, checksum, json.dumps(files), lead, now_text()],
            )
        return {"release": release, "checksum": checksum, "unchanged": False}
