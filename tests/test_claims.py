"""Channel claim lists (반품·교환): a return after the upload goes to the return list with its 회수 송장 and who pays;
received goods restock once; an exchange ships its replacement once and its number goes to the exchange list, not the
order upload; a withdrawn claim puts the line back."""

from __future__ import annotations

from pathlib import Path

from chulgo import samples
from chulgo.ledger import Ledger
from jobs.context import Context
from tests.conftest import as_dicts, ledger_rows, make_workspace, outputs, sheet_rows
from tests.test_stock import set_stock

RETURN_HEADERS = ["상품주문번호", "주문번호", "반품 사유", "반품 상세 사유", "수거 택배사", "수거 송장 번호", "반품 배송비 청구액",
                  "클레임 상태"]
EXCHANGE_HEADERS = ["상품주문번호", "주문번호", "교환 사유", "교환 상세 사유", "수거 택배사", "수거 송장 번호", "클레임 상태"]


def shipped_day(tmp_path: Path, cli) -> Path:
    """A day collected, shipped, tracked and uploaded: every line is invoiced."""
    day = samples.generate_day(seed=11, lines=40, unmapped_share=0, cancelled_share=0)
    ws = make_workspace(tmp_path / "ws", day)
    cli(ws, "collect")
    cli(ws, "ship")
    for waybill in outputs(ws, "CJ대한통운_송장요청"):
        samples.write_courier_result(waybill, ws / "inbox" / f"결과_{waybill.name}")
    cli(ws, "tracking")
    code, out = cli(ws, "invoice")
    assert code == 0, out
    return ws


def invoiced(ws: Path, channel: str = "smartstore") -> list[tuple[str, str]]:
    """(line key, order no) of uploaded lines of one channel."""
    return ledger_rows(ws, "SELECT line_key, order_no FROM lines WHERE channel = ? AND state = 'invoiced' "
                           "ORDER BY line_key", (channel,))


def returns_list(ws: Path, name: str, rows: list[dict], headers: list[str] = RETURN_HEADERS) -> Path:
    return samples.write_claim_list(ws / "inbox" / name, rows, headers, sheet="반품관리")


def state_of(ws: Path, key: str) -> str:
    return ledger_rows(ws, "SELECT state FROM lines WHERE line_key = ?", (key,))[0][0]


def test_a_return_after_the_upload_goes_to_the_return_list_with_its_pickup_number_and_who_pays(cli, tmp_path):
    ws = shipped_day(tmp_path, cli)
    (k1, o1), (k2, o2) = invoiced(ws)[:2]
    returns_list(ws, "반품.xlsx", [
        {"상품주문번호": k1, "주문번호": o1, "반품 사유": "단순 변심", "수거 택배사": "CJ대한통운",
         "수거 송장 번호": "612345678906", "반품 배송비 청구액": "6,000", "클레임 상태": "수거중"},
        {"상품주문번호": k2, "주문번호": o2, "반품 사유": "상품 불량", "반품 상세 사유": "박음질 터짐",
         "클레임 상태": "반품요청"}])
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert state_of(ws, k1) == state_of(ws, k2) == "returned"
    assert not (ws / "inbox" / "반품.xlsx").exists()            # read whole: archived
    cli(ws, "status")
    dash = outputs(ws, "현황")[-1]
    rows = {r["주문 줄 번호"]: r for r in as_dicts(sheet_rows(dash, "반품"))}
    assert rows[k1]["구분"] == "반품" and rows[k1]["배송비 부담"] == "구매자" and rows[k1]["반품배송비"] == "6000"
    assert rows[k1]["회수 송장번호"] == "612345678906" and rows[k1]["회수 택배사"] == "CJ대한통운"
    assert rows[k2]["배송비 부담"] == "판매자" and "박음질" in rows[k2]["사유"]
    assert not {k1, k2} & {r["주문 줄 번호"] for r in as_dicts(sheet_rows(dash, "출력후취소"))}    # not 출력후취소
    summary = [r for r in sheet_rows(dash, "요약") if r and r[0].strip() in ("구매자", "판매자")]
    assert ["구매자", "1건 · 6,000원"] == [summary[0][0].strip(), summary[0][1]]
    assert summary[1][0].strip() == "판매자" and summary[1][1] == "1건"


