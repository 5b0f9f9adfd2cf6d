"""The client profile's own look: tabs, the green banner, chart and sharing sections, badges.

These rules extend resources/style.qss for object names used only in this package; the window
applies them to itself, so they reach every tab and dialog opened over it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtGui import QColor

#: private psychotherapy notes: purple text on lavender, everywhere they appear.
PRIVATE_TEXT = QColor("#5b2a86")
PRIVATE_BACKGROUND = QColor("#f6f0fb")
#: drafts: amber text.
DRAFT_TEXT = QColor("#8a5a00")
MUTED_TEXT = QColor("#7b8794")

PRIVATE_LABEL = "Private psychotherapy note"
PROGRESS_LABEL = "Progress note"

PROFILE_STYLE = """
QWidget#clientProfileWindow {
    background: #ffffff;
}
QTabWidget#profileTabs::pane {
    border: none;
    border-top: 1px solid #dde3e8;
    background: #ffffff;
}
QTabWidget#profileTabs > QTabBar::tab {
    background: transparent;
    color: #52606d;
    padding: 9px 18px;
    border: none;
    border-bottom: 2px solid transparent;
    font-weight: 600;
}
QTabWidget#profileTabs > QTabBar::tab:selected {
    color: #0f766e;
    border-bottom: 2px solid #0f766e;
}
QTabWidget#profileTabs > QTabBar::tab:hover:!selected {
    color: #1f2933;
}
QWidget#profileHeader, QWidget#tabPage, QScrollArea#tabScroll, QWidget#scrollContent {
    background: #ffffff;
}
QScrollArea#tabScroll {
    border: none;
}
QLabel#clientName {
    font-size: 22px;
    font-weight: 600;
}
QLabel#clientFacts {
    color: #52606d;
}
QLabel#sectionTitle {
    font-size: 17px;
    font-weight: 600;
}
QLabel#groupTitle {
    font-size: 14px;
    font-weight: 600;
    color: #323f4b;
}
QFrame#successBanner {
    background: #e6f4ea;
    border: 1px solid #9fd3ad;
    border-radius: 8px;
}
QFrame#successBanner QLabel {
    background: transparent;
    color: #14532d;
    font-weight: 600;
}
QFrame#successBanner QToolButton {
    background: transparent;
    border: none;
    color: #14532d;
    font-size: 16px;
    padding: 0 4px;
}
QFrame#successBanner QToolButton:focus {
    border: 1px solid #14532d;
    border-radius: 4px;
}
QFrame#card {
    background: #ffffff;
    border: 1px solid #e1e6ea;
    border-radius: 8px;
}
QFrame#shareRow {
    background: transparent;
    border: none;
    border-top: 1px solid #eef1f4;
}
QToolButton#sectionToggle {
    background: transparent;
    border: none;
    font-size: 14px;
    font-weight: 600;
    color: #1f2933;
    padding: 4px 2px;
    text-align: left;
}
QToolButton#sectionToggle:focus {
    color: #0f766e;
}
QLabel#privateBadge {
    color: #5b2a86;
    background: #f3ecfa;
    border: 1px solid #dccbef;
    border-radius: 9px;
    padding: 1px 8px;
    font-size: 12px;
    font-weight: 600;
}
QLabel#draftBadge {
    color: #7a4d00;
    background: #fff4d6;
    border: 1px solid #f1d9a0;
    border-radius: 9px;
    padding: 1px 8px;
    font-size: 12px;
    font-weight: 600;
}
QLabel#kindBadge {
    color: #323f4b;
    background: #f3f6f8;
    border: 1px solid #dde3e8;
    border-radius: 9px;
    padding: 1px 8px;
    font-size: 12px;
}
QLabel#signedBadge, QLabel#ownBadge {
    color: #0b4f49;
    background: #e7f4f2;
    border: 1px solid #c3e4df;
    border-radius: 9px;
    padding: 1px 8px;
    font-size: 12px;
}
QLabel#sharedState {
    color: #0b4f49;
}
QLabel#notSharedState {
    color: #7b8794;
}
QWidget#jumpPanel {
    background: #f7f8fa;
    border-left: 1px solid #e4e9ee;
}
QListWidget#jumpList {
    background: transparent;
    border: none;
    outline: 0;
}
QListWidget#jumpList::item {
    color: #33404d;
    padding: 7px 10px;
    border-radius: 6px;
}
QListWidget#jumpList::item:hover {
    background: #e7eef1;
}
QListWidget#jumpList::item:selected {
    background: #e7f4f2;
    color: #0b4f49;
}
QTreeView, QListWidget#checkList {
    background: #ffffff;
    border: 1px solid #dde3e8;
    border-radius: 8px;
    selection-background-color: #d7efec;
    selection-color: #0b3d3a;
    outline: 0;
}
QListWidget#checkList::item {
    padding: 6px 6px;
}
QTreeView::item {
    padding: 5px 4px;
}
QTreeView::item:selected {
    background: #d7efec;
    color: #0b3d3a;
}
QPlainTextEdit, QDateEdit {
    background: #ffffff;
    border: 1px solid #c5ced6;
    border-radius: 6px;
    padding: 4px 6px;
}
QDateEdit {
    padding: 5px 8px;
    min-height: 20px;
}
QPlainTextEdit:focus, QDateEdit:focus {
    border: 1px solid #0f766e;
}
QPlainTextEdit[invalid="true"] {
    border: 1px solid #b42318;
}
QLineEdit[readOnly="true"] {
    background: #f7f8fa;
    color: #323f4b;
}
QProgressBar {
    border: 1px solid #c5ced6;
    border-radius: 6px;
    background: #f4f6f8;
    text-align: center;
    min-height: 18px;
}
QProgressBar::chunk {
    background: #0f766e;
    border-radius: 5px;
}
"""


def day(value: date | datetime | None, zone: ZoneInfo | None = None) -> str:
    """ "04 Mar 2025"; a moment is shown on the practice's calendar day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if zone is not None and value.tzinfo is not None:
            value = value.astimezone(zone)
        value = value.date()
    return f"{value:%d %b %Y}"


def moment(value: datetime | None, zone: ZoneInfo | None = None) -> str:
    """ "04 Mar 2025, 10:00" in the practice's time zone."""
    if value is None:
        return ""
    if zone is not None and value.tzinfo is not None:
        value = value.astimezone(zone)
    return f"{value:%d %b %Y, %H:%M}"
