"""Bad recipient data must not reach the courier's waybill unnoticed (issue 7, item 7): phones, zips, names,
addresses are checked; the delivery message is cut to the courier's limit; 대표번호 are not "repaired"."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import openpyxl
import pytest

from chulgo.couriers import load_couriers
from chulgo.couriers.template import TemplateCourier
from chulgo.files import read_tables
from chulgo.model import Item, ParcelLine, Recipient, Shipment
from chulgo.normalise import repair_phone
from chulgo.recipient_check import check_recipient, cut_message, phone_problem, zip_problem
from chulgo.settings import Seller
from tests.conftest import lines_of

SELLER = Seller("하루상점", "02-1234-5678", "06236", "서울특별시 강남구 테헤란로 123")
GOOD = Recipient("홍길동", "010-1234-5678", "", "06236", "서울특별시 강남구 테헤란로 123, 4층")

VALID_PHONES = [
    "010-1234-5678", "01012345678", "010 1234 5678", "010.1234.5678", "(010) 1234-5678",
    "011-234-5678", "016-1234-5678", "017-234-5678", "018-1234-5678", "019-234-5678",
    "02-123-4567", "02-1234-5678", "(02) 1234-5678",
    "031-123-4567", "032-1234-5678", "033-123-4567", "041-123-4567", "042-1234-5678", "043-123-4567",
    "044-123-4567", "051-123-4567", "052-1234-5678", "053-123-4567", "054-123-4567", "055-1234-5678",
    "061-123-4567", "062-123-4567", "063-1234-5678", "064-123-4567",
    "070-1234-5678",
    "0502-1234-5678", "0503-1234-5678", "0504-3406-1054", "0505-1234-5678", "0506-1234-5678",
    "0507-1234-5678", "050877183460", "0508-7718-3460",
    "1588-1234", "15881234", "1600-1234", "1644-1234", "1661-1234", "1670-1234", "1688-1234",
    "1800-1234", "1855-1234", "1877-1234", "1899-1234",
    "080-123-4567", "080-1234-5678",
]

BAD_PHONES = [
    "", "   ", "010-12", "abc", "010-12**-5678", "010-****-5678", "010-1234-567", "010-1234-56789",
    "011-123-456", "02-123-456", "02-1234-56789", "031-12-3456", "030-123-4567", "065-123-4567",
    "070-123-4567", "0501-1234-5678", "0509-1234-5678", "0504-123-456", "1588-123", "1588-12345",
    "1700-1234", "1012345678", "12345678", "010-1234-5678 내선2", "+82 10-1234-5678", "010/1234/5678",
    "080-12-345",
]


@pytest.mark.parametrize("phone", VALID_PHONES)
def test_every_korean_phone_form_is_accepted(phone):
    assert phone_problem(phone) == ""


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_garbage_phones_are_rejected_with_a_korean_reason(phone):
    reason = phone_problem(phone)
    assert reason and any("\uac00" <= ch <= "\ud7a3" for ch in reason)


def test_phone_reasons_say_what_is_wrong():
    assert "가려진" in phone_problem("010-12**-5678")
    assert "11" in phone_problem("010-12")               # how many digits a 010 number needs
    assert "숫자" in phone_problem("abc")


def test_repair_keeps_business_numbers_and_restores_lost_zeros():
    assert repair_phone("15881234") == "15881234"
    assert repair_phone("16001234") == "16001234"
    assert repair_phone("18991234") == "18991234"
    assert repair_phone("1012345678") == "01012345678"
    assert repair_phone("212345678") == "0212345678"
    assert repair_phone("50412345678") == "050412345678"
    assert repair_phone("311234567") == "0311234567"
    # a zero that would not make a number is not added; typed values are left alone
    assert repair_phone("12345678") == "12345678"
    assert repair_phone(" 010-1234-5678 ") == "010-1234-5678"
    assert repair_phone("0504-1234-5678") == "0504-1234-5678"
    assert repair_phone("") == ""


@pytest.mark.parametrize("zip_", ["", "  ", "06236", "63534", "01000"])
def test_empty_or_five_digit_zips_pass(zip_):
    assert zip_problem(zip_) == ""


@pytest.mark.parametrize("zip_", ["ABCDE", "1234", "123456", "135-080", "0623", "06236-1", "06 236"])
def test_other_zips_are_rejected(zip_):
    assert zip_problem(zip_)


def test_a_good_recipient_has_no_problems():
    assert check_recipient(GOOD) == []
    assert check_recipient(Recipient("김철수", "", "1588-1234", "", "부산 해운대구 우동 1408")) == []


def test_one_valid_number_is_enough():
    assert check_recipient(Recipient("홍길동", "abc", "010-1234-5678", "", GOOD.address)) == []
    assert check_recipient(Recipient("홍길동", "010-1234-5678", "010-12", "", GOOD.address)) == []


def test_both_numbers_bad_names_each():
    found = check_recipient(Recipient("홍길동", "010-12", "010-12**-5678", "", GOOD.address))
    assert [(f, v) for f, v, _ in found] == [("phone", "010-12 / 010-12**-5678")]
    reason = found[0][2]
    assert "전화번호1" in reason and "전화번호2" in reason and "가려진" in reason
    found = check_recipient(Recipient("홍길동", "", "", "", GOOD.address))
    assert [f for f, _, _ in found] == ["phone"] and found[0][2]


@pytest.mark.parametrize("recipient, fields", [
    (Recipient("", "010-1234-5678", "", "", GOOD.address), ["name"]),
    (Recipient("  ", "010-1234-5678", "", "", GOOD.address), ["name"]),
    (Recipient("홍길동", "010-1234-5678", "", "", ""), ["address"]),
    (Recipient("홍길동", "010-1234-5678", "", "", "서울 1"), ["address"]),
    (Recipient("홍길동", "010-1234-5678", "", "", "asdf qwer"), ["address"]),
    (Recipient("홍길동", "010-1234-5678", "", "ABCDE", GOOD.address), ["zip"]),
    (Recipient("", "abc", "", "ABCDE", ""), ["name", "address", "phone", "zip"]),
])
def test_each_bad_field_is_named(recipient, fields):
    found = check_recipient(recipient)
    assert [f for f, _, _ in found] == fields
    for field, value, reason in found:
        assert hasattr(recipient, field) and reason.endswith(".")
        assert field == "phone" or value == getattr(recipient, field)


def test_recipients_of_a_generated_day_all_pass(exports):
    """No false alarms on what the channels really send: every recipient of the made-up exports of every channel,
    read back through the channel readers (which repair lost zeros), passes — but the gifts still without an address
    (they wait for it instead)."""
    recipients = {l.recipient for path in exports.files.values() for l in lines_of(path) if l.recipient.address}
    assert len(recipients) > 5
    assert [(r, check_recipient(r)) for r in recipients if check_recipient(r)] == []


def test_cut_message():
    assert cut_message("  문 앞에\n\n 놓아 주세요\t감사합니다 ", 100) == ("문 앞에 놓아 주세요 감사합니다", False)
    text, cut = cut_message("가" * 5000, 100)
    assert cut and len(text) == 100 and text.endswith("…") and text.startswith("가" * 99)
    assert cut_message("가" * 100, 100) == ("가" * 100, False)
    assert cut_message("", 100) == ("", False)


def _shipment(sid: str, message: str) -> Shipment:
    r = Recipient("홍길동", "010-1234-5678", "", "06236", "서울특별시 강남구 테헤란로 123", message)
    line = ParcelLine("smartstore", f"L{sid}", f"O{sid}", "티셔츠", "빨강 L", 1, (Item("TS-R-L", 1, "티셔츠"),))
    return Shipment(sid, 1, "cj", r, (line,))


def _message_column(path: Path) -> list[str]:
    (table,) = read_tables(path, {})
    col = table.rows[0].index("배송메세지1")
    return [row[col] for row in table.rows[1:]]


def test_a_long_message_is_cut_on_the_written_waybill(tmp_path):
    cj = load_couriers(None)["cj"]
    assert isinstance(cj, TemplateCourier) and cj.message_max == 100
    parcels = [_shipment("S1", "가" * 5000), _shipment("S2", "문 앞에\n놓아 주세요"), _shipment("S3", "=1+1")]
    path = cj.write_waybills(parcels, SELLER, tmp_path, "t")
    messages = _message_column(path)
    assert len(messages[0]) == 100 and messages[0].endswith("…")
    assert messages[1:] == ["문 앞에 놓아 주세요", "=1+1"]
    assert cj.cut_messages(parcels) == [("S1", 5000)]
    # the formula-looking message is a text cell, not a formula Excel would compute
    ws = openpyxl.load_workbook(path).active
    cell = ws.cell(row=4, column=ws[1].index(next(c for c in ws[1] if c.value == "배송메세지1")) + 1)
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_message_max_comes_from_the_template(tmp_path):
    doc = {"id": "x", "name": "테스트택배", "result": {"tracking_no": ["운송장번호"]},
           "waybill": {"message_max": 10, "columns": [{"header": "고객주문번호", "value": "shipment_id"},
                                                      {"header": "배송메세지1", "value": "recipient.message"}]}}
    courier = TemplateCourier(doc, tmp_path / "x.toml")
    parcels = [_shipment("S1", "가나다라마바사아자차카"), _shipment("S2", "가나다라마바사아자차")]
    assert _message_column(courier.write_waybills(parcels, SELLER, tmp_path, "t")) == ["가나다라마바사아자…",
                                                                                      "가나다라마바사아자차"]
    assert courier.cut_messages(parcels) == [("S1", 11)]
    no_message = {**doc, "waybill": {"columns": [{"header": "고객주문번호", "value": "shipment_id"}]}}
    assert TemplateCourier(no_message, tmp_path / "x.toml").cut_messages(parcels) == []


def test_a_valid_second_number_leads_when_the_first_is_garbage(tmp_path):
    cj = load_couriers(None)["cj"]
    s = dataclasses.replace(_shipment("S1", ""), recipient=Recipient("홍길동", "abc", "010-9876-5432", "", GOOD.address))
    (table,) = read_tables(cj.write_waybills([s], SELLER, tmp_path, "t"), {})
    header, row = table.rows[0], table.rows[1]
    assert row[header.index("받는분전화번호")] == "010-9876-5432"