def test_returned_goods_restock_once_however_often_the_list_or_the_command_comes(cli, tmp_path):
    ws = shipped_day(tmp_path, cli)
    (key, order_no), = invoiced(ws)[:1]
    sku, qty = ledger_rows(ws, "SELECT json_extract(i.items, '$[0][0]'), json_extract(i.items, '$[0][1]') FROM "
                               "shipment_lines sl JOIN item_sets i ON i.item_set = sl.item_set WHERE sl.line_key = ?",
                           (key,))[0]
    set_stock(ws, {sku: 10})
    cli(ws, "status")                                           # the count is read
    before = Ledger(ws / "data" / "chulgo.sqlite").stock()[sku].on_hand
    row = {"상품주문번호": key, "주문번호": order_no, "반품 사유": "단순변심", "클레임 상태": "반품요청"}
    returns_list(ws, "반품1.xlsx", [row])
    cli(ws, "collect")
    returns_list(ws, "반품2.xlsx", [row | {"수거 송장 번호": "612345678906"}])   # the next day's list, pick-up known
    cli(ws, "collect")
    code, out = cli(ws, "returns", "입고", key)
    assert code == 0 and "재고에 더했습니다" in out
    code, out = cli(ws, "returns", "입고", key)
    assert code == 1 and "기다리는 반품이 아닙니다" in out
    returns_list(ws, "반품3.xlsx", [row | {"클레임 상태": "수거완료"}])
    cli(ws, "collect")
    assert Ledger(ws / "data" / "chulgo.sqlite").stock()[sku].on_hand == before + qty
    assert ledger_rows(ws, "SELECT pickup_no FROM claims WHERE line_key = ?", (key,)) == [("612345678906",)]


def test_an_exchange_ships_its_replacement_once_and_its_number_goes_to_the_exchange_list_not_the_upload(cli, tmp_path):
    ws = shipped_day(tmp_path, cli)
    (key, order_no), = invoiced(ws)[:1]
    row = {"상품주문번호": key, "주문번호": order_no, "교환 사유": "사이즈 교환", "클레임 상태": "교환요청"}
    samples.write_claim_list(ws / "inbox" / "교환.xlsx", [row], EXCHANGE_HEADERS, sheet="교환관리")
    code, out = cli(ws, "collect")
    assert code == 0, out
    new_key = f"{key}#교환"
    assert state_of(ws, key) == "returned" and state_of(ws, new_key) == "new"
    samples.write_claim_list(ws / "inbox" / "교환2.xlsx", [row | {"클레임 상태": "수거중"}], EXCHANGE_HEADERS,
                             sheet="교환관리")
    cli(ws, "collect")                                    # read again: still one replacement
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE line_key LIKE ?", (f"{key}#%",)) == [(1,)]

    cli(ws, "ship")
    waybill = outputs(ws, "CJ대한통운_송장요청")[-1]
    parcels = as_dicts(sheet_rows(waybill))
    sid = ledger_rows(ws, "SELECT shipment_id FROM lines WHERE line_key = ?", (new_key,))[0][0]
    assert [r["고객주문번호"] for r in parcels] == [sid]         # only the replacement went out
    code, out = cli(ws, "ship")
    assert "새로 출고할 주문이 없습니다" in out
    samples.write_courier_result(waybill, ws / "inbox" / "결과_교환.xlsx", seed=2)
    code, out = cli(ws, "tracking")
    assert code == 0, out
    number = ledger_rows(ws, "SELECT tracking_no FROM tracking WHERE shipment_id = ?", (sid,))[0][0]
    code, out = cli(ws, "invoice")
    assert code == 0, out
    exchange = as_dicts(sheet_rows(outputs(ws, "교환재발송")[0]))
    assert exchange == [{"채널": "스마트스토어", "주문번호": order_no, "교환한 주문 줄 번호": key, "택배사": "CJ대한통운",
                         "송장번호": number}]
    uploads = [r for p in outputs(ws, "스마트스토어_발송처리") for r in as_dicts(sheet_rows(p, "발송처리"))]
    assert number not in {r["송장번호"] for r in uploads}


