"""Made-up order lines for the more channels: 11번가, ESM (G마켓/옥션), 토스쇼핑, 오늘의집, 롯데ON, 카카오톡 선물하기
(reference §4), keyed by each channel's export headers (exports.py), with the 매핑 rows for their listings.

Only Toss's layout comes from a real sample; the others are built from the column names the reference lists,
completed with plausible columns (marked [uncertain] in templates/channels/<id>.toml).
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Sequence

from chulgo.samples.catalogue import SET_NAME, SET_PRICE, SET_SKU, SHOP_NAME, Ids
from chulgo.samples.exports import MORE_CHANNEL_IDS, timestamp
from chulgo.samples.orders import DEFAULT_DAY
from chulgo.samples.people import DELIVERY_MESSAGES, Recipient, make_recipient, person_name, phone_number

# Listings sold on the new channels: core SKUs that every generate_day() catalogue holds, the gift set
# (세트 sheet) and a "3개입" pack. (sku, family code, name, option pairs, price, 매핑 수량)
_MORE_LISTINGS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...], int, int], ...] = (
    ("HR-TEE-RED-L", "TEE", "오가닉 코튼 티셔츠", (("색상", "빨강"), ("사이즈", "L")), 19900, 1),
    ("HR-SOCK-BLK", "SOCK", "데일리 양말", (("색상", "검정"),), 3900, 1),
    ("HR-SOCK-WHT", "SOCK", "데일리 양말", (("색상", "흰색"),), 3900, 1),
    ("HR-MUG-WHT", "MUG", "세라믹 머그컵", (("색상", "흰색"),), 9900, 1),
    ("HR-TWL-WHT", "TWL", "호텔식 세면타월", (("색상", "흰색"),), 6900, 1),
    (SET_SKU, "GIFT", SET_NAME, (), SET_PRICE, 1),
    ("HR-SOCK-BLK", "SOCK3", "데일리 양말 3개입", (("색상", "검정"),), 10700, 3),
)

# How each channel writes "이름: 값" option pairs [uncertain for all but the general idea].
_MORE_OPTION_STYLE = {
    "11st": lambda pairs: "/".join(f"{n}:{v}" for n, v in pairs),
    "esm": lambda pairs: " / ".join(f"{n}:{v}" for n, v in pairs),
    "toss": lambda pairs: " / ".join(f"{n}: {v}" for n, v in pairs),
    "ohouse": lambda pairs: " / ".join(f"{n}: {v}" for n, v in pairs),
    "lotteon": lambda pairs: ",".join(f"{n}:{v}" for n, v in pairs),
    "kakao-gift": lambda pairs: " / ".join(f"{n}: {v}" for n, v in pairs),
}


class _MoreListing:
    __slots__ = ("code", "mult", "name", "option", "option_code", "price", "site", "sku")

    def __init__(self, sku: str, code: str, name: str, option: str, option_code: str, price: int, mult: int,
                 site: str = "") -> None:
        self.sku, self.code, self.name, self.option = sku, code, name, option
        self.option_code, self.price, self.mult, self.site = option_code, price, mult, site


def _more_listings(rng: random.Random, channel: str) -> list[_MoreListing]:
    """The channel's listings of _MORE_LISTINGS: one product code per family, options within it."""
    style = _MORE_OPTION_STYLE[channel]
    out: list[_MoreListing] = []
    sites = ("G", "A") if channel == "esm" else ("",)
    product_ids = Ids(rng, rng.randrange(2_000_000_000, 6_000_000_000), 99_999)
    option_ids = Ids(rng, rng.randrange(100_000_000, 900_000_000), 999)
    for site in sites:
        codes: dict[str, str] = {}
        for sku, family, name, pairs, price, mult in _MORE_LISTINGS:
            if family not in codes:
                number = product_ids.next()
                codes[family] = {
                    "ohouse": f"OH-{family}-{number % 1000:03d}",
                    "lotteon": f"LO{number:010d}",
                    "toss": str(number % 100_000_000),
                }.get(channel, str(number))
            option_code = str(option_ids.next()) if channel == "toss" else ""
            shown = f"{SHOP_NAME} {name}" if channel in ("11st", "esm", "toss") else name
            out.append(_MoreListing(sku, codes[family], shown, style(pairs), option_code, price, mult, site))
    return out


