"""The picking list: totals per SKU in walking order (로케이션), then every parcel with every item to pack.

Also the day total across every courier batch, and the packing slip (운송장번호 per parcel) for scan-to-check
packing once tracking numbers are back. Every sheet prints on A4 portrait, one page wide, header rows repeated.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from chulgo.mapping import Product
from chulgo.model import Item, Shipment
from chulgo.sheets import Sheet, display_width, write_workbook

MANY = "#FFD966"          # fill of a quantity of 2 or more: the picker must not take just one
GIFT = re.compile(r"사은품|증정|선물(?!\s*세트)")   # 선물세트 is a product, not a free gift

STYLES: dict[str, dict] = {
    "title": {"bold": True, "font_size": 14, "valign": "vcenter"},
    "note": {"font_color": "#595959", "valign": "vcenter"},
    "head": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "valign": "vcenter",
             "text_wrap": True},
    "cell": {"valign": "vcenter", "bottom": 4, "bottom_color": "#BFBFBF"},
    "check": {"valign": "vcenter", "align": "center", "font_size": 14, "bottom": 4, "bottom_color": "#BFBFBF"},
    "qty": {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter", "num_format": "0",
            "bottom": 4, "bottom_color": "#BFBFBF"},
    "qty_many": {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter", "num_format": "0",
                 "bg_color": MANY, "border": 2},
    "small_qty": {"align": "center", "valign": "vcenter", "num_format": "0", "font_color": "#595959",
                  "bottom": 4, "bottom_color": "#BFBFBF"},
    "short": {"bold": True, "font_color": "#C00000", "valign": "vcenter", "bottom": 4, "bottom_color": "#BFBFBF"},
    # 포장 / 포장확인 blocks
    "parcel": {"bold": True, "font_size": 12, "bg_color": "#F2F2F2", "top": 2, "valign": "vcenter"},
    "parcel_who": {"bold": True, "bg_color": "#F2F2F2", "top": 2, "valign": "vcenter"},
    "parcel_count": {"bold": True, "bg_color": "#F2F2F2", "top": 2, "align": "right", "valign": "vcenter"},
    "tracking": {"bold": True, "font_size": 14, "bg_color": "#F2F2F2", "top": 2, "valign": "vcenter"},
    "tracking_more": {"bold": True, "font_size": 14, "bg_color": "#F2F2F2", "valign": "vcenter"},
    "missing": {"bold": True, "font_color": "#C00000", "bg_color": "#F2F2F2", "top": 2, "valign": "vcenter"},
    "message": {"valign": "vcenter", "text_wrap": True, "font_color": "#1F4E79"},
    "flags": {"bold": True, "font_color": "#C00000", "align": "right", "valign": "vcenter", "text_wrap": True},
    "blank": {},
    "set": {"italic": True, "bold": True, "font_color": "#1F4E79", "valign": "vcenter"},
}


# ---------------------------------------------------------------------------------------------- small helpers

def _location_order(location: str, sku: str) -> tuple:
    return (location == "", location, sku)


def _clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` display columns (Hangul counts two), with … when cut."""
    if display_width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > limit - 1:
            break
        out, used = out + ch, used + w
    return out.rstrip() + "…"


_PROVINCE = re.compile(r"^(서울|부산|대구|인천|광주|대전|울산|세종|제주|경기|강원|충청|충북|충남|전라|전북|전남|경상|경북|경남)"
                       r"\S*\s+")


def short_address(address: str, limit: int = 34) -> str:
    """The address as a packer reads it: 시/군/구 + 도로명 + 번호 + 상세, without the 시/도 and the (동, 건물),
    cut to ``limit`` display columns. `서울특별시 강남구 테헤란로 12, 3층 (역삼동)` → `강남구 테헤란로 12, 3층`."""
    text = " ".join(address.split())
    text = re.sub(r"\s*\([^()]*\)\s*$", "", text) or text
    m = _PROVINCE.match(text)
    if m:
        rest = text[m.end():]
        text = f"세종 {rest}" if m[1] == "세종" else rest
    return _clip(text, limit)


