"""The quick yeses never pass what the full checks would refuse: a usual row
(`wire.plainly_storable` against `wire.first_value_problem`), a usual batch on the hub
(`wire._usual_batch` against reading it record by record) and on the site
(`wire.plainly_sendable` against each entry's `wire.entry_problem`). Generated rows and
batches of every kind of value their JSON can hold, hostile ones included."""

from __future__ import annotations

import math
import os
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.sync.tables import synced_tables
from acw_tui.sync.wire import (
    INT64_MAX,
    INT64_MIN,
    first_value_problem,
    plainly_storable,
    row_problem,
)

EXAMPLES = int(os.environ.get("ACW_FUZZ_EXAMPLES", "300"))

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=INT64_MIN, max_value=INT64_MAX),
    st.integers(min_value=INT64_MAX - 3, max_value=INT64_MAX + 3),
    st.integers(min_value=INT64_MIN - 3, max_value=INT64_MIN + 3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.text(alphabet=st.sampled_from(["a", "\x00", "\ud800", "\udfff", "ż", "客"]), max_size=6),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def table_and_columns(draw: st.DrawFn) -> tuple[str, dict[str, str], list[str]]:
    """A synced table, its column kinds, and some of its columns."""
    tables = synced_tables()
    table = draw(st.sampled_from(sorted(tables)))
    kinds = tables[table].kinds
    names = draw(st.lists(st.sampled_from(sorted(kinds)), unique=True, max_size=len(kinds)))
    return table, kinds, names


@st.composite
def rows(draw: st.DrawFn) -> tuple[str, dict[str, str], dict[str, Any]]:
    table, kinds, names = table_and_columns(draw)
    return table, kinds, {name: draw(VALUES) for name in names}


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(rows())
def test_the_quick_yes_is_never_wrong(found: tuple[str, dict[str, str], dict[str, Any]]) -> None:
    _table, kinds, row = found
    if plainly_storable(kinds, row):
        assert first_value_problem(kinds, row) is None


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(rows())
def test_a_row_is_judged_as_value_by_value_would(
    found: tuple[str, dict[str, str], dict[str, Any]],
) -> None:
    table, kinds, row = found
    row = {**row, "id": "r-1", "rev": 1, "site_id": "warsaw-1"}
    why = first_value_problem(kinds, row)
    verdict = row_problem(table, "r-1", 1, row)
    if why is not None:
        assert verdict == why
    else:
        assert verdict is None or not verdict.startswith("column ") or "quality" in verdict


def test_the_usual_row_takes_the_quick_path() -> None:
    kinds = synced_tables()["calls"].kinds
    row = {"id": "c-1", "rev": 2, "site_id": "warsaw-1", "queue": "billing"}
    assert plainly_storable(kinds, row)
    assert not plainly_storable(kinds, {**row, "queue": "bil\x00ling"})
    assert not plainly_storable(kinds, {**row, "rev": True})


FITTING = {
    "text": st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8
    ),
    "integer": st.integers(min_value=0, max_value=100),
    "real": st.one_of(
        st.floats(min_value=0, max_value=100, allow_nan=False),
        st.integers(min_value=0, max_value=100),
        # Where a JSON number stops fitting: 64-bit integers and the floats beside them.
        st.sampled_from([INT64_MAX, INT64_MAX + 1, INT64_MIN, INT64_MIN - 1, 2.0**63, -(2.0**63)]),
        st.floats(allow_nan=True, allow_infinity=True),
    ),
}


