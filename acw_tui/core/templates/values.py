"""Checking what the agent typed into a template form, field by field.

Values come from the screen as text (or True/False for a check box) and from
`acw templates render --data` as JSON; both go through `check_value`, which returns
the clean value or says in a few words what is wrong. Empty means None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from acw_tui.core.inputs import is_number_text
from acw_tui.core.templates.model import FieldSpec, FieldType
from acw_tui.errors import Phrase, fill

DATE_FORMAT = "%Y-%m-%d"
DATE_TIME_FORMAT = "%Y-%m-%d %H:%M"
DATE_HINT = "YYYY-MM-DD [HH:MM], HH:MM, today, tomorrow 10:00, +2h, +30m, +1d"
MAX_TEXT = 10_000  # one field of a note; a 1 MB paste is refused, not stored
_TODAY = {"today", "dziś", "dzisiaj", "hoy", "今天"}
_TOMORROW = {"tomorrow", "jutro", "mañana", "manana", "明天"}
_TRUE = {"true", "yes", "y", "1", "on", "tak", "sí", "si", "是"}
_FALSE = {"false", "no", "n", "0", "off", "nie", "否"}
_RELATIVE = re.compile(r"^\+\s*(\d{1,4})\s*(m|min|h|d)$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
# Markers used by the renderer to find lines whose every field was empty.
RESERVED_CHARS = "\ue000\ue001"
_FARTHEST = timedelta(days=36_525)


class ValueProblem(ValueError):
    """A field's value is unusable; the message says why in a few words. Kept as its
    template and parameters (as `AcwError` is), so it is shown in the agent's language."""

    def __init__(self, template: str, /, **params: Any) -> None:
        super().__init__(fill(template, params))
        self.template = template
        self.params = params

    @property
    def phrase(self) -> Phrase:
        return Phrase(self.template, **self.params)


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def parse_when(text: str, now: datetime, zone: tzinfo | None = None) -> tuple[datetime, bool]:
    """Parse a follow-up time as an agent types it; returns (local moment, has a time)."""
    zone = zone or local_zone()
    local_now = now.astimezone(zone)
    words = text.strip().lower().split()
    if not words:
        raise ValueProblem("empty")
    relative = _RELATIVE.match(" ".join(words).replace(" ", ""))
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        step = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days"}[unit]
        return local_now + timedelta(**{step: amount}), unit != "d"
    day: date | None = None
    if words[0] in _TODAY or words[0] in _TOMORROW:
        day = local_now.date() + timedelta(days=1 if words[0] in _TOMORROW else 0)
        words = words[1:]
    elif re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", words[0]):
        try:
            day = datetime.strptime(words[0], DATE_FORMAT).date()
        except ValueError:
            raise ValueProblem("{value} is not a real date", value=words[0]) from None
        words = words[1:]
    elif "t" in words[0] and re.match(r"^\d{4}-\d{1,2}-\d{1,2}t", words[0]):
        head, _, tail = words[0].partition("t")
        return parse_when(" ".join([head, tail[:5], *words[1:]]), now, zone)
    clock: time | None = None
    if words:
        match = _CLOCK.match(words[0])
        if len(words) > 1 or not match:
            raise ValueProblem("not a date or time ({hint})", hint=DATE_HINT)
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour > 23 or minute > 59:
            raise ValueProblem("{value} is not a time of day", value=words[0])
        clock = time(hour, minute)
        day = day or local_now.date()
    assert day is not None
    moment = datetime.combine(day, clock or time(0, 0), tzinfo=zone)
    # A moment is stored in UTC: the last days of year 9999 east of it (or the first of
    # year 1 west of it) have none, and no follow-up is meant a century away.
    try:
        far = abs(moment.astimezone(UTC) - now) > _FARTHEST
    except OverflowError:
        far = True
    if far:
        raise ValueProblem("{value} is more than 100 years from today", value=text.strip())
    return moment, clock is not None


def format_when(moment: datetime, has_time: bool) -> str:
    return moment.strftime(DATE_TIME_FORMAT if has_time else DATE_FORMAT)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_GAPS = str.maketrans("", "", " \u00a0\u202f'\u2019")  # what groups digits (1 000, 1'000)


