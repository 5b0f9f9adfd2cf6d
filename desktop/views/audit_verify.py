"""Checks the audit trail's chain (B6) on a pool thread, so the Audit screen stays usable while a
long trail is read; the result comes back through signals on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, Signal

from ..app import AppContext
from ..services import audit
from .messages import explain


class _VerifySignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class VerifyWorker(QRunnable):
    """Runs audit.verify_chain; never touches a widget. The screen asks the policy first."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.ctx = ctx
        self.signals = _VerifySignals()

    def run(self) -> None:
        try:
            found = audit.verify_chain(self.ctx.uow())
        except Exception as error:  # reported in plain words on the screen
            self.signals.failed.emit(explain(error))
            return
        self.signals.done.emit(found)


def verify_text(found: audit.VerifyResult) -> tuple[bool, str]:
    """(intact?, what to tell the reader)."""
    if found.ok:
        text = f"The trail is intact: all {found.checked:,} entries are as they were written."
        if found.checkpoints == 1:
            text += " Its signed checkpoint agrees with them."
        elif found.checkpoints:
            text += f" Its {found.checkpoints:,} signed checkpoints agree with them."
        return True, text
    return False, (
        f"The trail has been tampered with: {found.problem}. The first bad entry is number "
        f"{found.first_bad_seq:,}; {found.checked:,} entries before it are intact. "
        "Tell the practice's IT support."
    )