@st.composite
def json_texts(draw: st.DrawFn, column: str) -> str:
    """Texts for a JSON column (codes, extensions, fields, failed rules): mostly the
    column's own shape with values at and just past its limits, sometimes another
    column's shape, odd JSON or text that is not JSON at all."""
    import json

    plain = st.one_of(
        st.sampled_from([None, True, 0, 1, -1, 1.5, -0.0, 2**64, math.nan, math.inf, "", "客"]),
        st.text(alphabet=st.sampled_from(["a", "\x00", "\ud800", "客", "\n"]), max_size=4),
    )
    values = st.one_of(
        plain,
        st.lists(plain, max_size=2),
        st.dictionaries(st.text(max_size=2), plain, max_size=2),
    )
    code = st.one_of(
        st.text(min_size=1, max_size=4), st.sampled_from(["", "x" * 200, "x" * 201, "r" * 101])
    )

    @st.composite
    def extension(draw: st.DrawFn) -> dict[str, Any]:
        """An extension as the site writes it; one in four has a key made wrong."""
        made = {
            "at": "2026-05-04T10:00:00.000Z",
            "reason": draw(st.text(max_size=3)),
            "seconds": draw(st.one_of(st.floats(0, 1e9), st.integers(0, 10**9))),
        }
        if draw(st.integers(0, 3)) == 0:
            made[draw(st.sampled_from(["at", "reason", "seconds", "extra"]))] = draw(
                st.one_of(
                    plain,
                    st.sampled_from(
                        [
                            "2026-05-04T10:00:00Z\n", "2026-13-04T10:00:00Z", "2026-05-04T10:00Z",
                            -1, 10**9, 10**9 + 1, 1e9 + 0.5, 2.0**63, 1e9,
                        ]
                    ),
                )
            )  # fmt: skip
        return made

    own = {
        "codes": st.lists(code, max_size=3),
        "quality_failed": st.lists(code, max_size=3),
        "extensions": st.lists(extension(), max_size=2),
        "fields": st.dictionaries(st.text(max_size=3), values, max_size=3),
    }

    def dumped(value: Any) -> str:
        return json.dumps(value, allow_nan=True, ensure_ascii=draw(st.booleans()))

    odd = [
        "[]", "{}", " [] ", "[1e400]", '{"a": 1e400}', '["a"] x', '{"a": 1, "a": NaN}',
        '["\\ud800"]', "[true]", '{"a": [[1]]}', "[" * 40, '{"a": 18446744073709551616}',
        '{"a": 1.0}', dumped(["a"] * 201), dumped(["r"] * 200), '{"a": -0.0}', "[Infinity]",
        "null", dumped({str(n): n for n in range(1001)}),
    ]  # fmt: skip
    kind = draw(st.integers(0, 9))
    if kind < 7:
        return dumped(draw(own[column]))
    if kind < 8:
        return dumped(draw(st.one_of(*own.values(), values)))
    return draw(st.sampled_from(odd) if kind == 8 else st.text(max_size=5))


JSON_COLUMNS = {"codes", "extensions", "fields", "quality_failed"}


@st.composite
def fitting_rows(draw: st.DrawFn) -> tuple[str, dict[str, str], dict[str, Any]]:
    """A row whose values mostly fit their columns (a batch a site really sends)."""
    table, kinds, names = table_and_columns(draw)
    # The quality figures have rules of their own, tested apart.
    names = [n for n in names if not n.startswith("quality_") or n in JSON_COLUMNS]
    row = {
        n: draw(
            st.one_of(
                st.none(),
                json_texts(n) if table == "wrapups" and n in JSON_COLUMNS else FITTING[kinds[n]],
            )
        )
        for n in names
    }
    return table, kinds, row


WRAPUP = {
    "call_id": "c-1", "agent_id": "ana", "site_id": "warsaw-1", "status": "done",
    "started_at": "2026-10-02T08:17:14.076Z", "ended_at": "2026-10-02T08:18:11.333Z",
    "acw_seconds": 57.3, "timed_out": 0, "extensions": "[]", "codes": '["billing"]',
    "template_id": "callback", "template_version": 1, "fields": '{"reason": "Refund"}',
    "note": "cx called re refund", "guide_version": 1,
    "finished_at": "2026-10-02T08:18:11.333Z", "compliant": 1,
    "updated_at": "2026-10-02T08:18:11.333Z", "quality_critical": 0, "quality_failed": "[]",
}  # fmt: skip


@st.composite
def wrapup_rows(draw: st.DrawFn) -> tuple[str, dict[str, str], dict[str, Any]]:
    """A whole wrap-up as a site writes it, its JSON columns drawn: the one pass judges
    those only when every other column fits."""
    # Mostly one drawn column, so that the others' refusals do not hide its verdict.
    columns = draw(st.lists(st.sampled_from(sorted(JSON_COLUMNS)), unique=True, min_size=1))
    columns = columns if draw(st.integers(0, 3)) == 0 else columns[:1]
    row = {**WRAPUP, **{c: draw(json_texts(c)) for c in columns}}
    return "wrapups", synced_tables()["wrapups"].kinds, row


