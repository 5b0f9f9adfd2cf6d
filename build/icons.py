"""Render resources/icons/app.svg into the application icons: PNG sizes, a Windows .ico, a macOS .icns.

Run as `python build/icons.py OUTPUT_DIR` (the spec does this at build time). It needs PySide6's
QtSvg; without it, or without app.svg, it writes nothing, says why and exits 0, so a build never
fails for want of an icon. The .ico and .icns hold PNG images, which every supported Windows and
macOS release reads, so no image library is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "app.svg"
#: the sizes written as clinicdesk-SIZE.png (Linux hicolor theme sizes).
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: .icns element types holding PNG data, by pixel size.
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def render_pngs(svg: bytes, sizes: tuple[int, ...]) -> dict[int, bytes]:
    """PNG bytes of the SVG drawn at each size (a transparent square)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(["clinicdesk-icons"])
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("app.svg is not an SVG image Qt can draw")
    pngs: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        pngs[size] = bytes(data)
    del app
    return pngs


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon file whose images are PNGs (ICONDIR, ICONDIRENTRY each, then the data)."""
    sizes = [size for size in ICO_SIZES if size in pngs]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        data = pngs[size]
        edge = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS icon file whose elements are PNGs."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
        for size, kind in ICNS_TYPES.items()
        if size in pngs
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_icons(output: Path, source: Path = SOURCE) -> list[Path]:
    """Write clinicdesk-SIZE.png, clinicdesk.png (256), clinicdesk.ico and clinicdesk.icns."""
    pngs = render_pngs(source.read_bytes(), PNG_SIZES)
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for size, data in pngs.items():
        path = output / f"clinicdesk-{size}.png"
        path.write_bytes(data)
        written.append(path)
    for name, data in (
        ("clinicdesk.png", pngs[256]),
        ("clinicdesk.ico", ico_bytes(pngs)),
        ("clinicdesk.icns", icns_bytes(pngs)),
    ):
        (output / name).write_bytes(data)
        written.append(output / name)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python build/icons.py OUTPUT_DIR", file=sys.stderr)
        return 2
    if not SOURCE.is_file():
        print(f"icons: {SOURCE} is not there yet; building without an application icon.")
        return 0
    try:
        written = write_icons(Path(argv[0]))
    except (ImportError, ValueError, OSError) as error:
        print(f"icons: cannot draw {SOURCE.name} ({error}); building without an application icon.")
        return 0
    print(f"icons: wrote {len(written)} files in {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
