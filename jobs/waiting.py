"""Sort open lines into ready and waiting (unmapped, on hold, no address), and keep 미매핑 up to date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from chulgo.mapping import MappingBook, save_unmapped, unmapped_rows
from chulgo.model import Item, OrderLine
from chulgo.normalise import digits
from jobs.context import Context

PLACEHOLDER_PHONES = {"01000000000"}    # 선물하기 orders whose recipient has not given a number yet
DEFAULT_GIFT_DAYS = 7
WARN_DAYS = 2
_DATE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})")


@dataclass
class OpenLines:
    ready: list[tuple[OrderLine, list[Item]]] = field(default_factory=list)
    unmapped: list[OrderLine] = field(default_factory=list)
    held: list[OrderLine] = field(default_factory=list)
    waiting_address: list[OrderLine] = field(default_factory=list)


def needs_address(line: OrderLine) -> bool:
    """A gift whose recipient has not entered the address (or only a placeholder phone) cannot ship yet."""
    r = line.recipient
    return not r.address or not r.name or digits(r.phone) in PLACEHOLDER_PHONES


def order_age(line: OrderLine, today: date) -> int | None:
    """Days since the order, from its 주문일시; None when the channel gave no readable date."""
    m = _DATE.search(line.ordered_at)
    if not m:
        return None
    try:
        return (today - date(int(m[1]), int(m[2]), int(m[3]))).days
    except ValueError:
        return None


def gift_deadline(ctx: Context, line: OrderLine) -> tuple[int | None, int]:
    """(days left before the channel auto-cancels, the channel's limit in days)."""
    channel = ctx.channels.get(line.channel)
    limit = ctx.settings.gift_days(line.channel, getattr(channel, "gift_days", None) or DEFAULT_GIFT_DAYS)
    age = order_age(line, ctx.today)
    return (None if age is None else limit - age), limit


def sort_open_lines(ctx: Context, book: MappingBook) -> OpenLines:
    """Every line not yet on a waybill, sorted by what it waits for. Mapping is re-read each run."""
    out = OpenLines()
    for line in ctx.ledger.lines_in_state("new"):
        if line.status_class == "hold":
            out.held.append(line)
            continue
        items = book.items_for(line)
        if items is None:
            out.unmapped.append(line)
        elif needs_address(line):
            out.waiting_address.append(line)
        else:
            out.ready.append((line, items))
    return out


def update_unmapped(ctx: Context, book: MappingBook, lines: OpenLines) -> None:
    """Write 미매핑 to the mapping workbook (or outbox when Excel holds it) and report what waits."""
    for p in book.problems:
        ctx.report.problem(p)
    names = {cid: ch.name for cid, ch in ctx.channels.items()}
    rows = unmapped_rows(lines.unmapped, book, names)
    written, note = save_unmapped(book, rows, ctx.out_dir, touch_workbook=not ctx.dry_run)
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
            f"상품 매핑이 없는 주문 {len(lines.unmapped)}줄 ({listings}개 상품) — 상품매핑.xlsx '미매핑' 시트에 SKU를 "
            "적고 다시 실행하면 출고됩니다.")
    if lines.held:
        ctx.report.waiting.append(f"채널에서 보류(취소·반품 요청 등) 중인 주문 {len(lines.held)}줄 — 클레임이 끝나면 다음 수집 때 풀립니다.")
    report_gifts(ctx, lines.waiting_address)


def report_gifts(ctx: Context, lines: list[OrderLine]) -> None:
    """Gifts waiting for an address: how many, and loudly the ones near or past the auto-cancel deadline."""
    if not lines:
        return
    ctx.report.waiting.append(f"배송지 대기(선물하기) {len(lines)}줄 — 받는 분이 주소를 넣으면 다음 수집 때 출고됩니다.")
    for line in lines:
        left, limit = gift_deadline(ctx, line)
        if left is None or left > WARN_DAYS:
            continue
        name = ctx.channel_name(line.channel)
        if left >= 0:
            ctx.report.waiting.append(f"  자동취소 D-{left}: {name} {line.line_key} ({line.ordered_at} 주문, {limit}일 안에 "
                                      "주소가 없으면 채널이 취소) — 받는 분께 주소 입력을 안내하세요.")
        else:
            ctx.report.waiting.append(f"  기한 지남: {name} {line.line_key} ({line.ordered_at} 주문) — 채널에서 취소되었는지 "
                                      "확인하세요. 취소가 담긴 새 주문 파일을 넣으면 목록에서 빠집니다.")
