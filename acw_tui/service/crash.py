"""Crash reports: what went wrong, written under the data folder for whoever supports
the site. Passed through redaction first, like every other file acw writes."""

from __future__ import annotations

import platform
import traceback
from datetime import UTC, datetime
from pathlib import Path

from acw_tui import __version__
from acw_tui.core.redaction import Redactor
from acw_tui.files import write_private


def write_crash_report(
    folder: Path, error: BaseException, redactor: Redactor, context: str = ""
) -> Path | None:
    """Write the report; its path, or None when even that failed (nothing more to do)."""
    now = datetime.now(UTC)
    text = "".join(traceback.format_exception(error))
    body = (
        f"acw {__version__} · Python {platform.python_version()} · {platform.platform()}\n"
        f"when: {now.isoformat(timespec='seconds')}\n"
        f"doing: {context or '-'}\n\n{text}"
    )
    try:
        return write_private(
            folder, f"crash-{now.strftime('%Y%m%d-%H%M%S-%f')}", redactor.redact(body).text
        )
    except OSError:
        return None
