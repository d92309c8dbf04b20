"""UTC timestamps as stored: ISO-8601 text, always with an explicit offset."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_iso(moment: datetime) -> str:
    """Format an aware datetime as ISO-8601 UTC text with milliseconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: acw stores UTC only")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    """Parse stored or user-given ISO-8601 text; a time without offset is taken as UTC."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