def _number(typed: str) -> int | float:
    """A number as an agent writes it, with either mark as the decimal one: 1 200, 12,50,
    1,500.50, 1.500,50. One mark followed by three digits (1,500) is fifteen hundred in
    English and one and a half in Polish: it is asked again, never read a thousand times
    off."""
    text = typed.strip().translate(_GAPS)
    sign, digits = (text[0], text[1:]) if text[:1] in "+-" else ("", text)
    marks = [c for c in digits if c in ".,"]
    shown = repr(typed.strip()[:30])
    if not marks and is_number_text(digits):
        return int(sign + digits)
    if len(set(marks)) == 2:  # the last mark is the decimal one, the other groups
        point = marks[-1]
        group = "," if point == "." else "."
        whole, _, fraction = digits.rpartition(point)
        if re.fullmatch(rf"\d{{1,3}}(?:{re.escape(group)}\d{{3}})+", whole) and re.fullmatch(
            r"\d+", fraction, re.ASCII
        ):
            return float(f"{sign}{whole.replace(group, '')}.{fraction}")
    elif len(marks) > 1:  # one mark, many times: it groups thousands
        mark = re.escape(marks[0])
        if re.fullmatch(rf"\d{{1,3}}(?:{mark}\d{{3}})+", digits, re.ASCII):
            return int(sign + digits.replace(marks[0], ""))
    elif marks:
        if re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", digits, re.ASCII):
            raise ValueProblem(
                "{value} could be a whole number or a fraction: write it without a "
                "thousands separator ({whole} or {fraction})",
                value=shown,
                whole=sign + digits.replace(marks[0], ""),
                fraction=sign + digits.replace(",", "."),
            )
        if re.fullmatch(r"\d*[.,]\d+", digits, re.ASCII):
            return float(sign + digits.replace(",", "."))
    raise ValueProblem("{value} is not a number", value=shown)


def check_value(
    spec: FieldSpec, value: Any, now: datetime | None = None, zone: tzinfo | None = None
) -> Any:
    """The clean value of one field (None when empty) or ValueProblem."""
    if _is_empty(value):
        return None
    kind = spec.type
    if kind is FieldType.BOOL:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueProblem("expected yes or no")
    if kind is FieldType.NUMBER:
        if isinstance(value, bool):
            raise ValueProblem("expected a number")
        if isinstance(value, int | float):
            return value
        return _number(str(value))
    if not isinstance(value, str):
        raise ValueProblem("expected text, got {kind}", kind=type(value).__name__)
    text = "".join(ch for ch in value if ch not in RESERVED_CHARS)
    if len(text) > MAX_TEXT:
        raise ValueProblem(
            "too long ({length} characters, at most {most})", length=len(text), most=MAX_TEXT
        )
    if kind is FieldType.MULTILINE:
        return text.strip("\n").rstrip() or None
    text = " ".join(text.split())
    if kind is FieldType.CHOICE:
        for choice in spec.choices:
            if text.casefold() == choice.casefold():
                return choice
        raise ValueProblem("choose one of: {choices}", choices=", ".join(spec.choices))
    if kind is FieldType.DATE:
        moment, has_time = parse_when(text, now or datetime.now().astimezone(), zone)
        return format_when(moment, has_time)
    return text


@dataclass(frozen=True)
class FormCheck:
    """The outcome of checking a whole form: clean values, bad values, missing ones."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # required fields left empty, in form order
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.missing

    def problems(self) -> list[str]:
        """One short line per problem, naming the field by its label."""
        found = [f"{self.labels.get(n, n)}: {message}" for n, message in self.errors.items()]
        found += [f"{self.labels.get(n, n)}: required" for n in self.missing]
        return found


def check_form(
    fields: Iterable[FieldSpec],
    raw: Mapping[str, Any],
    now: datetime | None = None,
    zone: tzinfo | None = None,
) -> FormCheck:
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    missing: list[str] = []
    labels: dict[str, str] = {}
    for spec in fields:
        labels[spec.name] = spec.label
        try:
            value = check_value(spec, raw.get(spec.name), now, zone)
        except ValueProblem as exc:
            errors[spec.name] = exc.phrase
            continue
        if value is None or (spec.type is FieldType.BOOL and value is False and spec.required):
            if spec.required:
                missing.append(spec.name)
            continue
        values[spec.name] = value
    return FormCheck(values, errors, tuple(missing), labels)


def initial_values(fields: Iterable[FieldSpec]) -> dict[str, Any]:
    """Defaults as the form shows them."""
    return {f.name: f.default for f in fields if f.default is not None}
