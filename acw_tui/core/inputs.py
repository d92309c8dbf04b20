"""Numbers, times, durations and identifiers as a person or a phone system gives them.

Every command, the phone hook and the service check what they are given here, so a
value is refused the same way wherever it comes in: finite, within a range that makes
sense for a contact center, and with one message that names the option or field
(`--talk-seconds: 'inf' is not a finite number`). Pure Python: no click, no SQL.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta

from acw_tui.core.printable import control_at, control_name
from acw_tui.errors import AcwError


class InputError(AcwError):
    """A value given by a person or a phone system is unusable; the message names it."""


# -- ranges -------------------------------------------------------------------------------

MAX_TALK_SECONDS = 86_400.0  # one day on the phone; anything longer is a broken hook
MAX_ID_LENGTH = 200  # phone systems' call ids are 10–64 characters
MAX_LABEL_LENGTH = 500  # queue names, customer references
MAX_TEXT_LENGTH = 100_000  # text on lines given in one argument (a guide's expansion)
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)  # report bounds and stored times
LATEST = datetime(3000, 1, 1, tzinfo=UTC)
EVENT_PAST = timedelta(days=7)  # a hook replayed after an outage, not older
EVENT_FUTURE = timedelta(minutes=5)  # clock skew between the phone system and this desk
MAX_AGE = LATEST - EARLIEST  # the longest --since that can mean anything

_BREAK_OR_TAB = re.compile("[\t\n\r]")
_AGE = re.compile(r"^\s*(\d{1,12})\s*([mhdw])\s*$")
_AGE_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_BARE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_number_text(text: str) -> bool:
    """Only the ASCII digits 0-9, at least one: a count, port or length that `int()`
    takes as written. (`str.isdigit` also holds for "²" and "١", which `int()` refuses or
    reads as another number.)"""
    return text.isascii() and text.isdigit()


_USERINFO_PASSWORD = re.compile(r"(//[^:/@?#]*):[^@/?#]*@")
_QUERY_PASSWORD = re.compile(r"([?&](?:ssl)?password=)[^&#]*", re.IGNORECASE)


def url_without_secrets(url: str) -> str:
    """A store URL as any message may print it: the password of `user:password@` and of
    `?password=` (libpq reads both, and `sslpassword`) shown as ***."""
    return _QUERY_PASSWORD.sub(r"\1***", _USERINFO_PASSWORD.sub(r"\1:***@", url))


_ASCII_SPACE = " \t\n\r\x0b\x0c"
# A decimal number as `float()` reads one, in ASCII digits, without underscores.
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _shown(value: object) -> str:
    """The value as the message quotes it: repr, cut short, safe to print."""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:57]}…'"


# -- numbers -------------------------------------------------------------------------------


def number(
    value: object,
    what: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
) -> float:
    """A finite number within [minimum, maximum] (and > above); refused naming `what`."""
    if isinstance(value, bool):
        raise InputError("{what}: {value} is not a number", what=what, value=_shown(value))
    if isinstance(value, int | float):
        result = float(value) if not isinstance(value, int) or abs(value) < 2**1000 else math.inf
    elif isinstance(value, str):
        written = value.strip(_ASCII_SPACE)
        # float() also reads other scripts' digits ("٣٣") and underscores ("5_000"):
        # acw takes numbers in ASCII digits, as everywhere else. inf and nan pass here
        # to be named below.
        if not _NUMBER_TEXT.fullmatch(written) and written.lower().lstrip("+-") not in (
            "inf",
            "infinity",
            "nan",
        ):
            raise InputError("{what}: {value} is not a number", what=what, value=_shown(value))
        try:
            result = float(written)
        except ValueError:
            raise InputError(
                "{what}: {value} is not a number", what=what, value=_shown(value)
            ) from None
    else:
        raise InputError("{what}: {value} is not a number", what=what, value=_shown(value))
    if not math.isfinite(result):
        raise InputError("{what}: {value} is not a finite number", what=what, value=_shown(value))
    if minimum is not None and result < minimum:
        raise InputError(
            "{what}: {value} is below {minimum}",
            what=what,
            value=_shown(value),
            minimum=format(minimum, "g"),
        )
    if above is not None and result <= above:
        raise InputError(
            "{what}: {value} must be more than {above}",
            what=what,
            value=_shown(value),
            above=format(above, "g"),
        )
    if maximum is not None and result > maximum:
        raise InputError(
            "{what}: {value} is above {maximum}",
            what=what,
            value=_shown(value),
            maximum=format(maximum, "g"),
        )
    return result


def whole(
    value: object, what: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number within [minimum, maximum]; refused naming `what`."""
    if isinstance(value, bool):
        raise InputError("{what}: {value} is not a whole number", what=what, value=_shown(value))
    if isinstance(value, int):
        result = value
    elif isinstance(value, str) and re.fullmatch(r"[ \t]*[+-]?[0-9]{1,30}[ \t]*", value):
        result = int(value)
    else:
        raise InputError("{what}: {value} is not a whole number", what=what, value=_shown(value))
    if minimum is not None and result < minimum:
        raise InputError(
            "{what}: {value} is below {minimum}", what=what, value=_shown(value), minimum=minimum
        )
    if maximum is not None and result > maximum:
        raise InputError(
            "{what}: {value} is above {maximum}", what=what, value=_shown(value), maximum=maximum
        )
    return result


