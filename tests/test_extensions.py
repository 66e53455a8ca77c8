"""What a seller adds without code: a channel template (the README's worked example), a courier layout,
a courier per channel; and gifts that wait for their address."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from chulgo import samples
from chulgo.settings import DEFAULT_SETTINGS
from tests.conftest import as_dicts, ledger_rows, make_workspace, outputs, sheet_rows

ROOT = Path(__file__).resolve().parent.parent

MY_COURIER = """
id = "dongne"
name = "동네택배"
tracking_digits = [10]

[waybill]
file = "동네택배_접수"
columns = [
  { header = "접수번호", value = "shipment_id" },
  { header = "받는분", value = "recipient.name" },
  { header = "전화", value = "recipient.phone" },
  { header = "주소", value = "recipient.address" },
  { header = "물품", value = "items" },
  { header = "송장번호", text = "" },
]

[result]
identify = ["접수번호", "송장번호", "물품"]
tracking_no = "송장번호"
shipment_ref = "접수번호"
name = "받는분"
phone = "전화"
address = "주소"
"""


def readme_template() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- myshop-template -->", 1)[1].split("<!-- /myshop-template -->", 1)[0]
    return block.split("```toml", 1)[1].split("```", 1)[0]


def test_a_seller_defined_channel_and_courier_run_a_whole_day(cli, tmp_path, day):
    settings = DEFAULT_SETTINGS + '\n[channels.myshop]\ncourier = "dongne"\n'
    ws = make_workspace(tmp_path / "ws", day, settings)
    (ws / "templates" / "channels").mkdir(parents=True)
    (ws / "templates" / "couriers").mkdir(parents=True)
    # Saved by Notepad as "UTF-8 with BOM": still read.
    (ws / "templates" / "channels" / "myshop.toml").write_text(readme_template(), encoding="utf-8-sig")
    (ws / "templates" / "couriers" / "dongne.toml").write_text(MY_COURIER, encoding="utf-8")

    # The seller's own mall exports CP949 CSV; two orders, one cancelled. Its listings map by 상품코드.
    csv = ("주문번호,상품코드,상품명,옵션,수량,받는분,연락처,우편번호,주소,메모,상태\n"
           "M-0001,T1,티셔츠,색상:빨강/사이즈:L,2,나우리,010-2222-3333,04524,서울 중구 세종대로 110,=문앞,결제완료\n"
           "M-0002,T1,티셔츠,색상:빨강/사이즈:L,1,다온,010-4444-5555,48058,부산 해운대구 센텀중앙로 79,,취소\n")
    (ws / "inbox" / "myshop_orders.csv").write_bytes(csv.encode("cp949"))
    import openpyxl
    book = openpyxl.load_workbook(ws / "mappings" / "상품매핑.xlsx")
    book["매핑"].append(["우리몰", "T1", "", "", "", "HR-TEE-RED-L", 1])
    book.save(ws / "mappings" / "상품매핑.xlsx")

    code, out = cli(ws, "collect")
    assert code == 0, out
    assert "우리몰 2줄" in out
    code, out = cli(ws, "ship")
    assert code == 0, out
    assert "동네택배" in out and "CJ대한통운" in out, "one batch per courier"
    dongne = outputs(ws, "동네택배_접수")
    assert len(dongne) == 1
    rows = as_dicts(sheet_rows(dongne[0]))
    assert [r["받는분"] for r in rows] == ["나우리"] and rows[0]["물품"] == "오가닉 코튼 티셔츠 빨강 L 2개"
    cj_names = {r["받는분성명"] for r in as_dicts(sheet_rows(outputs(ws, "CJ대한통운_송장요청")[0]))}
    assert "나우리" not in cj_names

    # The courier's result: our 접수번호 echoed, a 10-digit number.
    import xlsxwriter
    result = xlsxwriter.Workbook(str(ws / "inbox" / "dongne_result.xlsx"))
    sheet = result.add_worksheet()
    sheet.write_row(0, 0, ["접수번호", "받는분", "전화", "주소", "물품", "송장번호"])
    sheet.write_row(1, 0, [rows[0]["접수번호"], "나우리", "010-2222-3333", "서울 중구 세종대로 110", "티셔츠", "1234567890"])
    result.close()
    code, out = cli(ws, "tracking")
    assert code == 0, out
    code, out = cli(ws, "invoice")
    assert code == 0, out
    upload = as_dicts(sheet_rows(outputs(ws, "우리몰_송장")[0]))
    assert upload == [{"주문번호": "M-0001", "택배사": "동네택배", "송장번호": "1234567890"}]


def test_gifts_wait_for_their_address_and_warn_before_the_deadline(cli, tmp_path, day):
    gift_day = date.today() - timedelta(days=6)
    rows = [dict(r) for r in day.smartstore]
    gift = next(r for r in rows if r.get("주문상태") != "취소")
    waiting = {"수취인연락처1": "01000000000", "통합배송지": "", "기본배송지": "", "상세배송지": "", "우편번호": "",
               "판매채널": "선물하기", "주문일시": f"{gift_day.isoformat()} 10:00:00"}
    gift_rows = [dict(r, **waiting) if r is gift else r for r in rows]
    d = samples.SampleDay(day.products, day.mappings, day.sets, gift_rows, day.coupang, day.cafe24,
                          day.unmapped_listings, day.day)
    ws = make_workspace(tmp_path / "ws", d)
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert "배송지 대기(선물하기) 1줄" in out and "자동취소 D-1" in out and gift["상품주문번호"] in out
    cli(ws, "ship")
    on_waybill = {k for (k,) in ledger_rows(ws, "SELECT line_key FROM shipment_lines")}
    assert gift["상품주문번호"] not in on_waybill
    code, out = cli(ws, "status")
    dash = as_dicts(sheet_rows(outputs(ws, "현황")[0], "대기"))
    row = next(r for r in dash if r["주문 줄 번호"] == gift["상품주문번호"])
    assert row["사유"] == "배송지 대기" and row["자동취소까지"] == "D-1" and row["지난 날"] == "6일"

    # The recipient entered the address: a newer export releases the line.
    released = [dict(r, **{"주문일시": waiting["주문일시"]}) if r is gift else r for r in rows]
    samples.write_smartstore_export(ws / "inbox" / "later.xlsx", released, password="1234")
    cli(ws, "collect")
    code, out = cli(ws, "ship")
    assert code == 0, out
    assert ledger_rows(ws, "SELECT state FROM lines WHERE line_key = ?", (gift["상품주문번호"],)) == [("batched",)]


def test_gift_days_setting_moves_the_deadline(cli, tmp_path, day):
    old = (date.today() - timedelta(days=9)).isoformat()
    rows = [dict(r) for r in day.smartstore]
    rows[0].update({"통합배송지": "", "기본배송지": "", "상세배송지": "", "주문일시": f"{old} 09:00:00",
                    "수취인연락처1": "01000000000"})      # a 선물하기 order: the placeholder until the address comes
    d = samples.SampleDay(day.products, day.mappings, day.sets, rows, day.coupang, day.cafe24, 0, day.day)
    settings = DEFAULT_SETTINGS.replace('password = "1234"', 'password = "1234"\ngift_days = 10')
    ws = make_workspace(tmp_path / "ws", d, settings)
    code, out = cli(ws, "collect")
    assert "자동취소 D-1" in out
    ws2 = make_workspace(tmp_path / "ws2", d)
    code, out = cli(ws2, "collect")
    assert re.search(r"기한 지남: 스마트스토어 " + rows[0]["상품주문번호"], out)
