"""The fake Google Sheets API (chulgo.fakeapi.sheets), spoken to through real gspread 6 calls."""

from __future__ import annotations

import gspread
import pytest
import requests
from gspread.exceptions import APIError, SpreadsheetNotFound

from chulgo.fakeapi.sheets import FakeSheets, Formula

SID = "sid"
RAW = {"valueInputOption": "RAW"}


@pytest.fixture
def fake() -> FakeSheets:
    fake = FakeSheets()
    fake.add_spreadsheet(SID, sheets={
        "상품": [["상품코드", "상품명"], ["P-001", "사과 1kg"], ["P-002", "배 2kg"]],
        "매핑": [["옵션", "상품코드"], ["빨강", "P-001"]],
        "Bob's": [["x"]],
    })
    return fake


@pytest.fixture
def sh(fake: FakeSheets) -> gspread.Spreadsheet:
    return gspread.Client(auth=None, session=fake.session()).open_by_key(SID)


def api_error(call) -> APIError:
    with pytest.raises(APIError) as info:
        call()
    return info.value


def test_metadata_as_gspread_reads_it(sh: gspread.Spreadsheet) -> None:
    assert (sh.title, sh.locale, sh.timezone) == ("상품매핑", "ko_KR", "Asia/Seoul")
    sheets = sh.worksheets()
    assert [w.title for w in sheets] == ["상품", "매핑", "Bob's"]
    assert [w.index for w in sheets] == [0, 1, 2]
    assert sheets[0].id == 0 and len({w.id for w in sheets}) == 3
    assert (sheets[0].row_count, sheets[0].col_count, sheets[0].frozen_row_count) == (1000, 26, 0)


def test_korean_quoted_ranges_round_trip(sh: gspread.Spreadsheet, fake: FakeSheets) -> None:
    got = sh.values_batch_get(["'상품'", "'매핑'!A2:B", "상품!A2:A", "'Bob''s'!A1"],
                              params={"valueRenderOption": "FORMATTED_VALUE"})["valueRanges"]
    assert [r["range"] for r in got] == ["'상품'!A1:Z1000", "'매핑'!A2:B1000", "'상품'!A2:A1000", "'Bob''s'!A1"]
    assert got[0]["values"] == [["상품코드", "상품명"], ["P-001", "사과 1kg"], ["P-002", "배 2kg"]]
    assert got[1]["values"] == [["빨강", "P-001"]]
    assert got[2]["values"] == [["P-001"], ["P-002"]]
    assert got[3]["values"] == [["x"]]

    sh.values_batch_update({**RAW, "data": [{"range": "'매핑'!C2", "values": [["메모"]]},
                                            {"range": "'매핑'!A4:B4", "values": [["파랑", "P-002"]]}]})
    rows = sh.values_get("'매핑'")["values"]
    assert rows == [["옵션", "상품코드"], ["빨강", "P-001", "메모"], [], ["파랑", "P-002"]]  # gap: []
    assert fake.rows(SID, "매핑") == rows
    assert sh.worksheet("매핑").get_all_values()[3] == ["파랑", "P-002", ""]


def test_empty_range_omits_values(sh: gspread.Spreadsheet) -> None:
    got = sh.values_batch_get(["'상품'!D1:E5"])["valueRanges"][0]
    assert got == {"range": "'상품'!D1:E5", "majorDimension": "ROWS"}


def test_raw_keeps_text_user_entered_parses(sh: gspread.Spreadsheet, fake: FakeSheets) -> None:
    sh.values_batch_update({**RAW, "data": [{"range": "'매핑'!A5", "values": [["=1+1", "0101", "TRUE"]]}]})
    assert [fake.cell(SID, "매핑", 5, c) for c in (1, 2, 3)] == ["=1+1", "0101", "TRUE"]
    assert fake.formula_cells(SID) == []

    sh.values_batch_update({"valueInputOption": "USER_ENTERED",
                            "data": [{"range": "'매핑'!A6", "values": [["=1+1", "0101", "'0101"]]}]})
    assert [fake.cell(SID, "매핑", 6, c) for c in (1, 2, 3)] == [Formula("=1+1"), 101, "0101"]
    assert fake.formula_cells(SID) == [("매핑", "A6", "=1+1")]
    formulas = sh.values_get("'매핑'!A6:B6", params={"valueRenderOption": "FORMULA"})["values"]
    assert formulas == [["=1+1", 101]]


