"""What waits before shipping, said to the seller, and 미매핑 kept up to date; the rules that sort open lines are
chulgo/readiness.py."""

from __future__ import annotations

from collections import Counter

from chulgo import readiness
from chulgo.mapping import MappingBook, unmapped_rows
from chulgo.model import OrderLine
from chulgo.readiness import WARN_DAYS, OpenLines, gift_deadline
from chulgo.states import HOLD_CHANNEL, HOLD_REASONS, HOLD_VANISHED
from jobs.context import Context


def sorted_lines(ctx: Context, book: MappingBook, first: set[tuple[str, str]] | None = None) -> OpenLines:
    """Every line not yet on a waybill, sorted by what it waits for (chulgo/readiness.py), after recording the 재고
    the seller typed since the last run."""
    record_stock_counts(ctx, book)
    return readiness.sort_open_lines(ctx.ledger, book, ctx.ship_rules(), first)


def record_stock_counts(ctx: Context, book: MappingBook) -> None:
    """The 재고 the seller typed, recorded as counts — not from a stand-in read (the sheet failed) that may be old."""
    if not ctx.mapping_store.failure:
        ctx.ledger.record_counts(book.stock_counts())


def update_unmapped(ctx: Context, book: MappingBook, lines: OpenLines) -> None:
    """Write 미매핑 to the mapping workbook (or outbox when Excel holds it) and report what waits."""
    for p in book.problems:
        ctx.report.problem(p)
    names = {cid: ch.name for cid, ch in ctx.channels.items()}
    rows = unmapped_rows(lines.unmapped, book, names)
    written, note = ctx.mapping_store.save_unmapped(book, rows, ctx.out_dir, touch_workbook=not ctx.dry_run)
    if written == book.path:
        ctx.report.done.append(note)
    elif written is not None:
        ctx.report.waiting.append(note)
        ctx.report.outputs.append(written)
    report_waiting(ctx, lines)


def report_waiting(ctx: Context, lines: OpenLines) -> None:
    """What waits before shipping and why (said once per run however many steps ask)."""
    if lines.unmapped:
        listings = len({(l.channel, l.product_code, l.option_code, l.product_name, l.option_text) for l in lines.unmapped})
        ctx.report.waiting.append(
            f"상품 매핑이 없는 주문 {len(lines.unmapped)}줄 ({listings}개 상품) — {ctx.mapping_store.name} '미매핑' 시트에 SKU를 "
            "적고 다시 실행하면 출고됩니다.")
    channel_held = [l for l, reason in lines.held if reason == HOLD_REASONS[HOLD_CHANNEL]]
    vanished = [l for l, reason in lines.held if reason == HOLD_REASONS[HOLD_VANISHED]]
    if channel_held:
        ctx.report.waiting.append(f"채널에서 보류(취소·반품 요청 등) 중인 주문 {len(channel_held)}줄 — 클레임이 끝나면 다음 수집 때 풀립니다.")
    if vanished:
        ctx.report.waiting.append(
            f"채널 목록에서 사라진 주문 {len(vanished)}줄 — 출고하지 않고 보류합니다. 채널에서 취소되었는지 확인하세요: 취소가 "
            "맞으면 'uv run run.py cancelled 주문번호', 살아 있는 주문이면 그 주문이 담긴 새 주문 파일을 넣으면 풀립니다 "
            "(현황.xlsx '대기' 시트).")
    if lines.bad_recipient:
        for _, problems in lines.bad_recipient:
            for p in problems:
                ctx.report.problem(p)
    if lines.too_fresh:
        ctx.report.waiting.append(f"결제한 지 {ctx.settings.min_age_minutes}분이 안 된 주문 {len(lines.too_fresh)}줄 — 바로 취소하는 "
                                  "구매자가 많아 다음 실행 때 출고합니다 ([collect] min_age_minutes).")
    if lines.next_day:
        first = min(day for _, day in lines.next_day)
        ctx.report.waiting.append(f"마감({ctx.settings.cutoff}) 뒤에 들어온 주문 {len(lines.next_day)}줄 — {first:%m월 %d일} 출고분으로 "
                                  "넘깁니다 (지금 보내려면 'uv run run.py ship --now').")
    if lines.short:
        missing = Counter()
        for _, m in lines.short:
            missing.update(m)
        top = ", ".join(f"{sku} {n}개" for sku, n in missing.most_common(5))
        ctx.report.waiting.append(f"재고 부족으로 기다리는 주문 {len(lines.short)}줄 (모자람: {top}) — 먼저 들어온 주문부터 "
                                  "재고를 배정했습니다. 입고되면 상품 시트의 재고를 새로 센 값으로 고치세요.")
    if lines.mixed:
        ctx.report.waiting.append(
            f"세트 구성품을 보내는 곳(우리 창고·공급사)이 섞여 한 상자로 보낼 수 없는 주문 {len(lines.mixed)}줄 — 상품 시트의 "
            "공급사를 한 곳으로 맞추거나, 세트를 나눠 매핑하세요 (현황.xlsx '대기' 시트).")
    if lines.bundle_waiting:
        ctx.report.waiting.append(
            f"묶음배송의 다른 상품을 기다리는 주문 {len(lines.bundle_waiting)}줄 — 같은 묶음이 모두 준비되면 한 상자로 나갑니다 "
            "(먼저 보내려면 settings.toml [shipping] partial_bundles = true).")
    report_gifts(ctx, lines.waiting_address)


def report_gifts(ctx: Context, lines: list[OrderLine]) -> None:
    """Gifts waiting for an address: how many, and loudly the ones near or past the auto-cancel deadline."""
    if not lines:
        return
    ctx.report.waiting.append(f"배송지 대기(선물하기) {len(lines)}줄 — 받는 분이 주소를 넣으면 다음 수집 때 출고됩니다.")
    rules = ctx.ship_rules()
    for line in lines:
        left, limit = gift_deadline(rules, line)
        if left is None or left > WARN_DAYS:
            continue
        name = ctx.channel_name(line.channel)
        if left >= 0:
            ctx.report.waiting.append(f"  자동취소 D-{left}: {name} {line.line_key} ({line.ordered_at} 주문, {limit}일 안에 "
                                      "주소가 없으면 채널이 취소) — 받는 분께 주소 입력을 안내하세요.")
        else:
            ctx.report.waiting.append(f"  기한 지남: {name} {line.line_key} ({line.ordered_at} 주문) — 채널에서 취소되었는지 "
                                      "확인하세요. 취소가 담긴 새 주문 파일을 넣으면 목록에서 빠집니다.")
