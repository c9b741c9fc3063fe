"""Anchors of the audit chain: its head (seq, hash) recorded periodically and at every dossier sealing, with
an RFC 3161 time-stamp when a TSA is configured, so that `casework audit verify` notices what the chain
alone cannot: the newest entries cut off, or the whole chain recomputed after an edit.

A hash chain in the same database proves only that nobody edited it *without recomputing it*. An anchor
pins one head: if the entry at the anchored seq is gone, the tail was truncated; if its hash differs, the
chain was rewritten. Without a TSA the anchor itself lives in the same database (it stops a careless edit,
not someone who rewrites the anchors too); with one, the TSA's signed token fixes the head at the TSA's time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.audit import tsa
from casework.audit.models import AuditAnchor, AuditEvent
from casework.audit.service import _CHAIN_LOCK, head, record, verify
from casework.domain.access import Actor
from casework.infra.db import lock_for_append

PERIODIC = "periodic"
SEAL = "dossier.seal"


@dataclass(frozen=True)
class Stamp:
    """What asking the TSA gave: a token and its time, or why there is none."""

    token: bytes | None = None
    tsa_time: datetime | None = None
    error: str | None = None


@dataclass(frozen=True)
class Stamper:
    """Asks the configured TSA (none when `url` is empty) to stamp a head."""

    url: str = ""
    timeout: float = 10.0

    def __call__(self, seq: int, hash_: str) -> Stamp:
        if not self.url:
            return Stamp()
        try:
            token, when = tsa.request_stamp(self.url, tsa.message(seq, hash_), timeout=self.timeout)
        except tsa.TsaError as err:
            return Stamp(error=str(err)[:500])
        return Stamp(token, when)


NO_TSA = Stamper()


def keep_anchor(session: Session, seq: int, hash_: str, stamp: Stamp, *, now: datetime, reason: str,
                tsa_url: str = "") -> AuditAnchor:
    """Store an anchor of entry `seq` (its hash `hash_`), with the TSA's token if there is one."""
    row = AuditAnchor(seq=seq, hash=hash_, anchored_at=now, reason=reason, tsa_url=tsa_url or None,
                      token=stamp.token, tsa_time=stamp.tsa_time, tsa_error=stamp.error)
    session.add(row)
    session.flush()
    return row


def anchor_head(session: Session, *, now: datetime, reason: str, stamper: Stamper = NO_TSA) -> AuditAnchor | None:
    """Anchor the head as it stands in this transaction (sealing: the seal's own entry is the head). The chain
    lock is taken first, so no other append can slip in. None while the chain is empty."""
    lock_for_append(session, _CHAIN_LOCK)
    seq, hash_ = head(session)
    if seq == 0:
        return None
    return keep_anchor(session, seq, hash_, stamper(seq, hash_), now=now, reason=reason, tsa_url=stamper.url)


def stamp_head(session: Session, stamper: Stamper) -> tuple[int, str, Stamp]:
    """The committed head and its stamp, asked for outside any write transaction (the periodic anchor:
    the TSA's answer must not keep SQLite's write lock waiting). An entry never changes, so the head read
    here is still a valid anchor when it is written a moment later."""
    seq, hash_ = head(session)
    return seq, hash_, (stamper(seq, hash_) if seq else Stamp())


def record_anchor(session: Session, actor: Actor, seq: int, hash_: str, stamp: Stamp, *, now: datetime,
                  stamper: Stamper = NO_TSA) -> AuditAnchor:
    """The periodic anchor (`casework audit anchor`): kept, then audited (the audit entry follows it)."""
    row = keep_anchor(session, seq, hash_, stamp, now=now, reason=PERIODIC, tsa_url=stamper.url)
    record(session, actor, "audit.anchor", now=now, object_type="audit", object_id=seq,
           after={"seq": seq, "hash": hash_, "tsa": bool(stamp.token), "tsa_error": stamp.error})
    return row


@dataclass
class AnchorReport:
    """The chain checked, then checked against every anchor."""

    entries: int
    head: str
    chain_ok: bool
    anchors: int = 0
    stamped: int = 0
    signature_checked: bool = False
    last: AuditAnchor | None = None
    problems: list[str] = field(default_factory=list)
    chain_problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.chain_ok and not self.problems


def _anchors(session: Session) -> Iterator[AuditAnchor]:
    yield from session.scalars(select(AuditAnchor).order_by(AuditAnchor.seq, AuditAnchor.id))


def check(session: Session, *, ca_file: str = "") -> AnchorReport:
    """Walk the chain (every link and hash), then hold it against every anchor: the anchored entry must be
    there with the anchored hash, and a token must stamp exactly that head (signed by a TSA that `ca_file`'s
    roots certify, when given)."""
    chain = verify(session)
    report = AnchorReport(chain.count, chain.head, chain.ok, signature_checked=bool(ca_file))
    if not chain.ok:
        report.chain_problem = (f"FAILED at seq {chain.bad_seq}: {chain.problem} "
                                f"({chain.count} entries verified before it)")
    for anchor in _anchors(session):
        report.anchors += 1
        when = anchor.anchored_at.isoformat()
        entry = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == anchor.seq))
        if entry is None:
            report.problems.append(f"anchored entry seq {anchor.seq} (anchored {when}) is missing: the newest "
                                   f"entries were removed (the chain now ends at seq {chain.count})")
        elif entry != anchor.hash:
            report.problems.append(f"entry seq {anchor.seq} does not match its anchor of {when}: anchored "
                                   f"{anchor.hash}, now {entry}: the chain was rewritten")
        if anchor.token is not None:
            stamp = tsa.check_stamp(anchor.token, tsa.message(anchor.seq, anchor.hash), ca_file)
            if not stamp.ok:
                report.problems.append(f"the TSA token of the anchor of seq {anchor.seq} ({when}) does not hold: "
                                       f"{stamp.problem}")
                continue
            report.stamped += 1
        if entry == anchor.hash and (report.last is None or anchor.seq >= report.last.seq):
            report.last = anchor
    return report


def describe(report: AnchorReport) -> list[str]:
    """The lines `casework audit verify` prints after its OK or FAILED line."""
    if not report.anchors:
        return ["no anchors yet: run `casework audit anchor` (without one, removing the newest entries or "
                "recomputing the whole chain goes unnoticed)"]
    lines = [*(f"FAILED: {p}" for p in report.problems)]
    signed = "signatures checked against TSA_CA_FILE" if report.signature_checked else "signatures not checked"
    summary = f"{report.anchors} anchors, {report.stamped} with a valid TSA token ({signed})"
    if report.last is not None:
        last = report.last
        stamped = (f", TSA time {last.tsa_time.isoformat()}" if last.token is not None and last.tsa_time
                   else ", no TSA token")
        summary += (f"; last anchored entry: seq {last.seq} ({last.reason}, anchored "
                    f"{last.anchored_at.isoformat()}{stamped})")
    return [*lines, summary]


def configured_stamper() -> Stamper:
    """The TSA the running app is configured with (TSA_URL, TSA_TIMEOUT_S); for views, flow and commands."""
    from casework.infra.settings import setting

    return Stamper(str(setting("TSA_URL") or ""), float(setting("TSA_TIMEOUT_S")))
