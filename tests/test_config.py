"""Configuration: the site file IT deploys, environment and command-line overrides, no secrets in files."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.config import ENV_DATABASE_URL, ENV_SITE_CONFIG, ConfigError, load_config


@pytest.fixture
def site_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "clinicdesk.toml"
    monkeypatch.setenv(ENV_SITE_CONFIG, str(path))
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    return path


def test_without_any_file_the_embedded_database_is_used(site_file):
    config = load_config()
    assert config.database_url is None and config.source == "defaults"
    assert config.embedded_database.name == "clinicdesk.sqlite"


def test_the_site_file_names_the_server_and_the_time_zone(site_file):
    site_file.write_text(
        '[database]\nurl = "postgresql+psycopg://desk@db.clinic.lan/clinic"\n'
        '[practice]\ntime_zone = "America/Vancouver"\n'
    )
    config = load_config()
    assert config.database_url == "postgresql+psycopg://desk@db.clinic.lan/clinic"
    assert config.time_zone == "America/Vancouver" and config.source == str(site_file)


def test_environment_then_command_line_override_the_file(site_file, monkeypatch):
    site_file.write_text('[database]\nurl = "postgresql+psycopg://a@site/x"\n')
    monkeypatch.setenv(ENV_DATABASE_URL, "postgresql+psycopg://b@env/x")
    assert load_config().database_url.endswith("@env/x")
    assert load_config("sqlite:////tmp/x.sqlite").database_url == "sqlite:////tmp/x.sqlite"


def test_a_password_in_the_file_is_refused(site_file):
    site_file.write_text('[database]\nurl = "postgresql+psycopg://a@h/x"\npassword = "hunter2"\n')
    with pytest.raises(ConfigError, match="system keyring only"):
        load_config()


def test_a_broken_file_is_named_in_the_message(site_file):
    site_file.write_text("[database\nurl = 3")
    with pytest.raises(ConfigError, match=f"{site_file.name} is not valid TOML"):
        load_config()


def test_the_practice_says_how_many_automatic_backups_are_kept(site_file):
    assert load_config().backups_kept == 7
    site_file.write_text("[backups]\nkeep = 30\n")
    assert load_config().backups_kept == 30


@pytest.mark.parametrize("value", ["0", "366", '"seven"', "true", "2.5"])
def test_a_number_of_backups_that_makes_no_sense_is_refused(site_file, value):
    site_file.write_text(f"[backups]\nkeep = {value}\n")
    with pytest.raises(ConfigError, match="keep must be a whole number of backups from 1 to 365"):
        load_config()