def test_append_lands_after_last_row(sh: gspread.Spreadsheet, fake: FakeSheets) -> None:
    fake.set_cell(SID, "매핑", 4, 1, "노랑")       # a row typed by hand below a blank row
    reply = sh.values_append("'매핑'!A1", params={**RAW, "insertDataOption": "INSERT_ROWS"},
                             body={"values": [["초록", "P-003"], ["보라", "=P-004"]]})
    assert reply["tableRange"] == "'매핑'!A1:B4"
    assert reply["updates"]["updatedRange"] == "'매핑'!A5:B6"
    assert reply["updates"]["updatedCells"] == 4
    assert fake.rows(SID, "매핑")[3:] == [["노랑"], ["초록", "P-003"], ["보라", "=P-004"]]
    assert fake.sheet(SID, "매핑").grid["rowCount"] == 1002
    assert fake.formula_cells(SID) == []


def test_write_all_or_nothing(sh: gspread.Spreadsheet, fake: FakeSheets) -> None:
    before = fake.rows(SID, "매핑")
    err = api_error(lambda: sh.values_batch_update({**RAW, "data": [
        {"range": "'매핑'!A1", "values": [["바뀜"]]}, {"range": "'없는시트'!A1", "values": [["x"]]}]}))
    assert err.code == 400 and "Unable to parse range" in err.error["message"]
    err = api_error(lambda: sh.values_batch_update({"data": [{"range": "'매핑'!A1", "values": [["x"]]}]}))
    assert err.code == 400 and "valueInputOption" in err.error["message"]
    err = api_error(lambda: sh.values_batch_update({**RAW, "data": [{"range": "'매핑'!A1:B1",
                                                                    "values": [["a", "b", "c"]]}]}))
    assert err.code == 400
    assert fake.rows(SID, "매핑") == before


def test_missing_sheet_range_is_400(sh: gspread.Spreadsheet) -> None:
    err = api_error(lambda: sh.values_batch_get(["'상품'", "'미매핑'"]))
    assert err.response.status_code == 400
    assert err.error == {"code": 400, "message": "Unable to parse range: '미매핑'", "status": "INVALID_ARGUMENT"}


def test_range_beyond_grid_is_400(sh: gspread.Spreadsheet) -> None:
    err = api_error(lambda: sh.values_get("'상품'!A1001"))
    assert "exceeds grid limits" in err.error["message"]


