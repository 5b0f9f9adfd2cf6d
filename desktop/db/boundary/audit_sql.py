"""The audit trail on PostgreSQL (R13, B6): appended only through functions that chain it.

`app.chain_audit` computes the entry's hash exactly as `desktop/services/audit.py` does
(canonical JSON, SHA-256), so `clinicdesk audit verify` checks entries from either side. It is
executable by nobody; staff call `app.append_audit` (in their own name, at the server's time),
the sign-in gate calls `app.record_failed_sign_in`.
"""

from __future__ import annotations

from .names import BoundaryRoles

_DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, app, public"

#: the entry's hash, exactly as `desktop/services/audit_chain.chain_hash` computes it.
HASH = """
CREATE OR REPLACE FUNCTION app.audit_hash(
    p_seq integer, p_occurred_at timestamptz, p_actor_id integer, p_actor_label text,
    p_action text, p_client_id integer, p_subject text, p_details text, p_workstation text,
    p_prev text)
RETURNS text LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $$
DECLARE
  v_utc timestamp := p_occurred_at AT TIME ZONE 'UTC';
  v_iso text;
BEGIN
  v_iso := to_char(v_utc, 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN extract(microseconds FROM v_utc)::bigint % 1000000 <> 0
                   THEN '.' || to_char(v_utc, 'US') ELSE '' END
           || '+00:00';
  RETURN encode(sha256(convert_to(
            '{"action":' || to_json(p_action)::text
          || ',"actor_id":' || coalesce(p_actor_id::text, 'null')
          || ',"actor_label":' || to_json(p_actor_label)::text
          || ',"client_id":' || coalesce(p_client_id::text, 'null')
          || ',"details":' || to_json(p_details)::text
          || ',"occurred_at":' || to_json(v_iso)::text
          || ',"prev_hash":' || to_json(p_prev)::text
          || ',"seq":' || p_seq::text
          || ',"subject":' || coalesce(to_json(p_subject)::text, 'null')
          || ',"workstation":' || to_json(p_workstation)::text || '}', 'UTF8')), 'hex');
END $$"""

#: An entry waits in app.audit_pending, seen by its own transaction only, until that transaction
#: commits; writers therefore never wait for each other while they work. The first entry of a
#: transaction queues the commit-time step (a deferred constraint trigger) that chains them all.
#: Returns nothing: the entry's number is given when it is chained.
CHAIN = f"""
CREATE OR REPLACE FUNCTION app.chain_audit(
    p_action text, p_actor_id integer, p_actor_label text, p_client_id integer,
    p_subject text, p_details text, p_workstation text, p_occurred_at timestamptz)
RETURNS integer LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_tx xid8 := pg_current_xact_id();
BEGIN
  INSERT INTO app.audit_pending (tx, first_of_transaction, occurred_at, actor_id, actor_label,
                                 action, client_id, subject, details, workstation)
  VALUES (v_tx, NOT EXISTS (SELECT 1 FROM app.audit_pending p WHERE p.tx = v_tx),
          p_occurred_at, p_actor_id, left(p_actor_label, 254), p_action, p_client_id,
          p_subject, p_details, left(p_workstation, 255));
  RETURN NULL;
END $$"""

#: B6: this transaction's waiting entries join the chain, in the order they were recorded. The
#: head row is locked from here until the transaction ends, i.e. only for the moment of commit,
#: so entries are numbered without gaps in commit order; a rolled-back transaction never gets
#: here and leaves nothing.
CHAIN_PENDING = f"""
CREATE OR REPLACE FUNCTION app.chain_pending_audit() RETURNS integer
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_tx xid8 := pg_current_xact_id();
  v_seq integer;
  v_prev text;
  v_hash text;
  v_count integer := 0;
  r record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM app.audit_pending WHERE tx = v_tx) THEN
    RETURN 0;
  END IF;
  SELECT last_seq, last_hash INTO v_seq, v_prev FROM public.audit_head WHERE id = 1 FOR UPDATE;
  FOR r IN SELECT * FROM app.audit_pending WHERE tx = v_tx ORDER BY id LOOP
    v_seq := v_seq + 1;
    v_hash := app.audit_hash(v_seq, r.occurred_at, r.actor_id, r.actor_label, r.action,
                             r.client_id, r.subject, r.details, r.workstation, v_prev);
    INSERT INTO public.audit_events (seq, occurred_at, actor_id, actor_label, action, client_id,
                                     subject, details, workstation, prev_hash, hash)
    VALUES (v_seq, r.occurred_at, r.actor_id, r.actor_label, r.action, r.client_id, r.subject,
            r.details, r.workstation, v_prev, v_hash);
    v_prev := v_hash;
    v_count := v_count + 1;
  END LOOP;
  DELETE FROM app.audit_pending WHERE tx = v_tx;
  UPDATE public.audit_head SET last_seq = v_seq, last_hash = v_prev WHERE id = 1;
  RETURN v_count;
END $$"""

