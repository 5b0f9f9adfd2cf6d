"""Which columns a staff login may change, table by table (SPEC B5): the one list the server's
UPDATE grants are made from and the tests compare with what the services write.

Row-level security says which rows a person changes; this says which columns. A table's UPDATE
grant to the staff role is the union of its column sets below. Where people who may update the
same rows may change different columns (a Biller and the front desk on a client, a note's author
and the supervisor who signs it, an administrator and the person themselves on a staff row), the
table also gets the `column_limits` trigger, which compares OLD and NEW and refuses a change to a
column the person's roles do not name here.

Who may change a set of columns:

- `ANYONE`: whoever the table's UPDATE policies let change the row;
- role names joined by `+` (`"owner+biller"`): holders of any of those roles;
- `@column` (`"@author_id"`): the person whose staff id is in that column of the row.

A table not named here is never updated by staff. A new table that staff update joins by an
entry here; `tests/db/test_column_grants.py` checks the server's grants against this map and,
as each kind of person, that every other column is refused.
"""

from __future__ import annotations

from collections.abc import Mapping

ANYONE = "*"

_PROFILE_EDITORS = "owner+manager+record_custodian+scheduler+provider"
#: R2: the profile, changed by whoever edits profiles (not through the Biller role).
CLIENT_PROFILE = (
    "first_name",
    "last_name",
    "preferred_name",
    "sort_name",
    "date_of_birth",
    "sex",
    "gender_identity",
    "pronouns",
    "email",
    "phone_mobile",
    "phone_home",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
)
#: R3: what the author of a draft changes; the note's client, author and kind never change.
NOTE_DRAFT = ("title", "body", "session_date")
#: R19: what a person changes on their own staff row (password, and the lock it clears).
OWN_SIGN_IN = ("password_hash", "must_change_password", "failed_sign_ins", "locked_until")

#: table -> {who: columns they may change}.
UPDATES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "clients": {
        _PROFILE_EDITORS: CLIENT_PROFILE,
        # R11: billing details are for the Owner and Billers.
        "owner+biller": ("billing_notes",),
        ANYONE: ("updated_at", "version"),
    },
    "client_provider_links": {
        ANYONE: (
            "status",
            "diagnosis",
            "diagnosis_codes",
            "start_date",
            "is_treating",
            "ended_at",
            "ended_by",
            "version",
        ),
    },
    "chart_notes": {
        "@author_id": NOTE_DRAFT,
        # The author signs; a supervisor signs the note they approve (R16) or hands it back.
        ANYONE: ("status", "signed_at", "updated_at", "version"),
    },
    # A share is ended, never rewritten; a notice is only marked read.
    "chart_shares": {ANYONE: ("ended_at", "ended_by", "end_reason", "version")},
    "notifications": {ANYONE: ("read_at",)},
    "appointments": {
        ANYONE: (
            "provider_id",  # a caseload transfer moves the appointments (R8, R9)
            "starts_at",
            "ends_at",
            "appointment_type",
            "pos_code",
            "note",
            "status",
            "cancel_reason",
            "attendance",
            "series_id",
            "version",
        ),
    },
    "appointment_series": {ANYONE: ("provider_id", "rrule", "first_start_local")},
    "caseload_transfers": {ANYONE: ("status", "finished_at")},
    "caseload_transfer_items": {ANYONE: ("done_at", "appointments_moved", "appointments_left")},
    # R18: an emergency access is ended by its holder and reviewed by a keeper, never rewritten.
    "emergency_accesses": {ANYONE: ("ended_at", "reviewed_at", "reviewed_by_id")},
    "supervisions": {ANYONE: ("ended_at", "ended_by")},
    "note_reviews": {
        ANYONE: (
            "supervisor_id",
            "mode",
            "state",
            "comment",
            "submitted_at",
            "decided_at",
            "cosigner_id",
            "cosigned_at",
            "version",
        ),
    },
    "client_restrictions": {ANYONE: ("lifted_at", "lifted_by")},
    "practice": {
        ANYONE: (
            "name",
            "address",
            "time_zone",
            "idle_minutes",
            "second_factor",
            "note_due_hours",
            "version",
        )
    },
    "note_templates": {
        ANYONE: ("name", "sections", "active", "updated_at", "updated_by", "version")
    },
    "staff": {
        # R12: the Owner and Managers keep staff records (and reset passwords).
        "owner+manager": ("email", "display_name", "active", "deactivated_at", *OWN_SIGN_IN),
        "@id": OWN_SIGN_IN,
        ANYONE: ("version",),
    },
    "provider_profiles": {
        ANYONE: ("records_owner", "discipline", "credentials", "licence_number", "version")
    },
    "emergency_settings": {ANYONE: ("allowed_roles", "duration_minutes", "version")},
    "second_factors": {ANYONE: ("secret_encrypted", "confirmed_at", "last_step")},
    "recovery_codes": {ANYONE: ("used_at",)},
    # R11: the billing tables' policies let only the Owner and Billers change their rows. A
    # charge keeps its client, provider and session; a payment is voided, never rewritten.
    "fee_schedule": {
        ANYONE: (
            "code",
            "description",
            "fee_cents",
            "active",
            "use_for",
            "appointment_type",
            "minutes_from",
            "minutes_to",
            "updated_at",
            "updated_by",
            "version",
        ),
    },
    "charges": {
        ANYONE: (
            "kind",
            "code",
            "description",
            "fee_cents",
            "diagnosis_codes",
            "pos_code",
            "status",
            "void_reason",
            "adjusted",
            "version",
        ),
    },
    "payments": {ANYONE: ("status", "void_reason", "voided_at", "voided_by", "version")},
}


