"""Secrets live in the system keyring only; without one the user is told plainly."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends import fail

from desktop.app import server_password
from desktop.cli import main
from desktop.services import credentials
from desktop.services.credentials import KeyringUnavailable


def test_a_server_password_is_kept_in_the_keyring_and_found_for_its_url(
    memory_keyring, monkeypatch, capsys
):
    url = "postgresql+psycopg://desk@db.clinic.lan:5433/clinic"
    monkeypatch.setattr("desktop.cli.ask_password", lambda prompt: "s3cret-for-the-server")
    assert main(["db", "set-password", "--database", url]) == 0
    assert "now in the system keyring" in capsys.readouterr().out
    logins = {k: v for k, v in memory_keyring.secrets.items() if k[1].startswith("database:")}
    assert logins == {
        ("Clinic Desk", "database:desk@db.clinic.lan:5433/clinic"): "s3cret-for-the-server"
    }
    assert server_password(url) == "s3cret-for-the-server"
    assert server_password("postgresql+psycopg://other@db.clinic.lan:5433/clinic") is None


def test_without_a_keyring_the_message_says_what_to_do(monkeypatch, capsys):
    keyring.set_keyring(fail.Keyring())
    with pytest.raises(KeyringUnavailable, match="never stores passwords in plain files"):
        credentials.store_secret("database:x@y:5432/z", "secret")
    monkeypatch.setattr("desktop.cli.ask_password", lambda prompt: "secret")
    assert main(["db", "set-password", "--database", "postgresql+psycopg://x@y/z"]) == 1
    assert "no system keyring" in capsys.readouterr().err
