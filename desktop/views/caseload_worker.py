"""Runs a caseload transfer (R9) on a pool thread and reports its progress to the dialog."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QRunnable, Signal

from ..app import AppContext
from ..services import caseload
from ..services.caseload import CaseloadProgress
from ..services.errors import ServiceError
from ..services.principal import Principal
from .messages import explain


def progress_text(progress: CaseloadProgress) -> str:
    return (
        f"{progress.done} of {progress.total} client{'s' if progress.total != 1 else ''} moved "
        f"from {progress.from_provider_name} to {progress.to_provider_name}"
    )


class _WorkerSignals(QObject):
    progressed = Signal(object)
    done = Signal(object)
    failed = Signal(str)


class CaseloadWorker(QRunnable):
    """Runs caseload.run_caseload_transfer on a pool thread. It never touches a widget: it
    reports through `signals` (delivered on the GUI thread) and stops when `cancel` is set."""

    def __init__(
        self,
        ctx: AppContext,
        principal: Principal,
        transfer_id: int,
        cancel: threading.Event,
        batch_size: int = caseload.BATCH_SIZE,
    ) -> None:
        super().__init__()
        self.batch_size = batch_size
        self.setAutoDelete(False)
        self.ctx = ctx
        self.principal = principal
        self.transfer_id = transfer_id
        self.cancel = cancel
        self.signals = _WorkerSignals()

    def _report(self, progress: CaseloadProgress) -> bool:
        self.signals.progressed.emit(progress)
        return not self.cancel.is_set()

    def run(self) -> None:
        try:
            result = caseload.run_caseload_transfer(
                self.ctx.uow(),
                self.principal,
                self.transfer_id,
                self._report,
                batch_size=self.batch_size,
            )
        except ServiceError as error:
            self.signals.failed.emit(explain(error))
        except Exception as error:  # said in words on the GUI thread; logged with its trace
            self.signals.failed.emit(explain(error))
        else:
            self.signals.done.emit(result)
