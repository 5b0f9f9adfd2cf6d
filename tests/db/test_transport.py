"""B5 transport: a server on another machine is reached over TLS with its certificate verified,
unless IT writes another sslmode in the address; the status bar says which it is."""

from __future__ import annotations

import os

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from desktop.app import StartupError, build_context, connect
from desktop.config import load_config
from desktop.db.engine import create_database_engine, transport_label, with_transport
from tests.tls_certs import make_ca, write_ca


def test_a_remote_server_is_verified_against_the_sites_ca_file() -> None:
    url = with_transport(make_url("postgresql://db.clinic.example/clinicdesk"), "/etc/ca.pem")
    assert url.query == {"sslmode": "verify-full", "sslrootcert": "/etc/ca.pem"}
    assert transport_label(url) == "encrypted, server verified"


@pytest.mark.parametrize(
    "address",
    [
        "postgresql://localhost/clinicdesk",
        "postgresql://127.0.0.1:5433/clinicdesk",
        "postgresql:///clinicdesk?host=/var/run/postgresql",
    ],
)
def test_a_server_on_this_computer_needs_no_tls(address: str) -> None:
    url = make_url(address)
    assert with_transport(url, "/etc/ca.pem") == url
    assert transport_label(url) == "server on this computer"


@pytest.mark.parametrize(
    ("mode", "label"),
    [("disable", "NOT ENCRYPTED"), ("require", "encrypted, server name not verified")],
)
def test_an_sslmode_in_the_address_is_its_explicit_opt_out(mode: str, label: str) -> None:
    url = make_url(f"postgresql://db.clinic.example/clinicdesk?sslmode={mode}")
    assert with_transport(url, "/etc/ca.pem") == url
    assert transport_label(url) == label


def _remote(postgres_server, host: str | None = None, database: str = "postgres", **query: str):
    """The test server's address under the name its certificate is made out to (or `host`),
    reached at 127.0.0.1: for a workstation, a server on another machine."""
    url = postgres_server.url(database).set(host=host or postgres_server.tls_name)
    return url.update_query_dict({"hostaddr": postgres_server.host, **query})


def _encrypted(engine) -> bool:
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        ).scalar_one()


def test_a_remote_server_is_verified_with_the_ca_file_of_the_site_configuration(
    postgres_server, _postgres_template, fresh_postgres_database, tmp_path, monkeypatch
) -> None:
    database = make_url(fresh_postgres_database(_postgres_template)).database
    site = tmp_path / "clinicdesk.toml"
    address = _remote(postgres_server, database=database).render_as_string(hide_password=False)
    site.write_text(
        f'[database]\nurl = "{address}"\nca_file = "{postgres_server.ca_file}"\n'
        '[practice]\ntime_zone = "America/Toronto"\n'
    )
    monkeypatch.setenv("CLINICDESK_SITE_CONFIG", str(site))
    config = load_config()
    assert config.ca_file == postgres_server.ca_file
    ctx = build_context(config)
    try:
        assert ctx.engine.url.query["sslmode"] == "verify-full"
        assert _encrypted(ctx.engine)
        assert ctx.database_label.endswith("(encrypted, server verified)")
    finally:
        ctx.close()


def test_a_server_certificate_from_another_ca_or_for_another_name_is_refused(
    postgres_server, tmp_path
) -> None:
    _key, other_ca = make_ca("Someone else's CA")
    stranger = write_ca(tmp_path / "other-ca.pem", other_ca)
    wrong_ca = _remote(postgres_server).render_as_string(hide_password=False)
    with pytest.raises(StartupError, match="certificate verify failed"):
        connect(wrong_ca, ca_file=stranger)
    wrong_name = _remote(postgres_server, "files.clinic.test")
    with pytest.raises(StartupError, match="does not match host name"):
        connect(wrong_name.render_as_string(hide_password=False), ca_file=postgres_server.ca_file)


def test_plain_text_to_a_remote_server_only_by_the_written_opt_out(postgres_server) -> None:
    """Without a written sslmode the connection is verified TLS or nothing; with
    `sslmode=disable` it travels in plain text, and the status bar says so."""
    engine = create_database_engine(_remote(postgres_server), ca_file=postgres_server.ca_file)
    try:
        assert _encrypted(engine)
    finally:
        engine.dispose()
    opted_out = _remote(postgres_server, sslmode="disable")
    engine, label, _embedded = connect(opted_out.render_as_string(hide_password=False))
    try:
        assert not _encrypted(engine)
        assert label.endswith("(NOT ENCRYPTED)")
    finally:
        engine.dispose()


def test_the_server_refuses_a_staff_login_in_plain_text(postgres_server) -> None:
    """hostssl in pg_hba.conf: even a login with the right password needs TLS."""
    name = f"tls_probe_{os.getpid()}"
    admin = psycopg.connect(
        str(postgres_server.url("postgres").render_as_string()).replace(
            "postgresql+psycopg", "postgresql"
        ),
        autocommit=True,
    )
    try:
        admin.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD 'a long password'").format(sql.Identifier(name))
        )
        common = {
            "host": postgres_server.host,
            "port": postgres_server.port,
            "dbname": "postgres",
            "user": name,
            "password": "a long password",
        }
        with psycopg.connect(**common, sslmode="require") as connection:
            assert connection.execute("SELECT 1").fetchone() == (1,)
        with pytest.raises(psycopg.OperationalError, match="no encryption"):
            psycopg.connect(**common, sslmode="disable")
    finally:
        admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
        admin.close()


def test_the_status_bar_label_says_how_the_connection_travels(postgres_server) -> None:
    engine, label, embedded = connect(
        postgres_server.url("postgres").render_as_string(hide_password=False)
    )
    engine.dispose()
    assert not embedded and label.endswith("(server on this computer)")