def seconds(
    value: object, what: str = "talk seconds", *, maximum: float = MAX_TALK_SECONDS
) -> float:
    """A duration in seconds: finite, not negative, at most `maximum` (one day for talk)."""
    return number(value, what, minimum=0.0, maximum=maximum)


def factor(value: object, what: str, *, minimum: float = 1.0, maximum: float = 1000.0) -> float:
    """A multiplier such as the report's outlier factor."""
    return number(value, what, minimum=minimum, maximum=maximum)


# -- text ----------------------------------------------------------------------------------


def utf8(value: str, what: str) -> str:
    """`value` if it came as UTF-8; bytes that were not (a command-line argument or an
    environment variable in another encoding) arrive as lone surrogates and are refused."""
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        raise InputError(
            "{what}: not UTF-8 text (check the terminal's or hook's encoding)", what=what
        )
    return value


def file_name(value: str, what: str) -> str:
    """A file or folder name as given: the file system takes any character but NUL (bytes
    that are not UTF-8 included), and a NUL would only fail deep inside `open`."""
    if "\x00" in value:
        raise InputError("{what}: contains a NUL character, which no file name can hold", what=what)
    return value


def text(
    value: object,
    what: str,
    *,
    max_length: int = MAX_LABEL_LENGTH,
    allow_empty: bool = True,
    single_line: bool = True,
) -> str:
    """Text a person or a phone system typed: valid Unicode, no control characters
    (line breaks only when not `single_line`), at most `max_length` characters."""
    if not isinstance(value, str):
        raise InputError("{what}: {value} is not text", what=what, value=_shown(value))
    utf8(value, what)
    if len(value) > max_length:
        raise InputError(
            "{what}: {length} characters long (at most {limit})",
            what=what,
            length=len(value),
            limit=max_length,
        )
    at = control_at(value)
    if single_line:  # no line break or tab either, wherever one comes first
        line = _BREAK_OR_TAB.search(value, 0, len(value) if at is None else at)
        at = at if line is None else line.start()
    if at is not None:
        raise InputError(
            "{what}: contains the control character {char}",
            what=what,
            char=control_name(value[at]),
        )
    if not allow_empty and not value.strip():
        raise InputError("{what}: must not be empty", what=what)
    return value


def call_id(value: object, what: str = "call id") -> str:
    """A phone system's call id: 1–200 printable characters, kept as given."""
    return text(value, what, max_length=MAX_ID_LENGTH, allow_empty=False)


def label(value: object | None, what: str) -> str | None:
    """An optional short text (queue, customer reference); None stays None."""
    if value is None:
        return None
    return text(value, what)


# -- times ---------------------------------------------------------------------------------


