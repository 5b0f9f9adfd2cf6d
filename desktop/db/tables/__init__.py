"""Every ORM table of Clinic Desk, importable from one place."""

from .audit import AuditEvent, AuditHead
from .base import Base
from .charts import (
    MAX_DOCUMENT_BYTES,
    CaseloadTransfer,
    CaseloadTransferItem,
    ChartNote,
    ChartShare,
    Document,
    Notification,
)
from .clients import Client, ClientProviderLink, LinkedProfile
from .practice import RECORD_OWNERS, ROLES, Practice, ProviderProfile, Staff, StaffRole
from .scheduling import Appointment, AppointmentSeries, ProviderAvailability, ProviderTimeOff

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "RECORD_OWNERS",
    "ROLES",
    "Appointment",
    "AppointmentSeries",
    "AuditEvent",
    "AuditHead",
    "Base",
    "CaseloadTransfer",
    "CaseloadTransferItem",
    "ChartNote",
    "ChartShare",
    "Client",
    "ClientProviderLink",
    "Document",
    "LinkedProfile",
    "Notification",
    "Practice",
    "ProviderAvailability",
    "ProviderProfile",
    "ProviderTimeOff",
    "Staff",
    "StaffRole",
]
