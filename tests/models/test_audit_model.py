"""The audit table reads in plain words: no stored action code reaches the reader."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.models.audit_model import ACTION_LABELS, DETAILS, AuditTableModel
from desktop.services.audit import Action, AuditEntry


def test_every_audited_action_has_a_plain_label():
    stored = {value for name, value in vars(Action).items() if name.isupper()}
    missing = sorted(stored - set(ACTION_LABELS))
    assert missing == []
    for code, label in ACTION_LABELS.items():
        assert "." not in label and "_" not in label, code


def test_a_chart_opened_names_whose_chart_not_its_stored_key():
    entry = AuditEntry(
        seq=1,
        occurred_at=datetime(2026, 12, 3, 12, 0, tzinfo=UTC),
        actor_id=8,
        actor_label="lee@demo.clinic",
        action=Action.CHART_READ,
        client_id=31,
        subject="chart:31:8",
        details={},
        workstation="front desk",
    )
    model = AuditTableModel("America/Toronto")
    model.set_entries([entry], {8: "Dr. Daniel Lee"})
    assert model.text(entry, DETAILS) == "Dr. Daniel Lee's chart"
    model.set_entries([entry], {})
    assert model.text(entry, DETAILS) == "chart of staff member #8"
