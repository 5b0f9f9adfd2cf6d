"""B5 transport on screen: a workstation whose site configuration names a server on another
machine and the practice's CA file signs in over TLS with the server verified, and the sign-in
screen and the status bar say so."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from desktop.app import AppContext, build_context
from desktop.config import load_config
from desktop.db.boundary import login_name
from desktop.views.login_dialog import LoginDialog
from desktop.views.session import SessionController
from tests.db import server_practice as sp

from .test_session import sign_in

VERIFIED = "(encrypted, server verified)"


def verified_workstation(
    server, database_url: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> AppContext:
    """A workstation configured as IT would: the server by its certificate's name, the CA file,
    no login in the address (people sign in as themselves)."""
    database = make_url(database_url).database
    address = f"postgresql://{server.tls_name}:{server.port}/{database}?hostaddr={server.host}"
    site = folder / "clinicdesk.toml"
    site.write_text(
        f'[database]\nurl = "{address}"\nca_file = "{server.ca_file}"\n'
        '[practice]\ntime_zone = "America/Toronto"\n'
    )
    monkeypatch.setenv("CLINICDESK_SITE_CONFIG", str(site))
    ctx = build_context(load_config(), sign_in_later=True)
    ctx.passwords = sp.cheap_passwords()
    return ctx


@pytest.fixture
def server_ctx(
    postgres_server, _postgres_template, fresh_postgres_database, tmp_path, monkeypatch
) -> Iterator[AppContext]:
    url = fresh_postgres_database(_postgres_template)
    it = sp.it_engine(url)
    try:
        sp.set_up(it, sp.cheap_passwords())
    finally:
        it.dispose()
    ctx = verified_workstation(postgres_server, url, tmp_path, monkeypatch)
    yield ctx
    ctx.close()


def test_B5_signing_in_over_verified_tls_is_shown_on_both_screens(qtbot, server_ctx) -> None:
    controller = SessionController(server_ctx)
    try:
        controller.start()
        dialog = controller.dialog
        assert isinstance(dialog, LoginDialog)
        assert dialog.database_label.text().endswith(VERIFIED)
        window = sign_in(qtbot, controller, sp.OWNER_EMAIL, sp.PASSWORD)
        # signed in as the person's own login, over the verified connection
        database = server_ctx.engine.url.database
        assert sp.session_user(server_ctx) == login_name(database, sp.OWNER_EMAIL)
        status = window.status_label.text()
        assert VERIFIED in status
        assert "Signed in as Dr. Maya Okafor" in status
        with server_ctx.engine.connect() as connection:
            encrypted = connection.exec_driver_sql(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
            ).scalar_one()
        assert encrypted
    finally:
        if controller.lock is not None:
            controller.lock.stop()
        for widget in (controller.main_window, controller.dialog):
            if widget is not None:
                widget.close()
