"""Tests for chulgo.samples: the made-up channel exports and the simulated courier result."""

from __future__ import annotations

import io
import re
from pathlib import Path

import msoffcrypto
import openpyxl
import python_calamine
import xlsxwriter

from chulgo.samples import (
    CAFE24_HEADERS,
    COUPANG_HEADERS,
    SMARTSTORE_HEADERS,
    SMARTSTORE_INSTRUCTION,
    generate_day,
    write_courier_result,
    write_day,
    write_smartstore_export,
)
from tests.conftest import one_number_each


def _rows(path: Path) -> list[list]:
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return sheet.to_python(skip_empty_area=False)


def _option_pairs(text: str) -> frozenset[tuple[str, str]]:
    """'색상: 빨강 / 사이즈: L' and '사이즈:L,색상:빨강' both give {(색상, 빨강), (사이즈, L)}."""
    pairs = set()
    for part in re.split(r"[/,]", text):
        if part.strip():
            name, _, value = part.partition(":")
            pairs.add((name.replace(" ", ""), value.replace(" ", "")))
    return frozenset(pairs)


def test_smartstore_export_is_encrypted_and_decrypts(tmp_path):
    day = generate_day(seed=1, lines=20)
    path = write_smartstore_export(tmp_path / "ss.xlsx", day.smartstore, password="1234")
    raw = path.read_bytes()
    assert raw[:4] == bytes.fromhex("D0CF11E0")

    office = msoffcrypto.OfficeFile(io.BytesIO(raw))
    office.load_key(password="1234")
    plain = io.BytesIO()
    office.decrypt(plain)
    plain.seek(0)
    ws = openpyxl.load_workbook(plain, read_only=True)["발주발송관리"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == SMARTSTORE_INSTRUCTION
    assert rows[0][0].startswith("◈ 다운로드 받은 파일로 '엑셀 일괄발송' 처리하는 방법")
    assert all(v is None for v in rows[0][1:])
    assert tuple(rows[1]) == SMARTSTORE_HEADERS
    assert len(SMARTSTORE_HEADERS) == 72
    first = dict(zip(SMARTSTORE_HEADERS, rows[2]))
    assert isinstance(first["상품주문번호"], str) and re.fullmatch(r"\d{16}", first["상품주문번호"])
    assert isinstance(first["수량"], int)
    assert isinstance(first["우편번호"], str) and re.fullmatch(r"\d{5}", first["우편번호"])
    assert len(rows) - 2 == len(day.smartstore)


def test_write_day_writes_real_layouts(tmp_path):
    day = generate_day(seed=2, lines=30)
    paths = write_day(day, tmp_path / "inbox", tmp_path / "mappings" / "상품매핑.xlsx")
    assert [p.parent for p in paths] == [tmp_path / "inbox"] * 3
    assert paths[0].read_bytes()[:4] == bytes.fromhex("D0CF11E0")

    coupang = python_calamine.CalamineWorkbook.from_path(str(paths[1]))
    assert coupang.sheet_names == ["Delivery"]
    rows = coupang.get_sheet_by_index(0).to_python()
    assert tuple(rows[0]) == COUPANG_HEADERS and len(COUPANG_HEADERS) == 40
    body = [dict(zip(COUPANG_HEADERS, r)) for r in rows[1:]]
    assert [r["번호"] for r in body] == list(range(1, len(day.coupang) + 1))
    assert all(isinstance(r["옵션ID"], str) and isinstance(r["묶음배송번호"], str) for r in body)

    assert tuple(_rows(paths[2])[0]) == CAFE24_HEADERS

    book = openpyxl.load_workbook(tmp_path / "mappings" / "상품매핑.xlsx")
    assert book.sheetnames == ["상품", "매핑", "세트", "미매핑"]
    assert [c.value for c in book["상품"][1]] == ["SKU", "상품명", "바코드", "로케이션", "재고", "안전재고", "공급사"]
    barcode = book["상품"]["C2"].value
    assert isinstance(barcode, str) and re.fullmatch(r"880\d{10}", barcode)
    assert {r["채널"] for r in day.mappings} == {"smartstore", "coupang", "cafe24"}
    assert any(r["수량"] == 3 for r in day.mappings)
    assert {r["세트SKU"] for r in day.sets} == {"SET-GIFT-01"}


def test_generate_day_is_deterministic_per_seed():
    assert generate_day(seed=5, lines=60) == generate_day(seed=5, lines=60)
    assert generate_day(seed=5, lines=60).smartstore != generate_day(seed=6, lines=60).smartstore


def test_generate_day_has_the_cases_the_tool_must_handle():
    day = generate_day(seed=7, lines=30)
    assert len(day.smartstore) + len(day.coupang) + len(day.cafe24) == 30

    ss_keys = [r["상품주문번호"] for r in day.smartstore]
    cp_keys = [(r["묶음배송번호"], r["옵션ID"]) for r in day.coupang]
    cf_keys = [r["품목별 주문번호"] for r in day.cafe24]
    for keys in (ss_keys, cp_keys, cf_keys):
        assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"\d{16}", k) for k in ss_keys)
    assert all(re.fullmatch(r"\d{8}-\d{7}-\d{2}", k) for k in cf_keys)

    # A cancelled Smartstore line; Coupang's DeliveryList never lists cancelled rows.
    assert any(r["주문상태"] == "취소" for r in day.smartstore)
    assert all(r["주문상태"] in ("발송대기", "취소") for r in day.smartstore)

    # A listing without a 매핑 row, checked against the mappings themselves.
    ss_mapped = {(m["채널상품코드"], _option_pairs(m["채널옵션"])) for m in day.mappings if m["채널"] == "smartstore"}
    codes = {m["채널옵션코드"] for m in day.mappings if m["채널"] in ("coupang", "cafe24")}
    unmapped = {("smartstore", r["상품번호"], r["옵션정보"]) for r in day.smartstore
                if (r["상품번호"], _option_pairs(r["옵션정보"])) not in ss_mapped}
    unmapped |= {("coupang", r["옵션ID"], "") for r in day.coupang if r["옵션ID"] not in codes}
    unmapped |= {("cafe24", r["상품품목코드"], "") for r in day.cafe24 if r["상품품목코드"] not in codes}
    assert len(unmapped) == day.unmapped_listings >= 1

    # The same person on two channels, typed a little differently.
    people: dict[tuple, set[str]] = {}
    for channel, rows, name, phone, address in (
        ("smartstore", day.smartstore, "수취인명", "수취인연락처1", "통합배송지"),
        ("coupang", day.coupang, "수취인이름", "수취인전화번호", "수취인 주소"),
        ("cafe24", day.cafe24, "수령인", "수령인 휴대전화", "수령인 주소(전체)"),
    ):
        for r in rows:
            key = (r[name], re.sub(r"\D", "", r[phone]), re.sub(r"\s", "", r[address]))
            people.setdefault(key, set()).add(channel)
    assert any(len(channels) > 1 for channels in people.values())


