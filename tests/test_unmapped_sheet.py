"""The 미매핑 sheet as the seller meets it: suggestions with confidence and why, a SKU dropdown from 상품, the cell
to type in highlighted, the instruction on the header line, and what happens to what the seller types."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from chulgo import samples
from chulgo.mapping import (INSTRUCTION, SKU_LIST_NAME, UNMAPPED_COLUMNS, _open_for_rewrite, load_mapping,
                            save_unmapped, unmapped_rows)
from chulgo.model import OrderLine, Recipient

ALIASES = {"smartstore": "smartstore", "스마트스토어": "smartstore", "coupang": "coupang", "쿠팡": "coupang"}
NAMES = {"smartstore": "스마트스토어", "coupang": "쿠팡"}
PRODUCTS = [("HR-TEE-BLU-S", "오가닉 코튼 티셔츠 파랑 S"), ("HR-TEE-BLU-XL", "오가닉 코튼 티셔츠 파랑 XL"),
            ("HR-TEE-RED-L", "오가닉 코튼 티셔츠 빨강 L"), ("HR-MUG-WHT", "세라믹 머그컵 흰색")]
SKU_COL = UNMAPPED_COLUMNS.index("SKU") + 1


def line(n: int, **kw) -> OrderLine:
    base = dict(channel="smartstore", line_key=f"L{n}", order_no=f"O-{n}", bundle_key=f"B{n}", product_code="P1",
                option_code="", product_name="오가닉 코튼 티셔츠", option_text="파랑, XL", quantity=1,
                recipient=Recipient("가나다", "010-1234-5678", "", "06236", "서울 강남구 테헤란로 1"),
                status="", status_class="", ordered_at="")
    return OrderLine(**{**base, **kw})


TEE_XL = [line(1), line(2)]
MUG = [line(3, product_code="P2", product_name="[무료배송] 흰색 머그컵 세라믹", option_text="")]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return samples.write_mapping_workbook(tmp_path / "상품매핑.xlsx", [{"SKU": s, "상품명": n} for s, n in PRODUCTS],
                                          [], [])


def run_once(path: Path, lines: list[OrderLine]):
    """What a step does: load, sort out the unmapped lines, write 미매핑. Returns the book it loaded."""
    book = load_mapping(path, ALIASES)
    unmapped = [ln for ln in lines if book.items_for(ln) is None]
    written, note = save_unmapped(book, unmapped_rows(unmapped, book, NAMES), path.parent / "outbox")
    assert written in (None, path), note
    return book


def sheet(path: Path):
    return openpyxl.load_workbook(path)["미매핑"]


def type_sku(path: Path, row: int, value: str) -> None:
    wb = openpyxl.load_workbook(path)
    wb["미매핑"].cell(row=row, column=SKU_COL, value=value)
    wb.save(path)


def test_the_sheet_says_what_to_type_and_where(path):
    run_once(path, TEE_XL + MUG)
    wb = openpyxl.load_workbook(path)
    ws = wb["미매핑"]
    header = [c.value for c in ws[2]]
    assert header[:len(UNMAPPED_COLUMNS)] == list(UNMAPPED_COLUMNS)
    assert UNMAPPED_COLUMNS[-2:] == ("추천 신뢰도", "추천 이유") and UNMAPPED_COLUMNS.index("추천SKU") == 9
    assert ws["A1"].value == INSTRUCTION, "one line of instructions above the table"
    assert f"A1:{chr(ord('A') + len(UNMAPPED_COLUMNS) - 1)}1" in {str(r) for r in ws.merged_cells.ranges}
    assert "SKU" in INSTRUCTION and "수량" in INSTRUCTION
    rows = [dict(zip(UNMAPPED_COLUMNS, [c.value for c in r])) for r in ws.iter_rows(min_row=3)]
    tee = rows[0]                                   # two orders: first
    assert (tee["채널상품명"], tee["주문수"], tee["추천SKU"]) == ("오가닉 코튼 티셔츠", "2", "HR-TEE-BLU-XL")
    assert 0 <= int(tee["추천 신뢰도"]) <= 100 and "XL" in tee["추천 이유"] and "일치" in tee["추천 이유"]
    assert rows[1]["추천SKU"] == "HR-MUG-WHT"
    assert all(r["수량"] == "1" and r["SKU"] is None for r in rows)
    # The SKU cells: highlighted, with a dropdown of 상품's SKU column.
    assert ws.cell(row=2, column=SKU_COL).fill.fgColor.rgb.endswith("FFD966")
    assert all(ws.cell(row=r, column=SKU_COL).fill.fgColor.rgb.endswith("FFF2CC") for r in (3, 4))
    assert ws.cell(row=3, column=SKU_COL - 1).fill.fgColor.rgb in ("00000000", None)
    [dv] = ws.data_validations.dataValidation
    assert dv.type == "list" and dv.formula1 == SKU_LIST_NAME and not dv.showDropDown   # (True hides the arrow)
    assert "F3" in dv.sqref and "F4" in dv.sqref and "F2" not in dv.sqref and dv.errorStyle == "warning"
    assert wb.defined_names[SKU_LIST_NAME].attr_text.startswith("'상품'!$A$2:$A$")
    assert ws.freeze_panes == "A3"
    widths = {name: ws.column_dimensions[chr(ord("A") + i)].width for i, name in enumerate(UNMAPPED_COLUMNS)}
    assert widths["SKU"] >= 20 and widths["수량"] <= 8 and 20 <= widths["채널상품명"] <= 40
    assert widths["추천 이유"] >= 24


def test_the_rewritten_sheet_can_be_rewritten_again(path):
    run_once(path, TEE_XL)
    run_once(path, TEE_XL + MUG)
    wb, why, _ = _open_for_rewrite(path)
    assert wb is not None, why                      # our dropdown does not make the workbook one we refuse
    assert len(wb["미매핑"].data_validations.dataValidation) == 1
    assert sum(1 for n in wb.defined_names if n == SKU_LIST_NAME) == 1


def test_a_sku_typed_loosely_maps_and_moves_to_the_mapping_sheet(path):
    run_once(path, TEE_XL + MUG)
    type_sku(path, 3, " hr-tee-blu-xl ")
    book = run_once(path, TEE_XL + MUG)
    assert book.problems == []
    assert [i.sku for i in book.items_for(TEE_XL[0])] == ["HR-TEE-BLU-XL"]
    wb = openpyxl.load_workbook(path)
    mapped = [dict(zip([c.value for c in wb["매핑"][1]], [c.value for c in r])) for r in wb["매핑"].iter_rows(min_row=2)]
    mapped = [m for m in mapped if any(m.values())]
    assert [(m["채널"], m["채널상품코드"], m["SKU"], m["수량"]) for m in mapped] == [("스마트스토어", "P1", "HR-TEE-BLU-XL", "1")]
    assert [c.value for c in wb["미매핑"][3]][3] == "[무료배송] 흰색 머그컵 세라믹"
    again = load_mapping(path, ALIASES)                 # the next load maps from 매핑
    assert again.problems == [] and [i.sku for i in again.items_for(TEE_XL[1])] == ["HR-TEE-BLU-XL"]


def test_a_sku_that_does_not_exist_is_one_problem_on_a_row_that_stays(path):
    run_once(path, TEE_XL + MUG)
    type_sku(path, 4, "HR-MUG-WHTE")                    # the 머그컵 row
    busy = [line(10 + i, product_code="P9", product_name="처음 보는 상품", option_text="") for i in range(5)]
    first = run_once(path, TEE_XL + MUG + busy)         # collect: a new, more-ordered listing arrives
    [problem] = first.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == ("미매핑", 4, "SKU", "HR-MUG-WHTE")
    assert "상품 시트" in problem.message and "혹시 'HR-MUG-WHT'" in problem.message and "추가" in problem.message
    ws = sheet(path)
    assert ws.cell(row=4, column=SKU_COL).value == "HR-MUG-WHTE", "the typed row stays on its row"
    assert ws.cell(row=4, column=SKU_COL).fill.fgColor.rgb.endswith("FFC7CE")
    assert {ws.cell(row=r, column=4).value for r in (3, 5)} == {"처음 보는 상품", "오가닉 코튼 티셔츠"}
    second = run_once(path, TEE_XL + MUG + busy)        # ship, in the same run: the very same problem
    assert second.problems == [problem]


def test_a_row_moved_to_mapping_leaves_the_typed_row_where_it_was(path):
    run_once(path, TEE_XL + MUG)
    type_sku(path, 3, "HR-TEE-BLU-XL")
    type_sku(path, 4, "NOPE")
    book = run_once(path, TEE_XL + MUG)
    [problem] = book.problems
    assert problem.row == 4
    rows = [[c.value for c in r][:len(UNMAPPED_COLUMNS)] for r in sheet(path).iter_rows(min_row=3)]
    assert not any(rows[0]) and rows[1][SKU_COL - 1] == "NOPE"
    assert load_mapping(path, ALIASES).problems == [problem]


def test_a_line_of_instructions_above_the_tables_is_read_past(path):
    run_once(path, TEE_XL + MUG)
    type_sku(path, 3, "HR-TEE-BLU-XL")
    wb = openpyxl.load_workbook(path)
    for name in ("상품", "매핑", "미매핑"):
        wb[name].insert_rows(1)
        wb[name]["A1"] = "이 표의 SKU 칸을 채우세요"
    wb.save(path)
    book = load_mapping(path, ALIASES)
    assert book.problems == [] and set(book.products) == {s for s, _ in PRODUCTS}
    assert [i.sku for i in book.items_for(TEE_XL[0])] == ["HR-TEE-BLU-XL"]
    assert book.unmapped_sheet_rows == [4, 5]
