"""Record ids: UUIDv7 text, so ids sort by creation time on every machine."""

from uuid6 import uuid7


def new_id() -> str:
    return str(uuid7())
