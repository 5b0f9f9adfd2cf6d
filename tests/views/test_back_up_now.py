"""File ▸ Back Up Now on the embedded database: the copy is made and the message says where."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.views.session import build_main_window


@pytest.mark.sqlite_only("on a server IT backs up: the menu item is off and says so")
def test_back_up_now_in_the_file_menu_says_where_the_copy_went(qtbot, ctx, owner, message_boxes):
    window = build_main_window(ctx, owner)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.back_up_action in file_menu.actions() and window.back_up_action.isEnabled()

    window.back_up_action.trigger()

    [text] = message_boxes.of("information")
    copy = Path(text.split("\n")[1])
    assert copy.parent == ctx.config.data_dir / "backups" and copy.is_file()
    assert f"The newest {ctx.config.backups_kept} backups are kept." in text
    assert message_boxes.of("warning") == []
