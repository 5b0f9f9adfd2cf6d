"""The audit trail on PostgreSQL (R13, B6): appended only through functions that chain it.

`app.chain_audit` computes the entry's hash exactly as `desktop/services/audit.py` does
(canonical JSON, SHA-256), so `clinicdesk audit verify` checks entries from either side. It is
executable by nobody; staff call `app.append_audit` (in their own name, at the server's time),
the sign-in gate calls `app.record_failed_sign_in`.
"""

from __future__ import annotations

from .names import BoundaryRoles

_DEFINER = "SECURITY DEFINER SET search_path = pg_catalog, app, public"

CHAIN = f"""
CREATE OR REPLACE FUNCTION app.chain_audit(
    p_action text, p_actor_id integer, p_actor_label text, p_client_id integer,
    p_subject text, p_details text, p_workstation text, p_occurred_at timestamptz)
RETURNS integer LANGUAGE plpgsql VOLATILE {_DEFINER} AS $$
DECLARE
  v_seq integer;
  v_prev text;
  v_utc timestamp := p_occurred_at AT TIME ZONE 'UTC';
  v_iso text;
  v_canon text;
  v_hash text;
  v_label text := left(p_actor_label, 254);
  v_station text := left(p_workstation, 255);
BEGIN
  SELECT last_seq + 1, last_hash INTO v_seq, v_prev FROM public.audit_head WHERE id = 1 FOR UPDATE;
  v_iso := to_char(v_utc, 'YYYY-MM-DD"T"HH24:MI:SS')
           || CASE WHEN extract(microseconds FROM v_utc)::bigint % 1000000 <> 0
                   THEN '.' || to_char(v_utc, 'US') ELSE '' END
           || '+00:00';
  v_canon := '{{"action":' || to_json(p_action)::text
          || ',"actor_id":' || coalesce(p_actor_id::text, 'null')
          || ',"actor_label":' || to_json(v_label)::text
          || ',"client_id":' || coalesce(p_client_id::text, 'null')
          || ',"details":' || to_json(p_details)::text
          || ',"occurred_at":' || to_json(v_iso)::text
          || ',"prev_hash":' || to_json(v_prev)::text
          || ',"seq":' || v_seq::text
          || ',"subject":' || coalesce(to_json(p_subject)::text, 'null')
          || ',"workstation":' || to_json(v_station)::text || '}}';
  v_hash := encode(sha256(convert_to(v_canon, 'UTF8')), 'hex');
  INSERT INTO public.audit_events (seq, occurred_at, actor_id, actor_label, action, client_id,
                                   subject, details, workstation, prev_hash, hash)
  VALUES (v_seq, p_occurred_at, p_actor_id, v_label, p_action, p_client_id, p_subject,
          p_details, v_station, v_prev, v_hash);
  UPDATE public.audit_head SET last_seq = v_seq, last_hash = v_hash WHERE id = 1;
  RETURN v_seq;
END $$"""

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
LANGUAGE plpgsql STABLE {_DEFINER} AS $$
BEGIN
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
     ORDER BY id FOR UPDATE
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
        CHAIN,
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
        "REVOKE ALL ON FUNCTION app.append_audit(text, integer, text, integer, text, text, text,"
        " timestamptz) FROM PUBLIC",
        "REVOKE ALL ON FUNCTION app.record_failed_sign_in(text, text) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION app.append_audit(text, integer, text, integer, text, text,"
        f' text, timestamptz) TO "{roles.staff}"',
        f'GRANT EXECUTE ON FUNCTION app.record_failed_sign_in(text, text) TO "{roles.gate}"',
    ]