def test_a_withdrawn_return_puts_the_line_back_and_stops_an_unshipped_replacement(cli, tmp_path):
    ws = shipped_day(tmp_path, cli)
    (k1, o1), (k2, o2) = invoiced(ws)[:2]
    returns_list(ws, "반품.xlsx", [{"상품주문번호": k1, "주문번호": o1, "반품 사유": "단순변심", "클레임 상태": "반품요청"}])
    samples.write_claim_list(ws / "inbox" / "교환.xlsx", [{"상품주문번호": k2, "주문번호": o2, "교환 사유": "색상",
                                                          "클레임 상태": "교환요청"}], EXCHANGE_HEADERS, sheet="교환관리")
    cli(ws, "collect")
    assert state_of(ws, k1) == "returned" and state_of(ws, f"{k2}#교환") == "new"
    returns_list(ws, "반품2.xlsx", [{"상품주문번호": k1, "주문번호": o1, "반품 사유": "단순변심", "클레임 상태": "반품철회"}])
    samples.write_claim_list(ws / "inbox" / "교환2.xlsx", [{"상품주문번호": k2, "주문번호": o2, "교환 사유": "색상",
                                                           "클레임 상태": "교환거부"}], EXCHANGE_HEADERS, sheet="교환관리")
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert state_of(ws, k1) == "confirmed" and state_of(ws, k2) == "confirmed"
    assert state_of(ws, f"{k2}#교환") == "cancelled"
    code, out = cli(ws, "ship")
    assert "새로 출고할 주문이 없습니다" in out


def test_a_claim_on_a_printed_line_is_flagged_and_one_on_an_order_we_never_had_is_skipped(cli, tmp_path):
    day = samples.generate_day(seed=11, lines=40, unmapped_share=0, cancelled_share=0)
    ws = make_workspace(tmp_path / "ws", day)
    cli(ws, "collect")
    cli(ws, "ship")
    key, order_no = ledger_rows(ws, "SELECT line_key, order_no FROM lines WHERE channel = 'smartstore' AND "
                                    "state = 'batched' ORDER BY line_key")[0]
    returns_list(ws, "반품.xlsx", [{"상품주문번호": key, "주문번호": order_no, "반품 사유": "단순변심"},
                                   {"상품주문번호": "2099010100000001", "주문번호": "2099010100000000",
                                    "반품 사유": "단순변심"}])
    code, out = cli(ws, "collect")
    assert code == 1 and "송장 출력 후" in out and key in out
    assert "장부에 없는 주문의 클레임 1줄" in out and "2099010100000001" in out
    for waybill in outputs(ws, "CJ대한통운_송장요청"):
        samples.write_courier_result(waybill, ws / "inbox" / f"결과_{waybill.name}")
    cli(ws, "tracking")
    cli(ws, "invoice")
    uploaded = {r["상품주문번호"] for p in outputs(ws, "스마트스토어_발송처리") for r in as_dicts(sheet_rows(p, "발송처리"))}
    assert uploaded and key not in uploaded


