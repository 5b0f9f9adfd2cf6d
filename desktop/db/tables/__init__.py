"""Every ORM table of Clinic Desk, importable from one place."""

from .audit import AuditCheckpoint, AuditEvent, AuditHead
from .base import Base
from .billing import Charge, FeeScheduleEntry, Payment
from .charts import (
    MAX_DOCUMENT_BYTES,
    CaseloadTransfer,
    CaseloadTransferItem,
    ChartNote,
    ChartShare,
    Document,
    Notification,
)
from .clients import Client, ClientNameWord, ClientProviderLink, LinkedProfile
from .emergency import EmergencyAccess, EmergencyAllowedStaff, EmergencySettings
from .practice import RECORD_OWNERS, ROLES, Practice, ProviderProfile, Staff, StaffRole
from .scheduling import Appointment, AppointmentSeries, ProviderAvailability, ProviderTimeOff
from .second_factor import RecoveryCode, SecondFactor
from .supervision import ClientRestriction, NoteReview, Supervision
from .templates import NoteTemplate

# Keeps client_name_words in step with every client written through the ORM.
from .. import name_index  # noqa: E402, F401  isort: skip

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "RECORD_OWNERS",
    "ROLES",
    "Appointment",
    "AppointmentSeries",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditHead",
    "Base",
    "CaseloadTransfer",
    "Charge",
    "CaseloadTransferItem",
    "ChartNote",
    "ChartShare",
    "Client",
    "ClientNameWord",
    "ClientProviderLink",
    "ClientRestriction",
    "Document",
    "EmergencyAccess",
    "EmergencyAllowedStaff",
    "EmergencySettings",
    "FeeScheduleEntry",
    "LinkedProfile",
    "NoteReview",
    "NoteTemplate",
    "Notification",
    "Payment",
    "Practice",
    "ProviderAvailability",
    "ProviderProfile",
    "ProviderTimeOff",
    "RecoveryCode",
    "SecondFactor",
    "Staff",
    "StaffRole",
    "Supervision",
]
