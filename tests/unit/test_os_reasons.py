"""What the system says went wrong with a file or a connection reads in the reader's
language inside a translated line ("nie można zapisać (No such file or directory)" was
half Polish, half English)."""

from __future__ import annotations

import errno
import os
import socket
import ssl
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.errors import Phrase, os_reason
from acw_tui.i18n import said, use_language

REASONS = {
    "pl": "nie ma takiego pliku ani folderu",
    "es": "no existe el archivo o la carpeta",
    "zh": "没有此文件或文件夹",
}


@pytest.mark.parametrize("language", sorted(REASONS))
def test_a_file_that_cannot_be_written_says_why_in_the_language(
    fresh_store: object, tmp_path: Path, language: str
) -> None:
    target = tmp_path / "missing-folder" / "report.txt"
    result = CliRunner().invoke(cli, ["--lang", language, "report", "-o", str(target)])
    assert result.exit_code == 1
    assert REASONS[language] in result.output, result.output
    assert "No such file" not in result.output


@pytest.mark.parametrize("number", [errno.ENOENT, errno.EACCES, errno.ENOSPC, errno.EROFS])
def test_the_errors_people_meet_are_phrases(number: int) -> None:
    reason = os_reason(OSError(number, os.strerror(number), "/x"))
    assert isinstance(reason, Phrase)
    use_language("pl")  # English again after the test (conftest)
    assert said(reason) != reason.template  # translated


def test_other_errors_keep_the_systems_words() -> None:
    assert os_reason(OSError(errno.ENOTTY, os.strerror(errno.ENOTTY))) == os.strerror(errno.ENOTTY)
    assert os_reason(OSError("no number")) == "no number"


def test_an_ssl_or_name_error_is_not_read_as_a_system_error() -> None:
    """Both number their own kinds: SSL's 1 is not EPERM, a look-up's -2 is not ENOENT."""
    tls = ssl.SSLError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    assert os_reason(tls) == tls.strerror
    lookup = socket.gaierror(-2, "Name or service not known")
    assert os_reason(lookup) == "Name or service not known"
