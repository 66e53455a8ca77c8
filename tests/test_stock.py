"""Stock across channels: counted 재고 goes to the oldest paid orders, the rest wait as 재고 부족 (never on a
waybill); sets move their components; a void parcel puts its goods back; 품절 alerts name each channel's listings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path


from chulgo import samples
from chulgo.ledger import Ledger
from chulgo.mapping import load_mapping
from jobs.context import Context
from tests.conftest import (as_dicts, day_to_uploads, ledger_rows, make_workspace, old_ledger,
                            outputs, set_products, sheet_rows)


def set_stock(ws: Path, stock: dict[str, int | str | None], counted_on: str = "") -> None:
    """The seller types new 재고 counts into 상품 (and, when given, the day they counted into 센 날)."""
    set_products(ws, "재고", stock)
    if counted_on:
        set_products(ws, "센 날", {sku: counted_on for sku in stock})


def demand(ws: Path) -> tuple[dict[str, Counter], list]:
    """Open lines' wanted units per SKU per channel, and the lines oldest first with their items."""
    ctx = Context(ws)
    book = ctx.mapping()
    lines = [(o.line, book.items_for(o.line)) for o in Ledger(ws / "data" / "chulgo.sqlite").open_lines("new")
             if not o.hold_reason]
    per: dict[str, Counter] = {}
    for line, items in lines:
        for it in items or []:
            per.setdefault(it.sku, Counter())[line.channel] += it.quantity
    return per, [(line, items) for line, items in lines if items]


def shipped_units(ws: Path) -> Counter:
    out = Counter()
    ledger = Ledger(ws / "data" / "chulgo.sqlite")
    live = [sid for (sid,) in ledger.db.execute("SELECT shipment_id FROM shipments WHERE voided_at IS NULL")]
    for parcel in ledger.shipments_by_id(live):
        for it in parcel.items:
            out[it.sku] += it.quantity
    return out


def test_stock_goes_to_the_oldest_orders_across_channels_and_the_rest_never_reach_a_waybill(cli, tmp_path):
    day = samples.generate_day(seed=11, lines=60, unmapped_share=0, cancelled_share=0)
    ws = make_workspace(tmp_path / "ws", day)
    cli(ws, "collect")
    per, lines = demand(ws)
    sku = next(s for s, by in sorted(per.items()) if len(by) >= 2 and sum(by.values()) >= 3)
    wanting = [(line, sum(it.quantity for it in items if it.sku == sku)) for line, items in lines
               if any(it.sku == sku for it in items)]
    oldest_need = wanting[0][1]
    set_stock(ws, {sku: oldest_need})
    code, out = cli(ws, "ship")
    assert "재고 부족" in out
    assert shipped_units(ws)[sku] == oldest_need            # never more than the count
    on_waybill = {k for (k,) in ledger_rows(ws, "SELECT line_key FROM lines WHERE shipment_id IS NOT NULL")}
    assert wanting[0][0].line_key in on_waybill
    assert not {line.line_key for line, _ in wanting[1:]} & on_waybill
    assert Ledger(ws / "data" / "chulgo.sqlite").stock()[sku].on_hand == 0

    cli(ws, "status")
    waiting = as_dicts(sheet_rows(outputs(ws, "현황")[-1], "대기"))
    short = [r for r in waiting if r["사유"].startswith("재고 부족")]
    assert {r["주문 줄 번호"] for r in short} >= {line.line_key for line, _ in wanting[1:]}
    assert all(sku in r["사유"] for r in short if r["주문 줄 번호"] in {l.line_key for l, _ in wanting[1:]})

    set_stock(ws, {sku: 100})                                # goods arrived: the seller counts again
    cli(ws, "ship")
    on_waybill = {k for (k,) in ledger_rows(ws, "SELECT line_key FROM lines WHERE shipment_id IS NOT NULL")}
    assert {line.line_key for line, _ in wanting} <= on_waybill
    left = Ledger(ws / "data" / "chulgo.sqlite").stock()[sku]
    assert left.counted == 100 and left.on_hand == 100 - sum(n for _, n in wanting[1:])


def test_a_set_moves_its_components_and_a_reprint_moves_nothing_twice(cli, ws):
    cli(ws, "collect")
    book = load_mapping(ws / "mappings" / "상품매핑.xlsx", {})
    counted = book.stock_counts()
    cli(ws, "ship")
    units = shipped_units(ws)
    stock = Ledger(ws / "data" / "chulgo.sqlite").stock()
    sets = {s for s in book.sets}
    assert sets and not sets & set(units)                    # a set never leaves the shelf as itself …
    for sku, n in units.items():                             # … its components do
        assert stock[sku].on_hand == counted[sku][0] - n
    cli(ws, "ship", "--reprint", "1")
    again = Ledger(ws / "data" / "chulgo.sqlite").stock()
    assert {sku: s.on_hand for sku, s in again.items()} == {sku: s.on_hand for sku, s in stock.items()}
    moves = dict(ledger_rows(ws, "SELECT kind, SUM(qty) FROM stock_moves WHERE kind != 'count' GROUP BY kind"))
    assert moves["unshipped"] == -moves["shipped"] // 2 == sum(units.values()) > 0   # the first print's, once