def _within(moment: datetime, what: str, shown: str) -> datetime:
    if not EARLIEST <= moment < LATEST:
        raise InputError(
            "{what}: {value} is outside {first} … {last}",
            what=what,
            value=shown,
            first=format(EARLIEST, "%Y-%m-%d"),
            last=format(LATEST - timedelta(days=1), "%Y-%m-%d"),
        )
    return moment


def moment(value: object, what: str) -> datetime:
    """An ISO-8601 time (UTC when it gives no offset) between 1970 and 2999."""
    if isinstance(value, datetime):
        parsed = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return _within(parsed.astimezone(UTC), what, parsed.isoformat())
    if not isinstance(value, str):
        raise InputError("{what}: {value} is not a time", what=what, value=_shown(value))
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        parsed = parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InputError(
            "{what}: {value} is not an ISO-8601 time (e.g. 2026-05-04T10:15:00Z)",
            what=what,
            value=_shown(value),
        ) from None
    return _within(parsed, what, _shown(value))


def event_time(
    value: object,
    now: datetime,
    what: str = "event time",
    *,
    past: timedelta = EVENT_PAST,
    future: timedelta = EVENT_FUTURE,
) -> datetime:
    """When a call started or ended: an ISO time no earlier than `past` before `now`
    and no later than `future` after it (a wrap-up dated next year would never close)."""
    when = moment(value, what)
    if when > now + future:
        raise InputError(
            "{what}: {value} is in the future (now is {now})",
            what=what,
            value=_shown(value),
            now=format(now, "%Y-%m-%dT%H:%M:%SZ"),
        )
    if when < now - past:
        raise InputError(
            "{what}: {value} is more than {days} days ago (now is {now})",
            what=what,
            value=_shown(value),
            days=past.days,
            now=format(now, "%Y-%m-%dT%H:%M:%SZ"),
        )
    return when


def day_or_time(value: object, what: str, *, end: bool = False) -> datetime:
    """A report bound: an ISO date or time; a bare date given as an `end` means the end
    of that day."""
    if isinstance(value, str) and _BARE_DATE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise InputError(
                "{what}: {value} is not a date (e.g. 2026-05-04)", what=what, value=_shown(value)
            ) from None
        start = _within(datetime(day.year, day.month, day.day, tzinfo=UTC), what, _shown(value))
        return start + timedelta(days=1) if end else start
    try:
        return moment(value, what)
    except InputError as exc:
        if "{first}" in exc.template:  # out of range: that says more than the form
            raise
        raise InputError(
            "{what} {value}: expected an ISO date or time, e.g. 2026-05-04 or 2026-05-04T10:00Z",
            what=what,
            value=_shown(value),
        ) from None


def age(value: object, what: str = "--since") -> timedelta:
    """`30m`, `12h`, `7d`, `2w`: a span of time back from now."""
    match = _AGE.match(value) if isinstance(value, str) else None
    if not match:
        raise InputError(
            "{what} {value}: expected a number and a unit, e.g. 30m, 12h, 7d, 2w",
            what=what,
            value=_shown(value),
        )
    amount, unit = int(match.group(1)), match.group(2)
    if amount == 0:  # back to now: a range with nothing in it, never what was meant
        raise InputError(
            "{what} {value}: the range is empty (an age of zero)",
            what=what,
            value=_shown(value),
        )
    seconds_per = {"m": 60, "h": 3600, "d": 86_400, "w": 604_800}[unit]
    if amount * seconds_per > MAX_AGE.total_seconds():
        raise InputError(
            "{what}: {value} reaches back before {year}",
            what=what,
            value=_shown(value),
            year=format(EARLIEST, "%Y"),
        )
    return timedelta(**{_AGE_UNITS[unit]: amount})


def since(value: object, now: datetime, what: str = "--since") -> datetime:
    """The moment `value` (an age such as 7d) before `now`, not before 1970."""
    span = age(value, what)
    try:
        start = now - span
    except OverflowError:
        start = EARLIEST - timedelta(days=1)
    return _within(start, what, f"{_shown(value)} before {now:%Y-%m-%d}")
