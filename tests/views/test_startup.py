"""Start-up: the sign-in dialog shows before the practice's database is open; a sign-in asked for
meanwhile waits for it without freezing; a database that cannot be opened closes the dialog and
says why; an empty database goes on to the set-up."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from desktop.db.boundary import login_name
from desktop.db.uow import UnitOfWork
from desktop.services import demo
from desktop.sign_in_memory import Remembered, recall, remember
from desktop.startup_error import StartupError
from desktop.views.login_dialog import OPENING_TEXT, LoginDialog
from desktop.views.session import SessionController
from desktop.views.setup_dialog import SetupDialog
from desktop.views.startup import start_desktop
from tests.db import server_practice as sp

from .conftest import OWNER_EMAIL, OWNER_PASSWORD, PRACTICE_NAME, guarded_exec, on_server


def waiting_dialog(qtbot, name: str | None = PRACTICE_NAME) -> LoginDialog:
    dialog = LoginDialog(None, name, database_label="the practice's file")
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def test_enter_before_the_practice_is_open_waits_then_signs_in(qtbot, ctx, owner, controller):
    dialog = waiting_dialog(qtbot)
    qtbot.keyClicks(dialog.email_edit, OWNER_EMAIL)
    qtbot.keyClicks(dialog.password_edit, OWNER_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)

    assert dialog.isVisible() and dialog.principal is None
    assert dialog.sign_in_button.text() == OPENING_TEXT
    assert not dialog.sign_in_button.isEnabled()
    assert QApplication.overrideCursor().shape() == Qt.CursorShape.BusyCursor
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)  # again: still one wait
    assert dialog.email_edit.isEnabled()  # the person can still correct what they typed

    controller.start(dialog)  # the database is open now

    qtbot.waitUntil(lambda: controller.main_window is not None, timeout=5000)
    assert controller.main_window.principal.email == OWNER_EMAIL
    assert QApplication.overrideCursor() is None
    assert not dialog.isVisible()


def test_a_wrong_password_typed_while_opening_is_refused_once_open(qtbot, ctx, owner, controller):
    dialog = waiting_dialog(qtbot)
    qtbot.keyClicks(dialog.email_edit, OWNER_EMAIL)
    qtbot.keyClicks(dialog.password_edit, "not the password")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)

    controller.start(dialog)

    assert controller.main_window is None and dialog.isVisible()
    assert dialog.message.isVisible() and dialog.message.text()
    assert dialog.sign_in_button.isEnabled() and dialog.sign_in_button.text() == "&Sign in"
    assert QApplication.overrideCursor() is None


def test_once_open_the_dialog_names_the_practice_and_remembers_it(qtbot, ctx, owner, controller):
    """The embedded file: once open, the dialog names the practice, which is remembered for the
    next start. A server reads nothing before someone signs in: the dialog shows no name until
    then, and after the sign-in the window's title names the practice, remembered from then."""
    dialog = waiting_dialog(qtbot, name=None)
    assert not dialog.practice_label.isVisible()

    controller.start(dialog)

    assert controller.dialog is dialog
    assert dialog.database_label.text() == f"Database: {ctx.database_label}"
    if on_server(ctx):
        assert not dialog.practice_label.isVisible()
        assert recall(ctx.config, demo=False) is None
        qtbot.keyClicks(dialog.email_edit, OWNER_EMAIL)
        qtbot.keyClicks(dialog.password_edit, OWNER_PASSWORD)
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: controller.main_window is not None, timeout=10_000)
        assert controller.main_window.windowTitle().endswith(f" — {PRACTICE_NAME}")
    else:
        assert dialog.practice_label.isVisible() and dialog.practice_label.text() == PRACTICE_NAME
    assert recall(ctx.config, demo=False) == Remembered(PRACTICE_NAME, ctx.database_label)
    assert recall(ctx.config, demo=True) is None  # the demo's file is another database


def test_an_empty_database_goes_on_to_the_set_up(qtbot, ctx, controller):
    """The embedded file with no practice yet: the set-up form replaces the sign-in. A server is
    set up by IT (`clinicdesk db provision`), never from a workstation: the sign-in stays."""
    dialog = waiting_dialog(qtbot, name=None)
    controller.start(dialog)
    if on_server(ctx):
        assert controller.dialog is dialog and dialog.isVisible()
        assert visible(SetupDialog) == []
        return
    assert not dialog.isVisible()
    assert isinstance(controller.dialog, SetupDialog) and controller.dialog.isVisible()