def test_a_coupang_return_list_names_order_and_option_and_reaches_that_line(cli, tmp_path):
    ws = shipped_day(tmp_path, cli)
    key, order_no, option = ledger_rows(ws, "SELECT line_key, order_no, option_code FROM lines WHERE channel = 'coupang' "
                                            "AND state = 'invoiced' ORDER BY line_key")[0]
    samples.write_claim_list(ws / "inbox" / "쿠팡반품.xlsx", [{"주문번호": order_no, "옵션 ID": option, "반품사유": "단순변심",
                                                             "귀책": "고객과실", "회수송장번호": "612345678906"}],
                             ["접수일시", "주문번호", "옵션 ID", "반품사유", "귀책", "회수송장번호", "상태"])
    code, out = cli(ws, "collect")
    assert code == 0, out
    returned = {k for (k,) in ledger_rows(ws, "SELECT line_key FROM lines WHERE state = 'returned'")}
    same = {k for (k,) in ledger_rows(ws, "SELECT line_key FROM lines WHERE channel = 'coupang' AND order_no = ? "
                                          "AND option_code = ?", (order_no, option))}
    assert returned == same and key in returned
    assert ledger_rows(ws, "SELECT payer FROM claims WHERE line_key = ?", (key,)) == [("buyer",)]


def test_the_esm_return_and_exchange_lists_are_recognised_by_content(tmp_path):
    day = samples.generate_day(seed=11, lines=20)
    ws = make_workspace(tmp_path / "ws", day)
    samples.write_claim_list(ws / "inbox" / "a.xlsx", [{"주문번호": "4000000001", "반품사유": "구매의사 취소",
                                                        "반품배송비지불주체": "구매자", "반품배송비금액": "5000"}],
                             samples.ESM_RETURN_HEADERS)
    samples.write_claim_list(ws / "inbox" / "b.xlsx", [{"주문번호": "4000000002", "교환사유": "상품 파손",
                                                        "교환상태": "교환요청"}], samples.ESM_EXCHANGE_HEADERS)
    files = {f.name: f for f in Context(ws).inbox.files()}
    kinds = {name: ([a.name for a, _ in f.claims], f.orders, f.tracking) for name, f in files.items()
             if name in ("a.xlsx", "b.xlsx")}
    assert kinds == {"a.xlsx": (["G마켓/옥션 반품관리"], [], []), "b.xlsx": (["G마켓/옥션 교환관리"], [], [])}
    _, claims, problems = files["a.xlsx"].read_claims()
    assert not problems
    assert [(c.line_key, c.kind, c.payer, c.fee) for c in claims] == [("4000000001", "return", "buyer", 5000)]
    _, claims, _ = files["b.xlsx"].read_claims()
    assert [(c.line_key, c.kind, c.payer) for c in claims] == [("4000000002", "exchange", "seller")]
    assert all(not f.claims for name, f in files.items() if name not in ("a.xlsx", "b.xlsx"))


def exchange_list(ws: Path, name: str, rows: list[dict]) -> Path:
    return samples.write_claim_list(ws / "inbox" / name, rows, EXCHANGE_HEADERS, sheet="교환관리")


def test_a_withdrawn_exchange_whose_replacement_is_printed_is_pulled_not_uploaded_as_an_order(cli, tmp_path):
    ws = shipped_day(tmp_path, cli)
    (key, order_no), = invoiced(ws)[:1]
    row = {"상품주문번호": key, "주문번호": order_no, "교환 사유": "색상", "클레임 상태": "교환요청"}
    exchange_list(ws, "교환.xlsx", [row])
    cli(ws, "collect")
    cli(ws, "ship")
    new_key = f"{key}#교환"
    assert state_of(ws, new_key) == "batched"
    exchange_list(ws, "교환2.xlsx", [row | {"클레임 상태": "교환거부"}])
    code, out = cli(ws, "collect")
    assert code == 1 and new_key in out and "송장 출력 후" in out      # the seller is told to pull the parcel
    samples.write_courier_result(outputs(ws, "CJ대한통운_송장요청")[-1], ws / "inbox" / "결과_교환.xlsx", seed=2)
    cli(ws, "tracking")
    cli(ws, "invoice")
    uploads = [r["상품주문번호"] for p in outputs(ws, "스마트스토어_발송처리") for r in as_dicts(sheet_rows(p, "발송처리"))]
    assert new_key not in uploads and not outputs(ws, "교환재발송")


