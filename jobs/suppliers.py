"""Suppliers who ship for us (위탁): their 발주서 in a ship run, their trust now, and their late answers."""

from __future__ import annotations

import re
from datetime import date, timedelta

from chulgo.deadlines import add_business_days
from chulgo.parcels import group_parcels, make_shipments
from chulgo.sheets import STATUS_STYLES, Sheet
from chulgo.suppliers import SUPPLIER_PARCELS, Ready, SupplierParcel, Trust, due_day, supplier_trust, template_for
from jobs.context import Context

HISTORY_DAYS = 180          # trust looks at the supplier's orders of this many days (its last [suppliers] window)

def recent_parcels(ctx: Context) -> list[SupplierParcel]:
    """The parcels sent to suppliers in the last HISTORY_DAYS: what trust and the late warnings are read from."""
    return ctx.ledger.supplier_parcels((ctx.today - timedelta(days=HISTORY_DAYS)).isoformat())


def trust_now(ctx: Context, parcels: list[SupplierParcel] | None = None) -> dict[str, Trust]:
    """Each supplier's trust from its recent orders (and the seller's override in settings.toml)."""
    return supplier_trust(recent_parcels(ctx) if parcels is None else parcels, ctx.settings.suppliers, ctx.today,
                          ctx.settings.ship_days, ctx.days_off)


def order_batch(ctx: Context, run_id: int, supplier: str, group: list[Ready], trust: Trust | None) -> None:
    """One supplier's 발주서: its parcels (합포장 as ours), staged until the commit; nothing taken from our shelf."""
    ledger = ctx.ledger
    batch = ledger.new_batch(ctx.day, SUPPLIER_PARCELS, supplier=supplier)
    shipments = make_shipments(group_parcels(group, ctx.settings.merge), ctx.today, batch.batch_id, SUPPLIER_PARCELS,
                               code=ledger.parcel_code, dry_run=ctx.dry_run)
    names = {cid: ch.name for cid, ch in ctx.channels.items()}
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", supplier).strip("_") or "공급사"
    path = template_for(ctx.suppliers, supplier).write_order_sheet(
        shipments, ctx.settings.seller, ctx.staging_for(run_id, f"supplier-{batch.batch_id}") / f"발주서_{safe}_{batch.label}.xlsx",
        names)
    ledger.add_shipments(shipments, moves_stock=False)
    ledger.set_batch_files(batch.batch_id, [path.name])
    ctx.stage_outputs(run_id, [path])
    orders = len({(line.channel, line.bundle_key) for line, _ in group})
    trusted = trust is not None and trust.trusted
    ctx.report.done.append(
        f"{batch.label} 발주서 ({supplier}): 주문 {orders}건({len(group)}줄) → 발주 {len(shipments)}건. 공급사에 보내고, "
        "택배사·송장번호를 채운 답장을 inbox에 넣으세요."
        + (" 믿을 수 있는 공급사라 채널에서 바로 발주확인해도 됩니다." if trusted else
           " 아직 믿을 수 있는 공급사가 아니라(현황.xlsx '공급사') 송장번호가 오면 발주확인하세요."))


def late_parcels(ctx: Context, parcels: list[SupplierParcel]) -> list[tuple[SupplierParcel, date]]:
    """Supplier parcels with no tracking number yet whose deadline is today, past, or the next business day."""
    soon = add_business_days(ctx.today, 1, ctx.days_off)
    out = []
    for p in parcels:
        if p.tracked_at:
            continue
        due = due_day(p, ctx.settings.suppliers, ctx.settings.ship_days, ctx.days_off)
        if due <= soon:
            out.append((p, due))
    return out


def report_late(ctx: Context, late: list[tuple[SupplierParcel, date]]) -> None:
    """Warn, per supplier, before its orders miss the channel's deadline (and loudly once they have)."""
    by_supplier: dict[str, list[date]] = {}
    for p, due in late:
        by_supplier.setdefault(p.supplier, []).append(due)
    for supplier, dues in sorted(by_supplier.items()):
        past = sum(d < ctx.today for d in dues)
        today = sum(d == ctx.today for d in dues)
        later = len(dues) - past - today
        parts = [f"기한 지남 {past}건"] * bool(past) + [f"오늘 기한 {today}건"] * bool(today) + \
                [f"내일 기한 {later}건"] * bool(later)
        ctx.report.waiting.append(f"공급사 {supplier}: 송장번호가 오지 않은 발주 — {', '.join(parts)}. 공급사에 발송을 "
                                  "확인하세요 (현황.xlsx '공급사 송장 대기').")


def supplier_sheets(ctx: Context, trust: dict[str, Trust], late: list[tuple[SupplierParcel, date]]) -> list[Sheet]:
    """'공급사': each supplier's trust and why; '공급사 송장 대기': the orders whose answer is due (late in red)."""
    rows: list[list[str | int]] = [["공급사", "신뢰", "근거", f"최근 {ctx.settings.suppliers.window}건 중 기한 내 발송",
                                    "기한 내 비율", "답장 대기", "기한 지남(답장 없음)"]]
    for t in sorted(trust.values(), key=lambda t: t.supplier):
        rows.append([t.supplier, "믿음" if t.trusted else "확인 후 발주확인", t.why, f"{t.on_time}/{t.decided}",
                     "" if t.share is None else f"{t.share:.0%}", t.pending, t.late_now])
    waiting: list[list[str | int]] = [["공급사", "발주번호", "발주일", "받는분", "발송기한", "상태"]]
    for p, due in sorted(late, key=lambda pd: (pd[1], pd[0].shipment_id)):
        state = "기한 지남" if due < ctx.today else "오늘 기한" if due == ctx.today else "내일 기한"
        waiting.append([p.supplier, p.shipment_id, p.day, p.name, due.isoformat(), state])
    urgent = {i for i, row in enumerate(waiting) if i and row[-1] != "내일 기한"}
    return [Sheet("공급사", rows, printable=True, landscape=True),
            Sheet("공급사 송장 대기", waiting, row_styles={i: "urgent" for i in urgent}, styles=STATUS_STYLES,
                  printable=True, landscape=True)]
