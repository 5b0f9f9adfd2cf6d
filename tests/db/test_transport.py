"""B5 transport: a server on another machine is reached over TLS with its certificate verified,
unless IT writes another sslmode in the address; the status bar says which it is."""

from __future__ import annotations

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from desktop.app import StartupError, connect
from desktop.db.engine import create_database_engine, transport_label, with_transport


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


def test_a_remote_server_without_tls_is_refused_not_used_in_plain_text(postgres_server) -> None:
    """The test server speaks no TLS: reached by a name that is not this computer's, the
    connection fails instead of falling back to plain text."""
    url = postgres_server.url("postgres").set(host="db.clinic.example")
    url = url.update_query_dict({"hostaddr": postgres_server.host})
    engine = create_database_engine(url)
    try:
        with pytest.raises(sa_exc.OperationalError, match="SSL"):
            with engine.connect():
                pass
    finally:
        engine.dispose()
    with pytest.raises(StartupError):
        connect(url.render_as_string(hide_password=False))


def test_the_status_bar_label_says_how_the_connection_travels(postgres_server) -> None:
    engine, label, embedded = connect(
        postgres_server.url("postgres").render_as_string(hide_password=False)
    )
    engine.dispose()
    assert not embedded and label.endswith("(server on this computer)")
