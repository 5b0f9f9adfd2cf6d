"""The main window: navigation on the left, one screen at a time, who is signed in below."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import APP_NAME, __version__
from ..app import AppContext
from ..services.database_backup import back_up_now
from ..services.errors import ServiceError
from ..services.policy import may_keep_note_templates, may_review_emergency_access
from ..services.policy.session_rules import may_change_practice_settings
from ..services.practice import PracticeInfo
from ..services.principal import Principal
from .audit_screen import AuditScreen
from .calendar import CalendarScreen
from .client_profile import ClientProfileWindow
from .client_profile.session_note import open_session_note
from .clients_screen import ClientsScreen
from .emergency_report_dialog import EmergencyReportDialog
from .messages import refusal_text
from .note_templates_dialog import NoteTemplatesDialog
from .notes_to_review import NotesToReviewScreen
from .notes_to_write_screen import NotesToWriteScreen, waiting_count
from .notifications_panel import SHORTCUT as NOTICES_SHORTCUT
from .notifications_panel import NotificationsPanel
from .password_dialog import ChangePasswordDialog
from .practice_settings_dialog import PracticeSettingsDialog
from .screen_set import ScreenSet
from .second_factor_dialogs import EnrolmentDialog
from .staff_screen import StaffScreen
from .style import ICON, svg_icon, svg_pixmap
from .trail_keeper import TrailKeeper
from .widgets import ElidedLabel
from .window_places import WindowPlace

#: the screens in navigation order: (key, label). Ctrl+1.. follow this order.
SCREENS = (
    ("clients", "Clients"),
    ("calendar", "Calendar"),
    ("staff", "Staff"),
    ("audit", "Audit"),
    ("review", "Notes to review"),
    ("notes", "Notes to write"),
)
DEFAULT_TIME_ZONE = "UTC"
#: the first size (then the person's own, remembered); never more than the screen holds.
DEFAULT_SIZE = (1280, 800)
#: what the screens need, and small enough for a 1366x768 laptop with a task bar and title bar.
MINIMUM_SIZE = (1100, 620)


def status_text(ctx: AppContext, principal: Principal) -> str:
    """ "Signed in as Dana Lee · Owner, Provider · Database: …" (and "Demo practice")."""
    parts = [
        f"Signed in as {principal.display_name}",
        principal.roles_label,
        f"Database: {ctx.database_label}",
    ]
    if ctx.demo:
        parts.append("Demo practice")
    return " · ".join(parts)


class MainWindow(QMainWindow):
    """Clinic Desk's window for one signed-in principal. File ▸ Switch User… and Sign Out emit
    signals the session controller acts on; closing the window emits `closed`."""

    switch_user_requested = Signal()
    sign_out_requested = Signal()
    closed = Signal()
    #: the practice's settings were saved (the idle time may have changed).
    settings_changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        practice: PracticeInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        self.practice = practice
        practice_name = practice.name if practice else "Practice not set up"
        self.setWindowTitle(f"{APP_NAME} — {practice_name}")
        self.setMinimumSize(*MINIMUM_SIZE)
        self.place = WindowPlace(self, "main", QSize(*DEFAULT_SIZE))

        time_zone = practice.time_zone if practice else DEFAULT_TIME_ZONE
        factories = {
            "clients": lambda: ClientsScreen(ctx, principal, time_zone),
            "calendar": lambda: CalendarScreen(ctx, principal, time_zone),
            "staff": lambda: StaffScreen(ctx, principal),
            "audit": lambda: AuditScreen(ctx, principal, time_zone),
            "review": lambda: NotesToReviewScreen(ctx, principal, time_zone),
            "notes": lambda: NotesToWriteScreen(ctx, principal, time_zone),
        }
        self.stack = QStackedWidget()
        self.stack.setObjectName("content")
        #: each screen is built the first time it is shown (or asked for).
        self.screens = ScreenSet(
            self.stack, {key: factories[key] for key, _label in SCREENS}, self._screen_built
        )

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Screens")
        self.navigation.setIconSize(QSize(20, 20))
        self.navigation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.navigation.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for number, (key, label) in enumerate(SCREENS, start=1):
            item = QListWidgetItem(svg_icon(key, ICON, selected_color="#ffffff"), label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{label} (Ctrl+{number})")
            item.setSizeHint(QSize(0, 40))
            self.navigation.addItem(item)
        self.navigation.currentRowChanged.connect(self._row_changed)
        self._show_notes_count(waiting_count(ctx, principal))

        self.setCentralWidget(self._central(practice_name))
        self.status_label = ElidedLabel(status_text(ctx, principal))
        self.status_label.setAccessibleName("Who is signed in")
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().setSizeGripEnabled(False)
        #: open client profile windows, by client id (closed with this window).
        self.profile_windows: dict[int, ClientProfileWindow] = {}
        self.notifications = NotificationsPanel(ctx, principal, time_zone=time_zone)
        self.notifications.client_requested.connect(self.open_client)
        self.statusBar().addPermanentWidget(self.notifications)
        self.screens["review"]  # built now: the navigation says how many notes wait
        self._build_menus()
        self._focused_once = False
        self.show_screen("clients")
        #: ends shares on their end date and signs audit checkpoints while the window is open.
        self.trail_keeper = TrailKeeper(ctx, self)

    def _screen_built(self, key: str, screen: QWidget) -> None:
        """Connect a screen to the window the first time it is built."""
        if key == "clients":
            screen.client_activated.connect(self.open_client)
        elif key == "calendar":
            screen.note_opener = open_session_note
        elif key == "review":
            screen.count_changed.connect(self.show_review_count)
            screen.client_requested.connect(self.open_client)
            self.show_review_count(screen.count())
        elif key == "notes":
            screen.count_changed.connect(self._show_notes_count)
            self._show_notes_count(screen.model.rowCount())  # as the new screen found them

    def _central(self, practice_name: str) -> QWidget:
        logo = QLabel()
        logo.setPixmap(svg_pixmap("app", 32))
        name = QLabel(APP_NAME)
        name.setObjectName("appName")
        self.practice_label = ElidedLabel(practice_name, max_lines=2)
        self.practice_label.setObjectName("sidebarPractice")
        self.practice_label.setAccessibleName("Practice")
        brand = QHBoxLayout()
        brand.setSpacing(10)
        brand.addWidget(logo)
        brand.addWidget(name, 1)
        heading = QVBoxLayout()
        heading.setSpacing(6)
        heading.addLayout(brand)
        heading.addWidget(self.practice_label)

        sidebar = QWidget()
        sidebar.setObjectName("sidebar")
        sidebar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        sidebar.setFixedWidth(212)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(14, 18, 14, 14)
        side.setSpacing(18)
        side.addLayout(heading)
        side.addWidget(self.navigation, 1)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(sidebar)
        layout.addWidget(self.stack, 1)
        return central

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.setToolTipsVisible(True)  # an item that is off says why (Back Up Now on a server)
        self.switch_user_action = QAction("S&witch User…", self)
        self.switch_user_action.setShortcut(QKeySequence("Ctrl+Shift+U"))
        self.switch_user_action.triggered.connect(self.switch_user_requested)
        self.change_password_action = QAction("Change &Password…", self)
        self.change_password_action.triggered.connect(self.change_password)
        self.second_factor_action = QAction("Set Up Second &Factor…", self)
        self.second_factor_action.triggered.connect(self.set_up_second_factor)
        self.sign_out_action = QAction("Sign &Out", self)
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        self.back_up_action = QAction("&Back Up Now", self)
        self.back_up_action.setEnabled(self.ctx.embedded)
        self.back_up_action.setToolTip(
            "Copy the practice's database, encrypted, into its backups folder"
            if self.ctx.embedded
            else "IT backs up the practice's server"
        )
        self.back_up_action.triggered.connect(self.back_up_now)
        file_menu.addAction(self.back_up_action)
        self.settings_action = QAction("Practice &Settings…", self)
        allowed = may_change_practice_settings(self.principal)
        self.settings_action.setEnabled(bool(allowed))
        self.settings_action.setToolTip("" if allowed else refusal_text(allowed))
        self.settings_action.triggered.connect(self.open_practice_settings)
        file_menu.addAction(self.settings_action)
        self.templates_action = QAction("Note &Templates…", self)
        decision = may_keep_note_templates(self.principal)
        self.templates_action.setEnabled(bool(decision))
        self.templates_action.setToolTip(
            "Add and edit the practice's note templates" if decision else refusal_text(decision)
        )
        self.templates_action.triggered.connect(self.open_note_templates)
        file_menu.addAction(self.templates_action)
        file_menu.addSeparator()
        file_menu.addAction(self.change_password_action)
        file_menu.addAction(self.second_factor_action)
        file_menu.addAction(self.switch_user_action)
        file_menu.addAction(self.sign_out_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        view_menu = self.menuBar().addMenu("&View")
        self.notices_action = QAction("&Notifications…", self)
        self.notices_action.setShortcut(QKeySequence(NOTICES_SHORTCUT))
        self.notices_action.triggered.connect(self.notifications.show_popup)

        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

        self.screen_actions: dict[str, QAction] = {}
        for number, (key, label) in enumerate(SCREENS, start=1):
            action = QAction(f"Go to {label}", self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, k=key: self.show_screen(k))
            view_menu.addAction(action)
            self.screen_actions[key] = action
        view_menu.addSeparator()
        view_menu.addAction(self.notices_action)
        self.emergency_report_action = QAction("&Emergency Access Report…", self)
        self.emergency_report_action.setVisible(bool(may_review_emergency_access(self.principal)))
        self.emergency_report_action.triggered.connect(self.open_emergency_report)
        view_menu.addAction(self.emergency_report_action)

    # -- screens -------------------------------------------------------------------------------

    def open_note_templates(self) -> None:
        NoteTemplatesDialog(self.ctx, self.principal, self).exec()

    def back_up_now(self) -> None:
        """File ▸ Back Up Now: copy the embedded database and say where it went."""
        try:
            made = back_up_now(self.ctx.uow(), self.principal, keep=self.ctx.config.backups_kept)
        except ServiceError as error:
            QMessageBox.warning(self, "Back Up Now", error.message)
            return
        except OSError as error:
            QMessageBox.warning(
                self, "Back Up Now", f"The backup could not be written ({error.strerror})."
            )
            return
        QMessageBox.information(
            self,
            "Back Up Now",
            f"The practice's database was backed up to\n{made.path}\n\n"
            f"It is encrypted like the database. The newest {made.kept} backups are kept.",
        )

    def show_review_count(self, count: int) -> None:
        """R16: the navigation says how many notes wait for the signed-in supervisor."""
        row = [k for k, _label in SCREENS].index("review")
        item = self.navigation.item(row)
        item.setText(f"Notes to review ({count})" if count else "Notes to review")
        item.setToolTip(f"Notes to review: {count} waiting (Ctrl+{row + 1})")

    def show_screen(self, key: str) -> QWidget:
        """Bring a screen forward ("clients", "calendar", "staff", "audit", "review")."""
        row = [k for k, _label in SCREENS].index(key)
        self.navigation.setCurrentRow(row)
        return self.screens[key]

    def focus_screen(self) -> None:
        """Put the keyboard in the shown screen: its search box when it has one, so a name typed
        at once searches (never the navigation, where a letter jumps to another screen)."""
        screen = self.stack.currentWidget()
        focus_search = getattr(screen, "focus_search", None)
        if callable(focus_search):
            focus_search()
        else:
            screen.setFocus(Qt.FocusReason.OtherFocusReason)
            screen.focusNextChild()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._focused_once:
            self._focused_once = True
            self.focus_screen()

    def _show_notes_count(self, count: int) -> None:
        """ "Notes to write · 3" in the navigation while sessions wait for their note."""
        row = [k for k, _label in SCREENS].index("notes")
        item = self.navigation.item(row)
        label = dict(SCREENS)["notes"]
        item.setText(f"{label} · {count}" if count else label)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{label}, {count} waiting")

    def current_screen_key(self) -> str:
        return SCREENS[self.stack.currentIndex()][0]

    def _row_changed(self, row: int) -> None:
        if row < 0:
            return
        key = SCREENS[row][0]
        fresh = not self.screens.is_built(key)
        screen = self.screens[key]  # built on its first showing, with what is there now
        self.stack.setCurrentIndex(row)
        # A screen shows what is in the database now, not what was there when it was built.
        refresh = getattr(screen, "refresh", None)
        if callable(refresh) and not fresh:
            refresh()

    def open_client(self, client_id: int) -> ClientProfileWindow:
        """Open the client's profile in a window of its own, or bring it forward."""
        window = self.profile_windows.get(client_id)
        if window is None:
            window = ClientProfileWindow(self.ctx, self.principal, client_id, self)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            window.closed.connect(lambda cid=client_id: self.profile_windows.pop(cid, None))
            window.client_changed.connect(lambda _cid: self.screens["clients"].refresh())
            window.open_client_requested.connect(self.open_client)
            self.profile_windows[client_id] = window
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def open_emergency_report(self) -> EmergencyReportDialog:
        """View ▸ Emergency Access Report (Owner, Record Custodian, R18)."""
        zone = self.profile_zone()
        dialog = EmergencyReportDialog(self.ctx, self.principal, zone, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    def profile_zone(self) -> ZoneInfo | None:
        try:
            return ZoneInfo(self.practice.time_zone) if self.practice else None
        except (KeyError, ValueError):
            return None

    # -- the rest ------------------------------------------------------------------------------

    def change_password(self) -> ChangePasswordDialog:
        """File ▸ Change Password…: the signed-in person's own password (R19)."""
        dialog = ChangePasswordDialog(self.ctx, self.principal, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.accepted.connect(
            lambda: QMessageBox.information(self, "Change Password", "Your password was changed.")
        )
        dialog.open()
        return dialog

    def open_practice_settings(self) -> PracticeSettingsDialog:
        """File ▸ Practice Settings… (Owner): name, time zone, idle lock, second factor."""
        dialog = PracticeSettingsDialog(self.ctx, self.principal, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.accepted.connect(lambda: self._settings_saved(dialog.saved))
        dialog.open()
        return dialog

    def _settings_saved(self, saved) -> None:
        if saved is not None:
            self.practice_label.setText(saved.name)
            self.setWindowTitle(f"{APP_NAME} — {saved.name}")
            self.settings_changed.emit()

    def set_up_second_factor(self) -> EnrolmentDialog:
        """File ▸ Set Up Second Factor…: an authenticator app for signing in (R19)."""
        name = self.practice.name if self.practice else ""
        dialog = EnrolmentDialog(self.ctx, self.principal, name, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        return dialog

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<p><b>{APP_NAME}</b> {escape(__version__)}</p>"
            "<p>Practice management for group practices: clients, charts, sharing and the "
            "calendar, with a record of who saw what.</p>"
            f"<p>Database: {escape(self.ctx.database_label)}</p>",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        # Nobody's client stays on screen after a sign-out or a switch of user; a client
        # window with changes not saved asks first, and Cancel there keeps everything open.
        for window in list(self.profile_windows.values()):
            if not window.close():
                event.ignore()
                return
        super().closeEvent(event)
        if event.isAccepted():
            self.trail_keeper.timer.stop()
            self.closed.emit()