def test_a_recount_after_shipping_is_taken_as_the_stock_from_then_on(cli, ws):
    cli(ws, "collect")
    cli(ws, "ship")
    units = shipped_units(ws)
    sku = next(iter(units))
    set_stock(ws, {sku: 7})
    cli(ws, "status")
    assert Ledger(ws / "data" / "chulgo.sqlite").stock()[sku].on_hand == 7


def test_a_sku_at_or_under_its_safety_stock_is_listed_per_channel_for_selling_out(cli, tmp_path):
    day = samples.generate_day(seed=11, lines=60, unmapped_share=0, cancelled_share=0)
    ws = make_workspace(tmp_path / "ws", day)
    cli(ws, "collect")
    per, _ = demand(ws)
    sku = next(s for s, by in sorted(per.items()) if len(by) >= 2)
    set_stock(ws, {sku: sum(per[sku].values())})             # exactly today's demand: nothing left after it
    code, out = cli(ws, "status")
    assert "품절" in out
    stock = {r["SKU"]: r for r in as_dicts(sheet_rows(outputs(ws, "현황")[-1], "재고"))}
    assert stock[sku]["남는 수"] == "0" and stock[sku]["상태"] == "품절"
    book = load_mapping(ws / "mappings" / "상품매핑.xlsx", {"스마트스토어": "smartstore", "쿠팡": "coupang",
                                                            "카페24": "cafe24", "smartstore": "smartstore",
                                                            "coupang": "coupang", "cafe24": "cafe24"})
    for channel, name in (("smartstore", "스마트스토어"), ("coupang", "쿠팡"), ("cafe24", "카페24")):
        selling = {(l.product_code, l.option_code) for l in book.listings
                   if l.channel == channel and sku in book.components(l.sku)}
        files = outputs(ws, f"품절_{name}")
        if not selling:
            continue
        listed = {(r["채널상품코드"], r["채널옵션코드"]) for r in as_dicts(sheet_rows(files[-1])) if r["SKU"] == sku}
        assert selling <= listed


def _returned(cli, ws: Path, day: samples.SampleDay, n: int) -> list[str]:
    """A day shipped and uploaded, then the channel lists ``n`` of its cafe24 lines as 반품요청."""
    day_to_uploads(cli, ws)
    rows = [dict(r) for r in day.cafe24]
    uploaded = {k for (k,) in ledger_rows(ws, "SELECT line_key FROM lines WHERE state = 'invoiced'")}
    picked = [r for r in rows if r["품목별 주문번호"] in uploaded][:n]
    for r in picked:
        r["주문상태"] = "반품요청"
    samples.write_cafe24_export(ws / "inbox" / "cafe24_later.xlsx", rows)
    cli(ws, "collect")
    return [r["품목별 주문번호"] for r in picked]


def test_a_good_return_restocks_once_and_a_defect_does_not(cli, ws, day):
    good, defect = _returned(cli, ws, day, 2)
    before = Ledger(ws / "data" / "chulgo.sqlite").stock()
    items = dict(ledger_rows(ws, "SELECT sl.line_key, i.items FROM shipment_lines sl JOIN item_sets i "
                                 "ON i.item_set = sl.item_set WHERE sl.line_key IN (?, ?)", (good, defect)))
    import json
    code, out = cli(ws, "returns")
    assert code == 0 and good in out and defect in out
    code, out = cli(ws, "returns", "입고", good)
    assert code == 0, out
    code, out = cli(ws, "returns", "입고", good)                   # the same parcel scanned twice
    assert code == 1 and "이미 받았거나" in out
    code, out = cli(ws, "returns", "불량", defect)
    assert code == 0, out
    after = Ledger(ws / "data" / "chulgo.sqlite").stock()
    back = Counter()
    for sku, qty, *_ in json.loads(items[good]):
        back[sku] += qty
    for sku in set(before) | set(after):
        assert after[sku].on_hand == before[sku].on_hand + back.get(sku, 0)
    cli(ws, "status")
    assert as_dicts(sheet_rows(outputs(ws, "현황")[-1], "반품")) == []      # received: off the list