def visible(kind: type) -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_start_up_shows_the_remembered_sign_in_before_the_database_opens(qtbot, ctx, owner):
    remember(ctx.config, demo=False, practice_name=PRACTICE_NAME, database_label="the file")
    may_open = threading.Event()
    seen: list[tuple[str, str, bool]] = []

    def open_practice(progress):
        assert may_open.wait(10)
        return ctx

    def look_then_let_it_open() -> None:
        for dialog in visible(LoginDialog):
            seen.append(
                (dialog.practice_label.text(), dialog.database_label.text(), dialog.ctx is None)
            )
        may_open.set()
        QTimer.singleShot(0, quit_when_open)

    def quit_when_open() -> None:
        dialogs = [d for d in visible(LoginDialog) if d.ctx is not None]
        if not dialogs:
            QTimer.singleShot(20, quit_when_open)
            return
        dialogs[0].reject()

    QTimer.singleShot(0, look_then_let_it_open)
    code = guarded_exec(lambda: start_desktop(ctx.config, demo=False, open_practice=open_practice))
    assert code == 0
    assert seen == [(PRACTICE_NAME, "Database: the file", True)]


def test_a_database_that_cannot_be_opened_closes_the_sign_in_and_says_why(qtbot, ctx):
    remember(ctx.config, demo=False, practice_name=PRACTICE_NAME, database_label="the file")
    problem = (
        "The file x is not a Clinic Desk database, is damaged, or was encrypted with another key."
    )

    def open_practice(progress):
        progress(0.5, "Checking the database")
        raise StartupError(problem)

    with pytest.raises(StartupError) as raised:
        guarded_exec(lambda: start_desktop(ctx.config, demo=False, open_practice=open_practice))
    assert str(raised.value) == problem
    assert visible(LoginDialog) == []
    assert QApplication.overrideCursor() is None


def test_a_database_never_opened_here_shows_starting_then_the_set_up(qtbot, ctx):
    """A database this computer has not opened before: "Starting" first, then the set-up form
    on an empty embedded file. A server (set up by IT) shows the sign-in at once, as nothing is
    read there before someone signs in, and no set-up form after it is open."""
    assert recall(ctx.config, demo=False) is None
    seen: list[str] = []
    signing_in_at_once: list[bool] = []
    reached: list[type] = []

    def open_practice(progress):
        return ctx

    def look() -> None:
        seen.extend(label.text() for label in visible(QLabel))
        signing_in_at_once.extend(d.ctx is None for d in visible(LoginDialog))
        QTimer.singleShot(0, quit_at_the_next_step)

    def quit_at_the_next_step() -> None:
        dialogs = visible(SetupDialog) or [d for d in visible(LoginDialog) if d.ctx is not None]
        if not dialogs:
            QTimer.singleShot(20, quit_at_the_next_step)
            return
        reached.extend(type(dialog) for dialog in visible(SetupDialog) + visible(LoginDialog))
        dialogs[0].reject()

    QTimer.singleShot(0, look)
    code = guarded_exec(lambda: start_desktop(ctx.config, demo=False, open_practice=open_practice))
    assert code == 0
    if on_server(ctx):
        assert signing_in_at_once == [True] and not any("Starting" in text for text in seen)
        assert reached == [LoginDialog]
    else:
        assert signing_in_at_once == [] and any("Starting" in text for text in seen)
        assert reached == [SetupDialog]


@pytest.fixture
def server_ctx(postgres_server, _postgres_template, fresh_postgres_database, tmp_path):
    """A workstation of a practice on PostgreSQL (the demo practice), knowing no password."""
    url = fresh_postgres_database(_postgres_template)
    it = sp.it_engine(url)
    context = sp.workstation(url, tmp_path, sp.cheap_passwords())
    demo.ensure_demo_practice(UnitOfWork(it), context.passwords)
    it.dispose()
    yield context
    context.close()


def test_on_a_server_enter_before_opening_signs_in_as_the_person(qtbot, server_ctx):
    remember(server_ctx.config, demo=False, practice_name="Riverside", database_label="a server")
    dialog = waiting_dialog(qtbot, name=recall(server_ctx.config, demo=False).practice_name)
    qtbot.keyClicks(dialog.email_edit, demo.DEMO_LOGINS[0].email)
    qtbot.keyClicks(dialog.password_edit, demo.DEMO_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.waiting

    controller = SessionController(server_ctx)
    try:
        controller.start(dialog)
        qtbot.waitUntil(lambda: controller.main_window is not None, timeout=10000)
        assert dialog.practice_label.text() == "Riverside"  # nothing read before sign-in
        assert sp.session_user(server_ctx) == login_name(
            server_ctx.engine.url.database, demo.DEMO_LOGINS[0].email
        )
    finally:
        if controller.lock is not None:
            controller.lock.stop()
        if controller.main_window is not None:
            controller.main_window.close()
