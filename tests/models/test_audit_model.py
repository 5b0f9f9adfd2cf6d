"""The audit table reads in plain words: no stored action code reaches the reader."""

from __future__ import annotations

from desktop.models.audit_model import ACTION_LABELS
from desktop.services.audit import Action


def test_every_audited_action_has_a_plain_label():
    stored = {value for name, value in vars(Action).items() if name.isupper()}
    missing = sorted(stored - set(ACTION_LABELS))
    assert missing == []
    for code, label in ACTION_LABELS.items():
        assert "." not in label and "_" not in label, code