def granted(table: str) -> tuple[str, ...]:
    """The columns of `table` the staff role may UPDATE (the union of its column sets)."""
    out: list[str] = []
    for columns in UPDATES.get(table, {}).values():
        out += [c for c in columns if c not in out]
    return tuple(out)


def limited_tables() -> list[str]:
    """Tables whose column sets differ by person: they get the `column_limits` trigger."""
    return [t for t, sets in UPDATES.items() if set(sets) != {ANYONE}]


#: Refuses a change to a column the person's roles do not name (TG_ARGV: "who=col,col").
#: Only for staff logins acting themselves: IT's upgrades and the schema owner's SECURITY
#: DEFINER functions (current_user differs from session_user there) are not limited.
TRIGGER_FUNCTION = """CREATE OR REPLACE FUNCTION app.column_limits() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, app, public AS $$
    DECLARE
      me integer;
      old_row jsonb := to_jsonb(OLD);
      new_row jsonb := to_jsonb(NEW);
      allowed text[] := '{}';
      refused text[];
      rule text;
      who text;
    BEGIN
      IF current_user <> session_user THEN
        RETURN NEW;
      END IF;
      me := app.current_staff_id();
      IF me IS NULL THEN
        RETURN NEW;
      END IF;
      FOREACH rule IN ARRAY TG_ARGV LOOP
        who := split_part(rule, '=', 1);
        IF who = '*'
           OR (left(who, 1) = '@' AND (old_row ->> substr(who, 2)) = me::text)
           OR (left(who, 1) <> '@' AND app.has_role(VARIADIC string_to_array(who, '+'))) THEN
          allowed := allowed || string_to_array(split_part(rule, '=', 2), ',');
        END IF;
      END LOOP;
      SELECT array_agg(n.key ORDER BY n.key) INTO refused FROM jsonb_each(new_row) n
       WHERE n.value IS DISTINCT FROM old_row -> n.key AND NOT n.key = ANY (allowed);
      IF refused IS NOT NULL THEN
        RAISE EXCEPTION 'permission denied for column % of table %',
          array_to_string(refused, ', '), TG_TABLE_NAME USING ERRCODE = '42501';
      END IF;
      RETURN NEW;
    END $$"""


def statements(staff_role: str, tables: tuple[str, ...]) -> list[str]:
    """UPDATE only on the mapped columns of `tables`, and the trigger where people differ."""
    quoted = f'"{staff_role}"'
    # Revoking the table's UPDATE revokes every column's too: what a past release granted goes.
    out = [f"REVOKE UPDATE ON {', '.join(tables)} FROM {quoted}"]
    for table in tables:
        columns = granted(table)
        if columns:
            out.append(f"GRANT UPDATE ({', '.join(columns)}) ON public.{table} TO {quoted}")
    out += [
        TRIGGER_FUNCTION,
        "REVOKE ALL ON FUNCTION app.column_limits() FROM PUBLIC",
        # A trigger of a past release on a table that no longer needs one goes too.
        "DO $$ DECLARE t record; BEGIN FOR t IN SELECT c.relname FROM pg_trigger g"
        " JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND g.tgname = 'column_limits' LOOP"
        " EXECUTE format('DROP TRIGGER column_limits ON public.%I', t.relname);"
        " END LOOP; END $$",
    ]
    for table in limited_tables():
        rules = ", ".join(f"'{who}={','.join(cols)}'" for who, cols in UPDATES[table].items())
        out.append(
            f"CREATE TRIGGER column_limits BEFORE UPDATE ON public.{table}"
            f" FOR EACH ROW EXECUTE FUNCTION app.column_limits({rules})"
        )
    return out