def gift_words(*texts: str) -> list[str]:
    """사은품 / 증정 / 선물 said in a product name or option (선물세트 is a product, not a gift)."""
    return list(_gift_words(texts))


@lru_cache(maxsize=4096)
def _gift_words(texts: tuple[str, ...]) -> tuple[str, ...]:
    """gift_words, remembered: a day's parcels repeat a few hundred listings."""
    return tuple(dict.fromkeys(m[0] for t in texts for m in GIFT.finditer(t or "")))


# ---------------------------------------------------------------------------------------------- Code128 image

# Code 128 symbol widths (bar, space, bar, space, bar, space), values 0-106; 106 is the stop with its final bar.
_CODE128 = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 221312 231212 112232 122132 122231 "
    "113222 123122 123221 223211 221132 221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 "
    "212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 231113 231311 112133 112331 132131 "
    "113123 113321 133121 313121 211331 231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 112412 122114 122411 142112 142211 "
    "241211 221114 413111 241112 134111 111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 "
    "214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 114131 311141 411131 211412 211214 "
    "211232 2331112").split()
_START_B = 104
_STOP = 106


def code128_modules(text: str) -> str:
    """Code 128 (code set B) of printable ASCII ``text`` as modules, "1" bar and "0" space, no quiet zone."""
    if not text or any(not 32 <= ord(ch) < 127 for ch in text):
        raise ValueError(f"Code128 B cannot encode {text!r}")
    values = [_START_B] + [ord(ch) - 32 for ch in text]
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    out = []
    for v in values + [check, _STOP]:
        out.extend(("1" if i % 2 == 0 else "0") * int(w) for i, w in enumerate(_CODE128[v]))
    return "".join(out)


def barcode_png(text: str, module_px: int = 2, height_px: int = 80, dpi: int = 254, quiet: int = 10) -> bytes:
    """A grey-scale PNG of ``text`` as Code 128 (pure Python). At the default 254 dpi one module is 0.2 mm and the
    bars are 8 mm tall; the image carries its dpi so Excel and LibreOffice print it at that size."""
    modules = "0" * quiet + code128_modules(text) + "0" * quiet
    row = b"\x00" + b"".join((b"\x00" if m == "1" else b"\xff") * module_px for m in modules)
    raw = row * height_px

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    per_metre = round(dpi / 0.0254)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", len(modules) * module_px, height_px, 8, 0, 0, 0, 0))
            + chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
            + chunk(b"IDAT", zlib.compress(raw, 6))
            + chunk(b"IEND", b""))


def _barcode(text: str) -> bytes | None:
    try:
        return barcode_png(text)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------- 합계

def _many(qty: int) -> str:
    return "qty_many" if qty >= 2 else "qty"


def _stock_short(stock: str, qty: int) -> bool:
    try:
        return int(str(stock).replace(",", "").strip()) < qty
    except ValueError:
        return False


