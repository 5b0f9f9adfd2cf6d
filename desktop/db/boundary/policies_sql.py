"""Row-level security: the rules of SPEC.md (R1-R4, R6, R10-R13, B1) as PostgreSQL policies.

Each condition mirrors `desktop/services/policy/scopes.py` (what a person reads) or a decision
of `record_rules.py` (what they write); tests/db/test_database_boundary.py connects as each kind
of staff member and compares. "Who am I" and the sets a rule needs are functions evaluated once
per statement (scalar subqueries), never once per row.
"""

from __future__ import annotations

from .names import BoundaryRoles
from .roles_sql import CLIENT_TABLES, PRACTICE_TABLES

ME = "(SELECT app.current_staff_id())"
SEES_ALL = "(SELECT app.sees_all_clients())"


def has_role(*roles: str) -> str:
    quoted = ", ".join(f"'{r}'" for r in roles)
    return f"(SELECT app.has_role({quoted}))"


RECORD_KEEPER = has_role("owner", "manager", "record_custodian")
EDITS_PROFILES = has_role("owner", "manager", "record_custodian", "scheduler", "provider")
BOOKS_FOR_ALL = has_role("owner", "manager", "record_custodian", "scheduler")


def on_my_list(client: str) -> str:
    return f"{client} IN (SELECT app.my_client_ids())"


def visible_client(client: str) -> str:
    """R1, R2: group-wide roles see every client, a provider their own list."""
    return f"({SEES_ALL} OR {on_my_list(client)})"


def group_owned(author: str) -> str:
    return f"{author} IN (SELECT app.group_owned_providers())"


def readable_chart(client: str, author: str) -> str:
    """R3: the author; a colleague with an active share; record keepers if the group owns it."""
    return (
        f"({author} = {ME}"
        f" OR ({client}, {author}) IN (SELECT s.client_id, s.from_provider_id"
        f" FROM app.shares_to_me(false) s)"
        f" OR ({RECORD_KEEPER} AND {group_owned(author)}))"
    )


def may_share(client: str, author: str) -> str:
    """R5: the author while the client is on their list; record keepers if the group owns it."""
    return (
        f"(({author} = {ME} AND {on_my_list(client)})"
        f" OR ({RECORD_KEEPER} AND {group_owned(author)}))"
    )


def _notes_read() -> str:
    t = "chart_notes"
    private_share = (
        f"({t}.client_id, {t}.author_id) IN (SELECT s.client_id, s.from_provider_id"
        " FROM app.shares_to_me(true) s)"
    )
    return (
        f"({t}.author_id = {ME} OR ({t}.status = 'signed' AND ("
        f"({t}.kind = 'progress' AND {readable_chart(f'{t}.client_id', f'{t}.author_id')})"
        f" OR ({t}.kind = 'private' AND {private_share}))))"
    )


def _documents_read() -> str:
    t = "documents"
    return (
        f"(({t}.category = 'clinical'"
        f" AND {readable_chart(f'{t}.client_id', f'{t}.owner_provider_id')})"
        f" OR ({t}.category = 'non_clinical' AND {visible_client(f'{t}.client_id')}))"
    )


def _documents_write() -> str:
    t = "documents"
    return (
        f"(({t}.category = 'clinical' AND {t}.owner_provider_id = {ME}"
        f" AND {has_role('provider')})"
        f" OR ({t}.category = 'non_clinical' AND {visible_client(f'{t}.client_id')}"
        f" AND {EDITS_PROFILES}))"
    )


def _calendar_write(table: str) -> str:
    """R10: booking roles for every provider; a provider on their own calendar."""
    return f"({BOOKS_FOR_ALL} OR ({table}.provider_id = {ME} AND {has_role('provider')}))"


def _hours_write(table: str) -> str:
    """R10: the Owner, Managers and Schedulers keep everyone's hours; a provider their own."""
    return (
        f"({has_role('owner', 'manager', 'scheduler')}"
        f" OR ({table}.provider_id = {ME} AND {has_role('provider')}))"
    )


def _transfer_rights(table: str) -> str:
    """R8, R9: whoever may share the departing provider's charts."""
    author = f"{table}.from_provider_id"
    return f"({author} = {ME} OR ({RECORD_KEEPER} AND {group_owned(author)}))"


