"""Figures, dates and percentages of a report as the reader's language writes them.

English keeps what acw has always printed (`66.7%`, `0.40`, `2026-03-01 09:05`), so
scripts reading the table see no change; Polish, Spanish and Chinese get Babel's
separators and date order (`66,7%`, `66,7 %`, `1.03.2026, 09:05`, `2026/3/1 09:05`).
Durations stay m:ss in every language.

A `LocalFormat` is made once per report (or per table) and reused for every cell: the
locale's patterns are looked up once, not per figure. The times of a report are UTC.
"""

from __future__ import annotations

import math
from copy import copy
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from acw_tui.core import metrics
from acw_tui.i18n import SOURCE_LANGUAGE, babel_locale, current_language

if TYPE_CHECKING:
    from babel import Locale
    from babel.numbers import NumberPattern

DASH = "–"


class LocalFormat:
    """How the current language writes a report's figures."""

    def __init__(self) -> None:
        self.language = current_language()
        self.english = self.language == SOURCE_LANGUAGE
        self._locale: Locale | None = None
        if not self.english:
            from babel import Locale

            locale = Locale.parse(babel_locale())
            self._locale = locale
            self._integer = locale.decimal_formats[None]
            self._percent = _with_decimals(locale.percent_formats[None], 1)
            self._fixed = {2: _with_decimals(locale.decimal_formats[None], 2)}
            self._short_date = locale.datetime_skeletons["yMd"]
            self._short_time = locale.datetime_skeletons["Hm"]
            self._day_month = locale.datetime_skeletons["Md"]
            self._joined = str(locale.datetime_formats["short"])

    # -- numbers ------------------------------------------------------------------------

    def count(self, value: int) -> str:
        """A whole number (calls, keys pressed)."""
        if self.english or self._locale is None:
            return str(value)
        return self._integer.apply(value, self._locale)

    def percent(self, value: float | None, *, fraction: bool = False) -> str:
        """A percentage with one decimal; `fraction` when `value` is 0..1 rather than 0..100."""
        if self.english or self._locale is None:
            return metrics.format_percent(value, fraction=fraction)
        if value is None or not math.isfinite(value):
            return DASH
        return self._percent.apply(value if fraction else value / 100, self._locale)

    def ratio(self, value: float | None, digits: int = 2) -> str:
        """A ratio with `digits` decimals (typed / final, × team median)."""
        if value is None or not math.isfinite(value):
            return DASH
        if self.english or self._locale is None:
            return f"{value:.{digits}f}"
        pattern = self._fixed.get(digits)
        if pattern is None:
            pattern = self._fixed[digits] = _with_decimals(self._integer, digits)
        return pattern.apply(value, self._locale)

    def plain(self, value: float) -> str:
        """A setting as the lead wrote it (1.5, 200): no padding to fixed decimals."""
        text = f"{value:g}"
        if self.english or self._locale is None:
            return text
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self._locale)

    def whole(self, value: float | None) -> str:
        """A score with no decimals (quality 0–100)."""
        if value is None or not math.isfinite(value):
            return DASH
        return f"{value:.0f}"

    @staticmethod
    def seconds(value: float | None) -> str:
        """A duration as m:ss (or h:mm:ss), the same in every language."""
        return metrics.format_seconds(value)

    # -- dates (UTC) --------------------------------------------------------------------

    def moment(self, value: datetime) -> str:
        """A date and time of day in UTC."""
        if self.english or self._locale is None:
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        from babel.dates import format_datetime

        date = format_datetime(value, self._short_date, tzinfo=UTC, locale=self._locale)
        time = format_datetime(value, self._short_time, tzinfo=UTC, locale=self._locale)
        return self._joined.replace("{1}", date).replace("{0}", time)

    def stored_moment(self, text: str) -> str:
        """A time as the store keeps it (ISO text, UTC), for a person (English shows the
        stored text itself, cut to the minute)."""
        if self.english:
            return text[:16]
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return text[:16]
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return self.moment(value)

    def day(self, iso_day: str) -> str:
        """A day of a by-day report (`2026-03-05`) as a short day and month (`05-03` in
        English as before, `5.03` in Polish, `3/5` in Chinese)."""
        if self.english or self._locale is None:
            return iso_day[5:]
        from babel.dates import format_date

        try:
            value = datetime.fromisoformat(iso_day[:10])
        except ValueError:
            return iso_day[5:]
        return format_date(value, self._day_month, locale=self._locale)


def _with_decimals(pattern: NumberPattern, digits: int) -> NumberPattern:
    shaped = copy(pattern)
    shaped.frac_prec = (digits, digits)
    return shaped
