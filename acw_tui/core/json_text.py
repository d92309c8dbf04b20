"""JSON that came from outside (a hub's answer, a synced row, a phone system's event,
a team model file): one decoder.

The standard decoder refuses JSON nested too deeply with a RecursionError rather than
a ValueError. Here that is a ValueError (a JSONDecodeError) like any other malformed
text, so each caller's "not JSON" names it and no such input reaches a traceback.
"""

from __future__ import annotations

import json
from typing import Any

JSONDecodeError = json.JSONDecodeError


def parse_json(text: str | bytes) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise JSONDecodeError("nested too deeply to read", "", 0) from None
