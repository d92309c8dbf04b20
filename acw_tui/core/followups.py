"""Follow-ups a wrap-up promises (a callback): when, who, and how urgent it is now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from acw_tui.core.templates.values import DATE_FORMAT, DATE_TIME_FORMAT, local_zone

DUE_FIELD = "follow_up_at"
OWNER_FIELD = "follow_up_owner"
# A follow-up given as a date only is due by the end of that working day.
END_OF_DAY = time(17, 0)


class Urgency(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    LATER = "later"
    DONE = "done"


@dataclass(frozen=True)
class Followup:
    """A follow-up a wrap-up promised (a callback): its owner, when it is due, when it was done."""

    id: str
    wrapup_id: str
    agent_id: str
    site_id: str
    due_at: datetime
    owner: str
    note: str = ""
    done_at: datetime | None = None
    rev: int = 1
    customer_ref: str | None = None  # of the call, when read with it
    queue: str | None = None

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def urgency(self, now: datetime, due_soon: timedelta = timedelta(hours=1)) -> Urgency:
        if self.done_at is not None:
            return Urgency.DONE
        if self.due_at <= now:
            return Urgency.OVERDUE
        if self.due_at - now <= due_soon:
            return Urgency.DUE_SOON
        return Urgency.LATER


@dataclass(frozen=True)
class FollowupPlan:
    """What finishing a wrap-up should schedule."""

    due_at: datetime  # UTC
    owner: str
    note: str = ""


def due_moment(value: str, zone: tzinfo | None = None) -> datetime:
    """A form's checked date value ("YYYY-MM-DD[ HH:MM]", local time) as UTC."""
    zone = zone or local_zone()
    try:
        local = datetime.strptime(value, DATE_TIME_FORMAT)
    except ValueError:
        day = datetime.strptime(value, DATE_FORMAT).date()
        local = datetime.combine(day, END_OF_DAY)
    return local.replace(tzinfo=zone).astimezone(UTC)


def plan_from_fields(
    values: Mapping[str, Any], agent_id: str, note: str = "", zone: tzinfo | None = None
) -> FollowupPlan | None:
    """A follow-up when the form has a due time; the owner defaults to the agent."""
    due = values.get(DUE_FIELD)
    if not isinstance(due, str) or not due:
        return None
    owner = values.get(OWNER_FIELD)
    owner = owner.strip() if isinstance(owner, str) and owner.strip() else agent_id
    return FollowupPlan(due_moment(due, zone), owner, note)
