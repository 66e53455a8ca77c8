"""The rules that decide whether an open line ships now, on a ledger and a mapping alone (no workspace, no Context):
a bundle ships whole, a gift waits for its address, the cut-off moves late lines to the next business day, a fresh
payment waits, counted stock goes to the oldest order first."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from chulgo.ledger import Ledger
from chulgo.mapping import MappingBook, Product, Rule
from chulgo.model import OrderLine, Recipient
from chulgo.readiness import ShipRules, sort_open_lines

TODAY = date(2026, 11, 23)          # a Monday
HOME = Recipient("남솔람", "010-5286-3454", "", "16523", "경기도 수원시 영통구 광교중앙로 239")


def line(key: str, *, bundle: str = "", product: str = "TEE", ordered: str = "2026-11-22 09:00:00", qty: int = 1,
         recipient: Recipient = HOME, channel: str = "smartstore") -> OrderLine:
    return OrderLine(channel, key, f"O-{key}", bundle or f"B-{key}", product, "", product, "", qty, recipient, "", "",
                     ordered)


def book(stock: str = "") -> MappingBook:
    b = MappingBook(Path("상품매핑.xlsx"), products={"TEE": Product("TEE", "티셔츠", "", "A-1", stock, "", "")})
    b.by_product[("smartstore", "TEE")] = {None: [Rule("TEE", 1)]}      # every option of product TEE
    return b


def sort(tmp_path: Path, lines: list[OrderLine], mapping: MappingBook | None = None, collected: str = "09:00",
         **rules):
    ledger = Ledger(tmp_path / "l.sqlite")
    ledger.clock = lambda: datetime.fromisoformat(f"{TODAY.isoformat()}T{collected}:00")
    mapping = mapping or book()
    with ledger.transaction():
        ledger.upsert_lines(lines)
        ledger.record_counts(mapping.stock_counts())
    rules = ShipRules({}, TODAY, datetime(2026, 11, 23, 18, 0), **rules)
    return sort_open_lines(ledger, mapping, rules)


def keys(entries) -> list[str]:
    """Line keys of a list of lines, or of (line, why) pairs."""
    return [(e[0] if isinstance(e, tuple) else e).line_key for e in entries]


def test_a_bundle_waits_whole_while_one_of_its_lines_is_unmapped(tmp_path):
    out = sort(tmp_path, [line("1", bundle="B"), line("2", bundle="B", product="MUG"), line("3")])
    assert keys(out.ready) == ["3"] and keys(out.unmapped) == ["2"] and keys(out.bundle_waiting) == ["1"]
    out = sort(tmp_path / "partial", [line("1", bundle="B"), line("2", bundle="B", product="MUG")],
               partial_bundles=True)
    assert keys(out.ready) == ["1"]


def test_a_gift_without_an_address_waits_and_a_bad_phone_is_named_by_row(tmp_path):
    gift = line("1", recipient=Recipient("여하늘", "010-0000-0000", "", "", ""))
    bad = line("2", recipient=Recipient("김도윤", "02-1", "", "04524", "서울특별시 중구 세종대로 110"))
    out = sort(tmp_path, [gift, bad, line("3")])
    assert keys(out.waiting_address) == ["1"] and keys(out.bad_recipient) == ["2"] and keys(out.ready) == ["3"]


def test_after_the_cut_off_a_line_ships_the_next_business_day_unless_ship_now(tmp_path):
    out = sort(tmp_path, [line("1")], collected="15:30", cutoff="15:00")
    assert [(l.line_key, d) for l, d in out.next_day] == [("1", date(2026, 11, 24))] and not out.ready
    out = sort(tmp_path / "now", [line("1")], collected="15:30", cutoff="15:00", ship_now=True)
    assert keys(out.ready) == ["1"]
    out = sort(tmp_path / "early", [line("1")], collected="14:59", cutoff="15:00")
    assert keys(out.ready) == ["1"]


def test_a_payment_younger_than_min_age_waits(tmp_path):
    out = sort(tmp_path, [line("1", ordered="2026-11-23 17:50:00"), line("2", ordered="2026-11-23 17:20:00")],
               min_age_minutes=30)
    assert [(l.line_key, m) for l, m in out.too_fresh] == [("1", 10)] and keys(out.ready) == ["2"]


def test_counted_stock_goes_to_the_oldest_order_and_a_newer_one_waits_short(tmp_path):
    lines = [line("new", ordered="2026-11-22 12:00:00", qty=2), line("old", ordered="2026-11-21 08:00:00", qty=2)]
    out = sort(tmp_path, lines, book(stock="3"))
    assert keys(out.ready) == ["old"] and [(l.line_key, m) for l, m in out.short] == [("new", {"TEE": 1})]
    assert out.stock["TEE"].on_hand == 3
