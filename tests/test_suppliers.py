"""Suppliers who ship for us (위탁): their lines go to a 발주서, never onto our waybill; their answer's tracking numbers
reach the channels' uploads; a mixed bundle goes as two parcels; late answers are flagged before the deadline; trust
comes from history unless the seller overrides it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

from chulgo import samples
from chulgo.ledger import Ledger
from chulgo.settings import DEFAULT_SETTINGS, SupplierSettings
from chulgo.suppliers import MIN_HISTORY, SupplierParcel, due_day, supplier_trust
from jobs.context import Context
from tests.conftest import as_dicts, ledger_rows, make_workspace, outputs, set_products, sheet_rows

SUPPLIER = "누리상사"


def open_items(ws: Path) -> list[tuple]:
    """(line, items) of every mapped open line."""
    ctx = Context(ws)
    book = ctx.mapping()
    return [(o.line, book.items_for(o.line)) for o in ctx.ledger.open_lines("new")
            if not o.hold_reason and book.items_for(o.line)]


def supplier_workspace(tmp_path: Path, cli, settings: str = DEFAULT_SETTINGS) -> tuple[Path, set[str], set[str]]:
    """A day where SUPPLIER ships every SKU of a few single-SKU lines: (workspace, their SKUs, their line keys)."""
    day = samples.generate_day(seed=11, lines=60, unmapped_share=0, cancelled_share=0)
    ws = make_workspace(tmp_path / "ws", day, settings)
    cli(ws, "collect")
    lines = open_items(ws)
    skus = sorted({items[0].sku for _, items in lines if len(items) == 1})[:4]
    set_products(ws, "공급사", {sku: SUPPLIER for sku in skus})
    theirs = {line.line_key for line, items in lines if {it.sku for it in items} <= set(skus)}
    return ws, set(skus), theirs


def test_supplier_lines_never_reach_our_waybill_or_our_shelf_and_go_to_their_own_order_sheet(cli, tmp_path):
    ws, skus, theirs = supplier_workspace(tmp_path, cli)
    assert theirs
    set_products(ws, "재고", {sku: 0 for sku in skus})        # the supplier's goods are not on our shelf
    code, out = cli(ws, "ship")
    assert code == 0, out
    assert "재고 부족" not in out
    waybill = as_dicts(sheet_rows(outputs(ws, "CJ대한통운_송장요청")[0]))
    picking = "\n".join(" ".join(r) for r in sheet_rows(outputs(ws, "피킹리스트")[0]))
    assert not any(sku in picking for sku in skus)
    order_sheets = outputs(ws, f"발주서_{SUPPLIER}")
    assert len(order_sheets) == 1
    rows = as_dicts(sheet_rows(order_sheets[0]))
    parcel_of = dict(ledger_rows(ws, "SELECT line_key, shipment_id FROM lines WHERE shipment_id IS NOT NULL"))
    assert {parcel_of[k] for k in theirs} == {r["발주번호"] for r in rows}
    assert not {r["고객주문번호"] for r in waybill} & {r["발주번호"] for r in rows}
    assert {r["SKU"] for r in rows} <= skus and all(r["송장번호"] == "" and r["택배사"] == "" for r in rows)
    recipients = dict(ledger_rows(ws, "SELECT s.shipment_id, r.phone FROM shipments s JOIN recipients r "
                                         "ON r.recipient_id = s.recipient_id"))
    assert all(r["받는분 전화"] == recipients[r["발주번호"]] for r in rows)     # text, leading 0 kept
    moved = ledger_rows(ws, "SELECT COUNT(*) FROM stock_moves WHERE kind = 'shipped' AND sku IN (%s)"
                        % ", ".join("?" * len(skus)), tuple(skus))
    assert moved == [(0,)]
    assert "누리상사" in out and "발주서" in out


def test_the_suppliers_answer_puts_its_courier_and_number_on_the_right_line_of_the_channel_upload(cli, tmp_path):
    ws, skus, theirs = supplier_workspace(tmp_path, cli)
    cli(ws, "ship")
    order_sheet = outputs(ws, "발주서_")[0]
    samples.write_supplier_answer(order_sheet, ws / "inbox" / "누리상사_송장.xlsx", courier="롯데택배", courier_id="lotte")
    code, out = cli(ws, "tracking")
    assert code == 0, out
    answered = {r["발주번호"]: r["송장번호"] for r in as_dicts(sheet_rows(ws / "archive" / date.today().isoformat()
                                                                  / "누리상사_송장.xlsx"))}
    code, out = cli(ws, "invoice")
    assert code == 0, out
    uploads = {}
    for path in outputs(ws, "스마트스토어_발송처리"):
        uploads |= {r["상품주문번호"]: r for r in as_dicts(sheet_rows(path, "발송처리"))}
    parcel_of = dict(ledger_rows(ws, "SELECT line_key, shipment_id FROM lines WHERE shipment_id IS NOT NULL"))
    checked = 0
    for key in theirs:
        if key in uploads:
            assert uploads[key]["택배사"] == "롯데택배" and uploads[key]["송장번호"] == answered[parcel_of[key]]
            checked += 1
    assert checked
    assert ledger_rows(ws, "SELECT COUNT(*) FROM tracking WHERE courier = 'lotte'")[0][0] == len(answered)


def test_a_bundle_of_our_stock_and_a_suppliers_item_goes_as_two_parcels_and_coupang_says_split(cli, tmp_path):
    day = samples.generate_day(seed=11, lines=60, unmapped_share=0, cancelled_share=0)
    ws = make_workspace(tmp_path / "ws", day)
    cli(ws, "collect")
    lines = open_items(ws)
    bundles: dict[str, list] = {}
    for line, items in lines:
        if line.channel == "coupang":
            bundles.setdefault(line.bundle_key, []).append((line, items))
    bundle = next(b for b in bundles.values() if len(b) >= 2 and not {i.sku for i in b[0][1]} & {i.sku for i in b[1][1]})
    skus = {it.sku for it in bundle[0][1]}
    set_products(ws, "공급사", {sku: SUPPLIER for sku in skus})
    cli(ws, "ship")
    parcels = dict(ledger_rows(ws, "SELECT line_key, shipment_id FROM lines WHERE channel = 'coupang'"))
    supplier_parcels = {sid for (sid,) in ledger_rows(ws, "SELECT s.shipment_id FROM shipments s JOIN batches b "
                                                          "ON b.batch_id = s.batch_id WHERE b.supplier = ?", (SUPPLIER,))}
    assert parcels[bundle[0][0].line_key] in supplier_parcels
    assert parcels[bundle[1][0].line_key] not in supplier_parcels          # ours, on our waybill

    for waybill in outputs(ws, "CJ대한통운_송장요청"):
        samples.write_courier_result(waybill, ws / "inbox" / f"결과_{waybill.name}")
    samples.write_supplier_answer(outputs(ws, "발주서_")[0], ws / "inbox" / "답장.xlsx")
    cli(ws, "tracking")
    code, out = cli(ws, "invoice")
    assert code == 0, out
    rows = as_dicts(sheet_rows(outputs(ws, "쿠팡_")[0]))
    mine = [r for r in rows if r["묶음배송번호"] == bundle[0][0].bundle_key]
    assert len(mine) >= 2 and {r["분리배송 Y/N"] for r in mine} == {"Y"}
    numbers = {r["옵션ID"]: r["운송장번호"] for r in mine}
    assert len(set(numbers.values())) == 2          # two boxes, two numbers, each on its own item


def test_a_late_supplier_is_flagged_before_the_deadline_and_loudly_after_it(cli, tmp_path, monkeypatch):
    ws, skus, theirs = supplier_workspace(tmp_path, cli, DEFAULT_SETTINGS + f'\n[suppliers."{SUPPLIER}"]\ndays = 1\n')
    monday = datetime(2026, 11, 23, 10, 0)
    monkeypatch.setenv("CHULGO_NOW", monday.isoformat())
    cli(ws, "ship")
    order_ids = {r["발주번호"] for r in as_dicts(sheet_rows(outputs(ws, "발주서_")[0]))}
    code, out = cli(ws, "status")
    assert f"공급사 {SUPPLIER}" in out and "내일 기한" in out
    waiting = as_dicts(sheet_rows(outputs(ws, "현황")[-1], "공급사 송장 대기"))
    assert {r["발주번호"] for r in waiting} == order_ids
    # Due the next business day (days = 1), or earlier when the channel's own deadline comes first.
    assert "2026-11-24" in {r["발송기한"] for r in waiting}
    assert all(r["상태"] == {"2026-11-24": "내일 기한", "2026-11-23": "오늘 기한"}[r["발송기한"]] for r in waiting)

    monkeypatch.setenv("CHULGO_NOW", (monday + timedelta(days=2)).isoformat())
    code, out = cli(ws, "status")
    assert "기한 지남" in out
    today = as_dicts(sheet_rows(outputs(ws, "현황")[-1], "오늘"), header_row=_todo_header(outputs(ws, "현황")[-1]))
    assert any("공급사 송장 대기" in " ".join(r.values()) for r in today)
    trust = {r["공급사"]: r for r in as_dicts(sheet_rows(outputs(ws, "현황")[-1], "공급사"))}
    assert trust[SUPPLIER]["기한 지남(답장 없음)"] == str(len(order_ids))

    samples.write_supplier_answer(outputs(ws, "발주서_")[0], ws / "inbox" / "답장.xlsx")
    cli(ws, "tracking")
    code, out = cli(ws, "status")
    assert f"공급사 {SUPPLIER}" not in out


def _todo_header(path: Path) -> int:
    rows = sheet_rows(path, "오늘")
    return next(i for i, r in enumerate(rows) if "할 일" in r)


def _history(supplier: str, on_time: int, late: int, pending: int = 0, start: date = date(2026, 9, 1)) -> list[SupplierParcel]:
    """A made-up history: ``on_time`` orders answered the next day, ``late`` answered a week later, ``pending`` sent
    today and not answered."""
    out = []
    for i in range(on_time + late):
        day = start + timedelta(days=i)
        answered = day + timedelta(days=1 if i < on_time else 7)
        out.append(SupplierParcel(supplier, f"P{i}", day.isoformat(), "", day.strftime("%Y%m%d") + "0900",
                                  answered.isoformat() + "T10:00:00", "김하나"))
    for i in range(pending):
        out.append(SupplierParcel(supplier, f"Q{i}", "2026-11-23", "", "20261123090000", "", "김하나"))
    return out


def test_trust_is_the_share_of_recent_orders_shipped_by_the_deadline_and_the_setting_overrides_it():
    today = date(2026, 11, 23)
    history = (_history("가게A", 19, 1, pending=2) + _history("가게B", 16, 4) + _history("가게C", MIN_HISTORY - 1, 0)
               + _history("가게D", 20, 0))
    trust = supplier_trust(history, SupplierSettings(window=20, share=0.9, trusted={"가게D": False}), today, 2,
                           frozenset())
    assert (trust["가게A"].on_time, trust["가게A"].decided, trust["가게A"].pending) == (19, 20, 2)
    assert trust["가게A"].trusted                     # 95 %
    assert not trust["가게B"].trusted                 # 80 %
    assert not trust["가게C"].trusted and "기록 부족" in trust["가게C"].why
    assert not trust["가게D"].trusted and trust["가게D"].setting is False      # the seller's word wins
    # Only the last `window` count: the late ones long ago no longer weigh once enough good ones follow.
    recovered = _history("가게E", 0, 5) + _history("가게E", 20, 0, start=date(2026, 10, 1))
    assert supplier_trust(recovered, SupplierSettings(window=20), today, 2, frozenset())["가게E"].trusted
    assert not supplier_trust(recovered, SupplierSettings(window=25), today, 2, frozenset())["가게E"].trusted


def test_a_trusted_supplier_by_history_is_said_so_when_its_order_sheet_is_written(cli, tmp_path, monkeypatch):
    ws, skus, theirs = supplier_workspace(tmp_path, cli)
    ledger = Ledger(ws / "data" / "chulgo.sqlite")
    with ledger.transaction():         # five past orders answered the same day
        for i in range(MIN_HISTORY):
            batch = ledger.new_batch(f"2026-10-0{i + 1}", "", supplier=SUPPLIER)
            ledger.db.execute("INSERT INTO recipients (recipient_id, name) VALUES (?, '김하나')", (1000 + i,))
            ledger.db.execute("INSERT INTO shipments (shipment_id, batch_id, courier, recipient_id) VALUES (?, ?, '', "
                              "?)", (f"OLD-{i}", batch.batch_id, 1000 + i))
            read = ledger.db.execute("INSERT INTO texts (text) VALUES (?)", (f"2026-10-0{i + 1}T18:00:00",)).lastrowid
            ledger.db.execute("INSERT INTO tracking (courier, tracking_no, shipment_id, read_id) VALUES ('cj', ?, ?, ?)",
                              (f"60000000000{i}", f"OLD-{i}", read))
    ledger.db.close()
    code, out = cli(ws, "ship")
    assert "믿을 수 있는 공급사라" in out
    code, out = cli(ws, "status")
    trust = {r["공급사"]: r for r in as_dicts(sheet_rows(outputs(ws, "현황")[-1], "공급사"))}
    assert trust[SUPPLIER]["신뢰"] == "믿음" and trust[SUPPLIER]["기한 내 비율"] == "100%"


def test_an_answer_with_an_unknown_courier_names_the_row_and_a_blank_number_just_waits(cli, tmp_path):
    ws, skus, theirs = supplier_workspace(tmp_path, cli)
    cli(ws, "ship")
    order_sheet = outputs(ws, "발주서_")[0]
    ids = list(dict.fromkeys(r["발주번호"] for r in as_dicts(sheet_rows(order_sheet))))
    assert len(ids) >= 2
    answer = samples.write_supplier_answer(order_sheet, ws / "inbox" / "답장.xlsx", skip={ids[0]})
    wb = openpyxl.load_workbook(answer)
    sheet = wb.active
    header = [c.value for c in sheet[1]]
    bad_row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == ids[1])
    sheet.cell(bad_row, header.index("택배사") + 1, "번개택배")
    wb.save(answer)
    code, out = cli(ws, "tracking")
    assert code == 1
    assert "답장.xlsx" in out and f"{bad_row}행" in out and "'택배사' 열" in out and "번개택배" in out
    tracked = {sid for (sid,) in ledger_rows(ws, "SELECT shipment_id FROM tracking")}
    assert ids[0] not in tracked and ids[1] not in tracked and set(ids[2:]) <= tracked
    assert (ws / "inbox" / "답장.xlsx").exists()          # kept: the bad row is to be fixed and read again


def test_an_answer_without_our_id_is_matched_by_recipient_among_the_parcels_sent_to_suppliers(cli, tmp_path):
    ws, skus, theirs = supplier_workspace(tmp_path, cli)
    cli(ws, "ship")
    order_sheet = outputs(ws, "발주서_")[0]
    answer = samples.write_supplier_answer(order_sheet, ws / "inbox" / "답장.xlsx")
    wb = openpyxl.load_workbook(answer)
    sheet = wb.active
    ids = {sheet.cell(r, 1).value: sheet.cell(r, [c.value for c in sheet[1]].index("송장번호") + 1).value
           for r in range(2, sheet.max_row + 1)}
    for r in range(2, sheet.max_row + 1):
        sheet.cell(r, 1, "")                        # the supplier's own sheet dropped our 발주번호
    wb.save(answer)
    code, out = cli(ws, "tracking")
    assert code == 0, out
    got = dict(ledger_rows(ws, "SELECT shipment_id, tracking_no FROM tracking"))
    assert {sid: got.get(sid) for sid in ids} == ids


def test_a_supplier_is_never_due_before_it_had_the_order_sheet():
    """An order that waited on our side (mapping, stock) past the channel's deadline: the supplier that answers the
    same day is on time, and five such answers make it trusted."""
    late_sent = [SupplierParcel("누리", f"P{i}", f"2026-11-2{i}", "", "202611100900", f"2026-11-2{i}T15:00:00", "김")
                 for i in range(5)]
    trust = supplier_trust(late_sent, SupplierSettings(), date(2026, 11, 30), 2, frozenset())["누리"]
    assert (trust.on_time, trust.decided, trust.trusted) == (5, 5, True)
    # Sent on time, answered after the channel's deadline (Mon order + 2 business days = Wed): late.
    on_time_sent = SupplierParcel("누리", "Q", "2026-11-16", "", "202611160900", "2026-11-19T15:00:00", "김")
    assert due_day(on_time_sent, SupplierSettings(days=5), 2, frozenset()) == date(2026, 11, 18)


def test_a_share_the_seller_sets_is_met_exactly():
    history = _history("가게", 55, 45)                  # 55 % with a window of 100: 0.55 * 100 is not 55 in floats
    trust = supplier_trust(history, SupplierSettings(window=100, share=0.55), date(2026, 12, 31), 2, frozenset())
    assert trust["가게"].trusted
