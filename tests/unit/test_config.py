from pathlib import Path

import pytest

from acw_tui.settings.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config.policy.default.target_seconds == 120
    assert config.path is None


def test_policy_and_queue_overrides_are_read(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            'agent_id = "ana"\nsite_id = "waw"\n[acw]\ntarget_seconds = 90\ntimeout_seconds = 300\n'
            "require_code = true\n[acw.queues.billing]\ntarget_seconds = 200\n",
        )
    )
    assert (config.agent_id, config.site_id) == ("ana", "waw")
    assert config.policy.default.target_seconds == 90
    assert config.policy.for_queue("billing").target_seconds == 200
    # a queue inherits what it does not override
    assert config.policy.for_queue("billing").timeout_seconds == 300
    assert config.policy.for_queue("billing").require_code is True


def test_environment_overrides_agent_and_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACW_AGENT", "bo")
    monkeypatch.setenv("ACW_SITE", "mad")
    config = load_config(write(tmp_path, 'agent_id = "ana"\n'))
    assert (config.agent_id, config.site_id) == ("bo", "mad")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("agent_id = \n", "config.toml:1: malformed TOML: Invalid value (column 12)"),
        ("[acw]\ntarget_secs = 10\n", "acw.target_secs: unknown key"),
        ('[acw]\ntarget_seconds = "soon"\n', "acw.target_seconds: expected a whole number"),
        ("[acw]\ntimeout_seconds = -5\n", "acw.timeout_seconds: must not be negative"),
        ("[acw]\nrequire_code = 1\n", "acw.require_code: expected true or false"),
        ("colour = 1\n", "colour: unknown key"),
        ('locale = "fr"\n', "locale: must be one of"),
        ("[acw.queues]\nbilling = 3\n", "acw.queues.billing: expected a table"),
    ],
)
def test_bad_config_names_file_key_and_reason(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    assert expected in message


def test_config_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'agent_id = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)
