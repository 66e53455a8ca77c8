"""returns: returned goods that came back — good ones go back on the shelf (stock +), defects do not."""

from __future__ import annotations

from chulgo.model import ChulgoError
from jobs.context import Context

OUTCOMES = {"입고": "good", "good": "good", "불량": "defect", "defect": "defect"}


def returns(ctx: Context, action: str | None, keys: list[str]) -> None:
    if not action:
        waiting = ctx.ledger.returns()
        if not waiting:
            ctx.report.done.append("돌아오기를 기다리는 반품이 없습니다.")
        for r in waiting:
            line = r.line
            ctx.report.waiting.append(f"반품 대기: {ctx.channel_name(line.channel)} {line.line_key} {line.product_name} "
                                      f"{line.quantity}개 ('{r.claim}', 송장 {r.shipment_id or '-'}) — 물건이 오면 "
                                      f"'uv run run.py returns 입고 {line.line_key}' (불량이면 '불량').")
        return
    outcome = OUTCOMES.get(action)
    if outcome is None or not keys:
        raise ChulgoError("사용법: uv run run.py returns 입고|불량 주문번호 … (주문 줄 번호, 주문번호, 우리 송장번호)")
    with ctx.ledger.transaction():
        done = ctx.ledger.receive_returns(keys, outcome)
    if not done:
        raise ChulgoError(f"{', '.join(keys)}: 돌아오기를 기다리는 반품이 아닙니다 (이미 받았거나 반품 요청이 없는 주문). "
                          "목록은 'uv run run.py returns'.")
    for r in done:
        what = ", ".join(f"{it.sku} {it.quantity}개" for it in r.items)
        ctx.report.done.append(f"{ctx.channel_name(r.channel)} {r.line_key}: 반품 " + (f"입고 — 재고에 더했습니다 ({what})."
                               if outcome == "good" else f"불량 — 재고에 더하지 않았습니다 ({what})."))
