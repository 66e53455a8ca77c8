"""Ship once, for real (issue 7): each defect an adversarial tester found, as the seller would meet it."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta

import pytest

from chulgo import samples
from chulgo.ledger import SCHEMA_VERSION, DayCounts, Ledger
from chulgo.settings import DEFAULT_SETTINGS
from tests.conftest import (as_dicts, day_to_uploads, ledger_rows, make_workspace, one_number_each,
                            outputs, own_template, sheet_rows)


def _waybill_rows(ws) -> list[dict[str, str]]:
    return [r for p in outputs(ws, "CJ대한통운_송장요청") for r in as_dicts(sheet_rows(p))]


# -- 1. outputs exist only after the ledger committed them ---------------------------------------------------

def test_a_step_that_dies_before_its_commit_leaves_no_file_that_looks_done(cli, ws, monkeypatch):
    cli(ws, "collect")
    real = Ledger.set_batch_files

    def die(self, *a):
        raise KeyboardInterrupt        # the process dies after both files were written, before the commit

    monkeypatch.setattr(Ledger, "set_batch_files", die)
    code, out = cli(ws, "ship")
    assert code == 1
    assert [p.name for p in (ws / "outbox").rglob("*.xlsx") if not p.name.startswith("품절_")] == ["현황.xlsx"], \
        "no picking list or waybill under its final name; only the dashboard saying the run failed"
    assert list((ws / "data" / "staging").rglob("*.xlsx")), "what was written is only staged"
    monkeypatch.setattr(Ledger, "set_batch_files", real)

    code, out = cli(ws, "ship")
    assert code == 0, out
    assert "그때 만들던 파일" in out and "지웠습니다" in out, "the report says what was thrown away"
    assert not list((ws / "data" / "staging").rglob("*.xlsx"))
    waybills = outputs(ws, "CJ대한통운_송장요청")
    assert [p.name for p in waybills] == [f"CJ대한통운_송장요청_{date.today():%Y%m%d}_1차.xlsx"]
    ids = [r["고객주문번호"] for r in _waybill_rows(ws)]
    assert sorted(ids) == sorted(sid for (sid,) in ledger_rows(ws, "SELECT shipment_id FROM shipments"))


def test_a_step_that_dies_after_its_commit_gets_its_files_on_the_next_start(cli, ws, monkeypatch):
    import chulgo.outputs

    cli(ws, "collect")
    monkeypatch.setattr(chulgo.outputs, "replace_atomically", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    code, _ = cli(ws, "ship")
    assert code == 1
    assert [p.name for p in (ws / "outbox").rglob("*.xlsx") if not p.name.startswith("품절_")] == ["현황.xlsx"]
    assert ledger_rows(ws, "SELECT COUNT(*) FROM pending_outputs")[0][0] == 2
    monkeypatch.undo()

    code, out = cli(ws, "status")
    assert code == 0, out
    assert "마저 옮겼습니다" in out
    assert len(outputs(ws, "CJ대한통운_송장요청")) == 1 and len(outputs(ws, "피킹리스트")) == 1
    assert {r["고객주문번호"] for r in _waybill_rows(ws)} == \
        {sid for (sid,) in ledger_rows(ws, "SELECT shipment_id FROM shipments")}
    assert ledger_rows(ws, "SELECT COUNT(*) FROM pending_outputs")[0][0] == 0


def test_an_invoice_run_killed_before_its_commit_never_yields_two_upload_files(cli, ws, monkeypatch):
    cli(ws, "collect")
    code, out = cli(ws, "ship")
    samples.write_courier_result(outputs(ws, "CJ대한통운_송장요청")[0], ws / "inbox" / "cj.xlsx")
    cli(ws, "tracking")
    monkeypatch.setattr(Ledger, "mark_invoiced", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
    code, _ = cli(ws, "invoice")
    assert code == 1
    monkeypatch.undo()
    code, out = cli(ws, "invoice")
    assert code == 0, out
    uploads = outputs(ws, "스마트스토어_발송처리")
    assert len(uploads) == 1
    keys = [r["상품주문번호"] for r in as_dicts(sheet_rows(uploads[0], "발송처리"))]
    assert len(keys) == len(set(keys)) > 0


# -- 2. parcel ids are unique per workspace; result rows are checked against the recipient ------------------

def test_a_courier_result_from_another_shop_attaches_nothing(cli, tmp_path, day):
    ours = make_workspace(tmp_path / "ours", day)
    other_day = samples.generate_day(seed=99, lines=40)
    theirs = make_workspace(tmp_path / "theirs", other_day)
    for ws in (ours, theirs):
        cli(ws, "collect")
        cli(ws, "ship")
    our_ids = {sid for (sid,) in ledger_rows(ours, "SELECT shipment_id FROM shipments")}
    their_ids = {sid for (sid,) in ledger_rows(theirs, "SELECT shipment_id FROM shipments")}
    assert our_ids.isdisjoint(their_ids), "two workspaces never print the same parcel id"

    samples.write_courier_result(outputs(theirs, "CJ대한통운_송장요청")[0], ours / "inbox" / "their_cj.xlsx")
    code, out = cli(ours, "tracking")
    assert ledger_rows(ours, "SELECT COUNT(*) FROM tracking")[0][0] == 0
    assert code == 1 and "맞추지 못함" in out


def test_same_parcel_code_in_two_shops_still_never_attaches_a_stranger(cli, tmp_path, day):
    """Even when two shops chose the same code (so the ids collide), the recipient check refuses the rows."""
    settings = DEFAULT_SETTINGS.replace('merge = "all"', 'merge = "all"\nparcel_code = "HR"')
    ours = make_workspace(tmp_path / "ours", day, settings)
    theirs = make_workspace(tmp_path / "theirs", samples.generate_day(seed=99, lines=40), settings)
    for ws in (ours, theirs):
        cli(ws, "collect")
        cli(ws, "ship")
    our_ids = {sid for (sid,) in ledger_rows(ours, "SELECT shipment_id FROM shipments")}
    their_result = samples.write_courier_result(outputs(theirs, "CJ대한통운_송장요청")[0], ours / "inbox" / "cj.xlsx")
    assert our_ids & set(their_result), "the ids really collide"
    code, out = cli(ours, "tracking")
    assert ledger_rows(ours, "SELECT COUNT(*) FROM tracking")[0][0] == 0
    reasons = [r for (r,) in ledger_rows(ours, "SELECT reason FROM unmatched_tracking")]
    assert reasons and any("받는분이 다릅니다" in r for r in reasons)
    assert code == 1 and "다른 작업 폴더" in out


def test_masked_names_and_phones_in_our_own_result_still_attach(cli, ws):
    cli(ws, "collect")
    cli(ws, "ship")
    waybill = outputs(ws, "CJ대한통운_송장요청")[0]
    result = ws / "inbox" / "cj.xlsx"
    assigned = one_number_each(samples.write_courier_result(waybill, result))
    rows = sheet_rows(result)
    header = rows[0]
    name_col, phone_col = header.index("받는분성명"), header.index("받는분전화번호")
    masked = [header] + [r[:name_col] + [r[name_col][0] + "*" + r[name_col][2:]] + r[name_col + 1:] for r in rows[1:]]
    for r in masked[1:]:
        r[phone_col] = re.sub(r"(\d{3,4})(\d{4})$", r"**\2", r[phone_col]) if len(r[phone_col]) > 8 else r[phone_col]
    import xlsxwriter
    book = xlsxwriter.Workbook(str(result), {"strings_to_numbers": False})
    sheet = book.add_worksheet()
    for i, r in enumerate(masked):
        sheet.write_row(i, 0, r)
    book.close()
    code, out = cli(ws, "tracking")
    assert code == 0, out
    assert dict(ledger_rows(ws, "SELECT shipment_id, tracking_no FROM tracking")) == assigned


# -- 3. --reprint takes the name the files carry ---------------------------------------------------------------

def test_reprint_takes_the_batch_as_the_file_names_it(cli, ws, monkeypatch, day):
    yesterday = date.today() - timedelta(days=1)
    monkeypatch.setenv("CHULGO_TODAY", yesterday.isoformat())
    cli(ws, "collect")
    cli(ws, "ship")
    yesterdays = {sid for (sid,) in ledger_rows(ws, "SELECT shipment_id FROM shipments")}
    monkeypatch.delenv("CHULGO_TODAY")
    more = samples.generate_day(seed=11, lines=40, day=day.day + timedelta(days=1))
    samples.write_day(more, ws / "inbox", None)
    cli(ws, "collect")
    code, out = cli(ws, "ship")
    assert code == 0, out
    today_stem = f"{date.today():%Y%m%d}_1차"
    assert any(p.name == f"CJ대한통운_송장요청_{today_stem}.xlsx" for p in outputs(ws, "CJ대한통운_송장요청"))

    code, out = cli(ws, "ship", "--reprint", "1")
    assert code == 0, out
    voided = {sid for (sid,) in ledger_rows(ws, "SELECT shipment_id FROM shipments WHERE voided_at IS NOT NULL")}
    assert voided and voided.isdisjoint(yesterdays), "today's 1차 is voided, not yesterday's"
    assert f"{today_stem} 묶음의 송장" in out

    code, out = cli(ws, "ship", "--reprint", f"{yesterday:%Y%m%d}_1차")
    assert code == 0, out
    assert yesterdays <= {sid for (sid,) in ledger_rows(ws, "SELECT shipment_id FROM shipments WHERE voided_at IS NOT NULL")}

    code, out = cli(ws, "ship", "--reprint", "7")
    assert code == 1 and "최근 묶음" in out and today_stem in out
    cli(ws, "status")
    batches = as_dicts(sheet_rows(next((ws / "outbox").rglob("현황.xlsx")), "출고 묶음"))
    assert {b["출고 묶음"] for b in batches} >= {today_stem, f"{yesterday:%Y%m%d}_1차"}
    assert any(b["재발행"] == f"{today_stem} 재발행" for b in batches)


# -- 4. a channel bundle ships whole --------------------------------------------------------------------------

def _split_bundle_day(day: samples.SampleDay) -> tuple[samples.SampleDay, str]:
    """The first 쿠팡 bundle gets a second line whose listing nobody has mapped yet."""
    rows = [dict(r) for r in day.coupang]
    first = rows[0]
    extra = dict(first)
    extra.update({"옵션ID": "99887766554", "노출상품ID": "11223344", "등록상품명": "처음 보는 사은품 세트",
                  "등록옵션명": "단품", "노출상품명(옵션명)": "처음 보는 사은품 세트, 단품"})
    rows.insert(1, extra)
    return samples.SampleDay(day.products, day.mappings, day.sets, day.smartstore, rows, day.cafe24,
                             day.unmapped_listings + 1, day.day), str(first["묶음배송번호"])


def test_a_bundle_with_an_unmapped_line_waits_whole(cli, tmp_path, day):
    d, bundle = _split_bundle_day(day)
    ws = make_workspace(tmp_path / "ws", d)
    cli(ws, "collect")
    code, out = cli(ws, "ship")
    assert code == 0, out
    assert ledger_rows(ws, "SELECT state FROM lines WHERE channel = 'coupang' AND bundle_key = ?", (bundle,)) == \
        [("new",), ("new",)]
    assert "묶음배송의 다른 상품을 기다리는" in out


def test_partial_bundles_ship_and_the_upload_says_split(cli, tmp_path, day):
    d, bundle = _split_bundle_day(day)
    settings = DEFAULT_SETTINGS.replace('partial_bundles = false', 'partial_bundles = true')
    ws = make_workspace(tmp_path / "ws", d, settings)
    cli(ws, "collect")
    cli(ws, "ship")
    states = dict(ledger_rows(ws, "SELECT line_key, state FROM lines WHERE channel = 'coupang' AND bundle_key = ?",
                              (bundle,)))
    assert sorted(states.values()) == ["batched", "new"]
    # The seller maps the missing listing; it ships in a second box.
    import openpyxl
    book = openpyxl.load_workbook(ws / "mappings" / "상품매핑.xlsx")
    sheet = book["미매핑"]
    header = [c.value for c in sheet[2]]                    # row 1: the instruction
    for row in sheet.iter_rows(min_row=3):
        if row[header.index("채널상품명")].value == "처음 보는 사은품 세트":
            row[header.index("SKU")].value = d.products[0]["SKU"]
    book.save(ws / "mappings" / "상품매핑.xlsx")
    cli(ws, "ship")
    assert ledger_rows(ws, "SELECT COUNT(DISTINCT shipment_id) FROM lines WHERE channel = 'coupang' AND "
                           "bundle_key = ?", (bundle,)) == [(2,)]
    for n, waybill in enumerate(outputs(ws, "CJ대한통운_송장요청")):
        samples.write_courier_result(waybill, ws / "inbox" / f"cj{n}.xlsx", seed=n + 1)
    cli(ws, "tracking")
    cli(ws, "invoice")
    rows = [r for p in outputs(ws, "쿠팡_송장업로드") for r in as_dicts(sheet_rows(p))]
    split = {r["분리배송 Y/N"] for r in rows if r["묶음배송번호"] == bundle}
    whole = {r["분리배송 Y/N"] for r in rows if r["묶음배송번호"] != bundle}
    assert split == {"Y"} and whole == {"N"}


# -- 5. an order the channel's list drops is held, not shipped ------------------------------------------------

def test_an_order_that_vanishes_from_a_newer_export_is_held_and_comes_back(cli, ws, day):
    code, out = cli(ws, "collect")
    gone = day.coupang[1]
    key = f"{gone['묶음배송번호']}-{gone['옵션ID']}"
    later = [r for r in day.coupang if r is not gone]
    samples.write_coupang_export(ws / "inbox" / "DeliveryList_afternoon.xlsx", later)
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert "채널 목록에서 사라짐" in out and key in out
    assert ledger_rows(ws, "SELECT state, hold_reason FROM lines WHERE line_key = ?", (key,)) == [("held", "vanished")]
    cli(ws, "ship")
    assert key not in {r["고객주문번호"] for r in _waybill_rows(ws)}
    assert ledger_rows(ws, "SELECT shipment_id FROM lines WHERE line_key = ?", (key,)) == [(None,)]
    cli(ws, "status")
    waiting = as_dicts(sheet_rows(next((ws / "outbox").rglob("현황.xlsx")), "대기"))
    assert any(r["주문 줄 번호"] == key and "사라짐" in r["사유"] for r in waiting)

    evening = [dict(r) for r in day.coupang]
    evening[0]["배송메세지"] = "부재시 문앞"           # a later download differs somewhere
    samples.write_coupang_export(ws / "inbox" / "DeliveryList_evening.xlsx", evening)
    code, out = cli(ws, "collect")
    assert ledger_rows(ws, "SELECT state FROM lines WHERE line_key = ?", (key,)) == [("new",)]


def test_another_account_of_the_same_channel_holds_nothing(cli, ws, day):
    cli(ws, "collect")
    other = samples.generate_day(seed=55, lines=40)
    samples.write_coupang_export(ws / "inbox" / "DeliveryList_account2.xlsx", other.coupang)
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE state = 'held'")[0][0] == 0


# -- 6. one explicit state machine -----------------------------------------------------------------------------

def test_a_return_after_upload_goes_to_the_returns_list(cli, ws, day):
    day_to_uploads(cli, ws)
    rows = [dict(r) for r in day.cafe24]
    shipped = next(r for r in rows if r.get("주문상태") != "취소")
    shipped["주문상태"] = "반품요청"
    samples.write_cafe24_export(ws / "inbox" / "cafe24_later.xlsx", rows)
    code, out = cli(ws, "collect")
    assert code == 0, out
    key = shipped["품목별 주문번호"]
    assert ledger_rows(ws, "SELECT state, claim FROM lines WHERE line_key = ?", (key,)) == [("returned", "반품요청")]
    assert "출력 후" not in out and "반품" in out
    cli(ws, "status")
    dashboard = next((ws / "outbox").rglob("현황.xlsx"))
    assert [r["주문 줄 번호"] for r in as_dicts(sheet_rows(dashboard, "반품"))] == [key]
    assert as_dicts(sheet_rows(dashboard, "출력후취소")) == []


def test_a_withdrawn_cancellation_ships_again(cli, ws, day):
    rows = [dict(r) for r in day.smartstore]
    target = next(r for r in rows if r.get("주문상태") != "취소")
    target["주문상태"] = "취소"
    samples.write_smartstore_export(next((ws / "inbox").glob("스마트스토어*")), rows)
    cli(ws, "collect")
    key = target["상품주문번호"]
    assert ledger_rows(ws, "SELECT state FROM lines WHERE line_key = ?", (key,)) == [("cancelled",)]
    target["주문상태"] = "결제완료"
    samples.write_smartstore_export(ws / "inbox" / "스마트스토어_오후.xlsx", rows)
    code, out = cli(ws, "collect")
    assert "다시 살아난 주문" in out
    assert ledger_rows(ws, "SELECT state FROM lines WHERE line_key = ?", (key,)) == [("new",)]
    cli(ws, "ship")
    assert ledger_rows(ws, "SELECT state FROM lines WHERE line_key = ?", (key,)) in ([("batched",)], [("new",)])


# -- 7. bad recipient data never reaches a waybill -------------------------------------------------------------

@pytest.mark.parametrize("field, value, column", [
    ("수취인연락처1", "010-12", "수취인연락처1"),
    ("수취인연락처1", "abc", "수취인연락처1"),
    ("우편번호", "ABCDE", "우편번호"),
    ("통합배송지", "", "통합배송지"),
])
def test_a_line_with_bad_recipient_data_is_held_and_named(cli, tmp_path, day, field, value, column):
    rows = [dict(r) for r in day.smartstore]
    target = next(r for r in rows if r.get("주문상태") != "취소")
    target[field] = value
    if field == "수취인연락처1":
        target["수취인연락처2"] = ""
    if field == "통합배송지":
        target.update({"기본배송지": "", "상세배송지": ""})
    d = samples.SampleDay(day.products, day.mappings, day.sets, rows, day.coupang, day.cafe24,
                          day.unmapped_listings, day.day)
    ws = make_workspace(tmp_path / "ws", d)
    code, out = cli(ws, "daily")
    key = target["상품주문번호"]
    assert code == 1, "a line the seller must fix is a problem (exit 1)"
    assert ledger_rows(ws, "SELECT state, shipment_id FROM lines WHERE line_key = ?", (key,)) == [("new", None)]
    line = next(l for l in out.splitlines() if key in l and "받는 분" in l or key in l and "번호" in l)
    assert "스마트스토어_" in line and "행" in line and column in line
    assert "선물" not in out.split(key)[1].split("\n")[0], "a normal order without an address is no gift"
    dashboard = next((ws / "outbox").rglob("현황.xlsx"))
    assert any(r["주문 줄 번호"] == key and r["사유"].startswith("받는분 정보 오류")
               for r in as_dicts(sheet_rows(dashboard, "대기")))


def test_business_numbers_and_long_messages_on_the_waybill(cli, tmp_path, day):
    rows = [dict(r) for r in day.smartstore]
    live = [r for r in rows if r.get("주문상태") != "취소"]
    live[0]["수취인연락처1"] = "15881234"
    live[1]["배송메세지"] = "문 앞에 두세요. " * 700
    d = samples.SampleDay(day.products, day.mappings, day.sets, rows, day.coupang, day.cafe24,
                          day.unmapped_listings, day.day)
    ws = make_workspace(tmp_path / "ws", d)
    cli(ws, "collect")
    code, out = cli(ws, "ship")
    assert code == 0, out
    waybill = _waybill_rows(ws)
    assert "15881234" in {r["받는분전화번호"] for r in waybill}
    assert max(len(r["배송메세지1"]) for r in waybill) <= 100
    assert "배송메시지가" in out and "줄였습니다" in out


# -- 9/10. exit codes and names --------------------------------------------------------------------------------

def test_a_bad_mapping_row_exits_1_like_a_bad_order_row(cli, ws):
    import openpyxl
    book = openpyxl.load_workbook(ws / "mappings" / "상품매핑.xlsx")
    sheet = book["매핑"]
    sheet.append(["coupang", "1", "", "", "", "NO-SUCH-SKU", "1"])
    book.save(ws / "mappings" / "상품매핑.xlsx")
    code, out = cli(ws, "collect")
    assert code == 1 and "NO-SUCH-SKU" in out


# -- the ledger's schema ---------------------------------------------------------------------------------------

def test_the_state_table_is_enforced_by_the_ledger(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite")
    db = ledger.db
    now = "2026-11-23T10:00:00"
    seen = db.execute("INSERT INTO texts (text) VALUES (?)", (now,)).lastrowid
    db.execute("INSERT INTO lines (channel, line_key, order_no, bundle_key, quantity, first_seen_id, updated_at) "
               "VALUES ('coupang', 'k', 'o', 'b', 1, ?, ?)", (seen, now))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE lines SET state = 'invoiced' WHERE line_key = 'k'")     # new -> invoiced skips steps
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE lines SET state = 'shipped' WHERE line_key = 'k'")      # no such state
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO lines (channel, line_key, order_no, bundle_key, quantity, state, first_seen_id, "
                   "updated_at) VALUES ('coupang', 'k2', 'o', 'b', 1, 'tracked', ?, ?)", (seen, now))
    for state in ("held", "new", "batched", "tracked", "invoiced", "returned", "confirmed"):
        db.execute("UPDATE lines SET state = ? WHERE line_key = 'k'", (state,))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE lines SET state = 'new' WHERE line_key = 'k'")          # confirmed never goes back to new


def test_an_old_ledger_is_migrated_in_place(tmp_path):
    """A ledger written before schema versions (user_version 0) keeps every line and gets the new columns."""
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript(V0_SCHEMA)
    rows = [("ss", "1", "new", ""), ("ss", "2", "new", ""), ("ss", "3", "invoiced", "반품요청"), ("ss", "4", "batched", "")]
    for key, state, claim, cls in [(r[1], r[2], r[3], "hold" if r[1] == "2" else "") for r in rows]:
        db.execute("INSERT INTO lines (channel, line_key, order_no, bundle_key, quantity, status_class, ordered_at, "
                   "state, claim_after_print, first_seen, updated_at) VALUES ('ss', ?, ?, ?, 1, ?, '2026-11-20 10:00:00', "
                   "?, ?, 'x', 'x')", (key, key, key, cls, state, claim))
    db.execute("INSERT INTO invoices VALUES ('ss', '3', '2026-11-20', 1, '스마트스토어_발송처리_20261120_1차.xlsx', 'x')")
    db.commit()
    db.close()
    ledger = Ledger(path)
    assert ledger.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert ledger.db.execute("SELECT COUNT(*) FROM api_pushes").fetchone() == (0,)     # every step ran, v2 too
    # The dashboard's day counts come from what the old ledger held; its upload can still be marked as done.
    assert ledger.daily_counts("2026-11-01") == {"x": DayCounts(4, 0, 0), "2026-11-20": DayCounts(0, 0, 1)}
    assert ledger.pending_uploads("2026-11-01") == []        # its one line came back as a return: the channel has it
    assert ledger.mark_uploaded("ss") == ["스마트스토어_발송처리_20261120_1차.xlsx"]
    got = dict(ledger.db.execute("SELECT line_key, state FROM lines"))
    assert got == {"1": "new", "2": "held", "3": "returned", "4": "batched"}
    assert ledger.db.execute("SELECT DISTINCT ordered_key FROM lines").fetchall() == [("20261120100000",)]
    assert re.fullmatch(r"[A-Z2-9]{3}", ledger.parcel_code)
    with pytest.raises(sqlite3.IntegrityError):
        ledger.db.execute("UPDATE lines SET state = 'tracked' WHERE line_key = '1'")


def test_a_ledger_from_a_newer_chulgo_is_refused(tmp_path):
    from chulgo.model import ChulgoError
    path = tmp_path / "new.sqlite"
    Ledger(path).db.execute("PRAGMA user_version = 99")
    with pytest.raises(ChulgoError, match="새 버전"):
        Ledger(path)


V0_SCHEMA = """
CREATE TABLE files (sha256 TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, adapter TEXT NOT NULL,
    rows INTEGER NOT NULL, run_id INTEGER, read_at TEXT NOT NULL);
