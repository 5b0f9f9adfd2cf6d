"""Row-level security: the rules of SPEC.md (R1-R4, R6, R10-R13, R18, B1) as PostgreSQL policies.

Each condition mirrors `desktop/services/policy/scopes.py` (what a person reads) or a decision
of `record_rules.py` (what they write); tests/db/test_database_boundary.py connects as each kind
of staff member and compares. "Who am I" and the sets a rule needs are functions evaluated once
per statement (scalar subqueries), never once per row.
"""

from __future__ import annotations

from . import emergency_sql
from .emergency_sql import open_emergency
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


def unrestricted(client: str) -> str:
    """R17: the client is not hidden from me."""
    return f"{client} NOT IN (SELECT app.restricted_client_ids())"


def visible_client(client: str) -> str:
    """R1, R2: group-wide roles see every client, a provider their own list; R17 first."""
    return f"(({SEES_ALL} OR {on_my_list(client)}) AND {unrestricted(client)})"


def supervised_chart(client: str, author: str) -> str:
    """R16: I supervise the author's work with the client now."""
    return f"({author} IN (SELECT app.my_supervisees()) AND app.supervises({client}, {author}))"


def group_owned(author: str) -> str:
    return f"{author} IN (SELECT app.group_owned_providers())"


def readable_profile(client: str) -> str:
    """R2, R18: the clients I see, and those of my emergency accesses open now."""
    return f"({visible_client(client)} OR ({open_emergency(client)} AND {unrestricted(client)}))"


