"""Reading what sellers really drop in inbox/: Excel that lost zeros, CSV in CP949, HTML pretending to be .xls."""

from __future__ import annotations

import pytest

from chulgo.files import cell_text, is_unrepairable, read_tables, sniff
from chulgo.normalise import address_key, repair_phone, repair_zip


@pytest.mark.parametrize("value, text", [(6234.0, "6234"), (1012345678.0, "1012345678"), (12.5, "12.5"),
                                          ("  0504-1234-5678 ", "0504-1234-5678"), (None, "")])
def test_cells_become_text(value, text):
    assert cell_text(value) == text


def test_an_id_beyond_excel_precision_is_marked_unrepairable():
    assert is_unrepairable(cell_text(2026052852073231.0))
    assert not is_unrepairable(cell_text(680405450931.0))


def test_repairs_of_what_excel_lost():
    assert repair_zip("6234") == "06234" and repair_zip("06234") == "06234"
    assert repair_phone("1012345678") == "01012345678" and repair_phone("0504-1234-5678") == "0504-1234-5678"
    assert address_key("서울특별시 강남구  테헤란로123") == address_key("서울 강남구 테헤란로 123")


def test_csv_in_cp949_and_utf8_bom(tmp_path):
    text = "주문번호,수령인,주소\n20261122-0001,홍길동,서울 강남구 똠방각하로 1\n"
    for enc in ("cp949", "utf-8-sig"):
        p = tmp_path / f"orders_{enc}.csv"
        p.write_bytes(text.encode(enc))
        rows = read_tables(p, {})[0].rows
        assert rows[1] == ["20261122-0001", "홍길동", "서울 강남구 똠방각하로 1"]


def test_html_disguised_as_xls(tmp_path):
    p = tmp_path / "orders.xls"
    p.write_text("<html><body><table><tr><th>주문번호</th><th>수량</th></tr>"
                 "<tr><td>0012345</td><td>2</td></tr></table></body></html>", encoding="utf-8")
    assert sniff(p.read_bytes()) == "html"
    assert read_tables(p, {})[0].rows == [["주문번호", "수량"], ["0012345", "2"]]
