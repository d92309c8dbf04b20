"""Redacting log records before a handler writes them.

acw keeps no log file today; any handler that writes one must carry this filter, so a
note quoted in an error message cannot put a card number on disk that way:

    handler.addFilter(RedactingFilter(redactor))
"""

from __future__ import annotations

import logging

from acw_tui.core.redaction.engine import Redactor, redactor_for
from acw_tui.core.redaction.policy import DEFAULT_POLICY


class RedactingFilter(logging.Filter):
    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self.redactor = redactor or redactor_for(DEFAULT_POLICY)

    def filter(self, record: logging.LogRecord) -> bool:
        # Format once, redact the result, and drop the args so nothing formats the raw
        # values again further down the chain.
        record.msg = self.redactor.redact(record.getMessage()).text
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text).text
        return True
