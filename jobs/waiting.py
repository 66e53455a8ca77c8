"""Sort open lines into ready and waiting (unmapped, on hold, no address), and keep 미매핑 up to date."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import chain

from chulgo.deadlines import key_date, next_business_day
from chulgo.ledger import Stock, order_time_key
from chulgo.mapping import MappingBook, unmapped_rows
from chulgo.model import Item, OrderLine, Problem
from chulgo.normalise import digits
from chulgo.recipient_check import check_recipient
from chulgo.states import HELD, HOLD_CHANNEL, HOLD_REASONS, HOLD_VANISHED, NEW
from chulgo.template import spec_names
from chulgo.suppliers import MIXED, supplier_of
from jobs.context import Context
from jobs.suppliers import supplier_map

PLACEHOLDER_PHONES = {"01000000000"}    # 선물하기 orders whose recipient has not given a number yet
DEFAULT_GIFT_DAYS = 7
WARN_DAYS = 2
RECIPIENT_FIELDS = {"name": "recipient", "phone": "phone", "zip": "zip", "address": "address"}   # -> template field


@dataclass
class OpenLines:
    ready: list[tuple[OrderLine, list[Item]]] = field(default_factory=list)
    unmapped: list[OrderLine] = field(default_factory=list)
    held: list[tuple[OrderLine, str]] = field(default_factory=list)          # (line, hold reason)
    waiting_address: list[OrderLine] = field(default_factory=list)           # gifts without an address yet
    bad_recipient: list[tuple[OrderLine, list[Problem]]] = field(default_factory=list)
    too_fresh: list[tuple[OrderLine, int]] = field(default_factory=list)      # (line, minutes since it was paid)
    next_day: list[tuple[OrderLine, date]] = field(default_factory=list)      # after the cut-off: (line, ship day)
    bundle_waiting: list[tuple[OrderLine, int]] = field(default_factory=list)  # (ready line, lines it waits for)
    short: list[tuple[OrderLine, dict[str, int]]] = field(default_factory=list)  # (line, SKU -> how many missing)
    mixed: list[OrderLine] = field(default_factory=list)     # a set whose components different suppliers ship
    stock: dict[str, Stock] = field(default_factory=dict)   # counted SKUs on hand before this sort allocated any


def is_gift(ctx: Context, line: OrderLine) -> bool:
    """A gift order (its recipient enters the address later): a gift channel, or the 선물하기 placeholder phone."""
    channel = ctx.channels.get(line.channel)
    return getattr(channel, "gift_days", None) is not None or digits(line.recipient.phone) in PLACEHOLDER_PHONES


def needs_address(line: OrderLine) -> bool:
    """A gift whose recipient has not entered the address (or only a placeholder phone) cannot ship yet."""
    r = line.recipient
    return not r.address or not r.name or digits(r.phone) in PLACEHOLDER_PHONES


def order_age(line: OrderLine, today: date) -> int | None:
    """Days since the order, from its 주문일시; None when the channel gave no readable date."""
    ordered = key_date(order_time_key(line.ordered_at))
    return None if ordered is None else (today - ordered).days


def gift_deadline(ctx: Context, line: OrderLine) -> tuple[int | None, int]:
    """(days left before the channel auto-cancels, the channel's limit in days)."""
    channel = ctx.channels.get(line.channel)
    limit = ctx.settings.gift_days(line.channel, getattr(channel, "gift_days", None) or DEFAULT_GIFT_DAYS)
    age = order_age(line, ctx.today)
    return (None if age is None else limit - age), limit


def minutes_since_paid(line: OrderLine, now: datetime) -> int | None:
    """Minutes between the order's time (to the minute) and ``now``; None when the channel gave no time of day."""
    key = order_time_key(line.ordered_at)
    if len(key) < 12 or key[8:12] == "0000" and not re.search(r"\d{1,2}:\d{2}", line.ordered_at):
        return None
    try:
        paid = datetime(int(key[:4]), int(key[4:6]), int(key[6:8]), int(key[8:10]), int(key[10:12]))
    except ValueError:          # a field out of range: strptime, as ever, decides what the digits say
        try:
            paid = datetime.strptime(key[:12], "%Y%m%d%H%M")
        except ValueError:
            return None
    return int((now - paid).total_seconds() // 60)


def ship_day(ctx: Context, first_seen: str) -> date:
    """The business day a line collected at ``first_seen`` ships on: that day when collected before the cut-off
    ([shipping] cutoff), else the next business day (holidays and 택배 없는 날 skipped). Without a cut-off: today."""
    if not ctx.settings.cutoff:
        return ctx.today
    try:
        seen = datetime.fromisoformat(first_seen[:19])
    except ValueError:
        return ctx.today
    hour, minute = map(int, ctx.settings.cutoff.split(":"))
    day = seen.date() + timedelta(days=1) if (seen.hour, seen.minute) >= (hour, minute) else seen.date()
    return next_business_day(day, ctx.days_off)


def recipient_problems(ctx: Context, line: OrderLine) -> list[Problem]:
    """What would put a bad waybill on the road, named by file, row and the channel's own column."""
    channel = ctx.channels.get(line.channel)
    columns = getattr(channel, "columns", {})
    out = []
    for fld, value, reason in check_recipient(line.recipient):
        spec = columns.get(RECIPIENT_FIELDS[fld]) or (columns.get("phone2") if fld == "phone" else None)
        out.append(Problem("bad_recipient", f"{ctx.channel_name(line.channel)} {line.line_key}: {reason} 이 주문은 송장에 "
                           "올리지 않고 기다립니다 — 채널에서 받는 분 정보를 고친 뒤 주문 파일을 다시 받아 넣으세요.",
                           line.source, "", line.source_row or None, spec_names(spec) if spec else "", value[:40]))
    return out


def sort_open_lines(ctx: Context, book: MappingBook, first: set[tuple[str, str]] | None = None) -> OpenLines:
    """Every line not yet on a waybill, sorted by what it waits for. Mapping is re-read each run.

    A channel bundle (묶음배송번호, 배송비 묶음번호 …) ships whole: while one of its lines waits, its ready lines wait
    too, unless [shipping] partial_bundles = true. Counted stock goes to whole bundles, oldest first (``first``:
    lines to serve before any other — a re-issued batch's, already packed)."""
    out = OpenLines()
    ready = []
    now = ctx.now()
    suppliers = supplier_map(book)
    for line, reason, first_seen in ctx.ledger.open_lines(NEW, HELD):
        if reason:
            out.held.append((line, HOLD_REASONS.get(reason, reason)))
            continue
        items = book.items_for(line)
        if items is None:
            out.unmapped.append(line)
        elif suppliers and supplier_of(items, suppliers) is MIXED:
            out.mixed.append(line)
        elif is_gift(ctx, line) and needs_address(line):
            out.waiting_address.append(line)
        elif problems := recipient_problems(ctx, line):
            out.bad_recipient.append((line, problems))
        elif (age := minutes_since_paid(line, now)) is not None and age < ctx.settings.min_age_minutes:
            out.too_fresh.append((line, age))
        elif (day := ship_day(ctx, first_seen)) > ctx.today and not ctx.ship_now:
            out.next_day.append((line, day))
        else:
            ready.append((line, items))
    if ctx.settings.partial_bundles:
        out.ready = allocate_stock(ctx, book, ready, out, first, by_bundle=False, suppliers=suppliers)
        return out
    # A line the channel dropped (vanished: 쿠팡 drops cancelled items) does not hold back the rest of its bundle.
    held = (l for l, why in out.held if why != HOLD_REASONS[HOLD_VANISHED])
    waiting = Counter((l.channel, l.bundle_key) for l in chain(out.unmapped, out.mixed, out.waiting_address, held,
                                                                (l for l, _ in out.bad_recipient),
                                                                (l for l, _ in out.too_fresh),
                                                                (l for l, _ in out.next_day)))
    whole = []
    for line, items in ready:
        n = waiting.get((line.channel, line.bundle_key), 0)
        if n:
            out.bundle_waiting.append((line, n))
        else:
            whole.append((line, items))
    out.ready = allocate_stock(ctx, book, whole, out, first, by_bundle=True, suppliers=suppliers)
    return out


def record_stock_counts(ctx: Context, book: MappingBook) -> None:
    """The 재고 the seller typed, recorded as counts — not from a stand-in read (the sheet failed) that may be old."""
    if not ctx.mapping_store.failure:
        ctx.ledger.record_counts(book.stock_counts())


def allocate_stock(ctx: Context, book: MappingBook, ready: list[tuple[OrderLine, list[Item]]], out: OpenLines,
                   first: set[tuple[str, str]] | None, *, by_bundle: bool,
                   suppliers: dict[str, str]) -> list[tuple[OrderLine, list[Item]]]:
    """Counted stock goes to the oldest paid orders first, a whole channel bundle at a time (or line by line with
    partial bundles); what it does not cover waits as 재고 부족, its bundle siblings with it (never on a waybill).
    Only SKUs whose 재고 is filled in now are counted: a blank 재고 never holds a line back."""
    record_stock_counts(ctx, book)
    counted = {sku for sku in book.stock_counts() if sku not in suppliers}     # a supplier's stock is not on our shelf
    out.stock = {sku: s for sku, s in ctx.ledger.stock().items() if sku in counted}
    left = {sku: s.on_hand for sku, s in out.stock.items()}
    groups: dict[tuple[str, str], list[tuple[OrderLine, list[Item]]]] = {}
    for line, items in ready:                      # oldest order first (open_lines' order)
        groups.setdefault((line.channel, line.bundle_key if by_bundle else line.line_key), []).append((line, items))
    order = list(groups.values())
    if first:                                      # a re-issued batch's lines first, the rest in the same order
        order.sort(key=lambda g: not any((l.channel, l.line_key) in first for l, _ in g))
    covered = []
    for group in order:
        need = Counter()
        for _, items in group:
            for it in items:
                need[it.sku] += it.quantity
        if all(left.get(sku, n) >= n for sku, n in need.items()):
            for sku, n in need.items():
                if sku in left:
                    left[sku] -= n
            covered += group
            continue
        missing = {sku: n - max(left[sku], 0) for sku, n in need.items() if sku in left and left[sku] < n}
        short = [(line, {sku: n for sku, n in missing.items() if any(it.sku == sku for it in items)})
                 for line, items in group if any(it.sku in missing for it in items)]
        out.short += short
        for sku in missing:               # what is left is kept for this older order: a newer one does not jump it
            left[sku] = 0
        shorted = {l.line_key for l, _ in short}
        out.bundle_waiting += [(l, len(short)) for l, _ in group if l.line_key not in shorted]
    return covered


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
