"""Pictures of the screens, for documentation and review; works on the offscreen platform."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ..app import AppContext
from ..services import (
    access_report,
    audit_query,
    auth,
    billing,
    charts,
    client_list,
    clients,
    emergency,
    note_reviews,
    practice,
    restrictions,
    scheduling,
    session_notes,
    staff,
    superbill,
    supervision,
)
from ..services.audit import Action
from ..services.audit_query import AuditFilter
from ..services.policy import (
    may_administer_staff,
    may_read_audit,
    may_restrict_clients,
    may_review_emergency_access,
    may_see_all_clients,
    may_set_supervision,
    may_use_billing,
    may_use_booking,
)
from ..services.policy.session_rules import may_change_practice_settings
from ..services.principal import Principal, Role
from .audit_screen import AuditScreen
from .calendar import BookingDialog, FindAvailabilityDialog
from .calendar.calendar_screen import CalendarScreen
from .calendar.common import practice_zone
from .client_profile import ClientProfileWindow
from .client_profile.diagnosis_picker import DiagnosisPickerDialog
from .client_profile.disclosures_dialog import DisclosuresDialog
from .client_profile.session_note import session_note_dialog
from .emergency_dialog import EmergencyAccessDialog
from .emergency_report_dialog import EmergencyReportDialog
from .lock_screen import LockScreen
from .login_dialog import LoginDialog
from .main_window import MainWindow
from .password_dialog import ChangePasswordDialog
from .practice_settings_dialog import PracticeSettingsDialog
from .second_factor_dialogs import EnrolmentDialog
from .session import build_main_window
from .setup_dialog import SetupDialog
from .staff_dialogs import AddStaffDialog
from .style import ensure_application
from .superbill_pdf import page_image as superbill_page_image
from .supervision_dialog import SupervisionDialog

#: the size of the main window in the pictures.
WINDOW_SIZE = (1200, 760)


@dataclass
class Shots:
    """What the builders share: the context, the signed-in principal and the main window."""

    ctx: AppContext
    principal: Principal
    window: MainWindow | None = None
    profile: ClientProfileWindow | None = None
    #: other windows a picture needed (closed at the end).
    others: list[QWidget] = field(default_factory=list)
    #: other windows a picture needed, closed at the end.
    extra: list[QWidget] = field(default_factory=list)

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


def _disclosed_client(shots: Shots) -> tuple[int, str] | None:
    """The newest client whose chart was shared (id, name), if any."""
    page = audit_query.audit_page(
        shots.ctx.uow(), shots.principal, AuditFilter(actions=(Action.SHARE_STARTED,))
    )
    return next(((r.entry.client_id, r.client) for r in page.rows if r.entry.client_id), None)


def _audit_filtered(shots: Shots) -> QWidget | None:
    """The Audit screen filtered by a client typed by name."""
    found = _disclosed_client(shots)
    if found is None:
        return None
    window = shots.main_window()
    screen = window.show_screen("audit")
    assert isinstance(screen, AuditScreen)
    screen.filters.client.setText(found[1])
    screen.apply_filters()
    return window


def _audit_details(shots: Shots) -> QWidget | None:
    """The filtered Audit screen with its newest entry chosen and its details below."""
    window = _audit_filtered(shots)
    if window is None:
        return None
    screen = window.show_screen("audit")
    assert isinstance(screen, AuditScreen)
    screen.table.selectRow(0)
    return window


def _disclosures(shots: Shots) -> QWidget | None:
    found = _disclosed_client(shots)
    if found is None:
        return None
    profile = ClientProfileWindow(shots.ctx, shots.principal, found[0])
    profile.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    shots.others.append(profile)
    return DisclosuresDialog(profile, profile)


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


#: the reason the pictures of emergency access show.
EMERGENCY_REASON = "Client called in crisis; her provider is on leave until Monday"


def _emergency_client(shots: Shots) -> int | None:
    """A client the signed-in person may open through emergency access (R18), if any."""
    uow = shots.ctx.uow
    scope = "all" if may_see_all_clients(shots.principal) else "mine"
    for client_id in client_list.client_ids(uow(), shots.principal, scope)[:300]:
        if emergency.current_emergency_access(uow(), shots.principal, client_id):
            return client_id
        if emergency.emergency_decision(uow(), shots.principal, client_id):
            return client_id
    return None


def _emergency_dialog(shots: Shots) -> QWidget | None:
    client_id = _emergency_client(shots)
    if client_id is None:
        return None
    dialog = EmergencyAccessDialog(shots.ctx, shots.principal)
    dialog.search.setText(clients.get_client(shots.ctx.uow(), shots.principal, client_id).full_name)
    dialog.find()  # the dialog finds the client by name, as a person would
    dialog.reason.setPlainText(EMERGENCY_REASON)
    dialog.confirm.setChecked(True)
    return dialog


def _emergency_banner(shots: Shots) -> QWidget | None:
    """A client's window under emergency access: opened for the picture (audited, like any)."""
    client_id = _emergency_client(shots)
    if client_id is None:
        return None
    uow = shots.ctx.uow
    if emergency.current_emergency_access(uow(), shots.principal, client_id) is None:
        emergency.open_emergency_access(uow(), shots.principal, client_id, EMERGENCY_REASON)
    window = ClientProfileWindow(shots.ctx, shots.principal, client_id)
    window.resize(*WINDOW_SIZE)
    window.show_tab("records")
    return window