def test_a_blank_count_stops_counting_and_a_new_count_day_makes_the_same_number_a_new_count(cli, ws):
    cli(ws, "collect")
    per, lines = demand(ws)
    sku = next(s for s, by in sorted(per.items()) if sum(by.values()) >= 1)
    set_stock(ws, {sku: 0})
    code, out = cli(ws, "ship")
    assert "재고 부족" in out and shipped_units(ws)[sku] == 0
    set_stock(ws, {sku: None})                               # the seller stops counting this SKU
    cli(ws, "ship")
    assert shipped_units(ws)[sku] > 0
    cli(ws, "status")
    dashboard = outputs(ws, "현황")[-1]
    assert sku not in {r["SKU"] for r in as_dicts(sheet_rows(dashboard, "재고"))}
    assert not [r for r in as_dicts(sheet_rows(dashboard, "대기")) if sku in r["사유"]]
    set_stock(ws, {sku: 5}, counted_on="2026-11-23")
    cli(ws, "status")
    set_stock(ws, {sku: 5}, counted_on="2026-11-24")          # counted again: still 5 on the shelf
    cli(ws, "status")
    assert Ledger(ws / "data" / "chulgo.sqlite").stock()[sku].on_hand == 5


def test_a_reprint_after_the_shelf_was_counted_empty_keeps_the_packed_parcels(cli, ws):
    cli(ws, "collect")
    cli(ws, "ship")
    packed = {k for (k,) in ledger_rows(ws, "SELECT line_key FROM lines WHERE state = 'batched'")}
    units = shipped_units(ws)
    set_stock(ws, {sku: 0 for sku in units})                 # everything is in the boxes; the shelf is empty
    code, out = cli(ws, "ship", "--reprint", "1")
    assert code == 0, out
    again = {k for (k,) in ledger_rows(ws, "SELECT line_key FROM lines WHERE state = 'batched'")}
    assert again == packed
    stock = Ledger(ws / "data" / "chulgo.sqlite").stock()
    assert all(stock[sku].on_hand == 0 for sku in units)


def test_an_older_order_short_of_stock_keeps_what_is_left_from_newer_smaller_ones(cli, tmp_path):
    day = samples.generate_day(seed=11, lines=60, unmapped_share=0, cancelled_share=0)
    ws = make_workspace(tmp_path / "ws", day)
    cli(ws, "collect")
    _, lines = demand(ws)
    by_sku: dict[str, list] = {}
    for line, items in lines:
        for it in items:
            by_sku.setdefault(it.sku, []).append((line, it.quantity))
    sku, wanting = next((s, w) for s, w in sorted(by_sku.items()) if len(w) >= 2 and w[0][1] >= 2)
    set_stock(ws, {sku: wanting[0][1] - 1})                  # one short of the oldest order
    cli(ws, "ship")
    assert shipped_units(ws)[sku] == 0                       # newer orders do not take the oldest one's stock


def test_a_second_return_of_the_same_line_can_be_received_after_the_first_was_withdrawn(cli, ws, day):
    key, = _returned(cli, ws, day, 1)
    assert cli(ws, "returns", "입고", key)[0] == 0
    rows = [dict(r) for r in day.cafe24]
    for status, name in (("배송완료", "cafe24_withdrawn.xlsx"), ("반품신청", "cafe24_again.xlsx")):
        for r in rows:
            if r["품목별 주문번호"] == key:
                r["주문상태"] = status
        samples.write_cafe24_export(ws / "inbox" / name, rows)
        cli(ws, "collect")
    assert ledger_rows(ws, "SELECT state FROM lines WHERE line_key = ?", (key,)) == [("returned",)]
    code, out = cli(ws, "returns", "입고", key)
    assert code == 0, out


def test_a_v3_ledger_gets_each_skus_balance_from_its_history(tmp_path):
    """Upgrading to v4: the balance kept per SKU equals the last count plus every move after it, and moves keep it."""
    path = tmp_path / "v3.sqlite"
    db = old_ledger(path, 3)
    db.executemany("INSERT INTO stock_moves (sku, qty, kind, ref, at) VALUES (?, ?, ?, ?, 'now')",
                   [("A", 10, "count", ""), ("B", 5, "count", ""), ("A", -3, "shipped", "x"), ("B", -1, "shipped", "x"),
                    ("A", 1, "unshipped", "x"),
                    ("B", 7, "count", ""),                             # B counted anew: its earlier move is in it
                    ("B", -2, "shipped", "y")])
    db.commit()
    db.close()
    expected = {"A": 8, "B": 5}
    upgraded = Ledger(path)
    assert {sku: s.on_hand for sku, s in upgraded.stock().items()} == expected
    with upgraded.transaction():
        upgraded.db.execute("INSERT INTO stock_moves (sku, qty, kind, ref, at) VALUES ('A', -4, 'shipped', 'z', 'now')")
    assert upgraded.stock()["A"].on_hand == 4