CHAIN_AT_COMMIT = f"""
CREATE OR REPLACE FUNCTION app.chain_audit_at_commit() RETURNS trigger
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
BEGIN
  PERFORM app.chain_pending_audit();
  RETURN NULL;
END $$"""

#: at commit (or earlier, when the transaction asks for the head: a checkpoint), once per
#: transaction: only the first entry of each queues the step.
AT_COMMIT_TRIGGER = [
    "DROP TRIGGER IF EXISTS audit_pending_chained_at_commit ON app.audit_pending",
    """CREATE CONSTRAINT TRIGGER audit_pending_chained_at_commit
       AFTER INSERT ON app.audit_pending DEFERRABLE INITIALLY DEFERRED
       FOR EACH ROW WHEN (NEW.first_of_transaction)
       EXECUTE FUNCTION app.chain_audit_at_commit()""",
]

APPEND = f"""
CREATE OR REPLACE FUNCTION app.append_audit(
    p_action text, p_actor_id integer, p_actor_label text, p_client_id integer,
    p_subject text, p_details text, p_workstation text, p_occurred_at timestamptz)
RETURNS integer LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_me integer := app.current_staff_id();
  v_email text;
BEGIN
  IF app.is_administrator() THEN
    RETURN app.chain_audit(p_action, p_actor_id, p_actor_label, p_client_id, p_subject,
                           p_details, p_workstation, p_occurred_at);
  END IF;
  IF v_me IS NULL THEN
    RAISE EXCEPTION 'This sign-in is not an active staff member of this practice.'
      USING ERRCODE = '42501';
  END IF;
  IF p_actor_id IS DISTINCT FROM v_me THEN
    RAISE EXCEPTION 'An audit entry is recorded in your own name only.' USING ERRCODE = '42501';
  END IF;
  SELECT email INTO v_email FROM public.staff WHERE id = v_me;
  RETURN app.chain_audit(p_action, v_me, v_email, p_client_id, p_subject, p_details,
                         p_workstation, clock_timestamp());
END $$"""

#: mirrors desktop/services/auth.py: five failures in a row lock the account for five minutes.
FAILED_SIGN_IN = f"""
CREATE OR REPLACE FUNCTION app.record_failed_sign_in(p_email text, p_workstation text)
RETURNS timestamptz LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_staff public.staff%ROWTYPE;
  v_locked timestamptz;
BEGIN
  SELECT * INTO v_staff FROM public.staff WHERE email = lower(btrim(p_email)) FOR UPDATE;
  IF FOUND THEN
    UPDATE public.staff
       SET failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= 5 THEN 0
                                  ELSE failed_sign_ins + 1 END,
           version = version + 1,
           locked_until = CASE WHEN failed_sign_ins + 1 >= 5
                               THEN clock_timestamp() + interval '5 minutes' ELSE locked_until END
     WHERE id = v_staff.id
     RETURNING locked_until INTO v_locked;
  END IF;
  PERFORM app.chain_audit('session.sign_in_failed', NULL, left(btrim(p_email), 254), NULL, NULL,
                          '{{}}', left(p_workstation, 255), clock_timestamp());
  RETURN v_locked;
END $$"""


#: B8: the head of the chain, for a workstation about to sign it (staff cannot read audit_head).
CHAIN_HEAD = f"""
CREATE OR REPLACE FUNCTION app.audit_chain_head() RETURNS TABLE (seq integer, hash text)
LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
BEGIN
  -- the caller's own waiting entries (an export's) are part of the head it signs
  PERFORM app.chain_pending_audit();
  RETURN QUERY SELECT h.last_seq, h.last_hash::text FROM public.audit_head h WHERE h.id = 1;
END $$"""

