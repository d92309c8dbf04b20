"""Where acw keeps its files.

By default config lives in the platform's user config folder and data in the user data
folder. `ACW_HOME` puts both under one folder (handy for a kiosk or a test), and
`ACW_DB` names the database file outright.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "acw"
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # acw_tui/


def home() -> Path | None:
    value = os.environ.get("ACW_HOME")
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    return home() or Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return home() or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    return config_dir() / "config.toml"


def database_file() -> Path:
    value = os.environ.get("ACW_DB")
    return Path(value).expanduser() if value else data_dir() / "acw.db"


def bundled(name: str) -> Path:
    """A folder of shipped data (`shorthand`, `templates`).

    An installed wheel carries it inside the package; a source checkout (editable
    install) reads it from the top of the repository, where team leads edit it.
    """
    packaged = PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / name


def hub_copy(name: str) -> Path:
    """Where `acw sync` keeps the newest guide or templates received from the hub."""
    return data_dir() / "from-hub" / name


def content_dir(name: str, configured: Path | None = None) -> Path:
    """The folder of guides (`shorthand`) or templates (`templates`) in force.

    A path named in the config wins; otherwise the newest copy received from the hub;
    otherwise the defaults shipped with acw.
    """
    if configured is not None:
        return configured
    received = hub_copy(name)
    if received.is_dir() and any(received.iterdir()):
        return received
    return bundled(name)
