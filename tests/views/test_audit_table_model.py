"""The Audit screen's table model: each page's cells are handed to Qt when the page arrives, read
only, the table showing a cell's whole text as its tooltip; sorting and scrolling still ask the database."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip

from desktop.models import audit_model
from desktop.services import audit, audit_query, sharing
from desktop.services.audit import Action
from desktop.services.principal import Role
from desktop.views.audit_screen import AuditScreen
from tests.services.factories import make_client

from .conftest import PRACTICE_ZONE


def open_audit(qtbot, ctx, principal) -> AuditScreen:
    screen = AuditScreen(ctx, principal, PRACTICE_ZONE)
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def tooltip_at(screen: AuditScreen, cell) -> str:
    """The tooltip shown when the pointer rests on `cell` of the screen's table."""
    QToolTip.hideText()
    rows = screen.table.viewport()
    place = screen.table.visualRect(cell).center()
    QApplication.sendEvent(rows, QHelpEvent(QEvent.Type.ToolTip, place, rows.mapToGlobal(place)))
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_a_cell_shows_the_plain_sentence_read_only_with_the_whole_text_as_tooltip(
    qtbot, ctx, owner, add_member
):
    _a, ana = add_member("Ana Castillo", Role.PROVIDER)
    _b, ben = add_member("Ben Adeyemi", Role.PROVIDER)
    amelia = make_client(ctx.uow(), "Amelia", "Abbott", ana.staff_id)
    sharing.start_chart_share(ctx.uow(), ana, amelia, ana.staff_id, ben.staff_id)
    screen = open_audit(qtbot, ctx, owner)
    screen.filters.client.setText("Abbott")
    screen.filters.client.editingFinished.emit()
    model = screen.model
    what = model.index(0, audit_model.WHAT)
    assert model.row(0).entry.action == Action.SHARE_STARTED
    assert (
        what.data()
        == model.row(0).what
        == (
            "Ana Castillo shared their chart of Amelia Abbott with Ben Adeyemi, without private notes."
        )
    )
    assert tooltip_at(screen, what) == what.data(), "the whole sentence, where it is cut short"
    assert tooltip_at(screen, model.index(0, audit_model.CLIENT)) == "Amelia Abbott"
    assert model.index(0, audit_model.CLIENT).data() == "Amelia Abbott"
    assert model.index(0, audit_model.ACTION).data() == "Chart share started"
    assert model.index(0, audit_model.WHO).data() == "Ana Castillo"
    flags = model.flags(what)
    assert flags & Qt.ItemFlag.ItemIsSelectable and flags & Qt.ItemFlag.ItemIsEnabled
    assert not flags & Qt.ItemFlag.ItemIsEditable
    assert model.headerData(audit_model.TIME, Qt.Orientation.Horizontal) == "Time"
    assert PRACTICE_ZONE in model.headerData(
        audit_model.TIME, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )


def test_sorting_by_a_column_reads_entries_not_on_the_page_shown(qtbot, ctx, owner):
    with ctx.uow() as work:
        audit.record(work, owner, Action.BILLING_VIEWED, workstation="AAA-FIRST")
        for _ in range(audit_query.PAGE_SIZE + 5):
            audit.record(work, owner, Action.BILLING_VIEWED, workstation="MIDDLE")
        work.commit()
    screen = open_audit(qtbot, ctx, owner)
    model = screen.model
    shown = [model.index(row, audit_model.WORKSTATION).data() for row in range(model.rowCount())]
    assert "AAA-FIRST" not in shown  # the oldest entries are beyond the first page
    screen.table.horizontalHeader().setSortIndicator(
        audit_model.WORKSTATION, Qt.SortOrder.AscendingOrder
    )
    assert model.index(0, audit_model.WORKSTATION).data() == "AAA-FIRST"
    assert model.row(0).entry.workstation == "AAA-FIRST"
    assert model.rowCount() == audit_query.PAGE_SIZE and model.has_more


