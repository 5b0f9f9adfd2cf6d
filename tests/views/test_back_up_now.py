"""File ▸ Back Up Now: on the embedded database the copy is made and the message says where; on a
server, which IT backs up, the item is off and says so."""

from __future__ import annotations

from pathlib import Path

from desktop.views.session import build_main_window

from .conftest import on_server


def test_back_up_now_in_the_file_menu_says_where_the_copy_went(qtbot, ctx, owner, message_boxes):
    """The embedded file: the backup is written to the backups folder, and the message says
    where and how many are kept. A server: the item is there but off, and its tip (shown in the
    menu) says that IT backs up the server; choosing it writes nothing and says nothing."""
    window = build_main_window(ctx, owner)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.back_up_action in file_menu.actions()

    if on_server(ctx):
        assert not window.back_up_action.isEnabled()
        assert file_menu.toolTipsVisible()
        assert window.back_up_action.toolTip() == "IT backs up the practice's server"
        window.back_up_action.trigger()
        assert message_boxes.calls == []
        assert not (ctx.config.data_dir / "backups").exists()
        return

    assert window.back_up_action.isEnabled()
    window.back_up_action.trigger()

    [text] = message_boxes.of("information")
    copy = Path(text.split("\n")[1])
    assert copy.parent == ctx.config.data_dir / "backups" and copy.is_file()
    assert f"The newest {ctx.config.backups_kept} backups are kept." in text
    assert message_boxes.of("warning") == []
