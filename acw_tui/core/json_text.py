"""JSON that came from outside (a hub's answer, a synced row, a phone system's event,
a team model file): one decoder.

The standard decoder refuses JSON nested too deeply with a RecursionError, and a number
past Python's integer digit limit with a plain ValueError, rather than a
JSONDecodeError. Here both are a JSONDecodeError like any other malformed text, so each
caller's "not JSON" names it and no such input reaches a traceback.
"""

from __future__ import annotations

import json
from typing import Any

JSONDecodeError = json.JSONDecodeError


def parse_json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except JSONDecodeError:
        raise
    except RecursionError:
        raise JSONDecodeError("nested too deeply to read", "", 0) from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise JSONDecodeError(str(exc), "", 0) from None