CREATE TABLE layouts (layout_id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);
CREATE TABLE lines (
    channel TEXT NOT NULL, line_key TEXT NOT NULL, order_no TEXT NOT NULL, bundle_key TEXT NOT NULL,
    product_code TEXT, option_code TEXT, product_name TEXT, option_text TEXT, quantity INTEGER NOT NULL,
    name TEXT, phone TEXT, phone2 TEXT, zip TEXT, address TEXT, message TEXT,
    status TEXT, status_class TEXT NOT NULL DEFAULT '', ordered_at TEXT,
    layout_id INTEGER REFERENCES layouts, raw TEXT, source TEXT, source_row INTEGER,
    state TEXT NOT NULL DEFAULT 'new', claim_after_print TEXT NOT NULL DEFAULT '',
    shipment_id TEXT, first_seen TEXT NOT NULL, updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, line_key));
CREATE INDEX lines_state ON lines(state);
CREATE INDEX lines_shipment ON lines(shipment_id);
CREATE TABLE batches (batch_id INTEGER PRIMARY KEY, day TEXT NOT NULL, seq INTEGER NOT NULL, courier TEXT NOT NULL,
    created_at TEXT NOT NULL, reissue_of INTEGER, files TEXT NOT NULL DEFAULT '[]');
CREATE TABLE shipments (shipment_id TEXT PRIMARY KEY, batch_id INTEGER NOT NULL REFERENCES batches,
    courier TEXT NOT NULL, name TEXT, phone TEXT, phone2 TEXT, zip TEXT, address TEXT, message TEXT,
    items TEXT NOT NULL, voided_at TEXT);