#: (table, policy name, command, USING, WITH CHECK) for the staff group role.
def _policies() -> list[tuple[str, str, str, str | None, str | None]]:
    signed_in = f"({ME} IS NOT NULL)"
    link_rights = (
        f"({has_role('owner', 'manager', 'record_custodian', 'scheduler')}"
        f" OR ({has_role('provider')} AND {on_my_list('client_provider_links.client_id')}))"
    )
    share_sharer = may_share("chart_shares.client_id", "chart_shares.from_provider_id")
    share_ender = (
        f"({share_sharer} OR {has_role('owner', 'manager', 'record_custodian', 'scheduler')}"
        f" OR chart_shares.to_provider_id = {ME} OR chart_shares.expires_at <= now())"
    )
    chart_note_new = (
        f"(chart_notes.author_id = {ME} AND {has_role('provider')}"
        f" AND ({on_my_list('chart_notes.client_id')} OR chart_notes.addendum_to_id IS NOT NULL))"
    )
    return [
        ("clients", "read", "SELECT", visible_client("clients.id"), None),
        ("clients", "add", "INSERT", None, EDITS_PROFILES),
        (
            "clients",
            "change",
            "UPDATE",
            f"({SEES_ALL} AND {has_role('owner', 'manager', 'record_custodian', 'scheduler', 'biller')}"
            f" OR {on_my_list('clients.id')})",
            None,
        ),
        (
            "client_name_words",
            "read",
            "SELECT",
            visible_client("client_name_words.client_id"),
            None,
        ),
        # (not FOR ALL: that would open reading too, and permissive policies add up)
        ("client_name_words", "add", "INSERT", None, EDITS_PROFILES),
        ("client_name_words", "change", "UPDATE", EDITS_PROFILES, None),
        ("client_name_words", "remove", "DELETE", EDITS_PROFILES, None),
        (
            "client_provider_links",
            "read",
            "SELECT",
            visible_client("client_provider_links.client_id"),
            None,
        ),
        ("client_provider_links", "add", "INSERT", None, link_rights),
        ("client_provider_links", "change", "UPDATE", link_rights, None),
        (
            "linked_profiles",
            "read",
            "SELECT",
            f"({visible_client('linked_profiles.client_id')}"
            f" OR {visible_client('linked_profiles.other_client_id')})",
            None,
        ),
        ("linked_profiles", "add", "INSERT", None, RECORD_KEEPER),
        ("chart_notes", "read", "SELECT", _notes_read(), None),
        ("chart_notes", "write", "INSERT", None, chart_note_new),
        # A draft is changed (and signed) by its author only; a signed note by nobody.
        (
            "chart_notes",
            "finish",
            "UPDATE",
            f"(chart_notes.author_id = {ME} AND chart_notes.status = 'draft')",
            f"(chart_notes.author_id = {ME})",
        ),
        ("documents", "read", "SELECT", _documents_read(), None),
        ("documents", "add", "INSERT", None, _documents_write()),
        ("documents", "change", "UPDATE", _documents_write(), None),
        (
            "chart_shares",
            "read",
            "SELECT",
            f"({visible_client('chart_shares.client_id')}"
            f" OR chart_shares.to_provider_id = {ME} OR chart_shares.from_provider_id = {ME})",
            None,
        ),
        ("chart_shares", "start", "INSERT", None, share_sharer),
        # Only the end columns are granted; a share once ended stays ended.
        ("chart_shares", "finish", "UPDATE", share_ender, "(chart_shares.ended_at IS NOT NULL)"),
        ("notifications", "read", "SELECT", f"(notifications.recipient_id = {ME})", None),
        ("notifications", "send", "INSERT", None, signed_in),
        ("notifications", "mark", "UPDATE", f"(notifications.recipient_id = {ME})", None),
        (
            "appointments",
            "read",
            "SELECT",
            f"({visible_client('appointments.client_id')} OR appointments.provider_id = {ME})",
            None,
        ),
        ("appointments", "book", "INSERT", None, _calendar_write("appointments")),
        ("appointments", "change", "UPDATE", _calendar_write("appointments"), None),
        (
            "appointment_series",
            "read",
            "SELECT",
            f"({visible_client('appointment_series.client_id')}"
            f" OR appointment_series.provider_id = {ME})",
            None,
        ),
        ("appointment_series", "book", "INSERT", None, _calendar_write("appointment_series")),
        ("appointment_series", "change", "UPDATE", _calendar_write("appointment_series"), None),
        (
            "caseload_transfers",
            "read",
            "SELECT",
            f"({_transfer_rights('caseload_transfers')}"
            f" OR caseload_transfers.to_provider_id = {ME})",
            None,
        ),
        ("caseload_transfers", "start", "INSERT", None, _transfer_rights("caseload_transfers")),
        ("caseload_transfers", "change", "UPDATE", _transfer_rights("caseload_transfers"), None),
        (
            "caseload_transfer_items",
            "follow_transfer",
            "ALL",
            "caseload_transfer_items.transfer_id IN (SELECT t.id FROM caseload_transfers t)",
            "caseload_transfer_items.transfer_id IN (SELECT t.id FROM caseload_transfers t)",
        ),
        # R13: the Owner and Record Custodians read the trail; nobody writes it but app.append_audit.
        ("audit_events", "read", "SELECT", has_role("owner", "record_custodian"), None),
        ("practice", "read", "SELECT", signed_in, None),
        ("practice", "change", "UPDATE", has_role("owner"), None),
        # Note templates: everyone writing notes reads them; the Owner and Managers keep them.
        ("note_templates", "read", "SELECT", signed_in, None),
        ("note_templates", "add", "INSERT", None, has_role("owner", "manager")),
        ("note_templates", "change", "UPDATE", has_role("owner", "manager"), None),
        ("staff", "read", "SELECT", signed_in, None),
        ("staff", "add", "INSERT", None, has_role("owner", "manager")),
        ("staff", "change", "UPDATE", has_role("owner", "manager"), None),
        ("staff_roles", "read", "SELECT", signed_in, None),
        # R12: Owner and Manager set roles; only an Owner gives or takes the Owner role.
        (
            "staff_roles",
            "write",
            "ALL",
            f"({has_role('owner', 'manager')} AND (staff_roles.role <> 'owner' OR {has_role('owner')}))",
            f"({has_role('owner', 'manager')} AND (staff_roles.role <> 'owner' OR {has_role('owner')}))",
        ),
        ("provider_profiles", "read", "SELECT", signed_in, None),
        ("provider_profiles", "add", "INSERT", None, has_role("owner", "manager")),
        ("provider_profiles", "change", "UPDATE", has_role("owner"), None),
        ("provider_availability", "read", "SELECT", signed_in, None),
        (
            "provider_availability",
            "write",
            "ALL",
            _hours_write("provider_availability"),
            _hours_write("provider_availability"),
        ),
        ("provider_time_off", "read", "SELECT", signed_in, None),
        (
            "provider_time_off",
            "write",
            "ALL",
            _hours_write("provider_time_off"),
            _hours_write("provider_time_off"),
        ),
    ]


