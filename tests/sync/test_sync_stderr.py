"""`acw sync` errors are one line on stderr, nothing before them, when stderr is not a
terminal (a cron job's mail, a log file). The progress bar drew nothing there, but
stopping it left an empty line before the error."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli


class _Refusing(BaseHTTPRequestHandler):
    def _refuse(self) -> None:
        body = b'{"detail": "unknown token"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _refuse

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def refusing_hub() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_sync_error_is_one_line_with_no_empty_line_before_it(
    config, acw_home: Path, refusing_hub: str
) -> None:
    result = CliRunner().invoke(cli, ["sync", "--hub", refusing_hub, "--token", "acw_x"])
    assert result.exit_code != 0
    assert result.stderr.startswith("Error: "), repr(result.stderr)
    assert result.stderr.count("\n") == 1, repr(result.stderr)
