"""Stock on hand against what open orders want: the 재고 sheet of 현황, 품절 alerts, and per-channel 품절 files.

Stock moves live in the ledger (a count the seller typed, then shipped −, unshipped +, returned +). This module only
compares: what is left after today's open orders, and which channel listings sell a SKU at or under 안전재고.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chulgo.ledger import Stock
from chulgo.mapping import Listing, MappingBook
from chulgo.sheets import STATUS_STYLES, Sheet, write_workbook

STOCK_HEADER = ["SKU", "상품명", "센 재고", "센 때", "현재 재고", "주문 대기", "남는 수", "안전재고", "상태"]
SOLDOUT_COLUMNS = [                 # [확인 필요] each channel's own 품절/재고 upload: set [soldout] in its template
    {"header": "채널상품코드", "value": "product_code"}, {"header": "채널옵션코드", "value": "option_code"},
    {"header": "채널상품명", "value": "product_name"}, {"header": "채널옵션", "value": "option_text"},
    {"header": "SKU", "value": "sku"}, {"header": "남는 수", "value": "left"}, {"header": "판매상태", "value": "state"},
]
# What a [soldout] column's `value` names (the channel template check takes its list from here); `state` is then
# spelt as the template's [soldout.states] says.
SOLDOUT_VALUES: dict[str, Callable[[Listing, StockRow], str | int]] = {
    "product_code": lambda listing, row: listing.product_code,
    "option_code": lambda listing, row: listing.option_code,
    "product_name": lambda listing, row: listing.product_name,
    "option_text": lambda listing, row: listing.option_text,
    "sku": lambda listing, row: row.sku,
    "left": lambda listing, row: max(row.left, 0),
    "state": lambda listing, row: row.state,
}


@dataclass(frozen=True)
class StockRow:
    sku: str
    name: str
    stock: Stock
    wanted: int              # open orders not yet on a waybill
    safety: int

    @property
    def left(self) -> int:
        return self.stock.on_hand - self.wanted

    @property
    def state(self) -> str:
        if self.left <= 0:
            return "품절"
        return "품절 임박" if self.left <= self.safety else ""


def stock_rows(stock: dict[str, Stock], wanted: Counter, book: MappingBook) -> list[StockRow]:
    """Every counted SKU, the ones to act on first."""
    rows = [StockRow(sku, book.products[sku].name if sku in book.products else "", s, wanted.get(sku, 0),
                     book.safety_stock(sku)) for sku, s in stock.items()]
    return sorted(rows, key=lambda r: (r.state == "", r.left, r.sku))


def stock_sheet(rows: list[StockRow]) -> Sheet:
    body: list[list[str | int]] = [STOCK_HEADER]
    body += [[r.sku, r.name, r.stock.counted, r.stock.counted_at.replace("T", " ")[:16], r.stock.on_hand, r.wanted,
              r.left, r.safety, r.state] for r in rows]
    return Sheet("재고", body, row_styles={i: "urgent" for i, r in enumerate(rows, start=1) if r.state},
                 styles=STATUS_STYLES, printable=True)


def soldout_listings(book: MappingBook, rows: list[StockRow]) -> dict[str, list[tuple[Listing, StockRow]]]:
    """Per channel, the listings that sell a SKU at or under its 안전재고 (a set's listing when a component is)."""
    alert = {r.sku: r for r in rows if r.state}
    out: dict[str, list[tuple[Listing, StockRow]]] = {}
    for listing in dict.fromkeys(book.listings):
        hit = sorted((alert[sku] for sku in book.components(listing.sku) if sku in alert), key=lambda r: r.left)
        if hit:
            out.setdefault(listing.channel, []).append((listing, hit[0]))
    return out


def write_soldout_file(path: Path, entries: list[tuple[Listing, StockRow]], spec: dict | None) -> Path:
    """A channel's 품절 list in its template's [soldout] layout (a plain list when the template has none)."""
    spec = spec or {}
    columns = spec.get("columns", SOLDOUT_COLUMNS)
    states = spec.get("states", {})
    body: list[list[str | int]] = [[c["header"] for c in columns]]
    for listing, row in entries:
        values = {name: value(listing, row) for name, value in SOLDOUT_VALUES.items()}
        values["state"] = states.get(row.state, row.state)
        body.append([c["text"] if "text" in c else values.get(c.get("value", ""), "") for c in columns])
    return write_workbook(path, [Sheet(spec.get("sheet", "품절"), body, printable=True)])
