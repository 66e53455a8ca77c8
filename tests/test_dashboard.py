"""현황.xlsx as a seller reads it: the '오늘' sheet says what to do next, in order, with the file to open."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta

import openpyxl
import pytest

from chulgo import samples
from tests.conftest import day_to_uploads, ledger_rows, make_workspace, one_number_each, outputs


def _dashboard(ws):
    return openpyxl.load_workbook(sorted((ws / "outbox").rglob("현황.xlsx"))[-1])


def _todos(book) -> list[tuple[str, str, str]]:
    """(text, file or command, fill colour) of each to-do row of '오늘'."""
    sheet = book["오늘"]
    out = []
    for row in sheet.iter_rows():
        text = row[0].value or ""
        if re.match(r"\d+\. ", text):
            out.append((text, row[6].value or "", row[0].fill.fgColor.rgb or ""))
    return out


def test_the_first_sheet_is_today_with_the_next_steps_in_order(cli, ws):
    cli(ws, "collect")
    cli(ws, "status")
    book = _dashboard(ws)
    assert book.sheetnames[0] == "오늘"
    assert book["오늘"]["A1"].value.startswith(date.today().isoformat())
    todos = _todos(book)
    texts = [t for t, _, _ in todos]
    assert any(t.startswith(f"{i + 1}. 출고 가능") for i, t in enumerate(texts))
    unmapped = next(t for t in todos if "미매핑" in t[0])
    assert unmapped[1] == "mappings/상품매핑.xlsx '미매핑' 시트"

    cli(ws, "ship")
    cli(ws, "status")
    todos = _todos(_dashboard(ws))
    waybill = next(t for t in todos if "CJ대한통운 결과 파일을 inbox에 넣기" in t[0])
    assert waybill[1].endswith(outputs(ws, "CJ대한통운_송장요청")[0].name)
    assert not any("출고 가능" in t for t, _, _ in todos)

    samples.write_courier_result(outputs(ws, "CJ대한통운_송장요청")[0], ws / "inbox" / "cj.xlsx")
    cli(ws, "tracking")
    cli(ws, "invoice")
    cli(ws, "status")
    upload = next(t for t in _todos(_dashboard(ws)) if "송장 업로드 파일" in t[0])
    assert upload[0].count("3개 올리기") == 1 and "uv run run.py uploaded" in upload[1]

    code, out = cli(ws, "uploaded", "쿠팡")
    assert code == 0 and "쿠팡_송장업로드" in out
    cli(ws, "status")
    assert any("2개 올리기" in t for t, _, _ in _todos(_dashboard(ws)))
    for name in ("스마트스토어", "cafe24"):
        cli(ws, "uploaded", name)
    cli(ws, "status")
    assert not any("송장 업로드 파일" in t for t, _, _ in _todos(_dashboard(ws))), "all uploads marked done"
    code, out = cli(ws, "uploaded", "없는채널")
    assert code == 1 and "없습니다" in out


def test_an_upload_not_done_for_a_day_is_urgent(cli, ws, monkeypatch):
    day_to_uploads(cli, ws)
    monkeypatch.setenv("CHULGO_TODAY", (date.today() + timedelta(days=1)).isoformat())
    cli(ws, "status")
    upload = next(t for t in _todos(_dashboard(ws)) if "송장 업로드 파일" in t[0])
    assert "송장 누락 주의" in upload[0] and upload[2].endswith("FFC7CE"), "red: a missing upload costs penalties"
    assert _todos(_dashboard(ws))[0] == upload or _todos(_dashboard(ws))[0][2].endswith("FFC7CE"), "urgent first"


def test_an_order_past_its_deadline_is_red_and_first(cli, tmp_path):
    # Orders of yesterday: none of the others is late whatever the date the test runs on.
    day = samples.generate_day(seed=11, lines=40, day=date.today() - timedelta(days=1))
    rows = [dict(r) for r in day.smartstore]
    late = next(r for r in rows if r.get("주문상태") != "취소")
    late["발송기한"] = (date.today() - timedelta(days=1)).isoformat()
    late.update({"수취인연락처1": "abc", "수취인연락처2": ""})     # it waits (bad phone), so it is open at status time
    d = samples.SampleDay(day.products, day.mappings, day.sets, rows, day.coupang, day.cafe24, day.unmapped_listings, day.day)
    ws = make_workspace(tmp_path / "ws", d)
    cli(ws, "collect")
    cli(ws, "status")
    book = _dashboard(ws)
    first = _todos(book)[0]
    assert "발송기한 지남 1줄" in first[0] and first[2].endswith("FFC7CE")
    waiting = book["대기"]
    header = [c.value for c in waiting[1]]
    row = next(r for r in waiting.iter_rows(min_row=2) if r[header.index("주문 줄 번호")].value == late["상품주문번호"])
    assert row[header.index("발송기한")].value == late["발송기한"]
    assert row[0].fill.fgColor.rgb.endswith("FFC7CE")


def test_empty_lists_are_hidden_and_the_chart_is_there(cli, ws):
    cli(ws, "collect")
    cli(ws, "status")
    book = _dashboard(ws)
    assert book["미매칭 운송장"].sheet_state == "hidden" and book["반품"].sheet_state == "hidden"
    assert book["대기"].sheet_state == "visible"
    assert book["오늘"]._charts, "the last 14 days as a chart"
    history = [r for r in book["오늘"].iter_rows(values_only=True) if r[0] and re.fullmatch(r"\d\d-\d\d", str(r[0]))]
    assert len(history) == 14 and history[-1][0] == date.today().isoformat()[5:] and history[-1][1] > 0


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_today_prints_one_page_wide(cli, ws, tmp_path):
    cli(ws, "collect")
    cli(ws, "status")
    source = sorted((ws / "outbox").rglob("현황.xlsx"))[-1]
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180)
    pdf = (tmp_path / "현황.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes, "the PDF has pages"
    width, height = (float(v) for v in boxes[0])
    assert round(width) == 842 and round(height) == 595, "the first page is A4 landscape"


def test_two_couriers_get_a_day_total_and_tracking_brings_a_packing_slip(cli, tmp_path, day):
    from chulgo.settings import DEFAULT_SETTINGS
    from tests.conftest import as_dicts, sheet_rows
    settings = DEFAULT_SETTINGS.replace('[shipping]', '[channels.coupang]\ncourier = "lotte"\n\n[shipping]')
    ws = make_workspace(tmp_path / "ws", day, settings)
    cli(ws, "collect")
    cli(ws, "ship")
    lists = outputs(ws, "피킹리스트")
    assert len(lists) == 2
    per_list: dict[str, int] = {}
    for p in lists:
        for r in as_dicts(sheet_rows(p, "합계"), header_row=2):
            per_list[r["SKU"]] = per_list.get(r["SKU"], 0) + int(r["수량"])
    total = {r["SKU"]: int(r["수량"]) for r in as_dicts(sheet_rows(outputs(ws, "피킹합계")[0]), header_row=2)}
    assert total == per_list, "the day total is both batches' lists added up, each SKU once"

    numbers = one_number_each(samples.write_courier_result(outputs(ws, "CJ대한통운_송장요청")[0],
                                                           ws / "inbox" / "cj.xlsx"))
    samples.write_courier_result(outputs(ws, "롯데택배_송장요청")[0], ws / "inbox" / "lotte.xlsx", courier_id="lotte")
    cli(ws, "tracking")
    slip = sheet_rows(outputs(ws, "포장확인")[0])
    listed = {cell.split()[-1] for row in slip for cell in row if cell.startswith("운송장 ")}
    attached = {no for (no,) in ledger_rows(ws, "SELECT tracking_no FROM tracking")}
    assert set(numbers.values()) <= listed and listed == attached


def test_a_failed_run_marks_the_dashboard_until_a_good_one(cli, ws):
    cli(ws, "collect")
    cli(ws, "status")
    settings = (ws / "settings.toml").read_text(encoding="utf-8")
    (ws / "templates" / "couriers").mkdir(parents=True)
    (ws / "templates" / "couriers" / "cj.toml").write_text("id = \"cj\"\n[waybill]\ncolumns = []\n", encoding="utf-8")
    code, out = cli(ws, "ship")
    assert code == 1
    banner = _dashboard(ws)["오늘"]["A2"].value
    assert banner.startswith("마지막 실행 실패") and "ship" in banner
    (ws / "templates" / "couriers" / "cj.toml").unlink()
    code, out = cli(ws, "daily")
    assert not str(_dashboard(ws)["오늘"]["A2"].value).startswith("마지막 실행 실패"), "the good run's own 현황 is clean"
    code, out = cli(ws, "schedule", "install")
    assert code == 1
    assert not str(_dashboard(ws)["오늘"]["A2"].value).startswith("마지막 실행 실패"), "no orders touched: no failed day"
    assert settings == (ws / "settings.toml").read_text(encoding="utf-8")


def test_uploaded_takes_a_channel_name_with_a_space(cli, tmp_path):
    from chulgo.settings import DEFAULT_SETTINGS
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "settings.toml").write_text(DEFAULT_SETTINGS, encoding="utf-8")
    code, out = cli(ws, "uploaded", "카카오톡", "선물하기")
    assert code == 1 and "카카오톡 선물하기" in out, "both words reach the command (nothing uploaded yet)"