def readable_chart(client: str, author: str) -> str:
    """R3: the author; a colleague with an active share; record keepers if the group owns it;
    R16: the author's supervisor; R18: every chart of a client of my emergency access open now;
    R17: never a person the client is restricted from."""
    return (
        f"(({author} = {ME}"
        f" OR ({client}, {author}) IN (SELECT s.client_id, s.from_provider_id"
        f" FROM app.shares_to_me(false) s)"
        f" OR ({RECORD_KEEPER} AND {group_owned(author)})"
        f" OR {supervised_chart(client, author)} OR {open_emergency(client)})"
        f" AND {unrestricted(client)})"
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
    in_review = (
        f"({t}.kind = 'progress' AND {t}.status = 'draft'"
        f" AND {t}.id IN (SELECT app.notes_to_review()))"
    )
    return (
        f"(({t}.author_id = {ME} OR ({t}.status = 'signed' AND ("
        f"({t}.kind = 'progress' AND {readable_chart(f'{t}.client_id', f'{t}.author_id')})"
        f" OR ({t}.kind = 'private' AND {private_share}))) OR {in_review})"
        f" AND {unrestricted(f'{t}.client_id')})"
    )


def _documents_read() -> str:
    t = "documents"
    return (
        f"(({t}.category = 'clinical'"
        f" AND {readable_chart(f'{t}.client_id', f'{t}.owner_provider_id')})"
        f" OR ({t}.category = 'non_clinical' AND {readable_profile(f'{t}.client_id')}))"
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


def _own_rows(table: str) -> list[tuple[str, str, str, str | None, str | None]]:
    """Rows of one person: they read and write their own; Owner and Manager read and remove."""
    mine = f"({table}.staff_id = {ME})"
    admin = f"({mine} OR {has_role('owner', 'manager')})"
    return [
        (table, "read", "SELECT", admin, None),
        (table, "add", "INSERT", None, mine),
        (table, "change", "UPDATE", mine, mine),
        (table, "remove", "DELETE", admin, None),
    ]


#: (table, policy name, command, USING, WITH CHECK) for the staff group role.
def _policies() -> list[tuple[str, str, str, str | None, str | None]]:
    signed_in = f"({ME} IS NOT NULL)"
    link_rights = (
        f"({has_role('owner', 'manager', 'record_custodian', 'scheduler')}"
        f" OR ({has_role('provider')} AND {on_my_list('client_provider_links.client_id')}))"
    )
    # R6, R7: the links of a client the provider adds in the same transaction.
    new_client_links = (
        f"({link_rights} OR ({has_role('provider')}"
        " AND app.client_added_now(client_provider_links.client_id)))"
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
        (
            "clients",
            "read",
            "SELECT",
            f"({readable_profile('clients.id')}"
            " OR ((clients.id IN (SELECT app.own_chart_client_ids())"
            # R16: a supervisor opens the records of the clients they supervise the work with
            " OR clients.id IN (SELECT app.supervised_client_ids()))"
            f" AND {unrestricted('clients.id')}))",
            None,
        ),
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
            readable_profile("client_provider_links.client_id"),
            None,
        ),
        (
            "client_provider_links",
            "add",
            "INSERT",
            None,
            f"({new_client_links} AND NOT app.is_restricted(client_provider_links.client_id,"
            " client_provider_links.provider_id))",
        ),
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
            # R16: and not while it awaits the supervisor's review.
            f"(chart_notes.author_id = {ME} AND chart_notes.status = 'draft'"
            " AND chart_notes.id NOT IN (SELECT app.my_notes_awaiting_review()))",
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
        (
            "notifications",
            "read",
            "SELECT",
            f"(notifications.recipient_id = {ME} AND (notifications.client_id IS NULL"
            f" OR {unrestricted('notifications.client_id')}))",
            None,
        ),
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
        *_supervision_policies(),
        # R13: the Owner and Record Custodians read the trail; nobody writes it but app.append_audit.
        ("audit_events", "read", "SELECT", has_role("owner", "record_custodian"), None),
        # B8: signed checkpoints hold no client data; a workstation reads when the last was
        # signed, and appends only through app.add_audit_checkpoint.
        ("audit_checkpoints", "read", "SELECT", signed_in, None),
        ("practice", "read", "SELECT", signed_in, None),
        ("practice", "change", "UPDATE", has_role("owner"), None),
        # Note templates: everyone writing notes reads them; the Owner and Managers keep them.
        ("note_templates", "read", "SELECT", signed_in, None),
        ("note_templates", "add", "INSERT", None, has_role("owner", "manager")),
        ("note_templates", "change", "UPDATE", has_role("owner", "manager"), None),
        ("staff", "read", "SELECT", signed_in, None),
        ("staff", "add", "INSERT", None, has_role("owner", "manager")),
        ("staff", "change", "UPDATE", has_role("owner", "manager"), None),
        # R19: a person changes their own password (and their failed-unlock count).
        ("staff", "own_password", "UPDATE", f"(staff.id = {ME})", f"(staff.id = {ME})"),
        ("staff_roles", "read", "SELECT", signed_in, None),
        # R12: Owner and Manager set roles; only an Owner gives or takes the Owner role.
        (
            "staff_roles",
            "write",
            "ALL",
            f"({has_role('owner', 'manager')} AND (staff_roles.role <> 'owner' OR {has_role('owner')}))",
            f"({has_role('owner', 'manager')} AND (staff_roles.role <> 'owner' OR {has_role('owner')}))",
        ),
        # R19: a person's second factor is theirs (sealed with their password); an Owner or
        # Manager removes it with a password reset, the Owner with a reset of the enrolment.
        *_own_rows("second_factors"),
        *_own_rows("recovery_codes"),
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
        *emergency_sql.policies(ME, has_role),
        *_billing_policies(),
    ]


def _billing_policies() -> list[tuple[str, str, str, str | None, str | None]]:
    """R11: the fee schedule, charges and payments are the Owner's and the Billers' alone (read
    and write); a client hidden from them (R17) keeps its billing hidden too."""
    bills = has_role("owner", "biller")
    out = [
        ("fee_schedule", "read", "SELECT", bills, None),
        ("fee_schedule", "add", "INSERT", None, bills),
        ("fee_schedule", "change", "UPDATE", bills, None),
    ]
    for table in ("charges", "payments"):
        rows = f"({bills} AND {visible_client(f'{table}.client_id')})"
        out += [
            (table, "read", "SELECT", rows, None),
            (table, "add", "INSERT", None, rows),
            (table, "change", "UPDATE", rows, rows),
        ]
    return out


def _supervision_policies() -> list[tuple[str, str, str, str | None, str | None]]:
    """R16: supervisions are set by the Owner or a Manager and read by everyone signed in (the
    Staff screen); a note's review is the author's and the supervisor's (and the Owner's or a
    Manager's, who move it when supervision changes); it is read by whoever reads the note.
    R17: restrictions are for the Owner and Record Custodians only."""
    admins = has_role("owner", "manager")
    restricters = has_role("owner", "record_custodian")
    my_notes = f"(note_reviews.author_id = {ME})"
    review_hands = f"({my_notes} OR note_reviews.supervisor_id = {ME} OR {admins})"
    sent = (
        f"({my_notes} AND {has_role('provider')} AND note_reviews.note_id IN"
        f" (SELECT n.id FROM chart_notes n WHERE n.author_id = {ME}"
        " AND n.client_id = note_reviews.client_id))"
    )
    return [
        ("supervisions", "read", "SELECT", f"({ME} IS NOT NULL)", None),
        ("supervisions", "set", "INSERT", None, admins),
        ("supervisions", "finish", "UPDATE", admins, None),
        (
            "note_reviews",
            "read",
            "SELECT",
            f"({review_hands} OR note_reviews.note_id IN (SELECT n.id FROM chart_notes n))",
            None,
        ),
        ("note_reviews", "send", "INSERT", None, sent),
        ("note_reviews", "decide", "UPDATE", review_hands, None),
        # The supervisor signs the note they approve (R16).
        (
            "chart_notes",
            "approve",
            "UPDATE",
            "(chart_notes.id IN (SELECT app.notes_to_review()))",
            "(chart_notes.status = 'signed')",
        ),
        ("client_restrictions", "read", "SELECT", restricters, None),
        ("client_restrictions", "restrict", "INSERT", None, restricters),
        ("client_restrictions", "lift", "UPDATE", restricters, None),
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
