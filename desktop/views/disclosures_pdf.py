"""The accounting of disclosures (B7) printed to PDF: a heading naming the client, the period
and when it was made, then one table row per disclosure (Qt's own text layout and PDF writer)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument

from ..models.disclosures_model import HEADERS, DisclosuresModel
from ..private_files import write_owner_only
from ..services.disclosures import DisclosureAccount
from . import pdf_pages


def disclosures_html(account: DisclosureAccount, model: DisclosuresModel, practice: str) -> str:
    since = account.since.astimezone(model.zone).strftime("%Y-%m-%d")
    made = account.made_at.astimezone(model.zone).strftime("%Y-%m-%d %H:%M")
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>"
        for cells in model.cells()
    )
    if not body:
        body = f"<tr><td colspan='{len(HEADERS)}'>No disclosures in this period.</td></tr>"
    return (
        "<html><body style='font-family: sans-serif; font-size: 9pt;'>"
        f"<h2>Accounting of disclosures: {escape(account.client_name)}</h2>"
        f"<p>{escape(practice)}. Every share of a chart started or ended, transfer, emergency "
        f"access, export and printed record from {since} to {made} "
        f"({escape(model.zone.key)} time).</p>"
        "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</body></html>"
    )


def pdf_bytes(html: str) -> bytes:
    """The HTML laid out on A4 landscape pages, as PDF."""
    document = QTextDocument()
    document.setHtml(html)
    return pdf_pages.pdf_bytes(
        document,
        page=QPageSize.PageSizeId.A4,
        orientation=QPageLayout.Orientation.Landscape,
        margin_mm=12,
        title="Accounting of disclosures",
    )


def write_pdf(
    account: DisclosureAccount, model: DisclosuresModel, practice: str, path: Path
) -> None:
    """Print the accounting to `path`, a file only its owner can read."""
    write_owner_only(path, pdf_bytes(disclosures_html(account, model, practice)))
