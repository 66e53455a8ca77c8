"""One made-up day of orders over Smartstore, Coupang and Cafe24, and the files it becomes.

``generate_day`` builds the catalogue (catalogue.py), today's checkouts by made-up people (people.py) and the
rows of the three channel exports; ``write_day`` writes them (exports.py) with the mapping workbook. The whole
tool runs on these: ``run.py demo``, the test suite and the benchmarks (up to ~100,000 lines).

Output is deterministic for a given seed (one ``random.Random`` per call, never the global one).
"""

from __future__ import annotations

import datetime as _dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from chulgo.samples.catalogue import (
    SET_COMPONENTS,
    SET_SKU,
    SHOP_NAME,
    Listing,
    build_listings,
    pick_products,
    unmapped_pool,
)
from chulgo.samples.exports import (
    PRODUCT_HEADERS,
    timestamp,
    write_cafe24_export,
    write_coupang_export,
    write_mapping_workbook,
    write_smartstore_export,
)
from chulgo.samples.people import DELIVERY_MESSAGES, Recipient, make_recipient, person_name, phone_number, respaced

DEFAULT_DAY = _dt.date(2026, 11, 22)


class _Line:
    __slots__ = ("cancelled", "listing", "qty")

    def __init__(self, listing: Listing, qty: int, cancelled: bool) -> None:
        self.listing = listing
        self.qty = qty
        self.cancelled = cancelled


class _Checkout:
    __slots__ = ("buyer_name", "buyer_phone", "channel", "lines", "message", "paired", "recipient", "time")

    def __init__(self, channel: str, time: _dt.datetime, recipient: Recipient, buyer_name: str,
                 buyer_phone: str, message: str, lines: list[_Line]) -> None:
        self.channel = channel
        self.time = time
        self.recipient = recipient
        self.buyer_name = buyer_name
        self.buyer_phone = buyer_phone
        self.message = message
        self.lines = lines
        self.paired = False


@dataclass(frozen=True)
class SampleDay:
    """One day of made-up business: the catalogue, its mappings and three channel exports."""

    products: list[dict]      # 상품 rows
    mappings: list[dict]      # 매핑 rows
    sets: list[dict]          # 세트 rows
    smartstore: list[dict]    # rows keyed by SMARTSTORE_HEADERS names
    coupang: list[dict]       # rows keyed by COUPANG_HEADERS names
    cafe24: list[dict]        # rows keyed by CAFE24_HEADERS names
    unmapped_listings: int    # how many distinct listings used today have no mapping
    day: _dt.date = DEFAULT_DAY


def _pick(rng: random.Random, items: Sequence[Listing]) -> Listing:
    # Skewed popularity: the first listings of the (shuffled) list sell more.
    return items[int(len(items) * rng.random() ** 1.6)]


def _quantity(rng: random.Random) -> int:
    r = rng.random()
    return 1 if r < 0.8 else (2 if r < 0.95 else 3)


