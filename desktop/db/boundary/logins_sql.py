"""Per-person logins (R12 on the server): created, renamed, disabled and re-enabled only through
these functions, which the Staff screen calls; nobody at a workstation needs CREATEROLE.

They belong to the NOLOGIN `logins` role (CREATEROLE, pg_signal_backend), check the caller
inside, touch only logins listed in `app.staff_logins`, and take passwords only as SCRAM-SHA-256
verifiers computed on the workstation, so no password in clear ever reaches the server.
"""

from __future__ import annotations

from .names import BoundaryRoles

_DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, app, public"

_CHECK_ADMIN = """
  IF NOT (app.is_administrator() OR app.has_role('owner', 'manager')) THEN
    RAISE EXCEPTION 'Only the Owner or a Manager manages staff sign-ins.' USING ERRCODE = '42501';
  END IF;"""

_CHECK_VERIFIER = """
  IF p_verifier !~ '^SCRAM-SHA-256\\$[0-9]+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
    RAISE EXCEPTION 'A password reaches the server only as a SCRAM-SHA-256 verifier.'
      USING ERRCODE = '22023';
  END IF;"""

#: staff added before the server had logins (or set up by hand) have none: nothing to do.
_LOGIN_OR_RETURN = """
  SELECT login_name INTO v_login FROM app.staff_logins WHERE staff_id = p_staff_id;
  IF v_login IS NULL THEN
    RETURN{result};
  END IF;"""

_MAPPED_LOGIN = """
  SELECT login_name INTO v_login FROM app.staff_logins WHERE staff_id = p_staff_id;
  IF v_login IS NULL THEN
    RAISE EXCEPTION 'This staff member has no sign-in on the server yet.' USING ERRCODE = '22023';
  END IF;"""

CREATE = f"""
CREATE OR REPLACE FUNCTION app.create_login(p_staff_id integer, p_verifier text)
RETURNS text LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_email text;
  v_login text;
  v_group name;
BEGIN{_CHECK_ADMIN}{_CHECK_VERIFIER}
  SELECT email INTO v_email FROM public.staff WHERE id = p_staff_id AND active;
  IF v_email IS NULL THEN
    RAISE EXCEPTION 'There is no active staff member with that number.' USING ERRCODE = '22023';
  END IF;
  IF EXISTS (SELECT 1 FROM app.staff_logins WHERE staff_id = p_staff_id) THEN
    RAISE EXCEPTION 'This staff member already has a sign-in.' USING ERRCODE = '23505';
  END IF;
  v_login := app.login_name(v_email);
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_login) THEN
    RAISE EXCEPTION 'The server already has a login of that name.' USING ERRCODE = '23505';
  END IF;
  SELECT staff_role INTO v_group FROM app.boundary_roles;
  EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I',
                 v_login, p_verifier, v_group);
  INSERT INTO app.staff_logins (staff_id, login_name) VALUES (p_staff_id, v_login);
  RETURN v_login;
END $$"""

RENAME = f"""
CREATE OR REPLACE FUNCTION app.rename_login(p_staff_id integer)
RETURNS text LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_login text;
  v_new text;
BEGIN{_CHECK_ADMIN}{_MAPPED_LOGIN}
  SELECT app.login_name(email) INTO v_new FROM public.staff WHERE id = p_staff_id;
  IF v_new <> v_login THEN
    EXECUTE format('ALTER ROLE %I RENAME TO %I', v_login, v_new);
    UPDATE app.staff_logins SET login_name = v_new WHERE staff_id = p_staff_id;
  END IF;
  RETURN v_new;
END $$"""

DISABLE = f"""
CREATE OR REPLACE FUNCTION app.disable_login(p_staff_id integer)
RETURNS integer LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_login text;
  v_ended integer;
BEGIN{_CHECK_ADMIN}{_LOGIN_OR_RETURN.format(result=" 0")}
  EXECUTE format('ALTER ROLE %I NOLOGIN', v_login);
  SELECT count(*) FILTER (WHERE pg_terminate_backend(a.pid)) INTO v_ended
    FROM pg_stat_activity a WHERE a.usename = v_login AND a.pid <> pg_backend_pid();
  RETURN v_ended;
END $$"""

ENABLE = f"""
CREATE OR REPLACE FUNCTION app.enable_login(p_staff_id integer)
RETURNS void LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_login text;
BEGIN{_CHECK_ADMIN}{_LOGIN_OR_RETURN.format(result="")}
  EXECUTE format('ALTER ROLE %I LOGIN', v_login);
END $$"""

SET_PASSWORD = f"""
CREATE OR REPLACE FUNCTION app.set_login_password(p_staff_id integer, p_verifier text)
RETURNS void LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_login text;
BEGIN
  IF p_staff_id IS DISTINCT FROM app.current_staff_id() THEN{_CHECK_ADMIN}
  END IF;{_CHECK_VERIFIER}{_MAPPED_LOGIN}
  EXECUTE format('ALTER ROLE %I PASSWORD %L', v_login, p_verifier);
END $$"""

#: After the server accepted a person's own password: a locked account is refused (and the
#: attempt audited), otherwise the count of failed attempts starts again. Mirrors auth.py.
BEGIN_SESSION = f"""
CREATE OR REPLACE FUNCTION app.begin_session(p_workstation text)
RETURNS timestamptz LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_me integer := app.current_staff_id();
  v_staff public.staff%ROWTYPE;
BEGIN
  IF v_me IS NULL THEN
    RAISE EXCEPTION 'This sign-in is not an active staff member of this practice.'
      USING ERRCODE = '42501';
  END IF;
  SELECT * INTO v_staff FROM public.staff WHERE id = v_me FOR UPDATE;
  IF v_staff.locked_until IS NOT NULL AND v_staff.locked_until > clock_timestamp() THEN
    PERFORM app.chain_audit('session.sign_in_failed', NULL, v_staff.email, NULL,
                            'staff:' || v_me, '{{"reason":"locked"}}', left(p_workstation, 255),
                            clock_timestamp());
    RETURN v_staff.locked_until;
  END IF;
  IF v_staff.failed_sign_ins <> 0 OR v_staff.locked_until IS NOT NULL THEN
    UPDATE public.staff SET failed_sign_ins = 0, locked_until = NULL, version = version + 1
     WHERE id = v_me;
  END IF;
  RETURN NULL;
END $$"""

SIGNATURES = (
    "app.create_login(integer, text)",
    "app.rename_login(integer)",
    "app.disable_login(integer)",
    "app.enable_login(integer)",
    "app.set_login_password(integer, text)",
)


def statements(roles: BoundaryRoles) -> list[str]:
    out = [CREATE, RENAME, DISABLE, ENABLE, SET_PASSWORD]
    # A new owner needs CREATE on the schema (a superuser skips that check, IT's login does
    # not); the logins role keeps only USAGE once it owns its functions.
    out.append(f'GRANT CREATE ON SCHEMA app TO "{roles.logins}"')
    for signature in SIGNATURES:
        out += [
            f'ALTER FUNCTION {signature} OWNER TO "{roles.logins}"',
            f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC",
            f'GRANT EXECUTE ON FUNCTION {signature} TO "{roles.staff}"',
        ]
    out.append(f'REVOKE CREATE ON SCHEMA app FROM "{roles.logins}"')
    out += [
        BEGIN_SESSION,
        "REVOKE ALL ON FUNCTION app.begin_session(text) FROM PUBLIC",
        f'GRANT EXECUTE ON FUNCTION app.begin_session(text) TO "{roles.staff}"',
    ]
    return out
