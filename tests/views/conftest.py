"""View tests: a fresh migrated practice per test, on SQLite and on PostgreSQL as the people
themselves; cheap password hashing, no real dialogs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import argon2  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402
from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from desktop.app import AppContext  # noqa: E402
from desktop.clock import FixedClock  # noqa: E402
from desktop.config import Config  # noqa: E402
from desktop.db.engine import create_database_engine, sqlite_url  # noqa: E402
from desktop.db.migrate import upgrade  # noqa: E402
from desktop.db.server_access import ServerAccess, without_login  # noqa: E402
from desktop.services import auth, practice, staff  # noqa: E402
from desktop.services.passwords import Passwords  # noqa: E402
from desktop.services.principal import Principal, Role  # noqa: E402
from desktop.services.staff import StaffMember  # noqa: E402
from desktop.views.session import SessionController  # noqa: E402
from desktop.views.style import ensure_application  # noqa: E402
from tests.db.server_practice import open_gate  # noqa: E402
from tests.sqlite_key import engine_for  # noqa: E402
from tests.views.people_context import PeopleContext  # noqa: E402

PRACTICE_NAME = "Riverside Counselling Group"
PRACTICE_ZONE = "America/Toronto"
OWNER_NAME = "Dana Whitfield"
OWNER_EMAIL = "dana@riverside.example"
OWNER_PASSWORD = "correct horse battery"
STAFF_PASSWORD = "temporary-pass-1"
WORKSTATION = "FRONT-DESK-1"
#: 15:00 UTC is 10:00 in Toronto that day (EST).
NOW = datetime(2025, 3, 4, 15, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def styled_app(qapp):
    """The test QApplication, styled as the real one is."""
    return ensure_application()


@pytest.fixture(autouse=True)
def no_leftover_windows(styled_app) -> Iterator[None]:
    """Windows a test opened without handing them to qtbot (a session's, say) are put away after
    it: their timers stop, so they neither tick against a database that is gone nor take the
    focus from the next test's windows. Hidden, not closed: closing may ask about unsaved work."""
    yield
    for widget in QApplication.topLevelWidgets():
        for timer in widget.findChildren(QTimer):
            timer.stop()
        widget.hide()
    QApplication.processEvents()
    assert event_loops_run(), "a QApplication.exit() was left to fire: every later wait ends at once"


def event_loops_run() -> bool:
    """Whether an event loop still runs: after QApplication.exit() outside the application's own
    loop, Qt's "quit now" flag stays set and every QEventLoop (qtbot's waits too) returns at once."""
    loop = QEventLoop()
    QTimer.singleShot(0, lambda: loop.exit(0))
    return loop.exec() == 0


@pytest.fixture(autouse=True)
def own_window_places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test starts with no remembered window sizes and places."""
    folder = tmp_path / "config"
    monkeypatch.setenv("CLINICDESK_CONFIG_DIR", str(folder))
    return folder


#: the databases every screen test runs on.
DATABASES = ["sqlite", "postgresql"]


def _cheap_passwords() -> Passwords:
    return Passwords(argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture(params=DATABASES, ids=DATABASES)
def ctx(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AppContext]:
    """A context on a fresh, migrated, empty database (no practice yet): an SQLite file, or a
    database on the test PostgreSQL server where people sign in with their own logins
    (`people_context.py`). The clock stands at NOW; on the server, a test marked
    `server_time` has it stand at the server's own time instead (what the server stamps, the
    trail and emergency accesses, is then in the test's day)."""
    if request.param == "sqlite":
        path = tmp_path / "clinicdesk.sqlite"
        engine = engine_for(sqlite_url(path))
        upgrade(engine)
        context = AppContext(
            config=Config(
                data_dir=tmp_path, database_url=None, time_zone=PRACTICE_ZONE, source="tests"
            ),
            engine=engine,
            database_label=str(path),
            embedded=True,
            clock=FixedClock(NOW),
            passwords=_cheap_passwords(),
            workstation=WORKSTATION,
        )
    else:
        template = request.getfixturevalue("_postgres_template")
        url = make_url(request.getfixturevalue("fresh_postgres_database")(template))
        context = PeopleContext(
            config=Config(
                data_dir=tmp_path,
                database_url=url.render_as_string(hide_password=False),
                time_zone=PRACTICE_ZONE,
                source="tests",
            ),
            engine=create_database_engine(url),  # the test server's superuser: IT
            database_label=f"{url.host}:{url.port}/{url.database} (server on this computer)",
            embedded=False,
            clock=FixedClock(NOW),
            passwords=_cheap_passwords(),
            workstation=WORKSTATION,
            server=ServerAccess(without_login(url)),
        )
        if request.node.get_closest_marker("server_time"):
            context.clock = FixedClock(server_now(context.engine))
        open_gate(context.engine)  # as `db provision` does: failed sign-ins are counted
    yield context
    context.close()


def on_server(ctx: AppContext) -> bool:
    return isinstance(ctx, PeopleContext)


def guarded_exec(run: Callable[[], int]) -> int:
    """Run `run` (which runs the event loop) with a guard that ends it after 10 s, so it never
    hangs the tests. The guard is stopped after: a stray QApplication.exit() would leave Qt's
    "quit now" flag set, and every later wait in this process would return at once."""
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QApplication.exit(99))
    guard.start(10000)
    try:
        return run()
    finally:
        guard.stop()


