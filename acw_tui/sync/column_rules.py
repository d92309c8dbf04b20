"""What each synced column holds, as the site's store writes it.

A column's type (text, integer, real) is not all the hub's reports rely on: they compare
times as text, group by a status, read codes and extensions with SQLite's JSON
functions and sum seconds. One row whose `codes` is not JSON made every report over the
hub fail ("malformed JSON"), and one whose `started_at` was "yesterday" joined every
date range. So the hub takes from a site only what the site's own store would hold:

- times (every `…_at` column) as acw writes them: ISO-8601 UTC, `2026-05-04T10:00:00.000Z`;
- enumerations one of their values: the site schema's `CHECK (… IN (…))` and the few a
  site's code enforces (a call's direction, who hung up);
- booleans 0 or 1, counts not negative, durations within `MAX_SECONDS`, a quality
  score within 0 to 100;
- JSON text columns parsed to the shape the site writes (`codes` a list of codes,
  `extensions` a list of {at, reason, seconds}, `fields` an object of plain values).

One table of rules serves both ways the hub reads a batch: `plain_type` is a rule as a
pydantic type, for the one pass over a usual batch (a JSON column's shape is also a
pydantic type, `Rule.json_type`, checked for a whole batch's texts at once); `rule_problem`
is the same rule said in words, for the record-by-record verdict.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints
from typing_extensions import TypedDict  # pydantic takes typing's only from Python 3.12

from acw_tui.sync.tables import synced_tables

# [0-9], not \d: both Python's and pydantic's \d take any script's digits.
TIMESTAMP = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?Z$"
)
_TIMESTAMP = re.compile(TIMESTAMP)
INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)
MAX_SECONDS = 1e9  # about 31 years: any duration past it is not one acw measured
MAX_CODES = 200
MAX_CODE = 200  # characters of one code
MAX_EXTENSIONS = 1000
MAX_FAILED_RULES = 200
MAX_RULE_ID = 100
MAX_FIELDS = 1000


@dataclass(frozen=True)
class Rule:
    """What one column takes beyond its type; None anywhere means "no limit"."""

    values: tuple[Any, ...] | None = None  # the only values it takes
    timestamp: bool = False
    low: float | None = None
    high: float | None = None
    shape: Callable[[Any], str | None] | None = None  # a JSON text column's shape
    json_type: Any = None  # the same shape as a pydantic type (never wider)


def _codes(value: Any) -> str | None:
    if (
        isinstance(value, list)
        and len(value) <= MAX_CODES
        and all(isinstance(c, str) and 0 < len(c) <= MAX_CODE for c in value)
    ):
        return None
    return f"must be a JSON list of at most {MAX_CODES} codes"


def _failed_rules(value: Any) -> str | None:
    if (
        isinstance(value, list)
        and len(value) <= MAX_FAILED_RULES
        and all(isinstance(r, str) and 0 < len(r) <= MAX_RULE_ID for r in value)
    ):
        return None
    return f"must be a JSON list of at most {MAX_FAILED_RULES} rule ids"


def _seconds(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value) and 0 <= value <= MAX_SECONDS


def _extensions(value: Any) -> str | None:
    if (
        isinstance(value, list)
        and len(value) <= MAX_EXTENSIONS
        and all(
            isinstance(e, dict)
            and isinstance(e.get("at"), str)
            and _TIMESTAMP.fullmatch(e["at"])
            and isinstance(e.get("reason"), str)
            and _seconds(e.get("seconds"))
            for e in value
        )
    ):
        return None
    return (
        f"must be a JSON list of at most {MAX_EXTENSIONS} extensions, "
        "each {at: UTC time, reason: text, seconds: not negative}"
    )


def _plain(value: Any) -> bool:
    return value is None or type(value) in (str, int, float, bool)


def _fields(value: Any) -> str | None:
    if (
        isinstance(value, dict)
        and len(value) <= MAX_FIELDS
        and all(_plain(v) or (isinstance(v, list) and all(map(_plain, v))) for v in value.values())
    ):
        return None
    return "must be a JSON object of field values (text, numbers, true/false or lists of them)"


# The shapes above as pydantic types, for the one pass over a usual batch. Each takes no
# more than its function does (floats finite, whole numbers not true or false, lengths
# in characters as `len` counts them); what one refuses is judged by the function.
_Code = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CODE)]
_RuleId = Annotated[str, StringConstraints(min_length=1, max_length=MAX_RULE_ID)]
_Finite = Annotated[float, Field(allow_inf_nan=False)]
_PlainValue = None | str | bool | int | _Finite


class _Extension(TypedDict):
    at: Annotated[str, StringConstraints(pattern=TIMESTAMP)]
    reason: str
    seconds: (
        Annotated[int, Field(ge=0, le=MAX_SECONDS)]
        | Annotated[float, Field(ge=0, le=MAX_SECONDS, allow_inf_nan=False)]
    )


CODES_TYPE = Annotated[list[_Code], Field(max_length=MAX_CODES)]
FAILED_RULES_TYPE = Annotated[list[_RuleId], Field(max_length=MAX_FAILED_RULES)]
EXTENSIONS_TYPE = Annotated[list[_Extension], Field(max_length=MAX_EXTENSIONS)]
FIELDS_TYPE = Annotated[dict[str, _PlainValue | list[_PlainValue]], Field(max_length=MAX_FIELDS)]


def _site_code_values() -> dict[tuple[str, str], tuple[str, ...]]:
    """Enumerations the site's code keeps (its schema has no CHECK for them)."""
    from acw_tui.listen.event import Direction, HungUpBy

    return {
        ("calls", "direction"): tuple(str(v) for v in Direction),
        ("calls", "hung_up_by"): tuple(str(v) for v in HungUpBy),
    }


