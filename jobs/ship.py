"""ship: a new batch — picking list and courier waybill request for every ready line."""

from __future__ import annotations

import re
from datetime import date

from chulgo.ledger import Batch
from chulgo.model import ChulgoError, Item, OrderLine
from chulgo.parcels import group_parcels, make_shipments
from chulgo.picking import write_day_total, write_picking_list
from chulgo.progress import shown
from chulgo.suppliers import split_by_supplier
from jobs.context import Context
from jobs.suppliers import order_batch, trust_now
from jobs.waiting import record_stock_counts, sorted_lines, update_unmapped

_BATCH_NAME = re.compile(r"^\s*(?:(\d{4})-?(\d{2})-?(\d{2})\s*[_\s-]\s*)?(\d+)\s*차?\s*$")


def ship(ctx: Context, courier_id: str | None = None, reprint: str | None = None) -> None:
    """Ship every ready line: one batch per courier (``--courier`` sends everything with one courier).

    ``reprint``: a batch as its files name it (`20261124_1차`, or `1` / `1차` for today's) to void and print again.
    """
    report, ledger, settings = ctx.report, ctx.ledger, ctx.settings
    if courier_id is not None:
        ctx.courier(courier_id)            # a wrong --courier fails before anything is written
    book = ctx.mapping()
    with ledger.transaction():
        run_id = ledger.start_run("ship")
        only = None
        reissued = None
        if reprint is not None:
            reissued = find_batch(ctx, reprint)
            record_stock_counts(ctx, book)     # a count typed since is the shelf before the void puts goods back
            only = _void_batch(ctx, reissued)
            courier_id = courier_id or reissued.courier
        open_lines = sorted_lines(ctx, book, first=only)
        update_unmapped(ctx, book, open_lines)
        ready: list[tuple[OrderLine, list[Item]]] = open_lines.ready
        del open_lines                 # reported: from here on the ready lines live only in the batches below
        if only is not None:
            ready = [(line, items) for line, items in ready if (line.channel, line.line_key) in only]
        if not ready:
            report.done.append("새로 출고할 주문이 없습니다.")
            ledger.finish_run(run_id, "nothing to ship")
            return
        ready, to_suppliers = split_by_supplier(ready, book)
        by_courier: dict[str, list[tuple[OrderLine, list[Item]]]] = {}
        for line, items in ready:
            by_courier.setdefault(courier_id or settings.courier_for(line.channel), []).append((line, items))
        del ready
        for cid in shown(list(by_courier), "송장요청·피킹리스트 쓰는 중"):
            _ship_batch(ctx, run_id, ctx.courier(cid), by_courier.pop(cid), book.products, reissued)
        if to_suppliers:
            trust = trust_now(ctx)
            for supplier, group in sorted(to_suppliers.items()):
                order_batch(ctx, run_id, supplier, group, trust.get(supplier))
        _day_total(ctx, run_id, book.products)
        ledger.finish_run(run_id, "; ".join(report.done))
    ctx.publish_outputs()


def _ship_batch(ctx: Context, run_id: int, courier, ready: list[tuple[OrderLine, list[Item]]], products,
                reissued: Batch | None) -> None:
    """One batch: parcels for one courier, its picking list and its waybill request, staged until the commit.
    ``ready`` is emptied once its lines are on parcels: the files are written without the OrderLines in memory."""
    report, ledger = ctx.report, ctx.ledger
    batch = ledger.new_batch(ctx.day, courier.id, reissued.batch_id if reissued else None)
    shipments = make_shipments(group_parcels(ready, ctx.settings.merge), ctx.today, batch.batch_id, courier.id,
                               code=ledger.parcel_code, dry_run=ctx.dry_run)
    orders = len({(line.channel, line.bundle_key) for line, _ in ready})     # what would ship apart without 합포장
    lines = len(ready)
    ready.clear()
    title = f"{ctx.day} {batch.seq}차 출고 ({courier.name})" + (f" — {reissued.label} 재발행" if reissued else "")
    names = {cid: ch.name for cid, ch in ctx.channels.items()}
    out = ctx.staging(run_id)
    picking = write_picking_list(out / f"피킹리스트_{batch.label}.xlsx", shipments, products, title, names)
    waybill = courier.write_waybills(shipments, ctx.settings.seller, out, batch.label)
    ledger.add_shipments(shipments)
    ledger.set_batch_files(batch.batch_id, [*(p.name for p in picking), waybill.name])
    ctx.stage_outputs(run_id, [*picking, waybill])
    for sid, length in courier.cut_messages(shipments):
        report.waiting.append(f"송장 {sid}: 배송메시지가 {length}자라 {courier.name} 칸에 맞게 줄였습니다 — 필요하면 송장에 "
                              "손으로 적으세요.")
    merged = orders - len(shipments)
    report.done.append(f"{batch.label} 출고 ({courier.name}): 주문 {orders}건({lines}줄) → 송장 {len(shipments)}건"
                       + (f" (합포장으로 {merged}건 줄임)" if merged > 0 else "")
                       + f". {courier.name} 사이트에 송장요청 파일을 올리고 출력하세요.")


