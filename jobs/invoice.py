"""invoice: per-channel invoice upload files for every tracked line not yet invoiced."""

from __future__ import annotations

from chulgo.channels.template import BY_HAND
from chulgo.model import ChulgoError, InvoiceLine, Problem
from chulgo.progress import shown
from chulgo.sheets import Sheet, write_workbook
from jobs.channel_api import push_tracking
from jobs.context import Context


def invoice(ctx: Context) -> None:
    report, ledger = ctx.report, ctx.ledger
    through_api = push_tracking(ctx)      # API channels first; what they refuse comes back to the Excel upload
    with ledger.transaction():
        run_id = ledger.start_run("invoice")
        lines = [line for line in ledger.lines_to_invoice() if (line.channel, line.line_key) not in through_api]
        _report_claims(ctx)
        if not lines:
            if not through_api:
                report.done.append("새로 올릴 송장이 없습니다.")
            ledger.finish_run(run_id, "nothing to invoice")
            return
        seq = ledger.invoice_seq(ctx.day)
        _exchanges(ctx, run_id, [line for line in lines if line.exchange_of], seq)
        by_channel: dict[str, list[InvoiceLine]] = {}
        for line in lines:
            if not line.exchange_of:
                by_channel.setdefault(line.channel, []).append(line)
        for channel_id, group in shown(list(by_channel.items()), "송장 업로드 파일 쓰는 중"):
            channel = ctx.channels.get(channel_id)
            if channel is None:
                report.waiting.append(f"'{channel_id}' 채널 템플릿이 없어 송장 {len(group)}줄을 올릴 파일을 만들지 못했습니다.")
                continue
            for p in channel.check_invoices(group):
                report.problem(p)
            try:
                paths = channel.write_invoices(group, ctx.staging_for(run_id, channel_id), f"{ctx.stamp}_{seq}차")
            except ChulgoError as e:     # one channel's template problem must not hold back the others' uploads
                report.problem(Problem("invoice_failed", f"{channel.name} 송장 {len(group)}줄의 업로드 파일을 만들지 못했습니다: "
                                       f"{e} 고친 뒤 다시 실행하면 만듭니다."))
                continue
            paths = ctx.stage_outputs(run_id, paths, suffix=channel_id)
            ledger.mark_invoiced(group, ctx.day, seq, ", ".join(p.name for p in paths))
            files = ", ".join(p.name for p in paths)
            todo = ("을(를) 판매자센터에 그대로 올리세요." if channel.upload_verified else
                    " — 이 채널의 업로드 양식은 아직 확인되지 않았습니다[확인 필요]. 처음 올릴 때 판매자센터의 양식과 열이 "
                    "맞는지 확인하세요 (맞으면 템플릿의 verified = true).")
            report.done.append(f"{channel.name}: 송장 {len(group)}줄 — {files}" +
                               (f" ({len(paths)}개 파일 모두)" if len(paths) > 1 else "") + todo)
            for p in paths:
                if f"_{BY_HAND}_" in p.name:
                    report.waiting.append(f"{p.name}: 내려받은 주문 파일 없이 API로만 들어온 주문이라 올릴 파일을 만들 수 "
                                          f"없습니다. 이 운송장번호들은 {channel.name} 판매자센터에서 직접 입력하세요.")
        ledger.finish_run(run_id, "; ".join(report.done))
    ctx.publish_outputs()


def _exchanges(ctx: Context, run_id: int, lines: list[InvoiceLine], seq: int) -> None:
    """Replacements of exchanges went out: their numbers go into each channel's 교환 screen (재배송 처리), not the
    order upload. One list of them, so none is forgotten."""
    if not lines:
        return
    rows: list[list[str | int]] = [["채널", "주문번호", "교환한 주문 줄 번호", "택배사", "송장번호"]]
    for line in lines:
        channel = ctx.channels.get(line.channel)
        courier = channel.courier_name(line.courier) if channel is not None else ctx.courier_name(line.courier)
        rows += [[ctx.channel_name(line.channel), line.order_no, line.exchange_of, courier, no] for no in line.tracking_nos]
    name = f"교환재발송_{ctx.stamp}_{seq}차.xlsx"
    path = write_workbook(ctx.staging_for(run_id, "exchange") / name, [Sheet("교환재발송", rows)])
    [final] = ctx.stage_outputs(run_id, [path])
    ctx.ledger.mark_invoiced(lines, ctx.day, seq, final.name)
    ctx.report.done.append(f"교환 재발송 {len(lines)}줄 — {final.name}: 각 채널 판매자센터의 교환 관리에서 재배송 송장으로 "
                           "입력하세요 (주문 송장 업로드 파일에는 넣지 않았습니다).")


def _report_claims(ctx: Context) -> None:
    """Lines the channel cancelled (or put on hold) after their waybill was printed: never uploaded, always listed."""
    for c in ctx.ledger.claims_after_print():
        if c.state in ("batched", "tracked"):
            ctx.report.waiting.append(f"출력 후 취소: {ctx.channel_name(c.line.channel)} {c.line.line_key} ({c.claim}, 송장 "
                                      f"{c.shipment_id}) — 송장 업로드에서 뺐습니다. 포장을 빼거나 회수하세요.")
