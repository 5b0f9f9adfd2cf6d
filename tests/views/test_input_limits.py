"""A text field takes no more than its service accepts, and a phone field only what a phone
number can hold (what would be refused later is not typed in the first place)."""

from __future__ import annotations

from desktop.services import charts, clients
from desktop.services.clients import ClientDraft
from desktop.services.principal import Role
from desktop.views.calendar.booking_dialog import BookingDialog
from desktop.views.new_client_dialog import NewClientDialog

from .test_client_profile import open_profile


def test_phone_fields_take_only_what_a_phone_number_holds(qtbot, ctx, owner):
    dialog = NewClientDialog(ctx, owner)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.phone_mobile, "+1 (416) 555-0101 x12 call me!")
    assert dialog.phone_mobile.text() == "+1 (416) 555-0101 x12"
    assert dialog.phone_mobile.maxLength() == clients.TEXT_FIELDS["phone_mobile"][1]


def test_the_profile_tabs_phone_fields_refuse_letters(qtbot, ctx, owner, add_member):
    _m, lee = add_member("Dr. Lee", Role.PROVIDER)
    kim = clients.create_client(ctx.uow(), lee, ClientDraft(first_name="Kim", last_name="Chen"))
    window = open_profile(qtbot, ctx, lee, kim.id)
    phone = window.profile_tab.edits["phone_home"]
    qtbot.keyClicks(phone, "abc613-555")
    assert phone.text() == "613-555"


def test_long_text_stops_at_what_the_service_accepts(qtbot, ctx, owner):
    booking = BookingDialog(ctx, owner)
    qtbot.addWidget(booking)
    booking.note.setPlainText("n" * 2500)
    assert len(booking.note.toPlainText()) == 2000
    assert booking.kind.lineEdit().maxLength() == 80
    assert charts.MAX_BODY == 200_000


def test_the_service_refuses_a_phone_number_with_letters(ctx, owner):
    import pytest

    from desktop.services.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        clients.create_client(
            ctx.uow(),
            owner,
            ClientDraft(first_name="Kim", last_name="Chen", phone_mobile="call after 5"),
        )
    assert refused.value.field == "phone_mobile"
    assert "digits, spaces" in refused.value.message
