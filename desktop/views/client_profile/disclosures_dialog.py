"""The client's accounting of disclosures (B7), from the profile: every share started or ended,
transfer, emergency access, export and printed record of the last six years; print it to PDF or
export it to CSV (each is audited, and appears in the next accounting)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...models import disclosures_model
from ...models.disclosures_model import DisclosuresModel
from ...private_files import open_owner_only
from ...services import disclosures, practice
from ...services.disclosures import DisclosureAccount
from ..disclosures_pdf import write_pdf
from ..messages import InlineMessage, explain
from ..widgets import ElidedLabel, button, primary_button
from .tables import read_only_table, stretch_columns


def _file_name(name: str) -> str:
    kept = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    return f"disclosures-{kept or 'client'}"


class DisclosuresDialog(QDialog):
    """A read-only table of the disclosures, oldest first, and Print to PDF… / Export to CSV…"""

    def __init__(self, host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.account: DisclosureAccount | None = None
        self.setWindowTitle("Accounting of disclosures")
        self.setModal(True)
        self.setMinimumSize(860, 460)
        self.resize(1100, 560)
        client = host.profile.full_name if host.profile else "this client"
        self.heading = ElidedLabel(f"Disclosures of {client}'s records")
        self.heading.setObjectName("dialogTitle")
        self.heading.setAccessibleName("Dialog title")
        self.intro = QLabel()
        self.intro.setObjectName("dialogIntro")
        self.intro.setWordWrap(True)
        self.message = InlineMessage("Problem with the disclosures", kind="alert")
        self.saved = InlineMessage("Disclosures saved", kind="notice")
        self.zone = host.zone.key
        self.model = DisclosuresModel(self.zone, self)
        self.table = read_only_table("Disclosures")
        self.table.setModel(self.model)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        stretch_columns(
            self.table,
            {
                disclosures_model.WHEN: 150,
                disclosures_model.KIND: 150,
                disclosures_model.TO_WHOM: 150,
                disclosures_model.WHAT: None,
                disclosures_model.WHY: None,
                disclosures_model.BY_WHOM: 150,
            },
        )
        self.pdf_button = button("&Print to PDF…")
        self.csv_button = button("&Export to CSV…")
        self.close_button = primary_button("&Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.csv_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(26, 22, 26, 18)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addWidget(self.message)
        layout.addWidget(self.saved)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.pdf_button.clicked.connect(self.print_pdf)
        self.csv_button.clicked.connect(self.export_csv)
        self.close_button.clicked.connect(self.accept)
        self.load()

    def load(self) -> None:
        ctx = self.host.ctx
        try:
            self.account = disclosures.disclosures_of(
                ctx.uow(), self.host.principal, self.host.client_id
            )
        except Exception as error:
            self.message.show_text(explain(error))
            self.account = None
        rows = self.account.rows if self.account else []
        self.model.set_rows(rows)
        since = self.model.when_text(self.account.since)[:10] if self.account else ""
        count = f"{len(rows)} disclosure{'s' if len(rows) != 1 else ''}" if rows else "None"
        self.intro.setText(
            f"Every time this client's records were shared, transferred, opened in an emergency, "
            f"exported or printed, since {since} (six years). {count} so far. Times are in the "
            f"practice's time zone, {self.zone}."
        )
        for control in (self.pdf_button, self.csv_button):
            control.setEnabled(self.account is not None)

    def choose_path(self, kind: str) -> Path | None:
        suffix = kind.lower()
        path, _ = QFileDialog.getSaveFileName(
            self,
            f"Save the disclosures as {kind}",
            f"{_file_name(self.account.client_name if self.account else '')}.{suffix}",
            f"{kind} files (*.{suffix})",
        )
        return Path(path) if path else None

    def _practice_name(self) -> str:
        info = practice.practice_info(self.host.ctx.uow())
        return info.name if info else ""

    def _save(self, kind: str) -> Path | None:
        if self.account is None:
            return None
        path = self.choose_path(kind)
        if path is None:
            return None
        self.message.clear_text()
        try:
            if kind == "PDF":
                write_pdf(self.account, self.model, self._practice_name(), path)
            else:
                with open_owner_only(path) as out:
                    disclosures.write_csv(self.account, out)
            disclosures.record_disclosures_given(
                self.host.ctx.uow(),
                self.host.principal,
                self.host.client_id,
                kind.lower(),
                len(self.account.rows),
            )
        except Exception as error:
            self.message.show_text(explain(error))
            return None
        self.saved.show_text(
            f"Saved to {path.name}. Only you can open the file on this computer. Saving it is "
            "recorded, and appears in this list."
        )
        self.load()
        return path

    def print_pdf(self) -> Path | None:
        return self._save("PDF")

    def export_csv(self) -> Path | None:
        return self._save("CSV")
