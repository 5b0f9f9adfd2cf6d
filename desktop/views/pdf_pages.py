"""Printing a laid-out document to PDF with Qt's own writer: one place for the page set-up the
superbill and the accounting of disclosures share."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument

#: dots per inch of the PDF's layout: fine enough for small print, small files.
RESOLUTION = 150


def pdf_bytes(
    document: QTextDocument,
    *,
    page: QPageSize.PageSizeId,
    orientation: QPageLayout.Orientation,
    margin_mm: float,
    title: str,
) -> bytes:
    """`document` printed on pages of `page` size, as PDF. It is laid out with the PDF's own font
    metrics, so what fits a column on screen fits on paper."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(page))
    writer.setPageOrientation(orientation)
    margins = QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm)
    writer.setPageMargins(margins, QPageLayout.Unit.Millimeter)
    writer.setResolution(RESOLUTION)
    writer.setTitle(title)
    document.documentLayout().setPaintDevice(writer)
    document.setPageSize(QSizeF(writer.pageLayout().paintRectPixels(writer.resolution()).size()))
    document.print_(writer)
    del writer
    buffer.close()
    return bytes(data.data())
