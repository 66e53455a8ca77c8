"""tracking: read courier result files from inbox/ and attach each tracking number to its parcel."""

from __future__ import annotations

from datetime import timedelta

from chulgo.matching import NO_FIT, Candidates, fallback_match, recipient_mismatch
from chulgo.model import Problem, TrackingResult
from chulgo.picking import write_packing_slip
from chulgo.progress import shown
from chulgo.suppliers import SupplierTemplate
from chulgo.identify import InputFile
from jobs.context import Context


FALLBACK_DAYS = 14      # results without our id are matched against parcels printed this recently


def tracking(ctx: Context) -> None:
    report, ledger = ctx.report, ctx.ledger
    inbox = ctx.inbox.files()
    ctx.report_unusable(inbox)
    for f in inbox:                           # orders or claims waiting for collect: not read here, not kept parsed
        f.release(orders=True, claims=True)
    files = [f for f in inbox if f.tracking]
    done_files = []
    slip: dict[str, list[str]] = {}          # parcel id -> tracking numbers attached in this run
    with ledger.transaction():
        run_id = ledger.start_run("tracking")
        for f in shown(files, "택배 결과 읽는 중"):
            if _read_results(ctx, f, run_id, slip):
                done_files.append(f.path)
        if slip:
            _packing_slip(ctx, run_id, slip)
        ledger.finish_run(run_id, "; ".join(report.done))
    ctx.publish_outputs()
    for path in done_files:
        ctx.archive(path)


def _read_results(ctx: Context, f: InputFile, run_id: int, slip: dict[str, list[str]]) -> bool:
    """One result file (a courier's or a supplier's answer) attached; True when the file is done (to archive). Its
    rows live only while it is read: the packing slip is written without them."""
    report, ledger = ctx.report, ctx.ledger
    if ledger.file_seen(f.sha):
        report.done.append(f"{f.name}: 이미 읽은 택배 결과 파일입니다 — 보관함으로 옮깁니다.")
        return True
    courier, results, problems = f.read_tracking()
    if not results and not problems and isinstance(courier, SupplierTemplate):
        report.waiting.append(f"{f.name}: 공급사 답장에 송장번호가 아직 하나도 없습니다. 송장번호를 채운 답장을 "
                              "받아 넣으세요. 파일은 inbox에 둡니다.")
        return False
    if not results:
        for p in problems[:3]:
            report.problem(p)
        report.waiting.append(f"{f.name}: 운송장번호가 하나도 없습니다. 택배사 결과 파일이 아니라 송장요청 "
                              "파일 같습니다 — 출력 후 택배사에서 받은 파일을 넣으세요. 파일은 inbox에 둡니다.")
        return False
    attachments, again, unmatched = _attach(ctx, results)
    attached = len(attachments)
    for _, number, sid, _ in attachments:
        slip.setdefault(sid, []).append(number)
    if problems:
        # Good rows are attached (attaching is idempotent); the file stays so the rest is not lost.
        for p in problems:
            report.problem(p)
        report.waiting.append(f"{f.name}: 읽지 못한 행이 있어 파일을 inbox에 둡니다. 위의 행을 고친 파일을 "
                              "다시 넣거나 templates/couriers/ 의 설정을 고치세요.")
        done = False
    else:
        ledger.record_file(f.sha, f.name, "tracking", courier.id, len(results), run_id)
        done = True
    report.done.append(f"{f.name}: {courier.name} 운송장 {len(results)}건 — 새로 붙임 {attached}"
                       + (f", 이미 붙어 있음 {again}" if again else "")
                       + (f", 맞추지 못함 {unmatched}" if unmatched else ""))
    return done


def _packing_slip(ctx: Context, run_id: int, slip: dict[str, list[str]]) -> None:
    """포장확인: each parcel that got its number now, with the 운송장번호 as a barcode, for scan-to-check packing."""
    shipments = ctx.ledger.shipments_by_id(list(slip))
    names = {cid: ch.name for cid, ch in ctx.channels.items()}
    # Named by the run (unique in the ledger): a slip never replaces an earlier one, published or still staged.
    path = write_packing_slip(ctx.staging_for(run_id, "slip") / f"포장확인_{ctx.stamp}_{run_id}.xlsx", shipments, slip,
                              f"{ctx.day} 운송장 {sum(map(len, slip.values()))}건", names)
    ctx.stage_outputs(run_id, [path])


def _attach(ctx: Context, results: list[TrackingResult]) -> tuple[list[tuple[str, str, str, str]], int, int]:
    """Attach each result to its parcel: by our id, else by the one look-alike parcel; report the rest.

    A number already attached is never matched again. Without our id, a row goes to the one untracked look-alike
    parcel; only a parcel matched earlier in the same file (its other boxes) may take a second number.
    """
    ledger = ctx.ledger
    attached = again = unmatched = 0
    refs = [r.shipment_ref for r in results if r.shipment_ref]
    states = ledger.shipment_states(refs)
    printed = ledger.parcel_recipients([ref for ref in refs if ref in states])
    owners: dict[tuple[str, str], str] = {}
    for courier in {r.courier for r in results}:
        numbers = [r.tracking_no for r in results if r.courier == courier]
        owners |= {(courier, no): sid for no, sid in ledger.tracking_owners(courier, numbers).items()}
    candidates: dict[str, Candidates] = {}   # untracked parcels as this run found them, per pool
    matched_here: set[str] = set()
    attachments: list[tuple[str, str, str, str]] = []
    since = (ctx.today - timedelta(days=FALLBACK_DAYS)).isoformat()
    for r in results:
        where = f"{r.source} {r.source_row}행"
        owner = owners.get((r.courier, r.tracking_no))
        if owner is not None and (not r.shipment_ref or r.shipment_ref == owner or r.shipment_ref not in states):
            again += 1                       # an old row listed again (courier lists cover date ranges)
            continue
        if owner is not None:
            ctx.report.problem(Problem("tracking_reused", f"운송장 {r.tracking_no}은(는) 이미 송장 {owner}에 붙어 있어 "
                                       f"{r.shipment_ref}에는 붙이지 않습니다. 택배사 파일을 확인하세요.", where))
            unmatched += 1
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
            ctx.report.problem(Problem("unmatched_tracking", f"운송장 {r.tracking_no} ({r.name}): {why}. 현황.xlsx "
                                       "'미매칭 운송장'에 남겨 둡니다.", where))
            unmatched += 1
            continue
        matched_here.add(sid)
        owners[(r.courier, r.tracking_no)] = sid
        attachments.append((r.courier, r.tracking_no, sid, r.source))
        attached += 1
    ledger.attach_tracking(attachments)
    return attachments, again, unmatched
