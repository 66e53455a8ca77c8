"""The picking list: totals per SKU in walking order (로케이션), then every parcel with every item to pack."""

from __future__ import annotations

from pathlib import Path

from chulgo.mapping import Product
from chulgo.model import Shipment
from chulgo.sheets import Sheet, write_workbook


def _location_order(location: str, sku: str) -> tuple:
    return (location == "", location, sku)


def picking_sheets(shipments: list[Shipment], products: dict[str, Product], title: str,
                   channel_names: dict[str, str]) -> list[Sheet]:
    totals: dict[str, int] = {}
    names: dict[str, tuple[str, str, str]] = {}
    for s in shipments:
        for it in s.items:
            totals[it.sku] = totals.get(it.sku, 0) + it.quantity
            names.setdefault(it.sku, (it.name, it.location, it.barcode))
    units = sum(totals.values())
    summary: list[list[str | int]] = [
        [f"{title} — 송장 {len(shipments)}건, 상품 {len(totals)}종 {units}개"],
        ["로케이션", "SKU", "상품명", "바코드", "수량", "재고", "확인"],
    ]
    for sku in sorted(totals, key=lambda k: _location_order(names[k][1], k)):
        name, location, barcode = names[sku]
        stock = products[sku].stock if sku in products else ""
        summary.append([location, sku, name, barcode, totals[sku], stock, "☐"])

    packing: list[list[str | int]] = [
        [f"{title} — 포장 목록"],
        ["송장묶음", "수취인", "채널", "주문번호", "SKU", "상품명", "수량", "로케이션"],
    ]
    emphasis = set()
    for s in shipments:
        emphasis.add(len(packing))
        channels = ", ".join(dict.fromkeys(channel_names.get(line.channel, line.channel) for line in s.lines))
        total = sum(it.quantity for it in s.items)
        packing.append([s.shipment_id, s.recipient.name, channels, f"{len(s.lines)}줄", "", "", total, ""])
        for line in s.lines:
            for it in sorted(line.items, key=lambda i: _location_order(i.location, i.sku)):
                packing.append(["", "", channel_names.get(line.channel, line.channel), line.order_no, it.sku,
                                it.name, it.quantity, it.location])
    return [
        Sheet("합계", summary, header_rows=2, printable=True),
        Sheet("포장", packing, header_rows=2, printable=True, landscape=True, emphasis=emphasis),
    ]


def write_picking_list(path: Path, shipments: list[Shipment], products: dict[str, Product], title: str,
                       channel_names: dict[str, str]) -> Path:
    return write_workbook(path, picking_sheets(shipments, products, title, channel_names))