#: B8: a checkpoint signed on a workstation with the practice's key (which the database never
#: holds). Only an entry of the chain may be named; the signature is checked by `audit verify`.
ADD_CHECKPOINT = f"""
CREATE OR REPLACE FUNCTION app.add_audit_checkpoint(
    p_seq integer, p_hash text, p_signed_at timestamptz, p_key_id text, p_signature text,
    p_workstation text)
RETURNS void LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
BEGIN
  IF NOT app.is_administrator() AND app.current_staff_id() IS NULL THEN
    RAISE EXCEPTION 'This sign-in is not an active staff member of this practice.'
      USING ERRCODE = '42501';
  END IF;
  IF p_key_id !~ '^[0-9a-f]{{64}}$' OR p_signature !~ '^[0-9a-f]{{128}}$' THEN
    RAISE EXCEPTION 'A checkpoint needs a key id and an Ed25519 signature.' USING ERRCODE = '22023';
  END IF;
  IF NOT (p_seq = 0 AND p_hash = repeat('0', 64))
     AND NOT EXISTS (SELECT 1 FROM public.audit_events e WHERE e.seq = p_seq AND e.hash = p_hash)
  THEN
    RAISE EXCEPTION 'A checkpoint names an entry of the audit trail.' USING ERRCODE = '22023';
  END IF;
  INSERT INTO public.audit_checkpoints (seq, head_hash, signed_at, key_id, signature, workstation)
  VALUES (p_seq, p_hash, p_signed_at, p_key_id, p_signature, left(p_workstation, 255));
END $$"""


#: B2: shares past their end date, ended as of that date and audited as Clinic Desk's doing, by
#: any staff login (the timer of every workstation) or IT's tools; mirrors
#: `services/sharing.end_expired_shares`. Staff act at the server's time, IT's tools at `p_now`.
END_EXPIRED_SHARES = f"""
CREATE OR REPLACE FUNCTION app.end_expired_shares(p_now timestamptz)
RETURNS integer LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_now timestamptz := p_now;
  v_share record;
  v_count integer := 0;
BEGIN
  IF NOT app.is_administrator() THEN
    IF app.current_staff_id() IS NULL THEN
      RAISE EXCEPTION 'This sign-in is not an active staff member of this practice.'
        USING ERRCODE = '42501';
    END IF;
    v_now := clock_timestamp();
  END IF;
  FOR v_share IN
    SELECT id, client_id, from_provider_id, to_provider_id, expires_at FROM public.chart_shares
     WHERE ended_at IS NULL AND expires_at IS NOT NULL AND expires_at <= v_now
     ORDER BY id FOR UPDATE SKIP LOCKED
  LOOP
    UPDATE public.chart_shares
       SET ended_at = v_share.expires_at, end_reason = 'expired', version = version + 1
     WHERE id = v_share.id;
    PERFORM app.chain_audit(
      'share.ended', NULL, 'Clinic Desk (end date reached)', v_share.client_id,
      'share:' || v_share.id,
      '{{"from":' || v_share.from_provider_id || ',"reason":"expired","to":'
        || v_share.to_provider_id || '}}',
      'clinic desk', v_now);
    v_count := v_count + 1;
  END LOOP;
  RETURN v_count;
END $$"""


def statements(roles: BoundaryRoles) -> list[str]:
    return [
        END_EXPIRED_SHARES,
        "REVOKE ALL ON FUNCTION app.end_expired_shares(timestamptz) FROM PUBLIC",
        f'GRANT EXECUTE ON FUNCTION app.end_expired_shares(timestamptz) TO "{roles.staff}"',
        HASH,
        CHAIN,
        CHAIN_PENDING,
        CHAIN_AT_COMMIT,
        *AT_COMMIT_TRIGGER,
        APPEND,
        FAILED_SIGN_IN,
        CHAIN_HEAD,
        ADD_CHECKPOINT,
        "REVOKE ALL ON FUNCTION app.audit_chain_head() FROM PUBLIC",
        "REVOKE ALL ON FUNCTION app.add_audit_checkpoint(integer, text, timestamptz, text, text,"
        " text) FROM PUBLIC",
        f'GRANT EXECUTE ON FUNCTION app.audit_chain_head() TO "{roles.staff}"',
        f"GRANT EXECUTE ON FUNCTION app.add_audit_checkpoint(integer, text, timestamptz, text,"
        f' text, text) TO "{roles.staff}"',
        "REVOKE ALL ON FUNCTION app.chain_audit(text, integer, text, integer, text, text, text,"
        " timestamptz) FROM PUBLIC",
        "REVOKE ALL ON FUNCTION app.chain_pending_audit() FROM PUBLIC",
        "REVOKE ALL ON FUNCTION app.chain_audit_at_commit() FROM PUBLIC",
        "REVOKE ALL ON FUNCTION app.audit_hash(integer, timestamptz, integer, text, text, integer,"
        " text, text, text, text) FROM PUBLIC",
        "REVOKE ALL ON FUNCTION app.append_audit(text, integer, text, integer, text, text, text,"
        " timestamptz) FROM PUBLIC",
        "REVOKE ALL ON FUNCTION app.record_failed_sign_in(text, text) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION app.append_audit(text, integer, text, integer, text, text,"
        f' text, timestamptz) TO "{roles.staff}"',
        f'GRANT EXECUTE ON FUNCTION app.record_failed_sign_in(text, text) TO "{roles.gate}"',
    ]
