"""Roles, the `app` schema, the login-to-staff mapping, "who am I", ownership and grants."""

from __future__ import annotations

from sqlalchemy import Connection

from . import column_grants, emergency_sql
from .names import BoundaryRoles

#: tables holding client data: row-level security, forced (SPEC B5).
CLIENT_TABLES = (
    "clients",
    "client_name_words",
    "client_provider_links",
    "linked_profiles",
    "chart_notes",
    "documents",
    "chart_shares",
    "notifications",
    "appointments",
    "appointment_series",
    "caseload_transfers",
    "caseload_transfer_items",
    "audit_events",
    "emergency_accesses",
    "supervisions",
    "note_reviews",
    "client_restrictions",
    "charges",
    "payments",
)
#: tables about the practice and its staff: every signed-in person reads them; policies decide
#: who changes them (R10, R12).
PRACTICE_TABLES = (
    "practice",
    "staff",
    "staff_roles",
    "provider_profiles",
    "provider_availability",
    "provider_time_off",
    "emergency_settings",
    "emergency_allowed_staff",
    "audit_checkpoints",
    "second_factors",
    "recovery_codes",
    "note_templates",
    "fee_schedule",
)
#: tables staff may delete rows from (the name index and calendar hours are rewritten; a second
#: factor is set up again or reset).
DELETABLE = (
    "client_name_words",
    "staff_roles",
    "provider_availability",
    "provider_time_off",
    "emergency_allowed_staff",
    "second_factors",
    "recovery_codes",
)
#: tables staff only read and append to through functions, or never touch.
READ_ONLY = ("audit_events", "audit_checkpoints", "alembic_version")
#: columns no staff login reads (secrets): every other column of these tables is granted, so a
#: column a later release adds is readable unless it is named here.
SECRET_COLUMNS = {"staff": ("password_hash",)}

_GROUP_WIDE = "'owner','manager','record_custodian','scheduler','biller'"


