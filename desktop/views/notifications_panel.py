"""The notifications area (B4): a bell with the number of unread notices, and a list of them.
Choosing a notice marks it read and asks for its client's profile (`client_requested`)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QByteArray, QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..app import AppContext
from ..services import notifications
from ..services.notifications import Notice
from ..services.principal import Principal
from .messages import explain
from .style import ICON
from .widgets import button

#: a line bell, drawn in the icon colour (resources/icons has none yet).
BELL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="{color}" '
    'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">'
    '<path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/>'
    '<path d="M13.7 21a2 2 0 0 1-3.4 0"/></svg>'
)
REFRESH_MS = 60_000
NoticeRole = Qt.ItemDataRole.UserRole + 1
#: the keys that open the list from anywhere in the main window.
SHORTCUT = "Ctrl+Shift+N"
#: the gap between the bell and the list, and between the list and the screen's edge.
GAP = 4


def popup_place(anchor: QRect, size: QSize, screen: QRect) -> QRect:
    """Where the list goes: under the bell, right edges aligned, when it fits there; above the
    bell when it does not (a bell in the status bar); always inside the screen's free area,
    shortened to fit when the screen is small."""
    height = min(size.height(), screen.height() - 2 * GAP)
    width = min(size.width(), screen.width() - 2 * GAP)
    below = anchor.bottom() + 1 + GAP
    above = anchor.top() - GAP - height
    if below + height <= screen.bottom() + 1 - GAP:
        top = below
    elif above >= screen.top() + GAP:
        top = above
    else:
        top = screen.bottom() + 1 - GAP - height
    left = anchor.right() + 1 - width
    left = max(screen.left() + GAP, min(left, screen.right() + 1 - GAP - width))
    top = max(screen.top() + GAP, top)
    return QRect(left, top, width, height)


def bell_icon(unread: int, size: int = 22) -> QIcon:
    """The bell, with a red badge holding the unread count when there is one."""
    ratio = 2.0
    pixels = round(size * ratio)
    pixmap = QPixmap(pixels, pixels)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    svg = QSvgRenderer(QByteArray(BELL_SVG.format(color=ICON).encode("ascii")))
    inset = pixels * 0.12
    svg.render(painter, QRectF(inset, inset, pixels - 2 * inset, pixels - 2 * inset))
    if unread:
        text = str(unread) if unread < 10 else "9+"
        diameter = pixels * 0.58
        badge = QRectF(pixels - diameter, 0, diameter, diameter)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#c2410c"))
        painter.drawEllipse(badge)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(round(diameter * 0.62))
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return QIcon(pixmap)


class NoticesPopup(QFrame):
    """The list under the bell: newest first, unread in bold; an empty list says so."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("noticesPopup")
        self.setAccessibleName("Notifications")
        self.setStyleSheet(
            "QFrame#noticesPopup { background: #ffffff; border: 1px solid #d5dde3; "
            "border-radius: 8px; }"
            "QListWidget#noticeList { border: none; outline: 0; }"
            "QListWidget#noticeList::item { padding: 8px 6px; border-bottom: 1px solid #eef1f4; }"
            "QListWidget#noticeList::item:selected { background: #e7f4f2; color: #0b3d3a; }"
        )
        title = QLabel("Notifications")
        title.setObjectName("groupTitle")
        title.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.mark_all_button = button("Mark all as &read")
        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(self.mark_all_button)
        self.list = QListWidget()
        self.list.setObjectName("noticeList")
        self.list.setAccessibleName("Notices")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = QLabel("No notices. When a colleague shares a chart with you, it shows here.")
        self.empty.setObjectName("emptyText")
        self.empty.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("inlineError")
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        self.setFixedWidth(380)