def statements(roles: BoundaryRoles) -> list[str]:
    out: list[str] = []
    for table in (*CLIENT_TABLES, *PRACTICE_TABLES):
        out += [
            f"ALTER TABLE public.{table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE public.{table} FORCE ROW LEVEL SECURITY",
            # The schema owner (upgrades, and the functions it owns) sees and keeps every row.
            f'CREATE POLICY owner_all ON public.{table} TO "{roles.owner}" USING (true) WITH CHECK (true)',
        ]
    # The login functions read staff members' emails and nothing else.
    out.append(
        f'CREATE POLICY logins_read ON public.staff FOR SELECT TO "{roles.logins}" USING (true)'
    )
    for table, name, command, using, check in _policies():
        sql = f'CREATE POLICY {name} ON public.{table} FOR {command} TO "{roles.staff}"'
        if using:
            sql += f" USING ({using})"
        if check:
            sql += f" WITH CHECK ({check})"
        out.append(sql)
    return out


def drop_statements() -> list[str]:
    """Every policy of the public schema, whatever release made it, and row-level security off."""
    return [
        "DO $$ DECLARE p record; BEGIN FOR p IN SELECT policyname, tablename FROM pg_policies"
        " WHERE schemaname = 'public' LOOP"
        " EXECUTE format('DROP POLICY %I ON public.%I', p.policyname, p.tablename);"
        " END LOOP; END $$",
    ]


def disable_statements() -> list[str]:
    return [
        "DO $$ DECLARE t record; BEGIN FOR t IN SELECT c.relname FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relrowsecurity LOOP"
        " EXECUTE format('ALTER TABLE public.%I NO FORCE ROW LEVEL SECURITY', t.relname);"
        " EXECUTE format('ALTER TABLE public.%I DISABLE ROW LEVEL SECURITY', t.relname);"
        " END LOOP; END $$",
    ]
