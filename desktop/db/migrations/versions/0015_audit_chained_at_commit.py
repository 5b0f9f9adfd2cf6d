"""Audit entries chained at commit on PostgreSQL (B6): an audited action's entries wait in
app.audit_pending, seen by its own transaction only, and join the chain when it commits, so
writers hold the chain's head row only for the moment of commit instead of their whole
transaction. The functions and the commit-time trigger come with the boundary's refresh.
SQLite (one writer at a time) is unchanged.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 16:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: the entry as recorded, without its number and hashes (given at commit).
_PENDING = """
CREATE TABLE app.audit_pending (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx xid8 NOT NULL,
    first_of_transaction boolean NOT NULL,
    occurred_at timestamptz NOT NULL,
    actor_id integer,
    actor_label text NOT NULL,
    action text NOT NULL,
    client_id integer,
    subject text,
    details text NOT NULL,
    workstation text NOT NULL)"""

#: schema 0013's function (entries chained as they are recorded), restored by a downgrade.
_CHAIN_AS_RECORDED = """
CREATE OR REPLACE FUNCTION app.chain_audit(
    p_action text, p_actor_id integer, p_actor_label text, p_client_id integer,
    p_subject text, p_details text, p_workstation text, p_occurred_at timestamptz)
RETURNS integer LANGUAGE plpgsql VOLATILE
SECURITY DEFINER SET search_path = pg_catalog, app, public AS $$
DECLARE
  v_seq integer;
  v_prev text;
  v_hash text;
  v_label text := left(p_actor_label, 254);
  v_station text := left(p_workstation, 255);
BEGIN
  SELECT last_seq + 1, last_hash INTO v_seq, v_prev FROM public.audit_head WHERE id = 1 FOR UPDATE;
  v_hash := app.audit_hash(v_seq, p_occurred_at, p_actor_id, v_label, p_action, p_client_id,
                           p_subject, p_details, v_station, v_prev);
  INSERT INTO public.audit_events (seq, occurred_at, actor_id, actor_label, action, client_id,
                                   subject, details, workstation, prev_hash, hash)
  VALUES (v_seq, p_occurred_at, p_actor_id, v_label, p_action, p_client_id, p_subject,
          p_details, v_station, v_prev, v_hash);
  UPDATE public.audit_head SET last_seq = v_seq, last_hash = v_hash WHERE id = 1;
  RETURN v_seq;
END $$"""


_HEAD_AS_RECORDED = """
CREATE OR REPLACE FUNCTION app.audit_chain_head() RETURNS TABLE (seq integer, hash text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, app, public AS $$
BEGIN
  RETURN QUERY SELECT h.last_seq, h.last_hash::text FROM public.audit_head h WHERE h.id = 1;
END $$"""


def _boundary_installed() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    found = bind.exec_driver_sql("SELECT to_regclass('app.boundary_roles') IS NOT NULL")
    return bool(found.scalar_one())


def upgrade() -> None:
    if not _boundary_installed():
        return
    op.execute(_PENDING)
    op.execute("CREATE INDEX ix_audit_pending_tx ON app.audit_pending (tx, id)")
    op.execute("REVOKE ALL ON app.audit_pending FROM PUBLIC")


def downgrade() -> None:
    if not _boundary_installed():
        return
    hashing = op.get_bind().exec_driver_sql(
        "SELECT to_regprocedure('app.audit_hash(integer, timestamptz, integer, text, text,"
        " integer, text, text, text, text)') IS NOT NULL"
    )
    if hashing.scalar_one():  # refreshed at this schema: put back the functions of 0013
        op.execute(_CHAIN_AS_RECORDED)
        op.execute(_HEAD_AS_RECORDED)
    op.execute("DROP TABLE app.audit_pending CASCADE")
    op.execute("DROP FUNCTION IF EXISTS app.chain_audit_at_commit()")
    op.execute("DROP FUNCTION IF EXISTS app.chain_pending_audit()")