def function_statements(roles: BoundaryRoles) -> list[str]:
    """The helper functions the policies call, created or replaced on every refresh."""
    definer = "SECURITY DEFINER SET search_path = pg_catalog, app, public"
    return [
        f"""CREATE OR REPLACE FUNCTION app.login_name(p_email text) RETURNS text
            LANGUAGE sql STABLE {definer} AS $$
            SELECT left(regexp_replace(lower(current_database()), '[^a-z0-9_]', '_', 'g'), 40)
                   || '_' || left(encode(sha256(convert_to(lower(btrim(p_email)), 'UTF8')),
                                         'hex'), 16) $$""",
        # Who am I: the active staff member mapped to the login of this connection. These
        # functions run in every policy of every statement, so they are PL/pgSQL: its queries
        # are planned once per connection, where an SQL function's body is planned again in
        # each statement (a SECURITY DEFINER function is never inlined either way).
        f"""CREATE OR REPLACE FUNCTION app.current_staff_id() RETURNS integer
            LANGUAGE plpgsql STABLE {definer} AS $$
            BEGIN
              RETURN (SELECT l.staff_id FROM app.staff_logins l
                        JOIN public.staff s ON s.id = l.staff_id
                       WHERE l.login_name = session_user AND s.active);
            END $$""",
        # One query, not one for "who am I" and another for the roles.
        f"""CREATE OR REPLACE FUNCTION app.has_role(VARIADIC p_roles text[]) RETURNS boolean
            LANGUAGE plpgsql STABLE {definer} AS $$
            BEGIN
              RETURN EXISTS (SELECT 1 FROM app.staff_logins l
                               JOIN public.staff s ON s.id = l.staff_id
                               JOIN public.staff_roles r ON r.staff_id = l.staff_id
                              WHERE l.login_name = session_user AND s.active
                                AND r.role = ANY (p_roles));
            END $$""",
        # IT's tools: a superuser, or a login that may become the schema owner.
        f"""CREATE OR REPLACE FUNCTION app.is_administrator() RETURNS boolean
            LANGUAGE sql STABLE {definer} AS $$
            SELECT r.rolsuper OR pg_has_role(session_user, b.owner_role, 'MEMBER')
              FROM pg_roles r, app.boundary_roles b WHERE r.rolname = session_user $$""",
        # The sets below are planned as ROWS 10 (the default guess is 1,000): the policies read
        # them in every statement, and with the guess of 1,000 the planner read all of `clients`
        # to join a page of 50 to its rows, rather than each row by its key. No rule changes.
        # R1: the clients on my list (open links), for a person holding the Provider role.
        f"""CREATE OR REPLACE FUNCTION app.my_client_ids() RETURNS SETOF integer ROWS 10
            LANGUAGE plpgsql STABLE {definer} AS $$
            DECLARE me integer := app.current_staff_id();
            BEGIN
              IF me IS NULL OR NOT app.has_role('provider') THEN
                RETURN;
              END IF;
              RETURN QUERY SELECT l.client_id FROM public.client_provider_links l
                            WHERE l.provider_id = me AND l.ended_at IS NULL;
            END $$""",
        # R1, R2: every client for group-wide roles; my list otherwise.
        f"""CREATE OR REPLACE FUNCTION app.sees_all_clients() RETURNS boolean
            LANGUAGE plpgsql STABLE {definer} AS $$
            BEGIN
              RETURN app.has_role({_GROUP_WIDE});
            END $$""",
        # R3, R4, B2: active chart shares made to me (with private notes only, if asked).
        f"""CREATE OR REPLACE FUNCTION app.shares_to_me(p_private_only boolean)
            RETURNS TABLE (client_id integer, from_provider_id integer)
            LANGUAGE plpgsql STABLE {definer} AS $$
            DECLARE me integer := app.current_staff_id();
            BEGIN
              IF me IS NULL THEN
                RETURN;
              END IF;
              RETURN QUERY SELECT s.client_id, s.from_provider_id FROM public.chart_shares s
                            WHERE s.to_provider_id = me AND s.ended_at IS NULL
                              AND (s.expires_at IS NULL OR s.expires_at > now())
                              AND (s.include_private OR NOT p_private_only);
            END $$""",
        f"""CREATE OR REPLACE FUNCTION app.group_owned_providers() RETURNS SETOF integer ROWS 10
            LANGUAGE plpgsql STABLE {definer} AS $$
            BEGIN
              RETURN QUERY SELECT p.staff_id FROM public.provider_profiles p
                            WHERE p.records_owner = 'group';
            END $$""",
        # "Busy" (R10, decisions): every booked time of the calendar, without client, type or
        # note, for those who may not see the appointment itself.
        f"""CREATE OR REPLACE FUNCTION app.busy_times(p_from timestamptz, p_to timestamptz)
            RETURNS TABLE (appointment_id integer, provider_id integer,
                           starts_at timestamptz, ends_at timestamptz)
            LANGUAGE sql STABLE {definer} AS $$
            SELECT a.id, a.provider_id, a.starts_at, a.ends_at FROM public.appointments a
             WHERE a.status = 'booked' AND a.starts_at < p_to AND a.ends_at > p_from
               AND app.current_staff_id() IS NOT NULL $$""",
        # The calendar's "Busy" (R10) with what the grid needs to draw it: where and which
        # series, never the client, type or note.
        f"""CREATE OR REPLACE FUNCTION app.calendar_busy(p_from timestamptz, p_to timestamptz)
            RETURNS TABLE (appointment_id integer, provider_id integer, starts_at timestamptz,
                           ends_at timestamptz, pos_code text, series_id integer,
                           version integer)
            LANGUAGE sql STABLE {definer} AS $$
            SELECT a.id, a.provider_id, a.starts_at, a.ends_at, a.pos_code::text, a.series_id,
                   a.version FROM public.appointments a
             WHERE a.status = 'booked' AND a.starts_at < p_to AND a.ends_at > p_from
               AND app.current_staff_id() IS NOT NULL $$""",
        # R3 (`clients_with_open_records`): the clients in whose chart I wrote, on my list or not.
        f"""CREATE OR REPLACE FUNCTION app.own_chart_client_ids() RETURNS SETOF integer ROWS 10
            LANGUAGE sql STABLE {definer} AS $$
            SELECT n.client_id FROM public.chart_notes n
             WHERE n.author_id = app.current_staff_id() AND app.has_role('provider')
            UNION
            SELECT d.client_id FROM public.documents d
             WHERE d.owner_provider_id = app.current_staff_id() AND d.category = 'clinical'
               AND app.has_role('provider') $$""",
        # A row the person asked for by id but may not read: the rule that hides it (R2 for a
        # profile, R3 for a chart), so the app says why instead of "no longer exists". It
        # tells that the id exists and nothing of the row; NULL when it does not exist.
        f"""CREATE OR REPLACE FUNCTION app.hidden_by_rule(p_table text, p_id integer) RETURNS text
            LANGUAGE sql STABLE {definer} AS $$
            SELECT CASE
              WHEN app.current_staff_id() IS NULL THEN NULL
              WHEN p_table = 'clients'
                THEN (SELECT 'R2' FROM public.clients WHERE id = p_id)
              WHEN p_table = 'chart_notes'
                THEN (SELECT 'R3' FROM public.chart_notes WHERE id = p_id)
              WHEN p_table = 'documents'
                THEN (SELECT CASE category WHEN 'clinical' THEN 'R3' ELSE 'R2' END
                        FROM public.documents WHERE id = p_id)
            END $$""",
        # R6, R7: a provider who adds a client in this very transaction puts them on a list
        # (theirs, or a colleague's as treating provider) before the client is theirs to read.
        f"""CREATE OR REPLACE FUNCTION app.client_added_now(p_client integer) RETURNS boolean
            LANGUAGE sql VOLATILE {definer} AS $$
            SELECT EXISTS (SELECT 1 FROM public.clients c
                            WHERE c.id = p_client AND c.created_by = app.current_staff_id()
                              AND c.xmin = pg_current_xact_id()::xid) $$""",
        *supervision_functions(definer),
    ]