def _emergency_report(shots: Shots) -> QWidget:
    zone = shots.main_window().profile_zone()
    return EmergencyReportDialog(shots.ctx, shots.principal, zone)


def _lock_screen(shots: Shots) -> QWidget:
    """The idle lock, the size of the main window it covers (R19)."""
    info = practice.practice_info(shots.ctx.uow())
    screen = LockScreen(shots.ctx, shots.principal, info.name if info else "")
    screen.resize(*WINDOW_SIZE)
    return screen


def _change_password(shots: Shots) -> QWidget:
    return ChangePasswordDialog(shots.ctx, shots.principal)


def _second_factor(shots: Shots) -> QWidget:
    info = practice.practice_info(shots.ctx.uow())
    return EnrolmentDialog(shots.ctx, shots.principal, info.name if info else "")


def _practice_settings(shots: Shots) -> QWidget:
    return PracticeSettingsDialog(shots.ctx, shots.principal)


def _settings_owner(principal: Principal) -> bool:
    return bool(may_change_practice_settings(principal))


def _supervision_settings(shots: Shots) -> QWidget | None:
    """R16: the Supervision… dialog for a supervised provider (or the first provider)."""
    members = [
        m
        for m in staff.list_staff(shots.ctx.uow(), shots.principal)
        if m.active and Role.PROVIDER in m.roles
    ]
    if not members:
        return None
    chosen = next(
        (m for m in members if supervision.supervisions_of(shots.ctx.uow(), shots.principal, m.id)),
        members[0],
    )
    window = shots.main_window()
    screen = window.show_screen("staff")
    screen.select_email(chosen.email)
    return SupervisionDialog(shots.ctx, shots.principal, chosen.id, chosen.display_name, window)


def _profile_of(shots: Shots, client_id: int) -> ClientProfileWindow:
    window = ClientProfileWindow(shots.ctx, shots.principal, client_id)
    window.resize(*WINDOW_SIZE)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.show()
    window.show_tab("records")
    for _ in range(3):
        QApplication.processEvents()
    return window


def _cosigned_note(shots: Shots) -> QWidget | None:
    """R16: a co-signed note in its chart: the author's signature and the supervisor's."""
    found = note_reviews.latest_cosigned_note(shots.ctx.uow(), shots.principal)
    if found is None:
        return None
    window = _profile_of(shots, found[0])
    window.records_tab.select_note(found[1])
    shots.extra.append(window)
    return window


def _restriction(shots: Shots) -> QWidget | None:
    """R17: Restrict… on a client already restricted from someone (else any client)."""
    ids = client_list.client_ids(shots.ctx.uow(), shots.principal, "all")
    if not ids:
        return None
    chosen = next(
        (c for c in ids if restrictions.restrictions_of(shots.ctx.uow(), shots.principal, c)),
        ids[0],
    )
    window = _profile_of(shots, chosen)
    shots.extra.append(window)
    return window.records_tab.sharing.open_restriction()


