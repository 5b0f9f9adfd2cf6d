"""`audit verify` (B6, B8): recompute the chain in one streaming pass and check it against every
signed checkpoint, stored beside the trail or exported to a file the practice keeps."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..db.scan import one_pass
from ..db.uow import UnitOfWork
from .audit_chain import GENESIS_HASH, chain_hash, iso_utc
from .audit_key import key_id, signature_valid
from .checkpoints import Checkpoint, chain_head, stored_checkpoints

#: called with (entries checked, entries in the trail) now and then during a long check.
Progress = Callable[[int, int], None]
_PROGRESS_EVERY = 25_000


@dataclass(frozen=True)
class VerifyResult:
    """What checking found: `ok`, how many entries and checkpoints, and the first thing at fault.

    `first_bad_seq` is the first entry at fault (or from which entries are missing);
    `bad_checkpoint` the entry number of the checkpoint at fault, when one is.
    """

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None
    checkpoints: int = 0
    signatures_checked: bool = False
    bad_checkpoint: int | None = None


_ENTRIES = (
    "SELECT seq, occurred_at, actor_id, actor_label, action, client_id, subject, details,"
    " workstation, prev_hash, hash FROM audit_events ORDER BY seq"
)


def _sqlite_iso(stored: str) -> str:
    """SQLite's stored UTC text ("2026-03-02 09:00:00.250000") as `iso_utc` writes it."""
    fraction = stored[20:26]
    if fraction and fraction != "000000":
        return f"{stored[:10]}T{stored[11:19]}.{fraction}+00:00"
    return f"{stored[:10]}T{stored[11:19]}+00:00"


def _signature_problem(point: Checkpoint, trusted: dict[str, str]) -> str | None:
    public = trusted.get(point.key_id)
    if public is None:
        return "was not signed with the practice's audit key"
    if not signature_valid(public, point.message(), point.signature):
        return "has a signature that does not match it (forged or altered)"
    return None


def _describe(point: Checkpoint, origin: str) -> str:
    return f"the checkpoint of entry {point.seq} signed {point.signed_at[:16]} ({origin})"


def verify_chain(
    uow: UnitOfWork,
    batch: int = 5000,
    *,
    public_keys: Iterable[str] = (),
    exported: Iterable[Checkpoint] = (),
    progress: Progress | None = None,
) -> VerifyResult:
    """Recompute every hash in order and check every checkpoint; name the first fault.

    `public_keys` are the practice's audit keys known outside the database (from this computer's
    key, or an exported file); without one, signatures cannot be checked and the result says so.
    """
    trusted = {key_id(public): public for public in public_keys}
    points = [(point, "in the database") for point in stored_checkpoints(uow)]
    points += [(point, "in the checkpoint file") for point in exported]
    points.sort(key=lambda item: item[0].seq)
    distinct = len({(point.seq, point.signature) for point, _ in points})
    expected: dict[int, tuple[Checkpoint, str]] = {}
    for point, origin in points:
        if trusted:
            problem = _signature_problem(point, trusted)
            if problem:
                return VerifyResult(
                    False,
                    0,
                    None,
                    f"{_describe(point, origin)} {problem}",
                    distinct,
                    True,
                    point.seq,
                )
        expected.setdefault(point.seq, (point, origin))
        if expected[point.seq][0].head_hash != point.head_hash:
            return VerifyResult(
                False,
                0,
                None,
                f"two checkpoints of entry {point.seq} disagree; one was forged",
                distinct,
                bool(trusted),
                point.seq,
            )
    with uow, one_pass(uow.session.connection()):
        result = _walk(uow, batch, expected, progress)
    return VerifyResult(
        result.ok,
        result.checked,
        result.first_bad_seq,
        result.problem,
        distinct,
        bool(trusted),
        result.bad_checkpoint,
    )


def _walk(
    uow: UnitOfWork,
    batch: int,
    expected: dict[int, tuple[Checkpoint, str]],
    progress: Progress | None,
) -> VerifyResult:
    session = uow.session
    sqlite = session.get_bind().dialect.name == "sqlite"
    head_seq, head_hash = chain_head(uow)
    # The driver's own cursor, in the session's transaction: a million rows stream through it
    # with nothing built per row but the tuple (on PostgreSQL, a server-side cursor).
    driver = session.connection().connection.dbapi_connection
    if sqlite:
        cursor = driver.cursor()
        cursor.arraysize = batch
    else:
        cursor = driver.cursor(name="clinicdesk_audit_verify")
        cursor.itersize = batch
    as_iso = _sqlite_iso if sqlite else iso_utc
    last_good_point = 0
    if 0 in expected and expected[0][0].head_hash != GENESIS_HASH:
        point, origin = expected[0]
        return VerifyResult(
            False, 0, 1, f"{_describe(point, origin)} does not match the trail", bad_checkpoint=0
        )
    prev = GENESIS_HASH
    seq = 0
    next_report = _PROGRESS_EVERY
    try:
        cursor.execute(_ENTRIES)
        for row in cursor:
            if seq == head_seq:
                break  # appended after the check began
            seq += 1
            if row[0] != seq:
                return VerifyResult(False, seq - 1, seq, f"entry {seq} is missing")
            stored_hash = row[10]
            if row[9] != prev or stored_hash != chain_hash(seq, as_iso(row[1]), *row[2:10]):
                return VerifyResult(False, seq - 1, seq, f"entry {seq} was altered")
            if seq in expected:
                point, origin = expected[seq]
                if point.head_hash != stored_hash:
                    first = last_good_point + 1
                    return VerifyResult(
                        False,
                        last_good_point,
                        first,
                        f"entries {first} to {seq} were rewritten: they no longer match "
                        f"{_describe(point, origin)}",
                        bad_checkpoint=seq,
                    )
                last_good_point = seq
            prev = stored_hash
            if progress is not None and seq >= next_report:
                progress(seq, head_seq)
                next_report += _PROGRESS_EVERY
    finally:
        cursor.close()
    if progress is not None:
        progress(seq, head_seq)
    beyond = [item for number, item in expected.items() if number > seq]
    if beyond:
        point, origin = min(beyond, key=lambda item: item[0].seq)
        return VerifyResult(
            False,
            seq,
            seq + 1,
            f"entries from {seq + 1} on are missing: the trail ends at entry {seq}, but "
            f"{_describe(point, origin)} covers entries up to {point.seq}",
            bad_checkpoint=point.seq,
        )
    if head_seq != seq or head_hash != prev:
        return VerifyResult(False, seq, seq + 1, f"entries from {seq + 1} on are missing")
    return VerifyResult(True, seq)
