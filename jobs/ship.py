"""ship: a new batch — picking list and courier waybill request for every ready line."""

from __future__ import annotations

from chulgo.model import ChulgoError, Item, OrderLine
from chulgo.parcels import group_parcels, make_shipments
from chulgo.picking import write_picking_list
from jobs.context import Context
from jobs.waiting import sort_open_lines, update_unmapped


def ship(ctx: Context, courier_id: str | None = None, reprint: int | None = None) -> None:
    """Ship every ready line: one batch per courier (``--courier`` sends everything with one courier)."""
    report, ledger, settings = ctx.report, ctx.ledger, ctx.settings
    if courier_id is not None:
        ctx.courier(courier_id)            # a wrong --courier fails before anything is written
    book = ctx.mapping()
    with ledger.transaction():
        run_id = ledger.start_run("ship")
        only = None
        if reprint is not None:
            only = _void_batch(ctx, reprint)
            courier_id = courier_id or ledger.batch(reprint)[3]
        open_lines = sort_open_lines(ctx, book)
        update_unmapped(ctx, book, open_lines)
        ready: list[tuple[OrderLine, list[Item]]] = open_lines.ready
        if only is not None:
            ready = [(line, items) for line, items in ready if (line.channel, line.line_key) in only]
        if not ready:
            report.done.append("새로 출고할 주문이 없습니다.")
            ledger.finish_run(run_id, "nothing to ship")
            return
        by_courier: dict[str, list[tuple[OrderLine, list[Item]]]] = {}
        for line, items in ready:
            by_courier.setdefault(courier_id or settings.courier_for(line.channel), []).append((line, items))
        for cid, group in by_courier.items():
            _ship_batch(ctx, ctx.courier(cid), group, book.products, reprint)
        ledger.finish_run(run_id, "; ".join(report.done))


def _ship_batch(ctx: Context, courier, ready: list[tuple[OrderLine, list[Item]]], products, reissue_of) -> None:
    """One batch: parcels for one courier, its picking list and its waybill request."""
    report, ledger = ctx.report, ctx.ledger
    batch_id, seq = ledger.new_batch(ctx.day, courier.id, reissue_of)
    shipments = make_shipments(group_parcels(ready, ctx.settings.merge), ctx.today, batch_id, courier.id,
                               prefix="T" if ctx.dry_run else "S")
    stem = f"{ctx.stamp}_{seq}차"
    title = f"{ctx.day} {seq}차 출고 ({courier.name})" + (f" — {reissue_of}번 묶음 재발행" if reissue_of else "")
    names = {cid: ch.name for cid, ch in ctx.channels.items()}
    picking = write_picking_list(ctx.out_dir / f"피킹리스트_{stem}.xlsx", shipments, products, title, names)
    waybill = courier.write_waybills(shipments, ctx.settings.seller, ctx.out_dir, stem)
    ledger.add_shipments(shipments)
    ledger.set_batch_files(batch_id, [picking.name, waybill.name])
    merged = len(ready) - len(shipments)
    report.outputs += [picking, waybill]
    report.done.append(f"{seq}차 출고 (묶음번호 {batch_id}, {courier.name}): 주문 {len(ready)}줄 → 송장 {len(shipments)}건"
                       + (f" (합포장으로 {merged}건 줄임)" if merged > 0 else "")
                       + f". {courier.name} 사이트에 송장요청 파일을 올리고 출력하세요.")


def _void_batch(ctx: Context, batch_id: int) -> set[tuple[str, str]]:
    """--reprint: void the batch's untracked parcels so their lines go on a fresh waybill with new ids."""
    ledger = ctx.ledger
    if ledger.batch(batch_id) is None:
        raise ChulgoError(f"{batch_id}번 출고 묶음이 없습니다. 'python run.py status'에서 묶음번호를 확인하세요.")
    shipments = ledger.shipments("s.batch_id = ? AND s.voided_at IS NULL", (batch_id,))
    untracked = {s.shipment_id for s in ledger.untracked_shipments_in_batch(batch_id)}
    kept = [s for s in shipments if s.shipment_id not in untracked]
    if kept:
        ctx.report.waiting.append(f"{batch_id}번 묶음의 송장 {len(kept)}건은 이미 운송장번호가 있어 재발행하지 않습니다.")
    if not untracked:
        raise ChulgoError(f"{batch_id}번 묶음에 재발행할 송장이 없습니다 (모두 운송장번호가 붙었거나 이미 재발행됨).")
    ledger.void_shipments(sorted(untracked))
    ctx.report.done.append(f"{batch_id}번 묶음의 송장 {len(untracked)}건을 무효로 하고 새 번호로 다시 발행합니다. "
                           "예전 송장요청 파일은 쓰지 마세요.")
    return {(line.channel, line.line_key) for s in shipments if s.shipment_id in untracked for line in s.lines}
