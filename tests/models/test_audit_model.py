"""The audit table reads in plain words: no stored action code or id reaches the reader."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.models.audit_model import ACTION_LABELS
from desktop.services.audit import Action, AuditEntry
from desktop.services.audit_words import Names, sentence


def test_every_audited_action_has_a_plain_label():
    stored = {value for name, value in vars(Action).items() if name.isupper()}
    missing = sorted(stored - set(ACTION_LABELS))
    assert missing == []
    for code, label in ACTION_LABELS.items():
        assert "." not in label and "_" not in label, code


def entry(action: str, actor_id: int | None = 8, **fields) -> AuditEntry:
    values = {
        "seq": 1,
        "occurred_at": datetime(2026, 12, 3, 12, 0, tzinfo=UTC),
        "actor_id": actor_id,
        "actor_label": "ana@demo.clinic",
        "action": action,
        "client_id": 31,
        "subject": None,
        "details": {},
        "workstation": "front desk",
    }
    values.update(fields)
    return AuditEntry(**values)


NAMES = Names({8: "Ana Castillo", 9: "Ben Adeyemi"}, {31: "Amelia Abbott"})


def test_a_share_reads_as_a_sentence_with_names_not_ids():
    started = entry(
        Action.SHARE_STARTED,
        subject="share:4",
        details={"from": 8, "to": 9, "include_private": False},
    )
    assert sentence(started, NAMES) == (
        "Ana Castillo shared their chart of Amelia Abbott with Ben Adeyemi, without private notes."
    )


def test_a_share_by_someone_else_names_whose_chart_and_the_purpose():
    started = entry(
        Action.SHARE_STARTED,
        actor_id=1,
        actor_label="owner@demo.clinic",
        details={"from": 8, "to": 9, "include_private": True, "purpose": "Covering leave"},
    )
    assert sentence(started, NAMES) == (
        "owner@demo.clinic shared Ana Castillo's chart of Amelia Abbott with Ben Adeyemi, "
        "with private notes. Purpose: Covering leave"
    )


def test_a_chart_opened_names_whose_chart_and_an_unknown_id_reads_alone():
    opened = entry(Action.CHART_READ, actor_id=9, subject="chart:31:8", details={"provider_id": 8})
    assert sentence(opened, NAMES) == "Ben Adeyemi opened Ana Castillo's chart of Amelia Abbott."
    assert sentence(opened, Names()) == (
        "ana@demo.clinic opened staff member #8's chart of client #31."
    )


def test_a_transfer_and_an_ended_share_read_in_words():
    moved = entry(Action.CLIENT_TRANSFERRED, details={"from": 8, "to": 9, "include_private": False})
    assert sentence(moved, NAMES) == (
        "Ana Castillo transferred Amelia Abbott from Ana Castillo to Ben Adeyemi, "
        "without private notes."
    )
    ended = entry(
        Action.SHARE_ENDED, actor_id=None, details={"from": 8, "to": 9, "reason": "expired"}
    )
    ended = AuditEntry(**{**ended.__dict__, "actor_label": "Clinic Desk (end date reached)"})
    assert sentence(ended, NAMES) == (
        "Clinic Desk (end date reached) ended the share of Ana Castillo's chart of Amelia Abbott "
        "with Ben Adeyemi, as its end date was reached."
    )
