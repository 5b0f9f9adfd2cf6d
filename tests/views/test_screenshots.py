"""save_screenshots writes one picture per screen, offscreen."""

from __future__ import annotations

from PySide6.QtGui import QImage

from desktop.views.screenshots import STEPS, save_screenshots

from .conftest import OWNER_EMAIL, OWNER_PASSWORD


def test_every_screen_is_saved_as_a_png(qtbot, ctx, owner, tmp_path):
    written = save_screenshots(ctx, tmp_path / "shots", OWNER_EMAIL, OWNER_PASSWORD)

    names = [path.name for path in written]
    assert names == [
        "setup.png",
        "sign-in.png",
        "main-window.png",
        "staff.png",
        "add-staff.png",
        "audit.png",
    ]
    assert len(STEPS) == len(written)
    for path in written:
        image = QImage(str(path))
        assert not image.isNull(), path.name
        assert image.width() >= 300 and image.height() >= 300, path.name
    main = QImage(str(written[2]))
    assert (main.width(), main.height()) == (1200, 760)