def supervision_functions(definer: str) -> list[str]:
    """R16, R17: the supervisions I hold, the notes awaiting my review, the clients hidden from
    me (`supervision_scopes.py` says the same in the application)."""
    return [
        # The sets the policies read in every statement are PL/pgSQL, planned once per
        # connection (an SQL function's body is planned again in each statement).
        f"""CREATE OR REPLACE FUNCTION app.restricted_client_ids() RETURNS SETOF integer ROWS 10
            LANGUAGE plpgsql STABLE {definer} AS $$
            BEGIN
              RETURN QUERY SELECT r.client_id FROM public.client_restrictions r
                            WHERE r.staff_id = app.current_staff_id() AND r.lifted_at IS NULL;
            END $$""",
        # Whether a client is hidden from a staff member: a yes or no only, so a link or share
        # to them is refused (R17) without showing anyone the list of restrictions.
        f"""CREATE OR REPLACE FUNCTION app.is_restricted(p_client integer, p_staff integer)
            RETURNS boolean LANGUAGE sql STABLE {definer} AS $$
            SELECT EXISTS (
                SELECT 1 FROM public.client_restrictions r
                 WHERE r.client_id = p_client AND r.staff_id = p_staff AND r.lifted_at IS NULL) $$""",
        f"""CREATE OR REPLACE FUNCTION app.my_supervisees() RETURNS SETOF integer ROWS 10
            LANGUAGE plpgsql STABLE {definer} AS $$
            BEGIN
              RETURN QUERY SELECT DISTINCT s.supervisee_id FROM public.supervisions s
                            WHERE s.supervisor_id = app.current_staff_id()
                              AND s.ended_at IS NULL AND app.has_role('provider');
            END $$""",
        # The per-client choice wins over the supervisee's default.
        f"""CREATE OR REPLACE FUNCTION app.supervises(p_client integer, p_author integer)
            RETURNS boolean LANGUAGE sql STABLE {definer} AS $$
            SELECT app.has_role('provider') AND EXISTS (
                SELECT 1 FROM public.supervisions s
                 WHERE s.supervisee_id = p_author AND s.ended_at IS NULL
                   AND s.supervisor_id = app.current_staff_id()
                   AND (s.client_id = p_client OR (s.client_id IS NULL AND NOT EXISTS (
                        SELECT 1 FROM public.supervisions o
                         WHERE o.supervisee_id = p_author AND o.client_id = p_client
                           AND o.ended_at IS NULL)))) $$""",
        # R16 (`supervised_clients`): the clients of the providers I supervise for that client
        # now, linked to them or in whose chart they wrote: I open their records.
        f"""CREATE OR REPLACE FUNCTION app.supervised_client_ids() RETURNS SETOF integer ROWS 10
            LANGUAGE plpgsql STABLE {definer} AS $$
            BEGIN
              IF NOT EXISTS (SELECT 1 FROM app.my_supervisees()) THEN
                RETURN;  -- most people supervise nobody: no statement pays for the search
              END IF;
              RETURN QUERY
                SELECT l.client_id FROM public.client_provider_links l
                 WHERE l.ended_at IS NULL AND l.provider_id IN (SELECT app.my_supervisees())
                   AND app.supervises(l.client_id, l.provider_id)
                UNION
                SELECT n.client_id FROM public.chart_notes n
                 WHERE n.author_id IN (SELECT app.my_supervisees())
                   AND app.supervises(n.client_id, n.author_id);
            END $$""",
        # R16: my notes waiting for my supervisor (a function: the reviews' own read policy
        # looks at the notes, so the notes' policy may not look at the reviews directly).
        f"""CREATE OR REPLACE FUNCTION app.my_notes_awaiting_review() RETURNS SETOF integer ROWS 10
            LANGUAGE plpgsql STABLE {definer} AS $$
            BEGIN
              RETURN QUERY SELECT r.note_id FROM public.note_reviews r
                            WHERE r.author_id = app.current_staff_id()
                              AND r.state = 'awaiting';
            END $$""",
        f"""CREATE OR REPLACE FUNCTION app.notes_to_review() RETURNS SETOF integer ROWS 10
            LANGUAGE plpgsql STABLE {definer} AS $$
            BEGIN
              RETURN QUERY SELECT r.note_id FROM public.note_reviews r
                            WHERE r.supervisor_id = app.current_staff_id()
                              AND r.state = 'awaiting';
            END $$""",
        # Notes from sessions: whether a session has its signed progress note, a fact the
        # calendar and Notes to write show to people who may not read the note itself (R3).
        # The signed-in person's own password hash (argon2), for the checks that ask for their
        # password again; nobody else's (B5: staff logins read no password_hash column).
        f"""CREATE OR REPLACE FUNCTION app.my_password_hash() RETURNS text
            LANGUAGE sql STABLE {definer} AS $$
            SELECT s.password_hash FROM public.staff s
             WHERE s.id = app.current_staff_id() $$""",
        f"""CREATE OR REPLACE FUNCTION app.session_note_signed(p_appointment_id integer)
            RETURNS boolean LANGUAGE sql STABLE {definer} AS $$
            SELECT (app.current_staff_id() IS NOT NULL OR app.is_administrator())
               AND EXISTS (SELECT 1 FROM public.chart_notes n
                            WHERE n.appointment_id = p_appointment_id
                              AND n.kind = 'progress' AND n.status = 'signed') $$""",
    ]


