"""Pictures of the screens, for documentation and review; works on the offscreen platform."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from ..app import AppContext
from ..services import access_report, auth, client_list, practice
from ..services.policy import may_see_all_clients
from ..services.principal import Principal, Role
from .calendar import BookingDialog, FindAvailabilityDialog
from .calendar.calendar_screen import CalendarScreen
from .client_profile import ClientProfileWindow
from .login_dialog import LoginDialog
from .main_window import MainWindow
from .session import build_main_window
from .setup_dialog import SetupDialog
from .staff_dialogs import AddStaffDialog
from .style import ensure_application

#: the size of the main window in the pictures.
WINDOW_SIZE = (1200, 760)


@dataclass
class Shots:
    """What the builders share: the context, the signed-in principal and the main window."""

    ctx: AppContext
    principal: Principal
    window: MainWindow | None = None
    profile: ClientProfileWindow | None = None

    def profile_window(self) -> ClientProfileWindow | None:
        """A client's profile on the Records tab, scrolled to Chart Sharing (None: no client)."""
        if self.profile is None:
            client_id = _shareable_client(self)
            if client_id is None:
                return None
            self.profile = ClientProfileWindow(self.ctx, self.principal, client_id)
            self.profile.resize(*WINDOW_SIZE)
            self.profile.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            self.profile.show()
            self.profile.show_tab("records")
            for _ in range(3):  # the tab's layout settles before it can scroll to a section
                QApplication.processEvents()
            self.profile.records_tab.jump_to("sharing")
        return self.profile

    def main_window(self) -> MainWindow:
        if self.window is None:
            self.window = build_main_window(self.ctx, self.principal)
            self.window.resize(*WINDOW_SIZE)
        return self.window


def _setup(shots: Shots) -> QWidget:
    return SetupDialog(shots.ctx)


def _sign_in(shots: Shots) -> QWidget:
    info = practice.practice_info(shots.ctx.uow())
    return LoginDialog(shots.ctx, info.name if info else None)


def _screen(key: str) -> Callable[[Shots], QWidget]:
    def build(shots: Shots) -> QWidget:
        window = shots.main_window()
        window.show_screen(key)
        return window

    return build


def _shareable_client(shots: Shots) -> int | None:
    """A client with a chart the signed-in person may share with a colleague, if any."""
    scope = "all" if may_see_all_clients(shots.principal) else "mine"
    for client_id in client_list.client_ids(shots.ctx.uow(), shots.principal, scope):
        sections = access_report.sharing_overview(shots.ctx.uow(), shots.principal, client_id)
        if any(s.can_share and any(r.share is None for r in s.rows) for s in sections):
            return client_id
    return None


def _sharing_panel(shots: Shots):
    window = shots.profile_window()
    return window.records_tab.sharing if window is not None else None


def _client_profile(shots: Shots) -> QWidget | None:
    return shots.profile_window()


def _share_review(shots: Shots) -> QWidget | None:
    panel = _sharing_panel(shots)
    if panel is None:
        return None
    section = next(
        w.section
        for w in panel.section_widgets
        if w.section.can_share and any(r.share is None for r in w.section.rows)
    )
    row = next(r for r in section.rows if r.share is None)
    return panel.open_share_review(section, row)


def _transfer(shots: Shots) -> QWidget | None:
    panel = _sharing_panel(shots)
    dialog = panel.open_transfer() if panel is not None else None
    if dialog is not None and dialog.colleague.members:
        dialog.colleague.choose(dialog.colleague.members[0].id)
    return dialog


def _who_can_see(shots: Shots) -> QWidget | None:
    panel = _sharing_panel(shots)
    return panel.open_who_can_see() if panel is not None else None


def _add_staff(shots: Shots) -> QWidget:
    dialog = AddStaffDialog(shots.ctx, shots.principal)
    dialog.role_checks.boxes[Role.PROVIDER].setChecked(True)
    return dialog


def _calendar_week(shots: Shots) -> QWidget:
    """One provider's work week: readable blocks, the week's days across."""
    window = shots.main_window()
    screen = window.show_screen("calendar")
    assert isinstance(screen, CalendarScreen)
    if screen.providers:
        screen.show_providers({screen.providers[0].id})
    screen.set_view("Work week")
    screen.grid.scroll_to_hour(8)
    return window


def _booking_alert(shots: Shots) -> QWidget:
    """The booking form with a client who is not yet on the provider's list (R7)."""
    dialog = BookingDialog(shots.ctx, shots.principal)
    search = dialog.client_search
    search.widen.setChecked(True)
    for row in range(search.results.count()):
        if search.results.item(row).text().endswith("· new"):
            search.results.setCurrentRow(row)
            break
    return dialog


def _find_availability(shots: Shots) -> QWidget:
    dialog = FindAvailabilityDialog(shots.ctx, shots.principal)
    dialog.resize(1000, 640)
    dialog.search()
    return dialog


#: (file name without .png, builder); add new screens here. A builder returns None when the
#: practice has nothing to show for it (no client whose chart can be shared): it is skipped.
STEPS: list[tuple[str, Callable[[Shots], QWidget | None]]] = [
    ("setup", _setup),
    ("sign-in", _sign_in),
    ("main-window", _screen("clients")),
    ("clients", _screen("clients")),
    ("staff", _screen("staff")),
    ("add-staff", _add_staff),
    ("audit", _screen("audit")),
    ("client-profile-sharing", _client_profile),
    ("share-review", _share_review),
    ("transfer-client", _transfer),
    ("who-can-see", _who_can_see),
    ("calendar-week", _calendar_week),
    ("booking-new-provider-alert", _booking_alert),
    ("find-availability", _find_availability),
]


def _grab(widget: QWidget, path: Path) -> None:
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.show()
    if not isinstance(widget, (MainWindow, ClientProfileWindow)):
        widget.adjustSize()
    for _ in range(3):
        QApplication.processEvents()
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def save_screenshots(ctx: AppContext, out_dir: Path, email: str, password: str) -> list[Path]:
    """Sign in as `email` and save one PNG per screen in `out_dir`; returns the files written."""
    ensure_application()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    principal = auth.sign_in(ctx.uow(), ctx.passwords, email, password, ctx.workstation)
    shots = Shots(ctx, principal)
    written: list[Path] = []
    try:
        for name, build in STEPS:
            widget = build(shots)
            if widget is None:
                continue
            path = out_dir / f"{name}.png"
            _grab(widget, path)
            if widget is not shots.window and widget is not shots.profile:
                widget.close()
                widget.deleteLater()
            written.append(path)
    finally:
        if shots.profile is not None:
            shots.profile.close()
            shots.profile.deleteLater()
        if shots.window is not None:
            shots.window.close()
            shots.window.deleteLater()
        auth.sign_out(ctx.uow(), principal)
    return written
