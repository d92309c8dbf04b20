"""A log file written through RedactingFilter never holds a card number."""

from __future__ import annotations

import logging
from pathlib import Path

from acw_tui.core.redaction.logs import RedactingFilter


def test_a_log_record_is_redacted_before_it_is_written(tmp_path: Path) -> None:
    path = tmp_path / "acw.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("acw_tui.test_redaction_logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("could not save note %r", "card 4111 1111 1111 1111 cvv 737")
        try:
            raise ValueError("PESEL 44051401359 refused")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        handler.close()
    text = path.read_text(encoding="utf-8")
    assert "[CARD ****1111] cvv" in text and "[PESEL] refused" in text
    assert "4111 1111" not in text and "737" not in text and "44051401359" not in text