class NotificationsPanel(QWidget):
    """A bell button for a toolbar or status bar. `refresh()` reads the principal's notices
    (also every `refresh_ms`, 0 for never); clicking the bell opens the list; choosing a notice
    marks it read and emits `client_requested(client_id)` when it concerns a client."""

    client_requested = Signal(int)
    #: emitted after every refresh with the number of unread notices.
    unread_changed = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        parent: QWidget | None = None,
        *,
        time_zone: str | None = None,
        refresh_ms: int = REFRESH_MS,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = principal
        self.notices: list[Notice] = []
        self.unread = 0
        try:
            self.zone = ZoneInfo(time_zone or ctx.config.time_zone or "UTC")
        except (KeyError, ValueError):
            self.zone = ZoneInfo("UTC")
        self.bell = QToolButton()
        self.bell.setAutoRaise(True)
        self.bell.setFocusPolicy(
            Qt.FocusPolicy.StrongFocus
        )  # reachable with Tab, opened with Space
        self.bell.setIconSize(QSize(22, 22))
        self.bell.setCursor(Qt.CursorShape.PointingHandCursor)
        self.bell.clicked.connect(self.show_popup)
        self.popup = NoticesPopup(self)
        self.popup.list.itemClicked.connect(self.activate)
        self.popup.list.itemActivated.connect(self.activate)
        self.popup.mark_all_button.clicked.connect(self.mark_all_read)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bell)
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.refresh)
        if refresh_ms > 0:
            self.timer.start(refresh_ms)
        self.refresh()

    # -- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            self.notices = notifications.notices_for(self.ctx.uow(), self.principal, limit=50)
        except Exception as error:  # a notice list is never worth an error box
            self.popup.message.setText(explain(error))
            self.popup.message.show()
            return
        self.popup.message.hide()
        self.unread = sum(1 for n in self.notices if not n.read)
        self.bell.setIcon(bell_icon(self.unread))
        label = f"{self.unread} unread" if self.unread else "none unread"
        self.bell.setToolTip(f"Notifications ({label}) — {SHORTCUT}")
        self.bell.setAccessibleName(f"Notifications: {label}")
        self._fill()
        self.unread_changed.emit(self.unread)

    def _fill(self) -> None:
        listing = self.popup.list
        listing.clear()
        for notice in self.notices:
            when = notice.created_at.astimezone(self.zone)
            item = QListWidgetItem(f"{notice.message}\n{when:%d %b %Y, %H:%M}")
            item.setData(NoticeRole, notice)
            item.setToolTip(notice.message)
            font = QFont()
            font.setBold(not notice.read)
            item.setFont(font)
            listing.addItem(item)
        self.popup.empty.setVisible(not self.notices)
        listing.setVisible(bool(self.notices))
        self.popup.mark_all_button.setEnabled(self.unread > 0)
        listing.setFixedHeight(min(420, max(1, len(self.notices)) * 62 + 4))

    # -- acting --------------------------------------------------------------------------------

    def show_popup(self) -> None:
        """Open the list inside the screen the bell is on, the newest notice selected, so the
        arrow keys and Enter work at once; Escape closes it."""
        self.refresh()
        self.popup.adjustSize()
        anchor = QRect(self.bell.mapToGlobal(QPoint(0, 0)), self.bell.size())
        screen = self.screen() or QGuiApplication.screenAt(anchor.center())
        screen = screen or QGuiApplication.primaryScreen()
        wanted = self.popup.size().expandedTo(self.popup.sizeHint())
        place = popup_place(anchor, wanted, screen.availableGeometry())
        if place.height() < wanted.height():  # a small screen: a shorter list
            listing = self.popup.list
            listing.setFixedHeight(max(60, listing.height() - (wanted.height() - place.height())))
        self.popup.setGeometry(place)
        self.popup.show()
        if self.popup.list.count():
            self.popup.list.setCurrentRow(0)
            self.popup.list.setFocus()
        else:
            self.popup.setFocus()

    def activate(self, item: QListWidgetItem) -> None:
        notice: Notice | None = item.data(NoticeRole)
        if notice is None:
            return
        self.popup.hide()
        if not notice.read:
            try:
                notifications.mark_read(self.ctx.uow(), self.principal, [notice.id])
            except Exception:  # still open the client; the notice stays unread
                pass
            self.refresh()
        if notice.client_id is not None:
            self.client_requested.emit(notice.client_id)

    def mark_all_read(self) -> None:
        ids = [n.id for n in self.notices if not n.read]
        if ids:
            try:
                notifications.mark_read(self.ctx.uow(), self.principal, ids)
            except Exception as error:
                self.popup.message.setText(explain(error))
                self.popup.message.show()
                return
        self.refresh()