def _more_mapping(channel: str, listings: Sequence[_MoreListing]) -> list[dict]:
    return [{"채널": channel, "채널상품코드": "" if x.option_code else x.code, "채널옵션코드": x.option_code,
             "채널상품명": x.name, "채널옵션": "" if x.option_code else x.option, "SKU": x.sku, "수량": x.mult}
            for x in listings]


class _MoreCheckout:
    __slots__ = ("buyer_name", "buyer_phone", "lines", "message", "no_address", "recipient", "site", "time")

    def __init__(self, time: _dt.datetime, recipient: Recipient, buyer_name: str, buyer_phone: str, message: str,
                 lines: list[list], site: str) -> None:
        self.time, self.recipient, self.buyer_name, self.buyer_phone = time, recipient, buyer_name, buyer_phone
        self.message, self.lines, self.site = message, lines, site    # lines: [listing, qty, cancelled]
        self.no_address = False


def _comma(n: int) -> str:
    return f"{n:,}"


def _digits_only(phone: str) -> str:
    return phone.replace("-", "")


def generate_channel_rows(
    channel_id: str,
    seed: int,
    n: int,
    *,
    day: _dt.date | None = None,
    gifts_without_address: int = 0,
    cancelled: int = 0,
) -> tuple[list[dict], list[dict]]:
    """``n`` made-up order lines of one of 11st, esm, toss, ohouse, lotteon, kakao-gift.

    Returns (rows keyed by that channel's ``*_HEADERS``, 매핑 rows mapping every listing of the channel to
    SKUs that every ``generate_day()`` catalogue holds). ``gifts_without_address`` orders (the latest ones)
    come without 우편번호/주소 — and, on 카카오톡 선물하기, without a phone — like a gift whose recipient
    has not entered the address yet; ``cancelled`` other lines carry the channel's cancel status.
    Deterministic for a given seed; line keys are unique.
    """
    if channel_id not in MORE_CHANNEL_IDS:
        raise ValueError(f"unknown channel {channel_id!r}: one of {', '.join(MORE_CHANNEL_IDS)}")
    day = day or DEFAULT_DAY
    rng = random.Random(f"{channel_id}:{seed}")
    listings = _more_listings(rng, channel_id)
    by_site: dict[str, list[_MoreListing]] = {}
    for x in listings:
        by_site.setdefault(x.site, []).append(x)

    window_start = _dt.datetime.combine(day - _dt.timedelta(days=1), _dt.time(13, 0))
    window = int(_dt.timedelta(hours=21, minutes=50).total_seconds())
    prefix = {"11st": "0503", "toss": "0508"}.get(channel_id, "010")
    checkouts: list[_MoreCheckout] = []
    remaining = max(0, int(n))
    while remaining > 0:
        size = 1 if channel_id == "kakao-gift" or rng.random() < 0.7 else rng.choice((2, 2, 3))
        size = min(size, remaining)
        remaining -= size
        site = rng.choice(sorted(by_site))
        pool = by_site[site]
        chosen = rng.sample(pool, min(size, len(pool)))
        lines = [[x, 1 if rng.random() < 0.8 else rng.choice((2, 3)), False] for x in chosen]
        rec = make_recipient(rng, prefix if rng.random() < 0.4 else "010")
        if rng.random() < 0.75 and channel_id != "kakao-gift":
            buyer_name, buyer_phone = rec.name, rec.phone
        else:
            buyer_name, buyer_phone = person_name(rng), phone_number(rng)
        message = "" if rng.random() < 0.3 else rng.choice(DELIVERY_MESSAGES)
        when = window_start + _dt.timedelta(seconds=rng.randrange(window))
        checkouts.append(_MoreCheckout(when, rec, buyer_name, buyer_phone, message, lines, site))
        remaining += size - len(lines)
    checkouts.sort(key=lambda c: c.time)

    for c in checkouts[len(checkouts) - min(gifts_without_address, len(checkouts)):]:
        c.no_address = True
    others = [ln for c in checkouts if not c.no_address for ln in c.lines]
    for i in sorted(rng.sample(range(len(others)), min(cancelled, len(others)))):
        others[i][2] = True

    build = {"11st": _rows_11st, "esm": _rows_esm, "toss": _rows_toss, "ohouse": _rows_ohouse,
             "lotteon": _rows_lotteon, "kakao-gift": _rows_kakao_gift}[channel_id]
    return build(rng, checkouts, day), _more_mapping(channel_id, listings)