def _role_exists(connection: Connection, name: str) -> bool:
    found = connection.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
    return found.first() is not None


def statements(connection: Connection, roles: BoundaryRoles) -> list[str]:
    out: list[str] = []
    wanted = {
        roles.owner: "NOLOGIN",
        roles.staff: "NOLOGIN",
        roles.logins: "NOLOGIN CREATEROLE",
        roles.gate: "NOLOGIN",
    }
    for name, options in wanted.items():
        if not _role_exists(connection, name):
            out.append(f'CREATE ROLE "{name}" {options}')
    out += [
        # IT's migration login may become the schema owner (SET ROLE), so this and later
        # upgrades can hand objects to it and alter them; no staff login is ever a member.
        f'GRANT "{roles.owner}", "{roles.logins}" TO CURRENT_USER',
        f'GRANT pg_signal_backend TO "{roles.logins}"',
        f'CREATE SCHEMA app AUTHORIZATION "{roles.owner}"',
        # The names of this database's roles, so functions never spell them out.
        """CREATE TABLE app.boundary_roles (
             id integer PRIMARY KEY CHECK (id = 1),
             owner_role name NOT NULL, staff_role name NOT NULL,
             logins_role name NOT NULL, gate_role name NOT NULL)""",
        f"""INSERT INTO app.boundary_roles VALUES
             (1, '{roles.owner}', '{roles.staff}', '{roles.logins}', '{roles.gate}')""",
        """CREATE TABLE app.staff_logins (
             staff_id integer PRIMARY KEY REFERENCES public.staff (id),
             login_name name NOT NULL UNIQUE)""",
    ]
    return out