@st.composite
def batch_bodies(draw: st.DrawFn) -> bytes:
    """A batch of generated records: mostly well formed, some hostile in any field."""
    import json

    after = draw(VALUES) if draw(st.integers(0, 9)) == 0 else draw(st.integers(0, 5))
    records: list[Any] = []
    seq = after if isinstance(after, int) and not isinstance(after, bool) else 0
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 5))
        table, _kinds, row = draw(
            rows() if kind == 0 else wrapup_rows() if kind == 1 else fitting_rows()
        )
        seq += 1 if draw(st.integers(0, 4)) else draw(st.integers(-1, 2))
        rev = draw(st.integers(1, 3))
        row = {**row, "id": "r-1", "rev": rev, "site_id": "warsaw-1"}
        record: dict[str, Any] = {"seq": seq, "table": table, "id": "r-1", "rev": rev, "row": row}
        if draw(st.integers(0, 3)) == 0:  # one field of the record itself made hostile
            record[draw(st.sampled_from(["seq", "table", "id", "rev", "row", "extra"]))] = draw(
                VALUES
            )
        records.append(record)
    if draw(st.integers(0, 9)) == 0:
        records = [r["row"] for r in records]  # not records at all
    text = json.dumps({"after": after, "records": records}, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


def outcome(parse, body: bytes):  # type: ignore[no-untyped-def]
    from acw_tui.sync.wire import Invalid

    try:
        after, records = parse(body)
    except Invalid as exc:
        return "refused", exc.detail, exc.records
    return "taken", after, records


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(batch_bodies())
def test_a_batch_read_whole_is_judged_as_record_by_record(body: bytes) -> None:
    """The hub reads a batch in one pass and takes it apart record by record only when
    that pass refuses it: both ways give the same records or the same refusal."""
    from acw_tui.sync.wire import parse_batch, parse_each_record

    assert outcome(parse_batch, body) == outcome(parse_each_record, body)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(wrapup_rows())
def test_a_wrapups_json_columns_are_judged_as_record_by_record(
    found: tuple[str, dict[str, str], dict[str, Any]],
) -> None:
    """The one pass checks a batch's JSON texts column by column with pydantic's types
    (`Rule.json_type`); what it takes, each text's shape function takes too."""
    import json

    from acw_tui.sync.wire import parse_batch, parse_each_record

    _table, _kinds, row = found
    row = {**row, "id": "w-1", "rev": 1}
    record = {"seq": 1, "table": "wrapups", "id": "w-1", "rev": 1, "row": row}
    body = json.dumps({"after": 0, "records": [record]}).encode()
    assert outcome(parse_batch, body) == outcome(parse_each_record, body)


def boundary_texts() -> list[tuple[str, str]]:
    """(column, JSON text) at every limit of each JSON column's shape, and one past it."""
    import json

    good = {"at": "2026-05-04T10:00:00.000Z", "reason": "x", "seconds": 12}
    near = {
        "at": ["2026-05-04T10:00:00Z", "2026-05-04T10:00:00Z\n", "2026-13-04T10:00:00Z", 1],
        "reason": ["", 0, None, True, ["x"]],
        "seconds": [0, -1, -0.0, 10**9, 10**9 + 1, 1e9, 1e9 + 0.5, True, 2**64, None, "1"],
        "extra": [None, 1, "x"],
    }
    extensions = [[{**good, key: value}] for key, values in near.items() for value in values]
    extensions += [[{k: v for k, v in good.items() if k != key}] for key in good]
    extensions += [[good] * 1000, [good] * 1001, good, []]
    plain = [None, True, 0, -1, 2**64, 1.5, -0.0, "", "客", [], [1, "a"], [[1]], {"a": 1}]
    fields = [{"a": v} for v in plain] + [{str(n): 1 for n in range(n)} for n in (1000, 1001)]
    listed = [[], [""], ["x" * 100], ["x" * 101], ["x" * 200], ["x" * 201], [1], [None]]
    listed += [["a"] * 200, ["a"] * 201, "a", {"a": "b"}]
    texts = [("extensions", json.dumps(v)) for v in extensions]
    texts += [("fields", json.dumps(v)) for v in fields]
    texts += [(c, json.dumps(v)) for c in ("codes", "quality_failed") for v in listed]
    odd = ["[1e400]", '{"a": 1e400}', '{"a": NaN}', "[Infinity]", '["a"] x', " [] ", "null"]
    texts += [(c, t) for c in sorted(JSON_COLUMNS) for t in odd]
    return texts


@pytest.mark.parametrize(("column", "text"), boundary_texts())
def test_a_json_column_at_its_limits_is_judged_as_record_by_record(column: str, text: str) -> None:
    import json

    from acw_tui.sync.wire import parse_batch, parse_each_record

    row = {**WRAPUP, column: text, "id": "w-1", "rev": 1}
    record = {"seq": 1, "table": "wrapups", "id": "w-1", "rev": 1, "row": row}
    body = json.dumps({"after": 0, "records": [record]}).encode()
    assert outcome(parse_batch, body) == outcome(parse_each_record, body)


def demo_batch(**changed: Any) -> bytes:
    import json

    row = {
        "id": "c-1",
        "external_id": "C-1",
        "agent_id": "ana",
        "site_id": "warsaw-1",
        "queue": "billing",
        "started_at": "2026-05-04T10:00:00.000Z",
        "updated_at": "2026-05-04T10:04:00.000Z",
        "talk_seconds": 240.5,
        "rev": 2,
        **changed,
    }
    record = {"seq": 8, "table": "calls", "id": "c-1", "rev": 2, "row": row}
    return json.dumps({"after": 7, "records": [record]}, ensure_ascii=False).encode()


def test_the_usual_batch_is_read_in_one_pass() -> None:
    from acw_tui.sync.protocol import Record
    from acw_tui.sync.wire import _usual_batch, parse_batch

    body = demo_batch(queue="płatności 客服", talk_seconds=240)
    after, records = _usual_batch(body) or (None, [])
    assert after == 7
    assert records == [Record(8, "calls", "c-1", 2, json_row(body))]
    assert type(records[0].row["talk_seconds"]) is int  # as sent, not made a float
    assert parse_batch(body) == (after, records)


def json_row(body: bytes) -> dict[str, Any]:
    import json

    return json.loads(body)["records"][0]["row"]


def test_what_the_one_pass_cannot_vouch_for_is_judged_in_full() -> None:
    from acw_tui.sync.wire import Invalid, _usual_batch, parse_batch

    for changed, refused in (
        ({"talk_seconds": INT64_MAX + 1}, "past 64 bits"),  # pydantic would make it a float
        ({"queue": "bil\x00ling"}, "NUL"),
        ({"rev": 3}, "id or rev disagrees"),
        ({"talk_seconds": 1e30}, "not between 0 and"),  # no call lasts that long
        ({"queue": "a\\u0000b"}, None),  # a backslash typed before u0000 is text
    ):
        body = demo_batch(**changed)
        assert _usual_batch(body) is None, changed
        if refused is None:
            assert parse_batch(body)[1][0].row == json_row(body)
        else:
            with pytest.raises(Invalid, match=refused):
                parse_batch(body)


@st.composite
def outbox_entries(draw: st.DrawFn) -> list[Any]:
    """Outbox entries as a site queues them: mostly fitting rows, some hostile payloads
    (not an object, not JSON, text that would close the record early), other sites."""
    import json

    from acw_tui.sync.protocol import OutboxEntry

    entries = []
    for seq in range(1, draw(st.integers(1, 4)) + 1):
        kind = draw(st.integers(0, 5))
        table, _kinds, row = draw(
            rows() if kind == 0 else wrapup_rows() if kind == 1 else fitting_rows()
        )
        rev = draw(st.integers(1, 3))
        site = draw(st.sampled_from(["warsaw-1", "warsaw-1", "krakow-2"]))
        row = {**row, "id": f"r-{seq}", "rev": rev, "site_id": site}
        payload = json.dumps(row, allow_nan=True)
        kind = draw(st.integers(0, 9))
        if kind == 0:
            payload = draw(st.sampled_from(["[1]", "null", "{", "NaN", '"x"']))
        elif kind == 1:  # a payload that closes its record and starts another
            payload = (
                payload[:-1]
                + '}}, {"seq": 99, "table": "calls", "id": "x", "rev": 1, "row": {"id": "x", "rev": 1, "site_id": "warsaw-1"}'
            )
        entries.append(OutboxEntry(seq, table, f"r-{seq}", rev, payload))
    return entries


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(outbox_entries())
def test_the_sites_quick_yes_is_never_wrong(entries: list[Any]) -> None:
    """What the site sends without checking each entry, each entry's own check passes."""
    from acw_tui.sync.protocol import batch_body
    from acw_tui.sync.wire import entry_problem, plainly_sendable

    verdicts = [entry_problem(e.table, e.row_id, e.rev, e.payload, "warsaw-1") for e in entries]
    if plainly_sendable(batch_body(0, entries), entries, "warsaw-1"):
        assert verdicts == [None] * len(entries)


def test_a_plain_outbox_batch_is_sent_without_checking_each_entry() -> None:
    import json

    from acw_tui.sync.protocol import OutboxEntry, batch_body
    from acw_tui.sync.wire import plainly_sendable

    row = json_row(demo_batch())
    entries = [OutboxEntry(8, "calls", "c-1", 2, json.dumps(row))]
    body = batch_body(7, entries)
    assert plainly_sendable(body, entries, "warsaw-1")
    assert not plainly_sendable(body, entries, "krakow-2")
