"""The bad days: wrong password, unknown or damaged files, missing columns, cut ids, a crash mid-run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import xlsxwriter

from chulgo import samples
from chulgo.ledger import Ledger
from chulgo.settings import DEFAULT_SETTINGS
from tests.conftest import as_dicts, ledger_rows, make_workspace, one_number_each, outputs, sheet_rows

ROOT = Path(__file__).resolve().parent.parent


def test_wrong_password_names_the_setting_and_keeps_the_file(cli, tmp_path, day):
    ws = make_workspace(tmp_path / "ws", day, DEFAULT_SETTINGS.replace('password = "1234"', 'password = "9999"'))
    code, out = cli(ws, "collect")
    assert code == 1
    assert "비밀번호가 맞지 않습니다" in out and "[channels.smartstore] password" in out
    assert list((ws / "inbox").glob("스마트스토어*")), "the file stays in inbox"
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'smartstore'")[0][0] == 0
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'coupang'")[0][0] == len(day.coupang), \
        "the other channels are still collected"


def test_password_from_the_environment(cli, tmp_path, day, monkeypatch):
    ws = make_workspace(tmp_path / "ws", day, re.sub(r"^password = .*\n", "", DEFAULT_SETTINGS, flags=re.M))
    code, out = cli(ws, "collect")
    assert code == 1 and "비밀번호가 걸린 파일" in out
    monkeypatch.setenv("CHULGO_SMARTSTORE_PASSWORD", "1234")
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'smartstore'")[0][0] == len(day.smartstore)


def test_unknown_file_stays_in_inbox_and_is_named(cli, ws):
    book = xlsxwriter.Workbook(str(ws / "inbox" / "가계부.xlsx"))
    book.add_worksheet("지출").write_row(0, 0, ["날짜", "항목", "금액"])
    book.close()
    (ws / "inbox" / "메모.txt").write_text("택배 아저씨 오후 3시", encoding="utf-8")
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert "가계부.xlsx" in out and "메모.txt" in out and "알 수 없어" in out
    assert sorted(p.name for p in (ws / "inbox").iterdir()) == ["가계부.xlsx", "메모.txt"]


def test_truncated_download_is_reported_and_nothing_of_it_is_read(cli, ws):
    coupang = next((ws / "inbox").glob("DeliveryList*"))
    data = coupang.read_bytes()
    coupang.write_bytes(data[: len(data) // 2])
    code, out = cli(ws, "collect")
    assert code == 1
    assert coupang.name in out and "끝까지 내려받지 못했습니다" in out
    assert coupang.exists()
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'coupang'")[0][0] == 0


def test_missing_required_column_names_file_row_and_column(cli, ws, day):
    for p in (ws / "inbox").glob("order_list*"):
        p.unlink()
    headers = tuple(h for h in samples.CAFE24_HEADERS if h != "수량")
    samples.write_cafe24_export(ws / "inbox" / "cafe24.xlsx", day.cafe24, headers=headers)
    code, out = cli(ws, "collect")
    assert code == 1
    assert "cafe24.xlsx" in out and "1행" in out and "'수량'" in out
    assert (ws / "inbox" / "cafe24.xlsx").exists()
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'cafe24'")[0][0] == 0


def test_an_order_id_excel_cut_is_refused_with_its_row(cli, ws, day, tmp_path):
    """A 16-digit 상품주문번호 saved as a number has lost digits: refuse the file, name row and column."""
    for p in (ws / "inbox").glob("스마트스토어*"):
        p.unlink()
    path = ws / "inbox" / "resaved.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("발주발송관리")
    sheet.write_string(0, 0, samples.SMARTSTORE_INSTRUCTION)
    sheet.write_row(1, 0, samples.SMARTSTORE_HEADERS)
    col = {h: i for i, h in enumerate(samples.SMARTSTORE_HEADERS)}
    for r, row in enumerate(day.smartstore[:3], start=2):
        for h, v in row.items():
            if h in col:
                sheet.write(r, col[h], v)
        sheet.write_number(r, col["상품주문번호"], float(row["상품주문번호"]))   # what Excel does on re-save
    book.close()
    code, out = cli(ws, "collect")
    assert code == 1
    assert "resaved.xlsx 발주발송관리 3행 '상품주문번호' 열" in out and "뒷자리가 사라졌습니다" in out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'smartstore'")[0][0] == 0


def test_a_crash_after_writing_outputs_leaves_nothing_half_done(cli, ws, monkeypatch):
    """Outputs are written, then the process dies before the ledger commits: the rerun ships each line once."""
    cli(ws, "collect")
    real = Ledger.set_batch_files

    def crash(self, *args):
        raise RuntimeError("power cut")

    monkeypatch.setattr(Ledger, "set_batch_files", crash)
    code, out = cli(ws, "ship")
    assert code == 1 and "예상하지 못한 오류" in out and "Traceback" not in out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM shipments")[0][0] == 0
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE state = 'batched'")[0][0] == 0

    monkeypatch.setattr(Ledger, "set_batch_files", real)
    code, out = cli(ws, "ship")
    assert code == 0, out
    ready = ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE state = 'batched'")[0][0]
    assert ready > 0
    assert ledger_rows(ws, "SELECT COUNT(*) FROM shipment_lines")[0][0] == ready
    waybills = outputs(ws, "CJ대한통운_송장요청")
    assert len(waybills) == 1, "the rerun wrote the same batch again, not a second one"
    parcels = {r["고객주문번호"] for r in as_dicts(sheet_rows(waybills[0]))}
    assert parcels == {sid for (sid,) in ledger_rows(ws, "SELECT shipment_id FROM shipments")}


def test_a_crash_before_archiving_is_completed_by_the_rerun(cli, ws, monkeypatch):
    from jobs.context import Context
    monkeypatch.setattr(Context, "archive", lambda self, path: (_ for _ in ()).throw(OSError("disk gone")))
    code, out = cli(ws, "collect")
    assert code == 1
    lines = ledger_rows(ws, "SELECT COUNT(*) FROM lines")[0][0]
    assert lines > 0 and len(list((ws / "inbox").iterdir())) == 3
    monkeypatch.undo()
    code, out = cli(ws, "collect")
    assert code == 0 and out.count("이미 읽은 파일") == 3
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines")[0][0] == lines
    assert not list((ws / "inbox").iterdir())


def test_tracking_without_our_id_falls_back_only_when_exactly_one_parcel_fits(cli, tmp_path):
    # Two checkouts on one channel to the same person, merge off: two parcels that look alike.
    day = samples.generate_day(seed=5, lines=12, unmapped_share=0, cancelled_share=0)
    first = day.cafe24[0]
    twin_order = "20261122-0099999"
    twin = dict(first, **{"주문번호": twin_order, "품목별 주문번호": twin_order + "-01"})
    day = samples.SampleDay(day.products, day.mappings, day.sets, day.smartstore, day.coupang,
                            day.cafe24 + [twin], 0, day.day)
    ws = make_workspace(tmp_path / "ws", day, DEFAULT_SETTINGS.replace('merge = "all"', 'merge = "off"'))
    cli(ws, "collect")
    cli(ws, "ship")
    waybill = outputs(ws, "CJ대한통운_송장요청")[0]
    rows = as_dicts(sheet_rows(waybill))
    twins = [r["고객주문번호"] for r in rows if r["받는분성명"] == first["수령인"]]
    single = next(r["고객주문번호"] for r in rows if r["받는분성명"] != first["수령인"])
    assert len(twins) == 2
    assigned = one_number_each(samples.write_courier_result(waybill, ws / "inbox" / "result.xlsx",
                                                            drop_order_ref={*twins, single}))
    code, out = cli(ws, "tracking")
    attached = dict(ledger_rows(ws, "SELECT shipment_id, tracking_no FROM tracking"))
    assert attached[single] == assigned[single], "a unique name+phone+address match is attached"
    assert not set(twins) & set(attached), "look-alike parcels are not guessed"
    assert "정할 수 없습니다" in out
    assert len(ledger_rows(ws, "SELECT * FROM unmatched_tracking")) == 2
    code, out = cli(ws, "status")
    dash = as_dicts(sheet_rows(outputs(ws, "현황")[0], "미매칭 운송장"))
    assert {r["운송장번호"] for r in dash} == {assigned[t] for t in twins}


def test_request_file_dropped_back_in_inbox_is_not_taken_for_a_result(cli, ws):
    cli(ws, "collect")
    cli(ws, "ship")
    waybill = outputs(ws, "CJ대한통운_송장요청")[0]
    (ws / "inbox" / waybill.name).write_bytes(waybill.read_bytes())
    code, out = cli(ws, "tracking")
    assert code == 1 and "송장요청 파일 같습니다" in out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM tracking")[0][0] == 0


@pytest.mark.parametrize("settings, expected", [
    (DEFAULT_SETTINGS.replace('id = "cj"', 'id = "cjj"'), '[courier] id: "cjj"는 없는 택배사입니다. cj, lotte, hanjin, epost, logen'),
    (DEFAULT_SETTINGS.replace('merge = "all"', 'merge = "yes"'), "[shipping] merge"),
    (DEFAULT_SETTINGS.replace('zip = "06236"', "zip = 6236"), "[seller] zip: 숫자 6236가 아니라 따옴표"),
    (DEFAULT_SETTINGS.replace("[seller]", "[seler]"), "[seler]: 모르는 구역"),
    (DEFAULT_SETTINGS + "\n[channels.naver]\npassword = \"1\"\n", '"naver"는 없는 채널'),
    ('[seller\nname = "x"', "settings.toml 형식이 잘못되었습니다"),
    ('seller = "하루상점"\n' + DEFAULT_SETTINGS.split("[courier]")[1].join(["[courier]", ""]),
     "settings.toml seller: 구역이어야 합니다"),
])
def test_bad_settings_stop_before_anything_is_written(tmp_path, settings, expected):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "settings.toml").write_text(settings, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(ROOT / "run.py"), "daily", "--workspace", str(ws)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 1
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    written = sorted(str(p.relative_to(ws)) for p in ws.rglob("*") if p.is_file())
    logs = [w for w in written if w != "settings.toml"]
    assert "settings.toml" in written and all(w.startswith("data/logs/chulgo-") for w in logs), \
        "nothing written but the day's log line saying why the run stopped"
    log = "".join((ws / w).read_text(encoding="utf-8") for w in logs)
    assert expected.split(":")[0] in log


def test_usage_errors_exit_2():
    proc = subprocess.run([sys.executable, str(ROOT / "run.py"), "shipp"], capture_output=True, text=True)
    assert proc.returncode == 2 and "사용법" in proc.stderr


def test_the_repository_is_a_working_default_workspace():
    from chulgo.settings import DEFAULT_SETTINGS, load_settings
    assert (ROOT / "settings.toml").read_text(encoding="utf-8") == DEFAULT_SETTINGS
    assert load_settings(ROOT).courier == "cj"


def test_a_download_still_in_progress_is_left_alone(cli, ws):
    (ws / "inbox" / "DeliveryList.xlsx.crdownload").write_bytes(b"PK\x03\x04partial")
    code, out = cli(ws, "collect")
    assert code == 0, out
    assert (ws / "inbox" / "DeliveryList.xlsx.crdownload").exists() and "crdownload" not in out


def test_a_foreign_order_number_in_the_result_falls_back_to_the_recipient(cli, ws):
    cli(ws, "collect")
    cli(ws, "ship")
    rows = sheet_rows(outputs(ws, "CJ대한통운_송장요청")[0])
    header, first = rows[0], list(rows[1])
    first[header.index("고객주문번호")] = "쇼핑몰-0001"          # the seller's own number, not ours
    first[header.index("운송장번호")] = "612345678901"
    book = xlsxwriter.Workbook(str(ws / "inbox" / "result.xlsx"))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    sheet.write_row(1, 0, first)
    book.close()
    code, out = cli(ws, "tracking")
    assert code == 0, out
    assert ledger_rows(ws, "SELECT shipment_id FROM tracking WHERE tracking_no = '612345678901'") == \
        [(rows[1][header.index("고객주문번호")],)]


def _result_without_ids(path: Path, header: list[str], rows: list[tuple[list[str], str]]) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for r, (row, number) in enumerate(rows, start=1):
        row = list(row)
        row[header.index("고객주문번호")] = ""
        row[header.index("운송장번호")] = number
        sheet.write_row(r, 0, row)
    book.close()


def test_a_repeat_customer_listed_again_does_not_steal_the_new_parcels_number(cli, tmp_path):
    day = samples.generate_day(seed=5, lines=12, unmapped_share=0, cancelled_share=0)
    ws = make_workspace(tmp_path / "ws", day)
    cli(ws, "collect")
    cli(ws, "ship")
    first = sheet_rows(outputs(ws, "CJ대한통운_송장요청")[0])
    header = first[0]
    old_row = next(r for r in first[1:] if r[header.index("받는분성명")] == day.cafe24[0]["수령인"])
    _result_without_ids(ws / "inbox" / "day1.xlsx", header, [(old_row, "611111111111")])
    cli(ws, "tracking")
    old_parcel = old_row[header.index("고객주문번호")]
    assert ledger_rows(ws, "SELECT shipment_id FROM tracking") == [(old_parcel,)]

    # Next day the same person orders again; the courier's list covers both days, old row first.
    again = dict(day.cafe24[0], **{"주문번호": "20261123-0000001", "품목별 주문번호": "20261123-0000001-01"})
    samples.write_cafe24_export(ws / "inbox" / "day2.xlsx", [again])
    cli(ws, "collect")
    cli(ws, "ship")
    second = sheet_rows(outputs(ws, "CJ대한통운_송장요청")[-1])
    new_row = second[1]
    _result_without_ids(ws / "inbox" / "day2_result.xlsx", header,
                        [(old_row, "611111111111"), (new_row, "622222222222")])
    code, out = cli(ws, "tracking")
    assert code == 0, out
    assert dict(ledger_rows(ws, "SELECT tracking_no, shipment_id FROM tracking")) == {
        "611111111111": old_parcel, "622222222222": new_row[header.index("고객주문번호")]}
    assert "이미 붙어 있음 1" in out and "맞추지 못함" not in out


def test_a_joined_line_key_needs_every_part_and_a_repeated_key_stops_the_file(cli, ws):
    rows, _ = samples.generate_channel_rows("lotteon", 1, 3)
    without = tuple(h for h in samples.LOTTEON_HEADERS if h != "주문순번")
    samples.write_lotteon_export(ws / "inbox" / "lotteon.xlsx", rows, headers=without)
    code, out = cli(ws, "collect")
    assert code == 1 and "lotteon.xlsx" in out and "주문순번" in out
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'lotteon'")[0][0] == 0

    (ws / "inbox" / "lotteon.xlsx").unlink()
    clash = [rows[0], dict(rows[1], **{"주문번호": rows[0]["주문번호"], "주문순번": rows[0]["주문순번"]})]
    samples.write_lotteon_export(ws / "inbox" / "lotteon2.xlsx", clash)
    code, out = cli(ws, "collect")
    assert code == 1 and "겹치는데 내용이 다릅니다" in out
    assert (ws / "inbox" / "lotteon2.xlsx").exists()
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'lotteon'")[0][0] == 0


def test_an_input_open_in_excel_is_archived_by_the_next_run(cli, ws, monkeypatch):
    import chulgo.archive

    real = chulgo.archive.os.replace

    def locked(src, dst):
        if "archive" in str(dst):
            raise PermissionError(13, "used by another process", str(src))
        return real(src, dst)

    monkeypatch.setattr(chulgo.archive.os, "replace", locked)
    code, out = cli(ws, "daily")
    assert code == 0, out
    assert "열려 있어 보관함으로 옮기지 못했습니다" in out and "1차 출고" in out, "the day goes on"
    monkeypatch.undo()
    lines = ledger_rows(ws, "SELECT COUNT(*) FROM lines")[0][0]
    code, out = cli(ws, "collect")
    assert code == 0 and out.count("이미 읽은 파일") == 3
    assert not list((ws / "inbox").iterdir()) and ledger_rows(ws, "SELECT COUNT(*) FROM lines")[0][0] == lines


def test_one_channels_upload_that_cannot_be_made_does_not_hold_back_the_others(cli, ws):
    # A template that is wrong in itself stops every command at start (tests/test_templates.py). What only the
    # downloaded file can tell — here the column the upload must fill is not in it — fails that channel alone.
    own = (ROOT / "templates" / "channels" / "coupang.toml").read_text(encoding="utf-8")
    own = own.replace('{ header = "운송장번호", value = "tracking_no" }', '{ header = "송장번호", value = "tracking_no" }')
    assert '{ header = "송장번호", value = "tracking_no" }' in own
    (ws / "templates" / "channels").mkdir(parents=True)
    (ws / "templates" / "channels" / "coupang.toml").write_text(own, encoding="utf-8")
    cli(ws, "collect")
    cli(ws, "ship")
    samples.write_courier_result(outputs(ws, "CJ대한통운_송장요청")[0], ws / "inbox" / "r.xlsx")
    cli(ws, "tracking")
    code, out = cli(ws, "invoice")
    assert code == 1 and "쿠팡 송장" in out and "'송장번호' 열이 없어" in out
    assert outputs(ws, "스마트스토어_발송처리") and outputs(ws, "카페24_송장등록") and not outputs(ws, "쿠팡")
    assert ledger_rows(ws, "SELECT COUNT(*) FROM lines WHERE channel = 'coupang' AND state = 'tracked'")[0][0] > 0
    (ws / "templates" / "channels" / "coupang.toml").unlink()
    code, out = cli(ws, "invoice")
    assert code == 0 and outputs(ws, "쿠팡_송장업로드")


def test_pdfs_pictures_and_word_files_are_unrecognised_not_errors(cli, ws):
    import zipfile
    (ws / "inbox" / "세금계산서.pdf").write_bytes(b"%PDF-1.7\n\x00\x01binary")
    (ws / "inbox" / "사진.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with zipfile.ZipFile(ws / "inbox" / "메모.docx", "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    (ws / "inbox" / "Thumbs.db").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600)
    code, out = cli(ws, "collect")
    assert code == 0, out
    for name in ("세금계산서.pdf", "사진.png", "메모.docx"):
        assert name in out and (ws / "inbox" / name).exists()
    assert "Thumbs.db" not in out


def test_a_sku_typed_with_a_typo_survives_the_next_rewrite_of_unmapped(cli, ws, day):
    import openpyxl
    cli(ws, "collect")
    path = ws / "mappings" / "상품매핑.xlsx"
    wb = openpyxl.load_workbook(path)
    sheet = wb["미매핑"]
    header = [c.value for c in sheet[2]]                    # row 1: the instruction
    sheet.cell(row=3, column=header.index("SKU") + 1, value="SKU-TYPO")
    typed_listing = sheet.cell(row=3, column=header.index("채널상품명") + 1).value
    wb.save(path)
    # Something else changes in 미매핑: a new unmapped order arrives.
    extra = dict(day.cafe24[0], **{"주문번호": "20261122-0777777", "품목별 주문번호": "20261122-0777777-01",
                                   "상품품목코드": "P0000ZZZ000A", "상품번호": "999", "주문상품명": "처음 보는 상품"})
    samples.write_cafe24_export(ws / "inbox" / "more.xlsx", [extra])
    code, out = cli(ws, "collect")
    assert "SKU가 상품 시트" in out and "SKU-TYPO" in out
    rows = as_dicts(sheet_rows(path, "미매핑"), header_row=1)
    assert any(r["채널상품명"] == "처음 보는 상품" for r in rows)
    assert next(r for r in rows if r["채널상품명"] == typed_listing)["SKU"] == "SKU-TYPO"


def test_a_mapping_workbook_with_formulas_is_not_rewritten(cli, ws):
    import openpyxl
    path = ws / "mappings" / "상품매핑.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["상품"]["H1"] = "메모"
    wb["상품"]["H2"] = '=B2&" 확인"'
    wb.save(path)
    before = path.read_bytes()
    code, out = cli(ws, "collect")
    assert code == 0 and "수식이 있어" in out
    assert path.read_bytes() == before and outputs(ws, "미매핑")


def test_an_address_changed_after_print_is_said_once(cli, ws, day):
    cli(ws, "collect")
    cli(ws, "ship")
    key = ledger_rows(ws, "SELECT line_key FROM lines WHERE channel = 'smartstore' AND state = 'batched'")[0][0]
    moved = [dict(r, 통합배송지="부산광역시 해운대구 센텀중앙로 79 1001호") if r["상품주문번호"] == key else r
             for r in day.smartstore]
    samples.write_smartstore_export(ws / "inbox" / "a.xlsx", moved, password="1234")
    code, out = cli(ws, "collect")
    assert "배송지가 바뀌었습니다" in out and key in out
    samples.write_smartstore_export(ws / "inbox" / "b.xlsx", moved + [], password="1234")
    code, out = cli(ws, "collect")
    assert "배송지가 바뀌었습니다" not in out
