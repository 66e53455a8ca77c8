"""Which parcel each tracking number of a result file goes to, recorded in the ledger: by our parcel id; without
it, the one untracked look-alike parcel (chulgo/matching.py); a number already attached is never matched again;
what fits nowhere is kept as unmatched, never guessed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from chulgo.ledger import Ledger
from chulgo.matching import NO_FIT, Candidates, fallback_match, recipient_mismatch
from chulgo.model import Problem, TrackingResult

FALLBACK_DAYS = 14      # results without our id are matched against parcels printed this recently


class Attachment(NamedTuple):
    courier: str
    tracking_no: str
    shipment_id: str
    source: str


@dataclass
class Attached:
    """What one file's results did: numbers attached now, rows already attached before, and the rest (named)."""
    attachments: list[Attachment] = field(default_factory=list)
    again: int = 0
    unmatched: int = 0
    problems: list[Problem] = field(default_factory=list)


def attach_results(ledger: Ledger, results: list[TrackingResult], today: date) -> Attached:
    """Attach each result to its parcel: by our id, else by the one look-alike parcel printed in the FALLBACK_DAYS
    before ``today``; record the rest as unmatched.

    A number already attached is never matched again. Without our id, a row goes to the one untracked look-alike
    parcel; only a parcel matched earlier in the same file (its other boxes) may take a second number.
    """
    out = Attached()
    refs = [r.shipment_ref for r in results if r.shipment_ref]
    states = ledger.shipment_states(refs)
    printed = ledger.parcel_recipients([ref for ref in refs if ref in states])
    owners: dict[tuple[str, str], str] = {}
    for courier in {r.courier for r in results}:
        numbers = [r.tracking_no for r in results if r.courier == courier]
        owners |= {(courier, no): sid for no, sid in ledger.tracking_owners(courier, numbers).items()}
    since = (today - timedelta(days=FALLBACK_DAYS)).isoformat()
    candidates: dict[str, Candidates] = {}   # untracked parcels as this run found them, per pool
    matched_here: set[str] = set()
    for r in results:
        where = f"{r.source} {r.source_row}행"
        owner = owners.get((r.courier, r.tracking_no))
        if owner is not None and (not r.shipment_ref or r.shipment_ref == owner or r.shipment_ref not in states):
            out.again += 1                   # an old row listed again (courier lists cover date ranges)
            continue
        if owner is not None:
            out.problems.append(Problem("tracking_reused", f"운송장 {r.tracking_no}은(는) 이미 송장 {owner}에 붙어 있어 "
                                        f"{r.shipment_ref}에는 붙이지 않습니다. 택배사 파일을 확인하세요.", where))
            out.unmatched += 1
            continue
        sid, why = r.shipment_ref, ""
        if sid in states and states[sid] is not None:
            sid, why = "", f"고객주문번호 {r.shipment_ref}은(는) 재발행으로 무효가 된 송장입니다 — 새 송장을 쓰세요"
        elif sid in states and (mismatch := recipient_mismatch(r, printed[sid])):
            # Our id, someone else's parcel: another shop's file on the same courier account. Never attached.
            sid, why = "", f"고객주문번호 {r.shipment_ref}은(는) 우리 송장 번호지만 {mismatch} — 다른 작업 폴더(다른 가게)의 " \
                           "결과 파일이 아닌지 확인하세요"
        elif not sid or sid not in states:
            # The courier dropped our id (or the column holds something else): match on the recipient instead,
            # among that courier's parcels (a supplier's answer: among the parcels sent to suppliers).
            pool = r.courier if r.parcels_of is None else r.parcels_of
            if pool not in candidates:
                candidates[pool] = Candidates(ledger.untracked_shipments(pool, since))
            parcels = candidates[pool].near(r.name)        # every parcel the row can fit is among these
            match, why = fallback_match(r, [p for p in parcels if p.shipment_id not in matched_here])
            if match is None and why == NO_FIT:
                match, why = fallback_match(r, [p for p in parcels if p.shipment_id in matched_here])
            sid = match.shipment_id if match is not None else ""
            if match is None and r.shipment_ref:
                why = f"고객주문번호 {r.shipment_ref}은(는) 우리 송장이 아니고, {why}"
        if not sid:
            ledger.record_unmatched(r.courier, r.tracking_no, r.name, r.phone, r.address, r.source, r.source_row, why)
            out.problems.append(Problem("unmatched_tracking", f"운송장 {r.tracking_no} ({r.name}): {why}. 현황.xlsx "
                                        "'미매칭 운송장'에 남겨 둡니다.", where))
            out.unmatched += 1
            continue
        matched_here.add(sid)
        owners[(r.courier, r.tracking_no)] = sid
        out.attachments.append(Attachment(r.courier, r.tracking_no, sid, r.source))
    ledger.attach_tracking(out.attachments)
    return out
