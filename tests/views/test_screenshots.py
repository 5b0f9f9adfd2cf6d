"""save_screenshots writes one picture per screen, offscreen."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtGui import QImage

from desktop.services import (
    appointment_status,
    billing,
    billing_codes,
    charts,
    clients,
    note_reviews,
    provider_links,
    scheduling,
    session_notes,
    sharing,
    supervision,
)
from desktop.services.clients import ClientDraft
from desktop.services.principal import Role
from desktop.views.screenshots import STEPS, save_screenshots

from .conftest import OWNER_EMAIL, OWNER_PASSWORD, PRACTICE_ZONE, STAFF_PASSWORD


def test_every_screen_is_saved_as_a_png(qtbot, ctx, owner, add_member, tmp_path):
    _member, rosa = add_member("Dr. Rosa Lindqvist", Role.PROVIDER)
    add_member("Ben Adeyemi", Role.PROVIDER)
    _m, ivan = add_member("Dr. Ivan Petrov", Role.PROVIDER, records_owner="provider")
    kim = clients.create_client(
        ctx.uow(),
        owner,
        ClientDraft(first_name="Kim", last_name="Chen"),
        treating_provider_id=owner.staff_id,
    )
    # The Owner, also a provider, co-signs one of Rosa's notes (R16).
    provider_links.add_to_provider_list(ctx.uow(), owner, kim.id, rosa.staff_id)
    supervision.set_supervision(ctx.uow(), owner, rosa.staff_id, owner.staff_id, "cosign")
    note = charts.create_note(
        ctx.uow(), rosa, kim.id, kind="progress", title="Session", body="Well.", session_date=None
    )
    sent = charts.sign_note(ctx.uow(), rosa, note.id, note.version)
    note_reviews.approve_note(ctx.uow(), owner, sent.id, sent.version)
    # a share, so the filtered Audit screen and the accounting of disclosures have a client
    sharing.start_chart_share(
        ctx.uow(), owner, kim.id, owner.staff_id, rosa.staff_id, purpose="Cover"
    )
    # A client whose chart the Owner does not read (R3): emergency access has something to open.
    clients.create_client(ctx.uow(), ivan, ClientDraft(first_name="Lina", last_name="Abbott"))
    # two sessions of the Owner (a provider too) yesterday, attended: one still without its
    # note, one with its SOAP note signed
    for hour, soap in ((8, False), (9, True)):
        start = datetime(2025, 3, 3, hour, tzinfo=ZoneInfo(PRACTICE_ZONE))
        booking = scheduling.book_appointment(
            ctx.uow(), owner, scheduling.BookingRequest(owner.staff_id, kim.id, start)
        )
        appointment = booking.appointments[0].id
        appointment_status.set_appointment_status(ctx.uow(), owner, appointment, "attended")
        if soap:
            note = session_notes.write_session_note(ctx.uow(), owner, appointment)
            body = "## Subjective\nBetter.\n\n## Plan\nContinue."
            note = charts.update_draft(
                ctx.uow(), owner, note.id, note.title, body, note.session_date, note.version
            )
            charts.sign_note(ctx.uow(), owner, note.id, note.version)
    # a fee for those sessions, so the Billing tab and the superbill have a client who owes (R11)
    fee = billing_codes.FeeInput("90834", "Psychotherapy, 45 minutes", 13000, minutes_from=1)
    billing_codes.save_fee_entry(ctx.uow(), owner, fee)
    billing.client_billing(ctx.uow(), owner, kim.id)
    written = save_screenshots(ctx, tmp_path / "shots", OWNER_EMAIL, OWNER_PASSWORD)

    names = [path.name for path in written]
    assert names == [
        "setup.png",
        "sign-in.png",
        "main-window.png",
        "clients.png",
        "staff.png",
        "add-staff.png",
        "audit.png",
        "audit-filtered.png",
        "audit-details.png",
        "disclosures.png",
        "client-profile-sharing.png",
        "share-review.png",
        "transfer-client.png",
        "who-can-see.png",
        "calendar-week.png",
        "notes-to-write.png",
        "write-session-note.png",
        "soap-note.png",
        "diagnosis-picker.png",
        "billing-tab.png",
        "superbill.png",
        "booking-new-provider-alert.png",
        "find-availability.png",
        "emergency-access-dialog.png",
        "emergency-access-banner.png",
        "emergency-access-report.png",
        "lock-screen.png",
        "change-password.png",
        "second-factor-enrolment.png",
        "practice-settings.png",
        "supervision-settings.png",
        "notes-to-review.png",
        "co-signed-note.png",
        "restriction-dialog.png",
    ]
    assert len(STEPS) == len(written)
    for path in written:
        image = QImage(str(path))
        assert not image.isNull(), path.name
        assert image.width() >= 300 and image.height() >= 250, path.name  # small dialogs too
    main = QImage(str(written[2]))
    assert (main.width(), main.height()) == (1200, 760)
    # Dialogs sized for their columns are pictured at that size, not shrunk to their minimum.
    who = QImage(str(tmp_path / "shots" / "who-can-see.png"))
    assert (who.width(), who.height()) == (1040, 600)
    slots = QImage(str(tmp_path / "shots" / "find-availability.png"))
    assert (slots.width(), slots.height()) == (1000, 640)


def test_a_role_gets_pictures_of_the_screens_it_can_use_and_no_platform_chatter(
    qtbot, ctx, owner, add_member, tmp_path, capfd
):
    add_member("Dr. Rosa Lindqvist", Role.PROVIDER)
    clients.create_client(ctx.uow(), owner, ClientDraft(first_name="Kim", last_name="Chen"))
    biller, _ = add_member("Chris Novak", Role.BILLER)
    scheduler, _ = add_member("Jordan Ellis", Role.SCHEDULER)

    billed = {p.name for p in save_screenshots(ctx, tmp_path / "b", biller.email, STAFF_PASSWORD)}
    booked = {
        p.name for p in save_screenshots(ctx, tmp_path / "s", scheduler.email, STAFF_PASSWORD)
    }

    assert not billed & {"add-staff.png", "audit.png", "booking-new-provider-alert.png"}
    assert "clients.png" in billed and "calendar-week.png" in billed
    assert not booked & {"add-staff.png", "audit.png", "practice-settings.png"}
    assert "lock-screen.png" in booked
    assert {"booking-new-provider-alert.png", "find-availability.png"} <= booked
    assert "does not support" not in capfd.readouterr().err
