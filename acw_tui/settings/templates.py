"""The `[templates]` config section and the templates folder in force.

```toml
[templates]
folder = "/srv/acw/templates"   # default: the copy received from the hub, else shipped
default = "general-inquiry"      # template shown before a code suggests one ("" = none)
due_soon_minutes = 60            # follow-ups due within this are highlighted
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from acw_tui.core.templates import TemplateLibrary, load_library
from acw_tui.settings import paths
from acw_tui.settings.config import Config, ConfigError, section


@dataclass(frozen=True)
class TemplatesConfig:
    """The `[templates]` table: the templates folder, the default template, and how soon
    a follow-up counts as due soon."""

    folder: str = ""
    default: str = ""
    due_soon_minutes: int = 60


def templates_config(config: Config) -> TemplatesConfig:
    return section(config, "templates", TemplatesConfig)


def templates_folder(config: Config, override: Path | None = None) -> Path:
    """`--templates DIR` wins, then `[templates] folder`, then the hub's copy, then shipped."""
    if override is not None:
        return override
    configured = templates_config(config).folder
    if configured:
        folder = Path(configured).expanduser()
        if not folder.is_absolute() and config.path is not None:
            folder = config.path.parent / folder
        return paths.content_dir("templates", folder)
    return paths.content_dir("templates")


def load_configured_library(config: Config, override: Path | None = None) -> TemplateLibrary:
    library = load_library(templates_folder(config, override))
    default = templates_config(config).default
    if default and default not in library.ids():
        raise ConfigError(
            "{file}: templates.default: no template {default} in {folder}",
            file=config.path or paths.config_file(),
            default=repr(default),
            folder=library.folder,
        )
    return library