def _reviewer(principal: Principal) -> bool:
    return principal.has(Role.PROVIDER)


def _restricter(principal: Principal) -> bool:
    return bool(may_restrict_clients(principal))


def _supervision_admin(principal: Principal) -> bool:
    return bool(may_set_supervision(principal))


def _notes_to_write(shots: Shots) -> QWidget:
    """Notes to write, the first session chosen."""
    window = shots.main_window()
    window.show_screen("notes")
    return window


def _session_note(shots: Shots) -> QWidget | None:
    """Write note from an appointment: the note editor on the signed-in provider's first
    session waiting for its note (None when they have none)."""
    waiting = session_notes.notes_to_write(shots.ctx.uow(), shots.principal)
    own = [w for w in waiting if w.provider_id == shots.principal.staff_id]
    if not own:
        return None
    zone = practice_zone(shots.ctx)
    return session_note_dialog(
        shots.ctx,
        shots.principal,
        own[0].appointment_id,
        own[0].client_id,
        own[0].client_name,
        zone,
    )


def _soap_note(shots: Shots) -> QWidget | None:
    """A SOAP note written from a session, read in the client's Records tab (None when the
    signed-in provider has no session with its note in the last two weeks)."""
    now = shots.ctx.clock.now()
    week = scheduling.appointments_between(
        shots.ctx.uow(), shots.principal, [shots.principal.staff_id], now - timedelta(14), now
    )
    noted = [a for a in week if a.has_note]
    if not noted:
        return None
    window = ClientProfileWindow(shots.ctx, shots.principal, noted[-1].client_id)
    window.resize(*WINDOW_SIZE)
    window.show_tab("records")
    records = charts.read_records(shots.ctx.uow(), shots.principal, noted[-1].client_id)
    for chart in records.charts:
        for note in chart.notes:
            if note.appointment_id == noted[-1].id:
                window.records_tab.load(select_note=note.id)
    return window


def _diagnosis_picker(shots: Shots) -> QWidget | None:
    """The diagnosis picker of a client's first provider, "anxiety" searched."""
    window = shots.profile_window()
    if window is None or window.profile is None or not window.profile.providers:
        return None
    dialog = DiagnosisPickerDialog(window, window.profile.providers[0])
    dialog.resize(900, 600)
    dialog.search.setText("anxiety")
    return dialog


def _owing_client(shots: Shots) -> int | None:
    owing = billing.clients_owing(shots.ctx.uow(), shots.principal, limit=1)
    return owing[0] if owing else None


def _billing_tab(shots: Shots) -> QWidget | None:
    """R11: the Billing tab of the client owing the most, the newest charge chosen."""
    client_id = _owing_client(shots)
    if client_id is None:
        return None
    window = _profile_of(shots, client_id)
    window.show_tab("billing")
    window.billing_tab.charges.selectRow(0)
    shots.extra.append(window)
    return window


def _superbill_page(shots: Shots) -> QWidget | None:
    """R11: the first page of that client's superbill for the last four weeks, as printed."""
    client_id = _owing_client(shots)
    if client_id is None:
        return None
    today = shots.ctx.clock.now().astimezone(practice_zone(shots.ctx)).date()
    bill = superbill.superbill(
        shots.ctx.uow(), shots.principal, client_id, today - timedelta(days=28), today
    )
    image = superbill_page_image(bill, 1000)
    page = QLabel()
    page.setPixmap(QPixmap.fromImage(image))
    page.setStyleSheet("background: #e4e9ee;")
    page.setAlignment(Qt.AlignmentFlag.AlignCenter)
    page.resize(image.width() + 32, image.height() + 32)
    return page


def _biller(principal: Principal) -> bool:
    return bool(may_use_billing(principal))


def _provider(principal: Principal) -> bool:
    return principal.has(Role.PROVIDER)


def _note_writer(principal: Principal) -> bool:
    return principal.has(Role.PROVIDER, Role.OWNER, Role.MANAGER)


def _anyone(_principal: Principal) -> bool:
    return True


def _staff_admin(principal: Principal) -> bool:
    return bool(may_administer_staff(principal))


def _audit_reader(principal: Principal) -> bool:
    return bool(may_read_audit(principal))


