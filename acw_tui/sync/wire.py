"""What the hub accepts, as one set of request models both sides check with.

The hub validates every request body against these models before it touches its
store, so anything its backends cannot hold — a number past 64 bits, a NUL character
(PostgreSQL text cannot hold one), a lone surrogate, NaN, a string in a number column,
JSON nested deeper than any batch is — is a 422 that names the record, the same on
SQLite and PostgreSQL; so is a value the site's own store would never hold (a time that
is not ISO-8601 UTC, a status that is none of its values, `codes` that are not a JSON
list: `column_rules`), which would reach every report over the hub. The site runs the same check on each outbox entry before it
sends it, and sets aside what would be refused (quarantine) instead of sending it.

The models are also the hub's OpenAPI schema, which the test suite fuzzes.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from typing import Annotated, Any, Literal, NotRequired, Required, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Json,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from typing_extensions import TypedDict  # pydantic takes typing's only from Python 3.12

from acw_tui.errors import N_, Phrase
from acw_tui.store.records import SYNCED_TABLES
from acw_tui.sync.column_rules import column_rules, plain_type, row_rules_problem
from acw_tui.sync.protocol import (
    CONTENT_KINDS,
    MAX_BATCH_RECORDS,
    PUBLISHED_KINDS,
    OutboxEntry,
    Record,
    names_problem,
)
from acw_tui.sync.tables import Column as TableColumn
from acw_tui.sync.tables import SyncedTable, synced_tables

INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)
MAX_ID = 200  # characters of a record id
MAX_BUNDLE_FILES = 1000

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why the hub's stores cannot hold this text, or None."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return "holds a NUL character, which the hub's store cannot hold"
    return "holds a lone surrogate (not valid Unicode text)"


def _storable(value: str) -> str:
    why = text_problem(value)
    if why:
        raise ValueError(f"text {why}")
    return value


Text = Annotated[str, AfterValidator(_storable)]
Count = Annotated[int, Field(ge=0, le=INT64_MAX)]
Seq = Annotated[int, Field(ge=1, le=INT64_MAX)]
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Column = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]{0,62}$")]
RecordId = Annotated[Text, StringConstraints(min_length=1, max_length=MAX_ID)]
Scalar = Text | Int64 | Finite | None
TableName = Literal[SYNCED_TABLES]  # type: ignore[valid-type]


def value_problem(kind: str, value: Any) -> str | None:
    """Why a column of `kind` ("text", "integer", "real") cannot take `value`, or None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "is true/false, not a value the column holds"
    if kind == "text":
        if not isinstance(value, str):
            return f"is {type(value).__name__}, the column holds text"
        return text_problem(value)
    if isinstance(value, int):
        return None if INT64_MIN <= value <= INT64_MAX else "is past 64 bits"
    if kind == "real" and isinstance(value, float):
        return None if math.isfinite(value) else "is not a finite number"
    return f"is {type(value).__name__}, the column holds {kind} numbers"


class RecordIn(BaseModel):
    """One outbox entry: the row's full snapshot at revision `rev`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    seq: Seq
    table: TableName
    id: RecordId
    rev: Seq
    # The schema says what a row holds; `row_problem` checks it in one pass over the
    # values (a validator per value cost more than the rest of the batch).
    row: Annotated[
        dict[str, Any],
        Field(max_length=200),
        WithJsonSchema(TypeAdapter(dict[Column, Scalar]).json_schema() | {"maxProperties": 200}),
    ]

    @model_validator(mode="after")
    def _fits_its_table(self) -> RecordIn:
        problem = row_problem(self.table, self.id, self.rev, self.row)
        if problem:
            raise ValueError(problem)
        return self


def row_problem(table: str, row_id: str, rev: int, row: dict[str, Any]) -> str | None:
    """Why the hub's mirror of `table` cannot take this row, or None."""
    spec = synced_tables().get(table)
    if spec is None:
        return f"table {table!r} is not synced"
    kinds = spec.kinds
    unknown = row.keys() - kinds.keys()
    if unknown:
        return f"unknown column(s) {', '.join(sorted(unknown))}; upgrade the hub"
    if row.get("id") != row_id or row.get("rev") != rev:
        return "id or rev disagrees with its row"
    if not isinstance(row.get("site_id"), str):
        return "has no site_id"
    if not plainly_storable(kinds, row):
        why = first_value_problem(kinds, row)
        if why:
            return why
    why = unfilled_problem(table, row)
    if why:
        return why
    return row_rules_problem(table, row)


