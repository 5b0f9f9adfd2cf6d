"""The notifications area (B4): the bell counts unread notices; a notice opens its client."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from desktop.services import notifications, sharing
from desktop.services.principal import Role
from desktop.views.notifications_panel import NoticeRole, NotificationsPanel

from .test_client_profile import click, new_client
from .test_main_window import open_window


def test_B4_the_colleague_sees_the_share_notice_and_opens_the_client(qtbot, ctx, add_member):
    _m, lee = add_member("Dr. Daniel Lee", Role.PROVIDER, records_owner="provider")
    _m, rosa = add_member("Dr. Rosa Lindqvist", Role.PROVIDER, records_owner="provider")
    client_id = new_client(ctx, lee)
    panel = NotificationsPanel(ctx, rosa, refresh_ms=0)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.unread == 0
    assert panel.bell.accessibleName() == "Notifications: none unread"

    sharing.start_chart_share(ctx.uow(), lee, client_id, lee.staff_id, rosa.staff_id)
    panel.refresh()
    assert panel.unread == 1
    assert panel.bell.accessibleName() == "Notifications: 1 unread"

    click(qtbot, panel.bell)
    assert panel.popup.isVisible()
    item = panel.popup.list.item(0)
    assert item.data(NoticeRole).message == "Dr. Daniel Lee shared Kim Chen's chart with you."
    assert item.font().bold()
    with qtbot.waitSignal(panel.client_requested) as requested:
        rect = panel.popup.list.visualItemRect(item)
        qtbot.mouseClick(panel.popup.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert requested.args == [client_id]
    assert not panel.popup.isVisible()
    assert panel.unread == 0
    assert notifications.notices_for(ctx.uow(), rosa, unread_only=True) == []


def test_an_empty_list_says_so_and_mark_all_read(qtbot, ctx, add_member):
    _m, lee = add_member("Dr. Daniel Lee", Role.PROVIDER)
    _m, rosa = add_member("Dr. Rosa Lindqvist", Role.PROVIDER)
    panel = NotificationsPanel(ctx, rosa, refresh_ms=0)
    qtbot.addWidget(panel)
    panel.show_popup()
    assert panel.popup.empty.isVisible() and not panel.popup.list.isVisible()
    assert not panel.popup.mark_all_button.isEnabled()
    panel.popup.hide()

    for first in ("Amelia", "Noah"):
        client_id = new_client(ctx, lee, first=first)
        sharing.start_chart_share(ctx.uow(), lee, client_id, lee.staff_id, rosa.staff_id)
    panel.show_popup()
    assert panel.unread == 2 and panel.popup.mark_all_button.isEnabled()
    click(qtbot, panel.popup.mark_all_button)
    assert panel.unread == 0
    assert not panel.popup.list.item(0).font().bold()


def test_every_control_has_an_accessible_name(qtbot, ctx, add_member):
    from .test_client_profile import unnamed_controls

    _m, rosa = add_member("Dr. Rosa Lindqvist", Role.PROVIDER)
    panel = NotificationsPanel(ctx, rosa, refresh_ms=0)
    qtbot.addWidget(panel)
    assert unnamed_controls(panel) == []


def test_B4_the_list_opens_inside_the_screen_from_a_bell_at_the_bottom(qtbot, ctx, add_member):
    _m, lee = add_member("Dr. Daniel Lee", Role.PROVIDER, records_owner="provider")
    _m, rosa = add_member("Dr. Rosa Lindqvist", Role.PROVIDER, records_owner="provider")
    for first in ("Kim", "Lou", "Max", "Ned", "Oli", "Pat"):
        client_id = new_client(ctx, lee, first=first)
        sharing.start_chart_share(ctx.uow(), lee, client_id, lee.staff_id, rosa.staff_id)
    window = open_window(qtbot, ctx, rosa)
    free = window.screen().availableGeometry()
    window.setGeometry(free.left(), free.top() + 40, free.width() // 2, free.height() - 40)
    qtbot.wait(50)
    window.notifications.show_popup()
    popup = window.notifications.popup
    assert popup.isVisible()
    assert free.contains(popup.frameGeometry()), (free, popup.frameGeometry())
    bell_top = window.notifications.bell.mapToGlobal(QPoint(0, 0)).y()
    assert popup.frameGeometry().bottom() < bell_top  # above a bell in the status bar


def test_B4_notices_are_reached_and_opened_with_the_keyboard(qtbot, ctx, add_member):
    _m, lee = add_member("Dr. Daniel Lee", Role.PROVIDER, records_owner="provider")
    _m, rosa = add_member("Dr. Rosa Lindqvist", Role.PROVIDER, records_owner="provider")
    client_id = new_client(ctx, lee)
    sharing.start_chart_share(ctx.uow(), lee, client_id, lee.staff_id, rosa.staff_id)
    window = open_window(qtbot, ctx, rosa)
    assert window.notifications.bell.focusPolicy() & Qt.FocusPolicy.TabFocus
    window.notices_action.trigger()  # Ctrl+Shift+N, or View ▸ Notifications
    popup = window.notifications.popup
    assert popup.isVisible()
    assert popup.list.hasFocus() and popup.list.currentRow() == 0
    with qtbot.waitSignal(window.notifications.client_requested) as requested:
        qtbot.keyClick(popup.list, Qt.Key.Key_Return)
    assert requested.args == [client_id]
    assert not popup.isVisible()