def _where(c: _MoreCheckout) -> tuple[str, str]:
    """(zip, full address) — empty for a gift whose recipient has not entered the address."""
    return ("", "") if c.no_address else (c.recipient.zip, c.recipient.full)


def _rows_11st(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = Ids(rng, rng.randrange(1_000_000, 9_000_000), 40)
    deliveries = Ids(rng, rng.randrange(700_000_000, 900_000_000), 30)
    for c in checkouts:
        order_no = f"{c.time:%Y%m%d}{orders.next():07d}"
        dlv = str(deliveries.next())
        zip_, address = _where(c)
        buyer_id = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(4)) + "****"
        for seq, (x, qty, cancelled) in enumerate(c.lines, start=1):
            amount = x.price * qty
            discount = 1000 * qty if rng.random() < 0.2 else 0
            fee = round((amount - discount) * 0.12)
            rows.append({
                "주문상태": "취소완료" if cancelled else "배송준비중",
                "주문번호": order_no, "주문순번": str(seq), "배송번호": dlv,
                "주문일시": timestamp(c.time), "결제일시": timestamp(c.time + _dt.timedelta(seconds=rng.randrange(5, 300))),
                "상품번호": x.code, "판매자상품코드": x.sku, "상품명": x.name, "옵션": x.option, "수량": qty,
                "주문금액": amount, "판매자기본할인금액": discount, "판매자 추가할인금액": 0, "서비스이용료": fee,
                "정산예정금액": amount - discount - fee, "배송비": 0 if amount >= 30000 else 3000,
                "구매자": c.buyer_name, "구매자ID": buyer_id, "수취인": c.recipient.name,
                "휴대폰번호": c.recipient.phone, "전화번호": "", "우편번호": zip_, "주소": address,
                "배송메시지": c.message,
            })
    return rows


ESM_SELLER_IDS = {"G": "harushop", "A": "haru_auction"}
_ESM_SITES = {"G": ("지마켓", "G마켓"), "A": ("옥션", "옥션")}


def _rows_esm(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = Ids(rng, rng.randrange(3_000_000_000, 4_000_000_000), 500)
    carts = Ids(rng, rng.randrange(5_000_000_000, 6_000_000_000), 500)
    deliveries = Ids(rng, rng.randrange(200_000_000, 300_000_000), 100)
    deadline = (day + _dt.timedelta(days=2)).isoformat()
    for c in checkouts:
        cart, dlv = str(carts.next()), str(deliveries.next())
        zip_, address = _where(c)
        label, shown = _ESM_SITES[c.site]
        for x, qty, cancelled in c.lines:
            amount = x.price * qty
            rows.append({
                "판매아이디": f"{label}({ESM_SELLER_IDS[c.site]})", "판매사이트": shown,
                "주문번호": str(orders.next()), "장바구니번호(결제번호)": cart, "배송번호": dlv,
                "배송상태": "취소완료" if cancelled else "배송준비중",
                "주문일자(결제확인전)": timestamp(c.time), "결제완료일": timestamp(c.time + _dt.timedelta(seconds=rng.randrange(5, 300))),
                "발송마감일": deadline, "구매자명": c.buyer_name,
                "구매자ID": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3)) + "***",
                "상품번호": x.code, "상품명": x.name, "수량": qty, "주문옵션": x.option, "판매금액": amount,
                "판매자 관리코드": x.sku, "구매자 휴대폰": c.buyer_phone, "수령인명": c.recipient.name,
                "수령인 휴대폰": c.recipient.phone, "우편번호": zip_, "주소": address, "배송시 요구사항": c.message,
                "배송비 결제방법": "선결제", "배송비": 0 if amount >= 30000 else 3000,
                "정산예정금액": round(amount * 0.88), "SKU번호 및 수량": f"{x.sku}/{qty * x.mult}",
            })
    return rows


