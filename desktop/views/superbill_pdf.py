"""A superbill printed to PDF (Qt's own text layout and PDF writer, as the accounting of
disclosures is): practice and provider at the top, the client, the diagnoses, one row per
session, totals; US Letter, portrait. The same page can be drawn to an image for a preview."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QRectF, QSizeF
from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QTextDocument,
)

from ..private_files import write_owner_only
from ..services.billing_codes import money
from ..services.superbill import Superbill
from . import pdf_pages as pages

#: the columns of the sessions table, as printed.
COLUMNS = ("Date", "Provider", "Code", "Description", "Place of service", "Dx", "Fee", "Paid")
#: their widths, in percent of the page, so no word is broken.
WIDTHS = (12, 13, 10, 19, 19, 5, 11, 11)


def _day(value) -> str:
    return value.strftime("%b %d, %Y").replace(" 0", " ") if value else "Not recorded"


def _lines(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines() if line.strip())


def superbill_html(bill: Superbill) -> str:
    providers = (
        "".join(
            f"<p style='margin:0'><b>{escape(p.name)}</b>"
            f"{', ' + escape(p.credentials) if p.credentials and p.credentials not in p.name else ''}"
            f"<br>Licence / NPI: {escape(p.licence_number) or 'not recorded'}</p>"
            for p in bill.providers
        )
        or "<p>No sessions in this period.</p>"
    )
    address = "<br>".join(escape(line) for line in bill.client_address)
    diagnoses = (
        "".join(
            f"<tr><td width='8%'><b>{d.pointer}</b></td><td width='14%'>{escape(d.code)}</td>"
            f"<td>{escape(d.description)}</td></tr>"
            for d in bill.diagnoses
        )
        or "<tr><td>No coded diagnosis.</td></tr>"
    )
    right = {6, 7}
    head = "".join(
        f"<th width='{WIDTHS[i]}%' align='{'right' if i in right else 'left'}'>{escape(c)}</th>"
        for i, c in enumerate(COLUMNS)
    )
    rows = (
        "".join(
            "<tr>"
            f"<td nowrap>{line.service_date:%Y-%m-%d}</td><td>{escape(line.provider_name)}</td>"
            f"<td nowrap>{escape(line.code) or '-'}</td><td>{escape(line.description)}</td>"
            f"<td>{escape(line.pos_code)} {escape(line.pos_name)}</td>"
            f"<td>{escape(line.pointers) or '—'}</td>"
            f"<td nowrap align='right'>{money(line.fee_cents)}</td>"
            f"<td nowrap align='right'>{money(line.paid_cents)}</td></tr>"
            for line in bill.lines
        )
        or f"<tr><td colspan='{len(COLUMNS)}'>No sessions in this period.</td></tr>"
    )
    totals = (
        f"<tr><td colspan='6' align='right'><b>Total charged</b></td>"
        f"<td nowrap align='right'><b>{money(bill.total_fee_cents)}</b></td>"
        f"<td nowrap align='right'><b>{money(bill.total_paid_cents)}</b></td></tr>"
        f"<tr><td colspan='6' align='right'><b>Balance owing</b></td>"
        f"<td nowrap colspan='2' align='right'><b>{money(bill.owing_cents)}</b></td></tr>"
    )
    return (
        "<html><body style='font-family: sans-serif; font-size: 9pt;'>"
        "<table width='100%' cellspacing='0' cellpadding='0'><tr>"
        f"<td valign='top'><span style='font-size: 15pt;'><b>{escape(bill.practice_name)}</b></span>"
        f"<br>{_lines(bill.practice_address) or ''}</td>"
        "<td valign='top' align='right'><span style='font-size: 15pt;'><b>Superbill</b></span>"
        f"<br>Statement for insurance reimbursement<br>Sessions {_day(bill.start)} to {_day(bill.end)}"
        f"<br>Issued {_day(bill.made_on)}</td></tr></table>"
        "<hr>"
        "<table width='100%' cellspacing='0' cellpadding='2'><tr>"
        f"<td valign='top' width='50%'><b>Client</b><br>{escape(bill.client_name)}"
        f"<br>Date of birth: {_day(bill.date_of_birth)}<br>{address}</td>"
        f"<td valign='top'><b>Provider</b>{providers}</td></tr></table>"
        "<h4>Diagnoses (ICD-10-CM)</h4>"
        f"<table width='100%' cellspacing='0' cellpadding='2'>{diagnoses}</table>"
        "<h4>Services</h4>"
        "<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}{totals}</tbody></table>"
        "<p style='font-size: 8pt;'>Dx: the letters of the diagnoses above each service treats. "
        "Amounts in US dollars. Submit this statement to your insurer with your claim.</p>"
        "</body></html>"
    )


def _document(bill: Superbill) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(superbill_html(bill))
    return document


def pdf_bytes(bill: Superbill) -> bytes:
    return pages.pdf_bytes(
        _document(bill),
        page=QPageSize.PageSizeId.Letter,
        orientation=QPageLayout.Orientation.Portrait,
        margin_mm=15,
        title=f"Superbill: {bill.client_name}",
    )


def write_pdf(bill: Superbill, path: Path) -> None:
    """Print the superbill to `path`, a file only its owner can read."""
    write_owner_only(path, pdf_bytes(bill))


def page_image(bill: Superbill, width: int = 1100) -> QImage:
    """The superbill's first page drawn as an image of a Letter page `width` pixels wide (laid
    out at 96 dots per inch, as on paper, then scaled)."""
    page_width, page_height, margin = 816.0, 1056.0, 57.0
    document = _document(bill)
    document.setPageSize(QSizeF(page_width - 2 * margin, page_height - 2 * margin))
    scale = width / page_width
    image = QImage(width, round(page_height * scale), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.scale(scale, scale)
    painter.translate(margin, margin)
    document.drawContents(painter, QRectF(0, 0, page_width - 2 * margin, page_height - 2 * margin))
    painter.end()
    return image
