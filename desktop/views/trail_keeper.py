"""While the window is open, once a minute: record shares past their end date as ended (B2),
and sign the head of the audit trail when a checkpoint is due (B8). Also once at start."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from ..app import AppContext
from ..services.audit_key import AuditKey, AuditKeyError, workstation_key
from ..services.checkpoints import checkpoint_if_due
from ..services.errors import ServiceError
from ..services.sharing import expire_due_shares

log = logging.getLogger(__name__)

#: how often: a share is recorded as ended within a minute of its end date.
INTERVAL_MS = 30_000


class TrailKeeper(QObject):
    """Runs `tick` at start and every `INTERVAL_MS`; a failure is logged, never shown: the
    next tick, or the next workstation, tries again."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._key: AuditKey | None = None
        self._key_looked_for = False
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        QTimer.singleShot(0, self, self.tick)  # at start, once the window is up

    def tick(self) -> None:
        try:
            ended = expire_due_shares(self.ctx.uow())
            if ended:
                log.info("recorded %d shares as ended on their end date", ended)
        except Exception:  # the database may be unreachable for a moment
            log.exception("could not record the end of expired shares")
        key = self.signing_key()
        if key is None:
            return
        try:
            checkpoint_if_due(self.ctx.uow(), key, self.ctx.workstation)
        except Exception:
            log.exception("could not sign a checkpoint of the audit trail")

    def signing_key(self) -> AuditKey | None:
        if not self._key_looked_for:
            self._key_looked_for = True
            config = self.ctx.config
            try:
                self._key = workstation_key(
                    config.audit_key_file, self.ctx.embedded, create=self.ctx.embedded
                )
            except (AuditKeyError, ServiceError) as error:
                log.warning("no audit checkpoints from this workstation: %s", error.message)
        return self._key
