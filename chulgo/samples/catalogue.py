"""The made-up shop 하루상점: its products (families of variants over option axes, some shipped by a supplier),
the gift set and the "3개입" packs, and how each is listed on Smartstore, Coupang and Cafe24 — with the 매핑
rows that map those listings, and listings the seller never mapped."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

SHOP_NAME = "하루상점"

_COLORS = (
    ("RED", "빨강"), ("BLU", "파랑"), ("BLK", "검정"), ("WHT", "흰색"), ("GRY", "회색"),
    ("NVY", "네이비"), ("BEI", "베이지"), ("GRN", "초록"), ("PNK", "분홍"), ("YEL", "노랑"),
    ("KHA", "카키"), ("IVO", "아이보리"),
)
_SIZES = (("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"), ("2XL", "2XL"))
_SHOE_SIZES = tuple((s, s) for s in ("230", "240", "250", "260", "270", "280"))


def _colors(n: int) -> tuple[tuple[str, str], ...]:
    return _COLORS[:n]


# (code, name, price, axes) — an axis is (option name, ((code, label), ...))
FAMILIES: tuple[tuple[str, str, int, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]], ...] = (
    ("TEE", "오가닉 코튼 티셔츠", 19900, (("색상", _colors(12)), ("사이즈", _SIZES))),
    ("HOOD", "기모 후드티", 39900, (("색상", _colors(10)), ("사이즈", _SIZES))),
    ("SWT", "베이직 맨투맨", 32900, (("색상", _colors(10)), ("사이즈", _SIZES))),
    ("PNT", "와이드 코튼 팬츠", 35900, (("색상", _colors(8)), ("사이즈", _SIZES))),
    ("SLP", "푹신 실내 슬리퍼", 12900, (("색상", _colors(6)), ("사이즈", _SHOE_SIZES))),
    ("SOCK", "데일리 양말", 3900, (("색상", _colors(12)),)),
    ("CAP", "워싱 볼캡", 15900, (("색상", _colors(10)),)),
    ("TOTE", "캔버스 에코백", 12900, (("색상", _colors(8)),)),
    ("MUG", "세라믹 머그컵", 9900, (("색상", _colors(8)),)),
    ("TUMB", "스텐 진공 텀블러", 18900,
     (("색상", _colors(6)), ("용량", (("350", "350ml"), ("500", "500ml"), ("750", "750ml"))))),
    ("TWL", "호텔식 세면타월", 6900, (("색상", _colors(8)),)),
    ("CUSH", "극세사 쿠션", 14900, (("색상", _colors(10)),)),
    ("BLKT", "극세사 담요", 24900, (("색상", _colors(8)), ("크기", (("SG", "싱글"), ("QN", "퀸"))))),
    ("PHC", "투명 젤리 폰케이스", 8900,
     (("기종", (("S24", "갤럭시 S24"), ("S25", "갤럭시 S25"), ("IP15", "아이폰 15"), ("IP16", "아이폰 16"))),
      ("색상", _colors(4)))),
    ("GLV", "니트 터치 장갑", 9900, (("색상", _colors(8)),)),
    ("SCF", "울 머플러", 22900, (("색상", _colors(10)),)),
    ("BAG", "나일론 백팩", 45900, (("색상", _colors(6)),)),
    ("UMB", "3단 자동 우산", 16900, (("색상", _colors(8)),)),
    ("APR", "방수 앞치마", 11900, (("색상", _colors(6)),)),
    ("NOTE", "무지 스프링 노트", 2900, (("규격", (("A5", "A5"), ("B5", "B5"))),)),
    ("PIL", "메모리폼 경추베개", 29900, ()),
    ("DIFF", "룸 디퓨저 200ml", 17900, ()),
)

# Always in the catalogue: the set components, the "3개입" SKU and the example product.
_CORE_SKUS = ("HR-TEE-RED-L", "HR-SOCK-BLK", "HR-SOCK-WHT", "HR-MUG-WHT", "HR-TWL-WHT")
SET_SKU = "SET-GIFT-01"
SET_NAME = "하루 선물세트 (머그컵+양말+타월)"
SET_PRICE = 24900
SET_COMPONENTS = (("HR-MUG-WHT", 1), ("HR-SOCK-BLK", 2), ("HR-TWL-WHT", 1))
_PACK_SKUS = ("HR-SOCK-BLK", "HR-SOCK-WHT")  # sold as "3개입" listings

_SUPPLIERS = ("자사", "(주)한빛어패럴", "누리상사", "다온리빙", "세움잡화")


def _supplier(r: float, drawn: str, dropship: float) -> str:
    """Our own stock (blank or 자사), or for the top ``dropship`` share of ``r`` the supplier drawn ships it."""
    return drawn if drawn == "자사" or r > 1 - dropship else ""

_MARKETING = ("데일리", "베스트", "당일출고", "무료배송", "남녀공용", "인기상품")


class Listing:
    """One sellable listing on one channel (channel-specific fields) and what it maps to."""

    __slots__ = ("channel", "fields", "key", "mapped", "mult", "price", "sku")

    def __init__(self, channel: str, fields: dict[str, str], price: int, sku: str, mult: int,
                 mapped: bool, key: str) -> None:
        self.channel = channel
        self.fields = fields
        self.price = price
        self.sku = sku
        self.mult = mult
        self.mapped = mapped
        self.key = key


def _ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def _letters(n: int, width: int) -> str:
    """Base-26 A..Z code of ``n`` (0 = 'A'), left-padded with '0' to ``width``."""
    s = ""
    n += 1
    while n > 0:
        n -= 1
        s = chr(65 + n % 26) + s
        n //= 26
    return s.rjust(width, "0")


def pick_products(rng: random.Random, n_products: int, dropship: float = 0.0) -> list[dict]:
    """Pick ``n_products`` variants of the families (always including the core SKUs)."""
    variants: list[tuple[str, str, int, tuple[tuple[str, str, str], ...]]] = []
    for code, _name, price, axes in FAMILIES:
        combos: list[tuple[tuple[str, str, str], ...]] = [()]
        for axis_name, values in axes:
            combos = [c + ((axis_name, vc, vl),) for c in combos for vc, vl in values]
        for combo in combos:
            sku = "-".join(["HR", code] + [vc for _, vc, _ in combo])
            variants.append((sku, code, price, combo))
    core = [v for v in variants if v[0] in _CORE_SKUS]
    rest = [v for v in variants if v[0] not in _CORE_SKUS]
    rng.shuffle(rest)
    chosen = core + rest[: max(0, n_products - len(core))]
    family_names = {code: name for code, name, _, _ in FAMILIES}
    # Stable order: family order, then variant order, like a seller's sheet.
    order = {v[0]: i for i, v in enumerate(variants)}
    chosen.sort(key=lambda v: order[v[0]])
    barcode = rng.randrange(100_000_000, 900_000_000)
    products = []
    for sku, code, price, combo in chosen:
        barcode += rng.randrange(1, 50)
        label = " ".join([family_names[code]] + [vl for _, _, vl in combo])
        r = rng.random()
        products.append({
            "SKU": sku,
            "상품명": label,
            "바코드": _ean13(f"880{barcode:09d}"),
            "로케이션": f"{'ABCDE'[rng.randrange(5)]}-{rng.randrange(1, 21):02d}-{rng.randrange(1, 6):02d}",
            "재고": 0,
            "안전재고": rng.choice((0, 0, 3, 5, 10)),
            "공급사": _supplier(r, "" if r < 0.7 else rng.choice(_SUPPLIERS), dropship),
            # private helpers, removed before returning
            "_family": code,
            "_price": price,
            "_combo": combo,
        })
    return products


def option_text(combo: Sequence[tuple[str, str, str]], style: str) -> str:
    if style == "smartstore":
        return " / ".join(f"{n}: {v}" for n, _, v in combo)
    if style == "alt":  # same pairs, another order and separators
        return ",".join(f"{n}:{v}" for n, _, v in reversed(combo))
    if style == "cafe24":
        return ", ".join(f"{n}={v}" for n, _, v in combo)
    if style == "coupang":
        return ", ".join(v for _, _, v in combo)
    raise ValueError(style)


class Ids:
    """Monotonic id counters (unique by construction, no collision checks needed)."""

    def __init__(self, rng: random.Random, start: int, max_step: int) -> None:
        self.rng = rng
        self.value = start
        self.max_step = max_step

    def next(self) -> int:
        self.value += self.rng.randrange(1, self.max_step + 1)
        return self.value


def build_listings(
    rng: random.Random, products: list[dict]
) -> tuple[dict[str, list[Listing]], list[dict], list[Any]]:
    """Listings per channel (mapped ones), the 매핑 rows that map them, and the id generators
    (continued by the unmapped listings so their codes never collide with mapped ones)."""
    by_family: dict[str, list[dict]] = {}
    for p in products:
        by_family.setdefault(p["_family"], []).append(p)
    family_names = {code: name for code, name, _, _ in FAMILIES}
    listings: dict[str, list[Listing]] = {"smartstore": [], "coupang": [], "cafe24": []}
    mappings: list[dict] = []

    ss_ids = Ids(rng, rng.randrange(5_000_000_000, 9_000_000_000), 997)
    cp_product_ids = Ids(rng, rng.randrange(7_000_000_000, 8_500_000_000), 9_999)
    cp_option_ids = Ids(rng, rng.randrange(80_000_000_000, 89_000_000_000), 5_000)
    cafe_no = rng.randrange(10, 40)

    def add_mapping(channel: str, product_code: str, option_code: str, product_name: str, option: str,
                    sku: str, qty: int) -> None:
        mappings.append({"채널": channel, "채널상품코드": product_code, "채널옵션코드": option_code,
                         "채널상품명": product_name, "채널옵션": option, "SKU": sku, "수량": qty})

    alt_counter = 0
    for code, items in by_family.items():
        fname = family_names[code]
        price = items[0]["_price"]
        has_opts = bool(items[0]["_combo"])

        # Smartstore: one 상품번호 per family, options as "이름: 값 / 이름: 값".
        ss_no = str(ss_ids.next())
        ss_name = f"{fname} {rng.choice(_MARKETING)}"
        for p in items:
            opt = option_text(p["_combo"], "smartstore")
            extra = 2000 if any(vc in ("XL", "2XL", "750", "QN") for _, vc, _ in p["_combo"]) else 0
            fields = {"상품번호": ss_no, "상품명": ss_name, "옵션정보": opt, "판매자 상품코드": f"HR-{code}",
                      "상품종류": "조합형옵션상품" if has_opts else "단일상품", "_extra": extra}
            listings["smartstore"].append(Listing("smartstore", fields, price, p["SKU"], 1, True, f"{ss_no}|{opt}"))
            map_opt = opt
            if len(p["_combo"]) >= 2:
                alt_counter += 1
                if alt_counter % 3 == 1 or p["SKU"] == "HR-TEE-RED-L":
                    map_opt = option_text(p["_combo"], "alt")
            add_mapping("smartstore", ss_no, "", ss_name, map_opt, p["SKU"], 1)

        # Coupang: most products, one 노출상품ID per family and one 옵션ID per variant.
        cp_items = [p for p in items if p["SKU"] in _CORE_SKUS or rng.random() < 0.85]
        if cp_items:
            cp_pid = str(cp_product_ids.next())
            reg_name = f"{SHOP_NAME} {fname}"
            for p in cp_items:
                oid = str(cp_option_ids.next())
                opt = option_text(p["_combo"], "coupang")
                fields = {"노출상품ID": cp_pid, "옵션ID": oid, "등록상품명": reg_name, "등록옵션명": opt,
                          "노출상품명(옵션명)": f"{reg_name}, {opt}" if opt else reg_name,
                          "최초등록등록상품명/옵션명": f"{reg_name} {opt}".strip(), "바코드": p["바코드"]}
                listings["coupang"].append(Listing("coupang", fields, price, p["SKU"], 1, True, oid))
                add_mapping("coupang", cp_pid, oid, reg_name, opt, p["SKU"], 1)

        # Cafe24: a smaller selection; 상품품목코드 = product code + variant suffix.
        cf_items = [p for p in items if p["SKU"] in _CORE_SKUS or rng.random() < 0.7]
        if cf_items:
            cafe_no += rng.randrange(1, 4)
            pcode = "P" + _letters(cafe_no, 7)
            for i, p in enumerate(cf_items):
                item_code = pcode + _letters(i, 4)
                opt = option_text(p["_combo"], "cafe24")
                fields = {"상품번호": str(cafe_no), "상품품목코드": item_code, "주문상품명": fname, "상품옵션": opt}
                listings["cafe24"].append(Listing("cafe24", fields, price, p["SKU"], 1, True, item_code))
                add_mapping("cafe24", str(cafe_no), item_code, fname, opt, p["SKU"], 1)

    # The gift set on every channel.
    ss_no = str(ss_ids.next())
    listings["smartstore"].append(Listing(
        "smartstore", {"상품번호": ss_no, "상품명": SET_NAME, "옵션정보": "", "판매자 상품코드": SET_SKU,
                       "상품종류": "단일상품", "_extra": 0}, SET_PRICE, SET_SKU, 1, True, f"{ss_no}|"))
    add_mapping("smartstore", ss_no, "", SET_NAME, "", SET_SKU, 1)
    cp_pid, oid = str(cp_product_ids.next()), str(cp_option_ids.next())
    name = f"{SHOP_NAME} {SET_NAME}"
    listings["coupang"].append(Listing(
        "coupang", {"노출상품ID": cp_pid, "옵션ID": oid, "등록상품명": name, "등록옵션명": "단품",
                    "노출상품명(옵션명)": f"{name}, 단품", "최초등록등록상품명/옵션명": f"{name} 단품", "바코드": ""},
        SET_PRICE, SET_SKU, 1, True, oid))
    add_mapping("coupang", cp_pid, oid, name, "단품", SET_SKU, 1)
    cafe_no += 1
    item_code = "P" + _letters(cafe_no, 7) + _letters(0, 4)
    listings["cafe24"].append(Listing(
        "cafe24", {"상품번호": str(cafe_no), "상품품목코드": item_code, "주문상품명": SET_NAME, "상품옵션": ""},
        SET_PRICE, SET_SKU, 1, True, item_code))
    add_mapping("cafe24", str(cafe_no), item_code, SET_NAME, "", SET_SKU, 1)

    # "3개입" packs of socks on Smartstore and Coupang (mapping 수량 3).
    sock_price = 3900 * 3 - 1000
    ss_no = str(ss_ids.next())
    ss_name = "데일리 양말 3개입 세트"
    cp_pid = str(cp_product_ids.next())
    cp_name = f"{SHOP_NAME} 데일리 양말 3개입"
    for sku in _PACK_SKUS:
        p = next(p for p in products if p["SKU"] == sku)
        color = p["_combo"][0][2]
        opt = f"색상: {color}"
        listings["smartstore"].append(Listing(
            "smartstore", {"상품번호": ss_no, "상품명": ss_name, "옵션정보": opt, "판매자 상품코드": "HR-SOCK-3P",
                           "상품종류": "조합형옵션상품", "_extra": 0}, sock_price, sku, 3, True, f"{ss_no}|{opt}"))
        add_mapping("smartstore", ss_no, "", ss_name, f"색상:{color}", sku, 3)
        oid = str(cp_option_ids.next())
        listings["coupang"].append(Listing(
            "coupang", {"노출상품ID": cp_pid, "옵션ID": oid, "등록상품명": cp_name, "등록옵션명": f"{color}, 3개",
                        "노출상품명(옵션명)": f"{cp_name}, {color}, 3개",
                        "최초등록등록상품명/옵션명": f"{cp_name} {color}", "바코드": ""},
            sock_price, sku, 3, True, oid))
        add_mapping("coupang", cp_pid, oid, cp_name, f"{color}, 3개", sku, 3)

    return listings, mappings, [ss_ids, cp_product_ids, cp_option_ids, cafe_no]


def unmapped_pool(rng: random.Random, products: list[dict], channel: str, size: int, ids: list[Any]) -> list[Listing]:
    """Listings the seller registered on the channel but never put in 매핑 (existing products, new codes)."""
    family_names = {code: name for code, name, _, _ in FAMILIES}
    pool = []
    picks = [rng.choice(products) for _ in range(size)]
    if channel == "smartstore":
        ss_ids = ids[0]
        ss_no = str(ss_ids.next())
        for p in picks:
            if rng.random() < 0.4:
                ss_no = str(ss_ids.next())
            opt = option_text(p["_combo"], "smartstore")
            name = f"{family_names[p['_family']]} 시즌 기획전"
            key = f"{ss_no}|{opt}"
            fields = {"상품번호": ss_no, "상품명": name, "옵션정보": opt, "판매자 상품코드": "",
                      "상품종류": "조합형옵션상품" if opt else "단일상품", "_extra": 0}
            pool.append(Listing(channel, fields, p["_price"], p["SKU"], 1, False, key))
    elif channel == "coupang":
        cp_pid = str(ids[1].next())
        for p in picks:
            oid = str(ids[2].next())
            opt = option_text(p["_combo"], "coupang")
            name = f"{SHOP_NAME} {family_names[p['_family']]} 기획전"
            fields = {"노출상품ID": cp_pid, "옵션ID": oid, "등록상품명": name, "등록옵션명": opt,
                      "노출상품명(옵션명)": f"{name}, {opt}" if opt else name,
                      "최초등록등록상품명/옵션명": f"{name} {opt}".strip(), "바코드": ""}
            pool.append(Listing(channel, fields, p["_price"], p["SKU"], 1, False, oid))
    else:
        cafe_no = ids[3] + 100
        for i, p in enumerate(picks):
            item_code = "P" + _letters(cafe_no, 7) + _letters(i, 4)
            opt = option_text(p["_combo"], "cafe24")
            fields = {"상품번호": str(cafe_no), "상품품목코드": item_code,
                      "주문상품명": f"{family_names[p['_family']]} (기획전)", "상품옵션": opt}
            pool.append(Listing(channel, fields, p["_price"], p["SKU"], 1, False, item_code))
    # Deduplicate by key (the same product can be picked twice).
    seen: set[str] = set()
    unique = []
    for listing in pool:
        if listing.key not in seen:
            seen.add(listing.key)
            unique.append(listing)
    return unique