def unfilled_problem(table: str, row: dict[str, Any]) -> str | None:
    """A column the site's store never leaves empty (NOT NULL) missing or empty, said in
    words: one row like that would break every report over the hub, and a site's token
    must not reach the other sites' figures."""
    spec = synced_tables()[table]
    for name in spec.always_sent:
        if name not in row:
            return f"has no {name}"
    for name in spec.not_null:
        if name in row and row[name] is None:
            return f"leaves {name} empty, which the site's store always fills"
    return None


def first_value_problem(kinds: dict[str, str], row: dict[str, Any]) -> str | None:
    """The first column of `row` whose value its column cannot take, said in words."""
    for name, value in row.items():
        why = value_problem(kinds[name], value)
        if why:
            return f"column {name} {why}"
    return None


def plainly_storable(kinds: dict[str, str], row: dict[str, Any]) -> bool:
    """A quick yes for the usual row (text in text columns, numbers in range in number
    columns, one pattern search over all its text), which every record of a sync pays
    for; False means only "look value by value" (`first_value_problem`)."""
    texts = []
    for name, value in row.items():
        if value is None:
            continue
        kind, cls = kinds[name], type(value)
        if cls is str:
            if kind != "text":
                return False
            texts.append(value)
        elif cls is int:
            if kind == "text" or not INT64_MIN <= value <= INT64_MAX:
                return False
        elif cls is not float or kind != "real" or not math.isfinite(value):
            return False
    # Joining makes no new characters: a NUL or a surrogate is in the whole if in a part.
    return _UNSTORABLE.search("".join(texts)) is None


_EXAMPLE_ROW = {
    "id": "0196a3c2-7f00-7000-8000-000000000001",
    "external_id": "C-1001",
    "agent_id": "ana",
    "site_id": "warsaw-1",
    "queue": "billing",
    "customer_ref": None,
    "started_at": "2026-05-04T10:00:00.000Z",
    "ended_at": "2026-05-04T10:04:00.000Z",
    "talk_seconds": 240.0,
    "rev": 1,
    "updated_at": "2026-05-04T10:04:00.000Z",
}


class BatchIn(BaseModel):
    """`POST /v1/sync/batch`: outbox entries after the hub's mark, in sequence order."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "after": 0,
                    "records": [
                        {
                            "seq": 1,
                            "table": "calls",
                            "id": _EXAMPLE_ROW["id"],
                            "rev": 1,
                            "row": _EXAMPLE_ROW,
                        }
                    ],
                }
            ]
        },
    )

    after: Count
    records: Annotated[list[RecordIn], Field(max_length=MAX_BATCH_RECORDS)]


class _Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    after: Count
    records: Annotated[list[dict[str, Any]], Field(max_length=MAX_BATCH_RECORDS)]


FileName = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class BundleIn(BaseModel):
    """`POST /v1/content/{kind}`: a guide or templates release to publish."""

    model_config = ConfigDict(extra="forbid", strict=True)

    files: Annotated[dict[FileName, Text], Field(min_length=1, max_length=MAX_BUNDLE_FILES)]
    content_version: Count | None = None
    checksum: Annotated[str, StringConstraints(min_length=1, max_length=100)]

    @model_validator(mode="after")
    def _plain_names(self) -> BundleIn:
        why = names_problem(self.files)
        if why:
            raise ValueError(f"bundle file {why}")
        return self


# -- answers --------------------------------------------------------------------------


class RefusedRecord(BaseModel):
    seq: int | None = None
    table: str | None = None
    id: str | None = None
    reason: str


class RecordAt(BaseModel):
    """The record that stands at a site's mark: what a site compares with its own."""

    table: str
    id: str
    rev: int
    digest: str | None = None  # `protocol.record_digest` of its row; None if not known


class Problem(BaseModel):
    """Every refusal: one line a person can read, plus what a program needs."""

    detail: str
    mark: int | None = None
    limit: int | None = None
    records: list[RefusedRecord] | None = None
    another_store: bool | None = None  # the site syncs from another store (409)
    at: RecordAt | None = None  # the record at the hub's mark (409), if known
    send_fewer: bool | None = None  # 422: some record of the batch, not named: split it


class MarkOut(BaseModel):
    site: str
    mark: int
    at: RecordAt | None = None  # the record at the mark; None if not known
    # Set after `acw hub site reset-store`: the highest revision the hub holds of the
    # site's records, which the store taking the site over raises its own above.
    rebase_over: int | None = None


class BatchOut(BaseModel):
    mark: int
    records: int


class ReleaseInfo(BaseModel):
    release: int
    checksum: str
    content_version: int | None = None
    published_at: str


class BundleOut(BaseModel):
    kind: str
    release: int
    checksum: str
    content_version: int | None = None
    files: dict[str, str]
    published_at: str


class PublishOut(BaseModel):
    release: int
    checksum: str
    unchanged: bool
    team_model: str | None = None  # why the team completion model was not built, if so


