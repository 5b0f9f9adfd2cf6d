"""Emergency access (R18) on the server: who the practice allows, the clients of my open
emergency accesses, and a name search for those allowed, as functions the policies and the
service call; the tables' policies are in `policies_sql`, their grants in `roles_sql`."""

from __future__ import annotations

from .names import BoundaryRoles

#: what `app.may_use_emergency()` allows while the practice has not chosen (R18's default).
DEFAULT_ROLES = "owner,record_custodian,provider"
DEFAULT_MINUTES = 60
#: how far ahead of the server a workstation's clock may be when it opens an access.
CLOCK_SLACK_MINUTES = 5
#: the functions staff logins may execute (for `roles_sql.closing_statements`).
STAFF_FUNCTIONS = (
    "app.may_use_emergency()",
    "app.emergency_minutes()",
    "app.emergency_client_ids()",
    "app.emergency_candidates(text[], integer)",
)


def function_statements(_roles: BoundaryRoles) -> list[str]:
    definer = "SECURITY DEFINER SET search_path = pg_catalog, app, public"
    return [
        # The practice names the person, or one of their roles (the default roles without a row).
        f"""CREATE OR REPLACE FUNCTION app.may_use_emergency() RETURNS boolean
            LANGUAGE sql STABLE {definer} AS $$
            SELECT app.current_staff_id() IS NOT NULL AND (
                EXISTS (SELECT 1 FROM public.emergency_allowed_staff a
                         WHERE a.staff_id = app.current_staff_id())
                OR EXISTS (SELECT 1 FROM public.staff_roles r
                            WHERE r.staff_id = app.current_staff_id()
                              AND r.role = ANY (string_to_array(COALESCE(
                                  (SELECT s.allowed_roles FROM public.emergency_settings s
                                    WHERE s.id = 1), '{DEFAULT_ROLES}'), ',')))) $$""",
        f"""CREATE OR REPLACE FUNCTION app.emergency_minutes() RETURNS integer
            LANGUAGE sql STABLE {definer} AS $$
            SELECT COALESCE((SELECT s.duration_minutes FROM public.emergency_settings s
                              WHERE s.id = 1), {DEFAULT_MINUTES}) $$""",
        # R18: the clients of my emergency accesses open now.
        # PL/pgSQL: every policy on a client's rows reads it, and its query is then planned once
        # per connection instead of in each statement.
        f"""CREATE OR REPLACE FUNCTION app.emergency_client_ids() RETURNS SETOF integer ROWS 10
            LANGUAGE plpgsql STABLE {definer} AS $$
            BEGIN
              RETURN QUERY SELECT e.client_id FROM public.emergency_accesses e
                            WHERE e.staff_id = app.current_staff_id() AND e.ended_at IS NULL
                              AND e.expires_at > now();
            END $$""",
        # R18: the clients whose name words begin with every typed word, for a person the
        # practice allows: name and date of birth only, at most 20.
        f"""CREATE OR REPLACE FUNCTION app.emergency_candidates(p_words text[], p_limit integer)
            RETURNS TABLE (client_id integer, first_name text, last_name text,
                           date_of_birth date)
            LANGUAGE sql STABLE {definer} AS $$
            SELECT c.id, c.first_name::text, c.last_name::text, c.date_of_birth
              FROM public.clients c
             WHERE app.may_use_emergency() AND cardinality(p_words) > 0
               AND NOT EXISTS (
                   SELECT 1 FROM unnest(p_words) w
                    WHERE NOT EXISTS (SELECT 1 FROM public.client_name_words n
                                       WHERE n.client_id = c.id AND starts_with(n.word, w)))
             ORDER BY c.sort_name, c.id
             LIMIT least(greatest(p_limit, 0), 20) $$""",
    ]


def open_emergency(client: str) -> str:
    """SQL: `client` is the client of one of my emergency accesses open now (R18)."""
    return f"{client} IN (SELECT app.emergency_client_ids())"


def policies(me: str, has_role) -> list[tuple[str, str, str, str | None, str | None]]:
    """(table, name, command, USING, WITH CHECK) for the emergency tables."""
    keeper = has_role("owner", "record_custodian")
    opened = (
        f"(emergency_accesses.staff_id = {me} AND (SELECT app.may_use_emergency())"
        " AND emergency_accesses.ended_at IS NULL AND emergency_accesses.reviewed_at IS NULL"
        " AND emergency_accesses.expires_at <= emergency_accesses.opened_at"
        " + make_interval(mins => (SELECT app.emergency_minutes()))"
        # a workstation's clock may be a little ahead; an access opened "later" is not a longer one
        f" AND emergency_accesses.opened_at <= now() + interval '{CLOCK_SLACK_MINUTES} minutes')"
    )
    # Column grants let a person end their own access and a keeper review anyone's.
    changed = (
        f"((emergency_accesses.staff_id = {me} AND emergency_accesses.reviewed_at IS NULL"
        " AND emergency_accesses.reviewed_by_id IS NULL)"
        f" OR ({keeper} AND emergency_accesses.reviewed_by_id = {me}))"
    )
    owner = has_role("owner")
    return [
        (
            "emergency_accesses",
            "read",
            "SELECT",
            f"(emergency_accesses.staff_id = {me} OR {keeper})",
            None,
        ),
        ("emergency_accesses", "open", "INSERT", None, opened),
        (
            "emergency_accesses",
            "change",
            "UPDATE",
            f"(emergency_accesses.staff_id = {me} OR {keeper})",
            changed,
        ),
        ("emergency_settings", "read", "SELECT", f"({me} IS NOT NULL)", None),
        ("emergency_settings", "write", "ALL", owner, owner),
        ("emergency_allowed_staff", "read", "SELECT", f"({me} IS NOT NULL)", None),
        ("emergency_allowed_staff", "write", "ALL", owner, owner),
    ]