def _emergency_reviewer(principal: Principal) -> bool:
    return bool(may_review_emergency_access(principal))


def _booker(principal: Principal) -> bool:
    return bool(may_use_booking(principal))


#: (file name without .png, builder, who can use that screen); add new screens here. A screen
#: the signed-in role cannot use is not pictured. A builder returns None when the practice has
#: nothing to show for it (no client whose chart can be shared): it is skipped.
STEPS: list[tuple[str, Callable[[Shots], QWidget | None], Callable[[Principal], bool]]] = [
    ("setup", _setup, _anyone),
    ("sign-in", _sign_in, _anyone),
    ("main-window", _screen("clients"), _anyone),
    ("clients", _screen("clients"), _anyone),
    ("staff", _screen("staff"), _anyone),
    ("add-staff", _add_staff, _staff_admin),
    ("audit", _screen("audit"), _audit_reader),
    ("audit-filtered", _audit_filtered, _audit_reader),
    ("audit-details", _audit_details, _audit_reader),
    ("disclosures", _disclosures, _audit_reader),
    ("client-profile-sharing", _client_profile, _anyone),
    ("share-review", _share_review, _anyone),
    ("transfer-client", _transfer, _anyone),
    ("who-can-see", _who_can_see, _anyone),
    ("calendar-week", _calendar_week, _anyone),
    ("notes-to-write", _notes_to_write, _note_writer),
    ("write-session-note", _session_note, _note_writer),
    ("soap-note", _soap_note, _provider),
    ("diagnosis-picker", _diagnosis_picker, _anyone),
    ("billing-tab", _billing_tab, _biller),
    ("superbill", _superbill_page, _biller),
    ("booking-new-provider-alert", _booking_alert, _booker),
    ("find-availability", _find_availability, _booker),
    ("emergency-access-dialog", _emergency_dialog, _anyone),
    ("emergency-access-banner", _emergency_banner, _anyone),
    ("emergency-access-report", _emergency_report, _emergency_reviewer),
    ("lock-screen", _lock_screen, _anyone),
    ("change-password", _change_password, _anyone),
    ("second-factor-enrolment", _second_factor, _anyone),
    ("practice-settings", _practice_settings, _settings_owner),
    ("supervision-settings", _supervision_settings, _supervision_admin),
    ("notes-to-review", _screen("review"), _reviewer),
    ("co-signed-note", _cosigned_note, _anyone),
    ("restriction-dialog", _restriction, _restricter),
]

#: what an offscreen platform says about every window it sizes; nothing is wrong.
_PLATFORM_CHATTER = ("This plugin does not support",)


def _quiet_platform_chatter():
    """Drop the offscreen platform's notices while pictures are taken; pass on everything else."""
    previous = None

    def handler(kind: QtMsgType, context, message: str) -> None:
        if message.startswith(_PLATFORM_CHATTER):
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    return previous


def _grab(widget: QWidget, path: Path) -> None:
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.show()
    # A dialog given its size in code (room for its columns) keeps it; others take their own.
    sized = widget.testAttribute(Qt.WidgetAttribute.WA_Resized)
    if not sized and not isinstance(widget, (MainWindow, ClientProfileWindow)):
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
    principal = ctx.sign_in(email, password)
    shots = Shots(ctx, principal)
    written: list[Path] = []
    previous_handler = _quiet_platform_chatter()
    try:
        for name, build, may_use in STEPS:
            if not may_use(principal):
                continue
            widget = build(shots)
            if widget is None:
                continue
            path = out_dir / f"{name}.png"
            _grab(widget, path)
            if widget not in (shots.window, shots.profile, *shots.extra):
                widget.close()
                widget.deleteLater()
            written.append(path)
    finally:
        for other in shots.others:
            other.close()
            other.deleteLater()
        for widget in reversed(shots.extra):
            widget.close()
            widget.deleteLater()
        if shots.profile is not None:
            shots.profile.close()
            shots.profile.deleteLater()
        if shots.window is not None:
            shots.window.close()
            shots.window.deleteLater()
        auth.sign_out(ctx.uow(), principal)
        # Windows closed above are deleted now, while the platform's notices are still dropped.
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()
        qInstallMessageHandler(previous_handler)
    return written