ContentKind = Literal[CONTENT_KINDS]  # type: ignore[valid-type]
PublishKind = Literal[PUBLISHED_KINDS]  # type: ignore[valid-type]


# -- checking -------------------------------------------------------------------------


class Invalid(Exception):
    """A request body the models refuse; `records` names the records at fault."""

    def __init__(self, detail: str, records: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.records = records


def _first_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False, include_input=False)[0]
    # Union members and validators appear in `loc` as tags like `function-after[…]`.
    where = ".".join(str(p) for p in error["loc"] if not re.search(r"[\[\]-]", str(p)))
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def parse_batch(body: bytes) -> tuple[int, list[Record]]:
    """The batch's mark and records; raises Invalid naming every record at fault."""
    usual = _usual_batch(body)
    if usual is not None:
        return usual
    try:
        # One pass of pydantic's core over the whole body, with the row checks in
        # Python. Only a batch it refuses is taken apart record by record, to name
        # each record at fault.
        whole = BatchIn.model_validate_json(body)
    except ValidationError:
        pass
    else:
        return whole.after, _in_sequence(whole.after, _records(whole.records))
    return parse_each_record(body)


def parse_each_record(body: bytes) -> tuple[int, list[Record]]:
    """`parse_batch` record by record: the same verdict, and every record at fault named."""
    try:
        envelope = _Envelope.model_validate_json(body)
    except ValidationError as exc:
        raise Invalid(f"malformed batch: {_first_error(exc)}") from None
    records: list[RecordIn] = []
    refused: list[dict[str, Any]] = []
    for index, item in enumerate(envelope.records):
        try:
            records.append(RecordIn.model_validate(item))
        except ValidationError as exc:
            refused.append(_refused_item(index, item, _first_error(exc)))
    if refused:
        first = refused[0]
        raise Invalid(
            f"{len(refused)} record(s) cannot be stored; first: "
            f"{first['table']}/{first['id']}: {first['reason']}",
            refused,
        )
    return envelope.after, _in_sequence(envelope.after, _records(records))


def _records(models: list[RecordIn]) -> list[Record]:
    return [Record(r.seq, r.table, r.id, r.rev, r.row) for r in models]


def _in_sequence(after: int, records: list[Record]) -> list[Record]:
    last = after
    for record in records:
        if record.seq <= last:
            raise Invalid(f"record seq {record.seq} does not follow {last} (must increase)")
        last = record.seq
    return records


# -- the usual batch --------------------------------------------------------------------
#
# Nearly every batch a site sends is plain: each row's values fit its table's columns.
# For those, one pass of pydantic's core with every table's column types checks all of
# it (the per-value loop of `row_problem` in Python was half the time the hub took to
# read a batch). It is a quick yes only: a batch it does not take whole is judged by
# the request models above, which give the same verdict and name what is wrong.

# Floats within ±2**63 only: pydantic turns a JSON integer into a float for a float
# column, so one past 64 bits (which the hub refuses) must not pass as a float. The rare
# larger float goes the long way.
_PlainReal = Annotated[float, Field(allow_inf_nan=False, gt=-(2.0**63), lt=2.0**63)]
_PLAIN_KINDS: dict[str, Any] = {"text": str, "integer": Int64, "real": Int64 | _PlainReal}


def _plain_column(table: str, column: TableColumn) -> Any:
    return plain_type(
        column_rules()[table].get(column.name), column.kind, _PLAIN_KINDS[column.kind]
    )


def _row_column(table: SyncedTable, column: TableColumn) -> Any:
    """A column's type in a usual row. One the site's store never leaves empty is there
    and filled, as `unfilled_problem` wants it."""
    kind = _plain_column(table.name, column)
    kind = kind if column.name in table.not_null else kind | None
    return Required[kind] if column.name in table.always_sent else NotRequired[kind]


@cache
def _usual_batch_adapter() -> TypeAdapter[Any]:
    """A batch of records whose rows are typed column by column; the types are made at
    run time from the columns the site's migrations define (`synced_tables`)."""
    strict = ConfigDict(extra="forbid", strict=True)
    members = []
    for name, spec in synced_tables().items():
        columns: dict[str, Any] = {c.name: _row_column(spec, c) for c in spec.columns}
        columns["site_id"] = Required[str]
        row = TypedDict(f"{name}_row", columns, total=False)  # type: ignore[operator]
        row.__pydantic_config__ = strict  # type: ignore[attr-defined]
        record = TypedDict(  # type: ignore[operator]  # noqa: UP013
            f"{name}_record",
            {
                "seq": Seq,
                "table": Literal[name],
                "id": Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID)],
                "rev": Seq,
                "row": row,
            },
        )
        record.__pydantic_config__ = strict
        members.append(record)
    one_record = Annotated[Union[tuple(members)], Field(discriminator="table")]  # noqa: UP007
    batch = TypedDict(  # type: ignore[operator]  # noqa: UP013
        "usual_batch",
        {
            "after": Count,
            "records": Annotated[list[one_record], Field(max_length=MAX_BATCH_RECORDS)],
        },
    )
    batch.__pydantic_config__ = strict
    return TypeAdapter(batch)


