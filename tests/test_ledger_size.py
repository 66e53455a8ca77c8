"""A small ledger that still writes every upload as before: a stored export row points at the line's own fields
instead of repeating them and goes once its upload is written; file names, upload files and a line's parcel items are
stored once; a v3 ledger is reshaped in place and reads back as it was."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path

import pytest

from chulgo import samples
from chulgo.files import read_tables
from chulgo.ledger import MIGRATIONS, SCHEMA_VERSION, Ledger, LineId, _on_parcel, _raw_cells, _raw_fields, _raw_text
from chulgo.model import Item, Layout, OrderLine, ParcelLine, Recipient, Shipment
from chulgo.settings import DEFAULT_SETTINGS
from tests.conftest import as_dicts, ledger_rows, make_workspace, old_ledger, outputs, sheet_rows

COURIER_CELLS = {"coupang": {"택배사", "운송장번호", "분리배송 Y/N"}, "toss": {"주문상태", "택배사", "송장번호"}}


def _table(path: Path, header: str) -> tuple[list[str], list[list[str]]]:
    """(header, data rows) of the sheet whose header row holds ``header``."""
    for table in read_tables(path, {}):
        for i, row in enumerate(table.rows):
            if header in row:
                return row, [r for r in table.rows[i + 1:] if any(r)]
    raise AssertionError(f"{path.name}: no row with {header}")


def _same_rows_but(upload: Path, export: Path, key: tuple[str, ...], header: str, set_cells: set[str]) -> int:
    """Every upload row is its export row (found by ``key`` columns) cell for cell, but for ``set_cells``. Returns
    how many rows the upload filled in."""
    head, rows = _table(export, header)
    up_head, up_rows = _table(upload, header)
    assert up_head == head
    by_key = {tuple(r[head.index(k)] for k in key): r for r in rows}
    filled = 0
    for row in up_rows:
        original = by_key[tuple(row[head.index(k)] for k in key)]
        assert [c for h, c in zip(head, row) if h not in set_cells] == \
               [c for h, c in zip(head, original) if h not in set_cells]
        filled += row != original
    return filled


# -- the stored row ----------------------------------------------------------------------------------------------

def test_a_stored_row_points_at_the_line_fields_and_reads_back_cell_for_cell():
    compared = ("O-1", "B-1", "P-1", "OPT-1", "코튼 팬츠", "회색, XL", 1, "남솔람", "0504-5286-3454", "", "16523",
                "경기도 수원시 영통구 광교중앙로 239", "", "결제완료", "", "2026-11-21 13:00:40")
    fields = _raw_fields("B-1-OPT-1", compared)
    cells = ("1", "B-1", "O-1", "", "", "N", "", "2026-11-23", "", "2026-11-21 13:00:40", "코튼 팬츠", "회색, XL",
             "코튼 팬츠, 회색, XL", "P-1", "OPT-1", "35900", "1", "남솔람", "0504-5286-3454", "남솔람",
             "0504-5286-3454", "16523", "경기도 수원시 영통구 광교중앙로 239", "", "", "", "결제완료", "MOBILE_WEB")
    text = _raw_text(cells, fields)
    assert _raw_cells(text, fields) == cells
    assert len(text) < len(json.dumps(cells, ensure_ascii=False, separators=(",", ":"))) / 2
    assert "남솔람" not in text and "광교중앙로" not in text and "코튼 팬츠\"" not in text    # on the line, once
    assert "결제완료" in text            # the status is not pointed at: it changes while the row must not
    assert _raw_text((), fields) is None and _raw_cells(None, fields) == ()
    v3 = json.dumps(["1", "B-1", "", "남솔람"], ensure_ascii=False)     # v3 stored every cell as a string
    assert _raw_cells(v3, fields) == ("1", "B-1", "", "남솔람")


HEADER = ("묶음배송번호", "주문번호", "옵션ID", "등록상품명", "구매수(수량)", "수취인이름", "수취인 주소", "주문일", "결제위치", "택배사")


def _coupang_line(address: str = "서울특별시 중구 세종대로 110", **changes) -> OrderLine:
    cells = ("B-1", "O-1", "OPT-1", "코튼 팬츠", "2", "김하나", address, "2026-11-21 13:00:40", "MOBILE_WEB", "")
    line = OrderLine("coupang", "B-1-OPT-1", "O-1", "B-1", "P-1", "OPT-1", "코튼 팬츠", "", 2,
                     Recipient("김하나", "010-1234-5678", "", "04524", address), "", "", "2026-11-21 13:00:40",
                     Layout("Delivery", (), HEADER), cells, "DeliveryList.xlsx", 2)
    return dataclasses.replace(line, **changes)


def test_a_line_reads_back_its_order_time_as_spelled_and_when_it_was_first_seen(tmp_path):
    """The plain spelling of an order time is not stored twice (its order key holds it); every other spelling, and
    none, is kept as the channel wrote it. The first-seen moment is stored once per collect."""
    ledger = Ledger(tmp_path / "l.sqlite")
    ledger.clock = lambda: datetime(2026, 11, 23, 9, 30, 5)
    spellings = ["2026-11-21 13:00:40", "2026-11-21T13:00:40+09:00", "2026/11/21 오후 1:00", "", "2026-11-21 13:00"]
    lines = [_coupang_line(line_key=f"B-{n}-OPT-1", bundle_key=f"B-{n}", ordered_at=t) for n, t in enumerate(spellings)]
    with ledger.transaction():
        ledger.upsert_lines(lines, "a" * 64)
    read = {o.line.line_key: (o.line.ordered_at, o.first_seen) for o in ledger.open_lines("new")}
    assert read == {line.line_key: (line.ordered_at, "2026-11-23T09:30:05") for line in lines}
    stored = dict(ledger.db.execute("SELECT line_key, ordered_at FROM lines"))
    assert stored == {line.line_key: None if n == 0 else line.ordered_at for n, line in enumerate(lines)}
    with ledger.transaction():        # read again: nothing differs, nothing is rewritten
        assert ledger.upsert_lines(lines, "a" * 64).unchanged == len(lines)


def test_the_downloaded_row_survives_an_api_read_and_a_moved_address_and_goes_with_its_upload(tmp_path):
    """The row points at the line's fields, which an API read (its own spelling of the product and time) or a newer
    export (the recipient moved after printing) change: the upload still gets the row as downloaded."""
    ledger = Ledger(tmp_path / "l.sqlite")
    first = _coupang_line()
    with ledger.transaction():
        ledger.upsert_lines([first], "a" * 64, "20261121130040")
        api = _coupang_line(product_name="코튼 팬츠 (API)", ordered_at="2026-11-21T13:00:40+09:00", quantity=2,
                            layout=None, raw=(), source="쿠팡 API")
        assert ledger.upsert_lines([api]).updated == 1
        parcel = Shipment("P-0001", ledger.new_batch("2026-11-23", "cj").batch_id, "cj", first.recipient,
                          (ParcelLine("coupang", first.line_key, "O-1", "코튼 팬츠", "", 2, (Item("SKU-1", 2),)),))
        ledger.add_shipments([parcel])
        moved = _coupang_line("부산광역시 해운대구 해운대로 1")
        assert ledger.upsert_lines([moved], "b" * 64, "20261121130040").address_after_print == [LineId("coupang", "B-1-OPT-1")]
        ledger.attach_tracking([("cj", "612345678901", "P-0001", "cj.xlsx")])
    # The parcel keeps the recipient printed on its waybill; the line takes the new address.
    assert ledger.parcel_recipients(["P-0001"]) == {"P-0001": first.recipient}
    assert ledger.db.execute("SELECT r.address FROM lines l JOIN recipients r ON r.recipient_id = l.recipient_id"
                             ).fetchall() == [("부산광역시 해운대구 해운대로 1",)]
    [line] = ledger.lines_to_invoice()
    assert line.raw == first.raw and line.layout == first.layout
    assert ledger.shipments_by_id(["P-0001"])[0].lines[0].items == (Item("SKU-1", 2),)
    with ledger.transaction():
        ledger.mark_invoiced([line], "2026-11-23", 1, "쿠팡_송장업로드_20261123_1차.xlsx")
    assert ledger.db.execute("SELECT COUNT(*) FROM export_rows").fetchone() == (0,), "nothing reads it after its upload"
    assert ledger.pending_uploads("2026-11-01")[0].file == "쿠팡_송장업로드_20261123_1차.xlsx"


# -- whole days through the commands ------------------------------------------------------------------------------

def test_the_coupang_upload_from_the_ledger_is_each_downloaded_row_with_only_the_courier_cells_set(cli, ws, day):
    cli(ws, "collect")
    export = next((ws / "archive").rglob("DeliveryList*.xlsx"))
    code, out = cli(ws, "ship")
    assert code == 0, out
    # A newer export says a printed line's recipient moved: the line takes the new address, the row stays as downloaded.
    [(key,)] = ledger_rows(ws, "SELECT line_key FROM lines WHERE channel = 'coupang' AND state = 'batched' "
                               "ORDER BY line_key LIMIT 1")
    rows = [dict(r) for r in day.coupang]
    row = next(r for r in rows if f"{r['묶음배송번호']}-{r['옵션ID']}" == key)
    old_address, row["수취인 주소"] = row["수취인 주소"], "부산광역시 해운대구 해운대로 1 101동 101호"
    samples.write_coupang_export(ws / "inbox" / "DeliveryList(later).xlsx", rows)
    code, out = cli(ws, "collect")
    assert "송장 출력 후 배송지가 바뀌었습니다" in out, out
    assert ledger_rows(ws, "SELECT r.address FROM lines l JOIN recipients r ON r.recipient_id = l.recipient_id "
                               "WHERE l.line_key = ?", (key,)) == [(row["수취인 주소"],)]
    samples.write_courier_result(outputs(ws, "CJ대한통운_송장요청")[0], ws / "inbox" / "cj.xlsx")
    cli(ws, "tracking")
    code, out = cli(ws, "invoice")
    assert code == 0, out
    [upload] = outputs(ws, "쿠팡_송장업로드")
    invoiced = ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'coupang' AND state = 'invoiced'")[0][0]
    assert _same_rows_but(upload, export, ("묶음배송번호", "옵션ID"), "묶음배송번호", COURIER_CELLS["coupang"]) \
        == invoiced > 0
    uploaded = as_dicts(sheet_rows(upload))
    assert [r["수취인 주소"] for r in uploaded if f"{r['묶음배송번호']}-{r['옵션ID']}" == key] == [old_address]
    assert ledger_rows(ws, "SELECT COUNT(*) FROM export_rows r JOIN lines l ON l.channel = r.channel "
                           "AND l.line_key = r.line_key WHERE l.state = 'invoiced'") == [(0,)]


def test_uploads_that_need_export_columns_get_them_from_the_ledger(cli, tmp_path):
    """토스쇼핑 takes its whole row back; 11번가 needs 배송번호 and 주문순번, 롯데ON 주문순번: through collect → invoice."""
    day = samples.generate_day(seed=5, lines=12)
    mappings, exports = list(day.mappings), {}
    writers = {"toss": samples.write_toss_export, "11st": samples.write_11st_export,
               "lotteon": samples.write_lotteon_export}
    rows = {}
    for cid in writers:
        rows[cid], maps = samples.generate_channel_rows(cid, 5, 6, cancelled=1)
        mappings += maps
    ws = make_workspace(tmp_path / "ws", dataclasses.replace(day, mappings=mappings), DEFAULT_SETTINGS)
    for cid, write in writers.items():
        exports[cid] = write(tmp_path / f"{cid}.xlsx", rows[cid])
        (ws / "inbox" / f"{cid}_orders.xlsx").write_bytes(exports[cid].read_bytes())
    cli(ws, "collect")
    stored = ledger_rows(ws, "SELECT r.raw, p.name FROM lines l JOIN export_rows r ON r.channel = l.channel "
                             "AND r.line_key = l.line_key JOIN recipients p ON p.recipient_id = l.recipient_id "
                             "WHERE l.channel = '11st'")
    assert len(stored) == 6 and all(name not in raw for raw, name in stored), "two columns of its row, no recipient"
    cli(ws, "ship")
    samples.write_courier_result(outputs(ws, "CJ대한통운_송장요청")[0], ws / "inbox" / "cj.xlsx")
    cli(ws, "tracking")
    code, out = cli(ws, "invoice")
    assert code == 0, out

    toss = outputs(ws, "토스쇼핑_송장업로드")[0]
    assert _same_rows_but(toss, exports["toss"], ("주문상품번호",), "주문상품번호", COURIER_CELLS["toss"]) == 5
    _, st_rows = _table(exports["11st"], "배송번호")
    head = _table(exports["11st"], "배송번호")[0]
    pairs = {(r[head.index("주문번호")], r[head.index("주문순번")]): r[head.index("배송번호")] for r in st_rows}
    eleven = as_dicts(sheet_rows(outputs(ws, "11번가_발송처리")[0]))
    assert len(eleven) == 5 and all(r["주문순번"] and pairs[(r["주문번호"], r["주문순번"])] == r["배송번호"] for r in eleven)
    head, lo_rows = _table(exports["lotteon"], "주문순번")
    seqs = {(r[head.index("주문번호")], r[head.index("주문순번")]) for r in lo_rows}
    lotteon = as_dicts(sheet_rows(outputs(ws, "롯데ON_송장등록")[0]))
    assert len(lotteon) == 5 and all(r["주문순번"] and (r["주문번호"], r["주문순번"]) in seqs for r in lotteon)


# -- v3, v4 and v5 → v6 ------------------------------------------------------------------------------------------------------

V3_ITEMS = json.dumps([["SKU-A", 2, "티셔츠 A", "A-1", "880"]], ensure_ascii=False)


@pytest.mark.parametrize("version", [3, 4, 5])
def test_an_older_ledger_is_reshaped_in_place_and_reads_back_as_it_was(version, tmp_path):
    """v3, and v4 and v5 as released (their ledgers are on sellers' PCs), reach v6 in place and read back as they
    were (a v5 ledger is this v4 one taken to v5 by its own step)."""
    path = tmp_path / "old.sqlite"
    db = old_ledger(path, min(version, 4), triggers=False)        # lines written straight into their later states
    layout = json.dumps(["Delivery", [], list(HEADER), []], ensure_ascii=False)
    db.execute("INSERT INTO layouts VALUES (1, ?)", (layout,))
    raw = ["B-2", "O-2", "OPT-2", "바지", "1", "박둘", "서울 종로구 1", "2026-11-20 10:00:00", "APP", ""]
    line = ("INSERT INTO lines (channel, line_key, order_no, bundle_key, product_name, quantity, name, address, status, "
            "ordered_at, layout_id, raw, source, source_row, state, ordered_key, last_file, shipment_id, first_seen, "
            "updated_at) VALUES ('coupang', ?, ?, ?, '바지', 1, ?, '서울 종로구 1', '결제완료', '2026-11-20 10:00:00', "
            "?, ?, ?, 2, ?, '20261120100000', ?, ?, '2026-11-20T09:00:00', '2026-11-20T09:00:00')")
    db.executemany(line, [
        ("B-1-OPT-1", "O-1", "B-1", "김하나", 1, json.dumps(raw, ensure_ascii=False), "DeliveryList(1).xlsx", "invoiced",
         "a" * 16, "OLD-1"),
        ("B-3-OPT-3", "O-3", "B-3", "최셋", 1, None, "DeliveryList(1).xlsx", "confirmed", "a" * 16, "OLD-1"),
        ("B-2-OPT-2", "O-2", "B-2", "박둘", 1, json.dumps(raw, ensure_ascii=False), "DeliveryList(1).xlsx", "tracked",
         "a" * 16, "OLD-2"),
        ("B-4-OPT-4", "O-4", "B-4", "이넷", None, None, "DeliveryList(2).xlsx", "new", "b" * 16, None),
        ("B-5-OPT-5", "O-5", "B-5", "정다섯", None, None, "DeliveryList(1).xlsx", "batched", "a" * 16, "OLD-3")])
    db.execute("INSERT INTO batches (batch_id, day, seq, courier, created_at) VALUES (1, '2026-11-20', 1, 'cj', "
               "'2026-11-20T10:00:00')")
    db.executemany("INSERT INTO shipments (shipment_id, batch_id, courier, name, address, items) "
                   "VALUES (?, 1, 'cj', '김하나', '서울 종로구 1', ?)",
                   [("OLD-1", "[]"), ("OLD-2", V3_ITEMS), ("OLD-3", V3_ITEMS)])
    db.executemany("INSERT INTO shipment_lines VALUES (?, 'coupang', ?, ?)",
                   [("OLD-1", "B-1-OPT-1", "[]"), ("OLD-1", "B-3-OPT-3", "[]"), ("OLD-2", "B-2-OPT-2", V3_ITEMS),
                    ("OLD-3", "B-5-OPT-5", V3_ITEMS)])
    db.executemany("INSERT INTO tracking VALUES ('cj', ?, ?, 'cj_result.xlsx', '2026-11-20T18:00:00')",
                   [("600000000001", "OLD-1"), ("600000000002", "OLD-2")])
    db.executemany("INSERT INTO invoices VALUES ('coupang', ?, '2026-11-20', 1, '쿠팡_송장업로드_20261120_1차.xlsx', "
                   "'2026-11-20T19:00:00', NULL)", [("B-1-OPT-1",), ("B-3-OPT-3",)])
    db.executemany("INSERT INTO stock_moves (sku, qty, kind, ref, at) VALUES (?, ?, ?, ?, 'x')",
                   [("SKU-A", 10, "count", ""), ("SKU-A", -2, "shipped", "OLD-2|coupang|B-2-OPT-2"),
                    ("SKU-A", -2, "shipped", "OLD-3|coupang|B-5-OPT-5")])
    if version == 5:
        MIGRATIONS[5](db)
        db.execute("PRAGMA user_version = 5")
    db.commit()
    db.close()

    ledger = Ledger(path)
    assert ledger.db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert ledger.count_by_state() == {"invoiced": 1, "confirmed": 1, "tracked": 1, "new": 1, "batched": 1}
    # Only the line still to upload keeps its export row (the uploaded one's buyer details go).
    assert ledger.db.execute("SELECT line_key FROM export_rows").fetchall() == [("B-2-OPT-2",)]
    # Uploads: one row per file, the line that came back confirmed counts; the per-line view reads as before.
    [pending] = ledger.pending_uploads("2026-11-01")
    assert (pending.file, pending.lines, pending.confirmed) == ("쿠팡_송장업로드_20261120_1차.xlsx", 2, 1)
    assert sorted(ledger.db.execute("SELECT line_key, file FROM invoices")) == [
        ("B-1-OPT-1", pending.file), ("B-3-OPT-3", pending.file)]
    assert ledger.invoice_seq("2026-11-20") == 2
    # Files by name once: the open line says where it came from, the file that listed it is still known.
    [open_line] = [o.line for o in ledger.open_lines("new")]
    assert (open_line.line_key, open_line.source, open_line.product_name, open_line.status) == (
        "B-4-OPT-4", "DeliveryList(2).xlsx", "바지", "결제완료")
    # Recipients once: the parcel and its line named 김하나 at the same address share one row; nothing else changed.
    assert open_line.recipient == Recipient("이넷", "", "", "", "서울 종로구 1", "")
    assert ledger.parcel_recipients(["OLD-1", "OLD-2"]) == {sid: Recipient("김하나", "", "", "", "서울 종로구 1", "")
                                                            for sid in ("OLD-1", "OLD-2")}
    assert sorted(n for (n,) in ledger.db.execute("SELECT name FROM recipients")) == ["김하나", "박둘", "이넷", "정다섯",
                                                                                   "최셋"]
    relisted = dataclasses.replace(_coupang_line(), line_key="B-4-OPT-4", order_no="O-4", bundle_key="B-4", raw=())
    with ledger.transaction():
        assert ledger.upsert_lines([relisted], "c" * 64).previous_files == {"b" * 16}
    # Parcels: items as they were, tracking numbers attached, the v3 row read back for the tracked line's upload.
    [parcel_line] = ledger.shipments_by_id(["OLD-2"])[0].lines
    assert (parcel_line.product_name, parcel_line.items) == ("바지", (Item("SKU-A", 2, "티셔츠 A", "A-1", "880"),))
    assert ledger.tracking_owners("cj", ["600000000002"]) == {"600000000002": "OLD-2"}
    assert sorted(ledger.db.execute("SELECT t.tracking_no, m.text FROM tracking t JOIN texts m ON m.text_id = t.read_id")
                  ) == [("600000000001", "2026-11-20T18:00:00"), ("600000000002", "2026-11-20T18:00:00")]
    [tracked] = ledger.lines_to_invoice()
    assert tracked.line_key == "B-2-OPT-2" and tracked.raw == tuple(raw)
    # Stock: a v3 line's shipped move is reversed once when its parcel is voided (a re-issue of the untracked one).
    assert ledger.stock()["SKU-A"].on_hand == 6
    assert (ledger.batch(1).parcels, ledger.batch(1).tracked) == (3, 2)      # counted once, kept from here on
    with ledger.transaction():
        ledger.void_shipments(["OLD-3"])
        ledger.void_shipments(["OLD-3"])
    assert ledger.stock()["SKU-A"].on_hand == 8
    assert (ledger.batch(1).parcels, ledger.batch(1).tracked) == (2, 2)      # voided once, counted off once
    assert {o.line.line_key for o in ledger.open_lines("new")} == {"B-4-OPT-4", "B-5-OPT-5"}   # free again
    counted = dict(ledger.db.execute("SELECT state, COUNT(*) FROM lines GROUP BY state"))
    assert ledger.count_by_state() == counted == {"invoiced": 1, "confirmed": 1, "tracked": 1, "new": 2}
    with ledger.transaction():
        assert ledger.mark_uploaded("쿠팡") == [pending.file]
    assert ledger.pending_uploads("2026-11-01") == []


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5])
def test_an_empty_ledger_of_each_older_version_opens_as_v6_and_takes_a_day(version, tmp_path):
    old_ledger(tmp_path / "old.sqlite", version).close()
    ledger = Ledger(tmp_path / "old.sqlite")
    assert ledger.db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (6,)
    line = _coupang_line()
    with ledger.transaction():
        ledger.upsert_lines([line], "a" * 64)
        ledger.add_shipments([Shipment("P-1", ledger.new_batch("2026-11-23", "cj").batch_id, "cj", line.recipient,
                                       (ParcelLine("coupang", line.line_key, "O-1", "코튼 팬츠", "", 2, ()),))])
        ledger.attach_tracking([("cj", "612345678901", "P-1", "cj.xlsx")])
    assert [(l.line_key, l.raw) for l in ledger.lines_to_invoice()] == [(line.line_key, line.raw)]


def test_a_parcels_lines_are_found_through_its_own_lines_not_every_line_in_the_state(tmp_path):
    """Lines keep no index by parcel: a lookup by parcel must go through shipment_lines and the line key (reading
    every 'batched' line for each of a peak day's parcels would take hours)."""
    ledger = Ledger(tmp_path / "l.sqlite")
    for states in (("batched",), ("batched", "tracked", "invoiced", "confirmed", "returned")):
        plan = " ".join(r[3] for r in ledger.db.execute(f"EXPLAIN QUERY PLAN SELECT 1 FROM lines WHERE "
                                                        f"{_on_parcel(*states)}", ("P-1", "P-1")))
        assert "SEARCH lines USING INDEX sqlite_autoindex_lines_1" in plan and "lines_state" not in plan, plan



def _invoiced_day(ledger: Ledger, n: int, day: str = "2026-11-23") -> int:
    """``n`` 쿠팡 lines with long export rows through collect, parcels, tracking and their upload; the file's pages
    while their export rows are kept."""
    d = day[-2:]
    lines = [_coupang_line(line_key=f"B-{d}{i}-OPT-1", bundle_key=f"B-{d}{i}", order_no=f"O-{d}{i}",
                           raw=tuple(f"판매자 메모 {i} " * 40 for _ in range(10))) for i in range(n)]
    with ledger.transaction():
        ledger.upsert_lines(lines, day * 7, "20261121130040")
        batch = ledger.new_batch(day, "cj").batch_id
        ledger.add_shipments([Shipment(f"P-{d}{i}", batch, "cj", line.recipient,
                                       (ParcelLine("coupang", line.line_key, line.order_no, "코튼 팬츠", "", 2, ()),))
                              for i, line in enumerate(lines)])
        ledger.attach_tracking([("cj", f"61234{d}{i:05}", f"P-{d}{i}", "cj.xlsx") for i in range(n)])
    kept = _pages(ledger)[0]
    with ledger.transaction():
        ledger.mark_invoiced(ledger.lines_to_invoice(), day, 1, f"쿠팡_송장업로드_{day}_1차.xlsx")
    assert ledger.db.execute("SELECT COUNT(*) FROM export_rows").fetchone() == (0,)
    return kept


def _pages(ledger: Ledger) -> tuple[int, int]:
    """(pages in the file, of them free)."""
    return tuple(ledger.db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "freelist_count"))


def test_the_pages_an_upload_frees_go_back_to_the_disk_after_the_run(tmp_path):
    """Export rows are deleted once their upload is written (a peak day's are some 10 MB): the file shrinks by them
    when the run ends, instead of keeping them as free pages until the next day's orders fill them again."""
    ledger = Ledger(tmp_path / "l.sqlite")
    kept = _invoiced_day(ledger, 300)
    pages, free = _pages(ledger)
    assert free == 0 and pages < kept / 3, (kept, pages)
    ledger.db.close()                                   # the last connection checkpoints the WAL into the file
    assert (tmp_path / "l.sqlite").stat().st_size == pages * 4096


def test_an_older_ledger_keeps_its_free_pages_until_compact_switches_it_over(tmp_path):
    """A ledger made before auto_vacuum cannot switch without a rewrite: its free pages wait (and are reused) until
    the daily purge's compact() rewrites the file, which turns the release on for good."""
    old_ledger(tmp_path / "old.sqlite", 4).close()
    ledger = Ledger(tmp_path / "old.sqlite")
    assert ledger.db.execute("PRAGMA auto_vacuum").fetchone() == (0,)
    _invoiced_day(ledger, 100)
    assert _pages(ledger)[1] > 0
    ledger.compact()
    assert ledger.db.execute("PRAGMA auto_vacuum").fetchone() == (2,) and _pages(ledger)[1] == 0
    kept = _invoiced_day(ledger, 300, "2026-11-24")
    assert _pages(ledger)[1] == 0 and _pages(ledger)[0] < kept / 2, (kept, _pages(ledger))
