"""Each audit entry reads, word for word, as it read before the sentences were made by one
builder per action (R13): every action the trail knows and unknown ones, with details, subjects,
people and clients known, unknown or missing."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from desktop.services.audit import Action, AuditEntry
from desktop.services.audit_words import ACTION_WORDS, SENTENCES, Names, sentence

from . import audit_sentences_before

#: known people and clients; ids 7 and 70 are known to nobody, so they read as "#7", "#70".
NAMES = Names({1: "Ana Castillo", 2: "Ben  Adeyemi", 3: "Dr. Maya Okafor"}, {5: "Kim Chen"})

people = st.sampled_from([None, 1, 2, 3, 7, "2", True, 2.0])
values = st.one_of(
    people,
    st.text(max_size=12),
    st.booleans(),
    st.lists(
        st.sampled_from(["owner", "provider", "biller", "phone", "first_name", 4]), max_size=3
    ),
    st.sampled_from(["manual", "expired", "link_ended", "group", "provider", "2026-05-01T00:00"]),
)
details = st.dictionaries(
    st.sampled_from(
        ["from", "to", "provider", "provider_id", "include_private", "purpose", "until", "reason",
         "fields", "roles", "records_owner", "before", "after", "shares_ended", "entries",
         "name", "time_zone"]
    ),
    values,
    max_size=6,
)  # fmt: skip
actions = st.one_of(
    st.sampled_from(sorted({str(a) for a in list(ACTION_WORDS) + list(SENTENCES)})),
    st.text(max_size=10),
)
subjects = st.sampled_from(
    [None, "", "staff:2", "staff:7", "staff:x", "chart:5:2", "chart:5", "share:3"]
)


@given(
    action=actions,
    actor=st.sampled_from([None, 1, 2, 7]),
    client=st.sampled_from([None, 5, 70]),
    subject=subjects,
    found=details,
)
def test_R13_every_entry_reads_as_it_did_before(action, actor, client, subject, found):
    entry = AuditEntry(
        seq=1,
        occurred_at=datetime(2026, 3, 2, tzinfo=UTC),
        actor_id=actor,
        actor_label="someone@harbour.test",
        action=action,
        client_id=client,
        subject=subject,
        details=found,
        workstation="desk-a",
    )
    assert sentence(entry, NAMES) == audit_sentences_before.sentence(entry, NAMES)


#: details every builder reads something of: people known and unknown, reasons, fields, roles.
FULL_DETAILS = [
    {},
    {"from": 2, "to": 3, "provider": 2, "include_private": True, "purpose": "Leave",
     "until": "2026-05-01T00:00", "reason": "expired", "fields": ["phone", "first_name"],
     "roles": ["owner", "provider"], "records_owner": "group", "before": "provider",
     "after": "group", "shares_ended": 2, "entries": 12, "name": "Harbour", "time_zone": "UTC"},
    {"from": 7, "to": None, "provider_id": 7, "reason": "Crisis", "roles": ["x"],
     "before": "nobody", "after": "provider", "shares_ended": 1},
]  # fmt: skip


def test_R13_every_action_reads_as_it_did_before_for_every_actor_client_and_subject():
    for action in sorted({str(a) for a in list(ACTION_WORDS) + list(SENTENCES)} | {"x.y"}):
        for actor in (None, 1, 2, 7):
            for client in (None, 5, 70):
                for subject in (None, "staff:2", "staff:7", "chart:5:2", "share:3"):
                    for found in FULL_DETAILS:
                        entry = AuditEntry(
                            seq=1,
                            occurred_at=datetime(2026, 3, 2, tzinfo=UTC),
                            actor_id=actor,
                            actor_label="someone@harbour.test",
                            action=action,
                            client_id=client,
                            subject=subject,
                            details=found,
                            workstation="desk-a",
                        )
                        before = audit_sentences_before.sentence(entry, NAMES)
                        assert sentence(entry, NAMES) == before, (action, actor, subject)


def test_R13_a_share_reads_in_plain_words():
    entry = AuditEntry(
        seq=1,
        occurred_at=datetime(2026, 3, 2, tzinfo=UTC),
        actor_id=1,
        actor_label="ana@harbour.test",
        action=Action.SHARE_STARTED,
        client_id=5,
        subject="share:3",
        details={"from": 1, "to": 3, "include_private": True, "purpose": "Cover while away"},
        workstation="desk-a",
    )
    assert sentence(entry, NAMES) == (
        "Ana Castillo shared their chart of Kim Chen with Dr. Maya Okafor, with private notes."
        " Purpose: Cover while away"
    )
