"""When an open line may ship: mapped, one supplier for its set, an address (gifts wait for theirs), a recipient a
courier can deliver to, paid long enough ago, before the cut-off, its channel bundle complete, and counted stock
for it (oldest orders first). What does not ship yet is sorted by what it waits for."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import chain

from chulgo.channels import Channel
from chulgo.deadlines import key_date, next_business_day
from chulgo.ledger import Ledger, Stock, order_time_key
from chulgo.mapping import MappingBook
from chulgo.model import Item, OrderLine, Problem
from chulgo.normalise import digits
from chulgo.recipient_check import check_recipient
from chulgo.states import HELD, HOLD_REASONS, HOLD_VANISHED, NEW
from chulgo.suppliers import MIXED, supplier_map, supplier_of
from chulgo.template import spec_names


@dataclass(frozen=True)
class ShipRules:
    """What decides whether a line ships now, from settings.toml and the run ([shipping], [collect], [channels.*])."""
    channels: Mapping[str, Channel]
    today: date
    now: datetime
    cutoff: str = ""                       # [shipping] cutoff "HH:MM"; "" none
    days_off: frozenset[str] = frozenset()  # the seller's days off and 택배 없는 날, besides public holidays
    min_age_minutes: int = 0               # [collect] min_age_minutes
    partial_bundles: bool = False          # [shipping] partial_bundles
    ship_now: bool = False                 # `ship --now`: the cut-off does not hold today's late orders back
    gift_days: Callable[[str, int], int] = lambda channel, default: default   # [channels.<id>] gift_days


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


def is_gift(rules: ShipRules, line: OrderLine) -> bool:
    """A gift order (its recipient enters the address later): a gift channel, or the 선물하기 placeholder phone."""
    channel = rules.channels.get(line.channel)
    return getattr(channel, "gift_days", None) is not None or is_placeholder_phone(line.recipient.phone)


def needs_address(line: OrderLine) -> bool:
    """A gift whose recipient has not entered the address (or only a placeholder phone) cannot ship yet."""
    r = line.recipient
    return not r.address or not r.name or is_placeholder_phone(r.phone)


_PLACEHOLDER_ZEROS = min(p.count("0") for p in PLACEHOLDER_PHONES)


def is_placeholder_phone(phone: str) -> bool:
    """The phone is one of PLACEHOLDER_PHONES, however written (a real number has too few zeros to be one: asked
    for every open line, so that is counted first)."""
    return phone.count("0") >= _PLACEHOLDER_ZEROS and digits(phone) in PLACEHOLDER_PHONES


def order_age(line: OrderLine, today: date) -> int | None:
    """Days since the order, from its 주문일시; None when the channel gave no readable date."""
    ordered = key_date(order_time_key(line.ordered_at))
    return None if ordered is None else (today - ordered).days


def gift_deadline(rules: ShipRules, line: OrderLine) -> tuple[int | None, int]:
    """(days left before the channel auto-cancels, the channel's limit in days)."""
    channel = rules.channels.get(line.channel)
    limit = rules.gift_days(line.channel, getattr(channel, "gift_days", None) or DEFAULT_GIFT_DAYS)
    age = order_age(line, rules.today)
    return (None if age is None else limit - age), limit


def minutes_since_paid(line: OrderLine, now: datetime) -> int | None:
    """Minutes between the order's time (to the minute) and ``now``; None when the channel gave no time of day."""
    paid = _paid_at(line.ordered_at)
    return None if paid is None else int((now - paid).total_seconds() // 60)


@lru_cache(maxsize=65536)
def _paid_at(ordered_at: str) -> datetime | None:
    """The order's time to the minute; None when the channel gave no time of day. Remembered: a day's lines
    share their order times by the thousand, and every open line is asked in every step."""
    key = order_time_key(ordered_at)
    if len(key) < 12 or key[8:12] == "0000" and not re.search(r"\d{1,2}:\d{2}", ordered_at):
        return None
    try:
        return datetime(int(key[:4]), int(key[4:6]), int(key[6:8]), int(key[8:10]), int(key[10:12]))
    except ValueError:          # a field out of range: strptime, as ever, decides what the digits say
        try:
            return datetime.strptime(key[:12], "%Y%m%d%H%M")
        except ValueError:
            return None


def ship_day(rules: ShipRules, first_seen: str) -> date:
    """The business day a line collected at ``first_seen`` ships on: that day when collected before the cut-off
    ([shipping] cutoff), else the next business day (holidays and 택배 없는 날 skipped). Without a cut-off: today."""
    if not rules.cutoff:
        return rules.today
    try:
        seen = datetime.fromisoformat(first_seen[:19])
    except ValueError:
        return rules.today
    hour, minute = map(int, rules.cutoff.split(":"))
    day = seen.date() + timedelta(days=1) if (seen.hour, seen.minute) >= (hour, minute) else seen.date()
    return next_business_day(day, rules.days_off)


def recipient_problems(rules: ShipRules, line: OrderLine) -> list[Problem]:
    """What would put a bad waybill on the road, named by file, row and the channel's own column."""
    channel = rules.channels.get(line.channel)
    columns = getattr(channel, "columns", {})
    out = []
    for fld, value, reason in check_recipient(line.recipient):
        spec = columns.get(RECIPIENT_FIELDS[fld]) or (columns.get("phone2") if fld == "phone" else None)
        out.append(Problem("bad_recipient", f"{getattr(channel, 'name', line.channel)} {line.line_key}: {reason} 이 주문은 송장에 "
                           "올리지 않고 기다립니다 — 채널에서 받는 분 정보를 고친 뒤 주문 파일을 다시 받아 넣으세요.",
                           line.source, "", line.source_row or None, spec_names(spec) if spec else "", value[:40]))
    return out


def sort_open_lines(ledger: Ledger, book: MappingBook, rules: ShipRules,
                    first: set[tuple[str, str]] | None = None) -> OpenLines:
    """Every line not yet on a waybill, sorted by what it waits for (the caller records the 재고 counts typed since
    the last run first: ``Ledger.record_counts``).

    A channel bundle (묶음배송번호, 배송비 묶음번호 …) ships whole: while one of its lines waits, its ready lines wait
    too, unless [shipping] partial_bundles = true. Counted stock goes to whole bundles, oldest first (``first``:
    lines to serve before any other — a re-issued batch's, already packed)."""
    out = OpenLines()
    ready = []
    now = rules.now
    suppliers = supplier_map(book)
    for open_line in ledger.open_lines(NEW, HELD):
        line = open_line.line
        if open_line.hold_reason:
            out.held.append((line, HOLD_REASONS.get(open_line.hold_reason, open_line.hold_reason)))
            continue
        items = book.items_for(line)
        if items is None:
            out.unmapped.append(line)
        elif suppliers and supplier_of(items, suppliers) is MIXED:
            out.mixed.append(line)
        elif is_gift(rules, line) and needs_address(line):
            out.waiting_address.append(line)
        elif problems := recipient_problems(rules, line):
            out.bad_recipient.append((line, problems))
        elif (age := minutes_since_paid(line, now)) is not None and age < rules.min_age_minutes:
            out.too_fresh.append((line, age))
        elif (day := ship_day(rules, open_line.first_seen)) > rules.today and not rules.ship_now:
            out.next_day.append((line, day))
        else:
            ready.append((line, items))
    if rules.partial_bundles:
        out.ready = allocate_stock(ledger, book, ready, out, first, by_bundle=False, suppliers=suppliers)
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
    out.ready = allocate_stock(ledger, book, whole, out, first, by_bundle=True, suppliers=suppliers)
    return out


def allocate_stock(ledger: Ledger, book: MappingBook, ready: list[tuple[OrderLine, list[Item]]], out: OpenLines,
                   first: set[tuple[str, str]] | None, *, by_bundle: bool,
                   suppliers: dict[str, str]) -> list[tuple[OrderLine, list[Item]]]:
    """Counted stock goes to the oldest paid orders first, a whole channel bundle at a time (or line by line with
    partial bundles); what it does not cover waits as 재고 부족, its bundle siblings with it (never on a waybill).
    Only SKUs whose 재고 is filled in now are counted: a blank 재고 never holds a line back."""
    counted = {sku for sku in book.stock_counts() if sku not in suppliers}     # a supplier's stock is not on our shelf
    out.stock = {sku: s for sku, s in ledger.stock().items() if sku in counted}
    left = {sku: s.on_hand for sku, s in out.stock.items()}
    groups: dict[tuple[str, str], list[tuple[OrderLine, list[Item]]]] = {}
    for line, items in ready:                      # oldest order first (open_lines' order)
        groups.setdefault((line.channel, line.bundle_key if by_bundle else line.line_key), []).append((line, items))
    order = list(groups.values())
    if first:                                      # a re-issued batch's lines first, the rest in the same order
        order.sort(key=lambda g: not any((l.channel, l.line_key) in first for l, _ in g))
    if not left:                                   # nothing counted: every group is covered
        return [pair for group in order for pair in group]
    covered = []
    for group in order:
        need: dict[str, int] = {}                  # of the counted SKUs only: the others never hold a group back
        for _, items in group:
            for it in items:
                if it.sku in left:
                    need[it.sku] = need.get(it.sku, 0) + it.quantity
        if all(left[sku] >= n for sku, n in need.items()):
            for sku, n in need.items():
                left[sku] -= n
            covered += group
            continue
        missing = {sku: n - max(left[sku], 0) for sku, n in need.items() if left[sku] < n}
        short = [(line, {sku: n for sku, n in missing.items() if any(it.sku == sku for it in items)})
                 for line, items in group if any(it.sku in missing for it in items)]
        out.short += short
        for sku in missing:               # what is left is kept for this older order: a newer one does not jump it
            left[sku] = 0
        shorted = {l.line_key for l, _ in short}
        out.bundle_waiting += [(l, len(short)) for l, _ in group if l.line_key not in shorted]
    return covered
