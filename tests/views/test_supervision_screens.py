"""Supervision (R16) and restricted clients (R17) by clicks and keys: setting a supervisor on
the Staff screen, a note sent for review from the Records tab, approving and returning it on
Notes to review, restricting a client (the restricted person's list, search and calendar)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.services import charts, clients, note_reviews, supervision
from desktop.services.clients import ClientDraft
from desktop.services.principal import Role
from desktop.views.client_profile.restriction_dialog import RestrictionDialog
from desktop.views.clients_screen import ClientsScreen
from desktop.views.main_window import MainWindow
from desktop.views.notes_to_review import NotesToReviewScreen
from desktop.views.supervision_dialog import SupervisionDialog

from .test_calendar_screen import WEDNESDAY, at, book, column_of, open_calendar
from .test_client_profile import open_profile
from .test_clients_screen import shown
from .test_staff_screen import open_staff


def _practice(ctx, owner, add_member):
    _m, tess = add_member("Tess Morgan", Role.PROVIDER)
    _m, rosa = add_member("Rosa Lindqvist", Role.PROVIDER)
    client = clients.create_client(
        ctx.uow(), tess, ClientDraft(first_name="Kim", last_name="Chen")
    ).id
    return tess, rosa, client


def _draft(ctx, author, client_id, body="Client reports better sleep."):
    return charts.create_note(
        ctx.uow(), author, client_id, kind="progress", title="Session", body=body, session_date=None
    )


def test_R16_the_owner_sets_a_supervisor_and_mode_on_the_staff_screen(
    qtbot, ctx, owner, add_member
):
    tess, rosa, _client = _practice(ctx, owner, add_member)
    screen = open_staff(qtbot, ctx, owner)
    assert screen.select_email(tess.email)
    assert screen.supervision_label.text() == "Tess Morgan has no supervisor."
    qtbot.mouseClick(screen.supervision_button, Qt.MouseButton.LeftButton)
    dialog = screen.current_dialog
    assert isinstance(dialog, SupervisionDialog)
    dialog.supervisor.setCurrentIndex(dialog.supervisor.findText("Rosa Lindqvist"))
    dialog.mode.setFocus()
    dialog.mode.setCurrentIndex(dialog.mode.findData("cosign"))
    assert "signature is kept" in dialog.help.text()
    qtbot.keyClick(dialog.ok_button, Qt.Key.Key_Space)
    assert screen.notice.text() == "Rosa Lindqvist now supervises Tess Morgan (co-sign)."
    assert (
        screen.supervision_label.text() == "Tess Morgan is supervised by Rosa Lindqvist (co-sign)."
    )
    (saved,) = supervision.supervisions_of(ctx.uow(), owner, tess.staff_id)
    assert (saved.supervisor_id, saved.mode) == (rosa.staff_id, "cosign")


def test_R16_a_provider_without_the_role_sees_supervision_disabled_with_the_reason(
    qtbot, ctx, owner, add_member
):
    tess, _rosa, _client = _practice(ctx, owner, add_member)
    screen = open_staff(qtbot, ctx, tess)
    screen.select_email(tess.email)
    assert not screen.supervision_button.isEnabled()
    assert "Owner or a Manager" in screen.supervision_button.toolTip()


def test_R16_signing_sends_the_note_for_review_and_the_reader_says_so(
    qtbot, ctx, owner, add_member, message_boxes
):
    tess, rosa, client = _practice(ctx, owner, add_member)
    supervision.set_supervision(ctx.uow(), owner, tess.staff_id, rosa.staff_id, "approve")
    note = _draft(ctx, tess, client)
    window = open_profile(qtbot, ctx, tess, client, tab="records")
    records = window.records_tab
    assert records.select_note(note.id)
    qtbot.mouseClick(records.sign_button, Qt.MouseButton.LeftButton)
    assert message_boxes.of("question")  # "Sign …?" was asked
    assert records.reader.review_badge.text() == "Awaiting review by Rosa Lindqvist"
    assert note_reviews.count_notes_to_review(ctx.uow(), rosa) == 1


def test_R16_the_supervisor_returns_a_note_with_a_comment_then_approves_it(
    qtbot, ctx, owner, add_member
):
    tess, rosa, client = _practice(ctx, owner, add_member)
    supervision.set_supervision(ctx.uow(), owner, tess.staff_id, rosa.staff_id, "cosign")
    note = _draft(ctx, tess, client)
    charts.sign_note(ctx.uow(), tess, note.id, note.version)
    window = MainWindow(ctx, rosa, None)
    qtbot.addWidget(window)
    assert window.navigation.item(4).text() == "Notes to review (1)"
    screen = window.show_screen("review")
    assert isinstance(screen, NotesToReviewScreen)
    assert "Client reports better sleep." in screen.text.text()
    assert screen.approve_button.text() == "&Co-sign"

    qtbot.mouseClick(screen.return_button, Qt.MouseButton.LeftButton)
    assert "Write a comment" in screen.message.text()  # nothing returned without one
    qtbot.keyClicks(screen.comment, "Add the risk assessment.")
    qtbot.mouseClick(screen.return_button, Qt.MouseButton.LeftButton)
    assert screen.done.text() == "The note went back to Tess Morgan with your comment."
    assert window.navigation.item(4).text() == "Notes to review"
    assert screen.pages.currentWidget() is screen.empty

    # The author sees the comment, edits and sends it again.
    profile = open_profile(qtbot, ctx, tess, client, tab="records")
    profile.records_tab.select_note(note.id)
    assert profile.records_tab.reader.review_comment.text() == "Comment: Add the risk assessment."
    current = charts.read_records(ctx.uow(), tess, client).charts[0].notes[0]
    edited = charts.update_draft(
        ctx.uow(), tess, note.id, "Session", "Risk: low.", None, current.version
    )
    charts.sign_note(ctx.uow(), tess, note.id, edited.version)

    screen.refresh()
    assert window.navigation.item(4).text() == "Notes to review (1)"
    qtbot.mouseClick(screen.approve_button, Qt.MouseButton.LeftButton)
    assert screen.done.text() == "Tess Morgan's note for Kim Chen is co-signed."
    profile.reload()
    profile.records_tab.load(select_note=note.id)
    reader = profile.records_tab.reader
    assert reader.review_badge.text() == "Co-signed by Rosa Lindqvist"
    assert reader.signed_badge.isVisibleTo(reader)


def clients_screen(qtbot, ctx, principal) -> ClientsScreen:
    """The Clients screen shown; typed into directly (no window shortcut is used here)."""
    screen = ClientsScreen(ctx, principal)
    qtbot.addWidget(screen)
    screen.resize(1100, 650)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def test_R17_restricting_a_client_hides_them_from_the_persons_list_search_and_calendar(
    qtbot, ctx, owner, add_member
):
    tess, _rosa, client = _practice(ctx, owner, add_member)
    _m, jordan = add_member("Jordan Ellis", Role.SCHEDULER)
    book(ctx, jordan, tess.staff_id, client, at(WEDNESDAY, 10))
    window = open_profile(qtbot, ctx, owner, client, tab="records")
    panel = window.records_tab.sharing
    assert panel.restrict_button.isVisible()
    dialog = panel.open_restriction()
    assert isinstance(dialog, RestrictionDialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # nothing chosen yet
    assert "Choose the staff member" in dialog.message.text()
    assert "Write the reason" in dialog.message.text()  # every problem at once
    dialog.person.setCurrentIndex(dialog.person.findData(jordan.staff_id))
    qtbot.keyClicks(dialog.reason, "Relative of the client")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "Kim Chen is now restricted from Jordan Ellis" in window.banner.text()

    screen = clients_screen(qtbot, ctx, jordan)
    assert "Chen, Kim" not in shown(screen)
    qtbot.keyClicks(screen.search_edit, "Kim")
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)
    assert shown(screen) == []
    calendar = open_calendar(qtbot, ctx, jordan)
    calendar.show_providers(None)
    column = column_of(calendar, tess.staff_id)
    assert calendar.grid.appointment_at(column, 600).client_name == "Busy"

    # The Owner still sees Kim; a provider without the role has no Restrict… button.
    assert "Chen, Kim" in shown(clients_screen(qtbot, ctx, owner))
    other = open_profile(qtbot, ctx, tess, client, tab="records")
    assert not other.records_tab.sharing.restrict_button.isVisible()


def test_R16_the_supervisor_opens_the_supervisees_chart_from_the_note(
    qtbot, ctx, owner, add_member
):
    tess, rosa, client = _practice(ctx, owner, add_member)
    supervision.set_supervision(ctx.uow(), owner, tess.staff_id, rosa.staff_id, "approve")
    private = charts.create_note(
        ctx.uow(), tess, client, kind="private", title="Private", body="x", session_date=None
    )
    charts.sign_note(ctx.uow(), tess, private.id, private.version)
    note = _draft(ctx, tess, client)
    charts.sign_note(ctx.uow(), tess, note.id, note.version)
    window = MainWindow(ctx, rosa, None)
    qtbot.addWidget(window)
    screen = window.show_screen("review")
    qtbot.mouseClick(screen.chart_button, Qt.MouseButton.LeftButton)
    profile = window.profile_windows[client]
    assert profile.facts_label.text().startswith("You supervise a provider of this client")
    (chart,) = profile.records_tab.records.charts
    assert [n.id for n in chart.notes] == [note.id] and chart.private_notes is None