def generate_day(
    seed: int = 7,
    lines: int = 30,
    *,
    unmapped_share: float = 0.05,
    cancelled_share: float = 0.02,
    day: _dt.date | None = None,
    dropship: float = 0.0,
) -> SampleDay:
    """Generate one day of made-up orders over Smartstore, Coupang and Cafe24 (about 50/30/20 %).

    ``dropship``: the share of products a supplier ships for us (위탁, their 공급사 filled in); 0 = all our own.

    See the module docstring; the properties the tests rely on (unique line keys, a cross-channel repeat
    recipient, an unmapped listing, a cancelled Smartstore line) hold for ``lines >= 20``.
    """
    day = day or DEFAULT_DAY
    rng = random.Random(seed)
    lines = max(0, int(lines))

    n_products = min(500, max(20, int(20 + 4 * math.sqrt(lines))))
    products = pick_products(rng, n_products, dropship)
    listings, mappings, ids = build_listings(rng, products)

    counts = {"smartstore": round(lines * 0.5), "coupang": round(lines * 0.3)}
    counts["cafe24"] = max(0, lines - counts["smartstore"] - counts["coupang"])

    pools: dict[str, list[Listing]] = {}
    for ch, n in counts.items():
        expected = n * unmapped_share
        size = max(1, min(60, math.ceil(expected / 3) + 1))
        pools[ch] = unmapped_pool(rng, products, ch, size, ids)
        rng.shuffle(listings[ch])

    # Orders come in from yesterday afternoon until this morning.
    window_start = _dt.datetime.combine(day - _dt.timedelta(days=1), _dt.time(13, 0))
    window = int(_dt.timedelta(hours=21, minutes=50).total_seconds())

    checkouts: dict[str, list[_Checkout]] = {}
    for ch, n in counts.items():
        made: list[_Checkout] = []
        remaining = n
        while remaining > 0:
            size = 1 if rng.random() < 0.7 else rng.choice((2, 2, 3))
            size = min(size, remaining)
            remaining -= size
            chosen: list[_Line] = []
            used: set[str] = set()
            for _ in range(size):
                unmapped = rng.random() < unmapped_share
                source = pools[ch] if unmapped else listings[ch]
                listing = _pick(rng, source)
                for _retry in range(5):
                    if listing.key not in used:
                        break
                    listing = _pick(rng, listings[ch])
                if listing.key in used:
                    listing = next(x for x in listings[ch] if x.key not in used)
                used.add(listing.key)
                cancelled = ch != "coupang" and rng.random() < cancelled_share
                chosen.append(_Line(listing, _quantity(rng), cancelled))
            rec = make_recipient(rng, "0504" if ch == "coupang" else "010")
            if rng.random() < 0.75:
                buyer_name, buyer_phone = rec.name, rec.phone
            else:
                buyer_name, buyer_phone = person_name(rng), phone_number(rng, "0504" if ch == "coupang" else "010")
            r = rng.random()
            message = "" if r < 0.3 else rng.choice(DELIVERY_MESSAGES)
            when = window_start + _dt.timedelta(seconds=rng.randrange(window))
            made.append(_Checkout(ch, when, rec, buyer_name, buyer_phone, message, chosen))
        made.sort(key=lambda c: c.time)
        checkouts[ch] = made

    _force_properties(rng, checkouts, listings, pools, lines,
                      unmapped=unmapped_share > 0, cancelled=cancelled_share > 0)
    _pair_recipients(rng, checkouts, lines)

    unmapped_keys = {
        (c.channel, ln.listing.key) for cs in checkouts.values() for c in cs for ln in c.lines if not ln.listing.mapped
    }

    # Stock: enough for today's demand, plus a margin; unsold products may be out of stock.
    demand: dict[str, int] = {}
    set_parts = {SET_SKU: SET_COMPONENTS}
    for cs in checkouts.values():
        for c in cs:
            for ln in c.lines:
                units = ln.qty * ln.listing.mult
                for sku, q in set_parts.get(ln.listing.sku, ((ln.listing.sku, 1),)):
                    demand[sku] = demand.get(sku, 0) + units * q
    for p in products:
        need = demand.get(p["SKU"], 0)
        if need:
            p["재고"] = need + p["안전재고"] + rng.randrange(5, 120)
        else:
            p["재고"] = rng.choice((0, 4, 12, 30, 55, 80, 120, 200))

    smartstore_rows = _smartstore_rows(rng, checkouts["smartstore"], day)
    coupang_rows = _coupang_rows(rng, checkouts["coupang"], day)
    cafe24_rows = _cafe24_rows(rng, checkouts["cafe24"], day)

    clean_products = [{h: p[h] for h in PRODUCT_HEADERS} for p in products]
    sets = [{"세트SKU": SET_SKU, "구성SKU": sku, "수량": q} for sku, q in SET_COMPONENTS]
    return SampleDay(
        products=clean_products,
        mappings=mappings,
        sets=sets,
        smartstore=smartstore_rows,
        coupang=coupang_rows,
        cafe24=cafe24_rows,
        unmapped_listings=len(unmapped_keys),
        day=day,
    )