def total_sheet(shipments: list[Shipment], products: dict[str, Product], title: str,
                batch_names: dict[int, str] | None = None, name: str = "합계") -> Sheet:
    """Every SKU once, in walking order (로케이션), with its total. ``batch_names``: when the shipments come from more
    than one batch, a column per batch (its name, e.g. "1차 CJ대한통운") shows how many go to each."""
    totals: dict[str, int] = {}
    per_batch: dict[tuple[str, int], int] = {}
    names: dict[str, Item] = {}
    batches = list(dict.fromkeys(s.batch_id for s in shipments))
    for s in shipments:
        for it in s.items:
            totals[it.sku] = totals.get(it.sku, 0) + it.quantity
            per_batch[(it.sku, s.batch_id)] = per_batch.get((it.sku, s.batch_id), 0) + it.quantity
            names.setdefault(it.sku, it)
    split = len(batches) > 1
    labels = [(batch_names or {}).get(b) or f"{b}번 묶음" for b in batches] if split else []
    units = sum(totals.values())
    many = sum(1 for q in totals.values() if q >= 2)
    codes = not split           # the day total is a walking list: its batch columns take the 바코드 column's room
    header = ["로케이션", "SKU", "상품명", *(["바코드"] if codes else []), *labels, "수량", "재고", "확인"]
    first_batch = 3 + codes
    q_col = first_batch + len(labels)
    ncol = len(header)
    summary = f"송장 {len(shipments)}건 · 상품 {len(totals)}종 {units}개"
    if many:
        summary += f" · 노란 칸은 2개 이상 ({many}종)"
    if split:
        summary += f" · 택배 묶음 {len(batches)}개를 합친 수량"
    rows: list[list[str | int]] = [[title] + [""] * (ncol - 1), [summary] + [""] * (ncol - 1), header]
    sheet = Sheet(name, rows, header_rows=3, printable=True, styles=STYLES, max_width=40,
                  merges=[(0, 0, 0, ncol - 1), (1, 0, 1, ncol - 1)],
                  row_styles={0: "title", 1: "note", 2: "head"}, row_heights={0: 24, 1: 18, 2: 32 if split else 20},
                  widths={ncol - 1: 6, **{c: 9 for c in range(first_batch, q_col)}})
    for sku in sorted(totals, key=lambda k: _location_order(names[k].location, k)):
        it = names[sku]
        stock = products[sku].stock if sku in products else ""
        r = len(rows)
        rows.append([it.location, sku, it.name, *([it.barcode] if codes else []),
                     *(per_batch.get((sku, b), 0) or "" for b in (batches if split else [])), totals[sku], stock,
                     "☐"])
        sheet.row_styles[r] = "cell"
        sheet.row_heights[r] = 24
        sheet.cell_styles[(r, q_col)] = _many(totals[sku])
        sheet.cell_styles[(r, ncol - 1)] = "check"
        for c in range(first_batch, q_col):
            sheet.cell_styles[(r, c)] = "small_qty"
        if _stock_short(stock, totals[sku]):
            sheet.cell_styles[(r, q_col + 1)] = "short"
    return sheet


# ---------------------------------------------------------------------------------------------- 포장 blocks

@dataclass
class PackRow:
    """One SKU to put in a parcel (summed over the parcel's lines), or a set heading above its components."""

    sku: str = ""
    name: str = ""
    location: str = ""
    quantity: int = 0
    note: str = ""
    heading: str = ""           # set / multi-SKU listing name: a heading row, not a SKU row


@dataclass
class Parcel:
    shipment: Shipment
    rows: list[PackRow] = field(default_factory=list)
    orders: int = 0             # distinct (channel, order_no)
    gifts: list[str] = field(default_factory=list)

    @property
    def sku_rows(self) -> list[PackRow]:
        return [r for r in self.rows if not r.heading]


def parcel_contents(s: Shipment) -> Parcel:
    """The parcel as a packer needs it: each SKU once (quantities summed), a set's components under its listing
    name. A SKU found in a set and elsewhere in the same parcel is listed once, outside the sets, with where its
    units come from in 비고."""
    if len(s.lines) == 1 and len(s.lines[0].items) == 1:     # most parcels: one line of one SKU, nothing to sum
        line = s.lines[0]
        it = line.items[0]
        words = _gift_words((line.product_name, line.option_text))
        return Parcel(s, [PackRow(it.sku, it.name or it.sku, it.location, it.quantity, "사은품" if words else "")],
                      orders=1, gifts=list(words))
    qty: dict[str, int] = {}
    item: dict[str, Item] = {}
    sources: dict[str, dict[tuple[str, str] | None, int]] = {}
    groups: dict[tuple[str, str], int] = {}          # set listing -> listing quantity
    gifts: list[str] = []
    gift_skus: set[str] = set()
    for line in s.lines:
        group = (line.product_name, line.option_text) if len(line.items) > 1 else None
        if group is not None:
            groups[group] = groups.get(group, 0) + line.quantity
        words = _gift_words((line.product_name, line.option_text))
        if words:
            gifts.extend(w for w in words if w not in gifts)
            gift_skus.update(it.sku for it in line.items)
        for it in line.items:
            qty[it.sku] = qty.get(it.sku, 0) + it.quantity
            item.setdefault(it.sku, it)
            src = sources.setdefault(it.sku, {})
            src[group] = src.get(group, 0) + it.quantity
    loose = [k for k in qty if len(sources[k]) > 1 or None in sources[k]]
    parcel = Parcel(s, orders=len({(line.channel, line.order_no) for line in s.lines}), gifts=gifts)

    def row(sku: str, indent: str = "") -> PackRow:
        it = item[sku]
        note = []
        if len(sources[sku]) > 1:
            note.append("+".join(f"{'단품' if g is None else '세트'}{n}" for g, n in sources[sku].items()))
        if sku in gift_skus:
            note.append("사은품")
        return PackRow(sku, indent + (it.name or sku), it.location, qty[sku], " · ".join(note))

    for sku in sorted(loose, key=lambda k: _location_order(item[k].location, k)):
        parcel.rows.append(row(sku))
    for group, listing_qty in groups.items():
        members = [k for k in qty if k not in loose and group in sources[k]]
        if not members:
            continue
        listing = " ".join(p for p in group if p)
        above = sum(1 for k in loose if group in sources[k])
        parcel.rows.append(PackRow(heading=f"▼ {listing} × {listing_qty}"
                                   + (f" (구성 {above}종은 위 줄에 합침)" if above else "")))
        for sku in sorted(members, key=lambda k: _location_order(item[k].location, k)):
            parcel.rows.append(row(sku, "└ "))
    return parcel


