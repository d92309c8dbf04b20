"""Which shorthand guide is in force: the `[shorthand]` config section and the locale.

```toml
locale = "pl"             # picks shorthand/pl.toml

[shorthand]
guide = "/srv/acw/guides" # a folder of <locale>.toml guides, or one guide file
enabled = true            # false: the notes editor does not expand
completion = true         # ghost text learned from the team's finished notes
coaching = true           # the hint line says which entry a phrase typed in full has
```

Without `guide`, the folder is the newest copy received from the hub, else the
guides shipped with acw (`paths.content_dir`). A locale without a guide falls back to
English.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from acw_tui.core.shorthand import Guide, ShorthandError, load_guide, load_guide_leniently
from acw_tui.settings import paths
from acw_tui.settings.config import Config, section


@dataclass(frozen=True)
class ShorthandSettings:
    """The `[shorthand]` table: the guide, and whether expansion, completion and coaching are on."""

    guide: str = ""
    enabled: bool = True
    completion: bool = True
    coaching: bool = True


def settings(config: Config) -> ShorthandSettings:
    return section(config, "shorthand", ShorthandSettings)


def guide_file(config: Config, override: Path | None = None) -> Path:
    """The guide file for this config: `override`, else `[shorthand] guide`, else by locale."""
    if override is not None:
        return override
    configured = settings(config).guide
    folder: Path | None = None
    if configured:
        path = Path(configured).expanduser()
        if config.path is not None and not path.is_absolute():
            path = config.path.parent / path
        if path.suffix == ".toml" or path.is_file():
            return path
        folder = path
    base = paths.content_dir("shorthand", folder)
    chosen = base / f"{config.locale}.toml"
    if not chosen.exists() and (base / "en.toml").exists():
        return base / "en.toml"
    return chosen


def guide_to_edit(config: Config, override: Path | None = None) -> Path:
    """The guide file a lead's edit (add, remove, import, bump) writes.

    One named with `--guide` or `[shorthand] guide` is the lead's own. Without a name,
    the guide in force may be the copy received from the hub, which the hub's next
    release replaces, or the one inside an installed acw, which an upgrade replaces: an
    edit there would be lost without a word, so it is refused, naming the file. (In a
    source checkout the shipped guides are the repository's, edited where they are.)
    """
    path = guide_file(config, override)
    if override is not None or settings(config).guide:
        return path
    where = path.resolve()
    if where.is_relative_to(paths.hub_copy("shorthand").resolve()):
        raise ShorthandError(
            "{path} is the guide received from the hub, and its next release replaces it: "
            "copy it to a file of your own and name that with --guide PATH "
            "or [shorthand] guide in config.toml",
            path=path,
        )
    if where.is_relative_to((paths.PACKAGE_DIR / "_data").resolve()):
        raise ShorthandError(
            "{path} is the guide shipped inside acw, and the next upgrade replaces it: "
            "copy it to a file of your own and name that with --guide PATH "
            "or [shorthand] guide in config.toml",
            path=path,
        )
    return path


def load_configured_guide(config: Config, override: Path | None = None) -> Guide:
    """For team-lead commands: problems in the file are reported, unreadable files raise."""
    return load_guide(guide_file(config, override))


def load_agent_guide(config: Config) -> Guide:
    """For the screen: never raises; an unusable guide is empty, with its problem attached."""
    if not settings(config).enabled:
        return Guide()
    return load_guide_leniently(guide_file(config))