def closing_statements(roles: BoundaryRoles) -> list[str]:
    """Everything to the owner, then the doors opened one by one."""
    o, s = f'"{roles.owner}"', f'"{roles.staff}"'
    tables = (*CLIENT_TABLES, *PRACTICE_TABLES, "audit_head", "alembic_version")
    # The owner makes and alters the schema's objects (a new owner needs CREATE on the schema;
    # only a superuser skips that check).
    out = [f"GRANT USAGE, CREATE ON SCHEMA public TO {o}"]
    out += [f"ALTER TABLE public.{t} OWNER TO {o}" for t in tables]
    out += [
        f"ALTER TABLE app.staff_logins OWNER TO {o}",
        f"ALTER TABLE app.audit_pending OWNER TO {o}",
        f"ALTER TABLE app.boundary_roles OWNER TO {o}",
        f"ALTER FUNCTION public.clinicdesk_refuse_audit_change() OWNER TO {o}",
        f"ALTER FUNCTION public.clinicdesk_keep_signed_note() OWNER TO {o}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC",
        "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC",
        "REVOKE ALL ON ALL TABLES IN SCHEMA app FROM PUBLIC",
        "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA app FROM PUBLIC",
        "REVOKE ALL ON SCHEMA app FROM PUBLIC",
        f'GRANT USAGE ON SCHEMA app TO {s}, "{roles.logins}", "{roles.gate}"',
        f"GRANT EXECUTE ON FUNCTION app.current_staff_id(), app.has_role(text[]),"
        f" app.my_client_ids(), app.sees_all_clients(), app.shares_to_me(boolean),"
        f" app.group_owned_providers(), app.busy_times(timestamptz, timestamptz),"
        f" app.login_name(text), app.hidden_by_rule(text, integer),"
        f" app.client_added_now(integer), app.own_chart_client_ids(),"
        f" app.calendar_busy(timestamptz, timestamptz),"
        f" app.restricted_client_ids(), app.is_restricted(integer, integer),"
        f" app.my_supervisees(), app.supervises(integer, integer), app.notes_to_review(),"
        f" app.session_note_signed(integer), app.my_password_hash(),"
        f" app.my_notes_awaiting_review(), app.supervised_client_ids() TO {s}",
        f"GRANT EXECUTE ON FUNCTION app.current_staff_id(), app.has_role(text[]),"
        f' app.login_name(text), app.is_administrator() TO "{roles.logins}"',
        f'GRANT SELECT ON app.boundary_roles TO "{roles.logins}"',
        f'GRANT SELECT, INSERT, UPDATE ON app.staff_logins TO "{roles.logins}"',
        f'GRANT SELECT ON public.staff TO "{roles.logins}"',
        # Objects later migrations create start closed: nobody but the owner until granted.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} REVOKE ALL ON TABLES FROM PUBLIC",
        f"GRANT SELECT ON {', '.join(READ_ONLY)} TO {s}",
    ]
    writable = [t for t in (*CLIENT_TABLES, *PRACTICE_TABLES) if t not in READ_ONLY]
    out.append(f"GRANT SELECT, INSERT ON {', '.join(writable)} TO {s}")
    out.append(f"GRANT DELETE ON {', '.join(DELETABLE)} TO {s}")
    # UPDATE only on the columns the services change, per person where they differ.
    out += column_grants.statements(roles.staff, tuple(writable))
    out.append(f"GRANT EXECUTE ON FUNCTION {', '.join(emergency_sql.STAFF_FUNCTIONS)} TO {s}")
    out.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {s}")
    out += _secret_column_statements(s)
    out.append(
        "DO $$ BEGIN EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()); "
        f"EXECUTE format('GRANT CONNECT ON DATABASE %I TO {s}, \"{roles.gate}\"', "
        "current_database()); END $$"
    )
    return out


def _secret_column_statements(staff_role: str) -> list[str]:
    """SELECT on every column but the secret ones (column grants: `SELECT *` is refused)."""
    out = []
    for table, secrets in SECRET_COLUMNS.items():
        hidden = ", ".join(f"'{c}'" for c in secrets)
        out += [
            f"REVOKE SELECT ON public.{table} FROM {staff_role}",
            "DO $$ DECLARE v_columns text; BEGIN"
            " SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position)"
            " INTO v_columns FROM information_schema.columns"
            f" WHERE table_schema = 'public' AND table_name = '{table}'"
            f" AND column_name NOT IN ({hidden});"
            f" EXECUTE format('GRANT SELECT (%s) ON public.{table} TO %s', v_columns,"
            f" '{staff_role.replace(chr(39), chr(39) * 2)}'); END $$",
        ]
    return out


def drop_statements(roles: BoundaryRoles) -> list[str]:
    out = [
        # Every table the owner role holds goes back to the login undoing schema 0004 (tables of
        # later schemas are gone by then: downgrades run in reverse).
        "DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables"
        f" WHERE schemaname = 'public' AND tableowner = '{roles.owner}' LOOP"
        " EXECUTE format('ALTER TABLE public.%I OWNER TO %I', t.tablename, current_user);"
        " END LOOP; END $$",
        "ALTER FUNCTION public.clinicdesk_refuse_audit_change() OWNER TO CURRENT_USER",
        "ALTER FUNCTION public.clinicdesk_keep_signed_note() OWNER TO CURRENT_USER",
        f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{roles.staff}"',
        f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "{roles.staff}"',
        "DROP SCHEMA app CASCADE",
        "DO $$ BEGIN EXECUTE format('GRANT CONNECT, TEMP ON DATABASE %I TO PUBLIC', "
        "current_database()); END $$",
    ]
    return out