def _parcel_flags(p: Parcel, channel_names: dict[str, str]) -> list[str]:
    """What the packer must notice about a parcel: orders merged into it (and from which channels), free gifts."""
    flags = []
    if p.orders > 1:
        chans = list(dict.fromkeys(channel_names.get(line.channel, line.channel) for line in p.shipment.lines))
        flags.append(f"합포장 {p.orders}건" + (f" ({', '.join(chans)})" if len(chans) > 1 else ""))
    if p.gifts:
        flags.append(f"{'/'.join(p.gifts)} 확인")
    return flags


PACK_HEADER = ["확인", "로케이션", "SKU", "상품명", "수량", "비고"]
PAGE_BODY = 640.0     # points of parcel blocks per A4 portrait page under the repeated header (with some slack)


def _pack_sheet(name: str, title: str, summary: str, parcels: list[Parcel], heads: list[list[str]],
                channel_names: dict[str, str], barcodes: list[str], slip: bool = False) -> Sheet:
    """One block per parcel. ``heads``: the first rows' labels per parcel (our id, or its 운송장번호s);
    ``barcodes``: the text of the barcode printed under them ("" = none); ``slip``: the packing slip (our id goes
    beside the message, a missing tracking number is red)."""
    ncol = len(PACK_HEADER)
    rows: list[list[str | int]] = [[title] + [""] * (ncol - 1), [summary] + [""] * (ncol - 1), list(PACK_HEADER)]
    sheet = Sheet(name, rows, header_rows=3, printable=True, styles=STYLES, max_width=38,
                  merges=[(0, 0, 0, ncol - 1), (1, 0, 1, ncol - 1)],
                  row_styles={0: "title", 1: "note", 2: "head"}, row_heights={0: 24, 1: 18, 2: 20},
                  widths={0: 5, 4: 7})
    used = 0.0
    for p, head, code in zip(parcels, heads, barcodes):
        start = len(rows)
        s = p.shipment
        sku_rows = p.sku_rows
        count = f"{len(sku_rows)}줄 · {sum(r.quantity for r in sku_rows)}개"
        who = f"{s.recipient.name} · {short_address(s.recipient.address, 26)}"
        for i, label in enumerate(head):
            r = len(rows)
            if i == 0:
                rows.append([label, "", "", who, count, ""])
                sheet.row_styles[r] = "parcel_who"
                sheet.cell_styles[(r, 4)] = "parcel_count"
                sheet.cell_styles[(r, 0)] = ("missing" if label.startswith("운송장 없음") else "tracking") if slip \
                    else "parcel"
            else:
                rows.append([label, "", "", "", "", ""])
                sheet.row_styles[r] = "tracking_more"
            sheet.merges += [(r, 0, r, 2), (r, 4, r, 5)]
            sheet.row_heights[r] = 24
        flags = _parcel_flags(p, channel_names)
        message = f"메시지: {s.recipient.message}" if s.recipient.message else ""
        if slip:
            message = f"{s.shipment_id}" + (f" · {message}" if message else "")
        image = _barcode(code) if code else None
        if image or flags or message:
            r = len(rows)
            rows.append(["", "", "", message, " · ".join(flags), ""])
            sheet.merges += [(r, 0, r, 2), (r, 3, r, 3), (r, 4, r, 5)]
            sheet.row_styles[r] = "message"
            sheet.cell_styles[(r, 4)] = "flags"
            sheet.cell_styles[(r, 0)] = "blank"
            lines = min(4, -(-display_width(message) // 36) or 1)     # a long 배송메시지 wraps in the 상품명 column
            sheet.row_heights[r] = max(30 if image else 20, 15 * lines + 4)
            if image:
                sheet.images.append((r, 0, image, {"x_offset": 4, "y_offset": 4}))
        for pr in p.rows:
            r = len(rows)
            if pr.heading:
                rows.append(["", "", pr.heading, "", "", ""])
                sheet.merges.append((r, 2, r, 5))
                sheet.row_styles[r] = "set"
                sheet.row_heights[r] = 18
                continue
            rows.append(["☐", pr.location, pr.sku, pr.name, pr.quantity, _clip(pr.note, 18)])
            sheet.row_styles[r] = "cell"
            sheet.cell_styles[(r, 0)] = "check"
            sheet.cell_styles[(r, 4)] = _many(pr.quantity)
            sheet.row_heights[r] = 22
        height = sum(sheet.row_heights[r] for r in range(start, len(rows)))
        if used and used + height > PAGE_BODY:        # a parcel never starts on one page and ends on the next
            sheet.page_breaks.append(start)
            used = 0.0
        used += height
    return sheet


def _pack_table(name: str, parcels: list[Parcel], tracking: list[list[str]], channel_names: dict[str, str]) -> Sheet:
    """A batch too big for blocks (BLOCKS_MAX): a row per SKU of each parcel, its parcel's columns repeated so
    every row stands alone under a filter. ``tracking``: the 운송장번호s per parcel (포장확인), or ``[]`` each (포장:
    no 운송장 column)."""
    slip = name == "포장확인"
    header = [*(["운송장번호"] if slip else []), "송장", "받는 분", "로케이션", "SKU", "상품명", "수량", "비고", "배송메시지"]
    rows: list[list[str | int]] = [header]
    for p, numbers in zip(parcels, tracking):
        s = p.shipment
        flags = _parcel_flags(p, channel_names)
        first = [*([", ".join(numbers) or "운송장 없음"] if slip else []), s.shipment_id, s.recipient.name]
        heading = ""
        for pr in p.rows:
            if pr.heading:
                heading = pr.heading.removeprefix("▼ ")
                continue
            note = " · ".join(x for x in (pr.note, f"세트 {heading}" if pr.name.startswith("└ ") else "", *flags) if x)
            rows.append([*first, pr.location, pr.sku, pr.name.removeprefix("└ "), pr.quantity, note,
                         s.recipient.message])
    return Sheet(name, rows, max_width=40)     # a table to filter on screen (fast to write), not to print


def packing_sheet(shipments: list[Shipment], title: str, channel_names: dict[str, str],
                  barcodes: bool = True) -> Sheet:
    parcels = [parcel_contents(s) for s in shipments]
    if len(parcels) > BLOCKS_MAX:
        return _pack_table("포장", parcels, [[] for _ in parcels], channel_names)
    merged = sum(1 for p in parcels if p.orders > 1)
    summary = f"송장 {len(parcels)}건" + (f" · 합포장 {merged}건" if merged else "") + \
        " · 상품을 넣을 때마다 ☐에 표시하고, 줄 수를 맞춰 보세요" + ("" if barcodes else NO_BARCODES)
    return _pack_sheet("포장", f"{title} — 포장", summary, parcels, [[s.shipment_id] for s in shipments],
                       channel_names, [s.shipment_id if barcodes else "" for s in shipments])


# A block per parcel prints about eight parcels a page: above this many parcels (some 600 pages) nobody packs from
# paper. Such a batch gets 포장 and 포장확인 as one flat table, a row per SKU of each parcel with the parcel's id,
# recipient and notes repeated, to filter by 로케이션 or SKU and to search by the scanned number.
BLOCKS_MAX = 5000
FLAT_NOTE = f"송장이 {BLOCKS_MAX:,}건을 넘어 송장별 포장 목록은 {{file}} 파일에 한 줄에 상품 하나씩 적은 표로 있습니다 (필터로 찾으세요)"

# Barcode pictures cost about 1 ms each to draw and package: a peak day's list (10,000 parcels) would take 10 s more
# and be too big to open comfortably. Above this many parcels a file carries the id as text only and says so.
BARCODE_MAX = 1000
NO_BARCODES = f" · 송장이 {BARCODE_MAX:,}건을 넘어 바코드 그림은 넣지 않았습니다"


def picking_sheets(shipments: list[Shipment], products: dict[str, Product], title: str,
                   channel_names: dict[str, str]) -> list[Sheet]:
    return [total_sheet(shipments, products, title),
            packing_sheet(shipments, title, channel_names, barcodes=len(shipments) <= BARCODE_MAX)]


def write_picking_list(path: Path, shipments: list[Shipment], products: dict[str, Product], title: str,
                       channel_names: dict[str, str]) -> list[Path]:
    """피킹리스트 (합계 + 포장). A batch over BLOCKS_MAX parcels: 합계 alone, and 포장 as a table in its own file
    beside it (`포장목록_…`), which a plain-table writer writes in a fraction of the time."""
    total, packing = picking_sheets(shipments, products, title, channel_names)
    if len(shipments) <= BLOCKS_MAX:
        return [write_workbook(path, [total, packing])]
    table = path.with_name(path.name.replace("피킹리스트", "포장목록", 1))
    total.rows[1][0] = f"{total.rows[1][0]} · {FLAT_NOTE.format(file=table.name)}"
    return [write_workbook(path, [total]), write_workbook(table, [packing])]


def write_day_total(path: Path, shipments: list[Shipment], products: dict[str, Product], title: str,
                    batch_names: dict[int, str] | None = None) -> Path:
    """One 합계 for all of today's batches (every courier): each SKU once with the day's quantity, and a column per
    batch when there are several. ``batch_names``: batch_id → what the seller calls it ("1차 CJ대한통운")."""
    return write_workbook(path, [total_sheet(shipments, products, title, batch_names)])


def write_packing_slip(path: Path, shipments: list[Shipment], tracking: dict[str, list[str]], title: str,
                       channel_names: dict[str, str] | None = None) -> Path:
    """After tracking: per parcel its 운송장번호(s) (barcode of the first), our id, recipient and items, to scan the
    label and check the box against the slip. A parcel without a tracking number says so in red."""
    parcels = [parcel_contents(s) for s in shipments]
    heads, codes = [], []
    for s in shipments:
        numbers = [n for n in tracking.get(s.shipment_id, []) if n]
        if numbers:
            heads.append([f"운송장 {n}" for n in numbers])
        else:
            heads.append(["운송장 없음 — 택배사 결과 파일 확인"])
        codes.append(numbers[0] if numbers and len(shipments) <= BARCODE_MAX else "")
    missing = sum(1 for s in shipments if not [n for n in tracking.get(s.shipment_id, []) if n])
    summary = f"송장 {len(shipments)}건" + (f" · 운송장 없음 {missing}건" if missing else "") + \
        " · 운송장 바코드를 찍어 이 목록과 맞추고, 상품마다 ☐에 표시하세요" + \
        ("" if len(shipments) <= BARCODE_MAX else NO_BARCODES)
    if len(parcels) > BLOCKS_MAX:
        numbers = [[n for n in tracking.get(s.shipment_id, []) if n] for s in shipments]
        sheet = _pack_table("포장확인", parcels, numbers, channel_names or {})
        return write_workbook(path, [sheet])
    sheet = _pack_sheet("포장확인", f"{title} — 포장 확인", summary, parcels, heads, channel_names or {}, codes,
                        slip=True)
    return write_workbook(path, [sheet])