CREATE TABLE shipment_lines (shipment_id TEXT NOT NULL REFERENCES shipments, channel TEXT NOT NULL,
    line_key TEXT NOT NULL, items TEXT NOT NULL, PRIMARY KEY (shipment_id, channel, line_key));
CREATE TABLE tracking (courier TEXT NOT NULL, tracking_no TEXT NOT NULL, shipment_id TEXT NOT NULL
    REFERENCES shipments, source TEXT, read_at TEXT NOT NULL, PRIMARY KEY (courier, tracking_no));
CREATE TABLE unmatched_tracking (courier TEXT NOT NULL, tracking_no TEXT NOT NULL, name TEXT, phone TEXT,
    address TEXT, source TEXT, source_row INTEGER, reason TEXT, read_at TEXT NOT NULL,
    PRIMARY KEY (courier, tracking_no));
CREATE TABLE invoices (channel TEXT NOT NULL, line_key TEXT NOT NULL, day TEXT NOT NULL, seq INTEGER NOT NULL,
    file TEXT NOT NULL, written_at TEXT NOT NULL, PRIMARY KEY (channel, line_key));
CREATE TABLE runs (run_id INTEGER PRIMARY KEY, job TEXT NOT NULL, started_at TEXT NOT NULL, summary TEXT);
"""


# -- personal data ---------------------------------------------------------------------------------------------

NAMED = "SELECT {what} FROM lines l JOIN recipients r ON r.recipient_id = l.recipient_id"   # lines with their recipient

def test_purge_removes_recipients_of_finished_lines_beyond_recovery(cli, ws, monkeypatch):
    day_to_uploads(cli, ws)
    name = ledger_rows(ws, f"{NAMED.format(what='r.name')} WHERE l.state = 'invoiced' LIMIT 1")[0][0]
    tracked = ledger_rows(ws, "SELECT COUNT(*) FROM tracking")[0][0]
    waiting = ledger_rows(ws, f"{NAMED.format(what='r.name')} WHERE l.state = 'new' AND r.name != '' LIMIT 1")
    monkeypatch.setenv("CHULGO_TODAY", (date.today() + timedelta(days=365)).isoformat())
    code, out = cli(ws, "purge")
    assert "개인정보 정리" not in out, "a business day typed in the future never purges"
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE recipient_id IS NULL")[0][0] == 0
    monkeypatch.delenv("CHULGO_TODAY")
    # Ninety-one days pass: the ledger's dates and the dated folders age.
    old = (date.today() - timedelta(days=91)).isoformat()
    db = sqlite3.connect(ws / "data" / "chulgo.sqlite")
    db.execute("UPDATE lines SET updated_at = ? WHERE state != 'new'", (old + "T09:00:00",))
    db.execute("UPDATE batches SET day = ?", (old,))
    db.commit()
    db.close()
    for parent in (ws / "archive", ws / "outbox"):
        for folder in [p for p in parent.iterdir() if re.fullmatch(r"\d{4}-\d\d-\d\d", p.name)]:
            folder.rename(parent / old)
    code, out = cli(ws, "purge")
    assert code == 0, out
    assert "개인정보 정리" in out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE state = 'invoiced' AND recipient_id IS NOT NULL")[0][0] == 0
    assert ledger_rows(ws, "SELECT COUNT(*) FROM recipients WHERE recipient_id NOT IN (SELECT recipient_id FROM lines "
                           "WHERE recipient_id IS NOT NULL UNION SELECT recipient_id FROM shipments WHERE recipient_id "
                           "IS NOT NULL)")[0][0] == 0, "no recipient is kept that no line or parcel names"
    assert ledger_rows(ws, "SELECT COUNT(*) FROM export_rows r JOIN lines l ON l.channel = r.channel AND "
                           "l.line_key = r.line_key WHERE l.purged_at IS NOT NULL OR l.state = 'invoiced'")[0][0] == 0
    assert ledger_rows(ws, "SELECT COUNT(*) FROM tracking")[0][0] == tracked, "tracking numbers stay"
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE state = 'invoiced' AND order_no != ''")[0][0] > 0
    if waiting:
        assert ledger_rows(ws, f"{NAMED.format(what='COUNT(*)')} WHERE r.name = ?", (waiting[0][0],))[0][0] > 0, \
            "a line still waiting keeps its recipient"
    data = b"".join(p.read_bytes() for p in (ws / "data").glob("chulgo.sqlite*"))
    only_finished = ledger_rows(ws, f"{NAMED.format(what='COUNT(*)')} WHERE r.name = ?", (name,))[0][0] == 0
    if only_finished:
        assert name.encode() not in data, "the ledger file holds no trace of a purged name"
    assert not (ws / "archive").exists() or not any((ws / "archive").iterdir()), "dated archive folders are gone"
    assert not any(p.is_dir() and re.fullmatch(r"\d{4}-\d\d-\d\d", p.name) for p in (ws / "outbox").iterdir())


def test_the_ledger_keeps_only_the_raw_columns_an_upload_needs(cli, ws):
    cli(ws, "collect")
    stored = dict(ledger_rows(ws, "SELECT l.channel, COUNT(r.raw) FROM lines l LEFT JOIN export_rows r "
                                  "ON r.channel = l.channel AND r.line_key = l.line_key GROUP BY l.channel"))
    assert stored["smartstore"] == 0 and stored["cafe24"] == 0, "their uploads need nothing of the original row"
    assert stored["coupang"] > 0, "쿠팡 takes its own DeliveryList back, so its row is kept (until its upload is written)"


def test_an_undecodable_file_name_does_not_stop_collect(cli, ws):
    import os
    import sys
    if sys.platform in ("win32", "darwin"):
        pytest.skip("file names must be valid Unicode here")
    coupang = next((ws / "inbox").glob("DeliveryList*"))
    odd = os.path.join(os.fsencode(ws / "inbox"), b"\xff\xfe_DeliveryList.xlsx")
    try:
        os.rename(os.fsencode(coupang), odd)
    except OSError:
        pytest.skip("the file system refuses non-UTF-8 names")
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert ledger_rows(ws, "SELECT COUNT(DISTINCT channel) FROM lines")[0][0] == 3, "every file was read"
    assert not list((ws / "inbox").iterdir()), "and archived"
    assert "\ufffd" in out or "_DeliveryList.xlsx" in out


def test_an_83_syllable_file_name_is_archived_twice_without_failing(cli, ws, day):
    name = "가" * 83 + ".xlsx"
    samples.write_coupang_export(ws / "inbox" / name, day.coupang)
    cli(ws, "collect")
    rows = [dict(r) for r in day.coupang]
    rows[0]["배송메세지"] = "다시 받은 파일"
    samples.write_coupang_export(ws / "inbox" / name, rows)
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert not list((ws / "inbox").iterdir())
    assert len([p for p in (ws / "archive").rglob("*.xlsx") if p.name.startswith("가")]) == 2


def test_a_committed_file_that_cannot_be_moved_is_kept_and_moved_later(cli, ws, monkeypatch):
    import chulgo.sheets
    cli(ws, "collect")
    real = chulgo.sheets.os.replace

    def held(src, dst):
        if "outbox" in str(dst):            # antivirus holds the outbox files
            raise PermissionError(13, "held")
        return real(src, dst)

    monkeypatch.setattr(chulgo.sheets.os, "replace", held)
    code, out = cli(ws, "ship")
    assert "다음 실행 때 다시 옮깁니다" in out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM pending_outputs")[0][0] == 2
    monkeypatch.undo()
    code, out = cli(ws, "status")
    assert len(outputs(ws, "CJ대한통운_송장요청")) == 1 and len(outputs(ws, "피킹리스트")) == 1


def test_an_older_download_does_not_bring_back_a_cancelled_order(cli, ws, day):
    rows = [dict(r) for r in day.smartstore]
    target = next(r for r in rows if r.get("주문상태") != "취소")
    older = ws / "older.xlsx"
    samples.write_smartstore_export(older, rows)                # still 결제완료 in the morning's download
    target["주문상태"] = "취소"
    later = [dict(r) for r in rows] + [dict(rows[-1], 상품주문번호="2099123199999999", 주문일시="2099-12-31 23:59:00")]
    samples.write_smartstore_export(next((ws / "inbox").glob("스마트스토어*")), later)
    cli(ws, "collect")
    older.rename(ws / "inbox" / "스마트스토어_아침.xlsx")
    cli(ws, "collect")
    assert ledger_rows(ws, "SELECT state FROM lines WHERE line_key = ?", (target["상품주문번호"],)) == [("cancelled",)]


def test_a_line_the_channel_dropped_does_not_hold_back_its_bundle(cli, ws, day):
    cli(ws, "collect")
    by_bundle: dict[str, list[dict]] = {}
    for r in day.coupang:
        by_bundle.setdefault(str(r["묶음배송번호"]), []).append(r)
    bundle, members = next(((b, m) for b, m in by_bundle.items() if len(m) > 1), (None, None))
    if bundle is None:
        pytest.skip("the generated day has no multi-line 쿠팡 bundle")
    gone = members[0]
    samples.write_coupang_export(ws / "inbox" / "DeliveryList_later.xlsx", [r for r in day.coupang if r is not gone])
    cli(ws, "collect")
    cli(ws, "ship")
    states = dict(ledger_rows(ws, "SELECT line_key, state FROM lines WHERE channel = 'coupang' AND bundle_key = ?",
                              (bundle,)))
    assert states[f"{gone['묶음배송번호']}-{gone['옵션ID']}"] == "held"
    assert any(s == "batched" for s in states.values()), "the rest of the bundle ships"


def test_two_channels_naming_their_uploads_alike_both_reach_outbox(cli, ws):
    own_template(ws, "channels", "smartstore.toml", 'file = "스마트스토어_발송처리"', 'file = "카페24_송장등록"')
    code, out = day_to_uploads(cli, ws)
    assert code == 0, out
    files = outputs(ws, "카페24_송장등록")
    assert len(files) == 2
    invoiced = ledger_rows(ws, "SELECT COUNT(*) FROM invoices WHERE channel IN ('smartstore', 'cafe24')")[0][0]
    rows = sum(len(as_dicts(sheet_rows(p, "발송처리" if "smartstore" in p.name else None))) for p in files)
    assert rows == invoiced
    assert {f for (f,) in ledger_rows(ws, "SELECT DISTINCT file FROM invoices")} <= {p.name for p in (ws / "outbox").rglob("*.xlsx")}


def test_a_cancellation_after_printing_is_settled_by_the_seller(cli, ws, day):
    cli(ws, "collect")
    cli(ws, "ship")
    rows = [dict(r) for r in day.smartstore]
    key = ledger_rows(ws, "SELECT line_key FROM lines WHERE channel = 'smartstore' AND state = 'batched'")[0][0]
    target = next(r for r in rows if r["상품주문번호"] == key)
    target["주문상태"] = "취소"
    samples.write_smartstore_export(ws / "inbox" / "스마트스토어_오후.xlsx", rows)
    code, out = cli(ws, "collect")
    assert code == 1 and f"uv run run.py cancelled {key}" in out
    parcel = ledger_rows(ws, "SELECT shipment_id FROM lines WHERE line_key = ?", (key,))[0][0]
    alone = ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE shipment_id = ?", (parcel,))[0][0] == 1

    code, out = cli(ws, "cancelled", key)
    assert code == 0, out
    assert ledger_rows(ws, "SELECT state FROM lines WHERE line_key = ?", (key,)) == [("cancelled",)]
    assert (ledger_rows(ws, "SELECT voided_at IS NOT NULL FROM shipments WHERE shipment_id = ?", (parcel,))[0][0]
            == alone), "a parcel left with nothing to ship is void; one with other lines still goes"
    cli(ws, "status")
    from tests.test_dashboard import _dashboard
    assert _dashboard(ws)["출력후취소"].sheet_state == "hidden", "the list is empty again"
    code, out = cli(ws, "cancelled", "no-such-order")
    assert code == 1


def test_settling_one_line_never_voids_a_parcel_whose_other_line_went_out(cli, ws):
    cli(ws, "collect")
    cli(ws, "ship")
    samples.write_courier_result(outputs(ws, "CJ대한통운_송장요청")[0], ws / "inbox" / "cj.xlsx")
    cli(ws, "tracking")
    sid = ledger_rows(ws, "SELECT shipment_id FROM lines WHERE state = 'tracked' GROUP BY shipment_id "
                          "HAVING COUNT(*) > 1 LIMIT 1")[0][0]
    first, other = [k for (k,) in ledger_rows(ws, "SELECT line_key FROM lines WHERE shipment_id = ? ORDER BY line_key",
                                               (sid,))][:2]
    db = sqlite3.connect(ws / "data" / "chulgo.sqlite")
    db.execute("UPDATE lines SET claim = '취소요청' WHERE line_key = ?", (first,))     # the channel's later export
    db.commit()
    db.close()
    cli(ws, "invoice")                                   # the other line is uploaded: that box went out
    code, out = cli(ws, "cancelled", first)
    assert code == 0, out
    assert dict(ledger_rows(ws, "SELECT line_key, state FROM lines WHERE shipment_id = ?", (sid,)))[other] == "invoiced"
    assert ledger_rows(ws, "SELECT voided_at FROM shipments WHERE shipment_id = ?", (sid,)) == [(None,)]