def _day_total(ctx: Context, run_id: int, products) -> None:
    """One 합계 of everything printed today over every courier and batch (each batch's list has only its own)."""
    today = [b for b in ctx.ledger.recent_batches(200) if b.day == ctx.day and b.parcels and not b.supplier]
    if len(today) < 2:
        return
    shipments = ctx.ledger.courier_shipments_of_day(ctx.day)
    names = {b.batch_id: f"{b.seq}차 {ctx.courier_name(b.courier)}"
             for b in today}
    path = write_day_total(ctx.staging_for(run_id, "day") / f"피킹합계_{ctx.stamp}.xlsx", shipments, products,
                           f"{ctx.day} 하루 피킹 합계 ({len(today)}개 출고 묶음)", names)
    ctx.stage_outputs(run_id, [path])


def find_batch(ctx: Context, name: str) -> Batch:
    """The batch the seller names as its files do: `20261124_1차`, `2026-11-24 1`, or `1차` / `1` for today."""
    m = _BATCH_NAME.match(name)
    if not m:
        raise ChulgoError(f'"{name}"은(는) 출고 묶음 이름이 아닙니다. 파일 이름의 날짜와 차수를 쓰세요 '
                          f"(예: --reprint {ctx.stamp}_1차, 오늘 것은 --reprint 1).")
    day = ctx.today
    if m[1]:
        try:
            day = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise ChulgoError(f'"{name}"의 날짜가 잘못되었습니다 (예: {ctx.stamp}_1차).') from None
    batch = ctx.ledger.batch_of_day(day.isoformat(), int(m[4]))
    if batch is None:
        recent = ", ".join(b.label for b in ctx.ledger.recent_batches(5)) or "아직 없음"
        raise ChulgoError(f"{day:%Y%m%d}_{int(m[4])}차 출고 묶음이 없습니다. 최근 묶음: {recent} "
                          "(현황.xlsx '출고 묶음' 시트에도 있습니다).")
    if batch.supplier:
        raise ChulgoError(f"{batch.label}은(는) 공급사 {batch.supplier}에 보낸 발주서입니다. 발주서는 재발행하지 않습니다 — "
                          f"outbox/{batch.day}/ 의 {', '.join(batch.files)} 파일을 다시 보내세요.")
    return batch


def _void_batch(ctx: Context, batch: Batch) -> set[tuple[str, str]]:
    """--reprint: void the batch's untracked parcels so their lines go on a fresh waybill with new ids."""
    ledger = ctx.ledger
    shipments = ledger.shipments_of_batch(batch.batch_id)
    untracked = {s.shipment_id for s in ledger.untracked_shipments_in_batch(batch.batch_id)}
    kept = [s for s in shipments if s.shipment_id not in untracked]
    if kept:
        ctx.report.waiting.append(f"{batch.label} 묶음의 송장 {len(kept)}건은 이미 운송장번호가 있어 재발행하지 않습니다.")
    if not untracked:
        raise ChulgoError(f"{batch.label} 묶음에 재발행할 송장이 없습니다 (모두 운송장번호가 붙었거나 이미 재발행됨).")
    ledger.void_shipments(sorted(untracked))
    ctx.report.done.append(f"{batch.label} 묶음의 송장 {len(untracked)}건을 무효로 하고 새 번호로 다시 발행합니다. "
                           f"예전 {batch.label} 송장요청 파일은 쓰지 마세요.")
    return {(line.channel, line.line_key) for s in shipments if s.shipment_id in untracked for line in s.lines}