def _force_properties(rng: random.Random, checkouts: dict[str, list[_Checkout]],
                      listings: dict[str, list[Listing]], pools: dict[str, list[Listing]], lines: int,
                      *, unmapped: bool, cancelled: bool) -> None:
    """Make small days still show the interesting cases: unmapped, cancelled, set and 3개입 lines
    (unmapped / cancelled only when their share is not zero)."""
    all_lines = [(c, ln) for cs in checkouts.values() for c in cs for ln in c.lines]
    if unmapped and lines >= 10 and not any(not ln.listing.mapped for _, ln in all_lines):
        for c in checkouts["smartstore"] or next(cs for cs in checkouts.values() if cs):
            ln = c.lines[-1]
            keys = {x.listing.key for x in c.lines}
            candidates = [x for x in pools[c.channel] if x.key not in keys]
            if candidates and not ln.cancelled:
                ln.listing = candidates[0]
                break
    ss_lines = [ln for c in checkouts["smartstore"] for ln in c.lines]
    if cancelled and lines >= 20 and not any(ln.cancelled for ln in ss_lines):
        mapped = [ln for ln in ss_lines if ln.listing.mapped]
        if mapped:
            mapped[len(mapped) // 2].cancelled = True
    if lines >= 10:
        # One gift set and one "3개입" order on Smartstore, in single-line checkouts.
        specials = [x for x in listings["smartstore"] if x.sku == SET_SKU][:1]
        specials += [x for x in listings["smartstore"] if x.mult == 3][:1]
        singles = [c for c in checkouts["smartstore"]
                   if len(c.lines) == 1 and c.lines[0].listing.mapped and not c.lines[0].cancelled]
        for listing, c in zip(specials, singles[1::2]):
            if not any(ln.listing is listing for ln in ss_lines):
                c.lines[0].listing = listing


def _shippable(c: _Checkout) -> bool:
    return all(ln.listing.mapped and not ln.cancelled for ln in c.lines)


def _pair_recipients(rng: random.Random, checkouts: dict[str, list[_Checkout]], lines: int) -> None:
    """About 5 % of checkouts share a recipient with a checkout on another channel (same person,
    same phone digits, same address typed a little differently)."""
    channels = [ch for ch, cs in checkouts.items() if cs]
    if len(channels) < 2:
        return
    total = sum(len(cs) for cs in checkouts.values())
    n_pairs = round(total * 0.025)
    if lines >= 10:
        n_pairs = max(1, n_pairs)
    for _ in range(n_pairs):
        for _attempt in range(50):
            ch_a, ch_b = rng.sample(channels, 2)
            a = rng.choice(checkouts[ch_a])
            b = rng.choice(checkouts[ch_b])
            # Only shippable checkouts pair up, so the merge is visible on the waybill.
            if not a.paired and not b.paired and _shippable(a) and _shippable(b):
                break
        else:
            continue
        a.paired = b.paired = True
        src = a.recipient
        if src.phone.startswith("050"):
            # A 안심번호 is per order; the shared person shows their real number.
            src.phone = phone_number(rng)
            if a.buyer_name == src.name:
                a.buyer_phone = src.phone
        digits = src.phone.replace("-", "")
        hyphenated = f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
        if b.channel == "coupang":
            # Coupang phones are always hyphenated, so the other side is typed without hyphens.
            phone = hyphenated
            src.phone = digits
            if a.buyer_name == src.name:
                a.buyer_phone = digits
        else:
            phone = digits if "-" in src.phone else hyphenated
        base = respaced(rng, src.base) if rng.random() < 0.8 else src.base
        b.recipient = Recipient(src.name, phone, src.zip, base, src.detail)
        if rng.random() < 0.7:
            b.buyer_name, b.buyer_phone = src.name, phone


def _smartstore_rows(rng: random.Random, checkouts: list[_Checkout], day: _dt.date) -> list[dict]:
    rows: list[dict] = []
    counter = rng.randrange(10_000_000, 40_000_000)
    bundle = rng.randrange(100_000_000, 300_000_000)
    confirm = _dt.datetime.combine(day, _dt.time(10, 5))
    deadline = (day + _dt.timedelta(days=1)).isoformat()
    for c in checkouts:
        prefix = c.time.strftime("%Y%m%d")
        counter += rng.randrange(1, 30)
        order_no = f"{prefix}{counter:08d}"
        bundle += rng.randrange(1, 50)
        bundle_no = str(bundle)
        paid = c.time + _dt.timedelta(seconds=rng.randrange(5, 180))
        subtotal = sum(ln.listing.price * ln.qty for ln in c.lines)
        fee = 0 if subtotal >= 30000 else 3000
        jeju = 3000 if c.recipient.zip.startswith("63") else 0
        buyer_id = f"{''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(4))}****"
        pay = rng.choice(("신용카드", "네이버페이 포인트", "계좌이체", "신용카드 간편결제"))
        for ln in c.lines:
            counter += 1
            f = ln.listing.fields
            unit = ln.listing.price
            extra = f.get("_extra", 0)
            total = (unit + extra) * ln.qty
            discount = 1000 * ln.qty if rng.random() < 0.2 else 0
            final = total - discount
            commission = round(final * 0.0363)
            sales_fee = round(final * 0.02)
            rows.append({
                "상품주문번호": f"{prefix}{counter:08d}",
                "주문번호": order_no,
                "배송속성": "일반배송",
                "배송방법(구매자 요청)": "택배,등기,소포",
                "배송방법": "택배,등기,소포",
                "판매채널": "스마트스토어",
                "구매자명": c.buyer_name,
                "구매자ID": buyer_id,
                "수취인명": c.recipient.name,
                "주문상태": "취소" if ln.cancelled else "발송대기",
                "주문세부상태": "취소완료" if ln.cancelled else "발주확인",
                "결제위치": rng.choice(("모바일", "모바일", "PC")),
                "결제일": timestamp(paid),
                "상품번호": f["상품번호"],
                "상품명": f["상품명"],
                "상품종류": f["상품종류"],
                "옵션정보": f["옵션정보"],
                "판매자 상품코드": f.get("판매자 상품코드", ""),
                "수량": ln.qty,
                "옵션가격": extra,
                "상품가격": unit,
                "최종 상품별 할인액": discount,
                "최초 상품별 할인액": discount,
                "판매자 부담 할인액": discount,
                "최종 상품별 총 주문금액": final,
                "최초 상품별 총 주문금액": final,
                "발주확인일": timestamp(confirm),
                "발송기한": deadline,
                "배송비 형태": "선결제",
                "배송비 묶음번호": bundle_no,
                "배송비 유형": "조건부 무료",
                "배송비 합계": fee,
                "제주/도서 추가배송비": jeju,
                "배송비 할인액": 0,
                "수취인연락처1": c.recipient.phone,
                "통합배송지": c.recipient.full,
                "기본배송지": c.recipient.base,
                "상세배송지": c.recipient.detail,
                "구매자연락처": c.buyer_phone,
                "우편번호": c.recipient.zip,
                "배송메세지": c.message,
                "출고지": f"{SHOP_NAME} 물류센터",
                "결제수단": pay,
                "네이버페이 주문관리 수수료": commission,
                "매출연동 수수료": sales_fee,
                "정산예정금액": final - commission - sales_fee,
                "주문일시": timestamp(c.time),
            })
    return rows


def _coupang_rows(rng: random.Random, checkouts: list[_Checkout], day: _dt.date) -> list[dict]:
    rows: list[dict] = []
    order = rng.randrange(10_000_000_000_000, 30_000_000_000_000)
    box = rng.randrange(300_000_000_000, 400_000_000_000)
    ship_by = (day + _dt.timedelta(days=1)).isoformat()
    number = 0
    for c in checkouts:
        order += rng.randrange(1, 5000)
        order_no = str(order)
        lines = c.lines
        # Now and then one order is split into two boxes.
        if len(lines) >= 2 and rng.random() < 0.15:
            boxes = [lines[:1], lines[1:]]
        else:
            boxes = [lines]
        for box_lines in boxes:
            box += rng.randrange(1, 3000)
            subtotal = sum(ln.listing.price * ln.qty for ln in box_lines)
            fee = 0 if subtotal >= 19800 else 3000
            remote = 3000 if c.recipient.zip.startswith("63") else 0
            for ln in box_lines:
                number += 1
                f = ln.listing.fields
                rows.append({
                    "번호": number,
                    "묶음배송번호": str(box),
                    "주문번호": order_no,
                    "분리배송 Y/N": "N",
                    "주문시 출고예정일": ship_by,
                    "주문일": timestamp(c.time),
                    "등록상품명": f["등록상품명"],
                    "등록옵션명": f["등록옵션명"],
                    "노출상품명(옵션명)": f["노출상품명(옵션명)"],
                    "노출상품ID": f["노출상품ID"],
                    "옵션ID": f["옵션ID"],
                    "최초등록등록상품명/옵션명": f["최초등록등록상품명/옵션명"],
                    "바코드": f.get("바코드", ""),
                    "결제액": ln.listing.price * ln.qty,
                    "배송비구분": "무료" if fee == 0 else "유료",
                    "배송비": fee,
                    "도서산간 추가배송비": remote,
                    "구매수(수량)": ln.qty,
                    "옵션판매가(판매단가)": ln.listing.price,
                    "구매자": c.buyer_name,
                    "구매자전화번호": c.buyer_phone,
                    "수취인이름": c.recipient.name,
                    "수취인전화번호": c.recipient.phone,
                    "우편번호": c.recipient.zip,
                    "수취인 주소": c.recipient.full,
                    "배송메세지": c.message,
                    "결제위치": rng.choice(("APP", "APP", "MOBILE_WEB", "PC")),
                    "배송유형": "판매자배송",
                })
    return rows


def _cafe24_rows(rng: random.Random, checkouts: list[_Checkout], day: _dt.date) -> list[dict]:
    rows: list[dict] = []
    seq: dict[str, int] = {}
    for c in checkouts:
        d = c.time.strftime("%Y%m%d")
        seq[d] = seq.get(d, rng.randrange(100, 900)) + rng.randrange(1, 4)
        order_no = f"{d}-{seq[d]:07d}"
        paid = c.time + _dt.timedelta(seconds=rng.randrange(10, 600))
        path = rng.choice(("PC쇼핑몰", "모바일웹", "모바일웹", "모바일앱"))
        landline = f"02-{rng.randrange(200, 999)}-{rng.randrange(0, 10000):04d}" if rng.random() < 0.1 else ""
        for i, ln in enumerate(c.lines, start=1):
            f = ln.listing.fields
            price = ln.listing.price
            discount = 500 * ln.qty if rng.random() < 0.15 else 0
            rows.append({
                "주문번호": order_no,
                "품목별 주문번호": f"{order_no}-{i:02d}",
                "주문일시": timestamp(c.time),
                "결제일시(입금확인일)": timestamp(paid),
                "주문경로": path,
                "상품번호": f["상품번호"],
                "상품품목코드": f["상품품목코드"],
                "주문상품명": f["주문상품명"],
                "상품옵션": f["상품옵션"],
                "수량": ln.qty,
                "판매가": price,
                "실결제금액": price * ln.qty - discount,
                "주문자명": c.buyer_name,
                "주문자 휴대전화": c.buyer_phone,
                "수령인": c.recipient.name,
                "수령인 일반전화": landline,
                "수령인 휴대전화": c.recipient.phone,
                "수령인 우편번호": c.recipient.zip,
                "수령인 주소(전체)": c.recipient.full,
                "배송메시지": c.message,
                "쇼핑몰": "기본몰",
                "주문상태": "취소" if ln.cancelled else "배송준비중",
            })
    return rows


def write_day(day: SampleDay, inbox: Path, mapping_path: Path | None, *, password: str | None = "1234") -> list[Path]:
    """Write the day's three channel exports into ``inbox`` (real-looking file names) and, when
    ``mapping_path`` is given, the mapping workbook. Returns the export paths."""
    inbox = Path(inbox)
    inbox.mkdir(parents=True, exist_ok=True)
    ymd = day.day.strftime("%Y%m%d")
    paths = [
        write_smartstore_export(inbox / f"스마트스토어_전체주문발주발송관리_{ymd}_1130.xlsx", day.smartstore,
                                password=password),
        write_coupang_export(inbox / f"DeliveryList({day.day.isoformat()})_(0).xlsx", day.coupang),
        write_cafe24_export(inbox / f"order_list_{ymd}.xlsx", day.cafe24),
    ]
    if mapping_path is not None:
        write_mapping_workbook(mapping_path, day.products, day.mappings, day.sets)
    return paths