def _usual_batch(body: bytes) -> tuple[int, list[Record]] | None:
    """The batch, if it is plainly storable as a whole; None says "judge it in full"."""
    # Text the hub cannot store is a NUL (its only spelling in JSON is this escape) or a
    # lone surrogate (pydantic's JSON parser refuses those outright).
    if b"\\u0000" in body:
        return None
    try:
        batch = _usual_batch_adapter().validate_json(body)
    except ValidationError:
        return None
    records = []
    last = batch["after"]
    for item in batch["records"]:
        row = item["row"]
        if item["seq"] <= last or row.get("id") != item["id"] or row.get("rev") != item["rev"]:
            return None
        last = item["seq"]
        records.append(Record(item["seq"], item["table"], item["id"], item["rev"], row))
    if not _json_texts_fit(records):
        return None
    return batch["after"], records


@cache
def _json_columns() -> dict[str, list[tuple[str, TypeAdapter[Any]]]]:
    """Table → its JSON text columns, each with a check of a list of their texts."""
    found: dict[str, list[tuple[str, TypeAdapter[Any]]]] = {}
    for table, rules in column_rules().items():
        for name, rule in rules.items():
            if rule.shape is not None:
                texts = TypeAdapter(list[Json[rule.json_type]], config=ConfigDict(strict=True))
                found.setdefault(table, []).append((name, texts))
    return found


def _json_texts_fit(records: list[Record]) -> bool:
    """Whether every JSON text column of these records holds its shape: one pass of
    pydantic's core per column over the batch's texts (a `json.loads` and a shape
    function per row was a fifth of the time the hub took to read a batch)."""
    for table, columns in _json_columns().items():
        rows = [r.row for r in records if r.table == table]
        for name, texts in columns:
            try:
                texts.validate_python([v for row in rows if (v := row.get(name)) is not None])
            except ValidationError:
                return False
    return True


def _refused_item(index: int, item: dict[str, Any], reason: str) -> dict[str, Any]:
    def plain(key: str, kind: type) -> Any:
        value = item.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            return None
        if isinstance(value, str) and (text_problem(value) or len(value) > MAX_ID):
            return None
        if isinstance(value, int) and not 0 < value <= INT64_MAX:
            return None
        return value

    return {
        "seq": plain("seq", int),
        "table": plain("table", str),
        "id": plain("id", str),
        "reason": f"record {index}: {reason}",
    }


def parse_bundle(body: bytes) -> BundleIn:
    try:
        return BundleIn.model_validate_json(body)
    except ValidationError as exc:
        raise Invalid(f"malformed bundle: {_first_error(exc)}") from None


def plainly_sendable(body: bytes, entries: list[OutboxEntry], site: str) -> bool:
    """A quick yes for the site: the hub would take every one of these entries as it is.

    One pass over `body`, the batch they make (`batch_body`), the way the hub reads it;
    False says only "ask `entry_problem` of each". The records read back must be these
    very entries, so a payload that is not one JSON object cannot make the batch say
    something else.
    """
    usual = _usual_batch(body)
    if usual is None or len(usual[1]) != len(entries):
        return False
    return all(
        (r.seq, r.table, r.id, r.rev) == (e.seq, e.table, e.row_id, e.rev)
        and r.row.get("site_id") == site
        for r, e in zip(usual[1], entries, strict=True)
    )


def entry_problem(table: str, row_id: str, rev: int, payload: str, site: str) -> Phrase | None:
    """Why the hub would refuse this outbox entry of site `site`, or None (site side).

    Said to the site admin in their language; a rule of the hub's is quoted in the
    words the hub itself would use."""
    try:
        row = json.loads(payload)
    except ValueError:
        return Phrase(N_("its snapshot is not JSON"))
    if not isinstance(row, dict):
        return Phrase(N_("its snapshot is not an object"))
    try:
        RecordIn.model_validate({"seq": 1, "table": table, "id": row_id, "rev": rev, "row": row})
    except ValidationError as exc:
        return Phrase(N_("the hub would refuse it: {reason}"), reason=_first_error(exc))
    owner = row.get("site_id")
    if owner != site:
        return Phrase(
            N_(
                "written under site {owner}, but this store syncs as site {site} "
                "(written before site_id was set, or by another site's tool)"
            ),
            owner=repr(owner),
            site=repr(site),
        )
    return None