def server_now(engine: Engine) -> datetime:
    """The server's own time (the test server runs on this computer, whose clock it keeps)."""
    with engine.connect() as connection:
        return connection.execute(text("SELECT now()")).scalar_one().astimezone(UTC)


@pytest.fixture
def owner(ctx: AppContext) -> Principal:
    """The practice, set up; its Owner (also a provider) is signed in."""
    setup = practice.PracticeSetup(
        practice_name=PRACTICE_NAME,
        time_zone=PRACTICE_ZONE,
        owner_name=OWNER_NAME,
        owner_email=OWNER_EMAIL,
        password=OWNER_PASSWORD,
        password_again=OWNER_PASSWORD,
        owner_is_provider=True,
    )
    if on_server(ctx):  # IT sets the practice up; the Owner signs in with their own login
        practice.provision_practice(ctx.uow(), ctx.passwords, setup, WORKSTATION)
        return ctx.connect_as(OWNER_EMAIL, OWNER_PASSWORD)
    return practice.set_up_practice(ctx.uow(), ctx.passwords, setup, WORKSTATION)


AddMember = Callable[..., tuple[StaffMember, Principal]]


@pytest.fixture
def add_member(ctx: AppContext, owner: Principal) -> AddMember:
    """Add a staff member (by the Owner) and sign them in: (member, their principal)."""

    def add(
        name: str, *roles: Role, records_owner: str | None = None
    ) -> tuple[StaffMember, Principal]:
        words = "".join(c for c in name.lower() if c.isalnum() or c == " ").split()
        email = ".".join(words) + "@riverside.example"
        if Role.PROVIDER in roles and records_owner is None:
            records_owner = "group"
        member = staff.add_staff(
            ctx.uow(),
            owner,
            ctx.passwords,
            staff.NewStaff(name, email, STAFF_PASSWORD, frozenset(roles), records_owner),
        )
        if on_server(ctx):
            return member, ctx.connect_as(email, STAFF_PASSWORD)
        principal = auth.sign_in(ctx.uow(), ctx.passwords, email, STAFF_PASSWORD, WORKSTATION)
        return member, principal

    return add


class MessageBoxes:
    """Stands in for QMessageBox's static methods: records (kind, title, text) of each call and
    answers a question with `answer` (Yes unless a test changes it)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def of(self, kind: str) -> list[str]:
        return [text for called, _title, text in self.calls if called == kind]


#: False while a test's windows are being closed after it.
_TESTING = {"now": False}


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item):
    _TESTING["now"] = False
    yield


@pytest.fixture(autouse=True)
def no_unexpected_question(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question box no test expected fails the test instead of waiting for a click. After the
    test, windows left with unsaved edits are closed as if the person chose Discard."""
    _TESTING["now"] = True

    def unexpected(parent, title, text, *args, **kwargs):
        if _TESTING["now"]:
            raise AssertionError(f"unexpected question {title!r}: {text}")
        return QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", staticmethod(unexpected))


@pytest.fixture
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    """No modal message box opens during a test; what would have been shown is recorded."""
    boxes = MessageBoxes()

    def recorder(kind: str):
        def record(parent, title, text, *args, **kwargs):
            boxes.calls.append((kind, title, text))
            if kind == "question":
                return boxes.answer
            return QMessageBox.StandardButton.Ok

        return staticmethod(record)

    for kind in ("question", "warning", "critical", "information", "about"):
        monkeypatch.setattr(QMessageBox, kind, recorder(kind))
    return boxes


@pytest.fixture
def controller(qtbot, ctx) -> Iterator[SessionController]:
    """The app's session (sign-in, main window, lock) on this test's database; put away after."""
    session = SessionController(ctx)
    yield session
    if session.lock is not None:  # its idle watcher filters every event of the app
        session.lock.stop()
    for widget in (session.main_window, session.dialog):
        if widget is not None:
            widget.close()
