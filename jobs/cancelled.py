"""cancelled: the seller settled a cancellation the tool could not — a printed parcel pulled from packing or called
back after the channel cancelled it, or an order the channel's list dropped that is indeed cancelled."""

from __future__ import annotations

from chulgo.model import ChulgoError
from jobs.context import Context


def cancelled(ctx: Context, keys: list[str]) -> None:
    """``keys``: 주문 줄 번호, 주문번호 or our parcel id, as 현황.xlsx lists them."""
    with ctx.ledger.transaction():
        done = ctx.ledger.settle_cancellations(keys)
    if not done:
        raise ChulgoError(f"{', '.join(keys)}: 출력 후 취소되었거나 채널 목록에서 사라진 주문이 아닙니다. 현황.xlsx "
                          "'출력후취소'·'대기' 시트의 주문 줄 번호나 주문번호를 쓰세요.")
    ctx.report.done.append("취소로 정리했습니다: " + ", ".join(f"{ctx.channel_name(d.channel)} {d.line_key}" for d in done)
                           + " — 송장 업로드에는 나가지 않고 목록에서 빠집니다.")
