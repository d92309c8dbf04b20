"""`acw --lang … listen`: every line it writes reads in the chosen language, and the
secret and card numbers are still hidden in the translated line."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from tests.listen.simulators import AmiSimulator, agent_complete, agent_connect

SECRET = "s3cret-ami"
CARD = "4111111111111111"  # a test card number (passes the Luhn check)


@pytest.fixture(autouse=True)
def home(acw_home: Path) -> Path:
    (acw_home / "config.toml").write_text('agent_id = "ana"\nsite_id = "s1"\n', encoding="utf-8")
    return acw_home


async def check(language: str, port: int) -> tuple[int | None, str, str]:
    env = {**os.environ, "ACW_LISTEN_SECRET": SECRET}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "acw_tui", "--lang", language, "listen",
        f"ami://acw@127.0.0.1:{port}", "--agent", "PJSIP/1001=ana", "--check", "--wait", "1",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    return proc.returncode, out.decode(), err.decode()


async def test_check_speaks_polish() -> None:
    now = datetime.now(UTC)
    sim = await AmiSimulator(
        scripts=[
            [
                agent_connect(now - timedelta(seconds=80), "1800000000.1"),
                agent_complete(now, "1800000000.2", interface="PJSIP/2002", member="Bo"),
            ]
        ]
    ).start()
    code, out, err = await check("pl", sim.port)
    await sim.stop()
    assert code == 0, err
    assert f"połączono: AMI 127.0.0.1:{sim.port} jako acw\n" in out
    assert (
        "zostałoby zapisane (rozmowa rozpoczęta): ami: odebrana rozmowa 1800000000.1, "
        "konsultant PJSIP/1001"
    ) in out
    assert "pominięto: rozmowa innego konsultanta: ami: zakończona rozmowa 1800000000.2" in out
    assert "rozłączył się" in out
    assert "sprawdzanie zakończone:" in out and "nic nie zapisano" in out
    assert "connected" not in out and "would record" not in out
    assert SECRET not in out + err


async def test_a_bad_frame_is_logged_in_chinese_with_the_card_number_hidden() -> None:
    # A line without `Key: Value` quoting a card number and the secret: the translated
    # line still hides both (they are hidden after translation, as written).
    garbage = f"garbage {CARD} {SECRET}".encode()
    sim = await AmiSimulator(scripts=[[garbage + b"\r\n\r\n"]]).start()
    code, out, err = await check("zh", sim.port)
    await sim.stop()
    assert code == 0, err
    assert "已连接：AMI 127.0.0.1" in out
    bad = [line for line in out.splitlines() if line.startswith("输入有误：")]
    assert len(bad) == 1, out
    assert bad[0].startswith("输入有误：AMI：格式错误的行 'garbage ")
    assert bad[0].endswith("（应为 'Key: Value'）")
    assert CARD not in out + err and SECRET not in out + err


def test_a_refused_source_reads_in_spanish() -> None:
    result = CliRunner(env={"ACW_LISTEN_SECRET": SECRET}).invoke(
        cli, ["--lang", "es", "listen", "telnet://pbx"]
    )
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1
    line = "SOURCE: 'telnet://pbx': use ami://USER@HOST:PORT (ami+tls:// sobre TLS), esl://HOST:PORT o "
    assert line in result.stderr


def test_the_running_listeners_log_translates_before_it_hides(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `acw listen` without --check logs through this logger: the Phrase is translated
    # first, then the secret and the card number are hidden in the translated line.
    from acw_tui.commands.listen import _say_to_stderr
    from acw_tui.core.redaction import redactor_for
    from acw_tui.core.redaction.policy import DEFAULT_POLICY
    from acw_tui.errors import N_, Phrase
    from acw_tui.i18n import use_language

    use_language("zh_CN")
    try:
        logger = _say_to_stderr(SECRET, redactor_for(DEFAULT_POLICY))
        frame = Phrase(
            N_("AMI: malformed line {line!r} (expected 'Key: Value')"), line=f"x {CARD} {SECRET}"
        )
        logger.info(Phrase(N_("bad input: {message}"), message=frame))
        logger.info("plain text stays as it is")
    finally:
        use_language("en")
    err = capsys.readouterr().err
    assert "acw listen: 输入有误：AMI：格式错误的行 'x " in err
    assert "acw listen: plain text stays as it is" in err
    assert CARD not in err and SECRET not in err and "****" in err