def test_courier_result_fills_tracking_numbers_and_loses_phone_zeros(tmp_path):
    request = tmp_path / "request.xlsx"
    headers = ["받는분성명", "받는분전화번호", "운송장번호", "고객주문번호", "품목명", "품목명"]
    wb = xlsxwriter.Workbook(str(request))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, headers)
    for i in range(4):
        ws.write_row(i + 1, 0, [f"수취인{i}", f"010-1234-000{i}", "", f"P{i:05d}", "티셔츠", "양말"])
    wb.close()

    result = tmp_path / "result.xlsx"
    numbers = one_number_each(write_courier_result(request, result, seed=3, drop_order_ref={"P00002"}))
    assert set(numbers) == {"P00000", "P00001", "P00002", "P00003"}
    assert len(set(numbers.values())) == 4

    rows = _rows(result)
    assert rows[0] == headers
    body = rows[1:]
    assert len(body) == 4
    for r in body:
        assert re.fullmatch(r"\d{12}", str(r[2]))
        assert isinstance(r[1], float) and str(int(r[1])).startswith("1012340")
    by_name = {r[0]: r for r in body}
    assert by_name["수취인2"][3] == ""
    assert by_name["수취인1"][2] == numbers["P00001"]
    assert by_name["수취인1"][4:] == ["티셔츠", "양말"]
