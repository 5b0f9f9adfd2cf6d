"""The access rules of SPEC.md in one place, with two faces that always agree.

- decisions (`staff_rules`, `record_rules`): "may this principal do X to Y?" -> allowed, or
  refused with the rule ID and a reason in plain words. Views ask them to enable a control and
  explain a disabled one; services ask the same functions before they act.
- scopes (`scopes`): the SQL conditions that select exactly the rows a principal may see.
"""

from .calendar_rules import (
    AVAILABILITY_ROLES,
    BOOKING_ROLES,
    may_book_for,
    may_change_calendar,
    may_manage_availability,
    may_record_attendance,
    may_use_booking,
)
from .decision import ALLOWED, Decision, refused
from .record_rules import (
    LIST_SHARING_ROLES,
    RECORD_KEEPING_ROLES,
    ChartFacts,
    ProviderFacts,
    may_add_to_provider_list,
    may_change_provider_lists,
    may_complete_own_note,
    may_create_client,
    may_edit_billing,
    may_edit_client,
    may_link_profiles,
    may_open_records,
    may_read_chart,
    may_read_document,
    may_read_note,
    may_read_private_notes,
    may_receive_chart,
    may_remove_from_provider_list,
    may_see_all_clients,
    may_see_client,
    may_share_chart,
    may_transfer_caseload,
    may_write_chart,
)
from .staff_rules import (
    may_administer_staff,
    may_back_up,
    may_change_records_owner,
    may_grant_roles,
    may_read_audit,
    may_use_billing,
)

__all__ = [
    "ALLOWED",
    "AVAILABILITY_ROLES",
    "BOOKING_ROLES",
    "may_book_for",
    "may_change_calendar",
    "may_manage_availability",
    "may_record_attendance",
    "may_use_booking",
    "LIST_SHARING_ROLES",
    "RECORD_KEEPING_ROLES",
    "ChartFacts",
    "Decision",
    "ProviderFacts",
    "may_add_to_provider_list",
    "may_administer_staff",
    "may_back_up",
    "may_change_provider_lists",
    "may_change_records_owner",
    "may_complete_own_note",
    "may_create_client",
    "may_edit_billing",
    "may_edit_client",
    "may_grant_roles",
    "may_link_profiles",
    "may_open_records",
    "may_read_audit",
    "may_read_chart",
    "may_read_document",
    "may_read_note",
    "may_read_private_notes",
    "may_receive_chart",
    "may_remove_from_provider_list",
    "may_see_all_clients",
    "may_see_client",
    "may_share_chart",
    "may_transfer_caseload",
    "may_use_billing",
    "may_write_chart",
    "refused",
]