def test_batch_update_requests(sh: gspread.Spreadsheet, fake: FakeSheets) -> None:
    reply = sh.batch_update({"requests": [
        {"addSheet": {"properties": {"title": "미매핑", "gridProperties": {"rowCount": 200, "columnCount": 8}}}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
        {"setDataValidation": {
            "range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 500, "startColumnIndex": 1,
                      "endColumnIndex": 2},
            "rule": {"condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='상품'!A2:A"}]},
                     "strict": True, "showCustomUi": True}}},
        {"repeatCell": {"range": {"sheetId": 0, "endRowIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                        "fields": "userEnteredFormat.textFormat.bold"}},
        {"mergeCells": {"range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                                  "endColumnIndex": 2}, "mergeType": "MERGE_ALL"}},
    ]})
    added = reply["replies"][0]["addSheet"]["properties"]
    assert (added["title"], added["index"], added["gridProperties"]["rowCount"]) == ("미매핑", 3, 200)
    assert reply["replies"][1:] == [{}, {}, {}, {}]
    sheets = sh.worksheets()                              # metadata fetched again
    assert [w.title for w in sheets] == ["상품", "매핑", "Bob's", "미매핑"]
    assert sheets[0].frozen_row_count == 1
    [validation] = fake.sheet(SID, "상품").validations
    assert validation["rule"]["condition"]["values"] == [{"userEnteredValue": "='상품'!A2:A"}]
    assert len(fake.sheet(SID, "상품").formats) == 1 and len(fake.sheet(SID, "상품").merges) == 1
    assert sh.values_get("'미매핑'") == {"range": "'미매핑'!A1:H200", "majorDimension": "ROWS"}


def test_worksheet_helpers_resize_freeze_rename(sh: gspread.Spreadsheet, fake: FakeSheets) -> None:
    ws = sh.worksheet("매핑")
    ws.resize(rows=20, cols=4)                            # field mask written "gridProperties/rowCount"
    ws.freeze(rows=1)
    ws.update_title("매핑2")
    again = sh.worksheet("매핑2")
    assert (again.row_count, again.col_count, again.frozen_row_count) == (20, 4, 1)
    assert fake.rows(SID, "매핑2")[0] == ["옵션", "상품코드"]


def test_batch_update_refuses_and_changes_nothing(sh: gspread.Spreadsheet) -> None:
    err = api_error(lambda: sh.batch_update({"requests": [{"addSheet": {"properties": {"title": "상품"}}}]}))
    assert err.code == 400 and "already exists" in err.error["message"]
    err = api_error(lambda: sh.batch_update({"requests": [{"addSheet": {"properties": {"title": "새시트"}}},
                                                          {"deleteRange": {}}]}))
    assert err.code == 400
    err = api_error(lambda: sh.batch_update({"requests": [{"setDataValidation": {
        "range": {"sheetId": 0}, "rule": {"condition": {"type": "ONE_OF_RANGE",
                                                        "values": [{"userEnteredValue": "='없음'!A2:A"}]}}}}]}))
    assert err.code == 400
    assert [w.title for w in sh.worksheets()] == ["상품", "매핑", "Bob's"]


def test_429_with_retry_after(sh: gspread.Spreadsheet, fake: FakeSheets) -> None:
    fake.fail_next(429, retry_after=7, path_contains="values:batchGet")
    sh.values_batch_update({**RAW, "data": []})             # not matched: goes through
    err = api_error(lambda: sh.values_batch_get(["'상품'"]))
    assert err.response.status_code == 429
    assert err.response.headers["Retry-After"] == "7"
    assert err.error["status"] == "RESOURCE_EXHAUSTED"
    assert sh.values_batch_get(["'상품'"])["valueRanges"]    # only once


def test_503_twice_then_fine(sh: gspread.Spreadsheet, fake: FakeSheets) -> None:
    fake.fail_next(503, times=2)
    for _ in range(2):
        err = api_error(lambda: sh.values_get("'상품'"))
        assert err.error["status"] == "UNAVAILABLE" and "Retry-After" not in err.response.headers
    assert sh.values_get("'상품'")["values"][0] == ["상품코드", "상품명"]


def test_deny_and_unknown_spreadsheet(fake: FakeSheets, sh: gspread.Spreadsheet) -> None:
    client = gspread.Client(auth=None, session=fake.session())
    with pytest.raises(SpreadsheetNotFound):
        client.open_by_key("nope")
    fake.deny = True
    err = api_error(lambda: sh.values_batch_get(["'상품'"]))
    assert err.response.status_code == 403
    assert err.error == {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}
    with pytest.raises(PermissionError):                    # gspread's own translation of a 403 on open
        client.open_by_key(SID)


def test_edit_during_runs_before_the_write(sh: gspread.Spreadsheet, fake: FakeSheets) -> None:
    seen = []

    def staff_types() -> None:
        seen.append(fake.rows(SID, "매핑"))
        fake.set_cell(SID, "매핑", 3, 1, "손으로 입력")

    fake.edit_during(staff_types)
    sh.values_batch_get(["'매핑'"])                          # reads don't trigger it
    sh.values_batch_update({**RAW, "data": [{"range": "'매핑'!B2", "values": [["P-009"]]}]})
    assert seen == [[["옵션", "상품코드"], ["빨강", "P-001"]]]  # ran once, before the write landed
    sh.values_batch_update({**RAW, "data": [{"range": "'매핑'!C2", "values": [["x"]]}]})
    assert len(seen) == 1
    assert fake.rows(SID, "매핑") == [["옵션", "상품코드"], ["빨강", "P-009", "x"], ["손으로 입력"]]


def test_clear_and_request_log(sh: gspread.Spreadsheet, fake: FakeSheets) -> None:
    fake.requests.clear()
    fake.reads = fake.writes = 0
    reply = sh.values_batch_clear(body={"ranges": ["'매핑'!A2:B"]})
    assert reply["clearedRanges"] == ["'매핑'!A2:B1000"]
    assert fake.rows(SID, "매핑") == [["옵션", "상품코드"]]
    sh.values_batch_get(["'상품'", "'매핑'"], params={"valueRenderOption": "FORMATTED_VALUE"})
    method, path, query, body = fake.requests[-1]
    assert (method, path) == ("GET", f"/v4/spreadsheets/{SID}/values:batchGet")
    assert query == {"valueRenderOption": ["FORMATTED_VALUE"], "ranges": ["'상품'", "'매핑'"]}
    assert body is None and fake.requests[0].body == {"ranges": ["'매핑'!A2:B"]}
    assert (fake.reads, fake.writes) == (1, 1)


def test_session_stays_offline(fake: FakeSheets) -> None:
    with pytest.raises(requests.ConnectionError):
        fake.session().get("https://www.googleapis.com/drive/v3/files/sid")
