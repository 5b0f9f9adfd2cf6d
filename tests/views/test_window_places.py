"""Windows fit the screen they open on and come back with the size and place they were left at."""

from __future__ import annotations

from PySide6.QtCore import QRect

from desktop.views.client_profile import ClientProfileWindow
from desktop.views.session import build_main_window
from desktop.views.window_places import SETTINGS_FILE, settings, usable_area

from .test_client_profile import new_client


def show(qtbot, window):
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def inside_screen(window) -> bool:
    return usable_area(window.screen()).contains(window.geometry())


def test_the_client_window_opens_wholly_inside_a_screen_smaller_than_it(qtbot, ctx, owner):
    client_id = new_client(ctx, owner)
    window = show(qtbot, ClientProfileWindow(ctx, owner, client_id))
    assert window.screen().availableGeometry().height() < 1120  # the test screen is small
    assert inside_screen(window), (window.geometry(), window.screen().availableGeometry())
    main = show(qtbot, build_main_window(ctx, owner))
    assert inside_screen(main), main.geometry()


def test_a_window_comes_back_with_the_size_and_place_it_was_left_at(
    qtbot, ctx, owner, own_window_places
):
    first, second = new_client(ctx, owner), new_client(ctx, owner, first="Lou")
    window = show(qtbot, ClientProfileWindow(ctx, owner, first))
    area = usable_area(window.screen())
    # the test screen is narrow: the window keeps its full width there, and is moved down.
    left_at = QRect(area.left(), area.top() + 20, area.width(), area.height() - 60)
    window.setGeometry(left_at)
    window.close()
    assert (own_window_places / SETTINGS_FILE).exists()

    again = show(qtbot, ClientProfileWindow(ctx, owner, second))
    assert again.geometry() == left_at

    main = show(qtbot, build_main_window(ctx, owner))
    main.setGeometry(left_at.adjusted(0, 10, 0, -10))
    main.close()
    main_again = show(qtbot, build_main_window(ctx, owner))
    assert main_again.geometry() == left_at.adjusted(0, 10, 0, -10)


def test_a_place_left_on_a_screen_that_is_gone_opens_inside_this_one(qtbot, ctx, owner):
    store = settings()
    store.setValue("client/geometry", "5000,4000,1120,780")  # a second monitor, unplugged
    store.sync()
    window = show(qtbot, ClientProfileWindow(ctx, owner, new_client(ctx, owner)))
    assert inside_screen(window), window.geometry()
