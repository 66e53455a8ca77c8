"""tracking: read courier result files from inbox/ and attach each tracking number to its parcel."""

from __future__ import annotations

from chulgo.attach import attach_results
from chulgo.identify import InputFile
from chulgo.picking import write_packing_slip
from chulgo.progress import shown
from chulgo.suppliers import SupplierTemplate
from jobs.context import Context


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
    outcome = attach_results(ledger, results, ctx.today)
    for p in outcome.problems:
        report.problem(p)
    for a in outcome.attachments:
        slip.setdefault(a.shipment_id, []).append(a.tracking_no)
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
    report.done.append(f"{f.name}: {courier.name} 운송장 {len(results)}건 — 새로 붙임 {len(outcome.attachments)}"
                       + (f", 이미 붙어 있음 {outcome.again}" if outcome.again else "")
                       + (f", 맞추지 못함 {outcome.unmatched}" if outcome.unmatched else ""))
    return done


def _packing_slip(ctx: Context, run_id: int, slip: dict[str, list[str]]) -> None:
    """포장확인: each parcel that got its number now, with the 운송장번호 as a barcode, for scan-to-check packing."""
    shipments = ctx.ledger.shipments_by_id(list(slip))
    names = {cid: ch.name for cid, ch in ctx.channels.items()}
    # Named by the run (unique in the ledger): a slip never replaces an earlier one, published or still staged.
    path = write_packing_slip(ctx.staging_for(run_id, "slip") / f"포장확인_{ctx.stamp}_{run_id}.xlsx", shipments, slip,
                              f"{ctx.day} 운송장 {sum(map(len, slip.values()))}건", names)
    ctx.stage_outputs(run_id, [path])
