"""The client profile window: the client's name, a green banner for what just worked, and the
top tabs Profile, Appointments, Records, Docs & Forms and Billing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from ... import APP_NAME
from ...app import AppContext
from ...services import clients, emergency, own_charts, practice
from ...services.clients import ClientProfile
from ...services.emergency import EmergencyAccessView
from ...services.errors import PermissionRefused
from ...services.own_charts import PastClient
from ...services.policy import may_see_client
from ...services.principal import Principal
from ..messages import explain
from ..unsaved import DISCARD, KEEP_EDITING, ask_save_discard
from ..widgets import ElidedLabel, EmptyState
from ..window_places import WindowPlace
from .appointments_tab import AppointmentsTab, missed_sessions
from .banner import EmergencyBanner, SuccessBanner
from .billing_tab import BillingTab
from .docs_tab import DocsTab
from .facts import is_principal_linked
from .look import PROFILE_STYLE, day, moment
from .profile_tab import ProfileTab
from .records_tab import RecordsTab

#: the tabs in order: (key, label with mnemonic).
TABS = (
    ("profile", "&Profile"),
    ("appointments", "&Appointments"),
    ("records", "&Records"),
    ("docs", "&Docs && Forms"),
    ("billing", "&Billing"),
)
DEFAULT_SIZE = (1120, 780)
#: how often the emergency banner's time left is brought up to date, in milliseconds.
EMERGENCY_TICK_MS = 15_000
#: the tabs an emergency access does not open (R18 opens the profile and the charts).
NOT_IN_EMERGENCY = ("appointments", "billing")


def practice_zone(ctx: AppContext) -> ZoneInfo:
    """The practice's time zone (dates are shown on the practice's calendar)."""
    info = practice.practice_info(ctx.uow())
    name = (info.time_zone if info else None) or ctx.config.time_zone or "UTC"
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


class ClientProfileWindow(QMainWindow):
    """One client's profile for one principal, as a window of its own. Each tab loads when it is
    first shown (the Records tab's reading of charts is audited, R13) and again after a change.
    `changed(text)` is how a tab reports a change: the banner says `text`, everything reloads.
    `closed` is emitted when the window closes. A main window, so that screen readers announce
    it as a window of its own."""

    closed = Signal()
    #: emitted after every change made here, with the client's id (lists may refresh).
    client_changed = Signal(int)
    #: asks the main window to open another client's window (a linked profile, R14).
    open_client_requested = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        client_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.principal = principal
        self.client_id = client_id
        self.zone = practice_zone(ctx)
        self.profile: ClientProfile | None = None
        #: set instead of `profile` when the client left the principal's list and only their
        #: own chart is open to them (R3): the Records tab alone is shown.
        self.past: PastClient | None = None
        self.setObjectName("clientProfileWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(PROFILE_STYLE)
        self.setWindowTitle(f"Client — {APP_NAME}")
        self.setMinimumSize(900, 600)
        self.place = WindowPlace(self, "client", QSize(*DEFAULT_SIZE))

        self.name_label = ElidedLabel("")
        self.name_label.setObjectName("clientName")
        self.name_label.setAccessibleName("Client")
        self.facts_label = ElidedLabel("")
        self.facts_label.setObjectName("clientFacts")
        self.facts_label.setAccessibleName("About the client")
        self.banner = SuccessBanner()
        #: the principal's emergency access to this client open now, if any (R18).
        self.emergency: EmergencyAccessView | None = None
        #: the profile is open through emergency access alone (R18): read-only, no sharing.
        self.emergency_only = False
        self.emergency_banner = EmergencyBanner()
        self.emergency_banner.end_requested.connect(self.end_emergency)
        self.emergency_timer = QTimer(self)
        self.emergency_timer.setInterval(EMERGENCY_TICK_MS)
        self.emergency_timer.timeout.connect(self.tick_emergency)
        header = QWidget()
        header.setObjectName("profileHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        top = QVBoxLayout(header)
        top.setContentsMargins(24, 18, 24, 10)
        top.setSpacing(4)
        top.addWidget(self.name_label)
        top.addWidget(self.facts_label)
        top.addSpacing(4)
        top.addWidget(self.banner)

        self.profile_tab = ProfileTab(self)
        self.appointments_tab = AppointmentsTab(self)
        self.records_tab = RecordsTab(self)
        self.docs_tab = DocsTab(self)
        self.billing_tab = BillingTab(self)
        self.pages = {
            "profile": self.profile_tab,
            "appointments": self.appointments_tab,
            "records": self.records_tab,
            "docs": self.docs_tab,
            "billing": self.billing_tab,
        }
        self.tabs = QTabWidget()
        self.tabs.setObjectName("profileTabs")
        self.tabs.setAccessibleName("Client profile tabs")
        self.tabs.setDocumentMode(True)
        for key, label in TABS:
            self.tabs.addTab(self.pages[key], label)
        self.tabs.currentChanged.connect(self._tab_shown)

        self.unavailable = EmptyState("lock", "This client's profile is not open to you", "")
        self.unavailable.setAccessibleName("Profile not available")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.unavailable)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.emergency_banner)
        layout.addWidget(header)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        close = QShortcut(QKeySequence.StandardKey.Close, self)
        close.activated.connect(self.close)
        self.reload()

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> bool:
        """Read the profile again; every tab reloads when next shown (the current one now)."""
        self._load_emergency()
        try:
            profile = clients.get_client(self.ctx.uow(), self.principal, self.client_id)
        except PermissionRefused as refusal:
            return self._show_own_chart_only(refusal)
        except Exception as error:
            self._show_unavailable(explain(error))
            return False
        self.profile, self.past = profile, None
        # Under emergency access alone, the profile and the charts open; nothing else (R18).
        only_emergency = self.emergency is not None and not self._sees_profile(profile)
        self.emergency_only = only_emergency
        for key, page in self.pages.items():
            shown = not (only_emergency and key in NOT_IN_EMERGENCY)
            self.tabs.setTabVisible(self.tabs.indexOf(page), shown)
        self.stack.setCurrentWidget(self.tabs)
        self.setWindowTitle(f"{profile.full_name} — {APP_NAME}")
        self.name_label.setText(profile.full_name)
        self.facts_label.setText(self._facts(profile))
        for page in self.pages.values():
            page.stale = True
        self.profile_tab.load()
        self._tab_shown(self.tabs.currentIndex())
        return True

    def _show_own_chart_only(self, refusal: PermissionRefused) -> bool:
        """The client left the principal's list but their own chart stays theirs (R3): show
        the Records tab alone; otherwise say why the client is closed to them."""
        try:
            past = own_charts.past_client(self.ctx.uow(), self.principal, self.client_id)
        except Exception:
            self._show_unavailable(explain(refusal))
            return False
        self.profile, self.past = None, past
        self.stack.setCurrentWidget(self.tabs)
        self.setWindowTitle(f"{past.full_name} — {APP_NAME}")
        self.name_label.setText(past.full_name)
        self.facts_label.setText(
            "You supervise a provider of this client · You read their charts (not private "
            "notes); the profile, appointments and documents are closed to you"
            if past.supervising
            else "No longer on your list · You read your own chart and finish your drafts; "
            "the profile, appointments and documents are closed to you"
        )
        for index in range(self.tabs.count()):
            self.tabs.setTabVisible(index, self.tabs.widget(index) is self.records_tab)
        self.tabs.setCurrentWidget(self.records_tab)
        self.records_tab.load()
        return True

    # -- emergency access (R18) ----------------------------------------------------------------

    def _sees_profile(self, profile: ClientProfile) -> bool:
        linked = is_principal_linked(self.principal, profile)
        return bool(may_see_client(self.principal, principal_linked=linked))

    def _load_emergency(self) -> None:
        try:
            access = emergency.current_emergency_access(
                self.ctx.uow(), self.principal, self.client_id
            )
        except Exception:  # the banner is not worth failing the window for: it only informs
            access = None
        self.emergency = access
        self.tick_emergency()

    def tick_emergency(self) -> None:
        """Bring the red banner's time left up to date; when the access has run out, close the
        records again (the profile then says it is not open)."""
        access = self.emergency
        if access is None:
            self.emergency_banner.clear()
            self.emergency_timer.stop()
            return
        now = self.ctx.clock.now()
        if not access.is_open(now):
            self.emergency = None
            self.emergency_banner.clear()
            self.emergency_timer.stop()
            self.reload()
            return
        self.emergency_banner.show_access(
            access.reason, access.time_left(now), moment(access.expires_at, self.zone)[-5:]
        )
        if not self.emergency_timer.isActive():
            self.emergency_timer.start()

    def end_emergency(self) -> None:
        """End the emergency access now (the person's own choice); the records close."""
        if self.emergency is None:
            return
        try:
            emergency.end_emergency_access(self.ctx.uow(), self.principal, self.emergency.id)
        except Exception as error:
            self.banner.show_message(explain(error))
            return
        self.emergency = None
        self.banner.show_message("Emergency access has ended.")
        self.reload()
        self.client_changed.emit(self.client_id)

    def refresh_profile(self) -> None:
        """Read the profile again for the header and the Profile tab only (after a change made
        on another tab that does not touch the charts)."""
        try:
            profile = clients.get_client(self.ctx.uow(), self.principal, self.client_id)
        except Exception as error:
            self._show_unavailable(explain(error))
            return
        self.profile = profile
        self.facts_label.setText(self._facts(profile))
        if not self.profile_tab.is_changed():  # typing not saved yet stays where it is
            self.profile_tab.load()

    def _facts(self, profile: ClientProfile) -> str:
        parts = []
        if profile.preferred_name:
            parts.append(f"Goes by {profile.preferred_name}")
        if profile.date_of_birth:
            parts.append(f"Born {day(profile.date_of_birth)}")
        if profile.pronouns:
            parts.append(profile.pronouns)
        names = [
            f"{p.provider_name} (treating)" if p.is_treating else p.provider_name
            for p in profile.providers
        ]
        parts.append("Providers: " + (", ".join(names) if names else "none yet"))
        parts += missed_sessions(self.ctx, self.principal, profile.id)
        return " · ".join(parts)

    def _show_unavailable(self, reason: str) -> None:
        self.profile, self.past = None, None
        self.name_label.setText(self.name_label.text() or "Client")
        self.facts_label.setText("")
        self.unavailable.text.setText(reason)
        self.stack.setCurrentWidget(self.unavailable)

    def _tab_shown(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is not None and getattr(page, "stale", False) and self.profile is not None:
            page.load()

    # -- what tabs call ------------------------------------------------------------------------

    def changed(self, banner_text: str | None = None) -> None:
        """A tab changed something: say so in the green banner and show the new state."""
        if banner_text:
            self.banner.show_message(banner_text)
        self.reload()
        self.client_changed.emit(self.client_id)

    def show_tab(self, key: str) -> QWidget:
        """Bring a tab forward ("profile", "appointments", "records", "docs", "billing")."""
        page = self.pages[key]
        self.tabs.setCurrentWidget(page)
        return page

    def unsaved_tabs(self) -> list[tuple[str, QWidget]]:
        """The tabs holding changes not saved yet (Profile, Billing)."""
        return [
            (key, page)
            for key, page in self.pages.items()
            if callable(getattr(page, "is_changed", None)) and page.is_changed()
        ]

    def may_close(self) -> bool:
        """True when nothing is unsaved, or the person saved (successfully) or discarded it."""
        pending = self.unsaved_tabs()
        if not pending:
            return True
        names = " and ".join(dict(TABS)[key].replace("&", "").lower() for key, _p in pending)
        client = self.profile.full_name if self.profile else "this client"
        answer = ask_save_discard(self, f"{client}'s {names}")
        if answer == DISCARD:
            return True
        if answer == KEEP_EDITING:
            return False
        # The Profile tab last: saving it reloads the other tabs.
        for key, page in sorted(pending, key=lambda pair: pair[0] == "profile"):
            page.save()
            if page.is_changed():  # not saved: the tab shows why
                self.show_tab(key)
                return False
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.may_close():
            event.ignore()
            return
        super().closeEvent(event)
        if event.isAccepted():
            self.docs_tab.forget_opened_files()
            self.closed.emit()
