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


def _locked(tmp_path, channel: str, password: str):
    from chulgo import samples
    write = samples.write_ohouse_export if channel == "ohouse" else samples.write_smartstore_export
    return write(tmp_path / f"{channel}.xlsx", [], password=password)


def test_a_wrong_password_from_the_environment_says_the_variable_overrides_settings(tmp_path, monkeypatch):
    from chulgo.files import InputFileError
    from chulgo.settings import DEFAULT_SETTINGS, load_settings
    (tmp_path / "settings.toml").write_text(DEFAULT_SETTINGS, encoding="utf-8")   # password = "1234" there
    monkeypatch.setenv("CHULGO_SMARTSTORE_PASSWORD", "9999")
    settings = load_settings(tmp_path)
    assert settings.password_source("smartstore") == "env" and settings.password_source("ohouse") == ""
    passwords = {cid: settings.password(cid) for cid in ("smartstore", "coupang", "ohouse")}
    from_env = {cid for cid in passwords if settings.password_source(cid) == "env"}
    with pytest.raises(InputFileError) as e:
        read_tables(_locked(tmp_path, "smartstore", "1234"), passwords, from_env=from_env)
    assert "비밀번호가 맞지 않습니다" in str(e.value)
    assert "환경변수 CHULGO_SMARTSTORE_PASSWORD" in str(e.value) and "settings.toml보다 우선" in str(e.value)
    assert "settings.toml을 고쳐도 소용없습니다" in str(e.value)

    monkeypatch.delenv("CHULGO_SMARTSTORE_PASSWORD")
    assert settings.password_source("smartstore") == "settings"
    with pytest.raises(InputFileError) as e:
        read_tables(_locked(tmp_path, "smartstore", "5555"), {"smartstore": settings.password("smartstore")})
    assert "settings.toml [channels.smartstore] password" in str(e.value) and "우선" not in str(e.value)


def test_a_locked_file_without_a_password_names_every_channel_that_locks_its_downloads(tmp_path):
    from chulgo.files import InputFileError
    path = _locked(tmp_path, "ohouse", "0000")
    for passwords in ({}, {"smartstore": "", "coupang": "", "ohouse": ""}):
        with pytest.raises(InputFileError) as e:
            read_tables(path, passwords)
        text = str(e.value)
        assert "비밀번호가 걸린 파일" in text
        assert "오늘의집 파일이면 settings.toml [channels.ohouse] password" in text
        assert "스마트스토어 파일이면 settings.toml [channels.smartstore] password" in text


def test_an_ohouse_file_tried_with_the_smartstore_password_says_where_the_ohouse_one_goes(tmp_path):
    from chulgo.files import InputFileError
    with pytest.raises(InputFileError) as e:
        read_tables(_locked(tmp_path, "ohouse", "0000"), {"smartstore": "1234", "ohouse": ""})
    assert "오늘의집 파일이면 settings.toml [channels.ohouse] password" in str(e.value)
    assert read_tables(_locked(tmp_path, "ohouse", "0000"), {"smartstore": "1234", "ohouse": "0000"})


def test_a_streamed_sheet_reads_the_same_rows_as_a_whole_one(tmp_path):
    """Inbox sheets are streamed row by row (chulgo.files.SheetStream): the rows must be the very rows a whole read
    gives, empty rows and columns before the data included, and the same after its parsed cells are let go."""
    import datetime as dt

    import xlsxwriter

    p = tmp_path / "offset.xlsx"
    wb = xlsxwriter.Workbook(str(p))
    ws = wb.add_worksheet("떨어진 표")            # data from C3, an empty row inside, numbers and a date
    ws.write_row(2, 2, ["주문번호", "", "수량"])
    ws.write_row(4, 3, [6234.0, " 홍길동 "])
    ws.write_datetime(6, 5, dt.datetime(2026, 11, 22, 9, 30), wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}))
    wb.add_worksheet("빈 시트")
    at_a1 = wb.add_worksheet("A1부터")
    for r in range(30):
        at_a1.write_row(r, 0, [f"r{r}", r])
    wb.close()

    whole = read_tables(p, {})
    streamed = read_tables(p, {}, stream=True)
    assert [t.sheet for t in streamed] == [t.sheet for t in whole]
    for w, s in zip(whole, streamed):
        assert s.rows == w.rows[:20]
        assert [row for _, row in s.rows_from(0)] == w.rows
        assert [(i, row) for i, row in s.rows_from(3)] == list(enumerate(w.rows))[3:]
        s.release()
        assert [row for _, row in s.rows_from(0)] == w.rows
    assert whole[0].rows[2] == ["", "", "주문번호", "", "수량", ""] and whole[0].rows[4][3:5] == ["6234", "홍길동"]
    # Only some columns asked for: those as text, "" in the others; a row with text in none of them comes whole
    # (so a row reads as blank exactly when it is).
    picked = [row for _, row in streamed[0].rows_from(0, {2, 4})]
    assert picked[2] == ["", "", "주문번호", "", "수량", ""]
    assert picked[4] == ["", "", "", "", "홍길동", ""] and picked[6] == whole[0].rows[6]
    assert [any(row) for row in picked] == [any(row) for row in whole[0].rows]
