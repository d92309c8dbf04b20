"""Record ids: UUIDv7 text, so ids sort by creation time on every machine."""


def new_id() -> str:
    # Imported here: ids are needed only when writing, and the screen's start-up
    # should not pay for the import before its first paint.
    from uuid6 import uuid7

    return str(uuid7())
