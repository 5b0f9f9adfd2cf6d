"""Where things live: platformdirs paths, the site configuration IT deploys, environment overrides.

Nothing here runs at import time; `load_config()` is called once at start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_DIR_NAME = "ClinicDesk"
SITE_CONFIG_NAME = "clinicdesk.toml"
DATABASE_FILE_NAME = "clinicdesk.sqlite"
DEMO_DATABASE_FILE_NAME = "clinicdesk-demo.sqlite"
#: how many automatic backups of each kind are kept beside the embedded file.
DEFAULT_BACKUPS_KEPT = 7

#: environment variables that override the files (for IT scripts and tests).
ENV_DATABASE_URL = "CLINICDESK_DATABASE_URL"
ENV_SITE_CONFIG = "CLINICDESK_SITE_CONFIG"
ENV_DATA_DIR = "CLINICDESK_DATA_DIR"
ENV_CONFIG_DIR = "CLINICDESK_CONFIG_DIR"
#: `Config.source` when the database was named with --database.
COMMAND_LINE = "the command line"


class ConfigError(Exception):
    """The configuration cannot be used; the message says which file and what is wrong."""


@dataclass(frozen=True)
class Config:
    """Settings resolved at start-up."""

    data_dir: Path
    #: the database URL without a password; None means the embedded file in data_dir.
    database_url: str | None
    #: the practice time zone IT deployed, offered when a practice is first set up.
    time_zone: str | None
    #: which file the settings came from, for messages ("from /etc/xdg/ClinicDesk/clinicdesk.toml").
    source: str
    #: how many automatic backups of the embedded file are kept (`[backups] keep`).
    backups_kept: int = DEFAULT_BACKUPS_KEPT
    #: the certificate authority that signed the server's certificate ([database] ca_file).
    ca_file: Path | None = None
    #: the practice's audit signing key on this workstation ([audit] signing_key), for a server.
    audit_key_file: Path | None = None

    @property
    def embedded_database(self) -> Path:
        return self.data_dir / DATABASE_FILE_NAME

    @property
    def demo_database(self) -> Path:
        return self.data_dir / DEMO_DATABASE_FILE_NAME


def database_location(config: Config, *, demo: bool) -> str | Path:
    """Which database to open: the demo file, the configured address, or the embedded file.

    The demo goes into a database named on the command line (to try the networked mode on a
    practice's own server), never into the one a site configuration names."""
    if demo and config.source != COMMAND_LINE:
        return config.demo_database
    if config.database_url:
        return config.database_url
    return config.embedded_database


def site_config_paths() -> list[Path]:
    """Files read in order; a later one overrides an earlier one (site-wide, then this user's)."""
    override = os.environ.get(ENV_SITE_CONFIG)
    if override:
        return [Path(override)]
    config_dir = os.environ.get(ENV_CONFIG_DIR)
    if config_dir:
        return [Path(config_dir) / SITE_CONFIG_NAME]
    site = Path(platformdirs.site_config_dir(APP_DIR_NAME, appauthor=False)) / SITE_CONFIG_NAME
    user = Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False)) / SITE_CONFIG_NAME
    return [site, user]


def _read_toml(path: Path) -> dict:
    import tomllib  # only where there is a file to read: most starts have none

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"The configuration file {path} is not valid TOML: {error}.") from None
    except OSError as error:
        raise ConfigError(
            f"The configuration file {path} cannot be read: {error.strerror}."
        ) from None


def load_config(database_url: str | None = None) -> Config:
    """Resolve the settings: command line, then environment, then configuration files, then defaults."""
    data_dir = Path(
        os.environ.get(ENV_DATA_DIR) or platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False)
    )
    url: str | None = None
    zone: str | None = None
    ca_file: Path | None = None
    source = "defaults"
    kept = DEFAULT_BACKUPS_KEPT
    audit_key_file: Path | None = None
    for path in site_config_paths():
        if not path.is_file():
            continue
        values = _read_toml(path)
        database = values.get("database", {})
        practice = values.get("practice", {})
        if not isinstance(database, dict) or not isinstance(practice, dict):
            raise ConfigError(f"In {path}, [database] and [practice] must be tables.")
        if "password" in database:
            raise ConfigError(
                f"{path} holds a database password. Remove it: Clinic Desk keeps passwords in "
                "the system keyring only (clinicdesk db set-password)."
            )
        url = database.get("url", url)
        if "ca_file" in database:
            ca_file = Path(str(database["ca_file"])).expanduser()
        zone = practice.get("time_zone", zone)
        kept = _backups_kept(values.get("backups", {}), path, kept)
        audit_key_file = _audit_key_file(values.get("audit", {}), path, audit_key_file)
        source = str(path)
    if os.environ.get(ENV_DATABASE_URL):
        url, source = os.environ[ENV_DATABASE_URL], f"the {ENV_DATABASE_URL} variable"
    if database_url:
        url, source = database_url, COMMAND_LINE
    if url is not None and not isinstance(url, str):
        raise ConfigError(f"The database url in {source} must be text.")
    return Config(
        data_dir=data_dir,
        database_url=url or None,
        time_zone=zone,
        source=source,
        backups_kept=kept,
        ca_file=ca_file,
        audit_key_file=audit_key_file,
    )


def _audit_key_file(audit: object, path: Path, default: Path | None) -> Path | None:
    """`[audit] signing_key = PATH`: the file IT placed with the practice's audit key."""
    if not isinstance(audit, dict):
        raise ConfigError(f"In {path}, [audit] must be a table.")
    value = audit.get("signing_key")
    if value is None:
        return default
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"In {path}, [audit] signing_key must be the path of a file.")
    return Path(value).expanduser()


def _backups_kept(backups: object, path: Path, default: int) -> int:
    """`[backups] keep = N`: a whole number from 1 to 365."""
    if not isinstance(backups, dict):
        raise ConfigError(f"In {path}, [backups] must be a table.")
    kept = backups.get("keep", default)
    if isinstance(kept, bool) or not isinstance(kept, int) or not 1 <= kept <= 365:
        raise ConfigError(
            f"In {path}, [backups] keep must be a whole number of backups from 1 to 365."
        )
    return kept