BOOLEAN = Rule(values=(0, 1))
COUNT = Rule(low=0)
SECONDS = Rule(low=0, high=MAX_SECONDS)

_EXPLICIT: dict[tuple[str, str], Rule] = {
    ("calls", "talk_seconds"): SECONDS,
    ("calls", "hold_seconds"): SECONDS,
    ("wrapups", "acw_seconds"): SECONDS,
    ("wrapups", "timed_out"): BOOLEAN,
    ("wrapups", "compliant"): BOOLEAN,
    ("wrapups", "quality_critical"): BOOLEAN,
    ("wrapups", "quality_score"): Rule(low=0, high=100),
    ("wrapups", "template_version"): COUNT,
    ("wrapups", "guide_version"): COUNT,
    ("wrapups", "keys_pressed"): COUNT,
    ("wrapups", "final_chars"): COUNT,
    ("wrapups", "codes"): Rule(shape=_codes, json_type=CODES_TYPE),
    ("wrapups", "extensions"): Rule(shape=_extensions, json_type=EXTENSIONS_TYPE),
    ("wrapups", "fields"): Rule(shape=_fields, json_type=FIELDS_TYPE),
    ("wrapups", "quality_failed"): Rule(shape=_failed_rules, json_type=FAILED_RULES_TYPE),
    ("shorthand_usage", "used"): COUNT,
    ("shorthand_usage", "undone"): COUNT,
    ("shorthand_usage", "missed"): COUNT,
    ("shorthand_usage", "guide_version"): COUNT,
    ("redaction_audit", "position"): COUNT,
    ("redaction_audit", "policy_version"): COUNT,
}


@cache
def column_rules() -> dict[str, dict[str, Rule]]:
    """Table → column → its rule, for the columns that have one."""
    coded = _site_code_values()
    found: dict[str, dict[str, Rule]] = {}
    for name, table in synced_tables().items():
        rules = {}
        for column in table.columns:
            key = (name, column.name)
            if key in _EXPLICIT:
                rules[column.name] = _EXPLICIT[key]
            elif column.values is not None or key in coded:
                rules[column.name] = Rule(values=column.values or coded[key])
            elif column.kind == "text" and column.name.endswith("_at"):
                rules[column.name] = Rule(timestamp=True)
        found[name] = rules
    return found


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _json_text(text: str) -> Any:
    """The JSON in a column, or ValueError: NaN and Infinity are not JSON (SQLite's
    JSON functions refuse them), and nesting past Python's limit is an error too."""

    def refuse(constant: str) -> Any:
        raise ValueError(constant)

    try:
        return json.loads(text, parse_constant=refuse)
    except RecursionError:
        raise ValueError("nested too deeply") from None


# What a JSON text column holds when nothing was put in it: nearly every row.
_EMPTY_JSON = {"[]": [], "{}": {}}


def rule_problem(rule: Rule, name: str, value: Any) -> str | None:
    """Why column `name` cannot hold `value` under `rule`, or None. The value is already
    of the column's kind (text, integer, real); None is for NOT NULL to judge."""
    if value is None:
        return None
    if rule.values is not None and value not in rule.values:
        if rule.values == (0, 1):
            return f"column {name} is neither 0 nor 1"
        allowed = ", ".join(str(v) for v in rule.values)
        return f"column {name} is {_shown(value)}, not one of {allowed}"
    if rule.timestamp and not _TIMESTAMP.fullmatch(value):  # (`$` passes a line break)
        return f"column {name} is {_shown(value)}, not a UTC time as acw writes it (2026-05-04T10:00:00.000Z)"
    if (rule.low is not None and value < rule.low) or (rule.high is not None and value > rule.high):
        bounds = (
            f"between {rule.low:g} and {rule.high:g}"
            if rule.high is not None
            else f"at least {rule.low:g}"
        )
        return f"column {name} is {_shown(value)}, not {bounds}"
    if rule.shape is not None:
        try:
            parsed = _EMPTY_JSON[value] if value in _EMPTY_JSON else _json_text(value)
        except ValueError:
            return f"column {name} is not JSON"
        why = rule.shape(parsed)
        if why:
            return f"column {name} {why}"
    return None


def row_rules_problem(table: str, row: dict[str, Any]) -> str | None:
    """The first column of `row` (of `table`) that breaks its rule, said in words."""
    for name, rule in column_rules()[table].items():
        if name in row:
            why = rule_problem(rule, name, row[name])
            if why:
                return why
    return None


def plain_type(rule: Rule | None, kind: str, base: Any) -> Any:
    """The pydantic type of a column under `rule` for the one-pass check (`base` is the
    column kind's plain type). A JSON text column stays plain text here: its texts are
    checked after, a batch's at once (`json_type`)."""
    if rule is None or rule.shape is not None:
        return base
    if rule.values is not None:
        if all(type(v) is int for v in rule.values):
            # A Literal of numbers takes true and 1.0 for 1: whole numbers in range do not.
            low, high = min(rule.values), max(rule.values)
            assert set(rule.values) == set(range(low, high + 1)), rule.values
            return Annotated[int, Field(ge=low, le=high)]
        return Literal[rule.values]  # type: ignore[valid-type]
    if rule.timestamp:
        return Annotated[str, StringConstraints(pattern=TIMESTAMP)]
    whole = Field(
        ge=INT64_MIN if rule.low is None else rule.low,
        le=INT64_MAX if rule.high is None else rule.high,
    )
    if kind == "integer":
        return Annotated[int, whole]
    # Real columns with a rule all have both bounds, well within a float's exact range.
    assert rule.low is not None and rule.high is not None
    real = Field(ge=rule.low, le=rule.high, allow_inf_nan=False)
    return Annotated[int, whole] | Annotated[float, real]
