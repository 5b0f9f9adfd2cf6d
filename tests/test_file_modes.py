"""B9: everything the app writes in its data folder is owner-only, and every database or backup in
it is encrypted; exports are owner-only; errors and logs carry no client data."""

from __future__ import annotations

import io
import logging
import stat
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from desktop.cli import main
from desktop.db.encryption import PLAIN_HEADER
from desktop.db.tables import Client
from desktop.logging_setup import configure_logging
from desktop.services.demo import DEMO_PASSWORD
from desktop.viewing import new_viewing_folder, write_for_viewing


def test_everything_written_after_demo_use_is_owner_only_and_encrypted(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    data_dir = tmp_path / "data"
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(data_dir))
    assert main(["--demo", "--smoke"]) == 0
    assert main(["--demo", "db", "backup"]) == 0
    export = tmp_path / "audit.csv"
    monkeypatch.setattr("sys.stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    assert main(["audit", "export", "--database", f"sqlite:///{data_dir}/clinicdesk-demo.sqlite",
                 "--email", "owner@demo.clinic", "--password-stdin",
                 "--output", str(export)]) == 0  # fmt: skip
    write_for_viewing(new_viewing_folder(data_dir), 1, "intake.pdf", b"%PDF intake")
    capsys.readouterr()

    written = sorted(data_dir.rglob("*"))
    assert {p.name for p in written if p.suffix == ".sqlite"} >= {"clinicdesk-demo.sqlite"}
    for path in [data_dir, *written]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), f"{path}: {oct(mode)}"
        if path.is_file() and path.parent.name != "1":
            head = path.read_bytes()
            assert head[:16] != PLAIN_HEADER, f"{path} is not encrypted"
            assert b"Okafor" not in head and b"demo.clinic" not in head, path
    assert stat.S_IMODE(export.stat().st_mode) == 0o600


def test_an_export_over_a_file_readable_by_others_becomes_owner_only(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(tmp_path / "data"))
    assert main(["--demo", "--smoke"]) == 0
    export = tmp_path / "audit.csv"
    export.write_text("old")
    export.chmod(0o644)
    demo = f"sqlite:///{tmp_path}/data/clinicdesk-demo.sqlite"
    monkeypatch.setattr("sys.stdin", io.StringIO(DEMO_PASSWORD + "\n"))
    code = main(["audit", "export", "--database", demo, "--email", "owner@demo.clinic",
                 "--password-stdin", "--output", str(export)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert stat.S_IMODE(export.stat().st_mode) == 0o600 and "old" not in export.read_text()


def test_a_database_error_is_logged_without_client_data(uow_factory) -> None:
    with pytest.raises(sa_exc.IntegrityError) as failed:
        with uow_factory() as uow:
            uow.session.add(Client(first_name="Zelda", last_name="Quartermain", sort_name=None))
            uow.session.flush()
    stream = io.StringIO()
    handler = configure_logging(stream)
    try:
        logging.getLogger("desktop.views.messages").error(
            "unexpected error shown to the user", exc_info=failed.value
        )
    finally:
        logging.getLogger().removeHandler(handler)
    logged = stream.getvalue()
    assert "IntegrityError" in logged and "unexpected error shown to the user" in logged
    assert "Quartermain" not in logged and "Zelda" not in logged
