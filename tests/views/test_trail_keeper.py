"""While a workstation runs, a share past its end date is recorded as ended within a minute,
and at start-up (B2); a checkpoint of the audit trail is signed when due (B8)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, text

from desktop.db.boundary import login_name
from desktop.db.tables import AuditEvent, ChartShare
from desktop.db.uow import UnitOfWork
from desktop.services import audit, checkpoints, sharing
from desktop.services.audit_key import file_key, write_key_file
from desktop.services.principal import Role
from desktop.views import trail_keeper
from desktop.views.session import build_main_window
from tests.db import server_practice as sp

from .conftest import OWNER_EMAIL, OWNER_PASSWORD, STAFF_PASSWORD, on_server
from .test_audit_screen import open_audit
from .test_client_profile import new_client


def _share_until(ctx, add_member, days: int):
    """Dr. Lee shares a chart with Dr. Lindqvist until `days` from now; on a server Lee is the
    person signed in at this workstation, whose login the window's timer works through."""
    _m, lee = add_member("Dr. Daniel Lee", Role.PROVIDER, records_owner="provider")
    _m, rosa = add_member("Dr. Rosa Lindqvist", Role.PROVIDER, records_owner="provider")
    if on_server(ctx):
        ctx.principal = lee = ctx.sign_in(lee.email, STAFF_PASSWORD)
    client_id = new_client(ctx, lee)
    until = ctx.clock.now() + timedelta(days=days)
    sharing.start_chart_share(ctx.uow(), lee, client_id, lee.staff_id, rosa.staff_id, until=until)
    return lee, until


def _time_passes(ctx, delta: timedelta) -> timedelta:
    """The workstation's clock moves on by `delta`. A server keeps its own time, which no test
    moves: there the shares are made `delta` older instead (as IT), so that the server finds an
    end date passed when the workstation does. Returns how much older they were made."""
    ctx.clock.advance(delta)
    if not on_server(ctx):
        return timedelta(0)
    with ctx.it_engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE chart_shares"
                " SET started_at = started_at - :delta, expires_at = expires_at - :delta"
            ),
            {"delta": delta},
        )
    return delta


def _as_it(ctx) -> UnitOfWork:
    """A unit of work that reads every row (the trail too), whoever is signed in."""
    return UnitOfWork(ctx.it_engine if on_server(ctx) else ctx.engine, ctx.clock)


def _ended(ctx) -> list[tuple]:
    with _as_it(ctx) as uow:
        return [
            (share.ended_at, share.end_reason)
            for share in uow.session.scalars(
                select(ChartShare).where(ChartShare.ended_at.is_not(None))
            )
        ]


def _end_entries(ctx) -> int:
    with _as_it(ctx) as uow:
        rows = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == audit.Action.SHARE_ENDED)
        )
        return len(rows.all())


@pytest.mark.server_time
def test_B2_a_share_is_recorded_as_ended_by_the_timer_while_the_window_is_open(
    qtbot, ctx, owner, add_member, monkeypatch
):
    """The signed-in person's window records the share as ended once its end date has passed,
    as of that date, once (on a server, through the person's own login at the server's time)."""
    monkeypatch.setattr(trail_keeper, "INTERVAL_MS", 20)
    lee, until = _share_until(ctx, add_member, days=3)
    window = build_main_window(ctx, lee)
    qtbot.addWidget(window)
    qtbot.wait(60)  # the start-up check and a few ticks: nothing is due yet
    assert _ended(ctx) == [] and _end_entries(ctx) == 0
    older = _time_passes(ctx, timedelta(days=3, seconds=1))
    assert window.trail_keeper.timer.isActive()
    window.trail_keeper.tick()  # what the running timer does, without waiting on it
    assert _ended(ctx) != []
    # ended as of its end date, not the tick's time
    assert _ended(ctx) == [(until - older, "expired")]
    qtbot.wait(60)
    assert _end_entries(ctx) == 1  # recorded once, however many ticks follow


@pytest.mark.server_time
def test_B2_a_share_past_its_end_date_is_recorded_at_start_up(qtbot, ctx, owner, add_member):
    """A share whose end date passed while no window was open is recorded at the window's first
    tick (on a server, through the signed-in person's own login at the server's time)."""
    lee, until = _share_until(ctx, add_member, days=1)
    older = _time_passes(ctx, timedelta(days=2))
    window = build_main_window(ctx, lee)  # the minute timer has not run yet
    qtbot.addWidget(window)
    assert window.trail_keeper.timer.interval() <= 60_000
    window.trail_keeper.tick()  # the tick at start
    assert _ended(ctx) == [(until - older, "expired")]


def test_B8_the_window_signs_a_checkpoint_when_one_is_due(qtbot, ctx, owner, monkeypatch, tmp_path):
    """The signed-in person's window signs the head of the trail when a checkpoint is due, with
    the practice's key: on the embedded file the one in this computer's keyring; on a server the
    key file IT names in the site configuration, through the person's own login. The Audit
    screen's check then counts the signed checkpoints."""
    monkeypatch.setattr(trail_keeper, "INTERVAL_MS", 20)
    if on_server(ctx):
        key_file = tmp_path / "audit-signing.key"
        write_key_file(key_file)  # IT's key, placed on the workstations that sign
        ctx.config = replace(ctx.config, audit_key_file=key_file)
        ctx.principal = owner = ctx.sign_in(OWNER_EMAIL, OWNER_PASSWORD)
    window = build_main_window(ctx, owner)
    qtbot.addWidget(window)
    window.trail_keeper.tick()  # the tick at start
    assert checkpoints.count_checkpoints(ctx.uow()) == 1
    window.trail_keeper.tick()
    assert checkpoints.count_checkpoints(ctx.uow()) == 1  # not due again: nothing new
    ctx.clock.advance(checkpoints.CHECKPOINT_AGE)
    audit.export_csv(ctx.uow(), owner, io.StringIO())
    window.trail_keeper.tick()
    assert checkpoints.count_checkpoints(ctx.uow()) == 2
    key = window.trail_keeper.signing_key()
    if on_server(ctx):
        assert key is not None and key.key_id == file_key(ctx.config.audit_key_file).key_id
        assert sp.session_user(ctx) == login_name(ctx.engine.url.database, OWNER_EMAIL)
    assert audit.verify_chain(ctx.uow(), public_keys=[key.public_hex]).signatures_checked

    window.trail_keeper.timer.stop()  # the check below reads the trail alone
    screen = open_audit(qtbot, ctx, owner)
    qtbot.mouseClick(screen.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.verify_button.isEnabled(), timeout=10_000)
    assert screen.result.text().endswith(" Its 2 signed checkpoints agree with them.")