def _rows_toss(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = Ids(rng, rng.randrange(10_000_000, 90_000_000), 400)
    items = Ids(rng, rng.randrange(100_000_000, 900_000_000), 40)
    bundles = Ids(rng, rng.randrange(1_000_000, 9_000_000), 60)
    deadline = (day + _dt.timedelta(days=1)).isoformat()
    for c in checkouts:
        order_no = f"{c.time:%Y%m%d}{orders.next():08d}"
        bundle = str(bundles.next())
        zip_, address = _where(c)
        subtotal = sum(x.price * q for x, q, _ in c.lines)
        for i, (x, qty, cancelled) in enumerate(c.lines):
            benefit = 500 * qty if rng.random() < 0.2 else 0
            rows.append({
                "주문일시": timestamp(c.time), "주문번호": order_no, "주문상품번호": str(items.next()),
                "주문상태": "취소완료" if cancelled else rng.choice(("결제완료", "상품준비중", "상품준비중")),
                "발송기한": deadline, "상품ID": x.code, "상품명": x.name, "상품 관리 코드": x.sku.rsplit("-", 1)[0],
                "옵션 ID": x.option_code, "옵션명": x.option, "주문건수": qty, "옵션 관리 코드": x.sku,
                "받은 혜택": benefit, "구매자명": c.buyer_name, "구매자 연락처": _digits_only(c.buyer_phone),
                "수령인명": c.recipient.name, "수령인 연락처": _digits_only(c.recipient.phone), "배송지": address,
                "우편번호": zip_, "주문요청사항": c.message,
                "취소일시": timestamp(c.time + _dt.timedelta(hours=2)) if cancelled else "",
                "주문금액": x.price * qty - benefit, "배송비 묶음 번호": bundle,
                "배송비 합계": (0 if subtotal >= 30000 else 3000) if i == 0 else 0,
            })
    return rows


def _rows_ohouse(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = Ids(rng, rng.randrange(100_000_000, 200_000_000), 300)
    options = Ids(rng, rng.randrange(1_000_000_000, 2_000_000_000), 30)
    for c in checkouts:
        order_no = str(orders.next())
        zip_, address = _where(c)
        for i, (x, qty, cancelled) in enumerate(c.lines):
            price = x.price
            fee = 0 if i else 3000
            rows.append({
                "주문번호": order_no, "주문일": c.time.strftime("%Y.%m.%d"), "옵션주문번호": str(options.next()),
                "셀러상품코드": x.code, "상품명": x.name, "옵션": x.option, "수량": qty, "판매가": _comma(price),
                "배송비": _comma(fee), "결제금액": _comma(price * qty + fee), "주문자": c.buyer_name,
                "수취인": c.recipient.name, "수취인 연락처": c.recipient.phone, "우편번호": zip_, "주소": address,
                "배송상태": "취소" if cancelled else "배송준비중", "배송메모": c.message,
            })
    return rows


def _rows_lotteon(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = Ids(rng, rng.randrange(10_000_000, 90_000_000), 400)
    for c in checkouts:
        order_no = f"{c.time:%Y%m%d}{orders.next():08d}"
        zip_, address = _where(c)
        for seq, (x, qty, cancelled) in enumerate(c.lines, start=1):
            rows.append({
                "주문번호": order_no, "주문순번": str(seq), "주문상태": "취소완료" if cancelled else "출고지시",
                "쇼핑몰상품코드": x.code, "품목명(ERP)": x.name, "주문옵션": x.option, "주문금액": x.price * qty,
                "수량": qty, "주문자": c.buyer_name, "수취인": c.recipient.name, "주문자연락처": c.buyer_phone,
                "수취인연락처1": c.recipient.phone, "우편번호": zip_, "주소": address, "배송요청사항": c.message,
            })
    return rows


def _rows_kakao_gift(rng: random.Random, checkouts: list[_MoreCheckout], day: _dt.date) -> list[dict]:
    rows = []
    orders = Ids(rng, rng.randrange(3_000_000_000, 4_000_000_000), 700)
    for c in checkouts:
        zip_, address = _where(c)
        for x, qty, cancelled in c.lines:
            rows.append({
                "주문번호": str(orders.next()), "주문일시": timestamp(c.time),
                "주문상태": "주문취소" if cancelled else rng.choice(("발송요청", "발송준비중")),
                "상품번호": x.code, "상품명": x.name, "옵션": x.option, "수량": qty, "결제금액": x.price * qty,
                "구매자명": c.buyer_name, "수령인명": c.recipient.name,
                "수령인 연락처": "" if c.no_address else c.recipient.phone, "우편번호": zip_, "배송지 주소": address,
                "배송메시지": "" if c.no_address else c.message,
            })
    return rows