def test_the_rows_of_a_next_page_have_their_words_too(qtbot, ctx, owner):
    with ctx.uow() as work:
        for number in range(audit_query.PAGE_SIZE + 10):
            audit.record(work, owner, Action.BILLING_VIEWED, workstation=f"ROOM-{number:03d}")
        work.commit()
    screen = open_audit(qtbot, ctx, owner)
    model = screen.model
    inserted = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.fetchMore()
    assert inserted == [(audit_query.PAGE_SIZE, model.rowCount() - 1)]  # told once
    assert not model.has_more
    recorded = audit_query.PAGE_SIZE + 10
    for row in range(recorded):  # newest first: ROOM-059 down to ROOM-000, then the sign-in
        assert model.index(row, audit_model.WORKSTATION).data() == f"ROOM-{recorded - 1 - row:03d}"
        assert model.index(row, audit_model.ACTION).data() == "Billing viewed"
        assert model.index(row, audit_model.WHO).data() == model.row(row).who != ""
    assert screen.count_label.text().startswith(f"{model.rowCount()} entries.")


def test_a_new_first_page_replaces_every_cell_of_the_last_and_a_failed_read_empties_the_table(
    qtbot,
):
    """The cells of a new first page are written over the previous page's (not made again):
    no text, tooltip or row of the earlier page may remain."""
    from datetime import UTC, datetime

    from desktop.services.audit import AuditEntry
    from desktop.services.audit_query import AuditPage, AuditRow, PageMark

    def rows(label: str, count: int) -> list[AuditRow]:
        made = []
        for number in range(count):
            entry = AuditEntry(
                seq=number + 1,
                occurred_at=datetime(2026, 3, 2, 9, number, tzinfo=UTC),
                actor_id=None,
                actor_label=f"{label}{number}@harbour.test",
                action="chart.read",
                client_id=None,
                subject=None,
                details={},
                workstation=f"{label}-desk",
            )
            made.append(AuditRow(entry, f"{label} who", f"{label} action", "", f"{label} {number}"))
        return made

    pages = [AuditPage(rows("old", 5), PageMark(None, 1)), AuditPage(rows("new", 3), None)]

    def fetch(_sort, _descending, _after):
        if not pages:
            raise RuntimeError("the database went away")
        return pages.pop(0)

    model = audit_model.AuditTableModel(PRACTICE_ZONE)
    problems = []
    model.on_error = problems.append
    model.set_fetch(fetch)
    assert model.rowCount() == 5 and model.has_more
    model.reload()
    assert model.rowCount() == 3 and not model.has_more
    texts = {
        model.index(row, column).data(role)
        for row in range(3)
        for column in range(len(audit_model.HEADERS))
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        if model.index(row, column).data(role)
    }
    assert not any("old" in text for text in texts)
    assert model.index(2, audit_model.WHAT).data() == "new 2"
    model.reload()
    assert model.rowCount() == 0 and len(problems) == 1 and model.row(0) is None


def test_a_client_filter_paints_the_table_once_with_the_count_line_already_set(
    qtbot, ctx, owner, add_member
):
    """Enter in the Client filter: the rows and the line above them are set before the table is
    painted, and the table is painted once, not once for the rows and again for the line."""
    from PySide6.QtCore import QEvent, QObject

    _a, ana = add_member("Ana Castillo", Role.PROVIDER)
    amelia = make_client(ctx.uow(), "Amelia", "Abbott", ana.staff_id)
    with ctx.uow() as work:
        for _number in range(60):
            audit.record(work, ana, Action.CHART_READ, client_id=amelia, subject="chart")
        work.commit()
    screen = open_audit(qtbot, ctx, owner)
    screen.resize(1366, 768)
    qtbot.wait(50)
    seen = []

    class Paints(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                seen.append(screen.count_label.text())
            return False

    paints = Paints()
    screen.table.viewport().installEventFilter(paints)
    screen.filters.client.setText("Abbott")
    screen.filters.client.editingFinished.emit()
    qtbot.wait(100)
    assert screen.model.rowCount() == audit_query.PAGE_SIZE
    assert len(seen) == 1
    assert seen[0].startswith("The first 50 entries; scroll down for more.")
