"""Signed checkpoints of the audit trail (B8): the chain's head, signed with the practice's key.

A checkpoint is made every `CHECKPOINT_EVERY` entries or once a day, whichever comes first
(`checkpoint_if_due`, called after sign-in and by the main window's minute timer), and at every
export. It is stored beside the trail and written to a file of the practice's choosing, which
`clinicdesk audit verify --checkpoints FILE` checks the trail against.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from sqlalchemy import func, select, text

from ..db.tables import AuditCheckpoint, AuditHead
from ..db.uow import UnitOfWork
from .audit_chain import iso_utc
from .audit_key import AuditKey
from .errors import InvalidInput

CHECKPOINT_EVERY = 500
CHECKPOINT_AGE = timedelta(days=1)
FILE_FORMAT = "clinicdesk-audit-checkpoints/1"


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head (entry `seq`, its hash) as signed at `signed_at` by key `key_id`."""

    seq: int
    head_hash: str
    signed_at: str
    key_id: str
    signature: str
    workstation: str

    def message(self) -> bytes:
        return checkpoint_message(self.seq, self.head_hash, self.signed_at, self.key_id)


@dataclass(frozen=True)
class CheckpointFile:
    """An exported file: the public key its checkpoints were signed with, and the checkpoints."""

    public_key: str
    checkpoints: tuple[Checkpoint, ...]


def checkpoint_message(seq: int, head_hash: str, signed_at: str, key_id: str) -> bytes:
    """The exact bytes signed."""
    return f"Clinic Desk audit checkpoint\n{seq}\n{head_hash}\n{signed_at}\n{key_id}\n".encode()


def chain_head(uow: UnitOfWork) -> tuple[int, str]:
    """The last entry's number and hash, in the caller's transaction."""
    session = uow.session
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(text("SELECT seq, hash FROM app.audit_chain_head()")).one()
    else:
        row = session.execute(select(AuditHead.last_seq, AuditHead.last_hash)).one()
    return int(row[0]), str(row[1])


def sign_in_transaction(uow: UnitOfWork, key: AuditKey, workstation: str) -> Checkpoint:
    """Sign the head as it is in the caller's transaction and store the checkpoint."""
    seq, head_hash = chain_head(uow)
    moment = uow.now()
    signed_at = iso_utc(moment)
    message = checkpoint_message(seq, head_hash, signed_at, key.key_id)
    point = Checkpoint(
        seq, head_hash, signed_at, key.key_id, key.sign(message), workstation[:255] or "unknown"
    )
    session = uow.session
    if session.get_bind().dialect.name == "postgresql":
        # Staff logins append checkpoints only through this function, which checks that the
        # entry it names is in the chain; a forged signature is caught by `audit verify`.
        session.execute(
            text(
                "SELECT app.add_audit_checkpoint(:seq, :hash, :signed_at, :key_id, :signature,"
                " :workstation)"
            ),
            {
                "seq": point.seq,
                "hash": point.head_hash,
                "signed_at": moment,
                "key_id": point.key_id,
                "signature": point.signature,
                "workstation": point.workstation,
            },
        )
    else:
        session.add(
            AuditCheckpoint(
                seq=point.seq,
                head_hash=point.head_hash,
                signed_at=moment,
                key_id=point.key_id,
                signature=point.signature,
                workstation=point.workstation,
            )
        )
        session.flush()
    return point


def sign_checkpoint(uow: UnitOfWork, key: AuditKey, workstation: str) -> Checkpoint:
    """Sign the head of the chain now and store the checkpoint."""
    with uow:
        point = sign_in_transaction(uow, key, workstation)
        uow.commit()
        return point


def checkpoint_if_due(uow: UnitOfWork, key: AuditKey, workstation: str) -> Checkpoint | None:
    """Sign the head when `CHECKPOINT_EVERY` entries or `CHECKPOINT_AGE` have passed since the
    last checkpoint (and the trail has grown since); otherwise change nothing."""
    with uow:
        seq, _ = chain_head(uow)
        last = uow.session.execute(
            select(AuditCheckpoint.seq, AuditCheckpoint.signed_at)
            .order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc())
            .limit(1)
        ).first()
        if last is not None:
            grown = seq - last.seq
            if grown <= 0 or (
                grown < CHECKPOINT_EVERY and uow.now() - last.signed_at < CHECKPOINT_AGE
            ):
                return None
        point = sign_in_transaction(uow, key, workstation)
        uow.commit()
        return point


def _from_row(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(
        row.seq,
        row.head_hash,
        iso_utc(row.signed_at),
        row.key_id,
        row.signature,
        row.workstation,
    )


def stored_checkpoints(uow: UnitOfWork) -> list[Checkpoint]:
    """Every checkpoint in the database, in the order of the chain."""
    with uow:
        rows = uow.session.scalars(
            select(AuditCheckpoint).order_by(AuditCheckpoint.seq, AuditCheckpoint.id)
        )
        return [_from_row(row) for row in rows]


def count_checkpoints(uow: UnitOfWork) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(AuditCheckpoint)) or 0


def write_checkpoint_file(out: TextIO, public_key: str, checkpoints: Iterable[Checkpoint]) -> int:
    """Write the checkpoints with the public key that checks them; returns how many."""
    listed = [asdict(point) for point in checkpoints]
    json.dump(
        {"format": FILE_FORMAT, "public_key": public_key, "checkpoints": listed}, out, indent=1
    )
    out.write("\n")
    return len(listed)


def read_checkpoint_file(path: Path) -> CheckpointFile:
    """An exported file, checked for shape (signatures are checked by the verifier)."""
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"{path} does not exist.", field="checkpoints") from None
    except (OSError, UnicodeDecodeError):
        raise InvalidInput(
            f"{path} is not a Clinic Desk checkpoint file.", field="checkpoints"
        ) from None
    return read_checkpoint_file_text(content, str(path))


def read_checkpoint_file_text(content: str, where: str) -> CheckpointFile:
    """The checkpoints in an exported file's text; `where` names it in messages."""
    problem = f"{where} is not a Clinic Desk checkpoint file."
    try:
        data = json.loads(content)
    except ValueError:
        raise InvalidInput(problem, field="checkpoints") from None
    if not isinstance(data, dict) or data.get("format") != FILE_FORMAT:
        raise InvalidInput(problem, field="checkpoints")
    public_key = data.get("public_key")
    points = data.get("checkpoints")
    if not isinstance(public_key, str) or not isinstance(points, list):
        raise InvalidInput(problem, field="checkpoints")
    try:
        parsed = tuple(
            Checkpoint(
                int(point["seq"]),
                str(point["head_hash"]),
                str(point["signed_at"]),
                str(point["key_id"]),
                str(point["signature"]),
                str(point["workstation"]),
            )
            for point in points
        )
    except (TypeError, KeyError, ValueError):
        raise InvalidInput(problem, field="checkpoints") from None
    return CheckpointFile(public_key, parsed)
