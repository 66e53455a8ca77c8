"""The two writers of chulgo/sheets.py: a plain table goes through rustpy-xlsxwriter, anything with its own layout
through XlsxWriter, and a reader cannot tell which: the same cells, types, widths, formats and sheet settings.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter.exceptions

from chulgo import sheets
from chulgo.channels import load_channels
from chulgo.couriers import load_couriers
from chulgo.picking import barcode_png
from chulgo.sheets import Sheet, fast_path_ok, write_workbook
from tests.conftest import SELLER, invoiced, lines_of

TRICKY = ["=SUM(A1)", "0012", "+821012345678", "http://example.com", "1e5", "TRUE", "  앞뒤 공백 ", "줄\n바꿈",
          "_x0041_", "&<>\"'", "'작은따옴표", "-", "@멘션", "😀"]


def table_sheets() -> list[Sheet]:
    """A waybill/upload-like workbook: a styled table with tricky texts, numbers, blanks and short rows; an unstyled
    one (a channel's own layout) that is hidden; one without a header row and with a fixed width; one whose first
    data row is short."""
    header = ["주문번호", "받는분", "전화", "수량", "주소", "메모", "비고"]
    rows: list[list[str | int]] = [header]
    for i, text in enumerate(TRICKY):
        rows.append([f"{i:04d}", "김하루", "010-1234-5678", i, "서울특별시 강남구 테헤란로 123", text, ""])
    rows += [["0100", "짧은 줄"], [], ["", "", "", 0, "", "", "끝"], ["0101", "음수", "", -5, "", "", 10**15]]
    plain = [["상품주문번호", "택배사", "송장번호"], ["2026112200001", "CJ대한통운", "612345678901"],
             ["2026112200002", "CJ대한통운", "=1+1"]]
    free = [["합계", "3"], ["=A1", 7]]
    short_first = [["번호", "상품", "수량"], ["1"], ["2", "양말", 3]]
    return [Sheet("송장", rows), Sheet("발송처리", plain, styled=False, hidden=True),
            Sheet("메모", free, header_rows=0, widths={1: 20}), Sheet("짧은 첫 줄", short_first)]


@pytest.fixture
def spy(monkeypatch) -> list[tuple[list[str], str]]:
    """Every workbook handed to rustpy-xlsxwriter: its sheet names and "written", or what rustpy raised."""
    calls: list[tuple[list[str], str]] = []
    real = sheets.rustpy_xlsxwriter.write_worksheets

    def recording(named, *args, **kwargs):
        names = [name for name, _ in named]
        try:
            real(named, *args, **kwargs)
        except BaseException as e:
            calls.append((names, type(e).__name__))
            raise
        calls.append((names, "written"))

    monkeypatch.setattr(sheets.rustpy_xlsxwriter, "write_worksheets", recording)
    return calls


def write_both(tmp_path: Path, made: list[Sheet], monkeypatch) -> tuple[Path, Path]:
    fast = write_workbook(tmp_path / "fast.xlsx", made)
    monkeypatch.setattr(sheets, "FAST_WRITER", False)
    slow = write_workbook(tmp_path / "slow.xlsx", made)
    monkeypatch.setattr(sheets, "FAST_WRITER", True)
    return fast, slow


def values(path: Path) -> dict[str, list[list]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def _color(c) -> str | None:
    return c.rgb if c is not None and c.type == "rgb" else None


def picture(path: Path) -> dict:
    """Everything openpyxl sees of a workbook: per cell its value, type, number format, font, fill and border;
    per column its width and number format; per sheet its state, freeze, row heights, print and page settings."""
    book = openpyxl.load_workbook(path)
    out: dict = {"sheets": book.sheetnames, "active": book.active.title}
    for ws in book.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                cells[c.coordinate] = (c.value, c.data_type, c.number_format, c.font.b, c.font.sz, _color(c.font.color),
                                       c.fill.fill_type, _color(c.fill.fgColor), c.border.left.style,
                                       c.border.top.style, c.alignment.horizontal, c.alignment.wrap_text)
        columns = {k: (round(d.width, 4), d.customWidth, d.number_format, d.hidden)
                   for k, d in sorted(ws.column_dimensions.items())}
        rows = {k: (d.height, d.customHeight, d.hidden) for k, d in sorted(ws.row_dimensions.items()) if d.height}
        ps, m = ws.page_setup, ws.page_margins
        out[ws.title] = {
            "cells": cells, "columns": columns, "rows": rows, "state": ws.sheet_state, "freeze": ws.freeze_panes,
            "dimensions": ws.dimensions, "merged": sorted(map(str, ws.merged_cells.ranges)),
            "validations": len(ws.data_validations.dataValidation), "images": len(ws._images),
            "charts": len(ws._charts),
            "print": (ps.paperSize, ps.orientation, ps.fitToWidth, ps.fitToHeight, ps.scale,
                      ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                      ws.print_title_rows, ws.print_title_cols, ws.print_area, ws.oddFooter.center.text,
                      ws.oddHeader.center.text, ps.horizontalDpi, ps.verticalDpi),
            "margins": (m.left, m.right, m.top, m.bottom, m.header, m.footer),
            "breaks": [b.id for b in ws.row_breaks.brk],
            "view": (ws.sheet_view.tabSelected, ws.sheet_view.showGridLines, ws.sheet_view.zoomScale),
        }
    return out


def sheet_xml(path: Path, n: int = 1) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode("utf-8")


def test_a_table_workbook_reads_back_the_same_from_both_writers(tmp_path, monkeypatch, spy):
    made = table_sheets()
    assert fast_path_ok(made)
    fast, slow = write_both(tmp_path, made, monkeypatch)
    assert spy == [(["송장", "발송처리", "메모", "짧은 첫 줄"], "written")]     # fast came from rustpy, slow did not

    assert values(fast) == values(slow)
    assert picture(fast) == picture(slow)

    # And what both say is what chulgo means (not merely the same on both sides):
    got = values(fast)["송장"]
    assert got[0] == ["주문번호", "받는분", "전화", "수량", "주소", "메모", "비고"]
    assert [r[5] for r in got[1:1 + len(TRICKY)]] == TRICKY       # text stays text, formula-looking or not
    assert got[1][0] == "0000" and got[1][3] == 0 and got[4][3] == 3
    assert got[1 + len(TRICKY)] == ["0100", "짧은 줄", "", "", "", "", ""]     # a short row: blanks after it
    assert got[2 + len(TRICKY)] == [""] * 7                                   # an empty row stays empty
    assert got[-1][6] == 10**15
    book = openpyxl.load_workbook(fast)
    ws = book["송장"]
    assert ws["F2"].value == "=SUM(A1)" and ws["F2"].data_type == "s"
    assert ws["A2"].value == "0000" and ws["A2"].data_type == "s" and ws["D3"].value == 1 and ws["D3"].data_type == "n"
    assert ws["B1"].font.b and ws["B1"].fill.fgColor.rgb == "FFDDEBF7" and ws["B1"].border.left.style == "thin"
    assert not ws["B2"].font.b and ws["B2"].fill.fill_type is None
    assert {ws[f"{c}2"].number_format for c in "ABCDEF"} == {"@"}
    assert ws.freeze_panes == "A2" and ws.sheet_state == "visible"
    widths = sheets._column_widths(made[0])
    assert [round(ws.column_dimensions[chr(65 + i)].width) for i in range(7)] == [round(w + 0.71) for w in widths]
    assert {ws.column_dimensions[chr(65 + i)].number_format for i in range(7)} == {"@"}   # typing stays text
    plain = book["발송처리"]
    assert plain.sheet_state == "hidden" and plain.freeze_panes is None
    assert not plain["A1"].font.b and plain["A1"].fill.fill_type is None and plain["A1"].number_format == "@"
    assert plain["C3"].value == "=1+1" and plain["C3"].data_type == "s"
    free = book["메모"]
    assert free.freeze_panes is None and not free["A1"].font.b and round(free.column_dimensions["B"].width) == 21
    assert free["A2"].value == "=A1" and free["B2"].value == 7
    assert values(fast)["짧은 첫 줄"] == [["번호", "상품", "수량"], ["1", "", ""], ["2", "양말", 3]]
    for n in (1, 2, 3, 4):
        assert "<f>" not in sheet_xml(fast, n)           # nothing became a formula
    assert not list(tmp_path.glob(".*.tmp"))                 # the temp files were moved into place


def test_a_waybill_request_and_the_invoice_uploads_take_the_fast_path_and_match_xlsxwriter(exports, parcels, tmp_path,
                                                                                            monkeypatch, spy):
    names = ("smartstore", "coupang", "cafe24")
    shipments = parcels[1]
    cj = load_couriers(None)["cj"]
    written = {"cj": cj.write_waybills(shipments, SELLER, tmp_path / "fast", "x")}
    for name in names:
        written[name] = load_channels(None)[name].write_invoices(invoiced(lines_of(exports.files[name])),
                                                                 tmp_path / "fast", "x")[0]
    assert [outcome for _, outcome in spy] == ["written"] * 4     # every one of them through rustpy-xlsxwriter

    monkeypatch.setattr(sheets, "FAST_WRITER", False)
    slow = {"cj": cj.write_waybills(shipments, SELLER, tmp_path / "slow", "x")}
    for name in names:
        slow[name] = load_channels(None)[name].write_invoices(invoiced(lines_of(exports.files[name])),
                                                              tmp_path / "slow", "x")[0]
    assert len(spy) == 4
    for key, path in written.items():
        assert values(path) == values(slow[key]), key
        assert picture(path) == picture(slow[key]), key
        assert "<f>" not in sheet_xml(path)


def test_sheets_with_a_layout_of_their_own_go_through_xlsxwriter(tmp_path, spy):
    png = barcode_png("S20261122-0001")
    styled = Sheet("발주서", [["a", "b"], ["1", "2"]], styles={"fill": {"bold": True, "bg_color": "#FFF2CC"}},
                   cell_styles={(0, 1): "fill"})
    pictured = Sheet("포장", [["a", "b"], ["1", "2"]], images=[(1, 1, png, {})])
    write_workbook(tmp_path / "styled.xlsx", [styled])
    write_workbook(tmp_path / "pictured.xlsx", [Sheet("표", [["x"], ["y"]]), pictured])
    assert spy == []
    ws = openpyxl.load_workbook(tmp_path / "styled.xlsx")["발주서"]
    assert ws["B1"].fill.fgColor.rgb == "FFFFF2CC" and ws["A1"].fill.fgColor.rgb == "FFDDEBF7"
    with zipfile.ZipFile(tmp_path / "pictured.xlsx") as z:
        assert "xl/media/image1.png" in z.namelist()


@pytest.mark.parametrize("why, made", [
    ("no sheet", []),
    ("header only", [Sheet("미매핑", [["채널", "SKU"]])]),
    ("repeated header", [Sheet("s", [["품목명", "품목명"], ["a", "b"]], styled=False)]),
    ("number in the header", [Sheet("s", [["a", 1], ["a", "b"]])]),
    ("blank in a styled header", [Sheet("s", [["a", ""], ["a", "b"]])]),
    ("row longer than the header", [Sheet("s", [["a"], ["a", "b"]], styled=False)]),
    ("two styled header rows", [Sheet("s", [["a", "b"], ["c", "d"], ["1", "2"]], header_rows=2)]),
    ("emphasis", [Sheet("s", [["a"], ["1"]], emphasis={1})]),
    ("row styles", [Sheet("s", [["a"], ["1"]], styles={"u": {"bold": True}}, row_styles={1: "u"})]),
    ("merges", [Sheet("s", [["a", "b"], ["1", "2"]], merges=[(1, 0, 1, 1)])]),
    ("row heights", [Sheet("s", [["a"], ["1"]], row_heights={1: 20})]),
    ("printable", [Sheet("s", [["a"], ["1"]], printable=True)]),
    ("validations", [Sheet("s", [["a"], ["1"]], validations={"A2": ["x", "y"]})]),
    ("page breaks", [Sheet("s", [["a"], ["1"]], page_breaks=[1])]),
    ("width right of the header", [Sheet("s", [["a"], ["1"]], widths={3: 10})]),
    ("a bool", [Sheet("s", [["a"], [True]])]),
    ("a float", [Sheet("s", [["a"], [0.1 + 0.2]])]),
    ("None", [Sheet("s", [["a"], [None]])]),
    ("an int of 17 digits", [Sheet("s", [["a"], [12345678901234567]])]),
    ("a hidden first sheet", [Sheet("s", [["a"], ["1"]], hidden=True), Sheet("t", [["a"], ["1"]])]),
    ("names equal ignoring case", [Sheet("Sheet", [["a"], ["1"]]), Sheet("sheet", [["a"], ["1"]])]),
    ("a sheet named general", [Sheet("general", [["a"], ["1"]])]),
    ("an empty name", [Sheet("", [["a"], ["1"]])]),
    ("a name over 31 UTF-16 units", [Sheet("😀" * 16, [["a"], ["1"]])]),
])
def test_what_the_fast_writer_cannot_write_exactly_is_left_to_xlsxwriter(why, made):
    assert not fast_path_ok(made), why


@pytest.mark.parametrize("why, made", [
    ("XlsxWriter writes a blank styled header cell as an empty text", [Sheet("s", [["a", ""], ["1", "2"]])]),
    ("XlsxWriter writes 16 significant digits of a float", [Sheet("s", [["a"], [0.1 + 0.2]])]),
    ("XlsxWriter writes 16 significant digits of an int", [Sheet("s", [["a"], [12345678901234567]])]),
])
def test_where_the_fast_writer_is_not_used_it_would_write_something_else(why, made, tmp_path, monkeypatch, spy):
    """The fallbacks are not caution for its own sake: forced through rustpy, these sheets read back differently."""
    slow = write_workbook(tmp_path / "slow.xlsx", made)
    assert spy == []
    monkeypatch.setattr(sheets, "fast_path_ok", lambda _: True)
    fast = write_workbook(tmp_path / "fast.xlsx", made)
    assert spy == [(["s"], "written")]
    assert values(fast) != values(slow) or picture(fast) != picture(slow) or \
        re.sub(r"<v>(\d+)\.0</v>", r"<v>\1</v>", sheet_xml(fast)) != sheet_xml(slow), why


def test_one_plain_sheet_among_others_decides_nothing_alone():
    ok = Sheet("송장", [["a"], ["1"]])
    assert fast_path_ok([ok, Sheet("목록", [["a", "b"], ["1", "2"]], styled=False)])
    assert not fast_path_ok([ok, Sheet("합계", [["a"], ["1"]], printable=True)])


def test_a_header_only_sheet_keeps_its_header(tmp_path, spy):
    path = write_workbook(tmp_path / "empty.xlsx", [Sheet("미매핑", [["채널", "SKU"]])])
    assert spy == []
    assert values(path) == {"미매핑": [["채널", "SKU"]]}
    assert openpyxl.load_workbook(path)["미매핑"]["A1"].font.b


def test_a_text_rustpy_refuses_is_written_by_xlsxwriter_as_before(tmp_path, monkeypatch, spy):
    """Excel holds 32,767 characters a cell: XlsxWriter cuts a longer text, rustpy refuses the workbook."""
    made = [Sheet("메모", [["번호", "메모"], ["1", "가" * 40000]])]
    assert fast_path_ok(made)
    fast, slow = write_both(tmp_path, made, monkeypatch)
    assert spy == [(["메모"], "RuntimeError")]        # tried, refused, written the old way
    assert values(fast) == values(slow) and len(values(fast)["메모"][1][1]) == 32767
    assert picture(fast) == picture(slow)
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_sheet_name_excel_refuses_still_fails_the_way_it_did(tmp_path, spy):
    with pytest.raises(xlsxwriter.exceptions.InvalidWorksheetName):
        write_workbook(tmp_path / "bad.xlsx", [Sheet("송장[1]", [["a"], ["1"]])])
    assert not list(tmp_path.iterdir())           # neither a temp file nor a half-written workbook is left


def test_a_korean_sheet_name_of_31_characters_is_written_fast(tmp_path, spy):
    name = "가" * 31
    path = write_workbook(tmp_path / "long.xlsx", [Sheet(name, [["a"], ["=1"]])])
    assert spy == [([name], "written")]
    assert values(path) == {name: [["a"], ["=1"]]}


def test_numbers_are_numbers_and_ids_are_text_in_the_sheet_xml(tmp_path, spy):
    path = write_workbook(tmp_path / "n.xlsx", [Sheet("s", [["수량", "번호"], [3, "0012"], [12, "=SUM(A1)"]])])
    assert spy == [(["s"], "written")]
    xml = sheet_xml(path)
    cells = {ref: (attrs, inner) for ref, attrs, inner in re.findall(r'<c r="([A-Z]+\d+)"([^>]*)>(.*?)</c>', xml)}
    assert "t=" not in cells["A2"][0] and float(re.fullmatch(r"<v>(.*)</v>", cells["A2"][1]).group(1)) == 3
    assert 't="inlineStr"' in cells["B2"][0] and cells["B2"][1] == "<is><t>0012</t></is>"
    assert 't="inlineStr"' in cells["B3"][0] and cells["B3"][1] == "<is><t>=SUM(A1)</t></is>" and "<f>" not in xml
