"""The `[redaction]` section of config.toml (the policy itself is core: see
`acw_tui.core.redaction.policy` for the keys)."""

from __future__ import annotations

from acw_tui.core.redaction.policy import RedactionPolicy
from acw_tui.settings.config import Config, ConfigError, section
from acw_tui.settings.paths import config_file


def policy_from_config(config: Config) -> RedactionPolicy:
    """The `[redaction]` table of `config`; a bad value is refused naming the key."""
    policy = section(config, "redaction", RedactionPolicy)
    for key, reason in policy.problems():
        raise ConfigError(
            "{file}: redaction.{key}: {reason}",
            file=config.path or config_file(),
            key=key,
            reason=reason,
        )
    return policy