def test_an_exchange_asked_again_after_a_withdrawal_ships_once(cli, tmp_path):
    ws = shipped_day(tmp_path, cli)
    (key, order_no), = invoiced(ws)[:1]
    row = {"상품주문번호": key, "주문번호": order_no, "교환 사유": "색상"}
    for i, status in enumerate(("교환요청", "교환철회", "교환요청")):
        exchange_list(ws, f"교환{i}.xlsx", [row | {"클레임 상태": status, "교환 상세 사유": str(i)}])
        code, out = cli(ws, "collect")
    assert "새 상품을 보낼 줄" in out and state_of(ws, f"{key}#교환") == "new"
    exchange_list(ws, "교환9.xlsx", [row | {"클레임 상태": "수거중", "교환 상세 사유": "9"}])
    code, out = cli(ws, "collect")
    assert "새 상품을 보낼 줄" not in out
    cli(ws, "ship")
    assert ledger_rows(ws, "SELECT COUNT(*) FROM shipment_lines WHERE line_key = ?", (f"{key}#교환",)) == [(1,)]


def test_a_claim_before_shipping_holds_the_line_until_it_is_withdrawn_even_when_the_export_says_active(cli, ws, day):
    cli(ws, "collect")
    target = next(r for r in day.smartstore if state_of(ws, r["상품주문번호"]) == "new")
    key = target["상품주문번호"]
    returns_list(ws, "반품.xlsx", [{"상품주문번호": key, "주문번호": target["주문번호"], "반품 사유": "단순변심",
                                   "클레임 상태": "반품요청"}])
    cli(ws, "collect")
    assert state_of(ws, key) == "held"
    rows = [dict(r) for r in day.smartstore]
    rows[0]["배송메세지"] = "부재시 문앞"                       # a newer export: the line listed as active
    samples.write_smartstore_export(ws / "inbox" / "스마트스토어_오후.xlsx", rows)
    cli(ws, "collect")
    cli(ws, "ship")
    assert state_of(ws, key) == "held"
    returns_list(ws, "반품2.xlsx", [{"상품주문번호": key, "주문번호": target["주문번호"], "반품 사유": "단순변심",
                                    "클레임 상태": "반품철회"}])
    cli(ws, "collect")
    cli(ws, "ship")
    for n, waybill in enumerate(outputs(ws, "CJ대한통운_송장요청")):
        samples.write_courier_result(waybill, ws / "inbox" / f"결과_{waybill.name}", seed=n + 1)
    cli(ws, "tracking")
    cli(ws, "invoice")
    assert state_of(ws, key) == "invoiced"


def test_a_return_withdrawn_after_we_received_the_goods_keeps_them_and_asks_the_seller(cli, tmp_path):
    ws = shipped_day(tmp_path, cli)
    (key, order_no), = invoiced(ws)[:1]
    row = {"상품주문번호": key, "주문번호": order_no, "반품 사유": "단순변심", "클레임 상태": "반품요청"}
    returns_list(ws, "반품.xlsx", [row])
    cli(ws, "collect")
    cli(ws, "returns", "입고", key)
    returns_list(ws, "반품2.xlsx", [row | {"클레임 상태": "반품거부"}])
    code, out = cli(ws, "collect")
    assert code == 1 and "이미 입고한 반품" in out
    assert state_of(ws, key) == "returned"
    assert ledger_rows(ws, "SELECT outcome FROM return_receipts WHERE line_key = ?", (key,)) == [("good",)]


def test_a_claim_list_with_an_order_number_saved_as_a_float_is_named_not_skipped(cli, tmp_path):
    ws = shipped_day(tmp_path, cli)
    returns_list(ws, "반품.xlsx", [{"상품주문번호": "2.02611E+15", "주문번호": "1", "반품 사유": "단순변심"}])
    code, out = cli(ws, "collect")
    assert code == 1 and "반품.xlsx" in out and "2행" in out and "뒷자리가 사라졌습니다" in out
    assert (ws / "inbox" / "반품.xlsx").exists()
